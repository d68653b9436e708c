//! Looking into a kiosk's copy without changing it: what the log holds,
//! the print queue as it stands, a registrant's arrivals, the copy's
//! pages. For the tests, the benches and diagnostics; the desk's gestures
//! stay on [`Kiosk`]'s own methods.
//!
//! With the `testing` feature (on for this package's tests and benches
//! only), [`Staging`] also writes what a test needs to stage a fault: a
//! job left half-submitted by a crash, a clock the hub contradicts.

use uuid::Uuid;

use super::{Kiosk, Result};
use crate::domain::{Arrival, Record};
use crate::store::{AttendanceRow, JobView, Marks, Store};

/// A read-only view of a kiosk's copy ([`Kiosk::inspect`]).
pub struct Inspection<'k> {
    store: &'k Store,
}

impl Kiosk {
    /// Looks into the copy without changing it.
    pub fn inspect(&self) -> Inspection<'_> {
        Inspection { store: &self.store }
    }

    /// Stages faults in the copy (tests only).
    #[cfg(any(test, feature = "testing"))]
    pub fn staging(&mut self) -> Staging<'_> {
        Staging {
            store: &mut self.store,
        }
    }
}

impl Inspection<'_> {
    /// Records in the log, every kiosk's.
    pub fn record_count(&self) -> Result<i64> {
        Ok(self.store.record_count()?)
    }

    /// People in the copy, cancelled and walk-ins included.
    pub fn registrant_count(&self) -> Result<i64> {
        Ok(self.store.registrant_count()?)
    }

    /// The latest print jobs, newest first, as they stand (no pass over the
    /// queue: [`Kiosk::print_status`] makes one).
    pub fn print_jobs(&self, limit: usize) -> Result<Vec<JobView>> {
        Ok(self.store.print_jobs(limit)?)
    }

    /// A registrant's arrivals that were not undone, oldest first.
    pub fn live_arrivals(&self, registrant: Uuid) -> Result<Vec<Arrival>> {
        Ok(self.store.live_arrivals(registrant)?)
    }

    /// Every record about a registrant, in log order.
    pub fn records_of(&self, registrant: Uuid) -> Result<Vec<Record>> {
        Ok(self.store.records_of(registrant)?)
    }

    /// A log's records after sequence number `after`, at most `limit`.
    pub fn records_after(&self, log: &str, after: i64, limit: usize) -> Result<Vec<Record>> {
        Ok(self.store.records_after(log, after, limit)?)
    }

    /// The highest sequence number held, per log.
    pub fn marks(&self) -> Result<Marks> {
        Ok(self.store.marks()?)
    }

    /// The last sequence number of a log held here (0: none).
    pub fn last_seq(&self, log: &str) -> Result<i64> {
        Ok(self.store.last_seq(log)?)
    }

    /// Everyone with their live arrivals per day, as the exports see them.
    pub fn attendance(&self) -> Result<Vec<AttendanceRow>> {
        Ok(self.store.attendance()?)
    }

    /// The logs this copy wrote as `kiosk`, oldest first.
    pub fn own_logs(&self, kiosk: &str) -> Result<Vec<String>> {
        Ok(self.store.own_logs(kiosk)?)
    }

    /// The log `kiosk` writes into now.
    pub fn current_log(&self, kiosk: &str) -> Result<String> {
        Ok(self.store.current_log(kiosk)?)
    }

    /// SQLite's `integrity_check`: « ok », or what is wrong.
    pub fn integrity_check(&self) -> Result<String> {
        Ok(self.store.integrity_check()?)
    }
}

/// Writes that only a test makes ([`Kiosk::staging`]).
#[cfg(any(test, feature = "testing"))]
pub struct Staging<'k> {
    store: &'k mut Store,
}

#[cfg(any(test, feature = "testing"))]
impl Staging<'_> {
    /// The hub's clock minus this one, as a sync would have stored it.
    pub fn hub_clock_offset(&mut self, seconds: i64) -> Result<()> {
        Ok(self
            .store
            .set_sync_value(crate::store::SyncKey::ClockOffset, &seconds.to_string())?)
    }

    /// A print job queued and marked as being submitted — what a process
    /// killed between handing a badge to the printer and noting it leaves.
    pub fn job_left_submitting(
        &mut self,
        job: &crate::store::NewJob<'_>,
        now: jiff::Timestamp,
    ) -> Result<i64> {
        let id = self.store.enqueue_print(job, now)?;
        self.store.mark_print_submitting(id, now)?;
        Ok(id)
    }
}
