//! The persistent print queue.

use jiff::Timestamp;
use rusqlite::{OptionalExtension, TransactionBehavior, params};
use serde::Serialize;
use uuid::Uuid;

use super::log::append;
use super::{Result, Store, StoreError, parse_ts, parse_uuid, ts_text};
use crate::domain::payload::{Payload, PrintPayload};
use crate::domain::{NewRecord, Record, RecordKind};

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
pub enum PrintState {
    Queued,
    Sent,
    Done,
    Failed,
}

impl PrintState {
    pub fn as_str(self) -> &'static str {
        self.into()
    }
    fn parse(s: &str) -> Result<PrintState> {
        s.parse().map_err(|_| StoreError::Corrupt {
            column: "print_job.state",
            value: s.to_owned(),
        })
    }
}

/// A badge to print.
#[derive(Debug, Clone, PartialEq)]
pub struct NewJob<'a> {
    pub registrant: Uuid,
    pub reason: &'a str,
    pub printer: &'a str,
    pub title: &'a str,
    /// What the printer will know it by: no code, no name.
    pub job_name: &'a str,
    pub media: &'a str,
    pub pdf: &'a [u8],
}

/// A queued job, with what sending it needs.
#[derive(Debug, Clone, PartialEq)]
pub struct QueuedPrint {
    pub id: i64,
    /// What the printer knows the job by (CUPS job-name, file name).
    pub job_name: String,
    /// It was being handed to the printer when the process stopped: the
    /// printer may hold it already.
    pub submitting: bool,
    pub title: String,
    pub media: String,
    pub pdf: Vec<u8>,
    /// Whose badge it is.
    pub registrant: Uuid,
}

/// A job as the queue knows it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct JobView {
    pub id: i64,
    pub registrant: Uuid,
    pub title: String,
    pub reason: String,
    pub state: PrintState,
    pub attempts: i64,
    /// Why it is not printed yet, or why it failed.
    pub error: Option<String>,
    pub printer: String,
    pub printer_job: Option<String>,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
}

/// A kiosk's print queue counted (see [`Store::queue_counts`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QueueCounts {
    pub queued: i64,
    pub sent: i64,
    pub failed: i64,
    pub problem: Option<String>,
}

const JOB_COLUMNS: &str = "id, registrant, title, reason, state, attempts, error, printer, printer_job, created_at, updated_at";

fn job_from_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<[Option<String>; 11]> {
    Ok([
        Some(r.get::<_, i64>(0)?.to_string()),
        r.get(1)?,
        r.get(2)?,
        r.get(3)?,
        r.get(4)?,
        Some(r.get::<_, i64>(5)?.to_string()),
        r.get(6)?,
        r.get(7)?,
        r.get(8)?,
        r.get(9)?,
        r.get(10)?,
    ])
}

fn job_view(row: [Option<String>; 11]) -> Result<JobView> {
    let [
        id,
        registrant,
        title,
        reason,
        state,
        attempts,
        error,
        printer,
        printer_job,
        created,
        updated,
    ] = row;
    let text = |v: Option<String>| v.unwrap_or_default();
    Ok(JobView {
        id: text(id).parse().unwrap_or_default(),
        registrant: parse_uuid("print_job.registrant", &text(registrant))?,
        title: text(title),
        reason: text(reason),
        state: PrintState::parse(&text(state))?,
        attempts: text(attempts).parse().unwrap_or_default(),
        error,
        printer: text(printer),
        printer_job,
        created_at: parse_ts("print_job.created_at", &text(created))?,
        updated_at: parse_ts("print_job.updated_at", &text(updated))?,
    })
}

impl Store {
    /// Puts a badge in the queue (durably, before any attempt to print).
    pub fn enqueue_print(&mut self, job: &NewJob<'_>, now: Timestamp) -> Result<i64> {
        let now = ts_text(now);
        self.conn
            .prepare_cached(
                "INSERT INTO print_job (registrant, reason, state, printer, title, media, pdf, created_at, updated_at, job_name)
                 VALUES (?1, ?2, 'queued', ?3, ?4, ?5, ?6, ?7, ?7, ?8)",
            )?
            .execute(params![
                job.registrant.to_string(),
                job.reason,
                job.printer,
                job.title,
                job.media,
                job.pdf,
                now,
                job.job_name,
            ])?;
        Ok(self.conn.last_insert_rowid())
    }

    /// Jobs waiting to be sent, oldest first, with what sending needs.
    pub fn queued_prints(&self) -> Result<Vec<QueuedPrint>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT id, title, media, pdf, COALESCE(job_name, 'badge-' || id), submitting,
                    registrant
             FROM print_job WHERE state = 'queued' ORDER BY id",
        )?;
        let rows = stmt.query_map([], |r| {
            Ok((
                QueuedPrint {
                    id: r.get(0)?,
                    title: r.get(1)?,
                    media: r.get(2)?,
                    pdf: r.get(3)?,
                    job_name: r.get(4)?,
                    submitting: r.get(5)?,
                    registrant: Uuid::nil(),
                },
                r.get::<_, String>(6)?,
            ))
        })?;
        rows.map(|row| {
            let (job, registrant) = row?;
            Ok(QueuedPrint {
                registrant: parse_uuid("print_job.registrant", &registrant)?,
                ..job
            })
        })
        .collect()
    }

    /// The printer accepted the job: mark it sent (or done) and log a
    /// `badge_printed` record, in one transaction. The PDF is dropped once
    /// printed.
    pub fn mark_print_accepted(
        &mut self,
        id: i64,
        printer_job: &str,
        finished: bool,
        kiosk: &str,
        now: Timestamp,
    ) -> Result<Record> {
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        let (registrant, reason, printer): (String, String, String) = tx.query_row(
            "SELECT registrant, reason, printer FROM print_job WHERE id = ?1",
            [id],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )?;
        let record = append(
            &tx,
            kiosk,
            now,
            NewRecord::about(
                RecordKind::BadgePrinted,
                parse_uuid("print_job.registrant", &registrant)?,
                Payload::BadgePrinted(PrintPayload {
                    job: Some(id),
                    reason: Some(reason),
                    printer: Some(printer),
                    printer_job: Some(printer_job.to_owned()),
                })
                .to_value(),
            ),
        )?;
        tx.execute(
            "UPDATE print_job SET state = ?2, printer_job = ?3, record = ?4, error = NULL,
                 attempts = attempts + 1, updated_at = ?5, submitting = 0,
                 pdf = CASE WHEN ?2 = 'done' THEN x'' ELSE pdf END
             WHERE id = ?1",
            params![
                id,
                if finished { "done" } else { "sent" },
                printer_job,
                record.id.to_string(),
                ts_text(now)
            ],
        )?;
        tx.commit()?;
        Ok(record)
    }

    /// The job is about to be handed to the printer (durably: after a
    /// crash, the printer is asked whether it holds it before sending it
    /// again).
    pub fn mark_print_submitting(&mut self, id: i64, now: Timestamp) -> Result<()> {
        self.conn.execute(
            "UPDATE print_job SET submitting = 1, updated_at = ?2 WHERE id = ?1",
            params![id, ts_text(now)],
        )?;
        Ok(())
    }

    /// Sending failed. `permanent`: the printer will never take this job —
    /// it is failed, and the queue goes on; otherwise it stays queued for
    /// the next try.
    pub fn mark_print_attempt_failed(
        &mut self,
        id: i64,
        error: &str,
        permanent: bool,
        now: Timestamp,
    ) -> Result<()> {
        self.conn.execute(
            "UPDATE print_job SET attempts = attempts + 1, error = ?2, updated_at = ?3,
                 submitting = 0,
                 state = CASE WHEN ?4 THEN 'failed' ELSE state END
             WHERE id = ?1",
            params![id, error, ts_text(now), permanent],
        )?;
        Ok(())
    }

    /// Jobs handed to the printer and not finished: (id, printer job).
    pub fn sent_prints(&self) -> Result<Vec<(i64, String)>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT id, printer_job FROM print_job WHERE state = 'sent' ORDER BY id",
        )?;
        let rows = stmt.query_map([], |r| {
            Ok((
                r.get(0)?,
                r.get::<_, Option<String>>(1)?.unwrap_or_default(),
            ))
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// What the printer says of a sent job: still waiting (why), done, or
    /// failed (why).
    pub fn update_sent_print(
        &mut self,
        id: i64,
        state: PrintState,
        note: Option<&str>,
        now: Timestamp,
    ) -> Result<()> {
        self.conn.execute(
            "UPDATE print_job SET state = ?2, error = ?3, updated_at = ?4,
                 pdf = CASE WHEN ?2 = 'done' THEN x'' ELSE pdf END
             WHERE id = ?1 AND state = 'sent'",
            params![id, state.as_str(), note, ts_text(now)],
        )?;
        Ok(())
    }

    /// One job.
    pub fn print_job(&self, id: i64) -> Result<Option<JobView>> {
        let sql = format!("SELECT {JOB_COLUMNS} FROM print_job WHERE id = ?1");
        self.conn
            .prepare_cached(&sql)?
            .query_row([id], job_from_row)
            .optional()?
            .map(job_view)
            .transpose()
    }

    /// The latest jobs, newest first.
    pub fn print_jobs(&self, limit: usize) -> Result<Vec<JobView>> {
        let sql = format!("SELECT {JOB_COLUMNS} FROM print_job ORDER BY id DESC LIMIT ?1");
        let mut stmt = self.conn.prepare_cached(&sql)?;
        let rows = stmt.query_map([limit as i64], job_from_row)?;
        rows.map(|r| job_view(r?)).collect()
    }

    /// One person's badges in the queue's history, oldest first.
    pub fn print_jobs_of(&self, registrant: uuid::Uuid) -> Result<Vec<JobView>> {
        let sql = format!("SELECT {JOB_COLUMNS} FROM print_job WHERE registrant = ?1 ORDER BY id");
        let mut stmt = self.conn.prepare_cached(&sql)?;
        let rows = stmt.query_map([registrant.to_string()], job_from_row)?;
        rows.map(|r| job_view(r?)).collect()
    }

    /// This kiosk's queue at a glance, whatever its length: badges not
    /// sent yet, badges at the printer, badges failed since `since`, and
    /// the latest error of one still waiting.
    pub fn queue_counts(&self, since: Timestamp) -> Result<QueueCounts> {
        let (queued, sent, failed) = self
            .conn
            .prepare_cached(
                "SELECT COUNT(*) FILTER (WHERE state = 'queued'),
                        COUNT(*) FILTER (WHERE state = 'sent'),
                        COUNT(*) FILTER (WHERE state = 'failed' AND updated_at >= ?1)
                 FROM print_job WHERE state IN ('queued', 'sent', 'failed')",
            )?
            .query_row([ts_text(since)], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?;
        let problem = self
            .conn
            .prepare_cached(
                "SELECT error FROM print_job
                 WHERE state IN ('queued', 'sent') AND error IS NOT NULL
                 ORDER BY id DESC LIMIT 1",
            )?
            .query_row([], |r| r.get(0))
            .optional()?;
        Ok(QueueCounts {
            queued,
            sent,
            failed,
            problem,
        })
    }

    /// Badges of this person in this kiosk's queue, not printed yet (queued
    /// or at the printer).
    pub fn badges_pending(&self, registrant: Uuid) -> Result<i64> {
        Ok(self
            .conn
            .prepare_cached(
                "SELECT COUNT(*) FROM print_job WHERE registrant = ?1 AND state IN ('queued', 'sent')",
            )?
            .query_row([registrant.to_string()], |r| r.get(0))?)
    }

    /// How many badges this person has had printed (accepted by a printer).
    pub fn badges_printed(&self, registrant: Uuid) -> Result<i64> {
        Ok(self
            .conn
            .prepare_cached(
                "SELECT COUNT(*) FROM record WHERE registrant = ?1 AND kind = 'badge_printed'",
            )?
            .query_row([registrant.to_string()], |r| r.get(0))?)
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    /// A printer away all morning: the organisers' page must say how many
    /// badges wait, not the latest two hundred of them.
    #[test]
    fn the_queue_is_counted_whole_with_its_latest_problem() {
        let dir = tempfile::tempdir().unwrap();
        let mut store = Store::open(&dir.path().join("k.sqlite")).unwrap();
        let t0: Timestamp = "2026-12-02T08:00:00Z".parse().unwrap();
        let job = |n: i64| NewJob {
            registrant: Uuid::from_u128(n as u128),
            reason: "badge",
            printer: "imprimante « QL820 »",
            title: "Badge",
            job_name: "badge-x",
            media: "om_62mm-roll",
            pdf: b"%PDF",
        };
        let ids: Vec<i64> = (0..250)
            .map(|n| store.enqueue_print(&job(n), t0).unwrap())
            .collect();
        store
            .mark_print_attempt_failed(ids[3], "imprimante injoignable", false, t0)
            .unwrap();
        store
            .mark_print_attempt_failed(ids[5], "papier épuisé", false, t0)
            .unwrap();
        store
            .mark_print_attempt_failed(ids[7], "trop long", true, t0)
            .unwrap();
        let an_hour_later = t0 + jiff::SignedDuration::from_secs(3600);
        let counts = store.queue_counts(t0).unwrap();
        assert_eq!(
            counts,
            QueueCounts {
                queued: 249,
                sent: 0,
                failed: 1,
                problem: Some("papier épuisé".into()),
            }
        );
        let later = store.queue_counts(an_hour_later).unwrap();
        assert_eq!(
            later.failed, 0,
            "a failure over an hour old no longer counts"
        );
    }
}
