//! The entrance queue: its counts (the door view's « + 1 ») and the
//! forecast from the day's check-ins ([`crate::domain::queue`]).

use super::{Kiosk, Result};
use crate::domain::queue::{self, Count, Forecast, Served};

impl Kiosk {
    /// Records what someone counting the queue said, at this copy's clock.
    pub fn count_queue(&mut self, count: Count) -> Result<()> {
        if let Count::Joined(n) = count
            && !(-1000..=1000).contains(&n)
        {
            return Err(super::AppError::QueueCount(n));
        }
        let now = self.now();
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
        let arrivals = self.store.arrivals_on(day.date)?;
        let served: Vec<Served<'_>> = arrivals
            .iter()
            .map(|(at, kiosk, ..)| Served { at: *at, kiosk })
            .collect();
        let midnight = today
            .to_zoned_datetime(event.timezone.clone())
            .map_or(now, |z| z.timestamp());
        let counts = self.store.queue_counts_since(midnight)?;
        Ok(queue::forecast(
            &served,
            &counts,
            now,
            u32::from(event.max_wait_minutes),
        ))
    }
}
