//! Reading registration exports: CSV (`,` `;` or tab, UTF-8 with or without
//! BOM, UTF-16 or Windows-1252 as French Excel writes it) and XLSX. Produces
//! validated [`SourceEntry`]s, or every bad row with its line and reason.

mod columns;
mod table;

use std::collections::{BTreeMap, HashMap};
use std::fmt;
use std::path::{Path, PathBuf};

pub use columns::Column;
pub use table::{Encoding, Table};

use crate::domain::registrant::{generated_code, plausible_email};
use crate::domain::text::{sort_key, squeeze};
use crate::domain::{Event, SourceEntry, Status};

/// kiosk.toml `[import]`.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ImportSettings {
    /// `None`: detected from the header line.
    pub separator: Option<u8>,
    pub encoding: Encoding,
    /// XLSX: the sheet to read; the first one by default.
    pub sheet: Option<String>,
    /// Header names that replace the defaults for some columns.
    pub columns: BTreeMap<Column, String>,
}

/// A problem on one row of the source.
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
    #[error("{path} : aucune ligne d'en-tête — le fichier est vide")]
    NoHeader { path: PathBuf },
    #[error("{path} : aucun inscrit dans le fichier — rien n'a été importé")]
    NoEntries { path: PathBuf },
    #[error("{path} : {message}")]
    Columns { path: PathBuf, message: String },
    #[error("{path} : {} ligne(s) en erreur, rien n'a été importé :\n{}", problems.len(), list(problems))]
    BadRows {
        path: PathBuf,
        problems: Vec<RowProblem>,
    },
}

fn list(problems: &[RowProblem]) -> String {
    problems
        .iter()
        .map(|p| format!("  {p}"))
        .collect::<Vec<_>>()
        .join("\n")
}

/// What a readable source gave.
#[derive(Debug, Clone)]
pub struct Parsed {
    pub entries: Vec<SourceEntry>,
    /// Rows imported with an adjustment (unknown category…).
    pub warnings: Vec<RowProblem>,
    /// How the file was read ("CSV ; windows-1252"), for the report.
    pub format: String,
}

/// Reads and validates a registration export.
pub fn read_file(
    path: &Path,
    settings: &ImportSettings,
    event: &Event,
) -> Result<Parsed, ImportError> {
    let bytes = std::fs::read(path).map_err(|source| ImportError::Read {
        path: path.to_owned(),
        source,
    })?;
    let table = Table::read(path, &bytes, settings)?;
    entries_from_table(path, &table, settings, event)
}

/// Turns a table into entries: maps columns, validates every row, and fails
/// with the complete list of bad rows when there is any.
pub fn entries_from_table(
    path: &Path,
    table: &Table,
    settings: &ImportSettings,
    event: &Event,
) -> Result<Parsed, ImportError> {
    let mapping =
        columns::map(&table.headers, &settings.columns, table.separator).map_err(|message| {
            ImportError::Columns {
                path: path.to_owned(),
                message,
            }
        })?;
    let width = table.headers.len();
    let mut problems = Vec::new();
    let mut warnings = Vec::new();
    let mut entries = Vec::with_capacity(table.rows.len());
    let mut code_lines: HashMap<String, usize> = HashMap::new();
    for (line, cells) in &table.rows {
        let line = *line;
        if cells.iter().all(|c| c.trim().is_empty()) {
            continue;
        }
        if cells.len() > width {
            problems.push(RowProblem {
                line,
                message: format!(
                    "{} cellules pour {width} colonnes — un séparateur en trop dans une valeur ? Mettez-la entre guillemets",
                    cells.len()
                ),
            });
            continue;
        }
        let get = |c: Column| -> String {
            mapping
                .index(c)
                .and_then(|i| cells.get(i))
                .map(|s| squeeze(s))
                .unwrap_or_default()
        };
        let code = get(Column::Code);
        if !code.is_empty() {
            if let Some(first) = code_lines.get(&code.to_lowercase()) {
                problems.push(RowProblem {
                    line,
                    message: format!("code « {code} » déjà utilisé ligne {first}"),
                });
                continue;
            }
            code_lines.insert(code.to_lowercase(), line);
        }
        let first_name = get(Column::FirstName);
        let last_name = get(Column::LastName);
        if first_name.is_empty() && last_name.is_empty() {
            problems.push(RowProblem {
                line,
                message: "prénom et nom vides".into(),
            });
            continue;
        }
        let email = get(Column::Email);
        if !email.is_empty() && !plausible_email(&email) {
            problems.push(RowProblem {
                line,
                message: format!("courriel « {email} » invalide"),
            });
            continue;
        }
        let status_text = get(Column::Status);
        let Some(status) = Status::from_source(&status_text) else {
            problems.push(RowProblem {
                line,
                message: format!(
                    "statut « {status_text} » inconnu — attendu : confirmé, en attente ou annulé"
                ),
            });
            continue;
        };
        let category_text = get(Column::Category);
        let category = match event.category(&category_text) {
            Some(c) => c.name.clone(),
            None => {
                if !category_text.is_empty() {
                    warnings.push(RowProblem {
                        line,
                        message: format!(
                            "catégorie « {category_text} » inconnue de kiosk.toml — « {} » retenue",
                            event.default_category
                        ),
                    });
                }
                event.default_category.clone()
            }
        };
        let extra = mapping
            .extra
            .iter()
            .filter_map(|(i, header)| {
                let v = squeeze(cells.get(*i)?);
                (!v.is_empty()).then(|| (header.clone(), v))
            })
            .collect();
        entries.push(SourceEntry {
            line,
            code,
            code_generated: false,
            first_name,
            last_name,
            organisation: get(Column::Organisation),
            email,
            category,
            status,
            extra,
        });
    }
    assign_codes(&mut entries, &mut problems);
    if !problems.is_empty() {
        problems.sort_by_key(|p| p.line);
        return Err(ImportError::BadRows {
            path: path.to_owned(),
            problems,
        });
    }
    if entries.is_empty() {
        return Err(ImportError::NoEntries {
            path: path.to_owned(),
        });
    }
    Ok(Parsed {
        entries,
        warnings,
        format: table.format.clone(),
    })
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

    fn parse(text: &str) -> Result<Parsed, ImportError> {
        let table = Table::read(
            Path::new("t.csv"),
            text.as_bytes(),
            &ImportSettings::default(),
        )?;
        entries_from_table(
            Path::new("t.csv"),
            &table,
            &ImportSettings::default(),
            &sample_event(),
        )
    }

    #[test]
    fn reads_french_headers_and_falls_back_on_unknown_category() {
        let p = parse("Nom;Prénom;Structure;Courriel;Catégorie;Billet;Régime\nDupont;Hélène;Mairie;h@x.fr;Exposant;NEC-1;végétarien\nMartin;Jean;;;VIP;NEC-2;\n").unwrap();
        assert_eq!(p.entries.len(), 2);
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
    }

    #[test]
    fn missing_column_names_the_fix() {
        let err = parse("Name,Mail\nDupont,h@x.fr\n").unwrap_err().to_string();
        assert!(err.contains("Prénom") || err.contains("Nom"), "{err}");
        assert!(err.contains("[import.columns]"), "{err}");
    }
}
