//! What the organisers' page shows, typed: `/api/stats` and the live feed
//! serialise [`Dashboard`], and a test checks that every key page.html
//! reads is one of its fields.

use std::collections::BTreeMap;
use std::time::Duration;

use jiff::Timestamp;
use serde::Serialize;

use accueil_core::app::{AppError, HubCopy, RoomView, Stats};
use accueil_core::config::Language;
use accueil_core::domain::queue::QueueAlert;
use accueil_core::protocol::PrinterHealth;

/// Everything the page shows: today's and each day's arrivals against the
/// expected, per category and per kiosk, arrivals per quarter of an hour,
/// double entries, the last arrivals, the entrance, the rooms, the kiosks.
#[derive(Debug, Serialize)]
pub struct Dashboard {
    pub entrance: Entrance,
    /// Each room now, its session named by its title rather than its id.
    pub rooms: Vec<RoomView>,
    pub sessions: Vec<SessionNow>,
    pub event: String,
    pub clocks: Vec<ClockAlert>,
    pub printers: Vec<PrinterAlert>,
    pub enrolled: Vec<Enrolled>,
    pub refused: i64,
    pub waiting: i64,
    pub colour: String,
    pub today: usize,
    pub stats: Stats,
    pub quarters: Vec<Quarter>,
    pub last_arrivals: Vec<LastArrival>,
    pub double_entries: Vec<Double>,
    /// `null` when the hub does not talk to pretix.
    pub pretix: Option<Pretix>,
    pub generated_at: String,
}

#[derive(Debug, Serialize)]
pub struct Quarter {
    /// « 09:15 »
    pub at: String,
    pub arrivals: i64,
}

#[derive(Debug, Serialize)]
pub struct LastArrival {
    pub at: String,
    pub kiosk: String,
    pub name: String,
    pub category: String,
}

#[derive(Debug, Serialize)]
pub struct Double {
    pub name: String,
    pub day: String,
    pub arrivals: Vec<KioskAt>,
}

#[derive(Debug, Serialize)]
pub struct KioskAt {
    pub kiosk: String,
    pub at: String,
}

#[derive(Debug, Serialize)]
pub struct Pretix {
    pub online: bool,
    pub pending: i64,
    pub last_contact: Option<String>,
    pub notices: Vec<PretixRefusal>,
}

#[derive(Debug, Serialize)]
pub struct PretixRefusal {
    pub name: String,
    pub kiosk: String,
    pub at: String,
    pub fr: String,
    pub en: String,
}

/// A kiosk whose clock was off at its last sync.
#[derive(Debug, Serialize)]
pub struct ClockAlert {
    pub kiosk: String,
    pub minutes: i64,
    /// The kiosk's clock is ahead of the hub's.
    pub ahead: bool,
}

#[derive(Debug, Serialize)]
pub struct Enrolled {
    pub kiosk: String,
    pub revoked: bool,
    pub credentials: usize,
    pub last_sync: Option<String>,
    pub printer: Option<PrinterHealth>,
}

/// A printer something holds, for « À régler ».
#[derive(Debug, Serialize)]
pub struct PrinterAlert {
    pub kiosk: String,
    pub problem: String,
    pub queued: i64,
}

#[derive(Debug, Serialize)]
pub struct SessionNow {
    pub id: String,
    pub title: String,
    pub room: String,
    pub start: String,
    pub end: String,
    pub open: bool,
    pub present: u32,
    pub attended: u32,
    pub registered: u32,
    pub registration_only: bool,
    pub capacity: Option<u32>,
    pub over_capacity: bool,
}

/// The entrance: the forecast, and each kiosk that checked people in
/// today with its pace and what stops it.
#[derive(Debug, Serialize)]
pub struct Entrance {
    pub kiosks: Vec<EntranceKiosk>,
    pub open_kiosks: usize,
    pub arrivals_per_minute: f64,
    pub served_per_minute: f64,
    pub counted: bool,
    pub capacity_per_minute: Option<f64>,
    pub queue: Option<f64>,
    pub wait_minutes: Option<f64>,
    pub saturated_since: Option<String>,
    pub max_wait_minutes: u16,
    pub alert: Option<Alert>,
}

#[derive(Debug, Serialize)]
pub struct EntranceKiosk {
    pub kiosk: String,
    pub open: bool,
    pub per_minute: f64,
    pub service_seconds: Option<f64>,
    pub offline: bool,
    pub printer: Option<String>,
}

/// The alert's own fields (kind, minutes, more_kiosks) and its words.
#[derive(Debug, Serialize)]
pub struct Alert {
    #[serde(flatten)]
    pub alert: QueueAlert,
    pub fr: String,
    pub en: String,
}

/// The hub's figures as the page shows them.
pub fn dashboard(
    k: &HubCopy,
    clocks: &BTreeMap<String, (i64, Timestamp)>,
    printers: &BTreeMap<String, PrinterHealth>,
) -> Result<Dashboard, AppError> {
    let event = &k.config.event;
    let stats = k.stats()?;
    let (today, _) = k.day(None)?;
    let arrivals = k.arrivals_on(today.date)?;
    let last_arrivals = arrivals
        .iter()
        .rev()
        .take(12)
        .map(|(at, kiosk, name, category)| LastArrival {
            at: event.hh_mm(*at),
            kiosk: kiosk.clone(),
            name: name.clone(),
            category: category.clone(),
        })
        .collect();
    let double_entries = k
        .double_entries()?
        .into_iter()
        .map(|d| Double {
            name: d.name,
            day: d.day.to_string(),
            arrivals: d
                .arrivals
                .iter()
                .map(|(kiosk, at)| KioskAt {
                    kiosk: kiosk.clone(),
                    at: event.hh_mm(*at),
                })
                .collect(),
        })
        .collect();
    let (refused, waiting) = k.refused_and_waiting()?;
    let (rooms, sessions) = rooms(k, today.date)?;
    let now = k.now();
    Ok(Dashboard {
        entrance: entrance(k, clocks, printers)?,
        rooms,
        sessions,
        event: event.name.clone(),
        clocks: clock_alerts(now, clocks),
        printers: printer_alerts(printers),
        enrolled: enrolled(k, clocks, printers)?,
        refused,
        waiting,
        colour: event.colour.clone(),
        today: today.number,
        stats,
        quarters: quarters(k, &arrivals),
        last_arrivals,
        double_entries,
        pretix: pretix(k)?,
        generated_at: event
            .timezone
            .to_datetime(now)
            .strftime("%H:%M:%S")
            .to_string(),
    })
}

/// Arrivals per quarter of an hour from the first to the last, empty ones
/// included: the chart's gaps are real gaps.
fn quarters(k: &HubCopy, arrivals: &[(Timestamp, String, String, String)]) -> Vec<Quarter> {
    let tz = &k.config.event.timezone;
    let quarter_of = |at: &Timestamp| {
        let t = tz.to_datetime(*at);
        i64::from(t.hour()) * 4 + i64::from(t.minute()) / 15
    };
    let mut quarters: BTreeMap<i64, i64> = BTreeMap::new();
    if let (Some(first), Some(last)) = (arrivals.first(), arrivals.last()) {
        for q in quarter_of(&first.0)..=quarter_of(&last.0) {
            quarters.insert(q, 0);
        }
    }
    for (at, ..) in arrivals {
        *quarters.entry(quarter_of(at)).or_default() += 1;
    }
    quarters
        .into_iter()
        .map(|(q, n)| Quarter {
            at: format!("{:02}:{:02}", q / 4, q % 4 * 15),
            arrivals: n,
        })
        .collect()
}

/// The hub's dealings with pretix, when it talks to pretix: is it up to
/// date, and whom did it refuse.
fn pretix(k: &HubCopy) -> Result<Option<Pretix>, AppError> {
    if !k.talks_to_pretix() {
        return Ok(None);
    }
    let event = &k.config.event;
    let news = k.pretix_news()?;
    Ok(Some(Pretix {
        online: k.pretix_online(),
        pending: news.pending,
        last_contact: news.last_contact.map(|t| event.hh_mm(t)),
        notices: news
            .notices
            .iter()
            .map(|n| {
                let reason = n.reason.as_deref().unwrap_or_default();
                PretixRefusal {
                    name: n.name.clone(),
                    kiosk: n.kiosk.clone(),
                    at: event.hh_mm(n.at),
                    fr: accueil_core::pretix::reason_text(reason).to_string(),
                    en: accueil_core::pretix::reason_text(reason).in_language(Language::English),
                }
            })
            .collect(),
    }))
}

/// Kiosks whose clock was off at their last sync (within six hours).
fn clock_alerts(now: Timestamp, clocks: &BTreeMap<String, (i64, Timestamp)>) -> Vec<ClockAlert> {
    clocks
        .iter()
        .filter_map(|(kiosk, &(offset, at))| {
            let recent = now.duration_since(at).as_secs() < 6 * 3600;
            (recent && offset.abs() > accueil_core::sync::CLOCK_TOLERANCE_SECS).then(|| {
                ClockAlert {
                    kiosk: kiosk.clone(),
                    minutes: (offset.abs() + 59) / 60,
                    ahead: offset < 0,
                }
            })
        })
        .collect()
}

/// The kiosks enrolled here, and when each last synced (since the hub
/// started).
fn enrolled(
    k: &HubCopy,
    clocks: &BTreeMap<String, (i64, Timestamp)>,
    printers: &BTreeMap<String, PrinterHealth>,
) -> Result<Vec<Enrolled>, AppError> {
    let event = &k.config.event;
    Ok(k.enrolled_kiosks()?
        .kiosks
        .into_iter()
        .map(|e| Enrolled {
            last_sync: clocks.get(&e.kiosk).map(|(_, at)| event.hh_mm(*at)),
            printer: printers.get(&e.kiosk).cloned(),
            kiosk: e.kiosk,
            revoked: e.revoked,
            credentials: e.credentials,
        })
        .collect())
}

/// Printers that something holds, for the page's « À régler ».
fn printer_alerts(printers: &BTreeMap<String, PrinterHealth>) -> Vec<PrinterAlert> {
    printers
        .iter()
        .filter_map(|(kiosk, p)| {
            p.problem.as_ref().map(|problem| PrinterAlert {
                kiosk: kiosk.clone(),
                problem: problem.clone(),
                queued: p.queued + p.waiting,
            })
        })
        .collect()
}

/// Rooms now, and today's sessions: who is in, who came, who registered.
fn rooms(
    k: &HubCopy,
    today: jiff::civil::Date,
) -> Result<(Vec<RoomView>, Vec<SessionNow>), AppError> {
    let event = &k.config.event;
    let occupancy = k.occupancy(None)?;
    let title_of = |id: &Option<String>| {
        id.as_ref().and_then(|id| {
            occupancy
                .sessions
                .iter()
                .find(|v| &v.session.id == id)
                .map(|v| v.session.title.clone())
        })
    };
    let rooms = occupancy
        .rooms
        .iter()
        .map(|r| RoomView {
            session: title_of(&r.session),
            ..r.clone()
        })
        .collect();
    let sessions = occupancy
        .sessions
        .iter()
        .filter(|v| event.timezone.to_datetime(v.session.start).date() == today)
        .map(|v| SessionNow {
            id: v.session.id.clone(),
            title: v.session.title.clone(),
            room: v.session.room.clone(),
            start: event.hh_mm(v.session.start),
            end: event.hh_mm(v.session.end),
            open: v.open,
            present: v.counts.present,
            attended: v.counts.attended,
            registered: v.counts.registered,
            registration_only: v.session.registration_only,
            capacity: v.session.capacity,
            over_capacity: v.over_capacity,
        })
        .collect();
    Ok((rooms, sessions))
}

/// A kiosk that has not synced for this long is flagged offline at the
/// entrance (they sync every second or so while they can).
const OFFLINE_AFTER: Duration = Duration::from_secs(90);

/// The entrance for the page and the door view: the forecast, and each
/// kiosk that checked people in today with its pace and what stops it
/// (offline, its printer).
fn entrance(
    k: &HubCopy,
    clocks: &BTreeMap<String, (i64, Timestamp)>,
    printers: &BTreeMap<String, PrinterHealth>,
) -> Result<Entrance, AppError> {
    let event = &k.config.event;
    let now = k.now();
    let f = k.entrance_forecast()?;
    let own = k.config.kiosk.id.as_str();
    let kiosks = f
        .kiosks
        .iter()
        .map(|flow| EntranceKiosk {
            // The hub's own check-ins need no sync.
            offline: flow.kiosk != own
                && clocks
                    .get(&flow.kiosk)
                    .is_none_or(|(_, at)| now.duration_since(*at).unsigned_abs() > OFFLINE_AFTER),
            printer: printers.get(&flow.kiosk).and_then(|p| p.problem.clone()),
            kiosk: flow.kiosk.clone(),
            open: flow.open,
            per_minute: round1(flow.per_minute),
            service_seconds: flow.service_seconds.map(f64::round),
        })
        .collect();
    Ok(Entrance {
        kiosks,
        open_kiosks: f.open_kiosks,
        arrivals_per_minute: round1(f.arrivals_per_minute),
        served_per_minute: round1(f.served_per_minute),
        counted: f.counted,
        capacity_per_minute: f.capacity_per_minute.map(round1),
        queue: f.queue.map(f64::round),
        wait_minutes: f.wait_minutes.map(round1),
        saturated_since: f.saturated_since.map(|t| event.hh_mm(t)),
        max_wait_minutes: event.max_wait_minutes,
        alert: f.alert.as_ref().map(|a| Alert {
            alert: a.clone(),
            fr: a.words().to_string(),
            en: a.words().in_language(Language::English),
        }),
    })
}

fn round1(x: f64) -> f64 {
    (x * 10.0).round() / 10.0
}
