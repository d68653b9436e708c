//! The hub's copy ([`HubCopy`]) and the hub's half of the sync protocol on
//! it: of a kiosk's upload, what the hub keeps, refuses or keeps waiting,
//! and what the kiosk lacks. The HTTP server (`hub`) only turns its
//! answers into statuses.

use std::collections::{BTreeMap, HashMap, HashSet};

use jiff::Timestamp;

use super::Kiosk;
use crate::domain::{Record, RecordKind};
use crate::protocol::{DOWNLOAD_BATCH, ListResponse, RefusedRecord, SyncRequest, SyncResponse};
use crate::store::StoreError;
use crate::sync::{Refusal, UploadClash, UploadRefused};

/// Why an exchange was not taken at all.
#[derive(Debug, thiserror::Error)]
pub enum ExchangeError {
    #[error("identifiant de kiosque « {0} » invalide")]
    BadKiosk(String),
    /// The hub holds other records at the kiosk's numbers (409).
    #[error("{}", .0.error)]
    Clash(UploadClash),
    /// The upload breaks the protocol (400).
    #[error("{0}")]
    Refused(String),
    /// The hub's copy was purged (410): it takes nothing more.
    #[error(
        "hub purgé le {} (RGPD) : il ne prend plus d'entrées — purgez ce kiosque aussi (« accueil purge --yes »)",
        .0.strftime(crate::domain::when::DATE)
    )]
    Purged(jiff::Timestamp),
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// What an exchange answers: what the kiosk lacks, or which of its records
/// the hub refused (400; the rest was kept).
#[derive(Debug)]
pub enum Answer {
    Synced(SyncResponse),
    Refused(UploadRefused),
}

#[derive(Debug)]
pub struct Exchanged {
    pub answer: Answer,
    /// Arrivals and undos that came in.
    pub arrivals: usize,
}

/// The hub's copy of the event: a copy like a door's — the same store,
/// read and written the same way (the hub checks people in too: it is the
/// organisers' desk) — and what only the hub does with it: answer the
/// kiosks' syncs, hand out the list, enrol and revoke kiosks, feed the
/// organisers' page. A door's [`Kiosk`] has none of these: the compiler
/// keeps a kiosk from serving as a hub, and the hub's code from reaching
/// what only a door does through a method of its own.
///
/// It derefs to its [`Kiosk`] for what every copy does (its config, the
/// check-in, the statistics): a hub's copy *is* a copy, with more.
pub struct HubCopy(Kiosk);

impl HubCopy {
    /// `kiosk`'s database as the hub's copy (the hub, or the command line
    /// on the hub's machine: `accueil kiosks`).
    pub fn new(kiosk: Kiosk) -> HubCopy {
        HubCopy(kiosk)
    }

    /// Another connection to the same copy, for another thread.
    pub fn open_another(&self) -> super::Result<HubCopy> {
        Ok(HubCopy(self.0.open_another()?))
    }

    /// The copy behind: what a door's copy can do.
    pub fn kiosk(&self) -> &Kiosk {
        &self.0
    }
}

impl std::ops::Deref for HubCopy {
    type Target = Kiosk;
    fn deref(&self) -> &Kiosk {
        &self.0
    }
}

impl std::ops::DerefMut for HubCopy {
    fn deref_mut(&mut self) -> &mut Kiosk {
        &mut self.0
    }
}

/// A kiosk id as kiosk.toml allows it: what a log may be named after.
pub fn plausible_kiosk_id(id: &str) -> bool {
    !id.is_empty()
        && id.len() <= 40
        && id
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
}

/// An upload's new records, checked: kept, refused with why, or kept
/// waiting with why.
#[derive(Default)]
struct Sorted<'r> {
    keep: Vec<Record>,
    refused: Vec<(&'r Record, String)>,
    waiting: Vec<(&'r Record, String)>,
}

impl Sorted<'_> {
    fn all_kept(&self) -> bool {
        self.refused.is_empty() && self.waiting.is_empty()
    }

    /// The answer when some records were refused or kept waiting (each
    /// told in the log), with what the hub holds of the kiosk's logs.
    fn refusal(&self, acked: BTreeMap<String, i64>) -> UploadRefused {
        let told = |(r, reason): &(&Record, String), waits: bool| {
            tracing::warn!(
                "hub : entrée n° {} du journal « {} » {} : {reason}",
                r.seq,
                r.log,
                if waits { "mise en attente" } else { "refusée" }
            );
            RefusedRecord {
                id: r.id,
                log: r.log.clone(),
                seq: r.seq,
                reason: reason.clone(),
                waiting: waits,
            }
        };
        let refused: Vec<RefusedRecord> = self
            .refused
            .iter()
            .map(|r| told(r, false))
            .chain(self.waiting.iter().map(|r| told(r, true)))
            .collect();
        let error = refused
            .iter()
            .map(|r| format!("n° {} du journal « {} » : {}", r.seq, r.log, r.reason))
            .collect::<Vec<_>>()
            .join(" ; ");
        UploadRefused {
            error,
            refused,
            acked,
        }
    }
}

/// One kiosk's exchange, in the hub's copy: of its upload, what the hub
/// lacks (a repeated number must carry the record the hub holds there),
/// each record checked before it is kept — the refused ones kept apart
/// with why, and told; then what the kiosk lacks.
impl HubCopy {
    pub fn hub_exchange(
        &mut self,
        req: &SyncRequest,
        credential: &str,
        now: Timestamp,
    ) -> Result<Exchanged, ExchangeError> {
        if let Some(at) = self.store.purged_at()? {
            return Err(ExchangeError::Purged(at));
        }
        if !plausible_kiosk_id(&req.kiosk) {
            return Err(ExchangeError::BadKiosk(
                req.kiosk.chars().take(60).collect(),
            ));
        }
        let records: Vec<Record> = req
            .records
            .iter()
            .cloned()
            .map(|mut r| {
                if r.log.is_empty() {
                    r.log = r.kiosk.clone();
                }
                r
            })
            .collect();
        let accepted = self.accepted(&req.kiosk, &records)?;
        self.bind_logs(&accepted, &req.kiosk, credential)?;
        let sorted = self.sort(accepted.iter().flat_map(|a| a.new), now)?;
        let arrivals = self.keep(&sorted, now)?;
        let mut acked = BTreeMap::new();
        for log in self.store.logs_of(&req.kiosk)? {
            let top = self.store.last_seq(&log)?;
            acked.insert(log, top);
        }
        if !sorted.all_kept() {
            return Ok(Exchanged {
                answer: Answer::Refused(sorted.refusal(acked)),
                arrivals,
            });
        }
        Ok(Exchanged {
            answer: Answer::Synced(self.download(req, acked, now)?),
            arrivals,
        })
    }

    /// Of an upload, per log, the records the hub lacks — refused whole
    /// when one repeats a number with another record than the hub's.
    fn accepted<'r>(
        &self,
        kiosk: &str,
        records: &'r [Record],
    ) -> Result<Vec<crate::sync::Accepted<'r>>, ExchangeError> {
        let store = &self.store;
        let mut has: BTreeMap<String, i64> = BTreeMap::new();
        let mut held: BTreeMap<(String, i64), uuid::Uuid> = BTreeMap::new();
        for r in records {
            if !has.contains_key(&r.log) {
                let top = store.last_seq(&r.log)?;
                has.insert(r.log.clone(), top);
                if r.seq <= top {
                    for (seq, id) in store.ids_between(&r.log, r.seq, top)? {
                        held.insert((r.log.clone(), seq), id);
                    }
                }
            }
        }
        match crate::sync::accept_upload(kiosk, records, &has, &held) {
            Ok(accepted) => Ok(accepted),
            Err(Refusal::Clash { kiosk, log, seq }) => {
                let error = Refusal::Clash {
                    kiosk: kiosk.clone(),
                    log: log.clone(),
                    seq,
                }
                .to_string();
                tracing::warn!("hub : {error}");
                Err(ExchangeError::Clash(UploadClash { error, log, seq }))
            }
            Err(refused) => Err(ExchangeError::Refused(refused.to_string())),
        }
    }

    /// A credential appends only to the logs it started: new records of a
    /// log another credential of this id started (a replaced disk, a twin,
    /// a kiosk enrolled again after a revocation) move to a new log.
    fn bind_logs(
        &mut self,
        accepted: &[crate::sync::Accepted<'_>],
        kiosk: &str,
        credential: &str,
    ) -> Result<(), ExchangeError> {
        for a in accepted {
            let Some(first) = a.new.first() else {
                continue;
            };
            match self.store.log_credential(&a.log)? {
                Some(holder) if holder != credential => {
                    let clash = UploadClash {
                        error: format!(
                            "le journal « {} » a été commencé par un autre identifiant du kiosque « {} » : ses entrées à partir du n° {} passent dans un nouveau journal",
                            a.log, kiosk, first.seq
                        ),
                        log: a.log.clone(),
                        seq: first.seq,
                    };
                    tracing::warn!("hub : {}", clash.error);
                    return Err(ExchangeError::Clash(clash));
                }
                Some(_) => {}
                None => self.store.bind_log(&a.log, credential)?,
            }
        }
        Ok(())
    }

    /// Each record checked against the hub's copy and the upload's earlier
    /// records (a walk-in then their arrival, an arrival then its undo).
    fn sort<'r>(
        &self,
        records: impl Iterator<Item = &'r Record>,
        now: Timestamp,
    ) -> Result<Sorted<'r>, StoreError> {
        let (store, event) = (&self.store, &self.config.event);
        let programme = store.programme()?;
        let mut sorted = Sorted::default();
        let mut walk_ins: HashSet<uuid::Uuid> = HashSet::new();
        let mut codes_here: HashMap<String, uuid::Uuid> = HashMap::new();
        let mut arrivals_here: HashMap<uuid::Uuid, uuid::Uuid> = HashMap::new();
        for r in records {
            let known =
                |u: uuid::Uuid| walk_ins.contains(&u) || store.knows_registrant(u).unwrap_or(false);
            let arrival_of = |a: uuid::Uuid| {
                arrivals_here
                    .get(&a)
                    .copied()
                    .or_else(|| store.arrival_registrant(a).ok().flatten())
            };
            let code_holder = |code: &str| {
                codes_here
                    .get(&code.trim().to_lowercase())
                    .copied()
                    .or_else(|| store.code_holder(code).ok().flatten())
            };
            let check = crate::sync::Check {
                event,
                now,
                known: &known,
                arrival_of: &arrival_of,
                code_holder: &code_holder,
                programme: &programme,
            };
            match crate::sync::check_record(r, &check) {
                Ok(()) => {
                    match r.kind {
                        RecordKind::WalkIn => {
                            walk_ins.insert(r.registrant);
                            if let Ok(crate::domain::Payload::WalkIn(w)) = r.payload_of() {
                                codes_here.insert(w.code.trim().to_lowercase(), r.registrant);
                            }
                        }
                        RecordKind::Arrival => {
                            arrivals_here.insert(r.id, r.registrant);
                        }
                        _ => {}
                    }
                    sorted.keep.push(r.clone());
                }
                Err(why) if why.waiting => sorted.waiting.push((r, why.reason)),
                Err(why) => sorted.refused.push((r, why.reason)),
            }
        }
        Ok(sorted)
    }

    /// Keeps what was sorted, each kind in its table; returns the arrivals
    /// that came in (with those that waited for what this upload brought).
    fn keep(&mut self, sorted: &Sorted<'_>, now: Timestamp) -> Result<usize, StoreError> {
        let store = &mut self.store;
        let mut arrivals = 0;
        if !sorted.keep.is_empty() {
            arrivals = store.apply_records(&sorted.keep, now)?.arrivals;
        }
        if !sorted.refused.is_empty() {
            store.refuse_records(&sorted.refused, false, now)?;
        }
        if !sorted.waiting.is_empty() {
            store.refuse_records(&sorted.waiting, true, now)?;
        }
        // What this upload brought may be what earlier records waited for.
        if !sorted.keep.is_empty() && store.waiting_count()? > 0 {
            arrivals += store.promote_waiting(now)?.arrivals;
        }
        Ok(arrivals)
    }

    /// What the kiosk lacks, a batch at most, with the list's revision and
    /// the event as the hub has it (to a kiosk that holds another).
    fn download(
        &self,
        req: &SyncRequest,
        acked: BTreeMap<String, i64>,
        now: Timestamp,
    ) -> Result<SyncResponse, StoreError> {
        let holds = self.store.held_marks()?;
        let mut records = Vec::new();
        let mut more = false;
        for (log, after) in crate::sync::to_download(&req.marks, &holds) {
            let room = DOWNLOAD_BATCH - records.len();
            let upto = holds.get(&log).copied().unwrap_or(0);
            let batch = self.store.records_between(&log, after, upto, room + 1)?;
            if batch.len() > room {
                records.extend(batch.into_iter().take(room));
                more = true;
                break;
            }
            records.extend(batch);
        }
        let shared = self.config.shared();
        let config = (req.config_rev.as_deref() != Some(shared.rev.as_str())).then_some(shared);
        Ok(SyncResponse {
            acked,
            refused: Vec::new(),
            records,
            more,
            list_rev: self.list_rev()?,
            hub_time: now,
            pretix: None,
            config,
        })
    }

    /// The revision of the list this copy hands out.
    pub fn list_rev(&self) -> Result<String, StoreError> {
        Ok(self
            .store
            .sync_value(crate::store::SyncKey::ListRev)?
            .unwrap_or_default())
    }

    /// The list as `GET /api/list` answers it.
    pub fn hub_list(&self) -> Result<ListResponse, StoreError> {
        Ok(ListResponse {
            list_rev: self.list_rev()?,
            entries: self.store.list_entries()?,
            programme: Some(self.store.programme()?),
        })
    }
}

/// What the organisers' page reads of the hub's copy.
impl HubCopy {
    /// This copy serves as the hub (see [`crate::store::Store::hub_durability`]).
    pub fn serve(&self) -> Result<(), StoreError> {
        self.store.hub_durability()
    }

    /// The day's live arrivals, oldest first: when, at which kiosk, who,
    /// in which category.
    pub fn arrivals_on(
        &self,
        day: jiff::civil::Date,
    ) -> Result<Vec<(Timestamp, String, String, String)>, StoreError> {
        self.store.arrivals_on(day)
    }

    /// People with live arrivals from several records on the same day.
    pub fn double_entries(&self) -> Result<Vec<crate::store::DoubleEntry>, StoreError> {
        self.store.double_entries()
    }

    /// Records refused, and records kept waiting for what they need.
    pub fn refused_and_waiting(&self) -> Result<(i64, i64), StoreError> {
        Ok((self.store.refused_count()?, self.store.waiting_count()?))
    }

    /// The attendance CSV for French Excel, as `accueil export` writes it.
    pub fn attendance_csv(&self, only_no_shows: bool) -> super::Result<Vec<u8>> {
        self.refuse_if_purged()?;
        let rows = self.store.attendance()?;
        let (bytes, _) = crate::export::attendance_csv(&self.config.event, &rows, only_no_shows)
            .map_err(|source| crate::export::ExportError::Write {
                path: "presences.csv".into(),
                source,
            })?;
        Ok(bytes)
    }
}
