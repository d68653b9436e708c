//! The status bar: the event, the day, arrivals vs expected, the printer.

use slint::ComponentHandle;

use super::{AppWindow, ResultAdapter, Shared, StatusAdapter};
use accueil_core::app::Kiosk;
use accueil_core::app::{JobView, PretixNotice, PrintState};
use accueil_core::print::Printer;

/// What does not change while the kiosk runs: event, kiosk, printer.
pub(super) fn show_identity(window: &AppWindow, kiosk: &Kiosk) {
    let s = window.global::<StatusAdapter>();
    s.set_event_name(kiosk.config.event.name.clone().into());
    s.set_kiosk_name(kiosk.config.kiosk.name.clone().into());
    let (folder, name) = match &kiosk.config.printer.printer {
        Printer::Cups { queue, .. } => (false, queue.clone()),
        Printer::Folder { dir } => (
            true,
            dir.file_name().map_or_else(
                || dir.display().to_string(),
                |n| n.to_string_lossy().into_owned(),
            ),
        ),
    };
    s.set_printer_is_folder(folder);
    s.set_printer_name(name.into());
}

/// Today's event day with its arrivals and expected people, if today is
/// an event day. Runs on the counting thread (all arrivals, from every
/// kiosk, are counted: tens of milliseconds at 100,000 registrants).
pub(super) fn today(kiosk: &Kiosk) -> Option<Today> {
    let (day, _) = kiosk.day(None).ok()?;
    let stats = kiosk.stats().ok()?;
    let tally = &stats.days.iter().find(|d| d.number == day.number)?.tally;
    Some(Today {
        number: day.number,
        date: day
            .date
            .strftime(accueil_core::domain::when::DATE)
            .to_string(),
        arrived: tally.arrived,
        expected: tally.expected,
    })
}

/// The status bar's day and counts.
#[derive(Debug, Clone)]
pub(super) struct Today {
    number: usize,
    date: String,
    arrived: i64,
    expected: i64,
}

pub(super) fn show_today(window: &AppWindow, today: Option<Today>) {
    let s = window.global::<StatusAdapter>();
    match today {
        Some(t) => {
            s.set_day_number(count(t.number));
            s.set_day_date(t.date.into());
            s.set_arrived(count(t.arrived));
            s.set_expected(count(t.expected));
        }
        None => s.set_day_number(0),
    }
}

/// After a check-in or an undo: recount, off the UI thread when the kiosk
/// runs its workers.
pub(super) fn refresh(window: &AppWindow, d: &super::Desk) {
    match &d.counter {
        Some(counter) => counter.wake(),
        None => show_today(window, today(&d.kiosk)),
    }
    if let Some(syncer) = &d.syncer {
        syncer.wake();
    }
}

/// The hub's news: reachable or not, this kiosk's records it has not
/// acknowledged yet, and when the last sync succeeded ("09:14").
pub(super) fn show_clock(window: &AppWindow, offset: Option<i64>) {
    let minutes = offset
        .filter(|o| o.abs() > accueil_core::sync::CLOCK_TOLERANCE_SECS)
        .map_or(0, |o| (o.abs() + 59) / 60);
    window
        .global::<StatusAdapter>()
        .set_clock_minutes(i32::try_from(minutes).unwrap_or(i32::MAX));
}

/// What a sync round said: the event if the hub's changed, whether the
/// peer answers and what waits, the clock, pretix's new refusals.
pub(super) fn show_round(window: &AppWindow, report: accueil_core::app::SyncReport) {
    if report.config_changed {
        window.global::<StatusAdapter>().invoke_hub_config();
    }
    show_sync(window, report.online, report.waiting, report.last);
    show_clock(window, report.clock);
    show_notices(window, &report.unseen);
}

pub(super) fn show_sync(window: &AppWindow, online: bool, waiting: i64, last: Option<String>) {
    let s = window.global::<StatusAdapter>();
    s.set_online(online);
    s.set_sync_waiting(count(waiting.max(0)));
    s.set_last_sync(last.unwrap_or_default().into());
}

fn count(n: impl TryInto<i32>) -> i32 {
    n.try_into().unwrap_or(i32::MAX)
}

/// News from the print worker: the printer line, and the followed job.
pub(super) fn show_print_report(window: &AppWindow, jobs: Result<&[JobView], String>) {
    let s = window.global::<StatusAdapter>();
    match jobs {
        Ok(jobs) => {
            let waiting = jobs
                .iter()
                .filter(|j| j.state == PrintState::Queued)
                .count();
            let problem = jobs
                .iter()
                .find(|j| j.state != PrintState::Done && j.error.is_some())
                .and_then(|j| j.error.clone());
            s.set_printer_problem(problem.unwrap_or_default().into());
            s.set_waiting(count(waiting));
            let watched = i64::from(window.global::<ResultAdapter>().get_job_id());
            if let Some(job) = jobs.iter().find(|j| j.id == watched) {
                super::result_adapter::show_job(window, job);
            }
        }
        Err(e) => s.set_printer_problem(e.into()),
    }
}

/// pretix's refusals staff have not marked seen: the oldest on the banner,
/// how many more behind it.
pub(super) fn show_notices(window: &AppWindow, unseen: &[PretixNotice]) {
    let s = window.global::<StatusAdapter>();
    match unseen.first() {
        Some(n) => {
            s.set_notice_name(n.name.clone().into());
            s.set_notice_reason(n.reason.clone().unwrap_or_default().into());
            s.set_notice_more(count(unseen.len() - 1));
        }
        None => {
            s.set_notice_name("".into());
            s.set_notice_reason("".into());
            s.set_notice_more(0);
        }
    }
}

/// « Vu » on the banner: that refusal is seen, the next one shows.
pub(super) fn wire(window: &AppWindow, desk: &Shared) {
    let (w, d) = (window.as_weak(), desk.clone());
    window.global::<StatusAdapter>().on_hub_config(move || {
        if let Some(window) = w.upgrade() {
            super::dispatch(&window, &d, super::desk::Intent::HubConfig);
        }
    });
    let (w, d) = (window.as_weak(), desk.clone());
    window.global::<StatusAdapter>().on_notice_seen(move || {
        let Some(window) = w.upgrade() else { return };
        let d = d.borrow();
        let unseen = d.kiosk.unseen_pretix_notices().unwrap_or_default();
        if let Some(Err(e)) = unseen
            .first()
            .map(|first| d.kiosk.mark_pretix_notices_seen(first.at))
        {
            tracing::warn!("{e}");
        }
        show_notices(&window, unseen.get(1..).unwrap_or_default());
        window.invoke_arm();
    });
}
