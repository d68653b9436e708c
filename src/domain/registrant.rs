//! Registrants: the people expected at the event.

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use uuid::Uuid;

/// Registration status, as the source says.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    Valid,
    /// Registered but not confirmed (unpaid order, awaiting validation).
    Pending,
    Cancelled,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Valid => "valid",
            Status::Pending => "pending",
            Status::Cancelled => "cancelled",
        }
    }

    pub fn parse_stored(s: &str) -> Option<Status> {
        match s {
            "valid" => Some(Status::Valid),
            "pending" => Some(Status::Pending),
            "cancelled" => Some(Status::Cancelled),
            _ => None,
        }
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
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Origin {
    Import,
    WalkIn,
}

impl Origin {
    pub fn as_str(self) -> &'static str {
        match self {
            Origin::Import => "import",
            Origin::WalkIn => "walk_in",
        }
    }
    pub fn parse_stored(s: &str) -> Option<Origin> {
        match s {
            "import" => Some(Origin::Import),
            "walk_in" => Some(Origin::WalkIn),
            _ => None,
        }
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

/// A stable ticket code for a source row that has none: derived from the
/// e-mail, or else from names and organisation, so re-importing the same file
/// gives the same codes. Crockford base32, prefixed `A-`.
pub fn generated_code(key: &str) -> String {
    const ALPHABET: &[u8; 32] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";
    let hash = Uuid::new_v5(&UID_NAMESPACE, format!("generated:{key}").as_bytes()).as_u128();
    let mut code = String::from("A-");
    for i in 0..10 {
        let idx = ((hash >> (i * 5)) & 31) as usize;
        code.push(char::from(ALPHABET[idx]));
    }
    code
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
    fn generated_codes_and_uids_are_stable() {
        let a = generated_code("helene.dupont@example.fr");
        assert_eq!(a, generated_code("helene.dupont@example.fr"));
        assert_ne!(a, generated_code("jean.martin@example.fr"));
        assert_eq!(a.len(), 12);
        assert!(a.starts_with("A-"));
        assert_eq!(uid_for_code("NEC-1"), uid_for_code("NEC-1"));
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
