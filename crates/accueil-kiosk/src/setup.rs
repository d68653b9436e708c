//! The set-up screen's behaviour, without Slint: a machine with no
//! kiosk.toml opens here. It joins a hub (the QR code of « Ajouter un
//! kiosque » scanned with the scanner or the camera, or the hub's address
//! and the code typed), takes a kiosk.toml from a file (a USB key), or
//! runs the demo. Nothing is typed but the choice of mode, printer and
//! language. [`Setup::update`] takes what the window reports
//! ([`Intent`]) and says what to do ([`Effect`]); the adapter
//! (`setup_adapter`) does it off the UI thread and reports back.

use std::path::PathBuf;

use accueil_core::app::{PrinterChoice, Setup as Choices};
use accueil_core::config::{Language, Mode};
use accueil_core::domain::enrolment::Invitation;

/// What the screen shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(crate) enum Step {
    /// The choices and the ways in.
    #[default]
    Choose,
    /// Joining the hub, copying the file or building the demo.
    Working,
    /// It did not work: [`Setup::message`] says why; the choices stay.
    Failed,
    /// The kiosk opens.
    Done,
}

/// What is under way, for the screen's words.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(crate) enum Task {
    #[default]
    Join,
    File,
    Demo,
}

/// What the window reports.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Intent {
    /// Enter in the scan field, or the camera read a code.
    Scanned(String),
    /// « Rejoindre » with the hub's address and the code typed.
    Typed {
        hub: String,
        code: String,
    },
    Mode(Mode),
    /// A CUPS queue; `None`: badges as PDF files in a folder.
    Printer(Option<String>),
    Language(Language),
    /// The CUPS queues of this machine, or why there are none.
    Printers(Result<Vec<String>, String>),
    /// « Ouvrir » with the path of a kiosk.toml.
    OpenFile(String),
    Demo,
    /// The work is done: the kiosk.toml to open, or what went wrong.
    Finished(Result<PathBuf, String>),
    /// What was set up would not open as a kiosk.
    Unopened(String),
}

/// What the adapter is to do.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Effect {
    /// Join the hub with these choices (off the UI thread).
    Join(Invitation, Choices),
    /// Copy this kiosk.toml here.
    OpenFile(PathBuf),
    Demo,
    /// Open the kiosk on this kiosk.toml.
    Open(PathBuf),
    /// The screen's language changed.
    Language(Language),
}

/// The set-up screen's state.
#[derive(Debug, Clone, Default)]
pub(crate) struct Setup {
    pub step: Step,
    pub task: Task,
    pub mode: Mode,
    /// `None`: PDF files in a folder.
    pub printer: Option<String>,
    pub printers: Vec<String>,
    /// Why no queue is listed (CUPS not running), if so.
    pub printers_error: Option<String>,
    pub language: Language,
    /// The last failure's words.
    pub message: String,
}

impl Setup {
    pub fn new(language: Language) -> Setup {
        Setup {
            language,
            ..Setup::default()
        }
    }

    /// Carries out one intent; says what to do.
    pub fn update(&mut self, intent: Intent) -> Vec<Effect> {
        // One thing at a time: a second scan while joining would spend a
        // second code, or enrol this machine twice.
        let busy = matches!(self.step, Step::Working | Step::Done);
        match intent {
            Intent::Scanned(text) if !busy => {
                if text.trim().is_empty() {
                    return Vec::new();
                }
                self.join(Invitation::read(&text))
            }
            Intent::Typed { hub, code } if !busy => self.join(Invitation::typed(&hub, &code)),
            Intent::Mode(mode) if !busy => {
                self.mode = mode;
                Vec::new()
            }
            Intent::Printer(printer) if !busy => {
                self.printer = printer;
                Vec::new()
            }
            Intent::Language(language) => {
                self.language = language;
                vec![Effect::Language(language)]
            }
            Intent::Printers(found) => {
                match found {
                    Ok(queues) => {
                        self.printers_error = None;
                        // The one queue there is is the badge printer.
                        if self.printer.is_none() && queues.len() == 1 {
                            self.printer = queues.first().cloned();
                        }
                        // A choice no longer listed goes back to files.
                        if self.printer.as_ref().is_some_and(|p| !queues.contains(p)) {
                            self.printer = None;
                        }
                        self.printers = queues;
                    }
                    Err(why) => {
                        self.printers = Vec::new();
                        self.printer = None;
                        self.printers_error = Some(why);
                    }
                }
                Vec::new()
            }
            Intent::OpenFile(path) if !busy => {
                let path = path.trim();
                if path.is_empty() {
                    return self.fail(
                        Task::File,
                        "indiquez le chemin d'un fichier kiosk.toml, par exemple /media/cle/kiosk.toml",
                    );
                }
                self.start(Task::File);
                vec![Effect::OpenFile(PathBuf::from(path))]
            }
            Intent::Demo if !busy => {
                self.start(Task::Demo);
                vec![Effect::Demo]
            }
            Intent::Finished(result) if self.step == Step::Working => match result {
                Ok(config) => {
                    self.step = Step::Done;
                    self.message.clear();
                    vec![Effect::Open(config)]
                }
                Err(why) => {
                    self.step = Step::Failed;
                    self.message = why;
                    Vec::new()
                }
            },
            Intent::Unopened(why) if self.step == Step::Done => {
                self.step = Step::Failed;
                self.message = why;
                Vec::new()
            }
            // Busy, or a report for nothing under way.
            _ => Vec::new(),
        }
    }

    /// The choices as `app::join` takes them.
    pub fn choices(&self) -> Choices {
        Choices {
            mode: self.mode,
            printer: match &self.printer {
                Some(queue) => PrinterChoice::Cups(queue.clone()),
                None => PrinterChoice::Folder,
            },
            language: self.language,
        }
    }

    fn join(
        &mut self,
        invitation: Result<Invitation, accueil_core::domain::enrolment::InvitationError>,
    ) -> Vec<Effect> {
        match invitation {
            Ok(invitation) => {
                self.start(Task::Join);
                vec![Effect::Join(invitation, self.choices())]
            }
            Err(e) => self.fail(Task::Join, &e.to_string()),
        }
    }

    fn start(&mut self, task: Task) {
        self.task = task;
        self.step = Step::Working;
        self.message.clear();
    }

    fn fail(&mut self, task: Task, why: &str) -> Vec<Effect> {
        self.task = task;
        self.step = Step::Failed;
        self.message = why.to_owned();
        Vec::new()
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    const PAYLOAD: &str = "accueil:http://192.168.1.10:8080/K7QF-M2XP-9TZA";

    #[test]
    fn a_scan_joins_with_the_choices_made_and_nothing_else_starts_meanwhile() {
        let mut s = Setup::new(Language::French);
        s.update(Intent::Printers(Ok(vec!["QL820".into(), "PDF".into()])));
        assert_eq!(s.printer, None, "two queues: the choice is staff's");
        s.update(Intent::Mode(Mode::SelfService));
        s.update(Intent::Printer(Some("QL820".into())));
        let effects = s.update(Intent::Scanned(PAYLOAD.into()));
        let [Effect::Join(invitation, choices)] = effects.as_slice() else {
            panic!("{effects:?}");
        };
        assert_eq!(invitation.hub, "http://192.168.1.10:8080");
        assert_eq!(invitation.code, "K7QFM2XP9TZA");
        assert_eq!(choices.mode, Mode::SelfService);
        assert_eq!(choices.printer, PrinterChoice::Cups("QL820".into()));
        assert_eq!(s.step, Step::Working);
        // The scanner's second beep, a tap on the demo: ignored.
        assert!(s.update(Intent::Scanned(PAYLOAD.into())).is_empty());
        assert!(s.update(Intent::Demo).is_empty());
        assert!(s.update(Intent::Mode(Mode::Staff)).is_empty());
        assert_eq!(s.mode, Mode::SelfService);
        let effects = s.update(Intent::Finished(Ok("/var/lib/accueil/kiosk.toml".into())));
        assert_eq!(
            effects,
            vec![Effect::Open("/var/lib/accueil/kiosk.toml".into())]
        );
        assert_eq!(s.step, Step::Done);
        assert!(s.update(Intent::Scanned(PAYLOAD.into())).is_empty());
    }

    #[test]
    fn a_ticket_scanned_instead_says_what_to_scan_and_a_failure_keeps_the_choices() {
        let mut s = Setup::new(Language::French);
        s.update(Intent::Mode(Mode::BadgeStation));
        assert!(s.update(Intent::Scanned("TICKET-0042".into())).is_empty());
        assert_eq!(s.step, Step::Failed);
        assert!(s.message.contains("Ajouter un kiosque"), "{}", s.message);
        // Enter on an empty field: nothing.
        assert!(s.update(Intent::Scanned("  ".into())).is_empty());
        // The hub refused (code used): said, and the next scan goes.
        s.update(Intent::Scanned(PAYLOAD.into()));
        s.update(Intent::Finished(Err("code déjà utilisé ou expiré".into())));
        assert_eq!(s.step, Step::Failed);
        assert_eq!(s.message, "code déjà utilisé ou expiré");
        assert_eq!(s.mode, Mode::BadgeStation);
        assert_eq!(s.update(Intent::Scanned(PAYLOAD.into())).len(), 1);
    }

    #[test]
    fn a_typed_code_and_address_join_and_a_bad_one_is_told() {
        let mut s = Setup::new(Language::English);
        let effects = s.update(Intent::Typed {
            hub: "192.168.1.10:8080".into(),
            code: "k7qf m2xp 9tza".into(),
        });
        let [Effect::Join(invitation, choices)] = effects.as_slice() else {
            panic!("{effects:?}");
        };
        assert_eq!(invitation.hub, "http://192.168.1.10:8080");
        assert_eq!(choices.language, Language::English);
        assert_eq!(choices.printer, PrinterChoice::Folder);

        let mut s = Setup::new(Language::French);
        s.update(Intent::Typed {
            hub: "192.168.1.10:8080".into(),
            code: "K7QF".into(),
        });
        assert_eq!(s.step, Step::Failed);
        assert!(s.message.contains("12 lettres"), "{}", s.message);
    }

    #[test]
    fn the_only_queue_is_taken_and_a_vanished_one_falls_back_to_files() {
        let mut s = Setup::new(Language::French);
        s.update(Intent::Printers(Ok(vec!["QL820".into()])));
        assert_eq!(s.printer.as_deref(), Some("QL820"));
        s.update(Intent::Printers(Ok(vec!["LW450".into(), "ZPL".into()])));
        assert_eq!(s.printer, None);
        s.update(Intent::Printer(Some("ZPL".into())));
        s.update(Intent::Printers(Err("CUPS ne répond pas".into())));
        assert_eq!(s.printer, None);
        assert!(s.printers.is_empty());
        assert_eq!(s.printers_error.as_deref(), Some("CUPS ne répond pas"));
    }

    #[test]
    fn a_file_or_the_demo_opens_the_kiosk_it_makes() {
        let mut s = Setup::new(Language::French);
        assert!(s.update(Intent::OpenFile(" ".into())).is_empty());
        assert_eq!(s.step, Step::Failed);
        assert_eq!(s.task, Task::File);
        assert_eq!(
            s.update(Intent::OpenFile("/media/cle/kiosk.toml".into())),
            vec![Effect::OpenFile("/media/cle/kiosk.toml".into())]
        );
        s.update(Intent::Finished(Err("fichier illisible".into())));
        assert_eq!(s.update(Intent::Demo), vec![Effect::Demo]);
        assert_eq!(s.task, Task::Demo);
        assert_eq!(
            s.update(Intent::Finished(Ok("demo/kiosk.toml".into()))),
            vec![Effect::Open("demo/kiosk.toml".into())]
        );
        // A late report for nothing under way changes nothing.
        assert!(s.update(Intent::Finished(Err("x".into()))).is_empty());
        assert_eq!(s.step, Step::Done);
    }
}
