//! The hub's routes, a file per resource; `crate::router` lists them.

pub(crate) mod enrolment;
pub(crate) mod export;
pub(crate) mod kiosks;
pub(crate) mod page;
pub(crate) mod queue;
pub(crate) mod sync;
