//! A room door's screen, without Slint (`[kiosk] mode = "door"`): a scan
//! (or a name typed, then chosen) lets the person into the session on in
//! the room, or out with the « Sortie » switch; the answer stays up a few
//! seconds, then the screen goes back to the room's count. [`Door::update`]
//! takes what the window reports ([`Intent`]) and says what to show
//! ([`Effect`]); `door_adapter` renders it. A door scan takes about a
//! millisecond: it runs on the UI thread, as the desk's check-ins do.

use std::time::{Duration, Instant};

use accueil_core::app::{DoorScan, DoorStatus, Kiosk, Lookup};
use accueil_core::config::Language;
use accueil_core::domain::Registrant;
use accueil_core::domain::programme::{Direction, DoorOutcome};

/// How long an answer stays on screen without a new scan.
pub(crate) const ANSWER_SHOWN: Duration = Duration::from_secs(6);
/// People listed at most for a name typed.
const LISTED: usize = 6;

/// What the window reports.
#[derive(Debug, Clone, PartialEq)]
pub enum Intent {
    /// Enter in the field (a scanner's code, or a name), or the camera.
    Submitted(String),
    /// One of the people listed for a name was tapped.
    Chose(usize),
    /// The « Entrée / Sortie » switch.
    ToggleDirection,
    SwitchLanguage,
    /// The window's timer: answers expire, the count is read again.
    Tick,
}

/// What the screen is to show.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Effect {
    /// The room now: its session, how full.
    Status(Box<DoorStatus>),
    /// A door's answer about someone.
    Answer(Box<DoorScan>),
    /// People whose name matches what was typed: tap one.
    Listing(Vec<Registrant>),
    /// Nobody matches what was typed.
    NoMatch(String),
    /// What went wrong, in the application's words.
    Error(String),
    /// Back to the room's count, an empty field.
    Cleared,
    Direction(Direction),
    Language(Language),
}

impl Effect {
    /// The tone the answer calls for.
    pub(crate) fn cue(&self) -> Option<crate::sound::Cue> {
        use crate::sound::Cue;
        match self {
            Effect::Answer(a) if a.outcome.lets_through() => Some(Cue::Success),
            Effect::Answer(_) | Effect::NoMatch(_) | Effect::Error(_) => Some(Cue::Refusal),
            _ => None,
        }
    }
}

pub(crate) struct Door {
    pub kiosk: Kiosk,
    pub direction: Direction,
    pub language: Language,
    /// People listed for the name typed last.
    pub listed: Vec<Registrant>,
    /// When the answer on screen was given; `None`: the room's count.
    shown_at: Option<Instant>,
    /// Wakes the sync worker after a record (absent without a hub).
    pub syncer: Option<accueil_core::app::Worker>,
    /// Tones for answers (`[kiosk] sound`; off in tests).
    pub sound: bool,
}

impl Door {
    pub(crate) fn new(kiosk: Kiosk) -> Door {
        Door {
            language: kiosk.config.kiosk.language,
            kiosk,
            direction: Direction::In,
            listed: Vec::new(),
            shown_at: None,
            syncer: None,
            sound: false,
        }
    }

    /// The room's count, or why it cannot be read.
    pub(crate) fn status(&self) -> Effect {
        match self.kiosk.door_status(None) {
            Ok(s) => Effect::Status(Box::new(s)),
            Err(e) => Effect::Error(e.to_string()),
        }
    }

    pub(crate) fn update(&mut self, intent: Intent, now: Instant) -> Vec<Effect> {
        match intent {
            Intent::Submitted(text) => {
                let text = text.trim().to_owned();
                if text.is_empty() {
                    return Vec::new();
                }
                self.listed.clear();
                self.pass(&Lookup::Code(text.clone()), Some(&text), now)
            }
            Intent::Chose(i) => match self.listed.get(i).map(|r| r.uid) {
                Some(uid) => {
                    self.listed.clear();
                    self.pass(&Lookup::Uid(uid), None, now)
                }
                None => Vec::new(),
            },
            Intent::ToggleDirection => {
                if !self.kiosk.config.kiosk.exits {
                    return Vec::new();
                }
                self.direction = match self.direction {
                    Direction::In => Direction::Out,
                    Direction::Out => Direction::In,
                };
                vec![Effect::Direction(self.direction)]
            }
            Intent::SwitchLanguage => {
                self.language = self.language.other();
                vec![Effect::Language(self.language)]
            }
            Intent::Tick => {
                let mut effects = Vec::new();
                if self
                    .shown_at
                    .is_some_and(|at| now.duration_since(at) >= ANSWER_SHOWN)
                {
                    self.shown_at = None;
                    self.listed.clear();
                    // Exits are the exception: the switch goes back to « Entrée ».
                    if self.direction == Direction::Out {
                        self.direction = Direction::In;
                        effects.push(Effect::Direction(Direction::In));
                    }
                    effects.push(Effect::Cleared);
                }
                effects.push(self.status());
                effects
            }
        }
    }

    /// A person through the door; a text that is no ticket and reads as a
    /// name lists the people it matches (one alone goes through).
    fn pass(&mut self, lookup: &Lookup, typed: Option<&str>, now: Instant) -> Vec<Effect> {
        self.shown_at = Some(now);
        let scan = match self.kiosk.door_scan(lookup, None, self.direction) {
            Ok(scan) => scan,
            Err(e) => return vec![Effect::Error(e.to_string())],
        };
        if scan.outcome == DoorOutcome::Unknown
            && let Some(text) = typed.filter(|t| looks_like_a_name(t))
        {
            let hits = match self.kiosk.search(text, LISTED) {
                Ok(found) => found.hits,
                Err(e) => return vec![Effect::Error(e.to_string())],
            };
            return match hits.as_slice() {
                [] => vec![Effect::NoMatch(text.to_owned())],
                [one] => {
                    let uid = one.uid;
                    self.pass(&Lookup::Uid(uid), None, now)
                }
                _ => {
                    self.listed = hits.clone();
                    vec![Effect::Listing(hits)]
                }
            };
        }
        if scan.record.is_some()
            && let Some(w) = &self.syncer
        {
            w.wake();
        }
        vec![Effect::Answer(Box::new(scan)), self.status()]
    }
}

/// Letters, and no digit: a name typed, not a ticket code misread.
fn looks_like_a_name(text: &str) -> bool {
    text.chars().filter(|c| c.is_alphabetic()).count() >= 2
        && !text.chars().any(|c| c.is_ascii_digit())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_told_from_codes() {
        assert!(looks_like_a_name("dupont"));
        assert!(looks_like_a_name("Hélène Du"));
        assert!(!looks_like_a_name("NEC-0001"));
        assert!(!looks_like_a_name("x"));
    }
}

#[cfg(test)]
mod door_tests {
    use super::*;
    use accueil_core::config::Config;

    /// 10:00 in Paris on the event's first day.
    fn ten() -> jiff::Timestamp {
        "2022-09-28T08:00:00Z".parse().unwrap()
    }

    fn door(exits: bool, n: usize) -> (tempfile::TempDir, Door) {
        let dir = tempfile::tempdir().unwrap();
        let toml = include_str!("../../../kiosk.toml").replace(
            "mode = \"staff\"",
            &format!("mode = \"door\"\nroom = \"salle a\"\nexits = {exits}"),
        );
        let config = Config::parse(&toml, dir.path()).unwrap();
        let csv = dir.path().join("l.csv");
        std::fs::write(&csv, accueil_core::demo::registrants_csv(n)).unwrap();
        let prog = dir.path().join("p.csv");
        std::fs::write(
            &prog,
            "Titre;Salle;Date;Début;Fin;Capacité\nAtelier;Salle A;28/09/2022;09:30;11:00;2\n",
        )
        .unwrap();
        let mut kiosk = Kiosk::open(config, Some(&dir.path().join("k.sqlite")))
            .unwrap()
            .with_clock(ten);
        kiosk
            .import_file(&csv, Default::default(), |_, _| {})
            .unwrap();
        kiosk.import_programme(&prog, false, false).unwrap();
        (dir, Door::new(kiosk))
    }

    fn code(i: usize) -> String {
        format!("NEC-{i:06}")
    }

    fn answer(effects: &[Effect]) -> &DoorScan {
        effects
            .iter()
            .find_map(|e| match e {
                Effect::Answer(a) => Some(a),
                _ => None,
            })
            .unwrap_or_else(|| panic!("no answer in {effects:?}"))
    }

    #[test]
    fn a_scan_goes_through_then_the_screen_goes_back_to_the_count() {
        let (_dir, mut d) = door(false, 20);
        let t0 = Instant::now();
        let e = d.update(Intent::Submitted(format!(" {} ", code(1))), t0);
        let a = answer(&e);
        assert_eq!(
            (a.outcome, a.present, a.room.as_str()),
            (DoorOutcome::Admitted, 1, "Salle A")
        );
        assert!(
            e.iter()
                .any(|e| matches!(e, Effect::Status(s) if s.present == 1))
        );
        d.update(Intent::Submitted(code(2)), t0);
        let e = d.update(Intent::Submitted(code(3)), t0);
        assert_eq!(answer(&e).outcome, DoorOutcome::Full);
        // Still up just before it expires, gone after.
        assert!(
            !d.update(Intent::Tick, t0 + ANSWER_SHOWN - Duration::from_millis(1))
                .contains(&Effect::Cleared)
        );
        assert!(
            d.update(Intent::Tick, t0 + ANSWER_SHOWN)
                .contains(&Effect::Cleared)
        );
        assert!(d.update(Intent::Submitted("   ".into()), t0).is_empty());
        // Without exits the switch does nothing.
        assert!(d.update(Intent::ToggleDirection, t0).is_empty());
    }

    #[test]
    fn a_name_typed_lists_people_and_the_one_chosen_goes_through() {
        let (_dir, mut d) = door(false, 200);
        let t0 = Instant::now();
        let someone = d.kiosk.registrant(&Lookup::Code(code(7))).unwrap().unwrap();
        let e = d.update(Intent::Submitted(someone.last_name.clone()), t0);
        let chosen = match &e[..] {
            [Effect::Listing(people)] => people
                .iter()
                .position(|p| p.uid == someone.uid)
                .expect("listed"),
            [Effect::Answer(a), ..] => {
                assert_eq!(a.registrant.as_ref().unwrap().uid, someone.uid);
                return;
            }
            other => panic!("{other:?}"),
        };
        let e = d.update(Intent::Chose(chosen), t0);
        let a = answer(&e);
        assert_eq!(a.outcome, DoorOutcome::Admitted);
        assert_eq!(a.registrant.as_ref().unwrap().uid, someone.uid);
        assert_eq!(
            d.update(Intent::Submitted("Zzyzzx Qwv".into()), t0),
            vec![Effect::NoMatch("Zzyzzx Qwv".into())]
        );
        let e = d.update(Intent::Submitted("XX-999".into()), t0);
        assert_eq!(
            answer(&e).outcome,
            DoorOutcome::Unknown,
            "a code is not searched"
        );
    }

    #[test]
    fn exits_are_recorded_with_the_switch_which_then_goes_back_to_entries() {
        let (_dir, mut d) = door(true, 20);
        let t0 = Instant::now();
        d.update(Intent::Submitted(code(1)), t0);
        assert_eq!(
            d.update(Intent::ToggleDirection, t0),
            vec![Effect::Direction(Direction::Out)]
        );
        let e = d.update(Intent::Submitted(code(1)), t0);
        assert_eq!(
            (answer(&e).outcome, answer(&e).present),
            (DoorOutcome::Left, 0)
        );
        let e = d.update(Intent::Tick, t0 + ANSWER_SHOWN);
        assert!(e.contains(&Effect::Direction(Direction::In)), "{e:?}");
        assert_eq!(d.direction, Direction::In);
    }
}
