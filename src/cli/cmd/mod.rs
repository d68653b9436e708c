//! One file per verb. A verb whose whole answer is one report returns it
//! (`run` shows it, as JSON with `--json`); a verb that speaks as it goes —
//! a line per scanned code, a warning per refused record, a report and then
//! a failing exit — is handed the [`Output`](super::output::Output).

pub(super) mod attestation;
pub(super) mod badge;
pub(super) mod checkin;
pub(super) mod demo;
pub(super) mod doctor;
pub(super) mod door;
pub(super) mod edit;
pub(super) mod emargement;
pub(super) mod entree;
pub(super) mod export;
pub(super) mod hub;
pub(super) mod import;
pub(super) mod join;
#[cfg(feature = "gui")]
pub(super) mod kiosk;
pub(super) mod kiosks;
pub(super) mod person;
pub(super) mod pin_hash;
pub(super) mod print;
pub(super) mod printers;
pub(super) mod programme;
pub(super) mod purge;
pub(super) mod scan_test;
#[cfg(feature = "gui")]
pub(super) mod screenshot;
pub(super) mod search;
pub(super) mod sessions;
pub(super) mod stats;
pub(super) mod sync;
pub(super) mod undo;
pub(super) mod walk_in;
