//! Kiosks and the hub exchange their logs (as in atuin): each side says, per
//! kiosk, the highest sequence number it holds; pure functions decide what
//! moves; uploads are idempotent by record id. The list of registrants goes
//! from the hub to kiosks by revision; walk-ins and name fixes travel as
//! records and are replayed everywhere.

use std::time::Duration;

use serde::{Deserialize, Serialize};

use crate::domain::Record;
use crate::store::{ListEntry, Marks, Store, StoreError};

/// Records a kiosk sends per request, and the hub returns per response.
pub const UPLOAD_BATCH: usize = 2_000;
pub const DOWNLOAD_BATCH: usize = 5_000;

/// `POST /api/sync`: a kiosk's news, and what it already holds.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct SyncRequest {
    pub kiosk: String,
    /// The kiosk's own records after the last acknowledged one, in order.
    pub records: Vec<Record>,
    /// What the kiosk holds, per kiosk (itself included).
    pub marks: Marks,
}

/// The hub's answer.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct SyncResponse {
    /// The highest of the kiosk's own records the hub now holds.
    pub acked: i64,
    /// Records the kiosk lacks (others', or its own after losing its
    /// database), per kiosk in sequence order.
    pub records: Vec<Record>,
    /// More records wait: ask again.
    pub more: bool,
    /// The revision of the hub's list: fetch `/api/list` when it moved.
    pub list_rev: i64,
    /// The hub's dealings with pretix, when the hub talks to pretix.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pretix: Option<PretixNews>,
}

/// How things stand with pretix: arrivals and undos waiting for it, when it
/// last answered, and its latest refusals for the desk.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct PretixNews {
    pub pending: i64,
    pub last_contact: Option<jiff::Timestamp>,
    pub notices: Vec<crate::store::PretixNotice>,
}

/// `GET /api/list`.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ListResponse {
    pub list_rev: i64,
    pub entries: Vec<ListEntry>,
}

/// Why the hub refuses an upload.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Refusal {
    #[error("le kiosque « {sender} » envoie une entrée du kiosque « {owner} »")]
    NotOwn { sender: String, owner: String },
    #[error("entrées du kiosque « {kiosk} » non consécutives : n° {after} puis n° {next}")]
    NotConsecutive {
        kiosk: String,
        after: i64,
        next: i64,
    },
    #[error(
        "il manque au hub les entrées {} à {} du kiosque « {kiosk} » — elles seront renvoyées",
        .has + 1, .first - 1
    )]
    Gap { kiosk: String, has: i64, first: i64 },
}

/// Hub side: of an upload from `kiosk` (the hub holds its records up to
/// `has`), the records to keep. Records the hub already holds are skipped
/// (a retry after a timeout), records must be the sender's own and follow
/// each other, and nothing may be missing between `has` and the first.
pub fn accept_upload<'a>(
    kiosk: &str,
    has: i64,
    records: &'a [Record],
) -> Result<&'a [Record], Refusal> {
    for r in records {
        if r.kiosk != kiosk {
            return Err(Refusal::NotOwn {
                sender: kiosk.to_owned(),
                owner: r.kiosk.clone(),
            });
        }
    }
    for pair in records.windows(2) {
        if pair[1].seq != pair[0].seq + 1 {
            return Err(Refusal::NotConsecutive {
                kiosk: kiosk.to_owned(),
                after: pair[0].seq,
                next: pair[1].seq,
            });
        }
    }
    let new = records.partition_point(|r| r.seq <= has);
    match records.get(new) {
        Some(first) if first.seq != has + 1 => Err(Refusal::Gap {
            kiosk: kiosk.to_owned(),
            has,
            first: first.seq,
        }),
        _ => Ok(&records[new..]),
    }
}

/// Hub side: for each kiosk the hub knows more of than the requester, the
/// mark to send records after. The requester's own log is included: a kiosk
/// that lost its database gets its records back before writing new ones.
pub fn to_download(requester_holds: &Marks, hub_holds: &Marks) -> Vec<(String, i64)> {
    hub_holds
        .iter()
        .filter_map(|(kiosk, &hub)| {
            let has = requester_holds.get(kiosk).copied().unwrap_or(0);
            (hub > has).then(|| (kiosk.clone(), has))
        })
        .collect()
}

#[derive(Debug, thiserror::Error)]
pub enum SyncError {
    #[error("hub injoignable ({url}) : {source} — le kiosque continue sur sa copie locale")]
    Unreachable { url: String, source: reqwest::Error },
    #[error("le hub refuse le jeton — vérifiez [hub] token dans kiosk.toml (le même qu'au hub)")]
    Unauthorized,
    #[error("le hub répond {status} : {body}")]
    Hub { status: u16, body: String },
    #[error("réponse du hub illisible : {0}")]
    Decode(reqwest::Error),
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("[hub] url absent de kiosk.toml — ce kiosque travaille seul")]
    NotConfigured,
}

/// What one round did.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Round {
    /// Own records the hub acknowledged this round.
    pub sent: usize,
    /// Records from elsewhere this copy did not have.
    pub received: usize,
    /// Of which arrivals and undos.
    pub arrivals: usize,
    /// The hub's list was fetched and applied.
    pub list_updated: bool,
    /// Own records still not acknowledged.
    pub pending: i64,
}

/// A kiosk's connection to its hub.
pub struct Client {
    url: String,
    token: String,
    http: reqwest::blocking::Client,
}

impl Client {
    pub fn new(url: &str, token: &str, timeout: Duration) -> Result<Client, SyncError> {
        let http = crate::http_client()
            .timeout(timeout)
            .build()
            .map_err(|source| SyncError::Unreachable {
                url: url.to_owned(),
                source,
            })?;
        Ok(Client {
            url: url.trim_end_matches('/').to_owned(),
            token: token.to_owned(),
            http,
        })
    }

    fn check(
        &self,
        res: reqwest::Result<reqwest::blocking::Response>,
    ) -> Result<reqwest::blocking::Response, SyncError> {
        let res = res.map_err(|source| SyncError::Unreachable {
            url: self.url.clone(),
            source,
        })?;
        match res.status().as_u16() {
            200..=299 => Ok(res),
            401 => Err(SyncError::Unauthorized),
            status => Err(SyncError::Hub {
                status,
                body: res.text().unwrap_or_default().chars().take(300).collect(),
            }),
        }
    }

    pub fn exchange(&self, req: &SyncRequest) -> Result<SyncResponse, SyncError> {
        let res = self
            .http
            .post(format!("{}/api/sync", self.url))
            .bearer_auth(&self.token)
            .json(req)
            .send();
        self.check(res)?.json().map_err(SyncError::Decode)
    }

    pub fn list(&self) -> Result<ListResponse, SyncError> {
        let res = self
            .http
            .get(format!("{}/api/list", self.url))
            .bearer_auth(&self.token)
            .send();
        self.check(res)?.json().map_err(SyncError::Decode)
    }
}

/// Keys of the kiosk's sync state.
pub const ACKED: &str = "acked";
pub const HUB_LIST_REV: &str = "hub_list_rev";
pub const LAST_SYNC: &str = "last_sync";
/// The hub's [`PretixNews`], as JSON.
pub const HUB_PRETIX: &str = "hub_pretix";

fn int(store: &Store, key: &str) -> Result<i64, StoreError> {
    Ok(store
        .sync_value(key)?
        .and_then(|v| v.parse().ok())
        .unwrap_or(0))
}

/// One round for kiosk `me`: send its records the hub lacks, take everyone
/// else's, fetch the list when the hub's changed — until both sides hold
/// everything. `apply_list` applies a fetched list (the app's import).
pub fn round(
    store: &mut Store,
    me: &str,
    client: &Client,
    now: impl Fn() -> jiff::Timestamp,
    mut apply_list: impl FnMut(&mut Store, Vec<ListEntry>) -> Result<(), StoreError>,
) -> Result<Round, SyncError> {
    let mut done = Round::default();
    // Enough for a kiosk that was offline all day; a hub that keeps
    // answering without progress does not hold the kiosk forever.
    for _ in 0..1_000 {
        let acked = int(store, ACKED)?;
        let records = store.records_after(me, acked, UPLOAD_BATCH)?;
        let sending = records.len();
        let res = client.exchange(&SyncRequest {
            kiosk: me.to_owned(),
            records,
            marks: store.marks()?,
        })?;
        // The list first: records may fix the names of people it brings.
        if res.list_rev != int(store, HUB_LIST_REV)? {
            let list = client.list()?;
            apply_list(store, list.entries)?;
            store.set_sync_value(HUB_LIST_REV, &list.list_rev.to_string())?;
            done.list_updated = true;
        }
        if let Some(news) = &res.pretix {
            store.set_sync_value(HUB_PRETIX, &serde_json::to_string(news).unwrap_or_default())?;
        }
        let applied = store.apply_records(&res.records, now())?;
        done.received += applied.new;
        done.arrivals += applied.arrivals;
        done.sent += usize::try_from(res.acked - acked).unwrap_or(0);
        store.set_sync_value(ACKED, &res.acked.to_string())?;
        store.set_sync_value(LAST_SYNC, &now().to_string())?;
        done.pending = store.last_seq(me)? - res.acked;
        if !res.more && (done.pending <= 0 || sending == 0) {
            return Ok(done);
        }
    }
    Ok(done)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::RecordKind;

    fn rec(kiosk: &str, seq: i64) -> Record {
        Record {
            id: uuid::Uuid::now_v7(),
            kiosk: kiosk.into(),
            seq,
            at: jiff::Timestamp::UNIX_EPOCH,
            kind: RecordKind::BadgePrinted,
            registrant: uuid::Uuid::nil(),
            day: None,
            reverts: None,
            payload: serde_json::json!({}),
        }
    }

    #[test]
    fn uploads_keep_only_what_the_hub_lacks() {
        let batch: Vec<_> = (4..=8).map(|s| rec("a", s)).collect();
        // A retry after a timeout: the hub took 4..=6 already.
        let kept = accept_upload("a", 6, &batch).unwrap();
        assert_eq!(kept.iter().map(|r| r.seq).collect::<Vec<_>>(), [7, 8]);
        assert!(accept_upload("a", 8, &batch).unwrap().is_empty());
        assert_eq!(accept_upload("a", 3, &batch).unwrap().len(), 5);
        assert!(accept_upload("a", 0, &[]).unwrap().is_empty());
    }

    #[test]
    fn uploads_with_holes_or_foreign_records_are_refused() {
        let batch: Vec<_> = (4..=8).map(|s| rec("a", s)).collect();
        assert_eq!(
            accept_upload("a", 1, &batch),
            Err(Refusal::Gap {
                kiosk: "a".into(),
                has: 1,
                first: 4
            })
        );
        let holed = [rec("a", 1), rec("a", 3)];
        assert!(matches!(
            accept_upload("a", 0, &holed),
            Err(Refusal::NotConsecutive { .. })
        ));
        assert!(matches!(
            accept_upload("a", 0, &[rec("b", 1)]),
            Err(Refusal::NotOwn { .. })
        ));
    }

    #[test]
    fn downloads_are_what_the_hub_holds_beyond_the_marks() {
        let marks = |m: &[(&str, i64)]| {
            m.iter()
                .map(|(k, s)| (k.to_string(), *s))
                .collect::<Marks>()
        };
        let hub = marks(&[("a", 10), ("b", 5), ("c", 2)]);
        assert_eq!(
            to_download(&marks(&[("a", 10), ("b", 3)]), &hub),
            [("b".to_string(), 3), ("c".to_string(), 0)]
        );
        // A kiosk that lost its database gets its own records back.
        assert_eq!(
            to_download(&marks(&[]), &marks(&[("a", 2)])),
            [("a".to_string(), 0)]
        );
        assert!(to_download(&hub, &hub).is_empty());
    }
}
