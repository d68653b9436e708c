//! kiosk.toml `[event]` and `[[categories]]`: the event's name, days,
//! timezone, colour and categories — the sections the hub hands to its
//! kiosks.

use jiff::civil::Date;
use jiff::tz::TimeZone;
use serde::Deserialize;

use super::{MAX_CATEGORIES, MAX_DAYS, MAX_NAME_CHARS};
use crate::domain::{Category, Event};

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawEvent {
    pub(super) name: String,
    pub(super) timezone: String,
    pub(super) days: Vec<String>,
    pub(super) default_category: String,
    pub(super) colour: Option<String>,
    pub(super) retention_days: Option<u16>,
    pub(super) max_wait_minutes: Option<u16>,
}

/// The kiosk's colour when the event has none: a calm dark blue.
const DEFAULT_EVENT_COLOUR: &str = "#1F4E8C";

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawCategory {
    pub(super) name: String,
    pub(super) colour: String,
    #[serde(default)]
    pub(super) days: Vec<String>,
}

/// The event's name on a kiosk that has not had the hub's event yet.
pub const AWAITING_HUB: &str = "En attente du hub";

/// A kiosk's file without `[event]` (written at its enrolment): the hub's
/// event takes its place at the first sync; until then, an event of today
/// with one category. Without a hub (`hub_url`), `[event]` is needed.
pub(super) fn awaiting_hub(hub_url: Option<&str>) -> Result<(RawEvent, Vec<RawCategory>), String> {
    if hub_url.is_none_or(|u| u.trim().is_empty()) {
        return Err("section [event] absente — décrivez l'événement (nom, jours, catégories : voyez le kiosk.toml commenté) ou, pour un kiosque relié à un hub, indiquez [hub] url : il en reçoit l'événement".into());
    }
    let name = "Participant";
    let categories = vec![RawCategory {
        name: name.into(),
        colour: DEFAULT_EVENT_COLOUR.into(),
        days: Vec::new(),
    }];
    let timezone = "Europe/Paris";
    let today = TimeZone::get(timezone)
        .unwrap_or_else(|_| TimeZone::system())
        .to_datetime(jiff::Timestamp::now())
        .date();
    let event = RawEvent {
        name: AWAITING_HUB.into(),
        timezone: timezone.into(),
        days: vec![today.to_string()],
        default_category: name.into(),
        colour: None,
        retention_days: None,
        max_wait_minutes: None,
    };
    Ok((event, categories))
}

/// `[event]` with its `[[categories]]`, validated.
pub(super) fn validate(e: RawEvent, categories: Vec<RawCategory>) -> Result<Event, String> {
    let (timezone, days) = name_and_days(&e)?;
    let categories = validate_categories(categories, &days)?;
    let mut event = Event {
        name: e.name.trim().to_owned(),
        timezone,
        timezone_name: e.timezone,
        days,
        categories,
        default_category: e.default_category.clone(),
        colour: event_colour(e.colour.as_deref())?,
        retention_days: match e.retention_days {
            None => crate::domain::event::RETENTION_DAYS,
            Some(n) if n <= 3650 => n,
            Some(n) => {
                return Err(format!(
                    "[event] retention_days = {n} : dix ans au plus (3650) — le RGPD demande une durée limitée, en général quelques semaines"
                ));
            }
        },
        max_wait_minutes: match e.max_wait_minutes {
            None => crate::domain::event::MAX_WAIT_MINUTES,
            Some(n) if (1..=120).contains(&n) => n,
            Some(n) => {
                return Err(format!(
                    "[event] max_wait_minutes = {n} : de 1 à 120 minutes — l'attente à l'entrée au-delà de laquelle la page des organisateurs alerte"
                ));
            }
        },
    };
    match event.category(&e.default_category) {
        Some(c) => event.default_category = c.name.clone(),
        None => {
            return Err(format!(
                "[event] default_category « {} » n'est pas une des [[categories]]",
                e.default_category
            ));
        }
    }
    Ok(event)
}

/// The name checked, the timezone found, the days read, sorted and each
/// once.
fn name_and_days(e: &RawEvent) -> Result<(TimeZone, Vec<Date>), String> {
    if e.name.trim().is_empty() {
        return Err("[event] name est vide — donnez le nom de l'événement".into());
    }
    if e.name.chars().count() > MAX_NAME_CHARS {
        return Err(format!(
            "[event] name : {} caractères, {MAX_NAME_CHARS} au plus — raccourcissez-le",
            e.name.chars().count()
        ));
    }
    if e.days.len() > MAX_DAYS {
        return Err(format!(
            "[event] days : {} jours, {MAX_DAYS} au plus",
            e.days.len()
        ));
    }
    let timezone = TimeZone::get(&e.timezone).map_err(|_| {
        format!(
            "[event] timezone « {} » inconnu — utilisez un nom IANA comme « Europe/Paris »",
            e.timezone
        )
    })?;
    let mut days = e
        .days
        .iter()
        .map(|d| parse_date("[event] days", d))
        .collect::<Result<Vec<_>, _>>()?;
    days.sort();
    days.dedup();
    if days.is_empty() {
        return Err(
            "[event] days est vide — indiquez au moins un jour, par exemple [\"2022-09-28\"]"
                .into(),
        );
    }
    Ok((timezone, days))
}

/// `[[categories]]`: each named once (accents and case aside), coloured,
/// and on days of the event.
fn validate_categories(raw: Vec<RawCategory>, days: &[Date]) -> Result<Vec<Category>, String> {
    if raw.is_empty() {
        return Err("aucune catégorie — ajoutez au moins un bloc [[categories]]".into());
    }
    if raw.len() > MAX_CATEGORIES {
        return Err(format!(
            "[[categories]] : {} catégories, {MAX_CATEGORIES} au plus — regroupez-les",
            raw.len()
        ));
    }
    let mut categories: Vec<Category> = Vec::new();
    for c in raw {
        let name = c.name.trim().to_owned();
        if name.is_empty() {
            return Err("[[categories]] : une catégorie n'a pas de nom".into());
        }
        if name.chars().count() > MAX_NAME_CHARS {
            return Err(format!(
                "[[categories]] : un nom de {} caractères, {MAX_NAME_CHARS} au plus",
                name.chars().count()
            ));
        }
        let folded = crate::domain::text::sort_key(&name);
        if categories
            .iter()
            .any(|o| crate::domain::text::sort_key(&o.name) == folded)
        {
            return Err(format!("[[categories]] : « {name} » apparaît deux fois"));
        }
        if !valid_colour(&c.colour) {
            return Err(format!(
                "[[categories]] « {name} » : couleur « {} » invalide — écrivez-la #RRVVBB, par exemple #1F6FB2",
                c.colour
            ));
        }
        let mut cat_days = Vec::new();
        for d in &c.days {
            let date = parse_date(&format!("[[categories]] « {name} » days"), d)?;
            if !days.contains(&date) {
                return Err(format!(
                    "[[categories]] « {name} » : le {date} n'est pas un jour de [event] days"
                ));
            }
            cat_days.push(date);
        }
        categories.push(Category {
            name,
            colour: c.colour.to_ascii_uppercase(),
            days: cat_days,
        });
    }
    Ok(categories)
}

fn parse_date(where_: &str, s: &str) -> Result<Date, String> {
    s.parse::<Date>().map_err(|_| {
        format!("{where_} : date « {s} » illisible — écrivez-la AAAA-MM-JJ, par exemple 2022-09-28")
    })
}

/// The event's colour: white text sits on it (buttons), so it must be dark
/// enough for WCAG AA.
pub(super) fn event_colour(configured: Option<&str>) -> Result<String, String> {
    use crate::domain::colour::{AA, contrast_with_white};
    let Some(c) = configured.map(str::trim) else {
        return Ok(DEFAULT_EVENT_COLOUR.to_owned());
    };
    if !valid_colour(c) {
        return Err(format!(
            "[event] colour « {c} » invalide — écrivez-la #RRVVBB, par exemple {DEFAULT_EVENT_COLOUR}"
        ));
    }
    let ratio = contrast_with_white(c);
    if ratio < AA {
        return Err(format!(
            "[event] colour « {c} » trop claire : le texte blanc n'y est pas lisible (contraste {ratio:.1}:1, il faut {AA}:1) — choisissez une teinte plus foncée"
        ));
    }
    Ok(c.to_ascii_uppercase())
}

pub(super) fn valid_colour(s: &str) -> bool {
    s.len() == 7 && s.starts_with('#') && s[1..].chars().all(|c| c.is_ascii_hexdigit())
}
