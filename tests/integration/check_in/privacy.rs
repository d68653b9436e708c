//! After the event (GDPR): `accueil purge` leaves no personal datum in the
//! database file — not in a table, not in a free page, not in the WAL —
//! nor in the badges folder, and the statistics are what they were; the
//! right of access (`accueil person`) shows everything held about one
//! person; past the retention date every start says so.

use std::cell::RefCell;

use super::sync_props::LocalHub;
use crate::common::{Event, KIOSK_TOML, fixture, fixture_str};
use accueil::app::Kiosk;
use accueil::config::Config;

/// What the HelloAsso export says about people, as the organiser got it:
/// participants' and payers' names, e-mails, organisations, ticket and
/// order numbers, ticket links.
fn personal_values() -> Vec<String> {
    let text = std::fs::read_to_string(fixture("exports/helloasso-billetterie.csv")).unwrap();
    let mut lines = text.trim_start_matches('\u{feff}').lines();
    let header: Vec<&str> = lines.next().unwrap().split(';').collect();
    let personal = [
        "Référence commande",
        "Nom participant",
        "Prénom participant",
        "Nom payeur",
        "Prénom payeur",
        "Email payeur",
        "Raison sociale",
        "Billet",
        "Numéro de billet",
        "Structure",
    ];
    let columns: Vec<usize> = personal
        .iter()
        .map(|name| header.iter().position(|h| h == name).expect(name))
        .collect();
    let mut values: Vec<String> = lines
        .flat_map(|line| {
            let cells: Vec<&str> = line.split(';').collect();
            columns
                .iter()
                .filter_map(|&c| cells.get(c).map(|v| v.trim().to_owned()))
                .collect::<Vec<_>>()
        })
        // Short values (« Zoé ») could be anything's bytes.
        .filter(|v| v.chars().count() >= 5)
        .collect();
    values.sort();
    values.dedup();
    assert!(values.len() > 20, "{values:?}");
    values
}

/// The personal values found in a file's bytes.
fn found_in(path: &std::path::Path, values: &[String]) -> Vec<String> {
    let Ok(bytes) = std::fs::read(path) else {
        return Vec::new();
    };
    values
        .iter()
        .filter(|v| bytes.windows(v.len()).any(|w| w == v.as_bytes()))
        .cloned()
        .collect()
}

fn db_files(db: &std::path::Path) -> Vec<std::path::PathBuf> {
    ["", "-wal", "-journal"]
        .iter()
        .map(|s| {
            let mut p = db.as_os_str().to_owned();
            p.push(s);
            std::path::PathBuf::from(p)
        })
        .collect()
}

#[test]
fn a_purge_leaves_no_personal_data_on_disk_and_the_same_counts() {
    let ev = Event::new();
    let values = personal_values();
    ev.json(&["import", &fixture_str("exports/helloasso-billetterie.csv")]);
    // A morning at the desk: scans, a badge, an undo, a walk-in, a fix.
    ev.ok(&["checkin", "61234500", "--print"]);
    ev.ok(&["checkin", "61234502"]);
    ev.ok(&["checkin", "61234503", "--print"]);
    ev.ok(&["undo", "61234502"]);
    ev.ok(&[
        "walk-in",
        "--first-name",
        "Walkiria",
        "--last-name",
        "Surplace-Inédite",
        "--email",
        "walkiria.surplace@exemple.fr",
        "--organisation",
        "Commune de Quimperlé",
    ]);
    ev.ok(&["edit", "61234501", "--last-name", "de La Tour d'Anjou"]);
    let mut values = values;
    values.extend(
        [
            "Walkiria",
            "Surplace-Inédite",
            "walkiria.surplace@exemple.fr",
            "Commune de Quimperlé",
            "de La Tour d'Anjou",
        ]
        .map(String::from),
    );
    let badges = ev.path("badges-imprimes");
    let printed = std::fs::read_dir(&badges).unwrap().count();
    assert_eq!(printed, 2, "two badges written by the folder printer");

    // The right of access: everything about one person — as imported, as
    // fixed, and the fix in the log.
    let person = ev.json(&["person", "61234501"]);
    assert_eq!(person["registrant"]["last_name"], "de La Tour d'Anjou");
    assert_eq!(
        person["source"]["last_name"], "de La Tour d'Auvergne",
        "{person}"
    );
    assert_eq!(
        person["records"][0]["kind"], "registrant_edited",
        "{person}"
    );
    let text = ev.ok(&["person", "61234500"]);
    assert!(
        text.contains("Hélène Dupont") && text.contains("Atelier du matin : Oui"),
        "{text}"
    );
    assert!(
        text.contains("arrivée au kiosque accueil-1") && text.contains("badge imprimé"),
        "{text}"
    );

    // The example's days are in 2022: every start says the data is kept
    // too long.
    let out = ev.run(&["stats"]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("accueil purge --yes"), "{stderr}");

    let stats = ev.json(&["stats"]);
    let db = ev.path("accueil.sqlite");
    assert!(
        !found_in(&db, &values).is_empty(),
        "the test reads the file"
    );

    // Without --yes: what would go, nothing gone.
    let dry = ev.json(&["purge"]);
    assert_eq!(dry["done"], false);
    assert_eq!(
        dry["removed"]["people"], stats["registrants"],
        "{dry} {stats}"
    );
    assert_eq!(dry["removed"]["badges"], 2, "{dry}");
    assert!(ev.ok(&["search", "dupont"]).contains("Hélène"));

    let done = ev.json(&["purge", "--yes"]);
    assert_eq!(done["done"], true, "{done}");
    assert_eq!(done["files"].as_array().unwrap().len(), 2, "{done}");

    // Not a name, an e-mail, an organisation, a code or a link anywhere in
    // the file, its WAL or the badges folder; the counts unchanged.
    for file in db_files(&db) {
        let left = found_in(&file, &values);
        assert!(left.is_empty(), "{} still holds {left:?}", file.display());
    }
    assert_eq!(std::fs::read_dir(&badges).unwrap().count(), 0);
    assert_eq!(ev.json(&["stats"]), stats, "the statistics are the same");
    let out = ev.run(&["stats"]);
    assert!(
        !String::from_utf8_lossy(&out.stderr).contains("accueil purge"),
        "purged: no more reminder"
    );
    assert_eq!(
        ev.json(&["search", "dupont"])["hits"],
        serde_json::json!([])
    );
    assert!(!ev.run(&["person", "61234500"]).status.success());

    // Nothing personal comes back in: no import, no export of names.
    for args in [
        vec![
            "import",
            fixture_str("exports/helloasso-billetterie.csv").leak(),
        ],
        vec!["export", "--out", "presence.csv"],
    ] {
        let out = ev.run(&args);
        assert!(!out.status.success(), "{args:?}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains("base purgée le"), "{args:?}: {err}");
    }
    // Again: nothing to do, said so.
    let again = ev.ok(&["purge", "--yes"]);
    assert!(again.contains("Rien à effacer"), "{again}");
}

/// A hub in this process, on the real HelloAsso export.
fn helloasso_hub(config: Config, db: &std::path::Path) -> LocalHub {
    let mut hub = Kiosk::open(config, Some(db)).unwrap();
    hub.import_file(
        &fixture("exports/helloasso-billetterie.csv"),
        Default::default(),
        |_, _| {},
    )
    .unwrap();
    LocalHub {
        kiosk: RefCell::new(accueil::app::HubCopy::new(hub)),
    }
}

/// A purged hub takes no more records (a kiosk not purged yet would bring
/// names back), and says why; the kiosk's own copy purges the same way.
#[test]
fn a_purged_hub_refuses_the_kiosks_records_and_both_copies_end_clean() {
    let dir = tempfile::tempdir().unwrap();
    let values = personal_values();
    let config = |id: &str| {
        Config::parse(
            &KIOSK_TOML.replace("id = \"accueil-1\"", &format!("id = \"{id}\"")),
            dir.path(),
        )
        .unwrap()
    };
    let hub_db = dir.path().join("hub.sqlite");
    let hub = helloasso_hub(config("hub"), &hub_db);
    let kiosk_db = dir.path().join("porte-a.sqlite");
    let mut kiosk = Kiosk::open(config("porte-a"), Some(&kiosk_db)).unwrap();
    kiosk.sync_with(&hub).unwrap();
    kiosk
        .check_in(&accueil::app::Lookup::Code("61234500".into()), None)
        .unwrap();
    kiosk.sync_with(&hub).unwrap();
    let stats = hub.kiosk.borrow().stats().unwrap();
    assert_eq!(
        stats.days[0].tally.arrived, 1,
        "the arrival reached the hub"
    );

    hub.kiosk.borrow_mut().purge(true).unwrap();
    kiosk
        .check_in(&accueil::app::Lookup::Code("61234503".into()), None)
        .unwrap();
    let err = kiosk.sync_with(&hub).unwrap_err().to_string();
    assert!(err.contains("hub purgé le"), "{err}");
    assert_eq!(
        hub.kiosk.borrow().stats().unwrap().days[0].tally.arrived,
        1,
        "nothing came in after the purge"
    );
    kiosk.purge(true).unwrap();
    let err = kiosk.sync_with(&hub).unwrap_err().to_string();
    assert!(err.contains("base purgée le"), "{err}");
    drop(kiosk);
    drop(hub);
    for file in db_files(&hub_db).into_iter().chain(db_files(&kiosk_db)) {
        let left = found_in(&file, &values);
        assert!(left.is_empty(), "{} still holds {left:?}", file.display());
    }
}

/// A self-service kiosk keeps a minimised copy: no e-mail and no free
/// field of anyone — not from the hub's list, not from a walk-in another
/// kiosk registered — in its database file; the names it shows are there.
#[test]
fn a_self_service_kiosk_holds_no_email_and_no_free_field() {
    let dir = tempfile::tempdir().unwrap();
    let config = |id: &str, mode: &str| {
        let toml = KIOSK_TOML
            .replace("id = \"accueil-1\"", &format!("id = \"{id}\""))
            .replace(
                "mode = \"staff\"",
                &format!(
                    "mode = \"{mode}\"\nstaff_pin = \"{}\"",
                    accueil::domain::pin::hash("48291375").unwrap()
                ),
            );
        Config::parse(&toml, dir.path()).unwrap()
    };
    let hub = helloasso_hub(config("hub", "staff"), &dir.path().join("hub.sqlite"));
    let mut desk = Kiosk::open(
        config("accueil", "staff"),
        Some(&dir.path().join("accueil.sqlite")),
    )
    .unwrap();
    desk.sync_with(&hub).unwrap();
    desk.walk_in(
        accueil::domain::Details {
            first_name: "Walkiria".into(),
            last_name: "Surplace".into(),
            email: "walkiria.surplace@exemple.fr".into(),
            ..Default::default()
        },
        None,
    )
    .unwrap();
    desk.sync_with(&hub).unwrap();

    let db = dir.path().join("borne.sqlite");
    let mut borne = Kiosk::open(config("borne", "self-service"), Some(&db)).unwrap();
    borne.sync_with(&hub).unwrap();
    borne.sync_with(&hub).unwrap();
    // A free field of the export, an e-mail typed at the desk.
    let absent = ["Atelier du matin", "walkiria.surplace@exemple.fr"].map(String::from);
    // The staff kiosk has them: the test reads what it should.
    let mut at_desk: Vec<String> = db_files(&dir.path().join("accueil.sqlite"))
        .iter()
        .flat_map(|f| found_in(f, &absent))
        .collect();
    at_desk.sort();
    at_desk.dedup();
    assert_eq!(at_desk.len(), 2, "the desk's copy holds both: {at_desk:?}");
    drop(borne);
    for file in db_files(&db) {
        let left = found_in(&file, &absent);
        assert!(left.is_empty(), "{} holds {left:?}", file.display());
    }
    let borne = Kiosk::open(config("borne", "self-service"), Some(&db)).unwrap();
    let hits = borne.search("surplace", 5).unwrap().hits;
    assert_eq!(hits.len(), 1, "the walk-in is there to find");
    assert_eq!((hits[0].email.as_str(), hits[0].extra.len()), ("", 0));
    let dupont = borne.search("dupont", 5).unwrap().hits;
    assert!(!dupont.is_empty() && dupont.iter().all(|r| r.extra.is_empty()));
}

/// A list imported again with other e-mails, on a self-service kiosk whose
/// copy was minimised already: neither the old addresses nor the new ones
/// are left in the file (the import's pages and the row versions a page
/// split leaves were kept in free pages until the file was rewritten).
#[test]
fn a_self_service_kiosk_given_a_new_list_keeps_no_address_of_either() {
    let dir = tempfile::tempdir().unwrap();
    let toml = KIOSK_TOML.replace(
        "mode = \"staff\"",
        &format!(
            "mode = \"self-service\"\nstaff_pin = \"{}\"",
            accueil::domain::pin::hash("48291375").unwrap()
        ),
    );
    let config = || Config::parse(&toml, dir.path()).unwrap();
    let db = dir.path().join("borne.sqlite");
    let list = |domain: &str| {
        let path = dir.path().join(format!("{domain}.csv"));
        std::fs::write(
            &path,
            crate::common::synthetic_csv(3_000).replace("@example.fr", &format!("@{domain}")),
        )
        .unwrap();
        path
    };
    for domain in ["premiere.example", "une-adresse-bien-plus-longue.example"] {
        let mut borne = Kiosk::open(config(), Some(&db)).unwrap();
        borne
            .import_file(&list(domain), Default::default(), |_, _| {})
            .unwrap();
        borne.minimise_if_attended(true).unwrap();
    }
    let absent = ["@premiere.example", "@une-adresse-bien-plus-longue.example"].map(String::from);
    for file in db_files(&db) {
        let left = found_in(&file, &absent);
        assert!(left.is_empty(), "{} holds {left:?}", file.display());
    }
    let borne = Kiosk::open(config(), Some(&db)).unwrap();
    assert_eq!(borne.inspect().registrant_count().unwrap(), 3_000);
}
