//! Plain types and rules, no I/O: the event, registrants, the log's records,
//! text folding for search, the check-in decision and the statistics.

pub mod checkin;
pub mod colour;
pub mod enrolment;
pub mod event;
pub mod i18n;
pub mod keyboard;
pub mod payload;
pub mod pin;
pub mod privacy;
pub mod programme;
pub mod queue;
pub mod record;
pub mod registrant;
pub mod search;
pub mod stats;
pub mod text;
pub mod when;

pub use checkin::{Outcome, Policy, decide};
pub use event::{Category, DayError, DayReason, DaySpec, Event, EventDay};
pub use payload::Payload;
pub use record::{Arrival, NewRecord, Record, RecordKind};
pub use registrant::{
    Details, DetailsError, DetailsPatch, Origin, Registrant, SourceEntry, Status, TEXT_MAX,
    uid_for_code,
};
