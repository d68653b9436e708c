//! The exports of the platforms organisers use (tests/fixtures/exports:
//! pretix's from a real pretix, the others written from the platforms'
//! documented formats, see the README there): each imports to the right
//! attendees, codes, statuses and categories, or is refused in words.

use crate::common::{Event, fixture, fixture_str};
use serde_json::Value;

fn export(name: &str) -> String {
    fixture_str(&format!("exports/{name}"))
}

/// `accueil --json import FILE` in a fresh event.
fn imported(name: &str) -> (Event, Value) {
    let ev = Event::new();
    let v = ev.json(&["import", &export(name)]);
    (ev, v)
}

/// The one person a search finds.
fn person(ev: &Event, query: &str) -> Value {
    let v = ev.json(&["search", query]);
    let hits = v["hits"].as_array().expect("hits");
    assert_eq!(hits.len(), 1, "« {query} »: {hits:?}");
    hits[0].clone()
}

fn status(ev: &Event, query: &str) -> String {
    person(ev, query)["status"]
        .as_str()
        .expect("status")
        .to_owned()
}

fn warnings(v: &Value) -> String {
    v["warnings"]
        .as_array()
        .expect("warnings")
        .iter()
        .map(|w| w["message"].as_str().unwrap_or("").to_owned())
        .collect::<Vec<_>>()
        .join("\n")
}

/// kiosk.toml with lines added under one of its tables (`[import.status]`).
fn with_lines(table: &str, lines: &str) -> Event {
    let header = format!("{table}\n");
    assert!(crate::common::KIOSK_TOML.contains(&header), "{table}");
    let toml = crate::common::KIOSK_TOML.replace(&header, &format!("{header}{lines}\n"));
    Event::with_config(&toml)
}

#[test]
fn pretix_exports_give_the_attendees_not_the_buyers() {
    // Gaëlle Dupré's ticket secret, and a buyer who bought for three
    // colleagues (order 3AZJG), in every pretix export.
    for (file, profile, rows) in [
        ("pretix/pretix-positions-fr.csv", "pretix", 65),
        ("pretix/pretix-positions-en.csv", "pretix", 65),
        ("pretix/pretix-commandes-fr.xlsx", "pretix", 65),
        ("pretix/pretix-orders-en.xlsx", "pretix", 65),
        ("pretix/pretix-enregistrement-fr.csv", "pretix-checkin", 63),
        ("pretix/pretix-enregistrement-fr.xlsx", "pretix-checkin", 63),
        ("pretix/pretix-checkin-en.csv", "pretix-checkin", 63),
    ] {
        let (ev, v) = imported(file);
        assert_eq!(v["profile"], profile, "{file}");
        assert_eq!(v["rows"], rows, "{file}");
        assert_eq!(v["added"], rows, "{file}");
        let gaelle = person(&ev, "gaelle dupre");
        assert_eq!(gaelle["code"], "s95a2m964kbsaskwmzby6sc9vcu6fkz4", "{file}");
        assert_eq!(gaelle["organisation"], "La Poste", "{file}");
        assert_eq!(gaelle["category"], "Participant", "{file}");
        // The three colleagues, under their own names.
        let jb = person(&ev, "jean-baptiste diaye");
        assert_eq!(jb["last_name"], "N’Diaye", "{file}");
        assert_eq!(jb["category"], "Intervenant", "{file}");
        assert_eq!(jb["email"], "jb.ndiaye@prefecture-rhone.gouv.fr", "{file}");
        let zoe = person(&ev, "zoe lefevre");
        assert_eq!(zoe["code"], "p9hmqdfupkxuz39q9tn6ymxxe8ppdczq", "{file}");
        if profile == "pretix" {
            // No attendee e-mail: not the buyer's either.
            assert_eq!(zoe["email"], "", "{file}");
            assert_eq!(status(&ev, "paul impaye"), "pending", "{file}");
            assert_eq!(status(&ev, "celine annulee"), "cancelled", "{file}");
        }
        // The secret is what the QR code holds: the scan lets her in.
        let c = ev.json(&["checkin", "s95a2m964kbsaskwmzby6sc9vcu6fkz4", "--day", "1"]);
        assert_eq!(c["outcome"], "welcome", "{file}");
        // Buyer and invoicing columns are not copied onto the kiosk.
        let extra = gaelle["extra"].as_object().expect("extra");
        assert!(
            extra.keys().all(|k| !k.contains("facturation")
                && !k.contains("Invoice")
                && k != "E-Mail"
                && k != "Email"),
            "{file}: {extra:?}"
        );
    }
}

#[test]
fn the_orders_sheet_of_pretix_is_not_a_list_of_attendees() {
    let toml = crate::common::KIOSK_TOML.replace("# sheet = \"Inscrits\"", "sheet = \"Commandes\"");
    let ev = Event::with_config(&toml);
    let out = ev.run(&["import", &export("pretix/pretix-commandes-fr.xlsx")]);
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("« Commandes »") && err.contains("commandes (acheteurs)"),
        "{err}"
    );
    assert!(err.contains("Position de commande"), "{err}");
    assert_eq!(ev.json(&["stats"])["registrants"], 0, "nothing imported");
}

#[test]
fn helloasso_billetterie_csv_and_xlsx() {
    for file in ["helloasso-billetterie.csv", "helloasso-billetterie.xlsx"] {
        let ev = with_lines("[import.categories]", "\"Agent public\" = \"Participant\"");
        let v = ev.json(&["import", &export(file)]);
        assert_eq!(v["profile"], "helloasso", "{file}");
        assert_eq!(v["profile_label"], "HelloAsso — billetterie", "{file}");
        assert_eq!(v["rows"], 30);
        assert_eq!(warnings(&v), "", "{file}: categories mapped, codes read");
        let h = person(&ev, "helene dupont");
        assert_eq!(h["code"], "61234500", "the ticket number, not its URL");
        assert_eq!(
            h["organisation"], "Mairie de Lyon",
            "the form's « Structure »"
        );
        assert_eq!(h["category"], "Participant");
        // Bought by the secretariat: the payer's e-mail is not hers.
        let mh = person(&ev, "marie-helene");
        assert_eq!(mh["last_name"], "de La Tour d'Auvergne");
        assert_eq!(mh["email"], "");
        assert_eq!(status(&ev, "oberg"), "cancelled", "Remboursé");
        assert_eq!(status(&ev, "schafer"), "cancelled", "Remboursé");
        assert_eq!(status(&ev, "therese moreau"), "cancelled", "Annulé");
        assert_eq!(status(&ev, "chloe brule"), "pending", "En attente");
        assert_eq!(status(&ev, "noel le goff"), "valid", "Validé");
        assert_eq!(person(&ev, "benoit")["category"], "Intervenant");
        // The workshop chosen is kept; the payment is not.
        let extra = h["extra"].as_object().expect("extra");
        assert_eq!(extra["Atelier du matin"], "Oui");
        assert!(!extra.contains_key("Moyen de paiement"), "{extra:?}");
        assert!(!extra.contains_key("Email payeur"), "{extra:?}");
        assert_eq!(
            ev.json(&["checkin", "61234500", "--day", "1"])["outcome"],
            "welcome"
        );
        assert_eq!(
            ev.json(&["checkin", "61234506", "--day", "1"])["outcome"],
            "cancelled"
        );
    }
}

#[test]
fn the_earlier_helloasso_export_in_windows_1252() {
    let (ev, v) = imported("helloasso-2021.csv");
    assert_eq!(v["profile"], "helloasso-2021");
    assert!(
        v["format"].as_str().unwrap().contains("windows-1252"),
        "{v}"
    );
    assert_eq!(v["rows"], 29);
    let w = warnings(&v);
    assert!(
        !w.contains("adresses web"),
        "« Billet » (a PDF link) is not read: {w}"
    );
    let t = person(&ev, "therese");
    assert_eq!(t["code"], "1806");
    assert_eq!(t["status"], "cancelled");
    assert_eq!(t["organisation"], "Département du Rhône");
    assert_eq!(person(&ev, "asa oberg")["first_name"], "Åsa");
    assert_eq!(status(&ev, "oceane"), "pending");
}

#[test]
fn weezevent_with_a_title_above_the_headers() {
    let (ev, v) = imported("weezevent.xlsx");
    assert_eq!(v["profile"], "weezevent");
    assert!(
        v["format"].as_str().unwrap().contains("en-têtes ligne 3"),
        "{v}"
    );
    let h = person(&ev, "helene dupont");
    assert_eq!(h["code"], "2450018437000", "the barcode, as a whole number");
    assert_eq!(h["email"], "helene.dupont@lyon.fr");
    // The secretariat bought Zoé's ticket: her participant e-mail is empty.
    assert_eq!(person(&ev, "zoe")["email"], "");
    assert_eq!(person(&ev, "zoe")["organisation"], "Préfecture du Rhône");
    assert_eq!(status(&ev, "oberg"), "cancelled", "Supprimé : Oui");
    assert_eq!(
        status(&ev, "stephane legrand"),
        "cancelled",
        "Supprimé : Oui"
    );
    assert_eq!(status(&ev, "oceane"), "pending", "Non payé");
    assert_eq!(status(&ev, "gregoire"), "valid");
    assert_eq!(person(&ev, "matheo")["category"], "Exposant");
}

#[test]
fn billetweb_paid_and_cancelled_columns() {
    let (ev, v) = imported("billetweb.csv");
    assert_eq!(v["profile"], "billetweb");
    assert_eq!(person(&ev, "helene dupont")["code"], "T3150000");
    assert_eq!(status(&ev, "chloe brule"), "pending", "Payé : Non");
    assert_eq!(status(&ev, "therese moreau"), "cancelled", "Annulé : Oui");
    assert_eq!(status(&ev, "loic"), "valid");
    assert_eq!(person(&ev, "zoe")["email"], "");
}

#[test]
fn eventbrite_barcodes_stay_exact() {
    for file in ["eventbrite-attendees.csv", "eventbrite-attendees.xlsx"] {
        let (ev, v) = imported(file);
        assert_eq!(v["profile"], "eventbrite", "{file}");
        let h = person(&ev, "helene dupont");
        assert_eq!(h["code"], "39810234554957712040001", "{file}: every digit");
        assert_eq!(h["organisation"], "Mairie de Lyon");
        assert_eq!(status(&ev, "oberg"), "cancelled", "{file}: Not Attending");
        assert_eq!(status(&ev, "helene dupont"), "valid", "{file}: Checked In");
        assert_eq!(
            ev.json(&["checkin", "39810234554957712040001", "--day", "1"])["outcome"],
            "welcome",
            "{file}"
        );
    }
    // Re-saved by a spreadsheet that rounds long numbers: refused, whole.
    let ev = Event::new();
    let out = ev.run(&["import", &export("eventbrite-arrondi.xlsx")]);
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("notation scientifique") && err.contains("Barcode #"),
        "{err}"
    );
    assert_eq!(ev.json(&["stats"])["registrants"], 0);
}

#[test]
fn indico_registrants_without_codes() {
    let (ev, v) = imported("indico-registrants.csv");
    assert_eq!(v["profile"], "indico");
    let w = warnings(&v);
    assert!(w.contains("codes générés") && w.contains("Indico"), "{w}");
    let h = person(&ev, "helene dupont");
    assert_eq!(h["organisation"], "Mairie de Lyon", "Affiliation");
    assert!(h["code"].as_str().unwrap().starts_with("A-"));
    assert_eq!(status(&ev, "oberg"), "cancelled", "Withdrawn");
    assert_eq!(status(&ev, "therese"), "cancelled", "Rejected");
    assert_eq!(status(&ev, "chloe"), "pending", "Awaiting payment");
    assert!(!h["extra"].as_object().unwrap().contains_key("Name"));
}

#[test]
fn yurplan_by_its_order_numbers() {
    let (ev, v) = imported("yurplan.csv");
    assert_eq!(v["profile"], "yurplan");
    assert_eq!(person(&ev, "helene dupont")["code"], "712300450");
    assert_eq!(status(&ev, "schafer"), "cancelled", "Remboursé");
    assert_eq!(status(&ev, "oceane"), "pending");
}

#[test]
fn google_forms_with_one_name_column() {
    let (ev, v) = imported("google-forms-fr.csv");
    assert_eq!(v["profile"], "google-forms");
    assert_eq!(v["rows"], 24);
    let h = person(&ev, "helene dupont");
    assert_eq!(
        (h["first_name"].as_str(), h["last_name"].as_str()),
        (Some("Hélène"), Some("DUPONT"))
    );
    let mh = person(&ev, "marie-helene");
    assert_eq!(mh["first_name"], "Marie-Hélène");
    assert_eq!(mh["last_name"], "DE LA TOUR D'AUVERGNE");
    assert_eq!(person(&ev, "diaye")["first_name"], "Jean-Baptiste");
    assert_eq!(h["email"], "helene.dupont@lyon.fr");
    assert!(!h["extra"].as_object().unwrap().contains_key("Horodateur"));
    assert!(warnings(&v).contains("codes générés"));
}

#[test]
fn microsoft_forms_account_name_is_not_a_last_name() {
    let (ev, v) = imported("microsoft-forms.xlsx");
    assert_eq!(v["profile"], "microsoft-forms");
    // Every last name comes from the question « Nom », never the account.
    let h = person(&ev, "helene dupont");
    assert_eq!(
        (h["first_name"].as_str(), h["last_name"].as_str()),
        (Some("Hélène"), Some("Dupont"))
    );
    assert_eq!(h["email"], "", "an anonymous response has no e-mail");
    let jb = person(&ev, "jean-baptiste");
    assert_eq!(jb["last_name"], "N'Diaye");
    assert_eq!(jb["email"], "jb.ndiaye@prefecture-rhone.gouv.fr");
    assert_eq!(jb["organisation"], "Préfecture du Rhône");
    assert!(!jb["extra"].as_object().unwrap().contains_key("Nom"));
}

#[test]
fn a_hand_made_list_with_a_title_and_yes_no_cancellations() {
    let (ev, v) = imported("liste-excel-titre.xlsx");
    assert_eq!(v["profile"], "generic");
    assert!(
        v["format"].as_str().unwrap().contains("en-têtes ligne 4"),
        "{v}"
    );
    assert_eq!(v["rows"], 20);
    assert_eq!(person(&ev, "helene dupont")["last_name"], "DUPONT");
    assert_eq!(status(&ev, "therese"), "cancelled", "Annulé : Oui");
    assert_eq!(status(&ev, "noel"), "valid");
    assert_eq!(person(&ev, "jean-baptiste")["category"], "Intervenant");
}

#[test]
fn excel_for_mac_csv_in_mac_roman() {
    let (ev, v) = imported("excel-mac.csv");
    assert!(v["format"].as_str().unwrap().contains("Mac Roman"), "{v}");
    assert_eq!(v["rows"], 29);
    let t = person(&ev, "moreau");
    assert_eq!(t["first_name"], "Thérèse");
    assert_eq!(t["status"], "cancelled");
    assert_eq!(person(&ev, "oberg")["first_name"], "Åsa");
    assert_eq!(person(&ev, "celik")["last_name"], "Çelik");
    assert_eq!(status(&ev, "oberg"), "cancelled", "remboursé");
    assert_eq!(status(&ev, "chloe"), "pending");
}

#[test]
fn a_status_nobody_mapped_stops_the_import_until_it_is_said() {
    let text = std::fs::read_to_string(fixture("exports/helloasso-billetterie.csv"))
        .unwrap()
        .replacen(";Validé;Dupont;", ";Liste d'attente;Dupont;", 1);
    let ev = Event::new();
    ev.write("ha.csv", &text);
    let out = ev.run(&["--json", "import", "ha.csv"]);
    assert!(!out.status.success());
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    let rows = v["rows"].as_array().expect("rows");
    assert_eq!(rows.len(), 1, "{v}");
    assert_eq!(rows[0]["line"], 2);
    let m = rows[0]["message"].as_str().unwrap();
    assert!(
        m.contains("« Liste d'attente »") && m.contains("« Validé »"),
        "{m}"
    );
    assert!(m.contains("[import.status]"), "{m}");
    assert_eq!(ev.json(&["stats"])["registrants"], 0, "nothing imported");
    // Said once in kiosk.toml: imported.
    let ev = with_lines("[import.status]", "\"Liste d'attente\" = \"pending\"");
    ev.write("ha.csv", &text);
    ev.ok(&["import", "ha.csv"]);
    assert_eq!(status(&ev, "helene dupont"), "pending");
}

#[test]
fn columns_a_profile_reads_can_still_be_overridden() {
    // The organiser wants the payer's company on the badge.
    let toml = crate::common::KIOSK_TOML.replace(
        "# organisation = \"Structure\"",
        "organisation = \"Raison sociale\"",
    );
    let ev = Event::with_config(&toml);
    let v = ev.json(&["import", &export("helloasso-billetterie.csv")]);
    assert_eq!(v["profile"], "helloasso");
    assert_eq!(person(&ev, "zoe")["organisation"], "Préfecture du Rhône");
    assert_eq!(person(&ev, "helene dupont")["organisation"], "");
    // A forced profile on a file without its signature.
    let toml = crate::common::KIOSK_TOML.replace("profile = \"auto\"", "profile = \"eventbrite\"");
    let ev = Event::with_config(&toml);
    ev.write("eb.csv", "First Name,Last Name,Email,Barcode #,Attendee Status\nHélène,Dupont,h@x.fr,123,Not Attending\n");
    let v = ev.json(&["import", "eb.csv"]);
    assert_eq!(v["profile"], "eventbrite");
    assert_eq!(status(&ev, "dupont"), "cancelled");
}

#[test]
fn what_cannot_match_at_the_door_is_said() {
    let ev = Event::new();
    ev.write(
        "urls.csv",
        "Nom;Prénom;Billet\nDupont;Hélène;https://exemple.fr/billet/1.pdf\nMartin;Jean;\n",
    );
    let v = ev.json(&["import", "urls.csv"]);
    let w = warnings(&v);
    assert!(
        w.contains("adresses web") && w.contains("« Billet »"),
        "{w}"
    );
    assert!(w.contains("1 ligne(s) sans code"), "{w}");
    // Two columns accueil would read under one name: refused, named.
    ev.write("twice.csv", "Nom;Prénom;Nom\nDupont;Hélène;Durand\n");
    let out = ev.run(&["import", "twice.csv"]);
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("« Nom » en double") && err.contains("A et C"),
        "{err}"
    );
}

/// The list part of an attendance export (code to status), sorted.
fn list_columns(csv: &str) -> Vec<String> {
    let mut lines: Vec<String> = csv
        .trim_start_matches('\u{feff}')
        .lines()
        .map(|l| l.split(';').take(7).collect::<Vec<_>>().join(";"))
        .collect();
    lines.sort();
    lines
}

#[test]
fn an_attendance_export_imports_again_as_the_same_list() {
    let ev = Event::new();
    ev.write(
        "liste.csv",
        "Code;Nom;Prénom;Organisation;Courriel;Catégorie;Statut\n\
         A-1;=Rouge;+Zoé;-Mairie de Lens;zoe@lens.fr;Participant;valide\n\
         A-2;\"Dupont; dit « le Grand »\";Hélène;\"Conseil \"\"régional\"\"\";h@x.fr;Intervenant;en attente\n\
         A-3;O'Brien;Seán;@Agence;;Presse;annulé\n\
         A-4;de La Tour d'Auvergne;Marie-Ève;Préfecture;m@p.gouv.fr;Participant;valide\n",
    );
    ev.ok(&["import", "liste.csv"]);
    ev.ok(&["checkin", "A-4", "--day", "1"]);
    ev.ok(&["export", "--out", "presences.csv"]);
    let first = std::fs::read_to_string(ev.path("presences.csv")).unwrap();
    // Imported again, into a new copy: the same people, statuses and
    // categories, no apostrophe the export added, no attendance column
    // taken as a free field.
    std::fs::copy(ev.path("presences.csv"), ev.path("relu.csv")).unwrap();
    let report = ev.json(&["--db", "relu.sqlite", "import", "relu.csv"]);
    assert_eq!(report["added"], 4, "{report}");
    assert_eq!(
        report["warnings"].as_array().map_or(0, Vec::len),
        0,
        "{report}"
    );
    ev.ok(&["--db", "relu.sqlite", "export", "--out", "encore.csv"]);
    let again = std::fs::read_to_string(ev.path("encore.csv")).unwrap();
    assert_eq!(list_columns(&first), list_columns(&again));
    let hit = &ev.json(&["--db", "relu.sqlite", "search", "Rouge"])["hits"][0];
    assert_eq!(hit["last_name"], "=Rouge");
    assert_eq!(hit["first_name"], "+Zoé");
    assert_eq!(hit["organisation"], "-Mairie de Lens");
    assert_eq!(hit["extra"], serde_json::json!({}));
}

/// Démarches Simplifiées (CSV and XLSX): « État du dossier » decides —
/// accepté comes in, en construction / en instruction wait, refusé and
/// classé sans suite are cancelled; the category champ is read; a file
/// filed for someone else does not give the attendee the filer's e-mail.
#[test]
fn demarches_simplifiees_reads_the_state_the_champs_and_the_filer() {
    for file in ["demarches-simplifiees.csv", "demarches-simplifiees.xlsx"] {
        let (ev, v) = imported(file);
        assert_eq!(v["profile"], "demarches-simplifiees", "{file}: {v}");
        assert_eq!(v["rows"], 30, "{file}");
        assert_eq!(status(&ev, "helene dupont"), "valid", "{file}");
        assert_eq!(status(&ev, "asa oberg"), "cancelled", "{file}: refusé");
        assert_eq!(
            status(&ev, "therese moreau"),
            "cancelled",
            "{file}: classé sans suite"
        );
        assert_eq!(
            status(&ev, "chloe brule"),
            "pending",
            "{file}: en instruction"
        );
        assert_eq!(
            status(&ev, "quemener"),
            "pending",
            "{file}: en construction"
        );
        // The champ « Vous participez en tant que »: an Exposant stays one.
        let m = person(&ev, "matheo dubois");
        assert_eq!(m["category"], "Exposant", "{file}");
        assert_eq!(m["organisation"], "La Poste", "{file}");
        // Filed by the secretariat for Marie-Hélène: not its address.
        let mh = person(&ev, "marie-helene");
        assert_eq!(mh["last_name"], "de La Tour d'Auvergne", "{file}");
        assert_eq!(mh["email"], "", "{file}");
        assert_eq!(
            person(&ev, "helene dupont")["email"],
            "helene.dupont@lyon.fr",
            "{file}"
        );
        let w = warnings(&v);
        assert!(w.contains("déposé(s) pour un tiers"), "{file}: {w}");
        // Nothing of the procedure is kept as a free field.
        let extra = person(&ev, "helene dupont")["extra"].clone();
        for platform in ["Instructeurs", "Déposé le", "Nom du mandataire", "ID"] {
            assert!(
                extra.get(platform).is_none(),
                "{file}: {platform} kept: {extra}"
            );
        }
        assert_eq!(extra["Régime alimentaire"], "Végétarien", "{file}");
    }
}

/// LimeSurvey, both headings: an incomplete response (no submitdate)
/// waits, never comes in valid.
#[test]
fn limesurvey_incomplete_responses_wait() {
    for file in ["limesurvey-codes.csv", "limesurvey-texte.csv"] {
        let (ev, v) = imported(file);
        assert_eq!(v["profile"], "limesurvey", "{file}: {v}");
        assert_eq!(v["rows"], 26, "{file}");
        assert_eq!(status(&ev, "helene dupont"), "valid", "{file}");
        assert_eq!(status(&ev, "chloe brule"), "pending", "{file}");
        assert_eq!(status(&ev, "oceane menard"), "pending", "{file}");
        assert_eq!(
            person(&ev, "matheo dubois")["category"],
            "Exposant",
            "{file}"
        );
        assert!(warnings(&v).contains("inachevée"), "{file}");
        let extra = person(&ev, "helene dupont")["extra"].clone();
        assert!(extra.as_object().unwrap().is_empty(), "{file}: {extra}");
    }
}

/// Framaforms: three header lines, a draft waits; naming a column in
/// [import.columns] still finds the header line under the titles.
#[test]
fn framaforms_drafts_wait_and_the_header_is_found_under_titles() {
    let (ev, v) = imported("framaforms.csv");
    assert_eq!(v["profile"], "framaforms", "{v}");
    assert_eq!(v["rows"], 26);
    assert_eq!(status(&ev, "helene dupont"), "valid");
    assert_eq!(status(&ev, "chloe brule"), "pending");
    assert_eq!(person(&ev, "benoit etienne")["category"], "Intervenant");
    let ev = with_lines("[import.columns]", "organisation = \"Structure\"");
    let v = ev.json(&["import", &export("framaforms.csv")]);
    assert_eq!(v["rows"], 26, "{v}");
    assert_eq!(
        person(&ev, "helene dupont")["organisation"],
        "Mairie de Lyon"
    );
    // A column that is nowhere is named.
    let ev = with_lines("[import.columns]", "organisation = \"Service\"");
    let out = ev.run(&["import", &export("framaforms.csv")]);
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("« Service » absente"), "{err}");
}

/// HelloAsso's « Champ additionnel: … » columns are the form's questions:
/// the attendee's e-mail and structure are read from them.
#[test]
fn helloasso_additional_fields_are_read() {
    let (ev, v) = imported("helloasso-champs-additionnels.csv");
    assert_eq!(v["profile"], "helloasso", "{v}");
    let mh = person(&ev, "marie-helene");
    assert_eq!(mh["email"], "mh.delatour@prefecture-rhone.gouv.fr");
    assert_eq!(mh["organisation"], "Préfecture du Rhône");
}

/// « Nom et prénom » merged over two columns in LibreOffice: both parts.
#[test]
fn a_merged_name_header_reads_both_columns() {
    for file in [
        "libreoffice-en-tete-fusionne.csv",
        "libreoffice-en-tete-fusionne.xlsx",
    ] {
        let (ev, v) = imported(file);
        assert_eq!(v["rows"], 10, "{file}: {v}");
        let mh = person(&ev, "marie-helene");
        assert_eq!(mh["first_name"], "Marie-Hélène", "{file}");
        assert_eq!(mh["last_name"], "de La Tour d'Auvergne", "{file}");
        assert!(!warnings(&v).contains("découpé"), "{file}: {v}");
    }
}
