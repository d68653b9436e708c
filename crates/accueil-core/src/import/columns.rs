//! Finding the columns of a source by their headers, as a profile says.

use std::collections::BTreeMap;

use super::profile::Profile;
use crate::domain::text::sort_key;

/// A column accueil interprets. Other columns are kept as free fields.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    strum::IntoStaticStr,
    strum::EnumString,
)]
#[strum(serialize_all = "snake_case")]
pub enum Column {
    Code,
    LastName,
    FirstName,
    /// « NOM Prénom » in one column, when there is no other name column.
    FullName,
    Organisation,
    Email,
    Category,
    Status,
}

impl Column {
    pub const ALL: [Column; 8] = [
        Column::Code,
        Column::LastName,
        Column::FirstName,
        Column::FullName,
        Column::Organisation,
        Column::Email,
        Column::Category,
        Column::Status,
    ];

    /// The key in kiosk.toml `[import.columns]`.
    pub fn key(self) -> &'static str {
        self.into()
    }

    pub fn from_key(key: &str) -> Option<Column> {
        key.parse().ok()
    }

    /// The French name, for messages.
    pub fn label(self) -> &'static str {
        match self {
            Column::Code => "Code",
            Column::LastName => "Nom",
            Column::FirstName => "Prénom",
            Column::FullName => "Nom et prénom",
            Column::Organisation => "Organisation",
            Column::Email => "Courriel",
            Column::Category => "Catégorie",
            Column::Status => "Statut",
        }
    }
}

/// Where each column is, the status flags, the rows to skip, and the
/// uninterpreted columns kept with their headers.
#[derive(Debug, Clone, PartialEq)]
pub struct Mapping {
    found: BTreeMap<Column, usize>,
    /// (column, flag rule index in the profile)
    pub flags: Vec<(usize, usize)>,
    /// Columns whose being filled marks a row that is not a person.
    pub skip_filled: Vec<usize>,
    /// Free fields: (column, header), duplicate headers numbered.
    pub extra: Vec<(usize, String)>,
    /// A merged header cell (« Nom et prénom » over two columns, the
    /// second's header left empty): the full name's column and the one
    /// its header spans.
    pub merged_name: Option<(usize, usize)>,
    /// The profile's date column that is empty while an answer is
    /// unfinished.
    pub incomplete: Option<usize>,
    /// The profile's « filed for someone else » Yes/No column.
    pub filed_for: Option<usize>,
}

impl Mapping {
    pub fn index(&self, column: Column) -> Option<usize> {
        self.found.get(&column).copied()
    }

    /// How many of accueil's columns were found (to compare header rows).
    pub fn found_count(&self) -> usize {
        self.found.len()
    }
}

/// Why a header row cannot be read.
#[derive(Debug, Clone, PartialEq)]
pub enum MapError {
    /// A configured header is not there.
    Missing(Vec<String>),
    /// No name column.
    NoNames,
    /// A header accueil would read appears twice.
    Duplicate { header: String, columns: Vec<usize> },
}

/// Maps headers as `profile` says; `overrides` (kiosk.toml
/// `[import.columns]`) replace the profile's candidates for their column
/// and must be present.
pub fn map(
    headers: &[String],
    profile: &Profile,
    overrides: &BTreeMap<Column, String>,
) -> Result<Mapping, MapError> {
    // The organiser's questions under a platform's prefix (« Champ
    // additionnel : Courriel ») read as the question.
    let folded: Vec<String> = headers
        .iter()
        .map(|h| {
            let f = sort_key(h);
            profile
                .rules
                .prefixes
                .iter()
                .find_map(|p| f.strip_prefix(p)?.strip_prefix(' '))
                .map(str::to_owned)
                .unwrap_or(f)
        })
        .collect();
    // The form's account columns at the start (Microsoft Forms): skipped.
    let mut metadata: Vec<usize> = Vec::new();
    for (i, h) in folded.iter().enumerate().take(7) {
        if profile.leading_metadata.contains(&h.as_str())
            && !metadata.iter().any(|&m| folded[m] == *h)
        {
            metadata.push(i);
        }
    }
    let position = |want: &str, taken: &BTreeMap<Column, usize>| {
        folded.iter().enumerate().find_map(|(i, h)| {
            (h == want && !metadata.contains(&i) && !taken.values().any(|&t| t == i)).then_some(i)
        })
    };
    let mut found = BTreeMap::new();
    let mut missing = Vec::new();
    for column in Column::ALL {
        let at = match overrides.get(&column) {
            Some(header) => {
                let p = position(&sort_key(header), &found);
                if p.is_none() {
                    missing.push(format!(
                        "colonne « {header} » absente (kiosk.toml [import.columns] {})",
                        column.key()
                    ));
                }
                p
            }
            None => profile
                .columns
                .iter()
                .filter(|(c, _)| *c == column)
                .flat_map(|(_, hs)| hs.iter())
                .find_map(|h| position(h, &found)),
        };
        if let Some(at) = at {
            found.insert(column, at);
        }
    }
    if !missing.is_empty() {
        return Err(MapError::Missing(missing));
    }
    // Both name parts: the full-name column is a copy of them, not kept.
    let mut copies = Vec::new();
    if found.contains_key(&Column::LastName) || found.contains_key(&Column::FirstName) {
        copies.extend(found.remove(&Column::FullName));
    }
    let mapping_has_names = [Column::LastName, Column::FirstName, Column::FullName]
        .iter()
        .any(|c| found.contains_key(c));
    if !mapping_has_names {
        return Err(MapError::NoNames);
    }
    for &at in found.values() {
        let same: Vec<usize> = folded
            .iter()
            .enumerate()
            .filter(|(i, h)| **h == folded[at] && !metadata.contains(i))
            .map(|(i, _)| i)
            .collect();
        if same.len() > 1 {
            return Err(MapError::Duplicate {
                header: headers[at].trim().to_owned(),
                columns: same,
            });
        }
    }
    let mut flags = Vec::new();
    for (rule, flag) in profile.flags.iter().enumerate() {
        for (i, h) in folded.iter().enumerate() {
            if flag.headers.contains(&h.as_str()) && !found.values().any(|&f| f == i) {
                flags.push((i, rule));
            }
        }
    }
    let skip_filled = folded
        .iter()
        .enumerate()
        .filter(|(_, h)| profile.skip_filled.contains(&h.as_str()))
        .map(|(i, _)| i)
        .collect();
    let first_of = |hs: &[&str]| {
        hs.iter()
            .find_map(|want| folded.iter().position(|h| h == want))
    };
    let incomplete = first_of(profile.rules.incomplete_when_empty);
    let filed_for = profile.rules.filed_for.and_then(|(hs, _)| first_of(hs));
    // A header cell merged over two columns leaves the second's empty.
    let merged_name = found.get(&Column::FullName).and_then(|&at| {
        headers
            .get(at + 1)
            .is_some_and(|h| h.trim().is_empty())
            .then_some((at, at + 1))
    });
    let mut seen: BTreeMap<String, usize> = BTreeMap::new();
    let mut extra = Vec::new();
    for (i, h) in headers.iter().enumerate() {
        let name = h.trim();
        let is_read = found.values().any(|&f| f == i) || flags.iter().any(|(f, _)| *f == i);
        if name.is_empty()
            || is_read
            || crate::domain::event::is_attendance_header(name)
            || metadata.contains(&i)
            || copies.contains(&i)
            || profile.platform.contains(&folded[i].as_str())
        {
            continue;
        }
        let n = seen.entry(folded[i].clone()).or_insert(0);
        *n += 1;
        extra.push((
            i,
            if *n == 1 {
                name.to_owned()
            } else {
                format!("{name} ({n})")
            },
        ));
    }
    Ok(Mapping {
        found,
        flags,
        skip_filled,
        extra,
        merged_name,
        incomplete,
        filed_for,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::import::profile::{GENERIC, MICROSOFT_FORMS};

    fn headers(s: &str) -> Vec<String> {
        s.split('|').map(str::to_owned).collect()
    }

    #[test]
    fn french_and_english_defaults() {
        let m = map(
            &headers("N° billet|NOM|Prénom|E-mail|Société|Allergies"),
            &GENERIC,
            &BTreeMap::new(),
        )
        .unwrap();
        assert_eq!(m.index(Column::Code), Some(0));
        assert_eq!(m.index(Column::LastName), Some(1));
        assert_eq!(m.index(Column::FirstName), Some(2));
        assert_eq!(m.index(Column::Email), Some(3));
        assert_eq!(m.index(Column::Organisation), Some(4));
        assert_eq!(m.extra, vec![(5, "Allergies".to_owned())]);
        let m = map(
            &headers("First name|Last name|Company"),
            &GENERIC,
            &BTreeMap::new(),
        )
        .unwrap();
        assert_eq!(m.index(Column::LastName), Some(1));
    }

    #[test]
    fn overrides_replace_defaults() {
        let mut o = BTreeMap::new();
        o.insert(Column::LastName, "Nom de naissance".to_owned());
        let m = map(&headers("Nom|Nom de naissance|Prénom"), &GENERIC, &o).unwrap();
        assert_eq!(m.index(Column::LastName), Some(1));
        assert_eq!(m.extra, vec![(0, "Nom".to_owned())]);
        o.insert(Column::Email, "Mél".to_owned());
        let err = map(&headers("Nom de naissance|Prénom"), &GENERIC, &o).unwrap_err();
        let MapError::Missing(m) = err else { panic!() };
        assert!(m[0].contains("« Mél »") && m[0].contains("email"), "{m:?}");
    }

    #[test]
    fn a_header_read_twice_is_an_error_an_extra_one_is_numbered() {
        let err = map(&headers("Nom|Prénom|Nom"), &GENERIC, &BTreeMap::new()).unwrap_err();
        assert_eq!(
            err,
            MapError::Duplicate {
                header: "Nom".into(),
                columns: vec![0, 2]
            }
        );
        let m = map(
            &headers("Nom|Prénom|Siège|Siège"),
            &GENERIC,
            &BTreeMap::new(),
        )
        .unwrap();
        assert_eq!(
            m.extra,
            vec![(2, "Siège".to_owned()), (3, "Siège (2)".to_owned())]
        );
    }

    #[test]
    fn the_account_name_of_microsoft_forms_is_not_a_last_name() {
        let h = headers(
            "ID|Heure de début|Heure de fin|Adresse de messagerie|Nom|Nom de famille|Prénom|Structure",
        );
        let m = map(&h, &MICROSOFT_FORMS, &BTreeMap::new()).unwrap();
        assert_eq!(m.index(Column::LastName), Some(5));
        assert_eq!(m.index(Column::Email), Some(3));
        assert!(!m.extra.iter().any(|(i, _)| *i == 4), "{:?}", m.extra);
        // A question also titled « Nom »: the later one.
        let h = headers("ID|Heure de début|Heure de fin|Adresse de messagerie|Nom|Nom|Prénom");
        let m = map(&h, &MICROSOFT_FORMS, &BTreeMap::new()).unwrap();
        assert_eq!(m.index(Column::LastName), Some(5));
    }

    #[test]
    fn no_name_column() {
        assert_eq!(
            map(&headers("Code|Mail"), &GENERIC, &BTreeMap::new()),
            Err(MapError::NoNames)
        );
    }
}
