//! Sync under random interleavings (proptest): three kiosks and a hub, each
//! on its own real SQLite file, doing check-ins, undos, walk-ins and name
//! fixes offline, syncing in any order, with kiosk databases restored from
//! backups or copied, and hub restores. Every copy must end with the same
//! records and the same derived state, and nothing that reached the hub or
//! stayed on a kiosk may be lost.

use std::cell::RefCell;
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use accueil::app::Lookup;
use accueil::app::{HubCopy, Kiosk};
use accueil::config::Config;
use accueil::domain::{DaySpec, Details, DetailsPatch};
use accueil::protocol::{ListResponse, SyncRequest, SyncResponse};
use accueil::sync::{HubLink, SyncError};
use proptest::prelude::*;

use crate::common::{KIOSK_TOML, synthetic_csv};

const KIOSKS: usize = 3;
const PEOPLE: usize = 12;

fn config(dir: &Path, id: &str) -> Config {
    let toml = KIOSK_TOML.replace("id = \"accueil-1\"", &format!("id = \"{id}\""));
    Config::parse(&toml, dir).expect("kiosk.toml")
}

/// The hub's copy, reached in the same process (the exchange the HTTP
/// handler runs, without HTTP). Also the privacy tests'.
pub(crate) struct LocalHub {
    pub(crate) kiosk: RefCell<HubCopy>,
}

impl HubLink for LocalHub {
    fn exchange(&self, req: &SyncRequest) -> Result<SyncResponse, SyncError> {
        accueil::hub::exchange_in(&mut self.kiosk.borrow_mut(), req, jiff::Timestamp::now())
    }
    fn list(&self) -> Result<ListResponse, SyncError> {
        accueil::hub::list_in(&self.kiosk.borrow()).map_err(SyncError::Store)
    }
}

#[derive(Debug, Clone)]
enum Op {
    CheckIn {
        k: usize,
        p: usize,
        day: usize,
    },
    Undo {
        k: usize,
        p: usize,
        day: usize,
    },
    WalkIn {
        k: usize,
    },
    Edit {
        k: usize,
        p: usize,
        field: usize,
        v: usize,
    },
    Sync {
        k: usize,
    },
    /// A backup of the kiosk's database, for a later restore.
    Backup {
        k: usize,
    },
    /// The kiosk's database replaced by its last backup.
    Restore {
        k: usize,
    },
    /// The kiosk's database copied over another kiosk's with the same id
    /// (only within this test's one id per kiosk: a copy to a twin).
    CopyToTwin {
        k: usize,
    },
    HubBackup,
    HubRestore,
}

fn op(restores: bool) -> impl Strategy<Value = Op> {
    let k = 0..KIOSKS;
    let p = 0..PEOPLE + 2; // two more than the list: walk-ins, when there are
    let common = prop_oneof![
        4 => (k.clone(), p.clone(), 1..=2usize).prop_map(|(k, p, day)| Op::CheckIn { k, p, day }),
        1 => (k.clone(), p.clone(), 1..=2usize).prop_map(|(k, p, day)| Op::Undo { k, p, day }),
        1 => k.clone().prop_map(|k| Op::WalkIn { k }),
        2 => (k.clone(), p.clone(), 0..3usize, 0..3usize)
            .prop_map(|(k, p, field, v)| Op::Edit { k, p, field, v }),
        4 => k.clone().prop_map(|k| Op::Sync { k }),
    ];
    if restores {
        prop_oneof![
            12 => common,
            1 => k.clone().prop_map(|k| Op::Backup { k }),
            1 => k.clone().prop_map(|k| Op::Restore { k }),
            1 => k.prop_map(|k| Op::CopyToTwin { k }),
        ]
        .boxed()
    } else {
        prop_oneof![
            12 => common,
            1 => Just(Op::HubBackup),
            1 => Just(Op::HubRestore),
        ]
        .boxed()
    }
}

/// Replaces a closed database by another file, as an operator restoring a
/// backup would (its WAL and shared memory go with it).
fn replace(db: &Path, from: &Path) {
    for ext in ["-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{ext}", db.display()));
    }
    std::fs::copy(from, db).expect("restore");
}

/// What a copy shows: every record, and for each person their details,
/// status and first live arrival per day.
type View = (
    BTreeSet<uuid::Uuid>,
    BTreeMap<String, (String, String, String, String, Vec<(String, uuid::Uuid)>)>,
);

fn view(k: &Kiosk) -> View {
    let store = k.inspect();
    let mut records = BTreeSet::new();
    for log in store.marks().expect("marks").keys() {
        for r in store.records_after(log, 0, 1_000_000).expect("records") {
            records.insert(r.id);
        }
    }
    let people = store
        .attendance()
        .expect("attendance")
        .into_iter()
        .map(|row| {
            let r = row.registrant;
            (
                r.code.clone(),
                (
                    r.first_name,
                    r.last_name,
                    r.organisation,
                    format!("{:?}", r.status),
                    row.arrivals
                        .iter()
                        .map(|(d, a)| (d.to_string(), a.record))
                        .collect(),
                ),
            )
        })
        .collect();
    (records, people)
}

struct World {
    dir: tempfile::TempDir,
    hub: LocalHub,
    /// Every record id a kiosk wrote, by kiosk, in order, with the op
    /// index it was written at.
    written: Vec<Vec<(usize, uuid::Uuid)>>,
    backup_at: Vec<Option<usize>>,
    /// Records gone with a kiosk's disk: written after its backup and
    /// never synced.
    destroyed: BTreeSet<uuid::Uuid>,
    walk_ins: Vec<String>,
}

impl World {
    fn new() -> World {
        let dir = tempfile::tempdir().expect("tempdir");
        let csv = dir.path().join("inscrits.csv");
        std::fs::write(&csv, synthetic_csv(PEOPLE)).expect("csv");
        let mut hub = Kiosk::open(
            config(dir.path(), "hub"),
            Some(&dir.path().join("hub.sqlite")),
        )
        .expect("hub");
        hub.import_file(&csv, Default::default(), |_, _| {})
            .expect("import");
        World {
            hub: LocalHub {
                kiosk: RefCell::new(HubCopy::new(hub)),
            },
            dir,
            written: vec![Vec::new(); KIOSKS],
            backup_at: vec![None; KIOSKS],
            destroyed: BTreeSet::new(),
            walk_ins: Vec::new(),
        }
    }

    fn db(&self, k: usize) -> PathBuf {
        self.dir.path().join(format!("k{k}.sqlite"))
    }

    fn kiosk(&self, k: usize) -> Kiosk {
        // Kiosks 0 and 1 share an id when one's database was copied to
        // the other: ids are per kiosk here, "porte-0"…
        Kiosk::open(
            config(self.dir.path(), &format!("porte-{k}")),
            Some(&self.db(k)),
        )
        .expect("kiosk")
    }

    fn hub_ids(&self) -> BTreeSet<uuid::Uuid> {
        view(&self.hub.kiosk.borrow()).0
    }

    fn code(&self, p: usize) -> String {
        if p < PEOPLE {
            format!("S-{p:06}")
        } else {
            self.walk_ins
                .get(p - PEOPLE)
                .cloned()
                .unwrap_or_else(|| "S-000000".into())
        }
    }

    fn run(&mut self, i: usize, op: &Op) {
        match *op {
            Op::CheckIn { k, p, day } => {
                let mut kiosk = self.kiosk(k);
                let c = kiosk
                    .check_in(&Lookup::Code(self.code(p)), Some(DaySpec::Number(day)))
                    .expect("check-in");
                if let Some(r) = c.record {
                    self.written[k].push((i, r.id));
                }
            }
            Op::Undo { k, p, day } => {
                let mut kiosk = self.kiosk(k);
                let u = kiosk
                    .undo(&Lookup::Code(self.code(p)), Some(DaySpec::Number(day)))
                    .expect("undo");
                if let Some(r) = u.record {
                    self.written[k].push((i, r.id));
                }
            }
            Op::WalkIn { k } => {
                let mut kiosk = self.kiosk(k);
                let details = Details {
                    first_name: format!("Marie-{i}"),
                    last_name: "Sur-Place".into(),
                    organisation: String::new(),
                    email: String::new(),
                    category: "Participant".into(),
                };
                let w = kiosk
                    .walk_in(details, Some(DaySpec::Number(1)))
                    .expect("walk-in");
                self.walk_ins.push(w.registrant.code.clone());
                self.written[k].push((i, w.record.id));
                if let Some(r) = w.check_in.record {
                    self.written[k].push((i, r.id));
                }
            }
            Op::Edit { k, p, field, v } => {
                let mut kiosk = self.kiosk(k);
                let value = ["Durand", "Dupond", "Lefèvre-Martin"][v].to_owned();
                let mut patch = DetailsPatch::default();
                match field {
                    0 => patch.first_name = Some(value),
                    1 => patch.last_name = Some(value),
                    _ => patch.organisation = Some(value),
                }
                // A walk-in this kiosk has not heard of yet is not found.
                if let Ok(e) = kiosk.edit(&Lookup::Code(self.code(p)), patch)
                    && let Some(r) = e.record
                {
                    self.written[k].push((i, r.id));
                }
            }
            Op::Sync { k } => {
                let mut kiosk = self.kiosk(k);
                let round = kiosk.sync_with(&self.hub).expect("sync");
                assert_eq!(round.pending, 0, "{round:?}");
                assert!(round.refused.is_empty(), "{round:?}");
            }
            Op::Backup { k } => {
                if self.db(k).exists() {
                    drop(self.kiosk(k)); // checkpointed on close
                    std::fs::copy(self.db(k), self.dir.path().join(format!("k{k}.backup")))
                        .expect("backup");
                    self.backup_at[k] = Some(i);
                }
            }
            Op::Restore { k } => {
                let Some(at) = self.backup_at[k] else { return };
                // What was written since the backup and never reached the
                // hub is gone with the disk.
                let hub = self.hub_ids();
                for (when, id) in &self.written[k] {
                    if *when > at && !hub.contains(id) {
                        self.destroyed.insert(*id);
                    }
                }
                replace(&self.db(k), &self.dir.path().join(format!("k{k}.backup")));
            }
            Op::CopyToTwin { k } => {
                // A twin: another laptop given this kiosk's database, going
                // on under the same id. Modelled as kiosk k's file copied to
                // a spare path that then works as kiosk k too.
                if !self.db(k).exists() {
                    return;
                }
                let twin = self.dir.path().join(format!("k{k}.twin.sqlite"));
                replace(&twin, &self.db(k));
                let mut kiosk =
                    Kiosk::open(config(self.dir.path(), &format!("porte-{k}")), Some(&twin))
                        .expect("twin");
                let c = kiosk
                    .check_in(
                        &Lookup::Code(self.code(i % PEOPLE)),
                        Some(DaySpec::Number(1)),
                    )
                    .expect("twin check-in");
                if let Some(r) = c.record {
                    self.written[k].push((i, r.id));
                }
                kiosk.sync_with(&self.hub).expect("twin sync");
            }
            Op::HubBackup => {
                let path = self.dir.path().join("hub.backup");
                let db = self.dir.path().join("hub.sqlite");
                let cfg = config(self.dir.path(), "hub");
                // Closed, copied, reopened.
                let placeholder =
                    HubCopy::new(Kiosk::open(cfg.clone(), None).expect("placeholder"));
                drop(self.hub.kiosk.replace(placeholder));
                std::fs::copy(&db, &path).expect("hub backup");
                self.hub
                    .kiosk
                    .replace(HubCopy::new(Kiosk::open(cfg, Some(&db)).expect("hub")));
            }
            Op::HubRestore => {
                let path = self.dir.path().join("hub.backup");
                if !path.exists() {
                    return;
                }
                let db = self.dir.path().join("hub.sqlite");
                let cfg = config(self.dir.path(), "hub");
                let placeholder =
                    HubCopy::new(Kiosk::open(cfg.clone(), None).expect("placeholder"));
                drop(self.hub.kiosk.replace(placeholder));
                replace(&db, &path);
                self.hub
                    .kiosk
                    .replace(HubCopy::new(Kiosk::open(cfg, Some(&db)).expect("hub")));
            }
        }
    }
}

fn check(ops: &[Op]) {
    let mut w = World::new();
    for k in 0..KIOSKS {
        w.run(0, &Op::Sync { k });
    }
    for (i, op) in ops.iter().enumerate() {
        w.run(i + 1, op);
    }
    // The network comes back: everyone syncs until nothing moves. Twins
    // sync too.
    for _ in 0..3 {
        for k in 0..KIOSKS {
            w.run(usize::MAX, &Op::Sync { k });
            let twin = w.dir.path().join(format!("k{k}.twin.sqlite"));
            if twin.exists() {
                let mut t = Kiosk::open(config(w.dir.path(), &format!("porte-{k}")), Some(&twin))
                    .expect("twin");
                t.sync_with(&w.hub).expect("twin sync");
            }
        }
    }
    let hub = view(&w.hub.kiosk.borrow());
    for k in 0..KIOSKS {
        let copy = view(&w.kiosk(k));
        assert_eq!(copy.0, hub.0, "kiosk {k} holds the hub's records");
        assert_eq!(copy.1, hub.1, "kiosk {k} shows what the hub shows");
    }
    for (k, written) in w.written.iter().enumerate() {
        for (_, id) in written {
            assert!(
                hub.0.contains(id) || w.destroyed.contains(id),
                "record {id} of kiosk {k} lost"
            );
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]

    #[test]
    fn every_copy_converges_and_nothing_is_lost_with_kiosk_restores(
        ops in proptest::collection::vec(op(true), 1..40)
    ) {
        check(&ops);
    }

    #[test]
    fn every_copy_converges_and_nothing_is_lost_with_hub_restores(
        ops in proptest::collection::vec(op(false), 1..40)
    ) {
        check(&ops);
    }
}
