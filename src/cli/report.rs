//! What each verb says when it is done: one type per verb, `Serialize`
//! for `--json` (the field names are documented in the README: scripts
//! read them) and `Display` for people. [`super::Output::show`] picks one.

use std::fmt;
use std::path::PathBuf;

use serde::Serialize;

use crate::app::{
    CheckIn, ImportOptions, ImportReport, Imported, JobView, Lookup, PretixImported, PretixRound,
    ScanTest, Stats, Undo, UndoOutcome, WalkIn,
};
use crate::domain::keyboard::{advice_all, describe_all};
use crate::domain::{Arrival, DayReason, Event, EventDay, Outcome, Registrant};
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

/// `accueil emargement`, `accueil attestation`: documents written.
#[derive(Debug, Serialize)]
pub(super) struct Written {
    pub what: &'static str,
    pub paths: Vec<PathBuf>,
    pub bytes: usize,
}

impl fmt::Display for Written {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.paths.as_slice() {
            [] => writeln!(f, "aucune {} : personne n'est venu à une séance", self.what),
            [one] => writeln!(
                f,
                "{} écrite dans {} ({} Ko)",
                self.what,
                one.display(),
                self.bytes.div_ceil(1024)
            ),
            many => writeln!(
                f,
                "{} {} écrites dans {} ({} Ko)",
                many.len(),
                self.what,
                many[0]
                    .parent()
                    .map(|p| p.display().to_string())
                    .unwrap_or_default(),
                self.bytes.div_ceil(1024)
            ),
        }
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
pub(super) struct Synced<'a>(pub &'a Round);

impl fmt::Display for Synced<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let r = self.0;
        write!(
            f,
            "synchronisé : {} envoyée(s), {} reçue(s)",
            r.sent, r.received
        )?;
        if r.list_updated {
            write!(f, ", liste des inscrits mise à jour")?;
        }
        if r.config_updated {
            write!(f, ", configuration de l'événement reçue du hub")?;
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

/// A check-in (`accueil checkin`, one per line with `-`): the outcome, the
/// day, whom, and what the scan said of the scanner; with `--print`, the
/// badge's job (`print`: null when there was none to print).
pub(super) struct Checked<'a> {
    pub event: &'a Event,
    pub lookup: Lookup,
    pub c: CheckIn,
    /// `None`: `--print` not asked.
    pub print: Option<Option<Result<JobView, String>>>,
}

impl Serialize for Checked<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        #[derive(Serialize)]
        struct WithPrint<'a> {
            #[serde(flatten)]
            checkin: CheckinJson<'a>,
            /// Absent without `--print`; null when there was no badge to print.
            #[serde(skip_serializing_if = "Option::is_none")]
            print: Option<Option<PrintJson<'a>>>,
        }
        WithPrint {
            checkin: CheckinJson::of(self.event, &self.c),
            print: self.print.as_ref().map(|p| {
                p.as_ref().map(|r| match r {
                    Ok(job) => PrintJson::Job(job),
                    Err(error) => PrintJson::Error { error },
                })
            }),
        }
        .serialize(s)
    }
}

impl fmt::Display for Checked<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write_checkin(f, self.event, &self.lookup, &self.c, self.print.as_ref())
    }
}

/// A check-in's lines: the outcome, the scanner's, the badge's.
fn write_checkin(
    f: &mut fmt::Formatter<'_>,
    event: &Event,
    lookup: &Lookup,
    c: &CheckIn,
    print: Option<&Option<Result<JobView, String>>>,
) -> fmt::Result {
    let who = c
        .registrant
        .as_ref()
        .map(Registrant::display_name)
        .unwrap_or_default();
    let text = match c.outcome {
        Outcome::Welcome => {
            let r = c.registrant.as_ref();
            let org = r.map(|r| r.organisation.as_str()).filter(|o| !o.is_empty());
            format!(
                "✔ Bienvenue, {who} — {}{}",
                r.map(|r| r.category.as_str()).unwrap_or(""),
                org.map(|o| format!(" · {o}")).unwrap_or_default()
            )
        }
        Outcome::AlreadyIn => match &c.previous {
            Some(a) => format!(
                "● Déjà enregistré·e à {} (kiosque {}) — {who}",
                local_time(event, a),
                a.kiosk
            ),
            None => format!("● Déjà enregistré·e — {who}"),
        },
        Outcome::Unknown => {
            // Whoever runs the command is the desk: what to do next.
            format!(
                "✘ Billet inconnu {} — cherchez la personne par son nom (accueil search NOM) ou inscrivez-la sur place (accueil walk-in)",
                crate::domain::text::shown(&lookup.to_string())
            )
        }
        Outcome::Cancelled => {
            format!("✘ Billet annulé — {who} : merci de vous adresser à l'accueil")
        }
        Outcome::Pending => {
            format!("✘ Inscription en attente de validation — {who} : adressez-vous à l'accueil")
        }
        Outcome::NotToday => format!(
            "✘ {} : catégorie {} non admise ce jour — {who}",
            c.day,
            c.registrant
                .as_ref()
                .map(|r| r.category.as_str())
                .unwrap_or("")
        ),
    };
    writeln!(f, "{text} [{}{}]", c.day, day_note(c.day_reason))?;
    for line in scanner_lines(&c.scan) {
        writeln!(f, "{line}")?;
    }
    match print {
        Some(Some(Ok(job))) => writeln!(f, "  {}", job_line(event, job)),
        Some(Some(Err(e))) => writeln!(f, "  ✘ badge non imprimé : {e}"),
        _ => Ok(()),
    }
}

/// `accueil undo`.
pub(super) struct Undone<'a> {
    pub event: &'a Event,
    pub lookup: Lookup,
    pub u: Undo,
}

impl Serialize for Undone<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        #[derive(Serialize)]
        struct UndoJson<'a> {
            outcome: UndoOutcome,
            registrant: Option<&'a Registrant>,
            reverted: Option<ArrivalJson<'a>>,
            record: Option<uuid::Uuid>,
        }
        let u = &self.u;
        UndoJson {
            outcome: u.outcome,
            registrant: u.registrant.as_ref(),
            reverted: u.reverted.as_ref().map(|a| ArrivalJson::of(self.event, a)),
            record: u.record.as_ref().map(|r| r.id),
        }
        .serialize(s)
    }
}

impl fmt::Display for Undone<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let u = &self.u;
        let who = u
            .registrant
            .as_ref()
            .map(Registrant::display_name)
            .unwrap_or_default();
        match (u.outcome, &u.reverted) {
            (UndoOutcome::Undone, Some(a)) => writeln!(
                f,
                "↶ Arrivée de {who} du {} à {} (kiosque {}) annulée",
                a.day,
                local_time(self.event, a),
                a.kiosk
            ),
            (UndoOutcome::Unknown, _) => writeln!(f, "✘ Billet inconnu {}", self.lookup),
            _ => writeln!(f, "Aucune arrivée à annuler pour {who}"),
        }
    }
}

/// `accueil walk-in`: whom it registered, and their check-in.
pub(super) struct WalkedIn<'a> {
    pub event: &'a Event,
    pub w: WalkIn,
}

impl Serialize for WalkedIn<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        #[derive(Serialize)]
        struct WalkInJson<'a> {
            registrant: &'a Registrant,
            record: uuid::Uuid,
            checkin: CheckinJson<'a>,
        }
        WalkInJson {
            registrant: &self.w.registrant,
            record: self.w.record.id,
            checkin: CheckinJson::of(self.event, &self.w.check_in),
        }
        .serialize(s)
    }
}

impl fmt::Display for WalkedIn<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let r = &self.w.registrant;
        writeln!(
            f,
            "+ Inscrit·e sur place : {} [{}]",
            r.display_name(),
            r.code
        )?;
        write_checkin(f, self.event, &Lookup::Uid(r.uid), &self.w.check_in, None)
    }
}

/// `accueil scan-test`: what arrived, and what it says of the scanner.
pub(super) struct ScanTested(pub ScanTest);

impl Serialize for ScanTested {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        /// A code the scan would be under a keyboard mix-up.
        #[derive(Serialize)]
        struct LikelyJson<'a> {
            layout: String,
            code: &'a str,
            message: String,
        }
        #[derive(Serialize)]
        struct ScanTestJson<'a> {
            read: &'a str,
            visible: String,
            registrant: Option<&'a Registrant>,
            scanner: Option<ScannerJson<'a>>,
            likely: Vec<LikelyJson<'a>>,
            verdict: String,
        }
        let t = &self.0;
        ScanTestJson {
            read: &t.read,
            visible: t.visible(),
            registrant: t.registrant.as_ref(),
            scanner: ScannerJson::of(&t.scan),
            likely: t
                .likely
                .iter()
                .map(|(m, code)| LikelyJson {
                    layout: m.key(),
                    code,
                    message: m.describe(),
                })
                .collect(),
            verdict: t.verdict(),
        }
        .serialize(s)
    }
}

impl fmt::Display for ScanTested {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let t = &self.0;
        writeln!(
            f,
            "reçu : « {} » ({} caractère(s))",
            t.visible(),
            t.read.chars().count()
        )?;
        writeln!(f, "  {}", t.verdict())
    }
}

/// `checkin --json`: outcome, admitted, day, registrant, previous, record.
/// A check-in as `--json` says it (scripts read these names).
#[derive(Serialize)]
struct CheckinJson<'a> {
    outcome: Outcome,
    admitted: bool,
    day: DayJson,
    registrant: Option<&'a Registrant>,
    previous: Option<ArrivalJson<'a>>,
    record: Option<uuid::Uuid>,
    scanner: Option<ScannerJson<'a>>,
}

impl<'a> CheckinJson<'a> {
    fn of(event: &Event, c: &'a CheckIn) -> CheckinJson<'a> {
        CheckinJson {
            outcome: c.outcome,
            admitted: c.outcome.admits(),
            day: DayJson::of(c.day, c.day_reason),
            registrant: c.registrant.as_ref(),
            previous: c.previous.as_ref().map(|a| ArrivalJson::of(event, a)),
            record: c.record.as_ref().map(|r| r.id),
            scanner: ScannerJson::of(&c.scan),
        }
    }
}

/// `--print`'s job beside a check-in: the job, or why there is none.
#[derive(Serialize)]
#[serde(untagged)]
enum PrintJson<'a> {
    Job(&'a JobView),
    Error { error: &'a str },
}

/// `scanner` in JSON output: null when the code was read as typed; else
/// the keyboard mix-up undone (`layout`, `us/fr`: scanner/computer, with
/// `also` the other mix-ups that read it the same) or the tickets the scan
/// could be (`ambiguous`, `layout` null for the scan as read).
#[derive(Serialize)]
#[serde(untagged)]
enum ScannerJson<'a> {
    Mixed {
        layout: String,
        scanner: &'static str,
        host: &'static str,
        also: Vec<String>,
        message: String,
        advice: String,
    },
    Ambiguous {
        ambiguous: Vec<AmbiguousJson<'a>>,
    },
}

/// One of the tickets an ambiguous scan could be.
#[derive(Serialize)]
struct AmbiguousJson<'a> {
    layout: Option<String>,
    code: &'a str,
    name: String,
}

impl<'a> ScannerJson<'a> {
    fn of(note: &'a crate::app::ScanNote) -> Option<ScannerJson<'a>> {
        match (note.via, note.ambiguous.as_slice()) {
            (Some(m), _) => Some(ScannerJson::Mixed {
                layout: m.key(),
                scanner: m.scanner.key(),
                host: m.host.key(),
                also: note.also.iter().map(|m| m.key()).collect(),
                message: describe_all(&note.mixes()),
                advice: advice_all(&note.mixes()),
            }),
            (None, []) => None,
            (None, list) => Some(ScannerJson::Ambiguous {
                ambiguous: list
                    .iter()
                    .map(|(m, r)| AmbiguousJson {
                        layout: m.map(|m| m.key()),
                        code: &r.code,
                        name: r.display_name(),
                    })
                    .collect(),
            }),
        }
    }
}

/// What staff should know about the scanner, when a scan said something.
fn scanner_lines(note: &crate::app::ScanNote) -> Vec<String> {
    match (note.via, note.ambiguous.as_slice()) {
        (Some(_), _) => vec![format!(
            "  ⚠ billet reconnu malgré le clavier : {} — {}",
            describe_all(&note.mixes()),
            advice_all(&note.mixes())
        )],
        (None, []) => Vec::new(),
        (None, list) => {
            let mut lines = vec![
                "  ⚠ plusieurs billets possibles selon la disposition du clavier du lecteur : personne n'est enregistré".to_owned(),
            ];
            for (m, r) in list {
                lines.push(format!(
                    "    {} [{}] — {}",
                    r.display_name(),
                    r.code,
                    m.map_or_else(
                        || "tel que lu".to_owned(),
                        |m| format!("si {}", m.describe())
                    )
                ));
            }
            lines.push(
                "    réglez le lecteur sur le clavier du poste, ou fixez scanner_layout dans kiosk.toml [kiosk] (« accueil scan-test » aide à trouver lequel)".to_owned(),
            );
            lines
        }
    }
}

fn day_note(reason: DayReason) -> &'static str {
    match reason {
        DayReason::FirstDayOutsideEvent => ", hors des dates de l'événement : premier jour retenu",
        DayReason::Today | DayReason::Asked => "",
    }
}

fn local_time(event: &Event, a: &Arrival) -> String {
    event.hh_mm(a.at)
}

/// `day` in JSON output: its number, its date, why it is that day.
#[derive(Serialize)]
struct DayJson {
    number: usize,
    date: String,
    reason: DayReason,
}

impl DayJson {
    fn of(day: EventDay, reason: DayReason) -> DayJson {
        DayJson {
            number: day.number,
            date: day.date.to_string(),
            reason,
        }
    }
}

/// `previous` / `reverted` in JSON output: `at` (RFC 3339 in the event's
/// timezone), `kiosk`, `day`, `record`.
#[derive(Serialize)]
struct ArrivalJson<'a> {
    at: String,
    kiosk: &'a str,
    day: String,
    record: uuid::Uuid,
}

impl<'a> ArrivalJson<'a> {
    fn of(event: &Event, a: &'a Arrival) -> ArrivalJson<'a> {
        ArrivalJson {
            at: a
                .at
                .to_zoned_datetime(event.timezone.clone())
                .strftime("%Y-%m-%dT%H:%M:%S%:z")
                .to_string(),
            kiosk: &a.kiosk,
            day: a.day.to_string(),
            record: a.record,
        }
    }
}

/// `accueil import FILE`: what was read, recognised, and changed (or, with
/// `--dry-run`, would be).
pub(super) struct FileImport {
    pub file: PathBuf,
    pub imported: Imported,
    pub options: ImportOptions,
}

impl Serialize for FileImport {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let i = &self.imported;
        /// A file's own fields.
        #[derive(Serialize)]
        struct FromFile<'a> {
            format: &'a str,
            profile: &'a str,
            profile_label: &'a str,
            rows: usize,
            skipped: usize,
            warnings: &'a [crate::import::RowProblem],
        }
        ImportJson::new(
            self.options,
            &i.report,
            FromFile {
                format: &i.format,
                profile: i.profile.id,
                profile_label: i.profile.label,
                rows: i.rows,
                skipped: i.skipped,
                warnings: &i.warnings,
            },
        )
        .serialize(s)
    }
}

impl fmt::Display for FileImport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (i, r) = (&self.imported, &self.imported.report);
        writeln!(
            f,
            "{} — {} ligne(s) lue(s) ({})",
            self.file.display(),
            i.rows,
            i.format
        )?;
        writeln!(f, "format reconnu : {}", i.profile.label)?;
        for w in &i.warnings {
            writeln!(f, "  attention, {w}")?;
        }
        if !self.options.dry_run {
            return writeln!(
                f,
                "{} ajouté(s), {} mis à jour, {} inchangé(s), {} annulé(s) (absents du fichier)",
                r.added, r.updated, r.unchanged, r.cancelled
            );
        }
        writeln!(
            f,
            "Simulation, rien n'est écrit : {} à ajouter, {} à mettre à jour, {} inchangé(s), {} à annuler (absents du fichier)",
            r.added, r.updated, r.unchanged, r.cancelled
        )?;
        for c in &r.changes {
            let what = match c.change {
                "added" => "ajout".to_owned(),
                "updated" => format!("modification ({})", c.fields.join(", ")),
                _ => "annulation".to_owned(),
            };
            writeln!(f, "  {what} : {} [{}]", c.name, c.code)?;
        }
        Ok(())
    }
}

/// `accueil import` with `[source] kind = "pretix"`.
pub(super) struct PretixImport {
    pub imported: PretixImported,
    pub options: ImportOptions,
}

impl Serialize for PretixImport {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let i = &self.imported;
        /// pretix's own fields.
        #[derive(Serialize)]
        struct FromPretix<'a> {
            source: &'a str,
            positions: usize,
            arrivals: usize,
            warnings: &'a [String],
        }
        ImportJson::new(
            self.options,
            &i.report,
            FromPretix {
                source: &i.source,
                positions: i.positions,
                arrivals: i.arrivals,
                warnings: &i.warnings,
            },
        )
        .serialize(s)
    }
}

impl fmt::Display for PretixImport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (i, r) = (&self.imported, &self.imported.report);
        writeln!(f, "{} — {} billet(s) téléchargé(s)", i.source, i.positions)?;
        for w in &i.warnings {
            writeln!(f, "  attention, {w}")?;
        }
        let verb = if self.options.dry_run {
            "Simulation, rien n'est écrit :"
        } else {
            "Import :"
        };
        writeln!(
            f,
            "{verb} {} ajouté(s), {} mis à jour, {} inchangé(s), {} annulé(s) (absents de pretix), {} entrée(s) faite(s) dans pretix reprise(s)",
            r.added, r.updated, r.unchanged, r.cancelled, i.arrivals
        )
    }
}

/// `accueil sync --once` on the copy that talks to pretix (its refusals
/// are said on stderr, apart).
#[derive(Serialize)]
#[serde(transparent)]
pub(super) struct PretixSynced<'a>(pub &'a PretixRound);

impl fmt::Display for PretixSynced<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let round = self.0;
        writeln!(
            f,
            "pretix : {} arrivée(s) enregistrée(s), {} déjà entrée(s), {} annulation(s), {} restée(s) locale(s) ; liste {}, {} entrée(s) faite(s) dans pretix reprise(s)",
            round.accepted,
            round.already_in,
            round.annulled,
            round.local,
            if round.list_changed {
                "mise à jour"
            } else {
                "inchangée"
            },
            round.arrivals_in
        )?;
        for w in &round.warnings {
            writeln!(f, "  attention, {w}")?;
        }
        Ok(())
    }
}

/// What every import reports, from a file or from pretix, then the
/// source's own fields.
#[derive(Serialize)]
struct ImportJson<'a, Own: Serialize> {
    dry_run: bool,
    committed: bool,
    added: usize,
    updated: usize,
    unchanged: usize,
    cancelled: usize,
    changes: &'a [crate::app::ImportChange],
    #[serde(flatten)]
    own: Own,
}

impl<'a, Own: Serialize> ImportJson<'a, Own> {
    fn new(options: ImportOptions, r: &'a ImportReport, own: Own) -> Self {
        ImportJson {
            dry_run: options.dry_run,
            committed: r.committed,
            added: r.added,
            updated: r.updated,
            unchanged: r.unchanged,
            cancelled: r.cancelled,
            changes: &r.changes,
            own,
        }
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

/// `accueil purge`: what was (or would be) erased.
#[derive(Debug, Serialize)]
#[serde(transparent)]
pub(super) struct Purged(pub crate::app::Purge);

impl fmt::Display for Purged {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let p = &self.0;
        let r = &p.removed;
        match (p.done, p.purged_at) {
            (false, Some(at)) => {
                return writeln!(
                    f,
                    "Base déjà purgée le {} : elle ne garde que des comptes anonymes.",
                    at.strftime(crate::domain::when::DATE)
                );
            }
            (false, None) => writeln!(
                f,
                "Seraient effacés : les noms, courriels, organisations, codes et champs libres de {} personne(s), {} badge(s) de l'historique d'impression, {} copie(s) d'entrées refusées{} ; {} entrée(s) du journal resteraient, sans nom, au quart d'heure près. Conservation prévue jusqu'au {}. Pour effacer : accueil purge --yes",
                r.people,
                r.badges,
                r.refused,
                if p.files.is_empty() {
                    String::new()
                } else {
                    format!(
                        ", et {} fichier(s) (badges PDF, copie du hub)",
                        p.files.len()
                    )
                },
                r.records,
                p.due.strftime(crate::domain::when::DATE)
            )?,
            (true, _) if r.people == 0 && r.records == 0 && p.files.is_empty() => {
                writeln!(f, "Rien à effacer : la base était déjà purgée.")?
            }
            (true, _) => writeln!(
                f,
                "Purgé : {} personne(s) anonymisée(s), {} badge(s) et {} fichier(s) effacés ; {} entrée(s) du journal gardées sans nom pour les statistiques (accueil stats).",
                r.people,
                r.badges,
                p.files.len(),
                r.records
            )?,
        }
        Ok(())
    }
}

/// `accueil person`: everything the copy keeps of someone.
#[derive(Debug, Serialize)]
#[serde(transparent)]
pub(super) struct Person(pub crate::app::PersonFile);

impl fmt::Display for Person {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let p = &self.0;
        let r = &p.registrant;
        writeln!(f, "{}", registrant_line(r))?;
        writeln!(
            f,
            "  courriel : {}",
            if r.email.is_empty() { "—" } else { &r.email }
        )?;
        for (k, v) in &r.extra {
            writeln!(f, "  {k} : {v}")?;
        }
        if let Some(source) = &p.source {
            writeln!(f, "  ligne d'origine : {source}")?;
        }
        for rec in &p.records {
            writeln!(
                f,
                "  {} {} au kiosque {}{}",
                p.timezone
                    .to_datetime(rec.at)
                    .strftime(crate::domain::when::DATE_TIME),
                match rec.kind {
                    crate::domain::RecordKind::Arrival => "arrivée",
                    crate::domain::RecordKind::Undo => "arrivée annulée",
                    crate::domain::RecordKind::BadgePrinted => "badge imprimé",
                    crate::domain::RecordKind::WalkIn => "inscription sur place",
                    crate::domain::RecordKind::RegistrantEdited => "fiche corrigée",
                    crate::domain::RecordKind::RoomEntry => "entrée en salle",
                    crate::domain::RecordKind::RoomExit => "sortie de salle",
                },
                rec.kiosk,
                rec.day.map(|d| format!(" (jour {d})")).unwrap_or_default()
            )?;
        }
        for b in &p.badges {
            writeln!(
                f,
                "  badge « {} » mis en file le {} ({}) : {}",
                b.title,
                p.timezone
                    .to_datetime(b.created_at)
                    .strftime(crate::domain::when::DATE_TIME),
                b.reason,
                b.state.as_str()
            )?;
        }
        writeln!(
            f,
            "Gardé jusqu'au {} ([event] retention_days), puis effacé par accueil purge.",
            p.kept_until.strftime(crate::domain::when::DATE)
        )
    }
}

/// `accueil doctor`: one line per check, its fix under it.
#[derive(Debug, Serialize)]
#[serde(transparent)]
pub(super) struct Diagnosis<'a>(pub &'a crate::app::Doctor);

impl fmt::Display for Diagnosis<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        use crate::app::Level;
        for c in &self.0.checks {
            let mark = match c.level {
                Level::Ok => "✔",
                Level::Warn => "⚠",
                Level::Fail => "✘",
            };
            writeln!(f, "{mark} {} : {}", c.name, c.detail)?;
            if let Some(fix) = &c.fix {
                writeln!(f, "    → {fix}")?;
            }
        }
        if self.0.ready {
            writeln!(f, "Prêt : la porte peut ouvrir.")
        } else {
            writeln!(f, "Pas prêt.")
        }
    }
}

/// `accueil pin-hash`: the line to put in kiosk.toml's `[kiosk]`.
#[derive(Debug, Serialize)]
pub(super) struct PinHash {
    pub staff_pin: String,
}

impl fmt::Display for PinHash {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "staff_pin = \"{}\"", self.staff_pin)
    }
}

/// `accueil screenshot`: the PNG files written, one per line.
#[cfg(feature = "gui")]
#[derive(Debug, Serialize)]
pub(super) struct Screenshots {
    pub paths: Vec<PathBuf>,
}

#[cfg(feature = "gui")]
impl fmt::Display for Screenshots {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for path in &self.paths {
            writeln!(f, "{}", path.display())?;
        }
        Ok(())
    }
}

/// `accueil printers`: `{"printers": [{name, description, model, stopped}]}`.
#[derive(Debug, Serialize)]
pub(super) struct Printers {
    pub printers: Vec<crate::app::Queue>,
}

impl fmt::Display for Printers {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.printers.is_empty() {
            return writeln!(
                f,
                "aucune file d'impression — branchez l'imprimante et ajoutez-la à CUPS (http://localhost:631 ou lpadmin)"
            );
        }
        for q in &self.printers {
            let state = if q.stopped { " — arrêtée" } else { "" };
            writeln!(f, "{:<28} {}{state}", q.name, q.description)?;
        }
        Ok(())
    }
}

/// `accueil programme FILE`.
pub(super) struct ProgrammeImported {
    pub path: PathBuf,
    pub i: crate::app::ProgrammeImport,
}

impl Serialize for ProgrammeImported {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        #[derive(Serialize)]
        struct Json<'a> {
            file: &'a std::path::Path,
            format: &'a str,
            sessions: usize,
            rooms: usize,
            added: usize,
            updated: usize,
            unchanged: usize,
            removed: &'a [String],
            registrations: usize,
            warnings: &'a [crate::import::RowProblem],
            dry_run: bool,
            committed: bool,
        }
        let (i, c) = (&self.i, &self.i.change);
        Json {
            file: &self.path,
            format: &i.format,
            sessions: i.sessions,
            rooms: i.rooms,
            added: c.added,
            updated: c.updated,
            unchanged: c.unchanged,
            removed: &c.removed,
            registrations: c.registrations,
            warnings: &i.warnings,
            dry_run: i.dry_run,
            committed: c.committed,
        }
        .serialize(s)
    }
}

impl fmt::Display for ProgrammeImported {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let i = &self.i;
        let c = &i.change;
        writeln!(
            f,
            "{} ({}) : {} séance(s) dans {} salle(s), {} inscription(s) à des séances",
            self.path.display(),
            i.format,
            i.sessions,
            i.rooms,
            c.registrations
        )?;
        writeln!(
            f,
            "  {} ajoutée(s), {} modifiée(s), {} inchangée(s), {} retirée(s){}",
            c.added,
            c.updated,
            c.unchanged,
            c.removed.len(),
            if c.removed.is_empty() {
                String::new()
            } else {
                format!(" ({})", c.removed.join(", "))
            }
        )?;
        for w in &i.warnings {
            writeln!(f, "  ⚠ {w}")?;
        }
        if i.dry_run {
            writeln!(f, "essai (--dry-run) : rien n'a été écrit")?;
        }
        Ok(())
    }
}

/// `accueil entree`.
pub(super) struct Entrance<'a> {
    pub event: &'a Event,
    pub f: crate::domain::queue::Forecast,
}

impl Serialize for Entrance<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.f.serialize(s)
    }
}

impl fmt::Display for Entrance<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let e = &self.f;
        if e.kiosks.is_empty() {
            return writeln!(f, "personne n'est encore arrivé aujourd'hui");
        }
        let one = |x: f64| format!("{x:.1}").replace('.', ",");
        match (e.wait_minutes, e.saturated_since) {
            (Some(w), _) => writeln!(f, "attente prévue : {} min", w.ceil())?,
            (None, Some(since)) => writeln!(
                f,
                "attente inconnue : bornes occupées sans répit depuis {} — comptez la file (accueil entree --add N, ou la vue Entrée de la page)",
                self.event.hh_mm(since)
            )?,
            (None, None) => writeln!(
                f,
                "attente inconnue : pas encore assez d'arrivées pour mesurer le rythme des bornes"
            )?,
        }
        writeln!(
            f,
            "arrivées : {} / min{} · bornes ouvertes : {} · au plus {} / min{}",
            one(e.arrivals_per_minute),
            if e.counted {
                " (comptées)"
            } else {
                " (enregistrées)"
            },
            e.open_kiosks,
            e.capacity_per_minute.map_or("–".to_owned(), one),
            e.queue
                .filter(|_| e.counted)
                .map(|q| format!(" · dans la file : {q}"))
                .unwrap_or_default()
        )?;
        for k in &e.kiosks {
            writeln!(
                f,
                "  {} : {} · {} / min{}",
                k.kiosk,
                k.service_seconds
                    .map_or("rythme pas encore mesuré".to_owned(), |s| format!(
                        "{} s / personne",
                        s.round()
                    )),
                one(k.per_minute),
                if k.open { "" } else { " · fermée" }
            )?;
        }
        match &e.alert {
            Some(alert) => writeln!(f, "⚠ {}", alert.words()),
            None => Ok(()),
        }
    }
}

/// `accueil sessions`.
pub(super) struct Sessions<'a> {
    pub event: &'a Event,
    pub o: crate::app::Occupancy,
}

impl Serialize for Sessions<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.o.serialize(s)
    }
}

impl fmt::Display for Sessions<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let o = &self.o;
        if o.sessions.is_empty() {
            return writeln!(
                f,
                "aucune séance : importez le programme avec « accueil programme FICHIER »"
            );
        }
        let tz = &self.event.timezone;
        writeln!(
            f,
            "Salles à {} :",
            tz.to_datetime(o.at)
                .strftime(crate::domain::when::DAY_MONTH_TIME)
        )?;
        for r in &o.rooms {
            let session = r
                .session
                .as_deref()
                .and_then(|id| o.sessions.iter().find(|v| v.session.id == id))
                .map(|v| format!(" — {}", v.session.title))
                .unwrap_or_else(|| " — fermée".to_owned());
            writeln!(
                f,
                "  {}{} {} : {} présent(s){}{}",
                if r.nearly_full || r.over_capacity {
                    "⚠"
                } else {
                    " "
                },
                r.room,
                session,
                r.present,
                r.capacity.map(|c| format!(" / {c}")).unwrap_or_default(),
                if r.over_capacity {
                    " (AU-DELÀ DE SA CAPACITÉ : faites sortir des personnes, fermez la porte)"
                } else if r.nearly_full {
                    " (presque complète)"
                } else {
                    ""
                }
            )?;
        }
        writeln!(f, "Séances :")?;
        for v in &o.sessions {
            let s = &v.session;
            writeln!(
                f,
                "  {} {}–{} {} [{}] {} : {} présent(s), {} venu(s){}{}{}",
                if v.open { "▶" } else { " " },
                tz.to_datetime(s.start)
                    .strftime(crate::domain::when::DAY_MONTH_TIME),
                tz.to_datetime(s.end).strftime(crate::domain::when::TIME),
                s.room,
                s.id,
                s.title,
                v.counts.present,
                v.counts.attended,
                if s.registration_only || v.counts.registered > 0 {
                    format!(" / {} inscrit(s)", v.counts.registered)
                } else {
                    String::new()
                },
                s.capacity
                    .map(|c| format!(", {c} places"))
                    .unwrap_or_default(),
                if s.registration_only {
                    ", sur inscription"
                } else {
                    ""
                }
            )?;
        }
        Ok(())
    }
}

/// `accueil door CODE`.
pub(super) struct DoorPassage<'a> {
    pub event: &'a Event,
    pub lookup: Lookup,
    pub d: crate::app::DoorScan,
}

impl Serialize for DoorPassage<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        /// The session a door admits to: what `--json` names of it.
        #[derive(Serialize)]
        struct SessionJson<'a> {
            id: &'a str,
            title: &'a str,
            start: jiff::Timestamp,
            end: jiff::Timestamp,
            capacity: Option<u32>,
        }
        #[derive(Serialize)]
        struct DoorJson<'a> {
            outcome: crate::domain::programme::DoorOutcome,
            direction: crate::domain::programme::Direction,
            room: &'a str,
            session: Option<SessionJson<'a>>,
            present: u32,
            registrant: Option<&'a Registrant>,
            record: Option<uuid::Uuid>,
        }
        let d = &self.d;
        DoorJson {
            outcome: d.outcome,
            direction: d.direction,
            room: &d.room,
            session: d.session.as_ref().map(|s| SessionJson {
                id: &s.id,
                title: &s.title,
                start: s.start,
                end: s.end,
                capacity: s.capacity,
            }),
            present: d.present,
            registrant: d.registrant.as_ref(),
            record: d.record.as_ref().map(|r| r.id),
        }
        .serialize(s)
    }
}

impl fmt::Display for DoorPassage<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        use crate::domain::programme::DoorOutcome as O;
        let d = &self.d;
        let who = d
            .registrant
            .as_ref()
            .map(Registrant::display_name)
            .unwrap_or_default();
        let title = d.session.as_ref().map(|s| s.title.as_str()).unwrap_or("");
        let seats = d
            .session
            .as_ref()
            .and_then(|s| s.capacity)
            .map(|c| format!(" / {c}"))
            .unwrap_or_default();
        match d.outcome {
            O::Admitted => writeln!(
                f,
                "✔ {who} entre en {} — {title} ({} présent(s){seats})",
                d.room, d.present
            ),
            O::AlreadyInside => writeln!(f, "✔ {who} est déjà dans la salle — {title}"),
            O::Left => writeln!(f, "← {who} sort de {}", d.room),
            O::Full => writeln!(
                f,
                "✘ Salle complète : {} présent(s){seats} — {title}",
                d.present
            ),
            O::NotRegistered => {
                writeln!(f, "✘ {who} n'est pas inscrit·e à cet atelier — {title}")
            }
            O::TooEarly => writeln!(
                f,
                "✘ Pas encore ouvert : {title} commence à {}",
                d.session
                    .as_ref()
                    .map(|s| self.event.hh_mm(s.start))
                    .unwrap_or_default()
            ),
            O::NoSession => writeln!(f, "✘ Aucune séance en cours ni à venir en {}", d.room),
            O::Unknown => writeln!(f, "✘ Billet inconnu {}", self.lookup),
            O::Cancelled => writeln!(f, "✘ Billet annulé : {who}"),
            O::Pending => writeln!(f, "✘ Inscription non confirmée : {who}"),
            O::NotToday => writeln!(f, "✘ {who} : catégorie non admise aujourd'hui"),
        }
    }
}
