//! Reading a programme (sessions: title, room, start, end, capacity, on
//! registration only, who registered) from a CSV or a workbook, with the
//! registrants' rules: every row checked, every problem told by its line,
//! nothing taken when one is wrong.

use std::collections::BTreeMap;
use std::path::Path;

use jiff::civil::{Date, DateTime, Time};

use super::table::{self, Table};
use super::{ImportError, ImportSettings, RowProblem};
use crate::domain::Event;
use crate::domain::programme::Session;
use crate::domain::text::{fold, squeeze};

/// A programme's columns, and the headers each is known by (folded).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Field {
    Id,
    Title,
    Room,
    Date,
    Start,
    End,
    Capacity,
    RegistrationOnly,
    Registered,
    PretixList,
}

const FIELDS: &[(Field, &[&str])] = &[
    (
        Field::Id,
        &[
            "id",
            "session",
            "code",
            "reference",
            "ref",
            "identifiant",
            "code seance",
        ],
    ),
    (
        Field::Title,
        &[
            "titre", "title", "intitule", "seance", "atelier", "nom", "name", "sujet",
        ],
    ),
    (
        Field::Room,
        &["salle", "room", "lieu", "location", "espace"],
    ),
    (Field::Date, &["date", "jour", "day"]),
    (
        Field::Start,
        &[
            "debut",
            "start",
            "heure de debut",
            "heure debut",
            "start time",
            "commence",
            "starts",
            "de",
        ],
    ),
    (
        Field::End,
        &[
            "fin",
            "end",
            "heure de fin",
            "heure fin",
            "end time",
            "termine",
            "ends",
            "a",
        ],
    ),
    (
        Field::Capacity,
        &[
            "capacite",
            "capacity",
            "places",
            "jauge",
            "nombre de places",
        ],
    ),
    (
        Field::RegistrationOnly,
        &[
            "sur inscription",
            "inscription",
            "registration only",
            "reserve aux inscrits",
            "inscription obligatoire",
        ],
    ),
    (
        Field::Registered,
        &["inscrits", "registered", "participants", "billets", "codes"],
    ),
    (
        Field::PretixList,
        &[
            "liste pretix",
            "pretix",
            "liste d'enregistrement",
            "liste d enregistrement",
            "pretix list",
            "check-in list",
            "checkin list",
        ],
    ),
];

/// A programme as read, before its registrations are matched to people.
#[derive(Debug, Clone, PartialEq)]
pub struct ParsedProgramme {
    /// Each session with its line.
    pub sessions: Vec<(usize, Session)>,
    /// `(line, session id, ticket code or e-mail)`.
    pub registrations: Vec<(usize, String, String)>,
    /// `(line, session id, pretix check-in list: its id or name)`: the
    /// session's registered people are that list's tickets.
    pub pretix_lists: Vec<(usize, String, String)>,
    pub warnings: Vec<RowProblem>,
    /// How the file was read.
    pub format: String,
}

/// Reads a programme file.
pub fn read_file(
    path: &Path,
    settings: &ImportSettings,
    event: &Event,
) -> Result<ParsedProgramme, ImportError> {
    read_bytes(path, &super::read_source(path)?, settings, event)
}

/// [`read_file`] on bytes already read.
pub fn read_bytes(
    path: &Path,
    bytes: &[u8],
    settings: &ImportSettings,
    event: &Event,
) -> Result<ParsedProgramme, ImportError> {
    // The registrants' sheet and column settings are not the programme's.
    let settings = ImportSettings {
        separator: settings.separator,
        encoding: settings.encoding,
        ..ImportSettings::default()
    };
    let tables = table::read(path, bytes, &settings)?;
    let mut missing = None;
    for t in &tables {
        match header(t) {
            Ok((row, columns)) => return rows(path, t, row, &columns, event),
            Err(m) => {
                missing.get_or_insert(m);
            }
        }
    }
    Err(match missing {
        Some(message) => ImportError::Columns {
            path: path.to_owned(),
            message,
        },
        None => ImportError::NoHeader {
            path: path.to_owned(),
        },
    })
}

fn field_of(header: &str) -> Option<Field> {
    let h = squeeze(&fold(header).replace(['_', '-', '.', ':'], " "));
    FIELDS
        .iter()
        .find(|(_, names)| names.contains(&h.as_str()))
        .map(|(f, _)| *f)
}

/// The header row (index in `t.rows`) among the first ten, and where each
/// field is.
fn header(t: &Table) -> Result<(usize, BTreeMap<Field, usize>), String> {
    let mut best: Option<(usize, BTreeMap<Field, usize>)> = None;
    for (i, (_, cells)) in t.rows.iter().enumerate().take(10) {
        let mut columns = BTreeMap::new();
        for (c, cell) in cells.iter().enumerate() {
            if let Some(f) = field_of(cell) {
                columns.entry(f).or_insert(c);
            }
        }
        if best.as_ref().is_none_or(|(_, b)| columns.len() > b.len()) {
            best = Some((i, columns));
        }
    }
    let Some((i, columns)) = best else {
        return Err("fichier vide".into());
    };
    let absent: Vec<&str> = [
        (Field::Title, "« Titre »"),
        (Field::Room, "« Salle »"),
        (Field::Start, "« Début »"),
        (Field::End, "« Fin »"),
    ]
    .into_iter()
    .filter(|(f, _)| !columns.contains_key(f))
    .map(|(_, name)| name)
    .collect();
    if absent.is_empty() {
        Ok((i, columns))
    } else {
        Err(format!(
            "colonne(s) {} absente(s) — un programme a au moins les colonnes Titre, Salle, Début et Fin (et Date quand Début et Fin ne sont que des heures) ; vérifiez le séparateur",
            absent.join(", ")
        ))
    }
}

fn rows(
    path: &Path,
    t: &Table,
    header_row: usize,
    columns: &BTreeMap<Field, usize>,
    event: &Event,
) -> Result<ParsedProgramme, ImportError> {
    let mut problems = Vec::new();
    let mut warnings = Vec::new();
    let mut sessions: Vec<(usize, Session)> = Vec::new();
    let mut registrations = Vec::new();
    let mut pretix_lists = Vec::new();
    // Each reference's line: a clash is found without going through the rest.
    let mut ids: std::collections::HashMap<String, usize> = std::collections::HashMap::new();
    let mut after_midnight_lines: Vec<usize> = Vec::new();
    for (line, cells) in t.rows.iter().skip(header_row + 1) {
        let line = *line;
        if cells.iter().all(|c| c.trim().is_empty()) {
            continue;
        }
        let cell = |f: Field| -> &str {
            columns
                .get(&f)
                .and_then(|&c| cells.get(c))
                .map_or("", |s| s.trim())
        };
        let (wrong, read) = read_row(&cell, columns, event);
        problems.extend(
            wrong
                .into_iter()
                .map(|message| RowProblem { line, message }),
        );
        let Some(read) = read else {
            continue;
        };
        let id = read.session.id.clone();
        if let Some(other) = ids.get(&id) {
            problems.push(RowProblem {
                line,
                message: if columns.contains_key(&Field::Id) {
                    format!("séance « {id} » déjà donnée ligne {other}")
                } else {
                    format!("même salle et même début que la ligne {other}")
                },
            });
            continue;
        }
        if read.after_midnight {
            after_midnight_lines.push(line);
        }
        warnings.extend(
            read.warnings()
                .into_iter()
                .map(|message| RowProblem { line, message }),
        );
        registrations.extend(read.listed.into_iter().map(|who| (line, id.clone(), who)));
        if !read.pretix_list.is_empty() {
            pretix_lists.push((line, id.clone(), read.pretix_list));
        }
        ids.insert(id, line);
        sessions.push((line, read.session));
    }
    warnings.extend(overlaps(&sessions));
    warnings.extend(after_midnight_lines.first().map(|&line| RowProblem {
        line,
        message: format!(
            "{} séance(s) finissant après minuit (lignes {}) : fin lue le lendemain — vérifiez-les",
            after_midnight_lines.len(),
            super::lines_text(&after_midnight_lines)
        ),
    }));
    warnings.sort_by_key(|w| w.line);
    if !problems.is_empty() {
        return Err(ImportError::BadRows {
            path: path.to_owned(),
            problems,
        });
    }
    if sessions.is_empty() {
        return Err(ImportError::Columns {
            path: path.to_owned(),
            message: "aucune séance dans le fichier — rien n'a été importé".into(),
        });
    }
    Ok(ParsedProgramme {
        sessions,
        registrations,
        pretix_lists,
        warnings,
        format: t.format.clone(),
    })
}

/// One row of the programme, read.
struct Read {
    session: Session,
    /// Who the row says registered (their codes or e-mails).
    listed: Vec<String>,
    /// The pretix check-in list whose tickets are registered.
    pretix_list: String,
    /// The end was read on the day after the start.
    after_midnight: bool,
}

impl Read {
    /// What the row says that the door would make strange.
    fn warnings(&self) -> Vec<String> {
        let s = &self.session;
        let mut said = Vec::new();
        if s.registration_only && self.listed.is_empty() && self.pretix_list.is_empty() {
            said.push(format!(
                "« {} » est sur inscription sans inscrits : la porte n'admettra personne",
                s.title
            ));
        }
        if let Some(cap) = s.capacity
            && self.listed.len() > cap as usize
        {
            said.push(format!(
                "« {} » : {} inscrits pour {cap} places",
                s.title,
                self.listed.len()
            ));
        }
        said
    }
}

/// A row, read: what is wrong with it (an empty title and an empty room
/// are both told; any other problem ends the reading), and the session
/// when its times and fields could be read.
fn read_row<'c>(
    cell: &impl Fn(Field) -> &'c str,
    columns: &BTreeMap<Field, usize>,
    event: &Event,
) -> (Vec<String>, Option<Read>) {
    let mut wrong = Vec::new();
    let title = squeeze(cell(Field::Title));
    let room = squeeze(cell(Field::Room));
    if title.is_empty() {
        wrong.push("titre vide".into());
    }
    if room.is_empty() {
        wrong.push("salle vide".into());
    }
    let read = (|| -> Result<Read, String> {
        let times = times(cell, event)?;
        let capacity = capacity(cell(Field::Capacity))?;
        let listed: Vec<String> = cell(Field::Registered)
            .split(|c: char| c == ',' || c == ';' || c == '|' || c.is_whitespace())
            .filter(|s| !s.is_empty())
            .map(str::to_owned)
            .collect();
        let pretix_list = cell(Field::PretixList).trim().to_owned();
        let registration_only = match fold(cell(Field::RegistrationOnly)).trim() {
            "" => {
                (!listed.is_empty() || !pretix_list.is_empty())
                    && !columns.contains_key(&Field::RegistrationOnly)
            }
            "oui" | "o" | "yes" | "y" | "vrai" | "true" | "1" | "x" => true,
            "non" | "n" | "no" | "faux" | "false" | "0" => false,
            other => return Err(format!("« sur inscription » : « {other} » — oui ou non")),
        };
        let id = match cell(Field::Id) {
            "" => generated_id(&room, times.start),
            id if id.len() > 100 => {
                return Err("identifiant de séance trop long (100 caractères au plus)".into());
            }
            id => id.to_owned(),
        };
        Ok(Read {
            session: Session {
                id,
                title: title.clone(),
                room: room.clone(),
                start: times.start_at,
                end: times.end_at,
                capacity,
                registration_only,
            },
            listed,
            pretix_list,
            after_midnight: times.after_midnight,
        })
    })();
    match read {
        Ok(read) => (wrong, Some(read)),
        Err(message) => {
            wrong.push(message);
            (wrong, None)
        }
    }
}

/// A row's times: its start as written (for a generated reference), its
/// start and end as instants, and whether the end was read on the next day.
struct Times {
    start: DateTime,
    start_at: jiff::Timestamp,
    end_at: jiff::Timestamp,
    after_midnight: bool,
}

fn times<'c>(cell: &impl Fn(Field) -> &'c str, event: &Event) -> Result<Times, String> {
    let date = match cell(Field::Date) {
        "" => None,
        d => Some(day(d, event)?),
    };
    let start = moment(cell(Field::Start), date, event).map_err(|m| format!("début : {m}"))?;
    let end_date = date.or_else(|| Some(start.date()));
    let end = moment(cell(Field::End), end_date, event).map_err(|m| format!("fin : {m}"))?;
    let (end, after_midnight) = match after_midnight(start, end, cell(Field::End)) {
        Some(next_day) => (next_day, true),
        None => (end, false),
    };
    if event.day_of(start.date()).is_none() {
        return Err(format!(
            "le {} n'est pas un jour de l'événement ([event] days dans kiosk.toml)",
            start.date().strftime(crate::domain::when::DATE)
        ));
    }
    let (Ok(start_at), Ok(end_at)) = (
        event.timezone.to_timestamp(start),
        event.timezone.to_timestamp(end),
    ) else {
        return Err("heure hors de toute date possible".into());
    };
    if end_at <= start_at {
        return Err(format!(
            "la fin ({}) n'est pas après le début ({}) — une séance qui finit le lendemain : écrivez la date avec l'heure de fin (2026-06-12 01:30)",
            end.strftime(crate::domain::when::TIME),
            start.strftime(crate::domain::when::TIME)
        ));
    }
    Ok(Times {
        start,
        start_at,
        end_at,
        after_midnight,
    })
}

/// A capacity cell: a number of places (spaces between thousands
/// allowed), or empty for no limit.
fn capacity(c: &str) -> Result<Option<u32>, String> {
    match c {
        "" => Ok(None),
        c => match c.replace([' ', '\u{a0}', '\u{202f}'], "").parse::<u32>() {
            Ok(0) | Err(_) => Err(format!(
                "capacité « {c} » illisible — un nombre de places (120), ou vide pour sans limite"
            )),
            Ok(n) => Ok(Some(n)),
        },
    }
}

/// Two sessions at once in one room: the door would admit to the later.
/// By room, in order of start (a file of any size in n log n).
fn overlaps(sessions: &[(usize, Session)]) -> Vec<RowProblem> {
    let mut warnings = Vec::new();
    let mut by_room: BTreeMap<String, Vec<(usize, &Session)>> = BTreeMap::new();
    for (line, s) in sessions {
        by_room
            .entry(crate::domain::text::sort_key(&s.room))
            .or_default()
            .push((*line, s));
    }
    for list in by_room.values_mut() {
        list.sort_by_key(|(line, s)| (s.start, *line));
        // The session seen so far that ends last.
        let mut latest: Option<(usize, &Session)> = None;
        for &(line, a) in list.iter() {
            if let Some((other, b)) = latest
                && a.start < b.end
            {
                warnings.push(RowProblem {
                    line,
                    message: format!(
                        "« {} » chevauche la ligne {other} dans la salle « {} » : la porte admet à la séance qui commence le plus tard",
                        a.title, a.room
                    ),
                });
            }
            if latest.is_none_or(|(_, b)| a.end > b.end) {
                latest = Some((line, a));
            }
        }
    }
    warnings
}

/// `salle-a-2026-06-11-0930`: the room and the start, when the file gives
/// no reference (the same row imported again keeps it).
fn generated_id(room: &str, start: DateTime) -> String {
    let mut slug = String::new();
    for c in fold(room).chars() {
        if c.is_ascii_alphanumeric() {
            slug.push(c);
        } else if !slug.ends_with('-') && !slug.is_empty() {
            slug.push('-');
        }
    }
    let slug = slug.trim_end_matches('-');
    format!("{slug}-{}", start.strftime("%Y-%m-%d-%H%M"))
}

/// A date cell: `2026-06-11`, `11/06/2026`, or the event's day number
/// (`1`, `J1`, `jour 2`).
fn day(text: &str, event: &Event) -> Result<Date, String> {
    let t = fold(text);
    let t = t.trim();
    let number = t
        .strip_prefix("jour")
        .or_else(|| t.strip_prefix("day"))
        .or_else(|| t.strip_prefix('j'))
        .unwrap_or(t)
        .trim();
    if let Some(at) = serial(t) {
        return Ok(at.date());
    }
    if let Ok(n) = number.parse::<usize>() {
        return event
            .day_number(n)
            .map(|d| d.date)
            .ok_or_else(|| format!("jour {n} : l'événement dure {} jour(s)", event.days.len()));
    }
    // 9/28/2022: Google Sheets in English writes month first. Taken so
    // only when the day first is no date of the event and month first is.
    if let Some(us) = month_first(text.trim())
        && date_of(text.trim()).is_none_or(|d| event.day_of(d).is_none())
        && event.day_of(us).is_some()
    {
        return Ok(us);
    }
    date_of(text.trim()).ok_or_else(|| {
        format!("date « {text} » illisible — AAAA-MM-JJ, JJ/MM/AAAA, le numéro du jour, ou une date Excel au format Standard (45820)")
    })
}

fn date_of(t: &str) -> Option<Date> {
    if let Ok(d) = t.parse::<Date>() {
        return Some(d);
    }
    let parts: Vec<&str> = t.split(['/', '.']).collect();
    if let [d, m, y] = parts[..] {
        let (d, m, y) = (d.parse().ok()?, m.parse().ok()?, y.parse::<i16>().ok()?);
        let y = if y < 100 { 2000 + y } else { y };
        return Date::new(y, m, d).ok();
    }
    None
}

/// `9/28/2022`: month, day, year.
fn month_first(t: &str) -> Option<Date> {
    let parts: Vec<&str> = t.split('/').collect();
    let [m, d, y] = parts[..] else { return None };
    let (m, d, y) = (m.parse().ok()?, d.parse().ok()?, y.parse::<i16>().ok()?);
    Date::new(if y < 100 { 2000 + y } else { y }, m, d).ok()
}

/// A time as people and spreadsheets write it: `09:30`, `9h30`, `9h`,
/// `09:30:00`; twelve-hour `2:00 PM`, `2:00:00 PM`, `2 pm`, `12:15 p.m.`;
/// an Excel time left in a General cell, a fraction of a day
/// (`0.395833333333333`, `0,3958` = 09:30).
fn time_of(t: &str) -> Option<Time> {
    let t = t.trim().to_ascii_lowercase();
    if let Some(fraction) = day_fraction(&t) {
        return (fraction < 1.0)
            .then(|| time_of_fraction(fraction))
            .flatten();
    }
    let (clock, half) = match twelve_hour(&t) {
        Some((clock, pm)) => (clock, Some(pm)),
        None => (t.as_str(), None),
    };
    let (h, m) = match (clock.split_once([':', 'h']), half) {
        (Some((h, rest)), _) => {
            let m = rest.split(':').next().unwrap_or("");
            (h, if m.is_empty() { "0" } else { m })
        }
        // « 2 pm »: the hour alone.
        (None, Some(_)) => (clock, "0"),
        (None, None) => return None,
    };
    let (h, m): (i8, i8) = (h.trim().parse().ok()?, m.trim().parse().ok()?);
    let h = match half {
        None => h,
        Some(_) if !(1..=12).contains(&h) => return None,
        Some(false) => h % 12,
        Some(true) => h % 12 + 12,
    };
    Time::new(h, m, 0, 0).ok()
}

/// `2:00 PM` → (`2:00`, true): the clock and whether it is afternoon.
fn twelve_hour(t: &str) -> Option<(&str, bool)> {
    for (suffix, pm) in [("a.m.", false), ("p.m.", true), ("am", false), ("pm", true)] {
        if let Some(clock) = t.strip_suffix(suffix) {
            return Some((clock.trim_end(), pm));
        }
    }
    None
}

/// A number with a decimal separator (`0.3958`, `45820,5`): what Excel
/// shows of a time or a date and time in a General cell.
fn day_fraction(t: &str) -> Option<f64> {
    let t = t.replace(',', ".");
    let (whole, decimals) = t.split_once('.')?;
    if whole.is_empty() && decimals.is_empty()
        || !whole.bytes().all(|b| b.is_ascii_digit())
        || !decimals.bytes().all(|b| b.is_ascii_digit())
    {
        return None;
    }
    t.parse().ok()
}

/// The time of a fraction of a day, to the nearest minute.
fn time_of_fraction(fraction: f64) -> Option<Time> {
    let minutes = (fraction * 1440.0).round();
    if !(0.0..1440.0).contains(&minutes) {
        return None;
    }
    // Within 0..1440: the casts cannot truncate.
    let minutes = minutes as i32;
    Time::new((minutes / 60) as i8, (minutes % 60) as i8, 0, 0).ok()
}

/// An Excel serial (days since 1899-12-30, the 1900 system), with its
/// time of day when it has a fraction: `45820.395833` is 2025-06-13 09:30.
fn serial(t: &str) -> Option<DateTime> {
    let t = t.trim();
    let value: f64 = match day_fraction(t) {
        Some(v) => v,
        None if !t.is_empty() && t.bytes().all(|b| b.is_ascii_digit()) => t.parse().ok()?,
        None => return None,
    };
    // 1982 to 2119: a day number or a stray count is no serial.
    if !(30000.0..80000.0).contains(&value) {
        return None;
    }
    let days = value.floor();
    let time = time_of_fraction(value - days)?;
    // Within 30000..80000: the cast cannot truncate.
    let date = Date::new(1899, 12, 30)
        .ok()?
        .checked_add(jiff::Span::new().days(days as i64))
        .ok()?;
    Some(date.to_datetime(time))
}

const TIME_FORMS: &str = "une heure (09:30, 9h30, 2:00 PM) ou une date et une heure (2026-06-11 09:30) ; une heure Excel au format Standard (0,3958) se lit aussi";

/// A start or end cell, with the row's date when the cell is only a time.
fn moment(text: &str, date: Option<Date>, event: &Event) -> Result<DateTime, String> {
    if text.is_empty() {
        return Err(format!("vide — {TIME_FORMS}"));
    }
    let t = text.trim();
    if let Some(at) = serial(t) {
        return Ok(at);
    }
    // A date and a time: `2026-06-11 09:30`, `2026-06-11T09:30`, `11/06/2026 9h30`.
    if let Some((d, h)) = t
        .split_once([' ', 'T'])
        .filter(|(d, _)| date_of(d.trim()).is_some())
        && let (Some(d), Some(h)) = (date_of(d.trim()), time_of(h.trim()))
    {
        return Ok(d.to_datetime(h));
    }
    let Some(h) = time_of(t) else {
        return Err(format!("« {t} » illisible — {TIME_FORMS}"));
    };
    match date {
        Some(d) => Ok(d.to_datetime(h)),
        None if event.days.len() == 1 => Ok(event.first_day().date.to_datetime(h)),
        None => Err(format!(
            "« {t} » sans date, et l'événement dure {} jours — ajoutez une colonne « Date » (ou le numéro du jour)",
            event.days.len()
        )),
    }
}

/// An end written as a time only that comes before its start: the session
/// ends after midnight (22:00–02:00), if that makes it 12 hours or less;
/// a longer one is more likely a typo, and refused.
fn after_midnight(start: DateTime, end: DateTime, end_cell: &str) -> Option<DateTime> {
    let time_only = time_of(end_cell).is_some() && serial(end_cell).is_none();
    if !time_only || end >= start {
        return None;
    }
    let next = end.checked_add(jiff::Span::new().days(1)).ok()?;
    let hours = start.until(next).ok()?.total(jiff::Unit::Hour).ok()?;
    (hours <= 12.0).then_some(next)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::event::tests::sample_event;

    fn read(text: &str) -> Result<ParsedProgramme, ImportError> {
        read_bytes(
            Path::new("programme.csv"),
            text.as_bytes(),
            &ImportSettings::default(),
            &sample_event(),
        )
    }

    #[test]
    fn a_french_spreadsheet_s_programme_reads_with_its_dates_and_times() {
        let p = read(
            "Code;Titre;Salle;Date;Début;Fin;Capacité;Sur inscription;Inscrits\n\
             A1;Ouverture;Amphi;28/09/2022;9h30;10h30;500;non;\n\
             B2;Atelier données;Salle 2;jour 2;14:00;15:30;20;oui;NEC-1, NEC-2\n",
        )
        .unwrap();
        assert_eq!(p.sessions.len(), 2);
        let (line, b) = &p.sessions[1];
        assert_eq!(*line, 3);
        assert_eq!(b.capacity, Some(20));
        assert!(b.registration_only);
        assert_eq!(b.start.to_string(), "2022-09-29T14:00:00Z");
        assert_eq!(p.registrations.len(), 2);
    }

    #[test]
    fn every_wrong_row_is_told_by_its_line_and_nothing_is_taken() {
        let err = read(
            "Titre;Salle;Date;Début;Fin;Capacité\n\
             Bon;Amphi;2022-09-28;09:00;10:00;\n\
             ;Amphi;2022-09-28;11:00;12:00;\n\
             Envers;Amphi;2022-09-28;12:00;11:00;\n\
             Hors;Amphi;2023-01-01;09:00;10:00;\n\
             Places;Amphi;2022-09-28;13:00;14:00;beaucoup\n\
             Heure;Amphi;2022-09-28;midi;14:00;\n",
        )
        .unwrap_err();
        let ImportError::BadRows { problems, .. } = err else {
            panic!("{err}")
        };
        let lines: Vec<usize> = problems.iter().map(|p| p.line).collect();
        assert_eq!(lines, vec![3, 4, 5, 6, 7], "{problems:?}");
    }

    /// Times as Google Sheets in English, LibreOffice and Excel write
    /// them: twelve-hour with and without seconds, an Excel time left in a
    /// General cell, a date and time serial.
    #[test]
    fn times_as_spreadsheets_write_them() {
        for (cell, want) in [
            ("2:00:00 PM", "14:00"),
            ("2:00 PM", "14:00"),
            ("2 pm", "14:00"),
            ("12:15 PM", "12:15"),
            ("12:05 AM", "00:05"),
            ("9:30 a.m.", "09:30"),
            ("0.395833333333333", "09:30"),
            ("0,5", "12:00"),
            ("14:00:00", "14:00"),
            ("9h", "09:00"),
        ] {
            let t = time_of(cell).unwrap_or_else(|| panic!("{cell}"));
            assert_eq!(
                t.strftime(crate::domain::when::TIME).to_string(),
                want,
                "{cell}"
            );
        }
        for bad in ["13:00 PM", "0 AM", "1.5", "midi", "12", "-0.5", ".", "1e3"] {
            assert!(time_of(bad).is_none(), "{bad}");
        }
        assert_eq!(
            serial("44832.5833333333").map(|d| d.to_string()),
            Some("2022-09-28T14:00:00".into())
        );
        assert_eq!(
            serial("44832").map(|d| d.to_string()),
            Some("2022-09-28T00:00:00".into())
        );
        assert_eq!(serial("12.5"), None);
        // A whole programme in Google Sheets' English export.
        let p = read(
            "Title,Room,Date,Start,End\n\
             Opening,Amphi,9/28/2022,9:30:00 AM,10:30:00 AM\n\
             Lunch talk,Amphi,28/09/2022,12:15 PM,1:45 PM\n\
             Workshop,Room 2,44833,0.583333333333333,0.645833333333333\n",
        );
        let p = p.unwrap_or_else(|e| panic!("{e}"));
        let times: Vec<String> = p
            .sessions
            .iter()
            .map(|(_, s)| format!("{}–{}", s.start, s.end))
            .collect();
        assert_eq!(
            times,
            [
                "2022-09-28T09:30:00Z–2022-09-28T10:30:00Z",
                "2022-09-28T12:15:00Z–2022-09-28T13:45:00Z",
                "2022-09-29T14:00:00Z–2022-09-29T15:30:00Z",
            ]
        );
    }

    /// 22:00–02:00 ends the next day, with a warning; 12:00–11:00 is a
    /// typo, refused with the way to write a next-day end.
    #[test]
    fn a_session_after_midnight_ends_the_next_day() {
        let p = read("Titre;Salle;Date;Début;Fin\nSoirée;Amphi;2022-09-28;22:00;02:00\n").unwrap();
        // The sample event's clock is UTC.
        assert_eq!(p.sessions[0].1.end.to_string(), "2022-09-29T02:00:00Z");
        assert!(
            p.warnings[0].message.contains("après minuit"),
            "{:?}",
            p.warnings
        );
        let err = read("Titre;Salle;Date;Début;Fin\nEnvers;Amphi;2022-09-28;12:00;11:00\n")
            .unwrap_err()
            .to_string();
        assert!(err.contains("le lendemain"), "{err}");
        let err = read("Titre;Salle;Date;Début;Fin\nX;Amphi;2022-09-28;midi;14:00\n")
            .unwrap_err()
            .to_string();
        assert!(err.contains("2:00 PM") && err.contains("0,3958"), "{err}");
    }

    #[test]
    fn a_file_without_the_needed_columns_says_which() {
        let err = read("Nom,Prénom,Email\nDupont,Hélène,h@example.fr\n").unwrap_err();
        assert!(err.to_string().contains("« Salle »"), "{err}");
    }

    #[test]
    fn generated_ids_are_stable_and_clashes_are_told() {
        let p = read("Titre,Salle,Début,Fin\nA,Salle A,2022-09-28 09:00,10:00\n").unwrap();
        assert_eq!(p.sessions[0].1.id, "salle-a-2022-09-28-0900");
        let err = read(
            "Titre,Salle,Début,Fin\nA,Salle A,2022-09-28 09:00,10:00\nB,salle a,2022-09-28 09:00,10:00\n",
        )
        .unwrap_err();
        assert!(err.to_string().contains("ligne 2"), "{err}");
    }

    #[test]
    fn a_huge_programme_is_read_in_linear_time_and_overlaps_are_told() {
        // 100,000 sessions in 8,334 rooms: a hostile or mistaken file must
        // not hang the import (overlaps and references were compared
        // pairwise: this test took minutes).
        let mut text = String::from("Titre;Salle;Date;Début;Fin\n");
        for i in 0..100_000u32 {
            let h = 7 + i % 12;
            text.push_str(&format!(
                "S{i};Salle {};28/09/2022;{h:02}:00;{:02}:30\n",
                i / 12,
                h
            ));
        }
        text.push_str("Doublon;Salle 0;28/09/2022;07:15;07:45\n");
        let p = read(&text).unwrap();
        assert_eq!(p.sessions.len(), 100_001);
        assert_eq!(
            p.warnings.len(),
            1,
            "{:?}",
            &p.warnings[..p.warnings.len().min(3)]
        );
        assert!(
            p.warnings[0].message.contains("ligne 2"),
            "{:?}",
            p.warnings
        );
    }

    #[test]
    fn times_without_dates_need_a_date_on_a_two_day_event() {
        let err = read("Titre,Salle,Début,Fin\nA,Salle A,09:00,10:00\n").unwrap_err();
        assert!(err.to_string().contains("colonne « Date »"), "{err}");
    }

    /// One row of a generated programme, and whether it is right.
    fn row() -> impl proptest::strategy::Strategy<Value = (String, bool)> {
        use proptest::prelude::*;
        let title = prop_oneof![
            4 => "[A-Za-zéèàç][a-zéèàç ]{0,20}".prop_map(|t| t.trim().to_owned()),
            1 => Just(String::new()),
        ];
        let room = prop_oneof![4 => "(Salle [A-D]|Amphi|Hall)", 1 => Just(String::new())];
        let date = prop_oneof![
            4 => Just("28/09/2022".to_owned()),
            2 => Just("2022-09-29".to_owned()),
            1 => Just("jour 2".to_owned()),
            1 => Just("30/09/2022".to_owned()),
            1 => Just("demain".to_owned()),
        ];
        let hour = 7u8..20;
        let capacity = prop_oneof![
            3 => Just(String::new()),
            3 => (1u32..500).prop_map(|n| n.to_string()),
            1 => Just("0".to_owned()),
            1 => Just("beaucoup".to_owned()),
        ];
        (
            title,
            room,
            date,
            hour.clone(),
            0u8..4,
            hour,
            capacity,
            0u32..10_000,
        )
            .prop_map(|(title, room, date, h1, quarter, h2, capacity, code)| {
                let start = format!("{h1:02}:{:02}", quarter * 15);
                let end = format!("{h2}h{:02}", quarter * 15);
                let good = !title.is_empty()
                    && !room.is_empty()
                    && !matches!(date.as_str(), "30/09/2022" | "demain")
                    // An earlier end is the next day's, up to 12 hours on.
                    && (h2 > h1 || (h2 < h1 && u32::from(h2) + 24 - u32::from(h1) <= 12))
                    && !matches!(capacity.as_str(), "0" | "beaucoup");
                (
                    format!("C{code};{title};{room};{date};{start};{end};{capacity}"),
                    good,
                )
            })
    }

    proptest::proptest! {
        /// Whatever mix of right and wrong rows: either every row is taken,
        /// or the error lists exactly the wrong rows' lines (and nothing is
        /// taken); never a wrong row taken silently.
        #[test]
        fn a_programme_is_taken_whole_or_its_wrong_lines_are_all_told(
            rows in proptest::collection::vec(row(), 1..30)
        ) {
            // Distinct codes: the reference is the row's number.
            let mut text = String::from("Code;Titre;Salle;Date;Début;Fin;Capacité\n");
            for (i, (r, _)) in rows.iter().enumerate() {
                let r = r.split_once(';').map(|(_, rest)| rest).unwrap_or_default();
                text.push_str(&format!("S{i};{r}\n"));
            }
            let wrong: Vec<usize> = rows
                .iter()
                .enumerate()
                .filter(|(_, (_, good))| !good)
                .map(|(i, _)| i + 2)
                .collect();
            match read(&text) {
                Ok(p) => {
                    proptest::prop_assert!(wrong.is_empty(), "wrong rows taken: {wrong:?}");
                    proptest::prop_assert_eq!(p.sessions.len(), rows.len());
                }
                Err(ImportError::BadRows { problems, .. }) => {
                    let mut lines: Vec<usize> = problems.iter().map(|p| p.line).collect();
                    lines.dedup();
                    proptest::prop_assert_eq!(lines, wrong);
                }
                Err(e) => proptest::prop_assert!(false, "{e}"),
            }
        }
    }
}
