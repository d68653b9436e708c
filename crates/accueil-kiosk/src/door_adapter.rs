//! The room door's window (`DoorWindow`, ui/views/door.slint): translates
//! its callbacks into `door::Intent`s and renders the effects `door::Door`
//! returns. Sync runs on a worker thread, the camera on its own; scans on
//! the UI thread (about a millisecond each).

use std::cell::RefCell;
use std::rc::Rc;

use slint::ComponentHandle;

use super::door::{Door, Effect, Intent};
use super::{DoorAdapter, DoorVerdict, DoorWindow, Screen, UiError};
use accueil_core::app::{DoorStatus, Kiosk};
use accueil_core::domain::programme::{Direction, DoorOutcome};

type Shared = Rc<RefCell<Door>>;

/// The door's window, wired, not yet running.
pub struct DoorUi {
    pub window: DoorWindow,
    door: Shared,
}

impl DoorUi {
    /// With `background`, a worker syncs with the hub and the camera is
    /// read; without (tests), neither.
    pub fn new(kiosk: Kiosk, background: bool) -> Result<DoorUi, UiError> {
        let window = DoorWindow::new()?;
        let syncer = match kiosk.config.hub.url.is_some() && background {
            true => Some(super::spawn_worker(
                &kiosk,
                "synchro",
                accueil_core::app::SYNC_EVERY,
                |k| {
                    if let Err(e) = k.sync_once(accueil_core::app::SYNC_TIMEOUT) {
                        tracing::warn!("synchronisation : {e}");
                    }
                    true
                },
            )?),
            false => None,
        };
        if background && let Some(device) = kiosk.config.camera.device() {
            super::spawn_camera(
                &window,
                device,
                |w, image| {
                    let a = w.global::<DoorAdapter>();
                    a.set_camera_on(true);
                    a.set_camera_view(image);
                },
                |w, code| {
                    let a = w.global::<DoorAdapter>();
                    a.set_query(code.clone().into());
                    a.invoke_submitted(code.into());
                },
                |w| w.global::<DoorAdapter>().set_camera_on(false),
            );
        }
        window
            .global::<Screen>()
            .set_accent(super::colour(&kiosk.config.event.colour));
        window
            .global::<DoorAdapter>()
            .set_exits(kiosk.config.kiosk.exits);
        let language = kiosk.config.kiosk.language;
        let sound = background && kiosk.config.kiosk.sound;
        let mut door = Door::new(kiosk);
        door.syncer = syncer;
        door.sound = sound;
        let door = Rc::new(RefCell::new(door));
        wire(&window, &door);
        render(&window, &door.borrow(), Effect::Language(language));
        let status = door.borrow().status();
        render(&window, &door.borrow(), status);
        window.invoke_arm();
        Ok(DoorUi { window, door })
    }

    pub fn run(self) -> Result<(), UiError> {
        self.window.run()?;
        Ok(())
    }

    /// The kiosk behind the window (tests, screenshots).
    pub fn with_kiosk<R>(&self, f: impl FnOnce(&mut Kiosk) -> R) -> R {
        f(&mut self.door.borrow_mut().kiosk)
    }

    /// What the window reports, as its callbacks would (tests).
    pub fn send(&self, intent: super::door::Intent) {
        dispatch(&self.window, &self.door, intent);
    }
}

fn wire(window: &DoorWindow, door: &Shared) {
    let a = window.global::<DoorAdapter>();
    let on = |intent: fn(String) -> Intent| {
        let (w, d) = (window.as_weak(), door.clone());
        move |text: slint::SharedString| {
            if let Some(w) = w.upgrade() {
                dispatch(&w, &d, intent(text.to_string()));
            }
        }
    };
    a.on_submitted(on(Intent::Submitted));
    let (w, d) = (window.as_weak(), door.clone());
    a.on_chose(move |i| {
        if let (Some(w), Ok(i)) = (w.upgrade(), usize::try_from(i)) {
            dispatch(&w, &d, Intent::Chose(i));
        }
    });
    let plain = |intent: Intent| {
        let (w, d) = (window.as_weak(), door.clone());
        move || {
            if let Some(w) = w.upgrade() {
                dispatch(&w, &d, intent.clone());
            }
        }
    };
    a.on_toggle_direction(plain(Intent::ToggleDirection));
    a.on_switch_language(plain(Intent::SwitchLanguage));
    a.on_tick(plain(Intent::Tick));
}

pub(crate) fn dispatch(window: &DoorWindow, door: &Shared, intent: Intent) {
    let effects = door.borrow_mut().update(intent, std::time::Instant::now());
    let d = door.borrow();
    for effect in effects {
        render(window, &d, effect);
    }
}

fn verdict(outcome: DoorOutcome) -> DoorVerdict {
    use DoorOutcome as O;
    match outcome {
        O::Admitted => DoorVerdict::Admitted,
        O::AlreadyInside => DoorVerdict::AlreadyInside,
        O::Left => DoorVerdict::Left,
        O::Full => DoorVerdict::Full,
        O::NotRegistered => DoorVerdict::NotRegistered,
        O::TooEarly => DoorVerdict::TooEarly,
        O::NoSession => DoorVerdict::NoSession,
        O::Unknown => DoorVerdict::Unknown,
        O::Cancelled => DoorVerdict::Cancelled,
        O::Pending => DoorVerdict::Pending,
        O::NotToday => DoorVerdict::NotToday,
    }
}

fn show_status(window: &DoorWindow, d: &Door, s: &DoorStatus) {
    let a = window.global::<DoorAdapter>();
    let event = &d.kiosk.config.event;
    let opens = d.kiosk.config.door_opens_before;
    a.set_room(s.room.clone().into());
    a.set_open(s.open.is_some());
    let session = s.open.as_ref().or(s.next.as_ref());
    a.set_session_title(session.map(|x| x.title.clone()).unwrap_or_default().into());
    a.set_session_times(
        session
            .map(|x| format!("{}–{}", event.hh_mm(x.start), event.hh_mm(x.end)))
            .unwrap_or_default()
            .into(),
    );
    a.set_opens_at(
        s.next
            .as_ref()
            .map(|x| event.hh_mm(accueil_core::domain::programme::opens_at(x, opens)))
            .unwrap_or_default()
            .into(),
    );
    let capacity = s.open.as_ref().and_then(|x| x.capacity);
    a.set_present(i32::try_from(s.present).unwrap_or(i32::MAX));
    a.set_capacity(capacity.map_or(0, |c| i32::try_from(c).unwrap_or(i32::MAX)));
    a.set_nearly_full(accueil_core::domain::programme::nearly_full(
        s.present, capacity,
    ));
}

fn render(window: &DoorWindow, d: &Door, effect: Effect) {
    let a = window.global::<DoorAdapter>();
    if let Some(cue) = effect.cue().filter(|_| d.sound) {
        crate::sound::play(cue);
    }
    let no_one = || slint::ModelRc::new(slint::VecModel::from(Vec::<super::Person>::new()));
    match effect {
        Effect::Status(s) => show_status(window, d, &s),
        Effect::Answer(scan) => {
            a.set_listed(no_one());
            a.set_verdict(verdict(scan.outcome));
            a.set_name(
                scan.registrant
                    .as_ref()
                    .map(accueil_core::domain::Registrant::display_name)
                    .unwrap_or_default()
                    .into(),
            );
            a.set_detail("".into());
            a.set_query("".into());
            window.invoke_arm();
        }
        Effect::Listing(people) => {
            let rows: Vec<super::Person> =
                people.iter().map(|r| super::person(&d.kiosk, r)).collect();
            a.set_verdict(DoorVerdict::None);
            a.set_listed(slint::ModelRc::new(slint::VecModel::from(rows)));
        }
        Effect::NoMatch(text) => {
            a.set_listed(no_one());
            a.set_verdict(DoorVerdict::NoMatch);
            a.set_name("".into());
            a.set_detail(text.into());
            a.set_query("".into());
        }
        Effect::Error(e) => {
            a.set_listed(no_one());
            a.set_verdict(DoorVerdict::Error);
            a.set_name("".into());
            a.set_detail(e.into());
        }
        Effect::Cleared => {
            a.set_listed(no_one());
            a.set_verdict(DoorVerdict::None);
            a.set_name("".into());
            a.set_detail("".into());
            a.set_query("".into());
            window.invoke_arm();
        }
        Effect::Direction(direction) => a.set_leaving(direction == Direction::Out),
        Effect::Language(language) => {
            if let Err(e) = super::select_language(language) {
                tracing::warn!("{e}");
            }
            window
                .global::<Screen>()
                .set_language(language.code().into());
        }
    }
}
