//! Finding the columns of a source by their headers.

use std::collections::BTreeMap;

use crate::domain::text::sort_key;

/// A column accueil interprets. Other columns are kept as extra fields.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Column {
    Code,
    LastName,
    FirstName,
    Organisation,
    Email,
    Category,
    Status,
}

impl Column {
    pub const ALL: [Column; 7] = [
        Column::Code,
        Column::LastName,
        Column::FirstName,
        Column::Organisation,
        Column::Email,
        Column::Category,
        Column::Status,
    ];

    /// The key in kiosk.toml `[import.columns]`.
    pub fn key(self) -> &'static str {
        match self {
            Column::Code => "code",
            Column::LastName => "last_name",
            Column::FirstName => "first_name",
            Column::Organisation => "organisation",
            Column::Email => "email",
            Column::Category => "category",
            Column::Status => "status",
        }
    }

    pub fn from_key(key: &str) -> Option<Column> {
        Column::ALL.into_iter().find(|c| c.key() == key)
    }

    /// The French name, for messages.
    pub fn label(self) -> &'static str {
        match self {
            Column::Code => "Code",
            Column::LastName => "Nom",
            Column::FirstName => "Prénom",
            Column::Organisation => "Organisation",
            Column::Email => "Courriel",
            Column::Category => "Catégorie",
            Column::Status => "Statut",
        }
    }

    /// Headers recognised by default, folded (no case, accents or punctuation).
    fn defaults(self) -> &'static [&'static str] {
        match self {
            Column::Code => &[
                "code",
                "billet",
                "ticket",
                "code billet",
                "numero de billet",
                "n billet",
                "no billet",
                "ticket code",
                "ticket id",
                "ticket number",
                "secret",
                "qr code",
                "code qr",
                "code barre",
                "barcode",
            ],
            Column::LastName => &[
                "nom",
                "nom de famille",
                "nom d usage",
                "last name",
                "lastname",
                "surname",
                "family name",
                "attendee last name",
            ],
            Column::FirstName => &[
                "prenom",
                "first name",
                "firstname",
                "given name",
                "attendee first name",
            ],
            Column::Organisation => &[
                "organisation",
                "organization",
                "structure",
                "company",
                "societe",
                "entreprise",
                "etablissement",
                "organisme",
                "collectivite",
                "employeur",
                "administration",
                "company name",
            ],
            Column::Email => &[
                "courriel",
                "e mail",
                "email",
                "mail",
                "adresse e mail",
                "adresse email",
                "adresse mail",
                "adresse electronique",
                "email address",
                "e mail address",
            ],
            Column::Category => &[
                "categorie",
                "category",
                "type",
                "profil",
                "type de billet",
                "ticket type",
                "type d inscription",
                "produit",
                "product",
                "tarif",
            ],
            Column::Status => &["statut", "status", "etat", "state", "order status"],
        }
    }
}

/// Where each column is, and the uninterpreted columns with their headers.
#[derive(Debug, Clone, PartialEq)]
pub struct Mapping {
    found: BTreeMap<Column, usize>,
    pub extra: Vec<(usize, String)>,
}

impl Mapping {
    pub fn index(&self, column: Column) -> Option<usize> {
        self.found.get(&column).copied()
    }
}

/// Maps headers to columns. A configured header replaces the defaults for its
/// column and must be present. Last and first name are required.
pub fn map(
    headers: &[String],
    overrides: &BTreeMap<Column, String>,
    separator: Option<u8>,
) -> Result<Mapping, String> {
    let folded: Vec<String> = headers.iter().map(|h| sort_key(h)).collect();
    let mut found = BTreeMap::new();
    let mut missing = Vec::new();
    for column in Column::ALL {
        let position = match overrides.get(&column) {
            Some(header) => {
                let want = sort_key(header);
                let p = folded.iter().position(|h| *h == want);
                if p.is_none() {
                    missing.push(format!(
                        "colonne « {header} » absente (kiosk.toml [import.columns] {})",
                        column.key()
                    ));
                }
                p
            }
            None => column
                .defaults()
                .iter()
                .find_map(|d| folded.iter().position(|h| h == d)),
        };
        match position {
            Some(p) if found.values().any(|&q| q == p) => {}
            Some(p) => {
                found.insert(column, p);
            }
            None if overrides.contains_key(&column) => {}
            None if matches!(column, Column::LastName | Column::FirstName) => {
                missing.push(format!(
                    "colonne « {} » absente — renommez l'en-tête ou indiquez-le dans kiosk.toml [import.columns] {}",
                    column.label(),
                    column.key()
                ));
            }
            None => {}
        }
    }
    if !missing.is_empty() {
        let mut message = format!(
            "{} (en-têtes lus : {})",
            missing.join(" ; "),
            headers.join(" | ")
        );
        if headers.len() == 1 && separator.is_some() {
            message.push_str(" — une seule colonne lue : vérifiez le séparateur dans kiosk.toml [import] separator");
        }
        return Err(message);
    }
    let extra = headers
        .iter()
        .enumerate()
        .filter(|(i, h)| !found.values().any(|p| p == i) && !h.trim().is_empty())
        .map(|(i, h)| (i, h.trim().to_owned()))
        .collect();
    Ok(Mapping { found, extra })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(s: &str) -> Vec<String> {
        s.split('|').map(str::to_owned).collect()
    }

    #[test]
    fn french_and_english_defaults() {
        let m = map(
            &headers("N° billet|NOM|Prénom|E-mail|Société|Allergies"),
            &BTreeMap::new(),
            None,
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
            &BTreeMap::new(),
            None,
        )
        .unwrap();
        assert_eq!(m.index(Column::LastName), Some(1));
    }

    #[test]
    fn overrides_replace_defaults() {
        let mut o = BTreeMap::new();
        o.insert(Column::LastName, "Nom de naissance".to_owned());
        let m = map(&headers("Nom|Nom de naissance|Prénom"), &o, None).unwrap();
        assert_eq!(m.index(Column::LastName), Some(1));
        assert_eq!(m.extra, vec![(0, "Nom".to_owned())]);
        o.insert(Column::Email, "Mél".to_owned());
        let err = map(&headers("Nom de naissance|Prénom"), &o, None).unwrap_err();
        assert!(err.contains("« Mél »") && err.contains("email"), "{err}");
    }

    #[test]
    fn one_column_hints_at_the_separator() {
        let err = map(
            &headers("Nom;Prénom;Courriel"),
            &BTreeMap::new(),
            Some(b','),
        )
        .unwrap_err();
        assert!(err.contains("séparateur"), "{err}");
    }
}
