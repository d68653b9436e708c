//! Reading registration exports: CSV (`,` `;` or tab, UTF-8 with or without
//! BOM, UTF-16, Windows-1252 or Mac Roman as Excel writes them) and
//! workbooks. The platform that made the file is recognised by its headers
//! ([`profile`]); the result is validated [`SourceEntry`]s, or every bad
//! row with its line and reason. Nothing is guessed: a status word nobody
//! mapped is an error, a code that cannot match a ticket is a warning.

mod columns;
pub mod profile;
pub mod programme;
mod rows;
mod table;
mod xlsx;

use std::collections::{BTreeMap, HashMap};
use std::fmt;
use std::path::{Path, PathBuf};

pub use columns::Column;
pub use profile::Profile;
pub use table::{Encoding, Table};

use columns::{MapError, Mapping};
use profile::{GENERIC, PROFILES, YURPLAN, YURPLAN_ORDER};

use crate::domain::registrant::generated_code;
use crate::domain::text::sort_key;
use crate::domain::{Event, SourceEntry, Status};

/// kiosk.toml `[import]`.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ImportSettings {
    /// `None`: detected from the first lines.
    pub separator: Option<u8>,
    pub encoding: Encoding,
    /// Workbooks: the sheet to read; by default the one listing attendees.
    pub sheet: Option<String>,
    /// Header names that replace the profile's for some columns.
    pub columns: BTreeMap<Column, String>,
    /// A profile's id (`helloasso`…): used whatever the headers say.
    pub profile: Option<String>,
    /// The line (CSV) or row (sheet) of the headers, counted from 1; by
    /// default the first one that reads as headers.
    pub header_row: Option<usize>,
    /// `[import.status]`: a status word (folded) → its meaning.
    pub statuses: BTreeMap<String, Status>,
    /// `[import.categories]`: a ticket type (folded) → a category's name.
    pub categories: BTreeMap<String, String>,
    /// `[import] ignore_columns`: headers (folded) neither read nor kept.
    pub ignore: Vec<String>,
}

/// A problem on one row of the source (or, for file-wide notes, on its
/// header line).
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct RowProblem {
    pub line: usize,
    pub message: String,
}

impl fmt::Display for RowProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "ligne {} : {}", self.line, self.message)
    }
}

#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    #[error("{path} illisible : {source}")]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{path} : classeur illisible ({source}) — enregistrez-le en .xlsx ou en CSV")]
    Workbook {
        path: PathBuf,
        source: calamine::Error,
    },
    #[error(
        "{path} : feuille « {sheet} » absente (feuilles : {available}) — corrigez [import] sheet dans kiosk.toml"
    )]
    NoSuchSheet {
        path: PathBuf,
        sheet: String,
        available: String,
    },
    #[error("{path} : ligne {line} : {source} — vérifiez que le fichier est bien un CSV")]
    Csv {
        path: PathBuf,
        line: u64,
        source: csv::Error,
    },
    #[error("{path} : {}", encoding_problem(problem))]
    Encoding {
        path: PathBuf,
        problem: table::DecodeError,
    },
    #[error("{path} : ligne {line} : guillemet ouvert {} — les lignes suivantes seraient lues comme une seule valeur ; fermez-le (ou doublez-le : \"\") puis importez à nouveau", match closed { Some(l) => format!("qui ne se ferme qu'à la ligne {l}"), None => "qui ne se ferme jamais".to_owned() })]
    OpenQuote {
        path: PathBuf,
        line: usize,
        closed: Option<usize>,
    },
    #[error("{path} : feuille « {sheet} » : {message}")]
    SheetTooLarge {
        path: PathBuf,
        sheet: String,
        message: String,
    },
    #[error("{path} : aucune ligne d'en-tête — le fichier est vide")]
    NoHeader { path: PathBuf },
    #[error("{path} : aucun inscrit dans le fichier — rien n'a été importé")]
    NoEntries { path: PathBuf },
    #[error("{path} : {message}")]
    Columns { path: PathBuf, message: String },
    #[error(
        "{path} : {what} liste des commandes (acheteurs), pas les participants — {hint}, ou indiquez la feuille dans kiosk.toml [import] sheet"
    )]
    OrdersOnly {
        path: PathBuf,
        what: String,
        hint: &'static str,
    },
    #[error("{path} : {} ligne(s) en erreur, rien n'a été importé :\n{}", problems.len(), list(problems))]
    BadRows {
        path: PathBuf,
        problems: Vec<RowProblem>,
    },
}

fn encoding_problem(problem: &table::DecodeError) -> String {
    match problem {
        table::DecodeError::Invalid { line, encoding } => format!(
            "ligne {line} : octets qui ne sont pas du {encoding} (le fichier l'annonce ou l'est ailleurs) — ré-enregistrez le fichier en UTF-8, ou indiquez son encodage dans kiosk.toml [import] encoding"
        ),
        table::DecodeError::Mixed {
            utf8_line,
            other_line,
        } => format!(
            "deux encodages dans le même fichier (UTF-8 ligne {utf8_line}, un autre ligne {other_line}) : une ligne a été enregistrée par un autre logiciel — ré-enregistrez tout le fichier en UTF-8 avant de l'importer"
        ),
    }
}

/// At most this many problems in the message (all of them in `--json`).
const LISTED_PROBLEMS: usize = 30;

fn list(problems: &[RowProblem]) -> String {
    let mut lines: Vec<String> = problems
        .iter()
        .take(LISTED_PROBLEMS)
        .map(|p| format!("  {p}"))
        .collect();
    if problems.len() > LISTED_PROBLEMS {
        lines.push(format!(
            "  … et {} autre(s) (toutes avec --json)",
            problems.len() - LISTED_PROBLEMS
        ));
    }
    lines.join("\n")
}

/// What a readable source gave.
#[derive(Debug, Clone)]
pub struct Parsed {
    pub entries: Vec<SourceEntry>,
    /// Rows imported with an adjustment, and what cannot match at the door.
    pub warnings: Vec<RowProblem>,
    /// How the file was read ("CSV, séparateur « ; », windows-1252").
    pub format: String,
    /// The platform recognised.
    pub profile: &'static Profile,
    /// Rows that are not people (pretix add-ons).
    pub skipped: usize,
}

/// A source file's bytes (an export, a programme), or why it cannot be read.
pub(crate) fn read_source(path: &Path) -> Result<Vec<u8>, ImportError> {
    std::fs::read(path).map_err(|source| ImportError::Read {
        path: path.to_owned(),
        source,
    })
}

/// Reads and validates a registration export.
pub fn read_file(
    path: &Path,
    settings: &ImportSettings,
    event: &Event,
) -> Result<Parsed, ImportError> {
    read_bytes(path, &read_source(path)?, settings, event)
}

/// [`read_file`] on bytes already read; `path` names the source in messages.
pub fn read_bytes(
    path: &Path,
    bytes: &[u8],
    settings: &ImportSettings,
    event: &Event,
) -> Result<Parsed, ImportError> {
    let tables = table::read(path, bytes, settings)?;
    let found = choose(path, &tables, settings)?;
    rows::entries(path, &found, settings, event)
}

/// The header row and profile of a table.
struct Found<'t> {
    table: &'t Table,
    /// Index of the header row in `table.rows`.
    at: usize,
    profile: &'static Profile,
    mapping: Mapping,
}

/// What a table says about itself.
enum Detection<'t> {
    Attendees(Found<'t>),
    Orders(&'static Profile),
    Unreadable(String),
}

/// How many rows may stand above the headers (titles, blank lines).
const HEADER_SEARCH: usize = 30;

/// Picks the table that lists attendees: the only one of a CSV, the first
/// such sheet of a workbook (pretix's first sheet lists orders).
fn choose<'t>(
    path: &Path,
    tables: &'t [Table],
    settings: &ImportSettings,
) -> Result<Found<'t>, ImportError> {
    let mut first_failure = None;
    let mut orders = None;
    for table in tables {
        match detect(table, settings) {
            Detection::Attendees(found) => return Ok(found),
            Detection::Orders(profile) => {
                orders.get_or_insert((table, profile));
            }
            Detection::Unreadable(message) => {
                first_failure.get_or_insert(message);
            }
        }
    }
    if let Some((table, profile)) = orders {
        return Err(ImportError::OrdersOnly {
            path: path.to_owned(),
            what: match &table.sheet {
                Some(s) => format!("la feuille « {s} »"),
                None => "ce fichier".into(),
            },
            hint: profile.export,
        });
    }
    match first_failure {
        Some(message) => Err(ImportError::Columns {
            path: path.to_owned(),
            message,
        }),
        None => Err(ImportError::NoHeader {
            path: path.to_owned(),
        }),
    }
}

fn is_blank(cells: &[String]) -> bool {
    cells.iter().all(|c| c.trim().is_empty())
}

fn detect<'t>(table: &'t Table, settings: &ImportSettings) -> Detection<'t> {
    let forced = settings.profile.as_deref().and_then(profile::by_id);
    let candidates: Vec<usize> = match settings.header_row {
        Some(line) => table
            .rows
            .iter()
            .position(|(l, _)| *l == line)
            .into_iter()
            .collect(),
        None => table
            .rows
            .iter()
            .enumerate()
            .filter(|(_, (_, cells))| !is_blank(cells))
            .take(HEADER_SEARCH)
            .map(|(i, _)| i)
            .collect(),
    };
    let Some(&first) = candidates.first() else {
        return Detection::Unreadable(match settings.header_row {
            Some(line) => {
                format!("pas de ligne {line} — corrigez [import] header_row dans kiosk.toml")
            }
            None => "aucune ligne d'en-tête — le fichier est vide".into(),
        });
    };
    // A column named in [import.columns] is looked for on each line that
    // could be the headers (a form's export has title lines above them).
    let mut missing: Option<(MapError, usize)> = None;
    for &at in &candidates {
        let headers = &table.rows[at].1;
        if let Some(message) = wrong_separator(table, headers) {
            return Detection::Unreadable(message);
        }
        let folded: Vec<String> = headers.iter().map(|h| sort_key(h)).collect();
        let try_map = |profile: &'static Profile| {
            columns::map(headers, profile, &settings.columns).map(|mapping| Found {
                table,
                at,
                profile,
                mapping,
            })
        };
        if let Some(profile) = forced {
            match try_map(profile) {
                Ok(found) => return Detection::Attendees(found),
                Err(MapError::NoNames) if settings.header_row.is_none() => continue,
                Err(e @ MapError::Missing(_)) if settings.header_row.is_none() => {
                    missing.get_or_insert((e, at));
                    continue;
                }
                Err(e) => return Detection::Unreadable(explain(e, headers, profile, table)),
            }
        }
        let recognised = PROFILES
            .iter()
            .copied()
            .filter_map(|p| {
                p.signatures
                    .iter()
                    .filter(|set| set.iter().all(|h| folded.iter().any(|f| f == h)))
                    .map(|set| set.len())
                    .max()
                    .map(|score| (score, p))
            })
            .max_by_key(|(score, _)| *score)
            .map(|(_, p)| p);
        if let Some(profile) = recognised {
            if !profile.attendees {
                return Detection::Orders(profile);
            }
            return match try_map(profile) {
                Ok(found) => Detection::Attendees(found),
                Err(e) => Detection::Unreadable(explain(e, headers, profile, table)),
            };
        }
        match try_map(&GENERIC) {
            // A title row reads as nothing; a header row names at least two
            // columns, or is the first line.
            Ok(found)
                if found.mapping.found_count() >= 2
                    || at == first
                    || settings.header_row.is_some() =>
            {
                return Detection::Attendees(yurplan_or(found, settings));
            }
            Ok(_) => continue,
            Err(MapError::NoNames) if settings.header_row.is_none() => continue,
            Err(e @ MapError::Missing(_)) if settings.header_row.is_none() => {
                missing.get_or_insert((e, at));
                continue;
            }
            Err(e) => return Detection::Unreadable(explain(e, headers, &GENERIC, table)),
        }
    }
    if let Some((e, at)) = missing {
        let headers = &table.rows[at].1;
        return Detection::Unreadable(explain(e, headers, forced.unwrap_or(&GENERIC), table));
    }
    let headers = &table.rows[first].1;
    Detection::Unreadable(explain(
        MapError::NoNames,
        headers,
        forced.unwrap_or(&GENERIC),
        table,
    ))
}

/// A CSV read with a separator it does not use: one column whose header
/// holds another separator (« Nom;Prénom » read with « , »).
fn wrong_separator(table: &Table, headers: &[String]) -> Option<String> {
    let used = table.separator?;
    if headers.iter().filter(|h| !h.trim().is_empty()).count() != 1 {
        return None;
    }
    let header = headers.iter().find(|h| !h.trim().is_empty())?;
    let other = [b';', b',', b'\t']
        .into_iter()
        .filter(|&s| s != used)
        .max_by_key(|&s| header.bytes().filter(|&b| b == s).count())
        .filter(|&s| header.bytes().any(|b| b == s))?;
    let name = |s: u8| match s {
        b'\t' => "tabulation".to_owned(),
        s => format!("« {} »", char::from(s)),
    };
    Some(format!(
        "une seule colonne lue (« {} ») : le fichier sépare ses colonnes par {}, pas par {} — corrigez le séparateur dans kiosk.toml [import] separator, ou mettez-le à \"auto\"",
        header.trim(),
        name(other),
        name(used)
    ))
}

/// Yurplan's export reads as a plain list; its order numbers tell it.
fn yurplan_or<'t>(found: Found<'t>, settings: &ImportSettings) -> Found<'t> {
    let headers = &found.table.rows[found.at].1;
    let is_yurplan = headers.iter().enumerate().any(|(i, h)| {
        YURPLAN_ORDER.contains(&sort_key(h).as_str())
            && found.table.rows[found.at + 1..]
                .iter()
                .take(20)
                .filter_map(|(_, cells)| cells.get(i))
                .any(|v| v.trim().starts_with("YPT"))
    });
    if !is_yurplan {
        return found;
    }
    match columns::map(headers, &YURPLAN, &settings.columns) {
        Ok(mapping) => Found {
            profile: &YURPLAN,
            mapping,
            ..found
        },
        Err(_) => found,
    }
}

fn explain(error: MapError, headers: &[String], profile: &Profile, table: &Table) -> String {
    let read = headers
        .iter()
        .map(|h| h.trim())
        .collect::<Vec<_>>()
        .join(" | ");
    let mut message = match error {
        MapError::Missing(missing) => format!("{} (en-têtes lus : {read})", missing.join(" ; ")),
        MapError::NoNames => format!(
            "colonnes « Nom » et « Prénom » introuvables{} — renommez les en-têtes, ou indiquez-les dans kiosk.toml [import.columns] last_name / first_name (ou full_name pour une colonne « NOM Prénom ») ; si les en-têtes ne sont pas sur la première ligne, indiquez-la dans [import] header_row (en-têtes lus : {read})",
            if profile.id == GENERIC.id {
                String::new()
            } else {
                format!(" pour le format {}", profile.label)
            }
        ),
        MapError::Duplicate { header, columns } => format!(
            "en-tête « {header} » en double (colonnes {}) : accueil ne sait pas laquelle lire — renommez l'une d'elles",
            columns
                .iter()
                .map(|c| spreadsheet_column(*c))
                .collect::<Vec<_>>()
                .join(" et ")
        ),
    };
    if headers.len() == 1 && table.separator.is_some() {
        message.push_str(
            " — une seule colonne lue : vérifiez le séparateur dans kiosk.toml [import] separator",
        );
    }
    message
}

/// 0 → "A", 27 → "AB", as spreadsheets name columns.
fn spreadsheet_column(mut i: usize) -> String {
    let mut name = Vec::new();
    loop {
        name.push(char::from(b'A' + (i % 26) as u8));
        if i < 26 {
            break;
        }
        i = i / 26 - 1;
    }
    name.iter().rev().collect()
}

/// Lines, for a message: "3, 7, 12" or "3, 7, 12… (40 en tout)".
fn lines_text(lines: &[usize]) -> String {
    const SHOWN: usize = 8;
    let shown: Vec<String> = lines.iter().take(SHOWN).map(usize::to_string).collect();
    if lines.len() > SHOWN {
        format!("{}… ({} en tout)", shown.join(", "), lines.len())
    } else {
        shown.join(", ")
    }
}

fn yes_no(value: &str) -> Option<bool> {
    match sort_key(value).as_str() {
        "oui" | "yes" | "true" | "vrai" | "1" | "x" | "ja" | "o" | "y" => Some(true),
        "" | "non" | "no" | "false" | "faux" | "0" | "nein" | "n" => Some(false),
        _ => None,
    }
}

/// Particles that belong to the last name they precede (« Marie de LA TOUR »).
const PARTICLES: &[&str] = &[
    "de", "du", "des", "d", "le", "la", "les", "van", "von", "der", "den", "di", "da", "del",
    "della", "dos", "ben", "el", "al", "y",
];

/// A word written in capitals: two letters or more, none in lower case.
fn in_capitals(word: &str) -> bool {
    let letters: Vec<char> = word.chars().filter(|c| c.is_alphabetic()).collect();
    letters.len() >= 2 && letters.iter().all(|c| !c.is_lowercase())
}

/// Splits a full name into (first, last). The words in capitals are the
/// last name (« DUPONT Marie-Hélène », « Marie de LA TOUR »); without them
/// (or with nothing else), `last_first` says the order. `false` when the
/// split had to rely on the order.
fn split_full_name(full: &str, last_first: bool) -> (String, String, bool) {
    let words: Vec<&str> = full.split_whitespace().collect();
    match words.len() {
        0 => return (String::new(), String::new(), true),
        1 => return (String::new(), words[0].to_owned(), true),
        _ => {}
    }
    let caps: Vec<usize> = (0..words.len())
        .filter(|&i| in_capitals(words[i]))
        .collect();
    let contiguous = caps.windows(2).all(|w| w[1] == w[0] + 1);
    if !caps.is_empty() && caps.len() < words.len() && contiguous {
        let mut start = caps[0];
        let end = caps[caps.len() - 1];
        while start > 0 && PARTICLES.contains(&sort_key(words[start - 1]).as_str()) {
            start -= 1;
        }
        // The particle must not take the whole first name.
        if start == 0 && end + 1 == words.len() {
            start = caps[0];
        }
        let last = words[start..=end].join(" ");
        let first: Vec<&str> = words[..start]
            .iter()
            .chain(words[end + 1..].iter())
            .copied()
            .collect();
        return (first.join(" "), last, true);
    }
    if last_first {
        (words[1..].join(" "), words[0].to_owned(), false)
    } else {
        (words[0].to_owned(), words[1..].join(" "), false)
    }
}

/// A code Excel has turned into scientific notation: exactly what Excel
/// writes of a rounded number — one digit, then a decimal separator and
/// digits or nothing, `E`, a sign, at least two digits (« 3,98102E+22 »,
/// « 4E+15 », and in a workbook's XML « 3.9810234554957712E+22 »). The
/// digits are gone from the file. Anything else is a code: `98836E2593` or
/// `12E45` are tickets (random 10-character codes look like that about
/// twice in a million).
fn in_scientific_notation(code: &str) -> bool {
    let b = code.trim().as_bytes();
    let digits = |from: usize| {
        b[from.min(b.len())..]
            .iter()
            .take_while(|c| c.is_ascii_digit())
            .count()
    };
    if digits(0) != 1 {
        return false;
    }
    let mut at = 1;
    if matches!(b.get(at), Some(b',' | b'.')) {
        let decimals = digits(at + 1);
        if decimals == 0 {
            return false;
        }
        at += 1 + decimals;
    }
    if !matches!(b.get(at), Some(b'E' | b'e')) || !matches!(b.get(at + 1), Some(b'+' | b'-')) {
        return false;
    }
    let exponent = digits(at + 2);
    exponent >= 2 && at + 2 + exponent == b.len()
}

/// Words of a header that says whether someone may come (« Statut »,
/// « État du dossier », « Valide », « Payé ? », « Registration state »).
const STATUS_WORDS: &[&str] = &[
    "statut",
    "status",
    "etat",
    "state",
    "valide",
    "validee",
    "valid",
    "validation",
    "paye",
    "payee",
    "paid",
    "annule",
    "annulee",
    "cancelled",
    "canceled",
    "rembourse",
    "refunded",
    "brouillon",
    "draft",
    "confirme",
    "confirmee",
    "confirmed",
    "desinscrit",
    "supprime",
    "deleted",
    "approuve",
    "approved",
    "submitdate",
];

/// A header that looks like a status or a validity flag: it starts with a
/// status word (« Statut de la commande », « Payé ? »), ends with one
/// (« Registration state », « Payment status »), or dates a submission.
fn looks_like_status(header: &str) -> bool {
    let folded = sort_key(header);
    let words: Vec<&str> = folded.split(' ').collect();
    let is_word = |w: Option<&&str>| w.is_some_and(|w| STATUS_WORDS.contains(w));
    is_word(words.first())
        || is_word(words.last())
        || matches!(
            folded.as_str(),
            "date submitted" | "date de soumission" | "submitted at" | "completed"
        )
}

/// A column the plain-list reader keeps as a free field although it looks
/// like a status: read as nothing, it would let in whoever it says may not
/// come. The message names it, its values, and the settings that read or
/// set it aside.
fn unread_status(extra: &[(usize, String)], rows: &[(usize, Vec<String>)]) -> Option<String> {
    let (col, header) = extra.iter().find(|(_, h)| looks_like_status(h))?;
    let mut seen: BTreeMap<String, usize> = BTreeMap::new();
    for (_, cells) in rows {
        if let Some(v) = cells.get(*col) {
            *seen.entry(v.trim().to_owned()).or_default() += 1;
        }
    }
    let example = seen
        .keys()
        .find(|v| !v.is_empty())
        .cloned()
        .unwrap_or_else(|| "Non".to_owned());
    let values = seen
        .iter()
        .take(8)
        .map(|(v, n)| {
            let v = if v.is_empty() { "(vide)" } else { v };
            format!("« {v} » ({n})")
        })
        .collect::<Vec<_>>()
        .join(", ");
    Some(format!(
        "la colonne « {header} » ressemble à un statut, mais accueil ne sait pas la lire (valeurs : {values}) : rien n'est importé plutôt que de laisser entrer qui ne le devrait pas — indiquez dans kiosk.toml [import.columns] status = \"{header}\" et ce que veut dire chaque valeur dans [import.status] (par exemple \"{example}\" = \"cancelled\", ou \"valid\", \"pending\") ; si elle ne dit rien de la venue, [import] ignore_columns = [\"{header}\"]"
    ))
}

/// The more restrictive of two statuses.
fn worst(a: Status, b: Status) -> Status {
    let rank = |s: Status| match s {
        Status::Valid => 0,
        Status::Pending => 1,
        Status::Cancelled => 2,
    };
    if rank(b) > rank(a) { b } else { a }
}

/// Gives every entry without a ticket code a generated one: from the e-mail
/// (from e-mail and names when several rows share an e-mail, as when an
/// assistant registers a team), else from names and organisation. Reports
/// people listed twice.
fn assign_codes(entries: &mut [SourceEntry], problems: &mut Vec<RowProblem>) {
    let mut email_count: HashMap<String, usize> = HashMap::new();
    for e in entries
        .iter()
        .filter(|e| e.code.is_empty() && !e.email.is_empty())
    {
        *email_count.entry(e.email.to_lowercase()).or_default() += 1;
    }
    let mut seen: HashMap<String, usize> = HashMap::new();
    for e in entries.iter_mut().filter(|e| e.code.is_empty()) {
        let names = format!("{}|{}", sort_key(&e.first_name), sort_key(&e.last_name));
        let email = e.email.to_lowercase();
        let key = match email_count.get(&email) {
            Some(1) => email,
            Some(_) => format!("{email}|{names}"),
            None => format!("{names}|{}", sort_key(&e.organisation)),
        };
        e.code = generated_code(&key);
        e.code_generated = true;
        match seen.get(&e.code) {
            Some(first) => problems.push(RowProblem {
                line: e.line,
                message: format!(
                    "même personne qu'à la ligne {first} (mêmes nom, prénom et courriel) — supprimez le doublon"
                ),
            }),
            None => {
                seen.insert(e.code.clone(), e.line);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::event::tests::sample_event;
    use crate::domain::text::squeeze;

    fn parse_with(text: &str, settings: &ImportSettings) -> Result<Parsed, ImportError> {
        read_bytes(
            Path::new("t.csv"),
            text.as_bytes(),
            settings,
            &sample_event(),
        )
    }

    fn parse(text: &str) -> Result<Parsed, ImportError> {
        parse_with(text, &ImportSettings::default())
    }

    #[test]
    fn reads_french_headers_and_falls_back_on_unknown_category() {
        let p = parse("Nom;Prénom;Structure;Courriel;Catégorie;Billet;Régime\nDupont;Hélène;Mairie;h@x.fr;Exposant;NEC-1;végétarien\nMartin;Jean;;;VIP;NEC-2;\n").unwrap();
        assert_eq!(p.entries.len(), 2);
        assert_eq!(p.profile.id, "generic");
        let h = &p.entries[0];
        assert_eq!(
            (h.first_name.as_str(), h.code.as_str(), h.category.as_str()),
            ("Hélène", "NEC-1", "Exposant")
        );
        assert_eq!(
            h.extra.get("Régime").map(String::as_str),
            Some("végétarien")
        );
        assert_eq!(p.entries[1].category, "Participant");
        assert_eq!(p.warnings.len(), 1);
        assert!(p.warnings[0].message.contains("VIP"));
        assert!(p.warnings[0].message.contains("[import.categories]"));
        assert_eq!(p.warnings[0].line, 3);
    }

    #[test]
    fn every_bad_row_is_listed() {
        let err = parse("Nom,Prénom,Email,Code\nDupont,Hélène,pas-un-mail,A\n,,x@y.fr,B\nMartin,Jean,j@x.fr,A\nDurand,Luc,l@x.fr,C,extra\n").unwrap_err();
        let ImportError::BadRows { problems, .. } = err else {
            panic!("{err}")
        };
        let lines: Vec<usize> = problems.iter().map(|p| p.line).collect();
        assert_eq!(lines, [2, 3, 4, 5], "{problems:?}");
        assert!(problems[2].message.contains("ligne 2"));
    }

    #[test]
    fn codes_are_generated_from_email_and_stable() {
        let text = "Nom,Prénom,Email\nDupont,Hélène,h@x.fr\nDupont,Paul,team@x.fr\nDurand,Luc,team@x.fr\nSans,Mail,\n";
        let a = parse(text).unwrap();
        let b = parse(text).unwrap();
        assert!(a.entries.iter().all(|e| e.code_generated));
        assert_eq!(
            a.entries.iter().map(|e| &e.code).collect::<Vec<_>>(),
            b.entries.iter().map(|e| &e.code).collect::<Vec<_>>()
        );
        assert_ne!(
            a.entries[1].code, a.entries[2].code,
            "shared e-mail, two people"
        );
        assert!(
            a.warnings
                .iter()
                .any(|w| w.message.contains("codes générés")),
            "{:?}",
            a.warnings
        );
    }

    #[test]
    fn missing_column_names_the_fix() {
        let err = parse("Name2,Mail\nDupont,h@x.fr\n")
            .unwrap_err()
            .to_string();
        assert!(err.contains("Prénom") || err.contains("Nom"), "{err}");
        assert!(err.contains("[import.columns]"), "{err}");
        assert!(err.contains("header_row"), "{err}");
    }

    #[test]
    fn title_rows_above_the_headers_are_skipped() {
        let p = parse("Journées de l'innovation publique;;\nListe des inscrits au 12/09;;\n;;\nNom;Prénom;Code\nDupont;Marie;A1\n").unwrap();
        assert_eq!(p.entries[0].line, 5);
        assert_eq!(p.entries[0].code, "A1");
        assert!(p.format.contains("ligne 4"), "{}", p.format);
        let forced = ImportSettings {
            header_row: Some(4),
            ..ImportSettings::default()
        };
        assert_eq!(
            parse_with("x\ny\nz\nNom;Prénom\nDupont;Marie\n", &forced)
                .unwrap()
                .entries
                .len(),
            1
        );
    }

    #[test]
    fn a_status_nobody_mapped_is_an_error_that_lists_the_values() {
        let text = "Nom;Prénom;Statut\nA;B;Confirmé\nC;D;Remboursement en cours\nE;F;Remboursement en cours\n";
        let err = parse(text).unwrap_err();
        let ImportError::BadRows { problems, .. } = &err else {
            panic!("{err}")
        };
        assert_eq!(problems.len(), 2);
        let m = &problems[0].message;
        assert!(
            m.contains("« Confirmé » (1)") && m.contains("« Remboursement en cours » (2)"),
            "{m}"
        );
        assert!(m.contains("[import.status]"), "{m}");
        let mut settings = ImportSettings::default();
        settings
            .statuses
            .insert(sort_key("Remboursement en cours"), Status::Cancelled);
        let p = parse_with(text, &settings).unwrap();
        assert_eq!(p.entries[1].status, Status::Cancelled);
    }

    #[test]
    fn yes_no_columns_decide_a_status() {
        let p = parse("Nom;Prénom;Annulé;Payé\nA;B;Non;Oui\nC;D;Oui;Oui\nE;F;non;non\n").unwrap();
        let s: Vec<Status> = p.entries.iter().map(|e| e.status).collect();
        assert_eq!(s, [Status::Valid, Status::Cancelled, Status::Pending]);
        // Not Yes/No throughout: never dropped silently — refused, naming
        // the column, its values and the settings that fix it.
        let text = "Nom;Prénom;Payé\nA;B;45 €\nC;D;Oui\n";
        let e = parse(text).unwrap_err().to_string();
        for part in [
            "« Payé »",
            "« 45 € » (1)",
            "« Oui » (1)",
            "[import.status]",
            "ignore_columns",
        ] {
            assert!(e.contains(part), "{part}: {e}");
        }
        let ignored = ImportSettings {
            ignore: vec![sort_key("Payé")],
            ..ImportSettings::default()
        };
        let p = parse_with(text, &ignored).unwrap();
        assert!(p.entries.iter().all(|e| e.status == Status::Valid));
        assert!(p.entries[0].extra.is_empty());
    }

    /// Columns that say whether someone may come, in the shapes lists
    /// take: read when accueil knows their words, refused when it does not
    /// — never kept as a free field while everyone comes in.
    #[test]
    fn status_like_columns_are_read_or_refused() {
        // « Valide » Oui/Non: « Non » is not admitted.
        let p = parse("Nom;Prénom;Valide\nA;B;Oui\nC;D;Non\n").unwrap();
        let s: Vec<Status> = p.entries.iter().map(|e| e.status).collect();
        assert_eq!(s, [Status::Valid, Status::Pending]);
        // « Registration state », « État » are status columns.
        let e = parse("Nom;Prénom;Registration state\nA;B;approved\nC;D;rejected\n")
            .unwrap_err()
            .to_string();
        assert!(
            e.contains("approved") && e.contains("[import.status]"),
            "{e}"
        );
        let p = parse("Nom;Prénom;État\nA;B;Validé\nC;D;Annulé\n").unwrap();
        let s: Vec<Status> = p.entries.iter().map(|e| e.status).collect();
        assert_eq!(s, [Status::Valid, Status::Cancelled]);
        // A second status-like column beside the one read.
        for header in [
            "Valide",
            "Payé ?",
            "Payment status",
            "submitdate",
            "Statut du paiement",
        ] {
            let text = format!(
                "Nom;Prénom;Statut;{header}\nA;B;valide;2024-01-01\nC;D;valide;peut-être\n"
            );
            let e = parse(&text).unwrap_err().to_string();
            assert!(e.contains(&format!("« {header} »")), "{header}: {e}");
        }
        // Not status words: kept as free fields.
        let p =
            parse("Nom;Prénom;Moyen de paiement;Régime alimentaire\nA;B;CB;végétarien\n").unwrap();
        assert_eq!(p.entries[0].extra.len(), 2);
    }

    /// LibreOffice writes a header merged over two columns in the first,
    /// the second left empty: « Nom et prénom » over NOM | Prénom.
    #[test]
    fn a_header_merged_over_two_columns_reads_both() {
        let p = parse("Nom et prénom;;Organisation\nde La Tour d'Auvergne;Henri;Préfecture\nN'Diaye;Aïssatou;DINUM\n").unwrap();
        let names: Vec<(&str, &str)> = p
            .entries
            .iter()
            .map(|e| (e.first_name.as_str(), e.last_name.as_str()))
            .collect();
        assert_eq!(
            names,
            [("Henri", "de La Tour d'Auvergne"), ("Aïssatou", "N'Diaye")]
        );
        assert!(
            !p.warnings.iter().any(|w| w.message.contains("découpé")),
            "{:?}",
            p.warnings
        );
        let p = parse("Prénom et nom;;x\nHenri;de La Tour d'Auvergne;1\n").unwrap();
        assert_eq!(p.entries[0].last_name, "de La Tour d'Auvergne");
    }

    #[test]
    fn urls_and_missing_codes_are_warned_about() {
        let p = parse("Nom;Prénom;Billet\nA;B;https://exemple.fr/b/1.pdf\nC;D;\n").unwrap();
        let all: String = p.warnings.iter().map(|w| w.message.clone()).collect();
        assert!(all.contains("adresses web"), "{all}");
        assert!(all.contains("1 ligne(s) sans code"), "{all}");
    }

    #[test]
    fn excel_scientific_notation_is_refused() {
        let err = parse("Nom;Prénom;Code-barres\nA;B;3,98102E+22\n")
            .unwrap_err()
            .to_string();
        assert!(err.contains("notation scientifique"), "{err}");
        for excel in [
            "3.98102E+22",
            "3,98102E+22",
            "4E+15",
            "9,88367E+12",
            "3.9810234554957712E+22",
        ] {
            assert!(in_scientific_notation(excel), "{excel}");
        }
        for code in [
            "E22",
            "NEC-2E",
            "98836E2593",
            "12E45",
            "1E5",
            "4E+1",
            "1.E+12",
            "12,5E+10",
            "A4E+15",
        ] {
            assert!(!in_scientific_notation(code), "{code}");
        }
        // Codes that only look like numbers import as codes.
        let p = parse("Nom;Prénom;Code\nA;B;98836E2593\nC;D;12E45\n").unwrap();
        let codes: Vec<&str> = p.entries.iter().map(|e| e.code.as_str()).collect();
        assert_eq!(codes, ["98836E2593", "12E45"]);
    }

    proptest::proptest! {
        /// Ticket codes as platforms make them (digits and capitals, 6 to
        /// 14 of them, `E` often among them) are never taken for a number
        /// Excel rounded; what Excel writes of a rounded number always is.
        #[test]
        fn codes_are_codes_and_excel_s_numbers_are_numbers(
            code in "[0-9A-Z]{6,14}",
            digit in 1u32..10,
            decimals in "[0-9]{0,5}",
            comma in proptest::bool::ANY,
            exponent in 11u32..40,
        ) {
            proptest::prop_assert!(!in_scientific_notation(&code), "{}", code);
            let sep = if comma { "," } else { "." };
            let mantissa = if decimals.is_empty() { digit.to_string() } else { format!("{digit}{sep}{decimals}") };
            let excel = format!("{mantissa}E+{exponent}");
            proptest::prop_assert!(in_scientific_notation(&excel), "{}", excel);
        }
    }

    #[test]
    fn full_names_split_on_capitals() {
        let s = |t, lf| split_full_name(t, lf);
        assert_eq!(
            s("DUPONT Marie-Hélène", true),
            ("Marie-Hélène".into(), "DUPONT".into(), true)
        );
        assert_eq!(
            s("Marie-Hélène DUPONT", true),
            ("Marie-Hélène".into(), "DUPONT".into(), true)
        );
        assert_eq!(
            s("Marie de LA TOUR", false),
            ("Marie".into(), "de LA TOUR".into(), true)
        );
        assert_eq!(
            s("N'DIAYE Jean-Baptiste", false),
            ("Jean-Baptiste".into(), "N'DIAYE".into(), true)
        );
        assert_eq!(
            s("LE GOFF Anne Sophie", false),
            ("Anne Sophie".into(), "LE GOFF".into(), true)
        );
        // No capitals: the header's order, flagged.
        assert_eq!(
            s("marie dupont", false),
            ("marie".into(), "dupont".into(), false)
        );
        assert_eq!(
            s("dupont marie", true),
            ("marie".into(), "dupont".into(), false)
        );
        assert_eq!(
            s("DUPONT MARIE", true),
            ("MARIE".into(), "DUPONT".into(), false)
        );
        assert_eq!(s("Dupont", true), ("".into(), "Dupont".into(), true));
    }

    #[test]
    fn one_full_name_column() {
        let p = parse("Horodateur;NOM Prénom;Adresse e-mail\n12/09/2022 10:01:02;DUPONT Hélène;h@x.fr\n12/09/2022 10:03:00;Jean MARTIN;j@x.fr\n").unwrap();
        assert_eq!(p.profile.id, "google-forms");
        let names: Vec<(&str, &str)> = p
            .entries
            .iter()
            .map(|e| (e.first_name.as_str(), e.last_name.as_str()))
            .collect();
        assert_eq!(names, [("Hélène", "DUPONT"), ("Jean", "MARTIN")]);
        assert!(!p.entries[0].extra.contains_key("Horodateur"));
    }

    /// A person as a spreadsheet holds them.
    #[derive(Debug, Clone)]
    struct Row {
        code: String,
        first: String,
        last: String,
        org: String,
    }

    fn name() -> impl proptest::strategy::Strategy<Value = String> {
        // Letters French lists hold, compound names, apostrophes, particles.
        proptest::string::string_regex("[A-Za-zéèêëàâçîïôöùûüÿœæÉÈÀÇÅØŁ][a-zéèêëàâçîïôöùûüÿœæøł]{0,8}([-' ][A-Za-zéèçàÉ][a-zéèêëàâçîïôùûü]{1,7}){0,2}")
            .expect("regex")
    }

    fn row() -> impl proptest::strategy::Strategy<Value = Row> {
        use proptest::strategy::Strategy;
        (
            "[A-Z]{1,3}-[0-9]{1,6}",
            name(),
            name(),
            "[A-Za-zé ,;\"']{0,20}",
        )
            .prop_map(|(code, first, last, org)| Row {
                code,
                first,
                last,
                org,
            })
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(64))]

        /// Any list, written with any separator, encoding, line ending and
        /// title rows above the headers, reads back to the same people on
        /// the same lines.
        #[test]
        fn any_shape_of_list_reads_back(
            rows in proptest::collection::vec(row(), 1..40),
            sep in proptest::sample::select(vec![b';', b',', b'\t']),
            encoding in 0..4usize,
            ending in proptest::sample::select(vec!["\n", "\r\n", "\r"]),
            titles in 0..3usize,
        ) {
            let mut unique = std::collections::HashSet::new();
            let rows: Vec<Row> = rows.into_iter().filter(|r| unique.insert(r.code.to_lowercase())).collect();
            let mut w = csv::WriterBuilder::new()
                .flexible(true)
                .delimiter(sep)
                .terminator(csv::Terminator::Any(b'\n'))
                .from_writer(Vec::new());
            for t in 0..titles {
                w.write_record([format!("Liste des inscrits {t}")]).unwrap();
            }
            w.write_record(["Code", "Prénom", "Nom", "Structure"]).unwrap();
            for r in &rows {
                w.write_record([&r.code, &r.first, &r.last, &r.org]).unwrap();
            }
            let text = String::from_utf8(w.into_inner().unwrap()).unwrap().replace('\n', ending);
            let bytes: Vec<u8> = match encoding {
                0 => text.into_bytes(),
                1 => [b"\xef\xbb\xbf".as_slice(), text.as_bytes()].concat(),
                2 => {
                    let (b, _, lossy) = encoding_rs::WINDOWS_1252.encode(&text);
                    if lossy { return Ok(()); }
                    b.into_owned()
                }
                _ => {
                    let (b, _, lossy) = encoding_rs::MACINTOSH.encode(&text);
                    if lossy { return Ok(()); }
                    b.into_owned()
                }
            };
            let parsed = read_bytes(Path::new("t.csv"), &bytes, &ImportSettings::default(), &sample_event())
                .map_err(|e| proptest::test_runner::TestCaseError::fail(e.to_string()))?;
            proptest::prop_assert_eq!(parsed.entries.len(), rows.len());
            for (i, (e, r)) in parsed.entries.iter().zip(&rows).enumerate() {
                proptest::prop_assert_eq!(&e.code, &r.code);
                proptest::prop_assert_eq!(&e.first_name, &squeeze(&r.first));
                proptest::prop_assert_eq!(&e.last_name, &squeeze(&r.last));
                proptest::prop_assert_eq!(&e.organisation, &squeeze(&r.org));
                // Lines as a spreadsheet numbers them (no value spans lines).
                proptest::prop_assert_eq!(e.line, titles + 2 + i);
            }
        }
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(256))]

        /// Any bytes at all — text, a broken zip, a workbook header on
        /// garbage — give entries or an error, never a panic.
        #[test]
        fn any_bytes_are_read_or_refused(
            head in proptest::sample::select(vec![&b""[..], b"PK\x03\x04", b"\xef\xbb\xbf", b"Nom;Pr\xc3\xa9nom\n", b"\xd0\xcf\x11\xe0"]),
            body in proptest::collection::vec(proptest::num::u8::ANY, 0..600),
        ) {
            let bytes = [head, &body[..]].concat();
            let _ = read_bytes(Path::new("t"), &bytes, &ImportSettings::default(), &sample_event());
        }
    }

    #[test]
    fn spreadsheet_column_names() {
        assert_eq!(spreadsheet_column(0), "A");
        assert_eq!(spreadsheet_column(25), "Z");
        assert_eq!(spreadsheet_column(26), "AA");
        assert_eq!(spreadsheet_column(27), "AB");
    }
}
