//! pretix, the ticketing server, as the source of the list and the place
//! arrivals go back to: the HTTP client, the wire types, and the pure rules —
//! a position becomes a [`SourceEntry`], a local record becomes a request
//! ([`plan`]), pretix's answer becomes a [`Verdict`].
//!
//! The kiosk never waits for pretix to let someone in: it decides from its
//! copy (milliseconds, also offline) and pushes the arrival afterwards.

mod client;

use std::collections::{BTreeMap, HashMap};

use jiff::{SignedDuration, Timestamp};
use serde::{Deserialize, Serialize};

pub use client::{Client, PretixError};

use crate::domain::i18n::Text;
use crate::domain::registrant::plausible_email;
use crate::domain::text::squeeze;
use crate::domain::{Event, Record, RecordKind, SourceEntry, Status};
use crate::store::RemoteArrival;

/// One page of a pretix list.
#[derive(Debug, Deserialize)]
pub struct Page<T> {
    pub count: usize,
    pub next: Option<String>,
    pub results: Vec<T>,
}

/// A ticket on the check-in list (`/checkinlists/<id>/positions/`).
#[derive(Debug, Clone, Deserialize)]
pub struct Position {
    pub id: i64,
    /// The order code ("RVCQV").
    pub order: String,
    pub item: i64,
    #[serde(default)]
    pub attendee_name: Option<String>,
    /// `given_name`, `family_name`… depending on the event's name scheme.
    #[serde(default)]
    pub attendee_name_parts: Option<serde_json::Map<String, serde_json::Value>>,
    #[serde(default)]
    pub company: Option<String>,
    #[serde(default)]
    pub attendee_email: Option<String>,
    /// The QR code's content.
    pub secret: String,
    /// Set on add-ons (a dinner, a workshop): not a person of its own.
    #[serde(default)]
    pub addon_to: Option<i64>,
    #[serde(default)]
    pub checkins: Vec<Checkin>,
    /// "p" paid, "n" pending, "e" expired, "c" cancelled.
    #[serde(rename = "order__status")]
    pub order_status: String,
    /// Why the ticket is blocked, when it is.
    #[serde(default)]
    pub blocked: Option<serde_json::Value>,
    #[serde(default)]
    pub require_attention: bool,
}

/// A check-in list of the event (`/checkinlists/`).
#[derive(Debug, Clone, Deserialize)]
pub struct CheckinList {
    pub id: u64,
    pub name: String,
}

/// The tickets registered to a session whose pretix check-in list is
/// `positions`: each position's secret, an add-on's (a workshop booked
/// with the main ticket) being its main ticket's — the one scanned at the
/// door — found in the list itself or in `main_secrets` (position id →
/// secret). Orders neither paid nor pending are not registered. The second
/// part: add-ons whose main ticket is in neither (to download the main
/// list for).
pub fn session_tickets(
    positions: &[Position],
    main_secrets: &HashMap<i64, String>,
) -> (Vec<String>, Vec<i64>) {
    let here: HashMap<i64, &str> = positions
        .iter()
        .map(|p| (p.id, p.secret.as_str()))
        .collect();
    let mut tickets = Vec::new();
    let mut missing = Vec::new();
    for p in positions {
        if !matches!(p.order_status.as_str(), "p" | "n") {
            continue;
        }
        match p.addon_to {
            None => tickets.push(p.secret.trim().to_owned()),
            Some(main) => match here
                .get(&main)
                .copied()
                .or_else(|| main_secrets.get(&main).map(String::as_str))
            {
                Some(secret) => tickets.push(secret.trim().to_owned()),
                None => missing.push(main),
            },
        }
    }
    tickets.sort();
    tickets.dedup();
    (tickets, missing)
}

/// A check-in pretix holds for a position.
#[derive(Debug, Clone, Deserialize)]
pub struct Checkin {
    pub id: i64,
    pub datetime: Timestamp,
    pub list: u64,
    #[serde(rename = "type", default = "entry")]
    pub kind: String,
}

fn entry() -> String {
    "entry".into()
}

/// A product (`/items/`); its name is a text per language.
#[derive(Debug, Clone, Deserialize)]
pub struct Item {
    pub id: i64,
    pub name: serde_json::Value,
}

impl Item {
    /// The name in French, else English, else any language.
    pub fn label(&self) -> String {
        match &self.name {
            serde_json::Value::String(s) => s.clone(),
            serde_json::Value::Object(m) => ["fr", "en"]
                .iter()
                .find_map(|l| m.get(*l))
                .or_else(|| m.values().next())
                .and_then(|v| v.as_str())
                .unwrap_or_default()
                .to_owned(),
            _ => String::new(),
        }
    }
}

/// The list as pretix gave it, ready for the local copy.
#[derive(Debug, Clone, Default)]
pub struct Download {
    pub entries: Vec<SourceEntry>,
    /// pretix's check-ins (entries on the list), to know as arrivals.
    pub checkins: Vec<RemoteArrival>,
    /// Tickets taken with an adjustment, in words.
    pub warnings: Vec<String>,
    /// Positions pretix listed (add-ons included).
    pub positions: usize,
}

/// Turns pretix's positions into registrants: names, company, e-mail, the
/// product as a category (`products` maps names, else the event's
/// categories by name, else the default), the order's status, the secret as
/// the code; their check-ins on `list` (entries only) as arrivals to know.
pub fn download_of(
    positions: &[Position],
    items: &[Item],
    event: &Event,
    products: &BTreeMap<String, String>,
    list: u64,
) -> Download {
    let item_names: HashMap<i64, String> = items.iter().map(|i| (i.id, i.label())).collect();
    let mut out = Download {
        positions: positions.len(),
        ..Download::default()
    };
    let mut unknown_products: BTreeMap<String, usize> = BTreeMap::new();
    for (i, p) in positions.iter().enumerate() {
        if p.addon_to.is_some() {
            continue;
        }
        let ticket = format!("billet {}-{}", p.order, p.id);
        let (first_name, mut last_name) = names_of(p);
        if first_name.is_empty() && last_name.is_empty() {
            // A ticket without a name still gets in by its QR code.
            last_name = format!("(sans nom) {}", p.order);
        }
        let mut email = squeeze(p.attendee_email.as_deref().unwrap_or_default());
        if !email.is_empty() && !plausible_email(&email) {
            out.warnings
                .push(format!("{ticket} : courriel « {email} » ignoré (invalide)"));
            email.clear();
        }
        let product = item_names.get(&p.item).cloned().unwrap_or_default();
        let category = products
            .get(product.trim())
            .cloned()
            .or_else(|| event.category(&product).map(|c| c.name.clone()))
            .unwrap_or_else(|| {
                *unknown_products.entry(product.clone()).or_default() += 1;
                event.default_category.clone()
            });
        let status = match p.order_status.as_str() {
            _ if p.blocked.as_ref().is_some_and(|b| !b.is_null()) => Status::Cancelled,
            "p" => Status::Valid,
            "n" => Status::Pending,
            _ => Status::Cancelled,
        };
        let mut extra = BTreeMap::new();
        extra.insert("Commande pretix".to_owned(), p.order.clone());
        if p.require_attention {
            extra.insert("Attention".to_owned(), "à signaler (pretix)".to_owned());
        }
        out.entries.push(SourceEntry {
            line: i + 1,
            code: p.secret.trim().to_owned(),
            code_generated: false,
            first_name,
            last_name,
            organisation: squeeze(p.company.as_deref().unwrap_or_default()),
            email,
            category,
            status,
            extra,
        });
        out.checkins.extend(
            p.checkins
                .iter()
                .filter(|c| c.list == list && c.kind == "entry")
                .map(|c| RemoteArrival {
                    id: c.id,
                    code: p.secret.trim().to_owned(),
                    at: c.datetime,
                }),
        );
    }
    for (product, n) in unknown_products {
        out.warnings.push(format!(
            "produit pretix « {product} » ({n} billet(s)) sans catégorie — « {} » retenue ; ajoutez-le à [source.products] dans kiosk.toml",
            event.default_category
        ));
    }
    out
}

/// Given and family names from pretix's name parts; a single full name is
/// split at its first space ("Marie-Ève Le Bihan" → "Marie-Ève", "Le Bihan").
fn names_of(p: &Position) -> (String, String) {
    let part = |k: &str| -> String {
        p.attendee_name_parts
            .as_ref()
            .and_then(|m| m.get(k))
            .and_then(|v| v.as_str())
            .map(squeeze)
            .unwrap_or_default()
    };
    let (given, family) = (part("given_name"), part("family_name"));
    if !given.is_empty() || !family.is_empty() {
        return (given, family);
    }
    let full = squeeze(
        &Some(part("full_name"))
            .filter(|f| !f.is_empty())
            .or_else(|| p.attendee_name.clone())
            .unwrap_or_default(),
    );
    match full.split_once(' ') {
        Some((g, f)) => (g.to_owned(), f.to_owned()),
        None => (String::new(), full),
    }
}

/// An arrival older than this when it is pushed was decided offline (it
/// waited in the queue): pretix stores it whatever it thinks (`force`).
pub const OFFLINE_AFTER: SignedDuration = SignedDuration::from_secs(60);

/// How a local record stands with pretix.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Serialize,
    strum::IntoStaticStr,
    strum::EnumString,
    strum::EnumIter,
)]
#[serde(rename_all = "snake_case")]
#[strum(serialize_all = "snake_case")]
pub enum Answer {
    /// pretix stored the check-in (with the record id as nonce).
    Accepted,
    /// pretix had this ticket in already: nothing stored, nothing to do.
    AlreadyIn,
    /// pretix refused it (reason kept): the person came in locally only.
    Refused,
    /// pretix annulled the check-in an undo reverts.
    Annulled,
    /// pretix kept the check-in an undo reverts (too late, 15 min).
    AnnulRefused,
    /// Never sent: nothing to tell pretix (walk-in, undone before it left…).
    Local,
}

impl Answer {
    pub fn as_str(self) -> &'static str {
        self.into()
    }

    pub fn parse_stored(s: &str) -> Option<Answer> {
        s.parse().ok()
    }
}

/// A record waiting for pretix, with what deciding its request needs.
#[derive(Debug, Clone, PartialEq)]
pub struct Pending {
    pub record: Record,
    /// The registrant's ticket code (the pretix secret).
    pub code: String,
    /// Registered at the desk: pretix does not know them.
    pub walk_in: bool,
    /// Arrival: an undo in the log reverts it.
    pub undone: bool,
    /// Undo: how pretix answered the arrival it reverts (None: never sent).
    pub reverted: Option<Answer>,
}

/// What to do with a pending record.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "call", rename_all = "snake_case")]
pub enum Push {
    Redeem(Redeem),
    Annul {
        nonce: String,
    },
    /// Settle it without a call, for this reason.
    Local {
        why: &'static str,
    },
}

/// The body of `/checkinrpc/redeem/`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Redeem {
    pub secret: String,
    pub lists: Vec<u64>,
    /// When the person came in (not when pretix hears of it).
    pub datetime: Timestamp,
    /// The record id: a retry is the same check-in, never a second one.
    pub nonce: String,
    /// Decided offline: pretix stores it even if it would refuse it now.
    pub force: bool,
    #[serde(rename = "type")]
    pub kind: &'static str,
}

/// Decides what a pending record becomes at pretix.
pub fn plan(p: &Pending, list: u64, now: Timestamp) -> Push {
    match p.record.kind {
        RecordKind::Arrival if p.walk_in => Push::Local { why: "walk_in" },
        RecordKind::Arrival if p.undone => Push::Local {
            why: "undone_before_sent",
        },
        RecordKind::Arrival => Push::Redeem(Redeem {
            secret: p.code.clone(),
            lists: vec![list],
            datetime: p.record.at,
            nonce: p.record.id.to_string(),
            force: now.duration_since(p.record.at) > OFFLINE_AFTER,
            kind: "entry",
        }),
        RecordKind::Undo => match (p.reverted, p.record.reverts) {
            (Some(Answer::Accepted), Some(arrival)) => Push::Annul {
                nonce: arrival.to_string(),
            },
            _ => Push::Local {
                why: "nothing_in_pretix",
            },
        },
        _ => Push::Local {
            why: "not_an_entry",
        },
    }
}

/// pretix's answer to a redeem, as the client read it.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
pub struct RedeemReply {
    #[serde(default)]
    pub status: String,
    #[serde(default)]
    pub reason: Option<String>,
    #[serde(default)]
    pub reason_explanation: Option<String>,
}

/// What becomes of a pushed record.
#[derive(Debug, Clone, PartialEq)]
pub enum Verdict {
    /// Settled, with pretix's reason code for a refusal.
    Settled(Answer, Option<String>),
    /// Try again later (pretix's own error, overload).
    Retry(String),
}

/// Reads a redeem's HTTP status and body.
pub fn judge_redeem(http: u16, reply: &RedeemReply) -> Verdict {
    let reason = reply.reason.clone();
    match (http, reply.status.as_str(), reason.as_deref()) {
        (200..=299, "ok", _) => Verdict::Settled(Answer::Accepted, None),
        (_, _, Some("already_redeemed")) => Verdict::Settled(Answer::AlreadyIn, None),
        (429 | 500..=599, ..) | (_, _, Some("error")) => Verdict::Retry(
            reply
                .reason_explanation
                .clone()
                .unwrap_or_else(|| format!("HTTP {http}")),
        ),
        (_, _, Some(_)) => Verdict::Settled(Answer::Refused, reason),
        (404, ..) => Verdict::Settled(Answer::Refused, Some("invalid".into())),
        _ => Verdict::Settled(Answer::Refused, Some("error".into())),
    }
}

/// Reads an annul's HTTP status: 200 annulled; 404 (no check-in with this
/// nonce) and 400 (too late, or annulled already) leave it to the desk.
pub fn judge_annul(http: u16) -> Verdict {
    match http {
        200..=299 => Verdict::Settled(Answer::Annulled, None),
        429 | 500..=599 => Verdict::Retry(format!("HTTP {http}")),
        404 => Verdict::Settled(Answer::Local, Some("unknown_nonce".into())),
        _ => Verdict::Settled(Answer::AnnulRefused, Some("too_late".into())),
    }
}

/// pretix's reason codes in words, for the desk, the command line and the
/// organisers' page (the kiosk's status bar says them in its .slint, with
/// the same phrases of the catalogue).
pub fn reason_text(reason: &str) -> Text {
    match reason {
        "invalid" => Text::fr("billet inconnu de pretix"),
        "unpaid" => Text::fr("commande non payée dans pretix"),
        "canceled" => Text::fr("billet annulé dans pretix"),
        "already_redeemed" => Text::fr("déjà entré selon pretix"),
        "product" => Text::fr("produit non admis sur cette liste pretix"),
        "rules" => Text::fr("refusé par les règles de la liste pretix"),
        "revoked" => Text::fr("billet révoqué dans pretix (un nouveau a été émis)"),
        "incomplete" => Text::fr("informations à compléter dans pretix"),
        "ambiguous" => Text::fr("code ambigu dans pretix"),
        "blocked" => Text::fr("billet bloqué dans pretix"),
        "unapproved" => Text::fr("commande pas encore approuvée dans pretix"),
        "invalid_time" => Text::fr("billet pas valable à cette heure selon pretix"),
        "annulled" => Text::fr("entrée annulée dans pretix"),
        "too_late" => {
            Text::fr("annulation refusée par pretix (plus de 15 minutes) : l'entrée y reste")
        }
        "unknown_nonce" => Text::fr("pretix n'avait pas cette entrée"),
        "walk_in" => Text::fr("inscrit sur place : inconnu de pretix"),
        "undone_before_sent" => Text::fr("annulée avant l'envoi"),
        "nothing_in_pretix" => Text::fr("rien à annuler dans pretix"),
        _ => Text::fr("refusé par pretix"),
    }
}

/// A refusal in one line, for logs and the command line:
/// "Céline Annulée [3jgk…] — billet annulé dans pretix".
pub fn notice_line(n: &crate::protocol::PretixNotice) -> String {
    format!(
        "{} [{}] — {}",
        n.name,
        n.code,
        reason_text(n.reason.as_deref().unwrap_or_default())
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::event::tests::sample_event;
    use crate::domain::i18n::Language;

    /// A workshop's list: main tickets by their secret, add-ons by their
    /// main ticket's (on the list, or on the event's list), cancelled and
    /// expired orders out, an add-on whose main ticket is nowhere told.
    #[test]
    fn a_workshop_list_registers_the_tickets_scanned_at_its_door() {
        let list = [
            position(serde_json::json!({"id": 10, "secret": "aaa"})),
            position(serde_json::json!({"id": 11, "secret": "bbb", "order__status": "n"})),
            position(serde_json::json!({"id": 12, "secret": "ccc", "order__status": "c"})),
            position(serde_json::json!({"id": 13, "secret": "ddd", "order__status": "e"})),
            // Add-ons: of 10 (here), of 40 (the event's list), of 41 (nowhere).
            position(serde_json::json!({"id": 20, "secret": "add-on-1", "addon_to": 10})),
            position(serde_json::json!({"id": 21, "secret": "add-on-2", "addon_to": 40})),
            position(serde_json::json!({"id": 22, "secret": "add-on-3", "addon_to": 41})),
        ];
        let main: HashMap<i64, String> = [(40, "zzz".to_owned())].into();
        let (tickets, missing) = session_tickets(&list, &main);
        assert_eq!(tickets, ["aaa", "bbb", "zzz"]);
        assert_eq!(missing, [41]);
        let (tickets, missing) = session_tickets(&list, &HashMap::new());
        assert_eq!(tickets, ["aaa", "bbb"]);
        assert_eq!(missing, [40, 41]);
    }

    fn position(json: serde_json::Value) -> Position {
        let mut base = serde_json::json!({
            "id": 6, "order": "RVCQV", "item": 3, "secret": "njdpwpt3pegz97fj5wmr2p22522kpkzr",
            "attendee_name": "Adrien Théry",
            "attendee_name_parts": {"given_name": "Adrien", "family_name": "Théry", "_scheme": "given_family"},
            "company": "Libération", "attendee_email": "adrien.thery.6@example.org",
            "addon_to": null, "checkins": [], "order__status": "p", "blocked": null,
            "require_attention": false
        });
        if let (Some(b), Some(j)) = (base.as_object_mut(), json.as_object()) {
            for (k, v) in j {
                b.insert(k.clone(), v.clone());
            }
        }
        serde_json::from_value(base).unwrap()
    }

    fn items() -> Vec<Item> {
        serde_json::from_value(serde_json::json!([
            {"id": 1, "name": {"fr": "Participant", "en": "Attendee"}},
            {"id": 3, "name": {"en": "Exhibitor", "fr": "Exposant"}},
            {"id": 4, "name": {"fr": "Billet exposant"}},
            {"id": 5, "name": {"fr": "Dîner"}}
        ]))
        .unwrap()
    }

    fn download(positions: &[Position], products: &[(&str, &str)]) -> Download {
        let products = products
            .iter()
            .map(|(a, b)| (a.to_string(), b.to_string()))
            .collect();
        download_of(positions, &items(), &sample_event(), &products, 1)
    }

    #[test]
    fn a_position_becomes_a_registrant() {
        let d = download(&[position(serde_json::json!({}))], &[]);
        let e = &d.entries[0];
        assert_eq!(
            (
                e.first_name.as_str(),
                e.last_name.as_str(),
                e.organisation.as_str()
            ),
            ("Adrien", "Théry", "Libération")
        );
        assert_eq!(e.code, "njdpwpt3pegz97fj5wmr2p22522kpkzr");
        assert_eq!(e.category, "Exposant", "product named like a category");
        assert_eq!(e.status, Status::Valid);
        assert!(d.warnings.is_empty(), "{:?}", d.warnings);
    }

    #[test]
    fn statuses_products_and_names() {
        let d = download(
            &[
                position(serde_json::json!({"order__status": "n", "item": 4})),
                position(serde_json::json!({"order__status": "c", "item": 5})),
                position(serde_json::json!({"order__status": "p", "blocked": ["admin"]})),
                position(serde_json::json!({"order__status": "e"})),
                position(
                    serde_json::json!({"attendee_name_parts": {"full_name": "Marie-Ève Le Bihan"}}),
                ),
                position(serde_json::json!({"attendee_name_parts": {}, "attendee_name": null})),
                position(serde_json::json!({"addon_to": 6})),
                position(serde_json::json!({"attendee_email": "pas un courriel"})),
            ],
            &[("Billet exposant", "Exposant")],
        );
        let s: Vec<_> = d.entries.iter().map(|e| e.status).collect();
        assert_eq!(
            &s[..4],
            [
                Status::Pending,
                Status::Cancelled,
                Status::Cancelled,
                Status::Cancelled
            ]
        );
        assert_eq!(d.entries[0].category, "Exposant", "mapped in kiosk.toml");
        assert_eq!(d.entries[1].category, "Participant", "unknown: default");
        assert_eq!(
            (
                d.entries[4].first_name.as_str(),
                d.entries[4].last_name.as_str()
            ),
            ("Marie-Ève", "Le Bihan")
        );
        assert_eq!(d.entries[5].last_name, "(sans nom) RVCQV");
        assert_eq!(d.entries.len(), 7, "the add-on is not a person");
        assert_eq!(d.entries[6].email, "");
        assert!(
            d.warnings.iter().any(|w| w.contains("Dîner")),
            "{:?}",
            d.warnings
        );
        assert!(d.warnings.iter().any(|w| w.contains("pas un courriel")));
    }

    #[test]
    fn only_entries_on_our_list_become_arrivals() {
        let d = download(
            &[position(serde_json::json!({"checkins": [
                {"id": 1, "datetime": "2026-11-29T01:54:20.123000+01:00", "list": 1, "type": "entry"},
                {"id": 2, "datetime": "2026-11-29T03:00:00+01:00", "list": 1, "type": "exit"},
                {"id": 3, "datetime": "2026-11-29T04:00:00+01:00", "list": 2, "type": "entry"}
            ]}))],
            &[],
        );
        assert_eq!(d.checkins.len(), 1);
        assert_eq!(d.checkins[0].id, 1);
        assert_eq!(d.checkins[0].at.to_string(), "2026-11-29T00:54:20.123Z");
    }

    fn pending(kind: RecordKind, age_secs: i64) -> (Pending, Timestamp) {
        let at: Timestamp = "2026-11-29T10:00:00Z".parse().unwrap();
        let p = Pending {
            record: Record {
                id: uuid::Uuid::now_v7(),
                kiosk: "a".into(),
                log: "a".into(),
                seq: 1,
                at,
                kind,
                registrant: uuid::Uuid::nil(),
                day: None,
                reverts: Some(uuid::Uuid::nil()),
                payload: serde_json::json!({}),
            },
            code: "S".into(),
            walk_in: false,
            undone: false,
            reverted: None,
        };
        (p, at + SignedDuration::from_secs(age_secs))
    }

    #[test]
    fn arrivals_are_redeemed_with_their_time_and_id_forced_when_late() {
        let (p, now) = pending(RecordKind::Arrival, 2);
        let Push::Redeem(r) = plan(&p, 7, now) else {
            panic!()
        };
        assert_eq!(
            (r.nonce, r.datetime, r.force, r.lists),
            (p.record.id.to_string(), p.record.at, false, vec![7])
        );
        let (p, now) = pending(RecordKind::Arrival, 600);
        assert!(matches!(
            plan(&p, 7, now),
            Push::Redeem(Redeem { force: true, .. })
        ));
        let (mut p, now) = pending(RecordKind::Arrival, 2);
        p.walk_in = true;
        assert_eq!(plan(&p, 7, now), Push::Local { why: "walk_in" });
        p.walk_in = false;
        p.undone = true;
        assert!(matches!(plan(&p, 7, now), Push::Local { .. }));
    }

    #[test]
    fn undos_annul_only_what_pretix_stored() {
        let (mut p, now) = pending(RecordKind::Undo, 2);
        p.reverted = Some(Answer::Accepted);
        assert_eq!(
            plan(&p, 7, now),
            Push::Annul {
                nonce: uuid::Uuid::nil().to_string()
            }
        );
        for other in [
            None,
            Some(Answer::AlreadyIn),
            Some(Answer::Refused),
            Some(Answer::Local),
        ] {
            p.reverted = other;
            assert!(matches!(plan(&p, 7, now), Push::Local { .. }), "{other:?}");
        }
    }

    #[test]
    fn every_answer_settles_or_retries() {
        let reply = |status: &str, reason: Option<&str>| RedeemReply {
            status: status.into(),
            reason: reason.map(Into::into),
            reason_explanation: None,
        };
        assert_eq!(
            judge_redeem(201, &reply("ok", None)),
            Verdict::Settled(Answer::Accepted, None)
        );
        assert_eq!(
            judge_redeem(400, &reply("error", Some("already_redeemed"))),
            Verdict::Settled(Answer::AlreadyIn, None)
        );
        for reason in [
            "invalid",
            "unpaid",
            "canceled",
            "product",
            "rules",
            "revoked",
            "incomplete",
            "ambiguous",
            "blocked",
            "unapproved",
            "invalid_time",
            "annulled",
        ] {
            let http = if reason == "invalid" { 404 } else { 400 };
            assert_eq!(
                judge_redeem(http, &reply("error", Some(reason))),
                Verdict::Settled(Answer::Refused, Some(reason.into()))
            );
            assert_ne!(reason_text(reason), reason_text("?"), "{reason} in words");
            assert_ne!(
                reason_text(reason).in_language(Language::English),
                reason_text(reason).to_string(),
                "{reason} in English"
            );
        }
        assert!(matches!(
            judge_redeem(400, &reply("error", Some("error"))),
            Verdict::Retry(_)
        ));
        assert!(matches!(
            judge_redeem(502, &RedeemReply::default()),
            Verdict::Retry(_)
        ));
        assert_eq!(
            judge_redeem(400, &RedeemReply::default()),
            Verdict::Settled(Answer::Refused, Some("error".into()))
        );
        assert_eq!(judge_annul(200), Verdict::Settled(Answer::Annulled, None));
        assert!(matches!(
            judge_annul(400),
            Verdict::Settled(Answer::AnnulRefused, _)
        ));
        assert!(matches!(
            judge_annul(404),
            Verdict::Settled(Answer::Local, _)
        ));
    }
}
