//! The copy of the event a new kiosk starts from (`GET /api/snapshot`).
//!
//! A worker of its own makes it as the hub starts, again whenever the list
//! changes, and again every ten minutes while kiosks sync; a kiosk that
//! joins is handed the copy already made — at a million registrants that
//! is 500 MiB and seven seconds the kiosk no longer waits for. The copy
//! lives in a file beside the hub's database (its owner's only), not in
//! memory; a copy being replaced is served whole to those already
//! downloading it (the new one is renamed over it). Records that came
//! after a copy was made reach the kiosk with its next round, as for any
//! kiosk; a copy of an older list is never handed out.

use std::path::{Path, PathBuf};
use std::sync::{Condvar, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use accueil_core::app::{Cadence, HubCopy, Next, Worker};

/// How often the worker looks at the list's revision.
const LOOK_EVERY: Duration = Duration::from_secs(5);
/// A copy older than this is made again if the hub counted a change since
/// (any kiosk's sync counts, with or without new records).
const RENEW_AFTER: Duration = Duration::from_secs(10 * 60);
/// The longest a kiosk's request waits for a copy being made.
const WAIT_AT_MOST: Duration = Duration::from_secs(180);

/// One copy made.
#[derive(Debug, Clone)]
struct Made {
    list_rev: String,
    at: Instant,
    /// The hub's count of changes when it was made.
    changes: u64,
}

#[derive(Debug, Default)]
struct State {
    made: Option<Made>,
    /// The attendees' copy: the list revision last tried, and whether it
    /// was made (or why not).
    minimal: Option<(String, Result<(), String>)>,
    /// The last attempt failed, and why.
    failed: Option<String>,
    /// Attempts so far, made or failed.
    attempts: u64,
}

/// The copy for new kiosks: where it is, what it holds, who makes it.
#[derive(Debug)]
pub(super) struct Copies {
    path: PathBuf,
    /// The copy for kiosks that serve attendees: no e-mail, no free field
    /// (made from the other, each time).
    minimal: PathBuf,
    state: Mutex<State>,
    done: Condvar,
    maker: std::sync::OnceLock<Worker>,
}

/// A copy opened for a kiosk, with its length.
pub(super) struct Opened {
    pub file: std::fs::File,
    pub len: u64,
}

impl Copies {
    pub(super) fn new(database: &Path) -> Copies {
        Copies {
            path: accueil_core::app::list_copy_path(database),
            minimal: accueil_core::app::minimal_copy_path(database),
            state: Mutex::default(),
            done: Condvar::new(),
            maker: std::sync::OnceLock::new(),
        }
    }

    fn state(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Starts the worker that makes the hub's copy from `own`, a
    /// connection of its own; it stops with the hub.
    pub(super) fn start(
        hub: &std::sync::Arc<super::Hub>,
        own: HubCopy,
    ) -> Result<(), super::HubError> {
        let copies = std::sync::Arc::downgrade(hub);
        let worker = Worker::spawn(
            "copie",
            own,
            Cadence::every(LOOK_EVERY).at_start(),
            move |k| {
                let Some(hub) = copies.upgrade() else {
                    return Next::Stop;
                };
                let changes = hub.wanted.load(std::sync::atomic::Ordering::SeqCst);
                hub.copies.round(k, changes);
                Next::Again
            },
        )
        .map_err(super::HubError::Serve)?;
        let _ = hub.copies.maker.set(worker);
        Ok(())
    }

    /// The list changed: the copy is made again now, not at the next look.
    pub(super) fn wake(&self) {
        if let Some(maker) = self.maker.get() {
            maker.wake();
        }
    }

    /// One round of the worker: makes the copy if there is none, if the
    /// list changed, or if it is old and something came in since.
    fn round(&self, k: &HubCopy, changes: u64) {
        let list_rev = match k.list_rev() {
            Ok(rev) => rev,
            Err(e) => return self.finish(Err(e.to_string()), changes),
        };
        let wanted = match &self.state().made {
            None => true,
            Some(m) => {
                m.list_rev != list_rev || (m.at.elapsed() > RENEW_AFTER && m.changes != changes)
            }
        };
        if !wanted {
            return;
        }
        let started = Instant::now();
        let database = k.database();
        let part = accueil_core::app::list_copy_part(&database);
        let made = HubCopy::write_snapshot(&database, &part)
            .map_err(|e| e.to_string())
            .and_then(|rev| {
                std::fs::rename(&part, &self.path)
                    .map(|()| rev)
                    .map_err(|e| format!("{} : {e}", self.path.display()))
            });
        if made.is_err() {
            let _ = std::fs::remove_file(&part);
        }
        match &made {
            Ok(_) => tracing::info!(
                "hub : copie pour les nouveaux kiosques prête ({} Mio, {:.1} s)",
                std::fs::metadata(&self.path)
                    .map(|m| m.len() >> 20)
                    .unwrap_or(0),
                started.elapsed().as_secs_f64()
            ),
            Err(e) => tracing::warn!(
                "hub : copie pour les nouveaux kiosques impossible : {e} — ils prendront la liste, plus lentement"
            ),
        }
        let rev = made.as_ref().ok().cloned();
        // Desks take the full copy at once; the attendees' one follows.
        self.finish(made, changes);
        if let Some(rev) = rev {
            let minimal = self.make_minimal(&database);
            let mut state = self.state();
            state.minimal = Some((rev, minimal));
            self.done.notify_all();
        }
    }

    /// The attendees' copy, from the full one just put in place. Failing,
    /// the old one is removed: attendee kiosks then take the full copy and
    /// minimise it themselves.
    fn make_minimal(&self, database: &Path) -> Result<(), String> {
        let started = Instant::now();
        let [part, scratch] = accueil_core::app::minimal_copy_parts(database);
        let made = HubCopy::write_minimal_snapshot(&self.path, &scratch, &part)
            .map_err(|e| e.to_string())
            .and_then(|()| {
                std::fs::rename(&part, &self.minimal)
                    .map_err(|e| format!("{} : {e}", self.minimal.display()))
            });
        match &made {
            Ok(()) => tracing::info!(
                "hub : copie pour les bornes du public prête ({:.1} s)",
                started.elapsed().as_secs_f64()
            ),
            Err(e) => {
                let _ = std::fs::remove_file(&part);
                let _ = std::fs::remove_file(&self.minimal);
                tracing::warn!(
                    "hub : copie pour les bornes du public impossible : {e} — elles réduiront elles-mêmes la copie complète"
                );
            }
        }
        made
    }

    fn finish(&self, made: Result<String, String>, changes: u64) {
        let mut state = self.state();
        state.attempts += 1;
        match made {
            Ok(list_rev) => {
                state.made = Some(Made {
                    list_rev,
                    at: Instant::now(),
                    changes,
                });
                state.failed = None;
            }
            Err(e) => state.failed = Some(e),
        }
        self.done.notify_all();
    }

    /// The copy of the list at `list_rev` (the hub's now), for a kiosk:
    /// the one made, or, when it is being made or holds an older list, the
    /// next one, waited for.
    /// `minimal`: for a kiosk that serves attendees, the copy without
    /// e-mails when there is one (else the full one, which such a kiosk
    /// minimises before taking it).
    pub(super) fn open(&self, list_rev: &str, minimal: bool) -> Result<Opened, String> {
        let since = Instant::now();
        let mut state = self.state();
        let first = state.attempts;
        loop {
            if let Some(made) = &state.made
                && made.list_rev == list_rev
            {
                // The attendees' copy of this very list, waited for while
                // it is made; if it cannot be, or takes too long, the full
                // one (such a kiosk minimises it before taking it).
                let waited_enough = since.elapsed() >= WAIT_AT_MOST;
                match &state.minimal {
                    _ if !minimal => {}
                    Some((rev, Ok(()))) if rev == list_rev => {
                        if let Ok(file) = std::fs::File::open(&self.minimal) {
                            let len = file.metadata().map(|m| m.len()).unwrap_or(0);
                            return Ok(Opened { file, len });
                        }
                    }
                    Some((rev, Err(_))) if rev == list_rev => {}
                    _ if !waited_enough => {
                        let left = WAIT_AT_MOST.saturating_sub(since.elapsed());
                        state = self
                            .done
                            .wait_timeout(state, left.min(LOOK_EVERY))
                            .unwrap_or_else(|p| p.into_inner())
                            .0;
                        continue;
                    }
                    _ => {}
                }
                // The file may already be the next copy, renamed before
                // it was described here: the kiosk reads the list's
                // revision from the file itself.
                match std::fs::File::open(&self.path) {
                    Ok(file) => {
                        let len = file.metadata().map(|m| m.len()).unwrap_or(0);
                        return Ok(Opened { file, len });
                    }
                    // Removed from under the hub (a clean-up, a full
                    // disk): made again, and waited for.
                    Err(e) => {
                        tracing::warn!("hub : copie {} : {e} — refaite", self.path.display());
                        state.made = None;
                    }
                }
            }
            if state.attempts > first
                && let Some(why) = &state.failed
            {
                return Err(why.clone());
            }
            let Some(left) = WAIT_AT_MOST.checked_sub(since.elapsed()) else {
                return Err("la copie pour les nouveaux kiosques n'est pas prête".into());
            };
            self.wake();
            state = self
                .done
                .wait_timeout(state, left.min(LOOK_EVERY))
                .unwrap_or_else(|p| p.into_inner())
                .0;
        }
    }
}
