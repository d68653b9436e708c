//! Registrants: the people expected at the event.

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use uuid::Uuid;

/// Registration status, as the source says.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Serialize,
    Deserialize,
    strum::IntoStaticStr,
    strum::EnumString,
    strum::EnumIter,
)]
#[serde(rename_all = "snake_case")]
#[strum(serialize_all = "snake_case")]
pub enum Status {
    Valid,
    /// Registered but not confirmed (unpaid order, awaiting validation).
    Pending,
    Cancelled,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        self.into()
    }

    pub fn parse_stored(s: &str) -> Option<Status> {
        s.parse().ok()
    }

    /// Reads a status as registration platforms write it, in French or English.
    /// Empty means valid: most exports only list confirmed people.
    pub fn from_source(value: &str) -> Option<Status> {
        let v = super::text::sort_key(value);
        match v.as_str() {
            "" | "valid" | "valide" | "confirmed" | "confirme" | "confirmee" | "paid" | "paye"
            | "payee" | "ok" | "p" | "inscrit" | "inscrite" | "active" | "actif" => {
                Some(Status::Valid)
            }
            "pending" | "en attente" | "attente" | "n" | "unpaid" | "non paye" | "a valider" => {
                Some(Status::Pending)
            }
            "cancelled" | "canceled" | "annule" | "annulee" | "c" | "refunded" | "rembourse"
            | "desinscrit" | "desinscrite" => Some(Status::Cancelled),
            _ => None,
        }
    }
}

/// Where a registrant comes from. Only `import` people can be cancelled by a
/// re-import that no longer lists them.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Serialize,
    Deserialize,
    strum::IntoStaticStr,
    strum::EnumString,
    strum::EnumIter,
)]
#[serde(rename_all = "snake_case")]
#[strum(serialize_all = "snake_case")]
pub enum Origin {
    Import,
    WalkIn,
}

impl Origin {
    pub fn as_str(self) -> &'static str {
        self.into()
    }
    pub fn parse_stored(s: &str) -> Option<Origin> {
        s.parse().ok()
    }
}

/// A registrant as the kiosk knows them now.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Registrant {
    /// Local id, stable on this kiosk (`accueil checkin --id`).
    pub id: i64,
    /// Global id, the same on every kiosk: records refer to it.
    pub uid: Uuid,
    /// Ticket code: what the QR code of the confirmation e-mail holds.
    pub code: String,
    pub first_name: String,
    pub last_name: String,
    pub organisation: String,
    pub email: String,
    pub category: String,
    pub status: Status,
    pub origin: Origin,
    /// Source columns accueil does not interpret, kept for badges and exports.
    pub extra: BTreeMap<String, String>,
}

impl Registrant {
    pub fn display_name(&self) -> String {
        match (self.first_name.is_empty(), self.last_name.is_empty()) {
            (false, false) => format!("{} {}", self.first_name, self.last_name),
            (true, _) => self.last_name.clone(),
            (_, true) => self.first_name.clone(),
        }
    }
}

/// Namespace for registrant uids derived from ticket codes, so that two
/// kiosks importing the same file agree on everyone's uid.
const UID_NAMESPACE: Uuid = Uuid::from_u128(0x6b1f_3c2e_9a4d_4e0b_8f7a_2d5c_1e3b_9a60);

/// The global uid of the registrant holding this ticket code.
pub fn uid_for_code(code: &str) -> Uuid {
    Uuid::new_v5(&UID_NAMESPACE, code.as_bytes())
}

/// `prefix` then 10 Crockford base32 digits (no I, L, O, U: easy to read out
/// and to type) of the low 50 bits of `bits`.
fn short_code(prefix: &str, bits: u128) -> String {
    const ALPHABET: &[u8; 32] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";
    let mut code = String::from(prefix);
    for i in 0..10 {
        let idx = ((bits >> (i * 5)) & 31) as usize;
        code.push(char::from(ALPHABET[idx]));
    }
    code
}

/// A stable ticket code for a source row that has none: derived from the
/// e-mail, or else from names and organisation, so re-importing the same file
/// gives the same codes. Prefixed `A-`.
pub fn generated_code(key: &str) -> String {
    let hash = Uuid::new_v5(&UID_NAMESPACE, format!("generated:{key}").as_bytes()).as_u128();
    short_code("A-", hash)
}

/// The ticket code of a walk-in, from their uid (a UUIDv7, whose low bits are
/// random): unique across kiosks without asking anyone. Prefixed `W-`.
pub fn walk_in_code(uid: Uuid) -> String {
    short_code("W-", uid.as_u128())
}

/// Whether a text looks like an e-mail address (one `@`, a dot in the domain,
/// no spaces). Deliberately lenient: the point is to catch shifted columns.
pub fn plausible_email(s: &str) -> bool {
    let mut parts = s.split('@');
    matches!(
        (parts.next(), parts.next(), parts.next()),
        (Some(local), Some(domain), None)
            if !local.is_empty() && domain.contains('.') && !s.contains(' ')
    )
}

/// What the desk types about a person: for a walk-in, or to fix details.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Details {
    pub first_name: String,
    pub last_name: String,
    pub organisation: String,
    pub email: String,
    pub category: String,
}

/// The longest name, organisation or address typed at the desk, in
/// characters: twice the longest French administration's name (« Direction
/// régionale de l'environnement, de l'aménagement et du logement… », 96).
pub const TEXT_MAX: usize = 200;

/// A field of [`Details`] that cannot be accepted, with the reason.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DetailsError {
    #[error("prénom et nom vides — indiquez au moins l'un des deux")]
    NoName,
    #[error("courriel « {0} » invalide")]
    Email(String),
    #[error("{0} : {1} caractères, {TEXT_MAX} au plus — abrégez")]
    TooLong(&'static str, usize),
    #[error("catégorie « {0} » inconnue — catégories de kiosk.toml : {1}")]
    Category(String, String),
}

impl Details {
    /// Tidies what was typed (spaces, the configured spelling of the
    /// category; empty category → the default one) and checks it.
    pub fn validated(mut self, event: &super::Event) -> Result<Details, DetailsError> {
        for field in [
            &mut self.first_name,
            &mut self.last_name,
            &mut self.organisation,
            &mut self.email,
        ] {
            // Nothing invisible (an ESC sequence would drive the terminal
            // that prints the name; a bidi override reverse it on screen).
            let visible = super::text::without_invisible(field);
            *field = super::text::squeeze(visible.as_deref().unwrap_or(field));
        }
        for (name, field) in [
            ("Prénom", &self.first_name),
            ("Nom", &self.last_name),
            ("Organisation", &self.organisation),
            ("Courriel", &self.email),
        ] {
            let length = field.chars().count();
            if length > TEXT_MAX {
                return Err(DetailsError::TooLong(name, length));
            }
        }
        if self.first_name.is_empty() && self.last_name.is_empty() {
            return Err(DetailsError::NoName);
        }
        if !self.email.is_empty() && !plausible_email(&self.email) {
            return Err(DetailsError::Email(self.email));
        }
        let wanted = if self.category.trim().is_empty() {
            event.default_category.clone()
        } else {
            self.category.clone()
        };
        match event.category(&wanted) {
            Some(c) => self.category = c.name.clone(),
            None => {
                let names: Vec<&str> = event.categories.iter().map(|c| c.name.as_str()).collect();
                return Err(DetailsError::Category(wanted, names.join(", ")));
            }
        }
        Ok(self)
    }
}

/// Some fields of [`Details`] to change, the others kept.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DetailsPatch {
    pub first_name: Option<String>,
    pub last_name: Option<String>,
    pub organisation: Option<String>,
    pub email: Option<String>,
    pub category: Option<String>,
}

impl DetailsPatch {
    pub fn apply(self, to: &Details) -> Details {
        Details {
            first_name: self.first_name.unwrap_or_else(|| to.first_name.clone()),
            last_name: self.last_name.unwrap_or_else(|| to.last_name.clone()),
            organisation: self.organisation.unwrap_or_else(|| to.organisation.clone()),
            email: self.email.unwrap_or_else(|| to.email.clone()),
            category: self.category.unwrap_or_else(|| to.category.clone()),
        }
    }
}

impl Registrant {
    pub fn details(&self) -> Details {
        Details {
            first_name: self.first_name.clone(),
            last_name: self.last_name.clone(),
            organisation: self.organisation.clone(),
            email: self.email.clone(),
            category: self.category.clone(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statuses_from_french_and_english_exports() {
        assert_eq!(Status::from_source(""), Some(Status::Valid));
        assert_eq!(Status::from_source("Confirmée"), Some(Status::Valid));
        assert_eq!(Status::from_source("En attente"), Some(Status::Pending));
        assert_eq!(Status::from_source("ANNULÉ"), Some(Status::Cancelled));
        assert_eq!(Status::from_source("canceled"), Some(Status::Cancelled));
        assert_eq!(Status::from_source("peut-être"), None);
    }

    #[test]
    fn details_are_tidied_and_checked() {
        let event = crate::domain::event::tests::sample_event();
        let d = Details {
            first_name: "  Hélène ".into(),
            last_name: "de  La Tour".into(),
            category: "exposant".into(),
            ..Details::default()
        }
        .validated(&event)
        .unwrap();
        assert_eq!(
            (
                d.first_name.as_str(),
                d.last_name.as_str(),
                d.category.as_str()
            ),
            ("Hélène", "de La Tour", "Exposant")
        );
        let d = Details {
            last_name: "X".into(),
            ..Details::default()
        }
        .validated(&event)
        .unwrap();
        assert_eq!(d.category, "Participant", "empty category: the default one");
        assert_eq!(
            Details::default().validated(&event),
            Err(DetailsError::NoName)
        );
        let bad = Details {
            last_name: "X".into(),
            email: "x@".into(),
            ..Details::default()
        };
        assert!(matches!(bad.validated(&event), Err(DetailsError::Email(_))));
        // A name pasted or leant on: refused with its length, not printed
        // in 2-point type.
        let long = Details {
            last_name: "X".into(),
            organisation: "é".repeat(TEXT_MAX + 1),
            ..Details::default()
        };
        assert_eq!(
            long.validated(&event).unwrap_err().to_string(),
            "Organisation : 201 caractères, 200 au plus — abrégez"
        );
        let longest = Details {
            last_name: "é".repeat(TEXT_MAX),
            ..Details::default()
        };
        assert!(
            longest.validated(&event).is_ok(),
            "200 characters, not bytes"
        );
        let bad = Details {
            last_name: "X".into(),
            category: "VIP".into(),
            ..Details::default()
        };
        let err = bad.validated(&event).unwrap_err().to_string();
        assert!(
            err.contains("VIP") && err.contains("Participant, Exposant"),
            "{err}"
        );
    }

    #[test]
    fn generated_codes_and_uids_are_stable() {
        let a = generated_code("helene.dupont@example.fr");
        assert_eq!(a, generated_code("helene.dupont@example.fr"));
        assert_ne!(a, generated_code("jean.martin@example.fr"));
        assert_eq!(a.len(), 12);
        assert!(a.starts_with("A-"));
        assert_eq!(uid_for_code("NEC-1"), uid_for_code("NEC-1"));
        let w = walk_in_code(Uuid::now_v7());
        assert!(w.starts_with("W-") && w.len() == 12, "{w}");
        assert_ne!(w, walk_in_code(Uuid::now_v7()));
        assert_ne!(uid_for_code("NEC-1"), uid_for_code("NEC-2"));
    }
}

/// A person as a source (file, ticketing server) lists them, validated and
/// ready to be merged into the local copy.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SourceEntry {
    /// Where the source has it (line of a CSV, row of a sheet), for messages.
    pub line: usize,
    pub code: String,
    /// True when the source has no ticket codes: the entry is then matched by
    /// e-mail, and the code was generated.
    pub code_generated: bool,
    pub first_name: String,
    pub last_name: String,
    pub organisation: String,
    pub email: String,
    pub category: String,
    pub status: Status,
    pub extra: BTreeMap<String, String>,
}
