//! The set-up window (`SetupWindow`, ui/views/setup.slint): translates its
//! callbacks into `setup::Intent`s and renders the state `setup::Setup`
//! keeps. Joining the hub, copying a file, building the demo and listing
//! the printers run off the UI thread (when `background`) and report back
//! through the window's own callbacks; then the kiosk's window opens in
//! the same event loop and this one closes.

use std::cell::RefCell;
use std::path::{Path, PathBuf};
use std::rc::Rc;
use std::time::Duration;

use slint::ComponentHandle;

use super::setup::{Effect, Intent, Setup, Step, Task};
use super::{KioskMode, KioskUi, Screen, SetupAdapter, SetupStep, SetupTask, SetupWindow, UiError};
use accueil_core::app::Kiosk;
use accueil_core::config::{Config, Language, Mode};

/// How long joining waits for the hub (its answer, then the first sync).
const JOIN_TIMEOUT: Duration = Duration::from_secs(60);
/// People in the demo event.
const DEMO_PEOPLE: usize = 1200;

/// The set-up window, wired.
pub struct SetupUi {
    pub window: SetupWindow,
    shared: Rc<Shared>,
}

struct Shared {
    window: slint::Weak<SetupWindow>,
    state: RefCell<Setup>,
    /// The kiosk's window, once set up.
    kiosk: RefCell<Option<KioskUi>>,
    config: PathBuf,
    db: Option<PathBuf>,
    /// Work on threads (a real window); without, on the UI thread (tests).
    background: bool,
}

impl SetupUi {
    /// The set-up window for a kiosk.toml to be written at `config` (its
    /// database at `db`, else beside it).
    pub fn new(config: &Path, db: Option<&Path>, background: bool) -> Result<SetupUi, UiError> {
        let window = SetupWindow::new()?;
        let shared = Rc::new(Shared {
            window: window.as_weak(),
            state: RefCell::new(Setup::new(Language::French)),
            kiosk: RefCell::new(None),
            config: config.to_owned(),
            db: db.map(Path::to_owned),
            background,
        });
        wire(&window, &shared);
        if let Some(found) = kiosk_toml_on_a_key() {
            window
                .global::<SetupAdapter>()
                .set_file(found.to_string_lossy().into_owned().into());
        }
        list_printers(&shared);
        if background && let Some(device) = accueil_core::camera::CameraSetting::Auto.device() {
            super::spawn_camera(
                &window,
                device,
                |w, image| {
                    let a = w.global::<SetupAdapter>();
                    a.set_camera_on(true);
                    a.set_camera_view(image);
                },
                |w, code| w.global::<SetupAdapter>().invoke_scan_entered(code.into()),
                |w| w.global::<SetupAdapter>().set_camera_on(false),
            );
        }
        render(&window, &shared.state.borrow());
        Ok(SetupUi { window, shared })
    }

    /// Shows the window and runs until the kiosk's window (which replaces
    /// it) or this one is closed.
    pub fn run(self) -> Result<(), UiError> {
        self.window.show()?;
        slint::run_event_loop()?;
        Ok(())
    }

    /// The kiosk's window once the machine is set up (tests).
    pub fn kiosk(&self) -> Option<std::cell::Ref<'_, KioskUi>> {
        std::cell::Ref::filter_map(self.shared.kiosk.borrow(), Option::as_ref).ok()
    }
}

/// A new machine's first start: the set-up window, then its kiosk.
pub fn run_setup(config: &Path, db: Option<&Path>) -> Result<(), UiError> {
    SetupUi::new(config, db, true)?.run()
}

fn wire(window: &SetupWindow, shared: &Rc<Shared>) {
    let a = window.global::<SetupAdapter>();
    let s = shared.clone();
    a.on_scan_entered(move |text| dispatch(&s, Intent::Scanned(text.into())));
    let s = shared.clone();
    a.on_join_typed(move || {
        let Some(w) = s.window.upgrade() else { return };
        let a = w.global::<SetupAdapter>();
        let (hub, code) = (a.get_hub().into(), a.get_code().into());
        dispatch(&s, Intent::Typed { hub, code });
    });
    let s = shared.clone();
    a.on_choose_mode(move |mode| {
        let mode = match mode {
            KioskMode::Staff => Mode::Staff,
            KioskMode::SelfService => Mode::SelfService,
            KioskMode::BadgeStation => Mode::BadgeStation,
        };
        dispatch(&s, Intent::Mode(mode));
    });
    let s = shared.clone();
    a.on_choose_printer(move |queue| {
        let queue = (!queue.is_empty()).then(|| queue.to_string());
        dispatch(&s, Intent::Printer(queue));
    });
    let s = shared.clone();
    a.on_open_file(move || {
        let Some(w) = s.window.upgrade() else { return };
        let path = w.global::<SetupAdapter>().get_file().to_string();
        dispatch(&s, Intent::OpenFile(path));
    });
    let s = shared.clone();
    a.on_demo(move || dispatch(&s, Intent::Demo));
    let s = shared.clone();
    a.on_switch_language(move || {
        let other = s.state.borrow().language.other();
        dispatch(&s, Intent::Language(other));
    });
    // Reports from the threads.
    let s = shared.clone();
    a.on_finished(move |ok, text| {
        let result = if ok {
            Ok(PathBuf::from(text.as_str()))
        } else {
            Err(text.into())
        };
        dispatch(&s, Intent::Finished(result));
    });
    let s = shared.clone();
    a.on_printers_listed(move |queues, error| {
        use slint::Model;
        let found = if error.is_empty() {
            Ok(queues.iter().map(|q| q.to_string()).collect())
        } else {
            Err(error.into())
        };
        dispatch(&s, Intent::Printers(found));
    });
}

/// Every callback comes here: the state updates, the effects are carried
/// out, the window shows the state.
fn dispatch(shared: &Rc<Shared>, intent: Intent) {
    let effects = shared.state.borrow_mut().update(intent);
    for effect in effects {
        carry_out(shared, effect);
    }
    if let Some(window) = shared.window.upgrade() {
        render(&window, &shared.state.borrow());
    }
}

fn carry_out(shared: &Rc<Shared>, effect: Effect) {
    let (config, db) = (shared.config.clone(), shared.db.clone());
    match effect {
        Effect::Join(invitation, choices) => work(shared, move || {
            accueil_core::app::join(&config, db.as_deref(), &invitation, &choices, JOIN_TIMEOUT)
                .map(|(_, joined)| joined.config)
                .map_err(|e| e.to_string())
        }),
        Effect::OpenFile(source) => work(shared, move || {
            accueil_core::app::adopt(&config, &source).map_err(|e| e.to_string())
        }),
        // Beside this machine's kiosk.toml, which stays unwritten: the
        // next start offers the set-up again.
        Effect::Demo => work(shared, move || {
            let dir = accueil_core::folder_of(&config).join("demo");
            accueil_core::demo::create(&dir, DEMO_PEOPLE).map_err(|e| e.to_string())
        }),
        Effect::Open(config) => {
            if let Err(e) = open_kiosk(shared, &config) {
                tracing::warn!("{e}");
                dispatch(shared, Intent::Unopened(e.to_string()));
            }
        }
        Effect::Language(language) => {
            if let Err(e) = super::select_language(language)
                && let Some(w) = shared.window.upgrade()
            {
                w.global::<SetupAdapter>().set_message(e.to_string().into());
            }
        }
    }
}

/// Runs `job` on a thread (its result back through `finished`), or here
/// without background.
fn work(shared: &Rc<Shared>, job: impl FnOnce() -> Result<PathBuf, String> + Send + 'static) {
    let report = |w: &SetupWindow, result: Result<PathBuf, String>| {
        let (ok, text) = match result {
            Ok(path) => (true, path.to_string_lossy().into_owned()),
            Err(why) => (false, why),
        };
        w.global::<SetupAdapter>().invoke_finished(ok, text.into());
    };
    if let Err(e) = off_ui_thread(shared, "mise-en-service", job, report) {
        dispatch(
            shared,
            Intent::Finished(Err(UiError::Worker(e).to_string())),
        );
    }
}

/// The CUPS queues, listed off the UI thread.
fn list_printers(shared: &Rc<Shared>) {
    let list = || match accueil_core::app::printers(accueil_core::config::DEFAULT_CUPS_SERVER) {
        Ok(queues) => (queues.into_iter().map(|q| q.name).collect(), String::new()),
        Err(e) => (Vec::new(), e.to_string()),
    };
    let report = |w: &SetupWindow, (queues, error): (Vec<String>, String)| {
        let queues: Vec<slint::SharedString> = queues.into_iter().map(Into::into).collect();
        w.global::<SetupAdapter>().invoke_printers_listed(
            slint::ModelRc::new(slint::VecModel::from(queues)),
            error.into(),
        );
    };
    if let Err(e) = off_ui_thread(shared, "imprimantes", list, report) {
        // Files stay offered: the list is only a convenience.
        tracing::warn!("{}", UiError::Worker(e));
    }
}

/// Runs `job` on a thread of its own and hands its result to `report` in
/// the event loop — or, without `background` (tests), runs both here.
fn off_ui_thread<T: Send + 'static>(
    shared: &Rc<Shared>,
    name: &str,
    job: impl FnOnce() -> T + Send + 'static,
    report: fn(&SetupWindow, T),
) -> std::io::Result<()> {
    let w = shared.window.clone();
    if !shared.background {
        let result = job();
        if let Some(w) = w.upgrade() {
            report(&w, result);
        }
        return Ok(());
    }
    std::thread::Builder::new()
        .name(name.into())
        .spawn(move || {
            let result = job();
            let _ = w.upgrade_in_event_loop(move |w| report(&w, result));
        })
        .map(drop)
}

/// The kiosk's window on what was set up; this one closes.
fn open_kiosk(shared: &Rc<Shared>, config_path: &Path) -> Result<(), UiError> {
    let config = Config::load(config_path).map_err(accueil_core::app::AppError::from)?;
    let kiosk = Kiosk::open(config, None)?;
    let ui = KioskUi::new(kiosk, shared.background)?;
    if shared.background {
        ui.window.show()?;
        if let Some(w) = shared.window.upgrade() {
            w.hide()?;
        }
    }
    tracing::info!("kiosque ouvert sur {}", config_path.display());
    *shared.kiosk.borrow_mut() = Some(ui);
    Ok(())
}

fn render(window: &SetupWindow, state: &Setup) {
    let a = window.global::<SetupAdapter>();
    a.set_step(match state.step {
        Step::Choose => SetupStep::Choose,
        Step::Working => SetupStep::Working,
        Step::Failed => SetupStep::Failed,
        Step::Done => SetupStep::Done,
    });
    a.set_task(match state.task {
        Task::Join => SetupTask::Join,
        Task::File => SetupTask::File,
        Task::Demo => SetupTask::Demo,
    });
    a.set_mode(match state.mode {
        Mode::Staff => KioskMode::Staff,
        Mode::SelfService => KioskMode::SelfService,
        Mode::BadgeStation => KioskMode::BadgeStation,
        // Not offered at set-up (a door needs its room): staff's choices.
        Mode::Door => KioskMode::Staff,
    });
    // The queues change only when listed: the buttons are not rebuilt on
    // every tap.
    use slint::Model;
    let shown = a.get_printers();
    if !shown
        .iter()
        .map(|q| q.to_string())
        .eq(state.printers.iter().cloned())
    {
        let queues: Vec<slint::SharedString> = state.printers.iter().map(Into::into).collect();
        a.set_printers(slint::ModelRc::new(slint::VecModel::from(queues)));
    }
    a.set_printer(state.printer.clone().unwrap_or_default().into());
    a.set_printers_error(state.printers_error.clone().unwrap_or_default().into());
    a.set_message(state.message.clone().into());
    // A scan taken is cleared: the next lands in an empty field.
    if state.step != Step::Choose {
        a.set_scanned("".into());
    }
    window
        .global::<Screen>()
        .set_language(state.language.code().into());
}

/// A kiosk.toml at the top of a USB key (or one folder down), as desktop
/// and kiosk sessions mount them.
fn kiosk_toml_on_a_key() -> Option<PathBuf> {
    let mut roots = vec![PathBuf::from("/media")];
    if let Ok(users) = std::fs::read_dir("/run/media") {
        roots.extend(users.flatten().map(|e| e.path()));
    }
    let mut found = Vec::new();
    for root in roots {
        let Ok(entries) = std::fs::read_dir(&root) else {
            continue;
        };
        for entry in entries.flatten() {
            let dir = entry.path();
            found.push(dir.join("kiosk.toml"));
            if let Ok(inner) = std::fs::read_dir(&dir) {
                found.extend(inner.flatten().map(|e| e.path().join("kiosk.toml")));
            }
        }
    }
    found.sort();
    found.into_iter().find(|p| p.is_file())
}
