//! The kiosk window (Slint): the only user of slint. The views live in
//! ui/views/*.slint, each with an exported adapter global. What the desk
//! does — the page up, Enter on a scan or a name, self-service limits, PIN
//! lockout, where a form goes back to — is decided in `desk`, without
//! Slint: every callback becomes a `desk::Intent`, [`dispatch`] hands it to
//! the desk (one borrow) and renders the effects it returns through the
//! views' adapters, which never call each other. Rust hands the views data
//! (names, codes, times) and the views put it in words with `@tr`, French
//! by default and English from the bundled translation. Check-ins and
//! search run on the UI thread (well under a millisecond); printing,
//! counting and sync run in background threads that report back with
//! `upgrade_in_event_loop`.

mod confirm_adapter;
mod desk;
mod doctor_adapter;
mod door;
mod door_adapter;
mod edit_adapter;
mod home_adapter;
mod keyboard_adapter;
mod pin_adapter;
mod result_adapter;
mod scanner_adapter;
pub mod screenshots;
mod setup;
mod setup_adapter;
pub mod sound;
mod status_adapter;
mod walk_in_adapter;

use std::cell::RefCell;
use std::rc::Rc;
use std::time::Duration;

use slint::ComponentHandle;

use accueil_core::app::{AppError, Cadence, Kiosk, KioskSync, Next, Peer, Worker};
use accueil_core::app::{JobView, PrintState};
use accueil_core::config::{Language, Mode};
pub(crate) use desk::Desk;
pub use door::Intent as DoorIntent;
pub use door_adapter::DoorUi;
pub use setup_adapter::{SetupUi, run_setup};

/// The code Slint generates from ui/*.slint (it unwraps what it knows is
/// there: the lints are for code written here).
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
mod generated {
    slint::include_modules!();
}
pub use generated::*;

#[derive(Debug, thiserror::Error)]
pub enum UiError {
    #[error(
        "fenêtre impossible à ouvrir : {0} — lancez accueil dans une session graphique (DISPLAY/WAYLAND_DISPLAY)"
    )]
    Platform(#[from] slint::PlatformError),
    #[error(transparent)]
    App(#[from] AppError),
    #[error("rendu d'écran impossible : {0}")]
    Snapshot(String),
    #[error(
        "tâche de fond impossible à lancer : {0} — la machine manque de mémoire ou de processus"
    )]
    Worker(std::io::Error),
    #[error(
        "traduction « {0} » absente de l'application — recompilez accueil avec crates/accueil-core/i18n"
    )]
    Translation(&'static str),
}

pub(crate) type Shared = Rc<RefCell<Desk>>;

/// The kiosk window with its callbacks wired, not yet running.
pub struct KioskUi {
    pub window: AppWindow,
    desk: Shared,
}

impl KioskUi {
    /// Builds the window on a kiosk. With `background`, one thread sends
    /// queued badges to the printer and reports job states back, another
    /// counts today's arrivals for the status bar; without, jobs stay queued
    /// and the UI thread counts (tests).
    pub fn new(kiosk: Kiosk, background: bool) -> Result<KioskUi, UiError> {
        let window = AppWindow::new()?;
        let (printer, counter) = match background {
            true => {
                let (printer, counter) = spawn_status_workers(&window, &kiosk)?;
                (Some(printer), Some(counter))
            }
            false => (None, None),
        };
        let sync = KioskSync::for_kiosk(&kiosk);
        let peer = sync.as_ref().map(KioskSync::peer);
        let syncer = match (sync, &counter) {
            (Some(sync), Some(counter)) => Some(spawn_syncer(&window, &kiosk, sync, counter)?),
            _ => None,
        };
        window
            .global::<StatusAdapter>()
            .set_sync_enabled(syncer.is_some());
        window
            .global::<StatusAdapter>()
            .set_sync_peer(peer.unwrap_or(Peer::Hub).name().into());
        status_adapter::show_notices(&window, &kiosk.unseen_pretix_notices().unwrap_or_default());
        // Past the retention date, every start says so to staff until
        // purged (and `accueil kiosk` to its log).
        if let Ok(Some(_)) = kiosk.retention_notice() {
            window.global::<StatusAdapter>().set_purge_due(
                kiosk
                    .config
                    .event
                    .purge_due()
                    .strftime(accueil_core::domain::when::DATE)
                    .to_string()
                    .into(),
            );
        }
        let language = kiosk.config.kiosk.language;
        show_event(&window, &kiosk);
        if background && let Some(device) = kiosk.config.camera.device() {
            spawn_kiosk_camera(&window, device);
        }
        let sound = background && kiosk.config.kiosk.sound;
        // A copy made before this kiosk was set to self-service.
        let mut kiosk = kiosk;
        if let Err(e) = kiosk.minimise_if_attended(true) {
            tracing::warn!("{e}");
        }
        let mut desk = Desk::new(kiosk);
        desk.sound = sound;
        desk.printer = printer;
        desk.counter = counter;
        desk.syncer = syncer;
        let desk = Rc::new(RefCell::new(desk));
        wire_adapters(&window, &desk);
        pin_adapter::apply_mode(&window, &desk.borrow());
        show_language(&window, language)?;
        let (w, d) = (window.as_weak(), desk.clone());
        window.global::<Screen>().on_switch_language(move || {
            if let Some(window) = w.upgrade() {
                dispatch(&window, &d, desk::Intent::SwitchLanguage);
            }
        });
        status_adapter::show_identity(&window, &desk.borrow().kiosk);
        status_adapter::show_today(&window, status_adapter::today(&desk.borrow().kiosk));
        window.invoke_arm();
        Ok(KioskUi { window, desk })
    }

    /// Shows the window and runs until it is closed.
    pub fn run(self) -> Result<(), UiError> {
        self.window.run()?;
        Ok(())
    }

    /// Switches who is at the screen (screenshots of both modes).
    pub fn set_mode(&self, mode: Mode) {
        self.desk.borrow_mut().mode = mode;
        pin_adapter::apply_mode(&self.window, &self.desk.borrow());
    }

    /// Switches the screen's language (screenshots; staff use the button).
    pub fn set_language(&self, language: Language) {
        self.desk.borrow_mut().language = language;
        render(
            &self.window,
            &self.desk.borrow(),
            desk::Effect::Language(language),
        );
    }

    /// Shows pretix's refusals staff have not seen, as the sync thread
    /// does after each round (tests and screenshots run without it).
    pub fn show_pretix_notices(&self) {
        let unseen = self
            .desk
            .borrow()
            .kiosk
            .unseen_pretix_notices()
            .unwrap_or_default();
        status_adapter::show_notices(&self.window, &unseen);
    }

    /// The kiosk behind the window (tests, screenshots).
    pub fn with_kiosk<R>(&self, f: impl FnOnce(&mut Kiosk) -> R) -> R {
        f(&mut self.desk.borrow_mut().kiosk)
    }
}

/// Back to an empty home screen (screenshots).
pub(crate) fn home_adapter_reset(ui: &KioskUi) {
    dispatch(&ui.window, &ui.desk, desk::Intent::Home);
}

/// Opens the kiosk window on a kiosk and runs it.
pub fn run_kiosk(kiosk: Kiosk) -> Result<(), UiError> {
    if kiosk.config.kiosk.mode == Mode::Door {
        return DoorUi::new(kiosk, true)?.run();
    }
    KioskUi::new(kiosk, true)?.run()
}

/// How often the print worker retries and follows jobs without being asked.
const PRINT_EVERY: Duration = Duration::from_secs(3);
/// How often the status bar is recounted without being asked (arrivals
/// recorded by another process on this database).
const COUNT_EVERY: Duration = Duration::from_secs(5);

/// Reads the camera on a thread of its own: each new code is a scan, as
/// if the USB scanner had typed it. On the UI thread, `preview` shows a
/// small grey picture a few times a second, `code` takes each new code,
/// `ended` hides the picture. No ffmpeg, no camera, a camera unplugged:
/// the thread waits and tries again (`camera::supervise`), the keyboard
/// path never knew.
pub(crate) fn spawn_camera<W: ComponentHandle + 'static>(
    window: &W,
    device: std::path::PathBuf,
    preview: fn(&W, slint::Image),
    code: fn(&W, String),
    ended: fn(&W),
) {
    let w = window.as_weak();
    let spawned = std::thread::Builder::new()
        .name("camera".into())
        .spawn(move || {
            let (shown_to, gone, alive) = (w.clone(), w.clone(), w.clone());
            let mut shown = std::time::Instant::now();
            let view = move |frame: &accueil_core::camera::Frame| {
                // A few times a second is a preview; more would cost the
                // UI thread for nothing.
                if shown.elapsed() < Duration::from_millis(150) {
                    return;
                }
                shown = std::time::Instant::now();
                let small = accueil_core::camera::thumbnail(frame, 4);
                let _ = shown_to.upgrade_in_event_loop(move |w| {
                    let mut buffer = slint::SharedPixelBuffer::<slint::Rgb8Pixel>::new(
                        small.width,
                        small.height,
                    );
                    for (px, v) in buffer.make_mut_slice().iter_mut().zip(small.pixels) {
                        *px = slint::Rgb8Pixel { r: v, g: v, b: v };
                    }
                    preview(&w, slint::Image::from_rgb8(buffer));
                });
            };
            // Unplugged, ffmpeg stopped, a failure while reading: no
            // picture left frozen, and the camera is opened again (plugged
            // back in, it works without a restart of the kiosk).
            accueil_core::camera::supervise(
                || {
                    accueil_core::camera::Webcam::open(&device)
                        .map(|c| Box::new(c) as Box<dyn accueil_core::camera::FrameSource>)
                },
                view,
                |text| w.upgrade_in_event_loop(move |w| code(&w, text)).is_ok(),
                || {
                    let _ = gone.upgrade_in_event_loop(move |w| ended(&w));
                },
                || alive.upgrade_in_event_loop(|_| ()).is_ok(),
                Duration::from_secs(2),
            );
        });
    drop(spawned);
}

/// The kiosk window's camera: codes go to the field on the pages where a
/// scan is taken.
fn spawn_kiosk_camera(window: &AppWindow, device: std::path::PathBuf) {
    spawn_camera(
        window,
        device,
        |w, image| {
            let home = w.global::<HomeAdapter>();
            home.set_camera_on(true);
            home.set_camera_view(image);
        },
        |w, code| {
            let page = w.global::<Screen>().get_current();
            if matches!(page, Page::Home | Page::Result) {
                let home = w.global::<HomeAdapter>();
                home.set_query(code.clone().into());
                home.invoke_submitted(code.into());
            }
        },
        |w| w.global::<HomeAdapter>().set_camera_on(false),
    );
}

/// Every view's callbacks to the desk, through its adapter.
fn wire_adapters(window: &AppWindow, desk: &Shared) {
    home_adapter::wire(window, desk);
    keyboard_adapter::wire(window, desk);
    confirm_adapter::wire(window, desk);
    result_adapter::wire(window, desk);
    walk_in_adapter::wire(window, desk);
    edit_adapter::wire(window, desk);
    pin_adapter::wire(window, desk);
    scanner_adapter::wire(window, desk);
    doctor_adapter::wire(window, desk);
    status_adapter::wire(window, desk);
}

/// The printing thread (the print queue, its report on the status bar)
/// and the counting one (today's figures), each on its own connection.
fn spawn_status_workers(window: &AppWindow, kiosk: &Kiosk) -> Result<(Worker, Worker), UiError> {
    let w = window.as_weak();
    let printer = spawn_worker(kiosk, "impression", PRINT_EVERY, move |k| {
        let _ = k.reload_hub_config();
        let report = k.print_status(20).map_err(|e| e.to_string());
        w.upgrade_in_event_loop(move |w| {
            status_adapter::show_print_report(&w, report.as_deref().map_err(|e| e.clone()));
        })
        .is_ok()
    })?;
    let w = window.as_weak();
    let counter = spawn_worker(kiosk, "comptage", COUNT_EVERY, move |k| {
        // The hub's event (days, categories) as the sync took it.
        let _ = k.reload_hub_config();
        let today = status_adapter::today(k);
        w.upgrade_in_event_loop(move |w| status_adapter::show_today(&w, today))
            .is_ok()
    })?;
    Ok((printer, counter))
}

/// The sync thread: a round of the app's [`KioskSync`] each time it wakes,
/// the counts woken when others' arrivals came in, the report shown.
fn spawn_syncer(
    window: &AppWindow,
    kiosk: &Kiosk,
    mut sync: KioskSync,
    counter: &Worker,
) -> Result<Worker, UiError> {
    let w = window.as_weak();
    let counter = counter.clone();
    spawn_worker(kiosk, "synchro", sync.every(), move |k| {
        let report = sync.round(k);
        if report.recount {
            counter.wake();
        }
        w.upgrade_in_event_loop(move |w| status_adapter::show_round(&w, report))
            .is_ok()
    })
}

/// A worker of the window: `work` tells the window and says whether the
/// window is still there.
fn spawn_worker(
    kiosk: &Kiosk,
    name: &str,
    period: Duration,
    mut work: impl FnMut(&mut Kiosk) -> bool + Send + 'static,
) -> Result<Worker, UiError> {
    Worker::spawn(
        name,
        kiosk.open_another()?,
        Cadence::every(period),
        move |k| Next::from(work(k)),
    )
    .map_err(UiError::Worker)
}

/// Every callback comes here: the desk updates (the one mutable borrow),
/// the window shows what it says, then the page the desk has up (the one
/// place the window's page is written).
pub(crate) fn dispatch(window: &AppWindow, desk: &Shared, intent: desk::Intent) {
    let effects = desk.borrow_mut().update(intent, std::time::Instant::now());
    let d = desk.borrow();
    let mut arm = false;
    for effect in effects {
        arm |= render(window, &d, effect);
    }
    show_page(window, d.page());
    // Once the page is up, and only where the field is (it would take the
    // focus from a form's first box).
    if arm && matches!(d.page(), desk::Page::Home | desk::Page::Result) {
        window.invoke_arm();
    }
}

/// One effect on the window: each view's adapter renders its own. Says
/// whether the field is to take the focus.
fn render(window: &AppWindow, d: &Desk, effect: desk::Effect) -> bool {
    use desk::{Effect as E, Form};
    let arms = matches!(effect, E::Cleared | E::Armed | E::NextScan);
    match effect {
        E::Cleared => home_adapter::clear(window),
        E::Query(text) => window.global::<HomeAdapter>().set_query(text.into()),
        E::FormText(form, entry, text) => keyboard_adapter::write(window, form, entry, &text),
        E::Capitals(on) => window.global::<KeyboardAdapter>().set_capitals(on),
        E::Listing(listing) => home_adapter::render(window, d, &listing),
        E::Card(r) => confirm_adapter::render(window, d, &r),
        E::Result(shown) => {
            if let Some(cue) = shown.cue().filter(|_| d.sound) {
                crate::sound::play(cue);
            }
            result_adapter::render(window, d, &shown)
        }
        E::Job(queued) => result_adapter::show_queued(window, &queued),
        E::UndoRefused(why) => result_adapter::show_error(window, &why),
        E::EditForm(r, reprint) => edit_adapter::render(window, &r, reprint),
        E::WalkInForm => walk_in_adapter::clear(window, &d.kiosk.config.event.default_category),
        E::Refused(form, e) => {
            let (code, detail) = walk_in_adapter::form_error(&e);
            match form {
                Form::WalkIn => walk_in_adapter::show_error(window, code, &detail),
                Form::Edit => edit_adapter::show_error(window, code, &detail),
            }
        }
        E::PinForm => pin_adapter::clear(window),
        E::Pin(shown) => pin_adapter::render(window, shown),
        E::ScannerForm => scanner_adapter::clear(window),
        E::RunDoctor => doctor_adapter::run(window, d),
        E::Scan(tested) => scanner_adapter::render(window, &tested),
        E::Mode => pin_adapter::apply_mode(window, d),
        E::Language(language) => {
            if let Err(e) = show_language(window, language) {
                tracing::warn!("{e}");
            }
        }
        E::Recount => status_adapter::refresh(window, d),
        E::Event => {
            status_adapter::show_identity(window, &d.kiosk);
            show_event(window, &d.kiosk);
        }
        E::Armed => {}
        E::NextScan => result_adapter::clear_field(window),
    }
    arms
}

/// The event's categories (for the forms) and colour.
pub(crate) fn show_event(window: &AppWindow, kiosk: &Kiosk) {
    let categories: Vec<slint::SharedString> = kiosk
        .config
        .event
        .categories
        .iter()
        .map(|c| c.name.clone().into())
        .collect();
    window
        .global::<Screen>()
        .set_categories(slint::ModelRc::new(slint::VecModel::from(categories)));
    window
        .global::<Screen>()
        .set_accent(colour(&kiosk.config.event.colour));
}

/// The window shows the page the desk has up.
pub(crate) fn show_page(window: &AppWindow, page: desk::Page) {
    use desk::Page as P;
    window.global::<Screen>().set_current(match page {
        P::Home => Page::Home,
        P::Confirm => Page::Confirm,
        P::Result => Page::Result,
        P::WalkIn => Page::WalkIn,
        P::Edit => Page::Edit,
        P::Pin => Page::Pin,
        P::Scanner => Page::Scanner,
        P::Doctor => Page::Doctor,
    });
}

/// A print job for the result screen: its state's code and the printer's
/// (or the queue's) words about a problem; the view phrases them.
pub(crate) fn job_state(job: &JobView) -> (JobShown, String) {
    let detail = job.error.clone().unwrap_or_default();
    match job.state {
        PrintState::Queued if job.attempts > 0 && job.error.is_some() => {
            (JobShown::Waiting, detail)
        }
        PrintState::Queued => (JobShown::Queued, String::new()),
        PrintState::Sent => (JobShown::Sent, detail),
        PrintState::Done => (JobShown::Done, String::new()),
        PrintState::Failed => (JobShown::Failed, detail),
    }
}

/// Puts the screen in a language: the bundled translation for English, the
/// French of the sources otherwise.
fn show_language(window: &AppWindow, language: Language) -> Result<(), UiError> {
    select_language(language)?;
    window
        .global::<Screen>()
        .set_language(language.code().into());
    Ok(())
}

/// The bundled translation for English, the French of the sources otherwise.
pub(crate) fn select_language(language: Language) -> Result<(), UiError> {
    let bundle = match language {
        Language::French => "",
        Language::English => "en",
    };
    slint::select_bundled_translation(bundle).map_err(|_| UiError::Translation(language.code()))
}

/// `#RRGGBB` → a Slint colour.
pub(crate) fn colour(hex: &str) -> slint::Color {
    let [r, g, b] = accueil_core::domain::colour::rgb(hex).unwrap_or([0x55; 3]);
    slint::Color::from_rgb_u8(r, g, b)
}

/// What a self-service screen may show of someone: names and organisation,
/// nothing about their registration.
pub(crate) fn public_person(r: &accueil_core::domain::Registrant) -> Person {
    Person {
        id: i32::try_from(r.id).unwrap_or(i32::MAX),
        first_name: r.first_name.clone().into(),
        last_name: r.last_name.clone().into(),
        organisation: r.organisation.clone().into(),
        category: "".into(),
        colour: colour("#9E9E9E"),
        status: "".into(),
        arrival: "".into(),
    }
}

/// What the staff screen says about a registrant.
pub(crate) fn person(kiosk: &Kiosk, r: &accueil_core::domain::Registrant) -> Person {
    use accueil_core::domain::Status;
    let event = &kiosk.config.event;
    let today = kiosk.day(None).map(|(d, _)| d.date).ok();
    let arrival = today
        .and_then(|d| kiosk.arrival_on(r.uid, d).ok().flatten())
        .map(|a| event.hh_mm(a.at))
        .unwrap_or_default();
    Person {
        id: i32::try_from(r.id).unwrap_or(i32::MAX),
        first_name: r.first_name.clone().into(),
        last_name: r.last_name.clone().into(),
        organisation: r.organisation.clone().into(),
        category: r.category.clone().into(),
        colour: colour(
            event
                .category(&r.category)
                .map_or("#555555", |c| c.colour.as_str()),
        ),
        status: match r.status {
            Status::Valid => "",
            Status::Pending => "pending",
            Status::Cancelled => "cancelled",
        }
        .into(),
        arrival: arrival.into(),
    }
}
