//! Plausible registrants for demos and benchmarks: French (and European)
//! names with accents, organisations of the public sector, five categories.
//! Deterministic: the same `n` always gives the same list.

const LAST: &[&str] = &[
    "Martin",
    "Bernard",
    "Thomas",
    "Petit",
    "Robert",
    "Richard",
    "Durand",
    "Dubois",
    "Moreau",
    "Laurent",
    "Simon",
    "Michel",
    "Lefèvre",
    "Leroy",
    "Roux",
    "David",
    "Bertrand",
    "Morel",
    "Fournier",
    "Girard",
    "Bonnet",
    "Dupont",
    "Lambert",
    "Fontaine",
    "Rousseau",
    "Vincent",
    "Müller",
    "Lefebvre",
    "Mercier",
    "Blanc",
    "Guérin",
    "Boyer",
    "Garnier",
    "Chevalier",
    "François",
    "Legrand",
    "Gauthier",
    "García",
    "Perrin",
    "Robin",
    "Clément",
    "Morin",
    "Nicolas",
    "Henry",
    "Roussel",
    "Mathieu",
    "Gautier",
    "Masson",
    "Marchand",
    "Duval",
    "Denis",
    "Dumont",
    "Marie",
    "Lemaire",
    "Noël",
    "Meyer",
    "Dufour",
    "Meunier",
    "Brun",
    "Blanchard",
    "Giraud",
    "Joly",
    "Rivière",
    "Lucas",
    "Brunet",
    "Gaillard",
    "Barbier",
    "Arnaud",
    "Martínez",
    "Gérard",
    "Roche",
    "Renard",
    "Schmitt",
    "Roy",
    "Leroux",
    "Colin",
    "Vidal",
    "Caron",
    "Picard",
    "Roger",
    "Fabre",
    "Aubert",
    "Lemoine",
    "Renaud",
    "Dumas",
    "Lacroix",
    "Olivier",
    "Philippe",
    "Bourgeois",
    "Pierre",
    "Benoît",
    "Rey",
    "Leclerc",
    "Payet",
    "Rolland",
    "Le Gall",
    "Le Goff",
    "Çavuşoğlu",
    "Nguyen",
    "Kowalski",
    "Wałęsa",
    "de La Tour d'Auvergne",
    "Œuvray",
    "Hélary",
    "Ménard",
    "Bénard",
    "Lévêque",
    "Ørsted",
];

const FIRST: &[&str] = &[
    "Hélène",
    "Jean",
    "Marie",
    "Pierre",
    "Nathalie",
    "Philippe",
    "Isabelle",
    "Michel",
    "Sylvie",
    "Alain",
    "Catherine",
    "Patrick",
    "Françoise",
    "Nicolas",
    "Valérie",
    "Christophe",
    "Sandrine",
    "Stéphane",
    "Céline",
    "Frédéric",
    "Véronique",
    "Laurent",
    "Sophie",
    "Éric",
    "Christine",
    "Olivier",
    "Aurélie",
    "Thierry",
    "Émilie",
    "David",
    "Julie",
    "Sébastien",
    "Camille",
    "Julien",
    "Léa",
    "Thomas",
    "Chloé",
    "Maxime",
    "Zoé",
    "Noël",
    "Lætitia",
    "Anaïs",
    "Jérôme",
    "Agnès",
    "Raphaël",
    "Inès",
    "Benoît",
    "Maëlle",
    "Gaëlle",
    "Loïc",
    "Ayşe",
    "Łucja",
    "Jürgen",
    "Åsa",
    "Marie-Hélène",
    "Jean-François",
    "Anne-Sophie",
    "Paul",
    "Louise",
    "Hugo",
    "Manon",
    "Théo",
    "Clémence",
    "Arnaud",
    "Mathilde",
];

const ORGS: &[&str] = &[
    "Mairie de Lyon",
    "Préfecture du Rhône",
    "Région Bretagne",
    "Conseil départemental du Nord",
    "Ministère de l'Intérieur",
    "Cour des comptes",
    "CHU de Brest",
    "Métropole de Lille",
    "Ville de Nantes",
    "Agence nationale de la cohésion des territoires",
    "DINUM",
    "Université de Strasbourg",
    "Rectorat de Bordeaux",
    "Pôle emploi Occitanie",
    "Caisse d'allocations familiales de l'Hérault",
    "Communauté de communes du Pays de Gex",
    "Mairie de Saint-Étienne",
    "Préfecture de Corse-du-Sud",
    "Conseil régional d'Île-de-France",
    "Hôpital Nord-Franche-Comté",
    "Office national des forêts",
    "Météo-France",
    "Insee",
];

/// Categories and their weights out of 100 (kiosk.toml's example names).
const CATEGORIES: &[(&str, u64)] = &[
    ("Participant", 78),
    ("Intervenant", 8),
    ("Presse", 4),
    ("Organisation", 5),
    ("Exposant", 5),
];

/// A small deterministic generator (SplitMix64): no dependency, same list
/// on every machine.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[(self.next() % items.len() as u64) as usize]
    }
}

fn email_part(s: &str) -> String {
    crate::domain::text::tokens(s).join("-")
}

/// A registration export of `n` people as CSV text (`;`, the French Excel
/// layout): Code;Nom;Prénom;Organisation;Courriel;Catégorie;Statut. About 2%
/// are cancelled and 1% pending. Codes are `NEC-000001`…
pub fn registrants_csv(n: usize) -> String {
    let mut rng = Rng(0x0ACC_0E11);
    let mut out = String::with_capacity(n * 110);
    out.push_str("Code;Nom;Prénom;Organisation;Courriel;Catégorie;Statut\n");
    for i in 1..=n {
        let last = rng.pick(LAST);
        let first = rng.pick(FIRST);
        let org = rng.pick(ORGS);
        let roll = rng.next() % 100;
        let mut acc = 0;
        let category = CATEGORIES
            .iter()
            .find(|(_, w)| {
                acc += w;
                roll < acc
            })
            .map_or("Participant", |(c, _)| c);
        let status = match rng.next() % 100 {
            0 | 1 => "annulé",
            2 => "en attente",
            _ => "confirmé",
        };
        let email = format!(
            "{}.{}{}@{}.fr",
            email_part(first),
            email_part(last),
            i % 100,
            email_part(org)
        );
        let quote = |s: &str| {
            if s.contains(';') || s.contains('"') {
                format!("\"{}\"", s.replace('"', "\"\""))
            } else {
                s.to_owned()
            }
        };
        out.push_str(&format!(
            "NEC-{i:06};{};{};{};{};{};{}\n",
            quote(last),
            quote(first),
            quote(org),
            email,
            category,
            status
        ));
    }
    out
}

/// The demo's programme as CSV text (`;`): three rooms through both days,
/// so that a door opened at any hour of the day has a session on. The
/// workshops of « Salle Marianne » are on registration only (24 seats,
/// 20 registered each, by ticket code).
pub fn programme_csv(day1: jiff::civil::Date, day2: jiff::civil::Date) -> String {
    let mut out =
        String::from("Code;Titre;Salle;Date;Début;Fin;Capacité;Sur inscription;Inscrits\n");
    let slots: [(&str, &str, &str, &str, &str, u32, bool); 13] = [
        (
            "AM1",
            "Plénière d'ouverture",
            "Amphithéâtre",
            "07:30",
            "12:30",
            400,
            false,
        ),
        (
            "AM2",
            "Table ronde : l'usager au centre",
            "Amphithéâtre",
            "13:30",
            "20:30",
            400,
            false,
        ),
        (
            "MA1",
            "Atelier : écrire en langage clair",
            "Salle Marianne",
            "07:30",
            "10:00",
            24,
            true,
        ),
        (
            "MA2",
            "Atelier : ouvrir ses données",
            "Salle Marianne",
            "10:15",
            "12:15",
            24,
            true,
        ),
        (
            "MA3",
            "Atelier : accessibilité numérique",
            "Salle Marianne",
            "13:30",
            "15:30",
            24,
            true,
        ),
        (
            "MA4",
            "Atelier : sobriété numérique",
            "Salle Marianne",
            "15:45",
            "17:45",
            24,
            true,
        ),
        (
            "MA5",
            "Atelier : l'IA au guichet",
            "Salle Marianne",
            "18:00",
            "20:30",
            24,
            true,
        ),
        (
            "LU1",
            "Retour d'expérience : France services",
            "Salle Lumière",
            "07:30",
            "11:00",
            60,
            false,
        ),
        (
            "LU2",
            "Les achats publics responsables",
            "Salle Lumière",
            "11:15",
            "14:00",
            60,
            false,
        ),
        (
            "LU3",
            "Simplifier les démarches en ligne",
            "Salle Lumière",
            "14:15",
            "17:00",
            60,
            false,
        ),
        (
            "LU4",
            "Conférence de clôture du jour",
            "Salle Lumière",
            "17:15",
            "20:30",
            60,
            false,
        ),
        (
            "J2-AM",
            "Plénière du second jour",
            "Amphithéâtre",
            "09:00",
            "12:30",
            400,
            false,
        ),
        (
            "J2-LU",
            "Ateliers libres",
            "Salle Lumière",
            "09:00",
            "17:00",
            60,
            false,
        ),
    ];
    for (i, (code, title, room, start, end, seats, registration)) in slots.iter().enumerate() {
        let date = if code.starts_with("J2") { day2 } else { day1 };
        let registered = if *registration {
            (0..20)
                .map(|n| format!("NEC-{:06}", 1 + i * 20 + n))
                .collect::<Vec<_>>()
                .join(" ")
        } else {
            String::new()
        };
        out.push_str(&format!(
            "{code};{title};{room};{};{start};{end};{seats};{};{registered}\n",
            date.strftime(crate::domain::when::DATE),
            if *registration { "oui" } else { "non" }
        ));
    }
    out
}

/// Builds a demo event in `dir`: the example kiosk.toml with today and
/// tomorrow as the event's days (so scans happen "today"), ~1,200 registrants
/// with accented names across five categories, some cancelled or pending,
/// and a quarter of them already in, checked in at two other kiosks. A folder
/// printer collects badges in `dir/badges-imprimes`. Returns the kiosk.toml
/// path. The folder is rebuilt when it holds an earlier demo; any other
/// existing folder is refused.
pub fn create(
    dir: &std::path::Path,
    people: usize,
) -> Result<std::path::PathBuf, crate::app::AppError> {
    use crate::app::{AppError, ImportOptions, Kiosk};
    use crate::config::Config;
    use crate::domain::DaySpec;
    use crate::store::Lookup;

    let io = |source: std::io::Error| AppError::Demo {
        path: dir.to_owned(),
        source,
    };
    const MARKER: &str = ".accueil-demo";
    if dir.exists() {
        if !dir.join(MARKER).exists() {
            return Err(AppError::DemoFolderTaken(dir.to_owned()));
        }
        std::fs::remove_dir_all(dir).map_err(io)?;
    }
    std::fs::create_dir_all(dir).map_err(io)?;
    std::fs::write(dir.join(MARKER), "accueil demo\n").map_err(io)?;

    let tz = jiff::tz::TimeZone::get("Europe/Paris").unwrap_or(jiff::tz::TimeZone::UTC);
    let today = tz.to_datetime(jiff::Timestamp::now()).date();
    let tomorrow = today.tomorrow().unwrap_or(today);
    let toml = include_str!("../../../kiosk.toml")
        .replace(
            "days = [\"2022-09-28\", \"2022-09-29\"]",
            &format!("days = [\"{today}\", \"{tomorrow}\"]"),
        )
        .replace(
            "days = [\"2022-09-29\"]",
            &format!("days = [\"{tomorrow}\"]"),
        )
        .replace(
            "name = \"Journées nationales de l'innovation publique 2022\"",
            "name = \"Démo — Journées de l'innovation publique\"",
        );
    let config_path = dir.join("kiosk.toml");
    std::fs::write(&config_path, &toml).map_err(io)?;
    // As the README asks of every kiosk.toml: it may hold tokens and the
    // PIN's hash.
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&config_path, std::fs::Permissions::from_mode(0o600))
            .map_err(io)?;
    }
    let csv = dir.join("inscrits.csv");
    std::fs::write(&csv, registrants_csv(people)).map_err(io)?;

    // A room's door, on the same database: `accueil --config
    // porte.toml kiosk`.
    let door = toml
        .replace("id = \"accueil-1\"", "id = \"porte-lumiere\"")
        .replace(
            "name = \"Accueil principal — porte A\"",
            "name = \"Porte de la salle Lumière\"",
        )
        .replace(
            "mode = \"staff\"",
            "mode = \"door\"\nroom = \"Salle Lumière\"\nexits = true",
        );
    let door_path = dir.join("porte.toml");
    std::fs::write(&door_path, &door).map_err(io)?;
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&door_path, std::fs::Permissions::from_mode(0o600)).map_err(io)?;
    }
    let programme = dir.join("programme.csv");
    std::fs::write(&programme, programme_csv(today, tomorrow)).map_err(io)?;

    let config = Config::load(&config_path)?;
    let mut desk = Kiosk::open(config.clone(), None)?;
    desk.import_file(&csv, ImportOptions::default(), |_, _| {})?;
    desk.import_programme(&programme, false, false)?;
    // Earlier arrivals, at the two other doors.
    for (kiosk_id, start) in [("accueil-2", 1), ("accueil-3", 2)] {
        let mut other_config = config.clone();
        other_config.kiosk.id = kiosk_id.to_owned();
        other_config.kiosk.name = format!("Accueil {start}");
        let mut other = Kiosk::open(other_config, None)?;
        for n in (start..=people).step_by(8) {
            other.check_in(
                &Lookup::Code(format!("NEC-{n:06}")),
                Some(DaySpec::Number(1)),
            )?;
        }
    }
    // People in the rooms whose session is on now, through their doors.
    for (door_id, room, every) in [
        ("porte-amphi", "Amphithéâtre", 3),
        ("porte-marianne", "Salle Marianne", 1),
        ("porte-lumiere-2", "Salle Lumière", 7),
    ] {
        let mut door_config = config.clone();
        door_config.kiosk.id = door_id.to_owned();
        let mut door = Kiosk::open(door_config, None)?;
        for n in (1..=people.min(400)).step_by(every) {
            door.door_scan(
                &Lookup::Code(format!("NEC-{n:06}")),
                Some(room),
                crate::domain::programme::Direction::In,
            )?;
        }
    }
    Ok(config_path)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_list_is_deterministic_and_well_formed() {
        let a = registrants_csv(200);
        assert_eq!(a, registrants_csv(200));
        assert_eq!(a.lines().count(), 201);
        assert!(a.lines().skip(1).all(|l| l.split(';').count() == 7));
        assert!(a.contains("annulé") && a.contains("Intervenant"));
    }
}
