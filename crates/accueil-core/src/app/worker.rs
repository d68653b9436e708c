//! The one kind of background thread, for the kiosk's window and the hub
//! alike: a named thread with its own connection to the copy (SQLite lets
//! it read while the door writes), running a round when woken — wake-ups
//! that come during a round count as one — or every `period`.
//!
//! The window's printing, counting and sync threads, and the hub's
//! figures, pretix and copy-for-new-kiosks threads are all one of these.

use std::sync::mpsc::{self, RecvTimeoutError, Sender};
use std::time::Duration;

use super::Kiosk;

/// When a worker runs its rounds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Cadence {
    /// A round at least this often, woken or not.
    pub every: Duration,
    /// At least this long from the end of a round to the next, however
    /// often it is woken (a page read by people needs no more than a few
    /// a second).
    pub gap: Duration,
    /// A first round as soon as the thread starts, before any wake-up.
    pub at_start: bool,
}

impl Cadence {
    /// A round when woken, or every `every`; none at start.
    pub fn every(every: Duration) -> Cadence {
        Cadence {
            every,
            gap: Duration::ZERO,
            at_start: false,
        }
    }

    /// The same, with a first round at start.
    pub fn at_start(self) -> Cadence {
        Cadence {
            at_start: true,
            ..self
        }
    }

    /// The same, at least `gap` apart.
    pub fn gap(self, gap: Duration) -> Cadence {
        Cadence { gap, ..self }
    }
}

/// What a round says about the next one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Next {
    Again,
    /// What the worker served is gone (the window closed, the hub
    /// stopped): the thread ends.
    Stop,
}

impl From<bool> for Next {
    /// `true`: again.
    fn from(again: bool) -> Next {
        if again { Next::Again } else { Next::Stop }
    }
}

/// A running worker: wakes it. Dropping every `Worker` of a thread ends
/// the thread after its round in progress.
#[derive(Debug, Clone)]
pub struct Worker {
    wake: Sender<()>,
}

impl Worker {
    /// Starts `round` on a thread named `name` with `own`, a connection of
    /// its own (a [`Kiosk`] or a [`super::HubCopy`]: see
    /// [`Kiosk::open_another`]).
    pub fn spawn<Copy: Send + 'static>(
        name: &str,
        mut own: Copy,
        cadence: Cadence,
        mut round: impl FnMut(&mut Copy) -> Next + Send + 'static,
    ) -> std::io::Result<Worker> {
        let (wake, woken) = mpsc::channel::<()>();
        std::thread::Builder::new()
            .name(name.into())
            .spawn(move || {
                if cadence.at_start && round(&mut own) == Next::Stop {
                    return;
                }
                let mut last = std::time::Instant::now();
                loop {
                    match woken.recv_timeout(cadence.every) {
                        Ok(()) => {}
                        Err(RecvTimeoutError::Timeout) => {}
                        Err(RecvTimeoutError::Disconnected) => return,
                    }
                    if let Some(wait) = cadence.gap.checked_sub(last.elapsed()) {
                        std::thread::sleep(wait);
                    }
                    // What came meanwhile is in this round.
                    while woken.try_recv().is_ok() {}
                    if round(&mut own) == Next::Stop {
                        return;
                    }
                    last = std::time::Instant::now();
                }
            })?;
        Ok(Worker { wake })
    }

    /// Asks for a round soon (at once, unless one is running or the gap
    /// holds it back).
    pub fn wake(&self) {
        let _ = self.wake.send(());
    }
}

impl Kiosk {
    /// Another connection to this kiosk's copy, with the same settings: a
    /// worker's own.
    pub fn open_another(&self) -> super::Result<Kiosk> {
        // Its clock too: a hub on a replayed or simulated morning.
        Ok(Kiosk::open(self.config.clone(), Some(&self.database()))?.with_clock(self.clock))
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]
    use super::*;
    use std::sync::mpsc::channel;

    fn kiosk(dir: &std::path::Path) -> Kiosk {
        let config = crate::config::Config::parse(include_str!("../../../../kiosk.toml"), dir)
            .expect("kiosk.toml");
        Kiosk::open(config, Some(&dir.join("k.sqlite"))).expect("open")
    }

    #[test]
    fn a_worker_runs_when_woken_and_stops_when_told() {
        let dir = tempfile::tempdir().unwrap();
        let k = kiosk(dir.path());
        let (tx, rx) = channel();
        let mut n = 0;
        let w = Worker::spawn(
            "essai",
            k.open_another().unwrap(),
            Cadence::every(Duration::from_secs(3600)),
            move |_| {
                n += 1;
                tx.send(n).unwrap();
                Next::from(n < 2)
            },
        )
        .unwrap();
        // No round at start: the first comes with the wake-up.
        w.wake();
        assert_eq!(rx.recv_timeout(Duration::from_secs(10)), Ok(1));
        w.wake();
        assert_eq!(rx.recv_timeout(Duration::from_secs(10)), Ok(2));
        // The round said stop: the thread ended, its sender with it.
        w.wake();
        assert!(rx.recv().is_err());
    }

    #[test]
    fn a_worker_with_a_round_at_start_runs_one_unwoken_and_ends_with_its_wakers() {
        let dir = tempfile::tempdir().unwrap();
        let k = kiosk(dir.path());
        let (tx, rx) = channel();
        let w = Worker::spawn(
            "essai",
            k.open_another().unwrap(),
            Cadence::every(Duration::from_secs(3600)).at_start(),
            move |k| {
                tx.send(k.database()).unwrap();
                Next::Again
            },
        )
        .unwrap();
        assert_eq!(
            rx.recv_timeout(Duration::from_secs(10)),
            Ok(dir.path().join("k.sqlite"))
        );
        drop(w);
        // Nobody can wake it any more: it ends, and its round's sender goes.
        assert!(rx.recv().is_err());
    }
}
