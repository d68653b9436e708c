//! Sync with the hub: a round over HTTP (a blank kiosk first takes the
//! hub's copy whole), or through any link (tests), and where it stands.

use std::path::Path;

use jiff::Timestamp;

use super::*;

/// The hub's copy as downloaded at a first sync, beside the database
/// (its extension replaces the database's).
pub(super) const JOIN_COPY: &str = "depuis-le-hub";
/// The same, minimised for an attendee kiosk.
pub(super) const JOIN_COPY_MINIMISED: &str = "depuis-le-hub-minimise";

/// Removes what a first sync killed half-way left beside the database
/// (the hub's copy, whole or minimised, and their journals): the whole one
/// holds everyone's e-mails.
pub(super) fn remove_join_leftovers(database: &Path) {
    if database.as_os_str().is_empty() || database == Path::new(":memory:") {
        return;
    }
    for ext in [JOIN_COPY, JOIN_COPY_MINIMISED] {
        let copy = database.with_extension(ext);
        for leftover in [copy.clone(), copy.with_extension(format!("{ext}-journal"))] {
            let _ = std::fs::remove_file(leftover);
        }
    }
}

impl Kiosk {
    /// One sync round with the hub of `[hub] url`: this kiosk's records
    /// up, everyone else's down, the hub's list when it changed (applied as
    /// an import: arrivals and desk fixes survive it).
    pub fn sync_once(&mut self, timeout: std::time::Duration) -> Result<crate::sync::Round> {
        let hub = &self.config.hub;
        let Some(url) = hub.url.clone() else {
            return Err(crate::sync::SyncError::NotConfigured.into());
        };
        let mut client = crate::sync::Client::new(&url, hub.token.as_deref(), timeout)?;
        // What this copy wrote under another id (kiosk.toml's id changed,
        // or the database came from another kiosk) goes up under this one.
        let me = self.config.kiosk.id.clone();
        let adopted = self.store.adopt_own_logs(&me)?;
        if adopted > 0 {
            tracing::info!(
                "{adopted} entrée(s) écrite(s) sous un autre identifiant de kiosque, jamais reçue(s) par le hub : reprise(s) sous « {me} »"
            );
        }
        let credential = self.hub_credential(&client, &url, false)?;
        client.set_credential(credential);
        match self.sync_over(&client) {
            // The hub does not know this credential (revoked, or the hub's
            // data restored from before it, or another id's): enrol again,
            // once — a revoked id is told so.
            Err(AppError::Sync(crate::sync::SyncError::BadCredential(_)))
                if self.config.hub.token.is_some() =>
            {
                let credential = self.hub_credential(&client, &url, true)?;
                client.set_credential(credential);
                self.sync_over(&client)
            }
            // Enrolled by code, no token: a new code, and the command that
            // takes it on this very kiosk.
            Err(AppError::Sync(crate::sync::SyncError::BadCredential(why))) => {
                Err(crate::sync::SyncError::Reenrol(why).into())
            }
            other => other,
        }
    }

    /// A round over HTTP: a blank kiosk first takes the hub's copy whole.
    fn sync_over(&mut self, client: &crate::sync::Client) -> Result<crate::sync::Round> {
        let joined = self.join_from_snapshot(client)?;
        if joined {
            self.minimise_if_attended(true)?;
        }
        let mut round = self.sync_with(client)?;
        round.list_updated |= joined;
        round.from_copy = joined;
        Ok(round)
    }

    /// A kiosk that holds nobody and no record yet takes the hub's copy of
    /// the event (its database, without what is the hub's own) instead of
    /// importing the list: a large event joins in the time of a download.
    /// A copy this kiosk cannot take leaves it to the list.
    fn join_from_snapshot(&mut self, client: &crate::sync::Client) -> Result<bool> {
        let path = self.store.path().to_owned();
        if path.as_os_str().is_empty() || path == Path::new(":memory:") || !self.store.is_blank()? {
            return Ok(false);
        }
        let tmp = path.with_extension(JOIN_COPY);
        let minimised = path.with_extension(JOIN_COPY_MINIMISED);
        // An attendee kiosk's database never holds an e-mail, not even
        // between two steps of its first sync: the copy is minimised
        // beside it, rewritten, and only then taken.
        // The hub's copy made for attendee kiosks when it has one, checked
        // here all the same (an older hub sends the full copy).
        let attended = self.config.kiosk.mode.attended_by_attendees();
        let joined = match client.snapshot(&tmp, attended) {
            Ok(true) => {
                let (take, ready) = match attended {
                    false => (tmp.as_path(), Ok(())),
                    true => match crate::store::Store::is_minimal_copy(&tmp) {
                        Ok(true) => (tmp.as_path(), Ok(())),
                        Ok(false) => (
                            minimised.as_path(),
                            crate::store::Store::minimise_snapshot(
                                &tmp,
                                &minimised,
                                &self.config.kiosk.id,
                            ),
                        ),
                        Err(e) => (tmp.as_path(), Err(e)),
                    },
                };
                match ready.and_then(|()| self.store.restore_snapshot(take)) {
                    Ok(list_rev) => {
                        self.store
                            .set_sync_value(crate::store::SyncKey::HubListRev, &list_rev)?;
                        Ok(true)
                    }
                    Err(StoreError::Snapshot(_)) => Ok(false),
                    Err(e) => Err(e.into()),
                }
            }
            Ok(false) => Ok(false),
            Err(e) => Err(e.into()),
        };
        let _ = std::fs::remove_file(&tmp);
        let _ = std::fs::remove_file(&minimised);
        joined
    }

    /// One sync round through `link` (the hub over HTTP, or a hub's copy
    /// in the same process).
    pub fn sync_with(&mut self, link: &dyn crate::sync::HubLink) -> Result<crate::sync::Round> {
        self.refuse_if_purged()?;
        let me = self.config.kiosk.id.clone();
        let clock = self.clock;
        // A queue that cannot be read says nothing of the printer: the
        // round goes on without.
        let printer = self.printer_health().ok();
        let mut round = super::round::round(
            &mut self.store,
            &me,
            printer.as_ref(),
            link,
            clock,
            |store, list| {
                if let Some(programme) = &list.programme {
                    store.replace_programme(programme, |_| true)?;
                }
                let entries: Vec<_> = list
                    .entries
                    .into_iter()
                    .enumerate()
                    .map(|(i, e)| e.into_source(i + 1))
                    .collect();
                store.apply_import(&entries, clock(), |_| {}, |_| true)?;
                Ok(())
            },
        )?;
        // A new list, or others' walk-ins and fixes: a self-service copy
        // drops the e-mails and free fields they brought.
        if round.list_updated || round.received > 0 {
            self.minimise_if_attended(round.list_updated)?;
        }
        if let Some(shared) = round.config.take() {
            round.config_updated = self.take_hub_config(&shared)?;
        }
        Ok(round)
    }

    /// The hub's event sections, checked against this machine's own
    /// settings: taken (kept in the database, so that restarts and this
    /// kiosk's other threads have them) or refused with why. Either way
    /// the hub sends them again only once they change.
    pub fn take_hub_config(&mut self, shared: &crate::protocol::SharedConfig) -> Result<bool> {
        use crate::store::SyncKey;
        self.store
            .set_sync_value(SyncKey::HubConfigRev, &shared.rev)?;
        if !self.use_shared(shared) {
            return Ok(false);
        }
        let json = serde_json::to_string(shared).unwrap_or_default();
        self.store.set_sync_value(SyncKey::HubConfig, &json)?;
        tracing::info!(
            "configuration de l'événement reçue du hub (révision {}) : « {} »",
            shared.rev,
            self.config.event.name
        );
        Ok(true)
    }

    /// The hub's event sections over this machine's file, if they make a
    /// valid whole; else why not, in the log, and the configuration stays.
    fn use_shared(&mut self, shared: &crate::protocol::SharedConfig) -> bool {
        match self.config.with_shared(shared) {
            Ok(config) => {
                self.config = config;
                self.hub_config = Some(shared.rev.clone());
                true
            }
            Err(why) => {
                tracing::warn!("{why} — ce kiosque garde la configuration qu'il a");
                false
            }
        }
    }

    /// Takes the hub's event sections this copy holds, if they are not the
    /// ones in use (another thread took them, or the kiosk starts).
    /// Returns whether the configuration changed. Cheap when nothing did.
    pub fn reload_hub_config(&mut self) -> Result<bool> {
        use crate::store::SyncKey;
        if self.config.hub.url.is_none() {
            return Ok(false);
        }
        let Some(json) = self.store.sync_value(SyncKey::HubConfig)? else {
            return Ok(false);
        };
        let Ok(shared) = serde_json::from_str::<crate::protocol::SharedConfig>(&json) else {
            return Ok(false);
        };
        if self.hub_config.as_deref() == Some(shared.rev.as_str()) {
            return Ok(false);
        }
        let used = self.use_shared(&shared);
        // Refused: not tried again at every round.
        self.hub_config = Some(shared.rev);
        Ok(used)
    }

    /// Records refused by the hub (on a kiosk: its own, as the hub
    /// explained), newest first.
    pub fn refused_records(&self, limit: usize) -> Result<Vec<crate::store::RefusedView>> {
        Ok(self.store.refused_records(limit)?)
    }

    /// Own records the hub has not acknowledged yet, and when this kiosk
    /// last synced.
    pub fn sync_status(&self) -> Result<(i64, Option<Timestamp>)> {
        let pending = super::round::pending(&self.store, &self.config.kiosk.id)?;
        let last = self.store.sync_parsed(crate::store::SyncKey::LastSync)?;
        Ok((pending, last))
    }
}
