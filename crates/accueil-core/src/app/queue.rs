//! The entrance queue: its counts (the door view's « + 1 ») and the
//! forecast from the day's check-ins ([`crate::domain::queue`]).

use super::{Kiosk, Result};
use crate::domain::queue::{self, Count, Forecast, Served};

/// The most people counted into (or out of) the queue in one minute.
pub const MAX_COUNTED_PER_MINUTE: i64 = 1000;

impl Kiosk {
    /// Records what someone counting the queue said, at this copy's clock.
    pub fn count_queue(&mut self, count: Count) -> Result<()> {
        let now = self.now();
        if let Count::Joined(n) = count {
            if !(-1000..=1000).contains(&n) {
                return Err(super::AppError::QueueCount(n));
            }
            // Stewards at the door count people one by one or in small
            // groups: more than a stadium gate's minute is a stuck button
            // or a script, and would show a queue of millions.
            let counted = self
                .store
                .queue_counted_since(now - jiff::SignedDuration::from_mins(1))?;
            if counted + n.abs() > MAX_COUNTED_PER_MINUTE {
                return Err(super::AppError::QueueRate {
                    counted,
                    most: MAX_COUNTED_PER_MINUTE,
                });
            }
        }
        Ok(self.store.add_queue_count(now, count)?)
    }

    /// The entrance now: arrivals, each kiosk's pace, the queue and the
    /// wait, from today's check-ins (and today's counts of the queue).
    pub fn entrance_forecast(&self) -> Result<Forecast> {
        let now = self.now();
        let event = &self.config.event;
        // The day check-ins are recorded for now (today, or the first
        // day at a rehearsal): the times themselves are the clock's.
        let (day, _) = self.day(None)?;
        let today = self.today();
        let mut cache = self.entrance.borrow_mut();
        cache.catch_up(&self.store, day.date)?;
        let served: Vec<Served<'_>> = cache
            .checkins
            .iter()
            .map(|(at, kiosk)| Served { at: *at, kiosk })
            .collect();
        let midnight = today
            .to_zoned_datetime(event.timezone.clone())
            .map_or(now, |z| z.timestamp());
        let counted = self.store.queue_tally(midnight, now)?;
        Ok(queue::forecast_tallied(
            &served,
            counted,
            now,
            u32::from(event.max_wait_minutes),
        ))
    }
}

/// The day's check-ins as the forecast last read them: on each change only
/// the records written since are read (a day of 10,000 check-ins took
/// 10 ms to read whole, per change). Read whole again on another day, or
/// when the day's count is not what was read (a purge rewrote the log).
#[derive(Debug, Default)]
pub(super) struct EntranceCache {
    day: Option<jiff::civil::Date>,
    /// The last rowid read.
    last: i64,
    /// Arrival records read, pretix's included.
    read: i64,
    checkins: Vec<(jiff::Timestamp, String)>,
}

impl EntranceCache {
    fn catch_up(
        &mut self,
        store: &crate::store::Store,
        day: jiff::civil::Date,
    ) -> std::result::Result<(), crate::store::StoreError> {
        if self.day != Some(day) {
            *self = EntranceCache {
                day: Some(day),
                ..EntranceCache::default()
            };
        }
        for attempt in 0..3 {
            for (id, at, kiosk, staff) in store.arrivals_after(day, self.last)? {
                self.last = self.last.max(id);
                self.read += 1;
                if staff {
                    self.checkins.push((at, kiosk));
                }
            }
            let count = store.arrival_count_on(day)?;
            match count.cmp(&self.read) {
                std::cmp::Ordering::Equal => return Ok(()),
                // More than read: written meanwhile (read on), or once
                // again, under rowids already passed (a rewrite).
                std::cmp::Ordering::Greater if attempt == 0 => {}
                // Still not right on the last try: what was read stands
                // until the next change.
                _ if attempt == 2 => {}
                _ => {
                    *self = EntranceCache {
                        day: Some(day),
                        ..EntranceCache::default()
                    }
                }
            }
        }
        Ok(())
    }
}
