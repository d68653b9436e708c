//! The status bar: the event, the day, arrivals vs expected, the printer.

use slint::ComponentHandle;

use super::{AppWindow, ResultAdapter, StatusAdapter};
use crate::app::Kiosk;
use crate::print::Printer;
use crate::store::{JobView, PrintState};

pub(super) fn refresh(window: &AppWindow, kiosk: &Kiosk) {
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
    match kiosk.day(None) {
        Ok((day, _)) => {
            s.set_day_number(count(day.number));
            s.set_day_date(day.date.strftime("%d/%m/%Y").to_string().into());
            if let Ok(stats) = kiosk.stats()
                && let Some(d) = stats.days.iter().find(|d| d.number == day.number)
            {
                s.set_arrived(count(d.tally.arrived));
                s.set_expected(count(d.tally.expected));
            }
        }
        Err(_) => s.set_day_number(0),
    }
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
