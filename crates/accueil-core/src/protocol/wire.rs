//! The bodies a kiosk and a hub exchange (`/api/sync`, `/api/list`,
//! `/api/enrol`, `/api/join`), defined here and nowhere else: the store,
//! the config and the sync rules use these types, and a change to one of
//! them is a change to the wire — one an older peer would misread takes a
//! new [`VERSION`](super::VERSION), and the previous version's bodies are
//! kept as fixtures (`tests/fixtures/protocol/`).

use std::collections::BTreeMap;

use jiff::Timestamp;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::domain::{Record, Status};

/// Records a kiosk sends per request, and the hub returns per response.
pub const UPLOAD_BATCH: usize = 2_000;
pub const DOWNLOAD_BATCH: usize = 5_000;

/// Per log, the highest sequence number this copy holds.
pub type Marks = BTreeMap<String, i64>;

/// `POST /api/sync`: a kiosk's news, and what it already holds.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct SyncRequest {
    pub kiosk: String,
    /// The kiosk's own records the hub has not acknowledged, log by log,
    /// in sequence order within each log.
    pub records: Vec<Record>,
    /// What the kiosk holds, per log (its own included).
    pub marks: Marks,
    /// The kiosk's clock when it asked: the hub tells organisers of a
    /// kiosk whose clock is off.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sent_at: Option<jiff::Timestamp>,
    /// How the kiosk's printer stands: the organisers' page shows it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub printer: Option<PrinterHealth>,
    /// The hub's event configuration this kiosk last took (or refused):
    /// the hub sends it again only when it changed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub config_rev: Option<String>,
}

/// How a kiosk's printer stands, as its print queue knows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PrinterHealth {
    /// « imprimante « QL820 » », « dossier badges-imprimes ».
    pub printer: String,
    /// Badges not sent yet.
    pub queued: i64,
    /// Badges sent, not printed yet.
    pub waiting: i64,
    /// Badges that failed within the last hour.
    pub failed: i64,
    /// What holds the queue, in the printer's or the server's words
    /// (« imprimante arrêtée : plus de papier »); none while it prints.
    pub problem: Option<String>,
}

impl PrinterHealth {
    /// At most this long: a page shows it in a table cell.
    pub const MAX_PROBLEM: usize = 300;

    /// Fit for the hub's page: bounded, no control characters (a kiosk's
    /// words, shown to organisers).
    pub fn tidy(mut self) -> PrinterHealth {
        let clean = |s: &str, max: usize| -> String {
            s.chars().filter(|c| !c.is_control()).take(max).collect()
        };
        self.printer = clean(&self.printer, 120);
        self.problem = self
            .problem
            .map(|p| clean(&p, Self::MAX_PROBLEM))
            .filter(|p| !p.trim().is_empty());
        self.queued = self.queued.clamp(0, 1_000_000);
        self.waiting = self.waiting.clamp(0, 1_000_000);
        self.failed = self.failed.clamp(0, 1_000_000);
        self
    }
}

/// The hub's answer.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct SyncResponse {
    /// For each of the kiosk's logs, the highest number the hub now holds
    /// (kept or refused).
    pub acked: BTreeMap<String, i64>,
    /// The kiosk's records the hub refused, with why: never sent again.
    #[serde(default)]
    pub refused: Vec<RefusedRecord>,
    /// Records the kiosk lacks (others', or its own after losing its
    /// database), per log in sequence order.
    pub records: Vec<Record>,
    /// More records wait: ask again.
    pub more: bool,
    /// The hub's list, by an identity that changes with its content (a
    /// restored hub never reuses one): fetch `/api/list` when it differs.
    pub list_rev: String,
    /// The hub's clock when it answered.
    pub hub_time: jiff::Timestamp,
    /// The hub's dealings with pretix, when the hub talks to pretix.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pretix: Option<PretixNews>,
    /// The hub's event sections (`[event]`, `[[categories]]`, `[badge]`,
    /// `[checkin]`), when they are not the ones the kiosk said it holds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub config: Option<SharedConfig>,
}

/// A record the hub will not keep, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RefusedRecord {
    pub id: uuid::Uuid,
    pub log: String,
    pub seq: i64,
    pub reason: String,
    /// Not refused for good: the hub keeps it until what it needs comes
    /// (the walk-in of the person it is about), then counts it. Never
    /// sent again either way.
    #[serde(default)]
    pub waiting: bool,
}

/// How things stand with pretix: arrivals and undos waiting for it, when it
/// last answered, and its latest refusals for the desk.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct PretixNews {
    pub pending: i64,
    pub last_contact: Option<jiff::Timestamp>,
    pub notices: Vec<PretixNotice>,
}

/// `GET /api/list`.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ListResponse {
    pub list_rev: String,
    pub entries: Vec<ListEntry>,
    /// The hub's programme (sessions, rooms, registrations): a kiosk
    /// replaces its own with it. Absent from hubs that predate it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub programme: Option<crate::domain::programme::Programme>,
}

/// Something pretix said that the desk should hear: a refused arrival, an
/// undo pretix kept.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PretixNotice {
    pub record: Uuid,
    /// The kiosk that let the person in (or undid it): its desk is told.
    #[serde(default)]
    pub kiosk: String,
    pub code: String,
    pub name: String,
    pub answer: String,
    pub reason: Option<String>,
    /// When pretix answered.
    pub at: Timestamp,
}

/// One entry of the list a hub hands out: the source's values (desk fixes
/// travel as records), with the code that identifies the person everywhere.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ListEntry {
    pub code: String,
    pub first_name: String,
    pub last_name: String,
    pub organisation: String,
    pub email: String,
    pub category: String,
    pub status: Status,
    pub extra: BTreeMap<String, String>,
}

/// The hub's event sections as sent to kiosks: TOML, and an identity that
/// changes with them.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct SharedConfig {
    pub rev: String,
    pub toml: String,
}

/// `POST /api/enrol`: a kiosk asks for its own credential, with the
/// hub's enrolment token (`[hub] token`).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct EnrolRequest {
    pub kiosk: String,
}

/// The hub's answer to an enrolment.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct EnrolResponse {
    pub kiosk: String,
    /// [`Credential`](crate::sync::Credential) as text.
    pub credential: String,
}

/// `POST /api/join`: a new kiosk shows the one-time code of an invitation
/// (« Ajouter un kiosque » on the organisers' page).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct JoinRequest {
    pub code: String,
    /// The kiosk will be self-service or a badge station: it needs the
    /// hub's staff PIN, and the hub refuses (keeping the code) without one.
    #[serde(default)]
    pub attended: bool,
    /// An enrolled kiosk coming back with its database (its hub replaced,
    /// or its credential unknown there): the id it has, which the hub
    /// gives it again if it has never had a kiosk of that id. Older hubs
    /// ignore it and give another.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kiosk: Option<String>,
}

/// The hub's answer to a valid code: who the kiosk is now, its own
/// credential, and the event.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct JoinResponse {
    /// The id the hub gave it (`borne-03`).
    pub kiosk: String,
    /// Its name for staff and organisers (`Borne 03`).
    pub name: String,
    /// [`Credential`](crate::sync::Credential) as text.
    pub credential: String,
    /// The hub's event sections.
    pub config: SharedConfig,
    /// The hub's `[kiosk] staff_pin` (an argon2 hash): staff unlock the
    /// self-service kiosks enrolled by code with it.
    pub staff_pin: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A kiosk's words about its printer go on the organisers' page: a
    /// hostile or broken kiosk cannot send a novel, escape sequences or
    /// negative counts.
    #[test]
    fn a_printers_health_is_bounded_before_the_page_shows_it() {
        let h = PrinterHealth {
            printer: format!("imprimante\u{1b}[31m{}", "x".repeat(500)),
            queued: -5,
            waiting: i64::MAX,
            failed: 2,
            problem: Some(format!("plus de papier\u{7}{}", "é".repeat(1000))),
        }
        .tidy();
        assert!(!h.printer.chars().any(char::is_control));
        assert!(h.printer.chars().count() <= 120);
        let problem = h.problem.unwrap();
        assert!(problem.starts_with("plus de papier") && !problem.contains('\u{7}'));
        assert_eq!(problem.chars().count(), PrinterHealth::MAX_PROBLEM);
        assert_eq!((h.queued, h.waiting, h.failed), (0, 1_000_000, 2));
        let blank = PrinterHealth {
            problem: Some(" \n ".into()),
            ..h
        }
        .tidy();
        assert_eq!(blank.problem, None);
    }
}
