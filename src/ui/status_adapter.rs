//! The status bar: the event, the day, arrivals vs expected, the printer.

use slint::ComponentHandle;

use super::{AppWindow, ResultAdapter, StatusAdapter};
use crate::app::Kiosk;
use crate::store::{JobView, PrintState};

pub(super) fn refresh(window: &AppWindow, kiosk: &Kiosk) {
    let s = window.global::<StatusAdapter>();
    s.set_event_name(kiosk.config.event.name.clone().into());
    s.set_kiosk_name(kiosk.config.kiosk.name.clone().into());
    if let Ok((day, _)) = kiosk.day(None) {
        s.set_day(format!("Jour {} · {}", day.number, day.date.strftime("%d/%m/%Y")).into());
        if let Ok(stats) = kiosk.stats()
            && let Some(d) = stats.days.iter().find(|d| d.number == day.number)
        {
            s.set_arrivals(format!("{} / {} arrivés", d.tally.arrived, d.tally.expected).into());
        }
    }
    s.set_printer(format!("{} : prête", kiosk.config.printer.printer.label()).into());
}

/// News from the print worker: the printer line, and the followed job.
pub(super) fn show_print_report(
    window: &AppWindow,
    printer: &str,
    jobs: Result<&[JobView], String>,
) {
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
            s.set_printer_ok(problem.is_none());
            s.set_printer(
                match (problem, waiting) {
                    (Some(p), _) => format!("{printer} : {p}"),
                    (None, 0) => format!("{printer} : prête"),
                    (None, n) => format!("{printer} : {n} badge(s) en attente"),
                }
                .into(),
            );
            let watched = i64::from(window.global::<ResultAdapter>().get_job_id());
            if let Some(job) = jobs.iter().find(|j| j.id == watched) {
                super::result_adapter::show_job(window, job);
            }
        }
        Err(e) => {
            s.set_printer_ok(false);
            s.set_printer(format!("{printer} : {e}").into());
        }
    }
}
