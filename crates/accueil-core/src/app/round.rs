//! A kiosk's sync round: what it sends, what it takes, what it keeps of
//! the hub's answers — the store changed here, by the app, from the pure
//! rules of [`crate::sync`] and the bodies of [`crate::protocol`].

use std::collections::BTreeMap;

use crate::domain::Record;
use crate::protocol::{ListResponse, PrinterHealth, RefusedRecord, SyncRequest, UPLOAD_BATCH};
use crate::store::{Store, StoreError, SyncKey};
use crate::sync::{HubLink, Round, SyncError, log_owner};

/// How far the hub holds one of this kiosk's logs.
pub(super) fn acked(store: &Store, me: &str, log: &str) -> Result<i64, StoreError> {
    Ok(store
        .sync_parsed(SyncKey::Acked { kiosk: me, log })?
        .unwrap_or(0))
}

/// The logs this copy wrote as `me`, the current one included even before
/// it holds anything.
fn own_logs(store: &Store, me: &str) -> Result<Vec<String>, StoreError> {
    store.own_logs(me)
}

/// Own records the hub has not acknowledged, over all of this kiosk's logs.
pub(super) fn pending(store: &Store, me: &str) -> Result<i64, StoreError> {
    let mut n = 0;
    for log in own_logs(store, me)? {
        n += (store.last_seq(&log)? - acked(store, me, &log)?).max(0);
    }
    Ok(n)
}

/// One round for kiosk `me`: send its records the hub lacks, take everyone
/// else's, fetch the list when the hub's changed — until both sides hold
/// everything. `apply_list` applies a fetched list (the app's import).
///
/// The hub refusing some records (400) is an answer, not a failure: they
/// are kept here as refused, never sent again, and told in the round. The
/// hub holding other records at this kiosk's numbers (409) means this copy
/// was restored or copied: its records from there move to a new log and go
/// up under it, the hub's come down.
pub(super) fn round(
    store: &mut Store,
    me: &str,
    printer: Option<&PrinterHealth>,
    client: &dyn HubLink,
    now: impl Fn() -> jiff::Timestamp,
    mut apply_list: impl FnMut(&mut Store, ListResponse) -> Result<(), StoreError>,
) -> Result<Round, SyncError> {
    let mut done = Round::default();
    // Enough for a kiosk that was offline all day; a hub that keeps
    // answering without progress does not hold the kiosk forever.
    for _ in 0..1_000 {
        let mut records = Vec::new();
        let mut acked_before = BTreeMap::new();
        for log in own_logs(store, me)? {
            let from = acked(store, me, &log)?;
            acked_before.insert(log.clone(), from);
            let room = UPLOAD_BATCH.saturating_sub(records.len());
            if room > 0 {
                records.extend(store.records_after(&log, from, room)?);
            }
        }
        let sending = records.len();
        let sent_at = now();
        let res = match client.exchange(&SyncRequest {
            kiosk: me.to_owned(),
            records,
            marks: store.marks()?,
            sent_at: Some(sent_at),
            printer: printer.cloned(),
            config_rev: store.sync_value(SyncKey::HubConfigRev)?,
        }) {
            Ok(res) => res,
            Err(SyncError::Refused(refused)) => {
                note_refused(store, &refused.refused, &mut done, now())?;
                done.sent += set_acked(store, me, &acked_before, &refused.acked)?.0;
                continue;
            }
            Err(SyncError::Clash(clash)) if log_owner(&clash.log) == me => {
                let (_, moved) = store.move_log_tail(me, &clash.log, clash.seq)?;
                done.moved += moved;
                if moved == 0 {
                    // Nothing of ours to move: the hub and this copy
                    // disagree in a way a retry cannot mend.
                    return Err(SyncError::Clash(clash));
                }
                continue;
            }
            Err(e) => return Err(e),
        };
        let offset = res.hub_time.duration_since(sent_at).as_secs();
        done.clock_offset = Some(offset);
        store.set_sync_value(SyncKey::ClockOffset, &offset.to_string())?;
        // The list first: records may fix the names of people it brings.
        if res.list_rev != store.sync_value(SyncKey::HubListRev)?.unwrap_or_default() {
            let list = client.list()?;
            let rev = list.list_rev.clone();
            apply_list(store, list)?;
            store.set_sync_value(SyncKey::HubListRev, &rev)?;
            done.list_updated = true;
        }
        if res.config.is_some() {
            done.config = res.config.clone();
        }
        if let Some(news) = &res.pretix {
            store.set_sync_value(
                SyncKey::HubPretix,
                &serde_json::to_string(news).unwrap_or_default(),
            )?;
        }
        let applied = match store.apply_records(&res.records, now()) {
            Err(StoreError::SeqClash { log, seq, .. }) if log_owner(&log) == me => {
                // This kiosk wrote at a number the hub holds another record
                // at, between asking and hearing back: move ours, retry.
                let (_, moved) = store.move_log_tail(me, &log, seq)?;
                done.moved += moved;
                store.apply_records(&res.records, now())?
            }
            other => other?,
        };
        done.received += applied.new;
        done.arrivals += applied.arrivals;
        note_refused(store, &res.refused, &mut done, now())?;
        let (newly, moved_back) = set_acked(store, me, &acked_before, &res.acked)?;
        done.sent += newly;
        store.set_sync_value(SyncKey::LastSync, &now().to_string())?;
        done.pending = pending(store, me)?;
        // Done when both sides hold everything, or when nothing more can
        // go up (a hub that forgot records asks for them again at once).
        if !res.more && (done.pending <= 0 || (sending == 0 && !moved_back)) {
            return Ok(done);
        }
    }
    Ok(done)
}

/// Keeps the hub's refusals of this kiosk's records: never sent again,
/// left out of the counts here as at the hub.
fn note_refused(
    store: &mut Store,
    refused: &[RefusedRecord],
    done: &mut Round,
    now: jiff::Timestamp,
) -> Result<(), StoreError> {
    let mut held = Vec::new();
    for r in refused {
        if r.waiting {
            done.waiting.push(r.clone());
        } else {
            if let Some(rec) = store.record(r.id)? {
                held.push((rec, r.reason.clone()));
            }
            done.refused.push(r.clone());
        }
    }
    let pairs: Vec<(&Record, String)> = held.iter().map(|(r, why)| (r, why.clone())).collect();
    store.refuse_records(&pairs, false, now)?;
    Ok(())
}

/// Keeps how far the hub holds each of this kiosk's logs — backwards too:
/// a hub restored from a backup holds less, and the next exchange sends
/// the records again from its mark (a log it does not name, it holds
/// nothing of). Returns how many records it newly acknowledged, and
/// whether the hub holds less than it did.
fn set_acked(
    store: &Store,
    me: &str,
    before: &BTreeMap<String, i64>,
    hub: &BTreeMap<String, i64>,
) -> Result<(usize, bool), StoreError> {
    let mut newly = 0;
    let mut back = false;
    for (log, from) in before {
        let to = hub.get(log).copied().unwrap_or(0);
        newly += usize::try_from(to - from).unwrap_or(0);
        back |= to < *from;
        if to != *from {
            store.set_sync_value(SyncKey::Acked { kiosk: me, log }, &to.to_string())?;
        }
    }
    Ok((newly, back))
}
