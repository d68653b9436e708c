//! The rows below the headers, read into entries: what the header says
//! about reading them is worked out once ([`Reader`]), each row is read on
//! its own ([`Reader::row`]: an entry, a problem, or nothing), and what
//! many rows share is noted as they go ([`Notes`]) and said once at the
//! end, on the first line it concerns ([`Reader::warnings`]).

use std::collections::{BTreeMap, HashMap};
use std::path::Path;

use super::columns::Column;
use super::profile::{COMMON_STATUSES, GENERIC};
use super::{
    Found, ImportError, ImportSettings, Parsed, RowProblem, assign_codes, in_scientific_notation,
    is_blank, lines_text, split_full_name, unread_status, worst, yes_no,
};
use crate::domain::registrant::plausible_email;
use crate::domain::text::{sort_key, squeeze, undefused, without_invisible};
use crate::domain::{Event, SourceEntry, Status};

/// Turns the rows below the headers into entries: every row validated,
/// every bad row listed.
pub(super) fn entries(
    path: &Path,
    found: &Found<'_>,
    settings: &ImportSettings,
    event: &Event,
) -> Result<Parsed, ImportError> {
    let reader = Reader::new(path, found, settings, event)?;
    let mut notes = Notes::default();
    let mut problems = Vec::new();
    let mut entries = Vec::with_capacity(reader.rows.len());
    for (line, cells) in reader.rows {
        match reader.row(*line, cells, &mut notes) {
            Ok(Some(entry)) => entries.push(entry),
            Ok(None) => {}
            Err(problem) => problems.push(problem),
        }
    }
    problems.extend(reader.unknown_statuses(&notes));
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
    let mut format = found.table.format.clone();
    if reader.header_line > 1 {
        format.push_str(&format!(", en-têtes ligne {}", reader.header_line));
    }
    Ok(Parsed {
        warnings: reader.warnings(&notes),
        entries,
        format,
        profile: found.profile,
        skipped: notes.skipped,
    })
}

/// What the header says about reading the rows, worked out once.
struct Reader<'a> {
    found: &'a Found<'a>,
    settings: &'a ImportSettings,
    event: &'a Event,
    headers: &'a [String],
    header_line: usize,
    rows: &'a [(usize, Vec<String>)],
    /// A full-name column headed « Nom … »: the last name comes first.
    full_name_last_first: bool,
    /// Yes/No columns that are flags: every value is yes or no.
    flags: Vec<(usize, usize)>,
    /// Free fields kept: (column, header).
    extra_columns: Vec<(usize, String)>,
    /// A merged header over two filled columns: the name in two parts.
    merged_name: Option<(usize, usize)>,
    /// What a file filed for someone else does not say of them.
    filed_for_clears: &'static [Column],
}

/// What rows said that is told once, after them.
#[derive(Default)]
struct Notes {
    /// Each code (lowercased) and its first line.
    code_lines: HashMap<String, usize>,
    skipped: usize,
    url_codes: Vec<usize>,
    no_code: Vec<usize>,
    guessed_names: Vec<usize>,
    invisible_lines: Vec<usize>,
    incomplete_lines: Vec<usize>,
    filed_lines: Vec<usize>,
    unknown_status: Vec<(usize, String)>,
    /// Every status word read, with how often.
    status_seen: BTreeMap<String, usize>,
    unknown_categories: BTreeMap<String, Vec<usize>>,
}

/// One row's cells, invisible characters taken off.
struct Cells(Vec<String>);

impl Cells {
    /// A cell as read: trimmed, spaces squeezed, a spreadsheet's guard
    /// against formulas taken off.
    fn cell(&self, i: usize) -> String {
        self.0
            .get(i)
            .map(|s| squeeze(undefused(s.trim())))
            .unwrap_or_default()
    }
}

impl<'a> Reader<'a> {
    fn new(
        path: &Path,
        found: &'a Found<'a>,
        settings: &'a ImportSettings,
        event: &'a Event,
    ) -> Result<Reader<'a>, ImportError> {
        let Found {
            table,
            at,
            profile,
            mapping,
        } = found;
        let headers = &table.rows[*at].1;
        let rows = &table.rows[at + 1..];
        let full_name_last_first = mapping
            .index(Column::FullName)
            .and_then(|i| headers.get(i))
            .is_some_and(|h| sort_key(h).starts_with("nom"));
        // Yes/No columns are flags only when every value is one; otherwise
        // they are free fields like any other.
        type Flags = Vec<(usize, usize)>;
        let (flags, not_flags): (Flags, Flags) =
            mapping.flags.iter().copied().partition(|(col, _)| {
                rows.iter()
                    .all(|(_, cells)| cells.get(*col).is_none_or(|v| yes_no(v).is_some()))
            });
        let mut extra_columns = mapping.extra.clone();
        extra_columns.extend(
            not_flags
                .iter()
                .map(|(col, _)| (*col, headers[*col].trim().to_owned())),
        );
        extra_columns.retain(|(i, _)| !settings.ignore.contains(&sort_key(&headers[*i])));
        if profile.id == GENERIC.id
            && let Some(message) = unread_status(&extra_columns, rows)
        {
            return Err(ImportError::Columns {
                path: path.to_owned(),
                message,
            });
        }
        let merged_name = mapping.merged_name.filter(|&(_, second)| {
            rows.iter()
                .any(|(_, c)| c.get(second).is_some_and(|v| !v.trim().is_empty()))
        });
        Ok(Reader {
            found,
            settings,
            event,
            headers,
            header_line: table.rows[*at].0,
            rows,
            full_name_last_first,
            flags,
            extra_columns,
            merged_name,
            filed_for_clears: profile.rules.filed_for.map_or(&[], |(_, columns)| columns),
        })
    }

    /// A column's header as the file spells it.
    fn header_of(&self, c: Column) -> String {
        self.found
            .mapping
            .index(c)
            .and_then(|i| self.headers.get(i))
            .map(|h| h.trim().to_owned())
            .unwrap_or_default()
    }

    fn get(&self, cells: &Cells, c: Column) -> String {
        self.found
            .mapping
            .index(c)
            .map(|i| cells.cell(i))
            .unwrap_or_default()
    }

    /// One row: its entry, a problem, or nothing (blank, an add-on's line,
    /// or a status word noted for the end).
    fn row(
        &self,
        line: usize,
        cells: &[String],
        notes: &mut Notes,
    ) -> Result<Option<SourceEntry>, RowProblem> {
        let problem = |message: String| RowProblem { line, message };
        if is_blank(cells) {
            return Ok(None);
        }
        let mapping = &self.found.mapping;
        if mapping
            .skip_filled
            .iter()
            .any(|&i| cells.get(i).is_some_and(|v| !v.trim().is_empty()))
        {
            notes.skipped += 1;
            return Ok(None);
        }
        let width = self.headers.len();
        if cells.len() > width && cells[width..].iter().any(|c| !c.trim().is_empty()) {
            return Err(problem(format!(
                "{} cellules pour {width} colonnes — un séparateur en trop dans une valeur ? Mettez-la entre guillemets",
                cells.len()
            )));
        }
        let cells = self.cleaned(line, cells, notes);
        let code = self.code(line, &cells, notes)?;
        let (first_name, last_name) = self.names(line, &cells, notes);
        if first_name.is_empty() && last_name.is_empty() {
            return Err(problem("prénom et nom vides".into()));
        }
        let email = self.email(line, &cells, notes)?;
        let Some(status) = self.status(line, &cells, notes) else {
            return Ok(None);
        };
        Ok(Some(SourceEntry {
            line,
            code,
            code_generated: false,
            first_name,
            last_name,
            organisation: self.get(&cells, Column::Organisation),
            email,
            category: self.category(line, &cells, notes),
            status,
            extra: self
                .extra_columns
                .iter()
                .filter_map(|(i, header)| {
                    let v = squeeze(undefused(cells.0.get(*i)?.trim()));
                    (!v.is_empty()).then(|| (header.clone(), v))
                })
                .collect(),
        }))
    }

    /// The row's cells without invisible or control characters (noted).
    fn cleaned(&self, line: usize, cells: &[String], notes: &mut Notes) -> Cells {
        let mut cleaned = false;
        let cells = cells
            .iter()
            .map(|c| match without_invisible(c) {
                Some(clean) => {
                    cleaned = true;
                    clean
                }
                None => c.clone(),
            })
            .collect();
        if cleaned {
            notes.invisible_lines.push(line);
        }
        Cells(cells)
    }

    /// The ticket code: refused when Excel rounded it or another line has
    /// it; a web address or none at all is noted.
    fn code(&self, line: usize, cells: &Cells, notes: &mut Notes) -> Result<String, RowProblem> {
        let code = self.get(cells, Column::Code);
        if code.is_empty() {
            if self.found.mapping.index(Column::Code).is_some() {
                notes.no_code.push(line);
            }
            return Ok(code);
        }
        if in_scientific_notation(&code) {
            return Err(RowProblem {
                line,
                message: format!(
                    "code « {code} » arrondi par Excel (notation scientifique) : les chiffres du billet sont perdus — exportez à nouveau depuis la plateforme sans enregistrer le fichier dans Excel, ou mettez la colonne « {} » au format Texte avant de coller les codes",
                    self.header_of(Column::Code)
                ),
            });
        }
        if let Some(first) = notes.code_lines.get(&code.to_lowercase()) {
            return Err(RowProblem {
                line,
                message: format!("code « {code} » déjà utilisé ligne {first}"),
            });
        }
        notes.code_lines.insert(code.to_lowercase(), line);
        let lower = code.to_ascii_lowercase();
        if lower.starts_with("http://") || lower.starts_with("https://") {
            notes.url_codes.push(line);
        }
        Ok(code)
    }

    /// First and last name: two columns, a merged header over two, or one
    /// full name split (a guess, noted, when no part is in capitals).
    fn names(&self, line: usize, cells: &Cells, notes: &mut Notes) -> (String, String) {
        match (self.merged_name, self.found.mapping.index(Column::FullName)) {
            (Some((a, b)), _) if self.full_name_last_first => (cells.cell(b), cells.cell(a)),
            (Some((a, b)), _) => (cells.cell(a), cells.cell(b)),
            (None, Some(_)) => {
                let (first, last, sure) = split_full_name(
                    &self.get(cells, Column::FullName),
                    self.full_name_last_first,
                );
                if !sure {
                    notes.guessed_names.push(line);
                }
                (first, last)
            }
            (None, None) => (
                self.get(cells, Column::FirstName),
                self.get(cells, Column::LastName),
            ),
        }
    }

    /// The e-mail, if plausible: « anonymous » is none, and a file filed
    /// for someone else holds the filer's (not kept, noted).
    fn email(&self, line: usize, cells: &Cells, notes: &mut Notes) -> Result<String, RowProblem> {
        let mut email = self.get(cells, Column::Email);
        if matches!(sort_key(&email).as_str(), "anonymous" | "anonyme") {
            email.clear();
        }
        let filed_for = self
            .found
            .mapping
            .filed_for
            .and_then(|i| cells.0.get(i))
            .and_then(|v| yes_no(v))
            .unwrap_or(false);
        if filed_for
            && self.filed_for_clears.contains(&Column::Email)
            && !self.settings.columns.contains_key(&Column::Email)
        {
            if !email.is_empty() {
                notes.filed_lines.push(line);
            }
            email.clear();
        }
        if !email.is_empty() && !plausible_email(&email) {
            return Err(RowProblem {
                line,
                message: format!("courriel « {email} » invalide"),
            });
        }
        Ok(email)
    }

    /// Whether the person may come: the status column's word (one nobody
    /// mapped is noted, and the row waits: None), made worse by the
    /// profile's yes/no flags and by an unfinished form.
    fn status(&self, line: usize, cells: &Cells, notes: &mut Notes) -> Option<Status> {
        let profile = self.found.profile;
        let mut status = Status::Valid;
        if self.found.mapping.index(Column::Status).is_some() {
            let raw = self.get(cells, Column::Status);
            *notes.status_seen.entry(raw.clone()).or_default() += 1;
            let key = sort_key(&raw);
            let meaning = self.settings.statuses.get(&key).copied().or_else(|| {
                profile
                    .statuses
                    .iter()
                    .chain(COMMON_STATUSES)
                    .find(|(word, _)| *word == key)
                    .map(|(_, s)| *s)
            });
            match meaning {
                Some(s) => status = s,
                None => {
                    notes.unknown_status.push((line, raw));
                    return None;
                }
            }
        }
        for &(col, rule) in &self.flags {
            let flag = &profile.flags[rule];
            let answer = cells.0.get(col).and_then(|v| yes_no(v)).unwrap_or(false);
            if answer == flag.when {
                status = worst(status, flag.status);
            }
        }
        if let Some(i) = self.found.mapping.incomplete
            && cells.0.get(i).is_none_or(|v| v.trim().is_empty())
        {
            status = worst(status, Status::Pending);
            notes.incomplete_lines.push(line);
        }
        Some(status)
    }

    /// The category kiosk.toml knows the ticket type by, or the default
    /// one (an unknown type noted).
    fn category(&self, line: usize, cells: &Cells, notes: &mut Notes) -> String {
        let category_text = self.get(cells, Column::Category);
        let mapped = self
            .settings
            .categories
            .get(&sort_key(&category_text))
            .map(String::as_str)
            .unwrap_or(&category_text);
        match self.event.category(mapped) {
            Some(c) => c.name.clone(),
            None => {
                if !category_text.is_empty() {
                    notes
                        .unknown_categories
                        .entry(category_text)
                        .or_default()
                        .push(line);
                }
                self.event.default_category.clone()
            }
        }
    }

    /// A row per status word nobody mapped, each naming every word read.
    fn unknown_statuses(&self, notes: &Notes) -> Vec<RowProblem> {
        let seen = notes
            .status_seen
            .iter()
            .map(|(v, n)| {
                let v = if v.is_empty() { "(vide)" } else { v };
                format!("« {v} » ({n})")
            })
            .collect::<Vec<_>>()
            .join(", ");
        let column = self.header_of(Column::Status);
        notes
            .unknown_status
            .iter()
            .map(|(line, raw)| RowProblem {
                line: *line,
                message: format!(
                    "statut « {raw} » inconnu — valeurs lues dans « {column} » : {seen} — dites ce qu'il signifie dans kiosk.toml [import.status], par exemple \"{raw}\" = \"cancelled\" (ou \"valid\", \"pending\")"
                ),
            })
            .collect()
    }

    /// What cannot match at the door, or was read with a guess, said once
    /// each on the first line it concerns. A list of messages: it stays
    /// one function, one entry per kind of note.
    fn warnings(&self, notes: &Notes) -> Vec<RowProblem> {
        let profile = self.found.profile;
        let code_column = self.header_of(Column::Code);
        let mut warnings = Vec::new();
        if self.found.mapping.index(Column::Code).is_none() {
            warnings.push(RowProblem {
                line: self.header_line,
                message: format!(
                    "pas de colonne de code : codes générés — les QR codes des billets ne correspondront pas (ce que porte le QR d'un billet {} : {}) ; les personnes se trouvent par leur nom, ou indiquez la colonne dans [import.columns] code",
                    profile.label, profile.qr
                ),
            });
        }
        let mut say = |lines: &[usize], message: &dyn Fn(usize, String) -> String| {
            if let Some(&line) = lines.first() {
                warnings.push(RowProblem {
                    line,
                    message: message(lines.len(), lines_text(lines)),
                });
            }
        };
        say(&notes.no_code, &|n, lines| {
            format!(
                "{n} ligne(s) sans code dans « {code_column} » (lignes {lines}) : codes générés — leurs billets ne correspondront pas au scan"
            )
        });
        say(&notes.url_codes, &|n, lines| {
            format!(
                "la colonne « {code_column} » contient des adresses web ({n} ligne(s) : {lines}) : un lien vers le billet n'est en général pas ce que son QR code contient — vérifiez un billet avec « Tester le lecteur », ou indiquez la bonne colonne dans [import.columns] code"
            )
        });
        let full_name = self.header_of(Column::FullName);
        say(&notes.guessed_names, &|n, lines| {
            format!(
                "« {full_name} » : {n} nom(s) sans nom de famille en capitales, découpé(s) au premier espace (lignes {lines}) — vérifiez-les, ou exportez nom et prénom dans deux colonnes"
            )
        });
        let default = &self.event.default_category;
        for (value, lines) in &notes.unknown_categories {
            say(lines, &|n, lines| {
                format!(
                    "catégorie « {value} » inconnue de kiosk.toml ({n} ligne(s) : {lines}) — « {default} » retenue ; reliez-la dans kiosk.toml [import.categories], par exemple \"{value}\" = \"{default}\""
                )
            });
        }
        say(&notes.invisible_lines, &|n, lines| {
            format!(
                "caractères invisibles ou de contrôle retirés (espaces de largeur nulle, inversions de sens, codes de terminal…) : {n} ligne(s) ({lines})"
            )
        });
        say(&notes.incomplete_lines, &|n, lines| {
            format!(
                "{n} réponse(s) inachevée(s), sans date d'envoi (lignes {lines}) : importée(s) en attente, pas admise(s)"
            )
        });
        say(&notes.filed_lines, &|n, lines| {
            format!(
                "{n} dossier(s) déposé(s) pour un tiers (lignes {lines}) : le courriel du fichier est celui du déposant, pas repris — si un champ du formulaire donne celui du participant, nommez-le dans [import.columns] email"
            )
        });
        if notes.skipped > 0 {
            warnings.push(RowProblem {
                line: self.header_line,
                message: format!(
                    "{} ligne(s) d'options (add-ons) ignorée(s) : ce ne sont pas des personnes",
                    notes.skipped
                ),
            });
        }
        warnings.sort_by_key(|w| w.line);
        warnings
    }
}
