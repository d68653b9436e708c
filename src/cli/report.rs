//! What each verb says when it is done: one type per verb, `Serialize`
//! for `--json` (the field names are documented in the README: scripts
//! read them) and `Display` for people. [`super::Output::show`] picks one.

use std::fmt;
use std::path::PathBuf;

use serde::Serialize;

use crate::app::{JobView, Stats};
use crate::domain::{Event, Registrant};
use crate::sync::Round;

/// `accueil search`.
#[derive(Debug, Serialize)]
pub(super) struct Found {
    pub approximate: bool,
    pub hits: Vec<Registrant>,
    #[serde(skip)]
    pub query: String,
}

impl fmt::Display for Found {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.hits.is_empty() {
            return writeln!(f, "Aucun inscrit ne correspond à « {} ».", self.query);
        }
        if self.approximate {
            writeln!(f, "Aucun résultat exact ; orthographes proches :")?;
        }
        for r in &self.hits {
            writeln!(f, "{}", registrant_line(r))?;
        }
        Ok(())
    }
}

/// `accueil edit`.
#[derive(Debug, Serialize)]
pub(super) struct Edited {
    pub registrant: Registrant,
    pub changed: Vec<&'static str>,
    pub record: Option<uuid::Uuid>,
}

impl fmt::Display for Edited {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let who = format!(
            "{} [{}]",
            self.registrant.display_name(),
            self.registrant.code
        );
        if self.changed.is_empty() {
            writeln!(f, "Rien à modifier — {who}")
        } else {
            writeln!(f, "✎ Modifié ({}) — {who}", self.changed.join(", "))
        }
    }
}

/// `accueil badge`: one person's badge written.
#[derive(Debug, Serialize)]
pub(super) struct Badge {
    pub path: PathBuf,
    pub bytes: usize,
    pub registrant: Registrant,
}

impl fmt::Display for Badge {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(
            f,
            "Badge de {} écrit dans {} ({} Ko)",
            self.registrant.display_name(),
            self.path.display(),
            self.bytes.div_ceil(1024)
        )
    }
}

/// `accueil badges`: a sheet of badges written.
#[derive(Debug, Serialize)]
pub(super) struct Badges {
    pub path: PathBuf,
    pub bytes: usize,
    pub badges: usize,
}

impl fmt::Display for Badges {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(
            f,
            "{} badge(s) écrit(s) dans {} ({} Ko)",
            self.badges,
            self.path.display(),
            self.bytes.div_ceil(1024)
        )
    }
}

/// `accueil export`.
#[derive(Debug, Serialize)]
pub(super) struct Exported {
    pub written: usize,
    pub path: PathBuf,
}

impl fmt::Display for Exported {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(
            f,
            "{} inscrit(s) écrit(s) dans {}",
            self.written,
            self.path.display()
        )
    }
}

/// `accueil print --status`: the printer and its latest jobs.
#[derive(Debug, Serialize)]
pub(super) struct PrintQueue<'a> {
    pub printer: String,
    pub jobs: Vec<JobView>,
    #[serde(skip)]
    pub event: &'a Event,
}

impl fmt::Display for PrintQueue<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "File d'impression — {}", self.printer)?;
        if self.jobs.is_empty() {
            writeln!(f, "  (vide)")?;
        }
        for j in &self.jobs {
            writeln!(f, "  {}", job_line(self.event, j))?;
        }
        Ok(())
    }
}

/// `accueil print`: a badge sent to the printer.
#[derive(Debug, Serialize)]
pub(super) struct Printed<'a> {
    pub registrant: Registrant,
    pub job: JobView,
    pub printed_before: i64,
    #[serde(skip)]
    pub event: &'a Event,
}

impl fmt::Display for Printed<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "{}", job_line(self.event, &self.job))
    }
}

/// `accueil stats`.
#[derive(Debug, Serialize)]
#[serde(transparent)]
pub(super) struct Figures<'a> {
    pub stats: Stats,
    #[serde(skip)]
    pub event: &'a Event,
}

impl fmt::Display for Figures<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let s = &self.stats;
        writeln!(
            f,
            "{} — {} inscrit(s), dont {} annulé(s)",
            self.event.name, s.registrants, s.cancelled
        )?;
        for d in &s.days {
            writeln!(
                f,
                "\nJour {} ({}) : {} arrivé(s) sur {} attendu(s)",
                d.number, d.date, d.tally.arrived, d.tally.expected
            )?;
            for c in &d.categories {
                if c.tally.expected > 0 || c.tally.arrived > 0 {
                    writeln!(
                        f,
                        "  {:<20} {:>6} / {:<6}",
                        c.name, c.tally.arrived, c.tally.expected
                    )?;
                }
            }
            for (k, n) in &d.kiosks {
                writeln!(f, "  kiosque {k} : {n} arrivée(s)")?;
            }
        }
        Ok(())
    }
}

/// `accueil sync --once` with a hub: the round (what went wrong with
/// single records is said on stderr, apart).
#[derive(Debug, Serialize)]
#[serde(transparent)]
pub(super) struct Synced(pub Round);

impl fmt::Display for Synced {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let r = &self.0;
        write!(
            f,
            "synchronisé : {} envoyée(s), {} reçue(s)",
            r.sent, r.received
        )?;
        if r.list_updated {
            write!(f, ", liste des inscrits mise à jour")?;
        }
        if r.pending > 0 {
            write!(f, ", {} en attente", r.pending)?;
        }
        writeln!(f)
    }
}

/// `accueil hub`, once it listens.
#[derive(Debug, Serialize)]
pub(super) struct Listening {
    pub listening: String,
}

impl fmt::Display for Listening {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let bound = &self.listening;
        writeln!(
            f,
            "hub à l'écoute sur http://{bound} — page des organisateurs : http://{bound}/?token=…"
        )
    }
}

/// One print job, as staff read it.
pub(super) fn job_line(event: &Event, j: &JobView) -> String {
    use crate::app::PrintState;
    let when = event.hh_mm(j.updated_at);
    let state = match j.state {
        PrintState::Queued => format!(
            "⏳ en attente d'envoi ({} essai(s){})",
            j.attempts,
            j.error
                .as_deref()
                .map(|e| format!(" : {e}"))
                .unwrap_or_default()
        ),
        PrintState::Sent => format!(
            "➜ envoyé à l'imprimante{}",
            j.error
                .as_deref()
                .map(|e| format!(", en attente : {e}"))
                .unwrap_or_default()
        ),
        PrintState::Done => "✔ imprimé".to_owned(),
        PrintState::Failed => format!(
            "✘ échec : {}",
            j.error.as_deref().unwrap_or("raison inconnue")
        ),
    };
    format!("#{} {when} {} [{}] — {state}", j.id, j.title, j.reason)
}

pub(super) fn registrant_line(r: &Registrant) -> String {
    let mut line = format!("{:>6}  {}  {}", r.id, r.code, r.display_name());
    if !r.organisation.is_empty() {
        line.push_str(&format!(" — {}", r.organisation));
    }
    line.push_str(&format!(" ({})", r.category));
    if r.status != crate::domain::Status::Valid {
        line.push_str(&format!(" [{}]", r.status.as_str()));
    }
    line
}
