//! One configuration, at the hub: the event sections of the hub's
//! kiosk.toml reach every kiosk with its sync and win over the kiosk's
//! own; a kiosk keeps its local settings, keeps what it took across
//! restarts, and refuses — saying why, changing nothing — what it cannot
//! take.

use std::cell::RefCell;

use accueil::app::Kiosk;
use accueil::config::Config;
use accueil::protocol::SharedConfig;

use super::sync_props::LocalHub;
use crate::common::KIOSK_TOML;

fn hub_config(dir: &std::path::Path, name: &str) -> Config {
    let toml = KIOSK_TOML
        .replace("id = \"accueil-1\"", "id = \"hub\"")
        .replace(
            "name = \"Journées nationales de l'innovation publique 2022\"",
            &format!("name = \"{name}\""),
        )
        .replace(
            "[[categories]]\nname = \"Participant\"",
            "[[categories]]\nname = \"Élu\"\ncolour = \"#7A1F5C\"\n\n[[categories]]\nname = \"Participant\"",
        );
    Config::parse(&toml, dir).unwrap()
}

fn kiosk_config(dir: &std::path::Path) -> Config {
    let toml = KIOSK_TOML
        .replace("id = \"accueil-1\"", "id = \"porte-a\"")
        .replace(
            "name = \"Accueil principal — porte A\"",
            "name = \"Porte B, tribune nord\"",
        )
        .replace(
            "[hub]\n",
            "[hub]\nurl = \"http://127.0.0.1:9\"\ntoken = \"jeton-des-kiosques-0123456789\"\n",
        );
    Config::parse(&toml, dir).unwrap()
}

#[test]
fn the_hub_s_event_reaches_its_kiosks_and_survives_their_restart() {
    let dir = tempfile::tempdir().unwrap();
    let hub_db = dir.path().join("hub.sqlite");
    let hub = Kiosk::open(
        hub_config(dir.path(), "Assises de la donnée publique"),
        Some(&hub_db),
    )
    .unwrap();
    let hub = LocalHub {
        kiosk: RefCell::new(accueil::app::HubCopy::new(hub)),
    };
    let kiosk_db = dir.path().join("porte-a.sqlite");
    let mut kiosk = Kiosk::open(kiosk_config(dir.path()), Some(&kiosk_db)).unwrap();
    assert_ne!(kiosk.config.event.name, "Assises de la donnée publique");

    let round = kiosk.sync_with(&hub).unwrap();
    assert!(round.config_updated, "taken at the first sync");
    assert_eq!(kiosk.config.event.name, "Assises de la donnée publique");
    assert!(
        kiosk.config.event.category("Élu").is_some(),
        "the hub's categories"
    );
    assert_eq!(
        kiosk.config.kiosk.name, "Porte B, tribune nord",
        "the kiosk's own settings stay its own"
    );
    // Not sent again while it does not change.
    assert!(!kiosk.sync_with(&hub).unwrap().config_updated);

    // A restart, with the file unchanged: the hub's event still.
    drop(kiosk);
    let mut kiosk = Kiosk::open(kiosk_config(dir.path()), Some(&kiosk_db)).unwrap();
    assert_eq!(kiosk.config.event.name, "Assises de la donnée publique");

    // Organisers fix the event's name at the hub: the next sync brings it.
    *hub.kiosk.borrow_mut() = accueil::app::HubCopy::new(
        Kiosk::open(
            hub_config(dir.path(), "Assises nationales de la donnée publique"),
            Some(&hub_db),
        )
        .unwrap(),
    );
    assert!(kiosk.sync_with(&hub).unwrap().config_updated);
    assert_eq!(
        kiosk.config.event.name,
        "Assises nationales de la donnée publique"
    );

    // What cannot be taken is refused, said, and changes nothing; the
    // kiosk does not ask for it again.
    for (bad, why) in [
        (
            "[kiosk]\nid = \"pirate\"\nname = \"x\"\n",
            "section [kiosk] inattendue",
        ),
        ("[event]\nname = \"x\"\n", "configuration du hub"),
        ("not toml = = =", "illisible"),
    ] {
        let shared = SharedConfig {
            rev: format!("bad-{}", bad.len()),
            toml: bad.to_owned(),
        };
        assert!(kiosk.config.with_shared(&shared).unwrap_err().contains(why));
        assert!(!kiosk.take_hub_config(&shared).unwrap());
        assert_eq!(
            kiosk.config.event.name,
            "Assises nationales de la donnée publique"
        );
    }
    // The hub's own, still valid, comes back at the next sync.
    assert!(kiosk.sync_with(&hub).unwrap().config_updated);
    assert_eq!(
        kiosk.config.event.name,
        "Assises nationales de la donnée publique"
    );
}

/// The hub's sections, taken from the kiosk's own file with `edit` applied.
fn shared_with(
    kiosk: &Kiosk,
    rev: &str,
    edit: impl Fn(toml::Table) -> toml::Table,
) -> SharedConfig {
    let own: toml::Table = toml::from_str(kiosk.config.text()).unwrap();
    let mut sections = toml::Table::new();
    for key in accueil::config::SHARED_SECTIONS {
        if let Some(v) = own.get(key) {
            sections.insert(key.to_owned(), v.clone());
        }
    }
    SharedConfig {
        rev: rev.to_owned(),
        toml: toml::to_string(&edit(sections)).unwrap(),
    }
}

#[test]
fn a_hub_names_no_file_of_the_kiosk_and_stays_within_bounds() {
    let dir = tempfile::tempdir().unwrap();
    let mut kiosk =
        Kiosk::open(kiosk_config(dir.path()), Some(&dir.path().join("k.sqlite"))).unwrap();
    assert_eq!(kiosk.config.badge.logo, None);
    // A logo path from the hub (/dev/zero: every badge would read until
    // memory runs out) is dropped; the rest of the event is taken.
    let logo = shared_with(&kiosk, "logo", |mut t| {
        let badge = t
            .entry("badge")
            .or_insert(toml::Value::Table(toml::Table::new()));
        badge
            .as_table_mut()
            .unwrap()
            .insert("logo".into(), toml::Value::String("/dev/zero".into()));
        let event = t.get_mut("event").unwrap().as_table_mut().unwrap();
        event.insert(
            "name".into(),
            toml::Value::String("Salon des maires".into()),
        );
        t
    });
    assert!(kiosk.take_hub_config(&logo).unwrap());
    assert_eq!(kiosk.config.event.name, "Salon des maires");
    assert_eq!(kiosk.config.badge.logo, None, "no path from the hub");

    // Beyond the bounds: refused whole, the kiosk keeps what it had.
    let many = |n: usize| {
        move |mut t: toml::Table| {
            let cats: Vec<toml::Value> = (0..n)
                .map(|i| {
                    let mut c = toml::Table::new();
                    // The event's default category among them.
                    let name = match i {
                        0 => "Participant".to_owned(),
                        i => format!("Catégorie {i}"),
                    };
                    c.insert("name".into(), toml::Value::String(name));
                    c.insert("colour".into(), toml::Value::String("#1F6FB2".into()));
                    toml::Value::Table(c)
                })
                .collect();
            t.insert("categories".into(), toml::Value::Array(cats));
            t
        }
    };
    let long_name = |mut t: toml::Table| {
        let event = t.get_mut("event").unwrap().as_table_mut().unwrap();
        event.insert("name".into(), toml::Value::String("É".repeat(201)));
        t
    };
    let huge = SharedConfig {
        rev: "huge".into(),
        toml: format!("[event]\nname = \"{}\"\n", "x".repeat(70_000)),
    };
    for (shared, why) in [
        (shared_with(&kiosk, "cats", many(101)), "100 au plus"),
        (shared_with(&kiosk, "name", long_name), "200 au plus"),
        (huge, "64 Kio au plus"),
    ] {
        let err = kiosk.config.with_shared(&shared).unwrap_err();
        assert!(err.contains(why), "{err}");
        assert!(!kiosk.take_hub_config(&shared).unwrap());
        assert_eq!(kiosk.config.event.name, "Salon des maires");
    }
    // 100 categories are an event's right.
    assert!(
        kiosk
            .take_hub_config(&shared_with(&kiosk, "cats-ok", many(100)))
            .unwrap()
    );
    assert_eq!(kiosk.config.event.categories.len(), 100);
}
