//! Sending badges to a printer: the operating system's print system (CUPS,
//! over IPP to the local server), or a folder of PDFs for events without a
//! printer. No queue here: the persistent queue is in the store, and the app
//! drives it.

use std::io::Cursor;
use std::path::PathBuf;
use std::time::Duration;

use ipp::operation::IppOperation;
use ipp::prelude::*;

mod media;

pub use media::{Capabilities, Extent, MediaSize, pwg_size};

/// Where badges go (kiosk.toml `[printer]`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Printer {
    /// A CUPS queue: `server` is the IPP server ("http://localhost:631").
    Cups { server: String, queue: String },
    /// Each badge written as a PDF into this folder.
    Folder { dir: PathBuf },
}

/// A printer's answer to a submission.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Accepted {
    /// The printer's job id (CUPS job number, or file name).
    pub job: String,
    /// True when nothing more will happen (a file written).
    pub finished: bool,
}

/// Where a submitted job stands, as the printer says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum JobState {
    /// Accepted, waiting (printer busy, stopped, out of paper…): why.
    Waiting(String),
    Printing,
    Done,
    /// Cancelled or aborted: why.
    Failed(String),
}

#[derive(Debug, thiserror::Error)]
pub enum PrintError {
    #[error(
        "serveur d'impression {server} injoignable ({source}) — vérifiez que CUPS tourne et [printer] server"
    )]
    Unreachable {
        server: String,
        source: Box<ipp::error::IppError>,
    },
    #[error(
        "l'imprimante « {queue} » refuse le travail : {message} — vérifiez-la avec « lpstat -p {queue} »"
    )]
    Refused {
        queue: String,
        message: String,
        /// This job will never be taken (too large, a page size the
        /// printer does not know, a broken PDF): retrying is pointless.
        permanent: bool,
    },
    #[error("adresse d'imprimante invalide « {0} » — corrigez [printer] server")]
    BadUri(String),
    #[error("impossible d'écrire {path} : {source} — vérifiez [printer] folder et ses droits")]
    Folder {
        path: PathBuf,
        source: std::io::Error,
    },
}

impl PrintError {
    /// Worth trying again later (printer or server away, a folder to fix:
    /// every job would wait the same), as opposed to this one job the
    /// printer will never take — failed, so the queue goes on.
    pub fn is_transient(&self) -> bool {
        match self {
            PrintError::Refused { permanent, .. } => !permanent,
            PrintError::Folder { source, .. } => !matches!(
                source.kind(),
                std::io::ErrorKind::InvalidFilename | std::io::ErrorKind::InvalidInput
            ),
            PrintError::Unreachable { .. } => true,
            PrintError::BadUri(_) => false,
        }
    }
}

/// Whether an IPP status refuses this job for good (as opposed to the
/// printer or the server being unable now, or set up wrong for every job).
fn permanent_status(code: StatusCode) -> bool {
    matches!(
        code,
        StatusCode::ClientErrorBadRequest
            | StatusCode::ClientErrorRequestEntityTooLong
            | StatusCode::ClientErrorRequestValueTooLong
            | StatusCode::ClientErrorDocumentFormatNotSupported
            | StatusCode::ClientErrorAttributesOrValuesNotSupported
            | StatusCode::ClientErrorConflictingAttributes
            | StatusCode::ClientErrorDocumentFormatError
            | StatusCode::ClientErrorCompressionError
    )
}

/// The media to ask for, as a PWG self-describing name ("iso_a4_210x297mm",
/// "custom_105x148mm_105x148mm"): CUPS maps it to the driver's page sizes,
/// custom ones included.
pub fn media_name(width_mm: f32, height_mm: f32) -> String {
    let n = |v: f32| {
        let s = format!("{v:.1}");
        s.trim_end_matches(".0").to_owned()
    };
    if (width_mm - 210.0).abs() < 0.5 && (height_mm - 297.0).abs() < 0.5 {
        "iso_a4_210x297mm".to_owned()
    } else {
        let size = format!("{}x{}mm", n(width_mm), n(height_mm));
        format!("custom_{size}_{size}")
    }
}

const TIMEOUT: Duration = Duration::from_secs(10);

impl Printer {
    /// Human name, for status lines.
    pub fn describe(&self) -> String {
        match self {
            Printer::Cups { queue, .. } => format!("imprimante « {queue} »"),
            Printer::Folder { dir } => format!("dossier {}", dir.display()),
        }
    }

    fn queue_uri(server: &str, queue: &str) -> Result<Uri, PrintError> {
        let uri = format!("{}/printers/{queue}", server.trim_end_matches('/'));
        uri.parse().map_err(|_| PrintError::BadUri(uri))
    }

    /// Hands a PDF to the printer, under `name` (the CUPS job-name; the
    /// folder printer's file name): a name of the job's own, that says
    /// nothing of the person.
    pub fn submit(&self, pdf: &[u8], name: &str, media: &str) -> Result<Accepted, PrintError> {
        match self {
            Printer::Folder { dir } => {
                let file = format!("{}.pdf", safe_name(name));
                let path = dir.join(&file);
                std::fs::create_dir_all(dir)
                    .map(|()| remove_leftovers(dir, &file))
                    .and_then(|()| crate::export::write_atomically(&path, pdf))
                    .map_err(|source| PrintError::Folder { path, source })?;
                Ok(Accepted {
                    job: file,
                    finished: true,
                })
            }
            Printer::Cups { server, queue } => {
                let uri = Self::queue_uri(server, queue)?;
                let refused = |message: String| PrintError::Refused {
                    queue: queue.clone(),
                    message,
                    permanent: true,
                };
                let media = IppValue::new_keyword(media)
                    .and_then(|v| IppAttribute::with_name(IppAttribute::MEDIA, v))
                    .map_err(|e| refused(e.to_string()))?;
                let op = IppOperationBuilder::print_job(
                    uri.clone(),
                    IppPayload::new(Cursor::new(pdf.to_vec())),
                )
                .user_name("accueil")
                .job_title(name)
                .document_format("application/pdf")
                .attribute(media)
                .build()
                .map_err(|e| refused(e.to_string()))?;
                let response = self.send(&uri, op)?;
                let job = attribute(&response, DelimiterTag::JobAttributes, IppAttribute::JOB_ID)
                    .and_then(|v| match v {
                        IppValue::Integer(n) => Some(n.to_string()),
                        _ => None,
                    })
                    .ok_or_else(|| refused("pas de numéro de travail dans la réponse".into()))?;
                Ok(Accepted {
                    job,
                    finished: false,
                })
            }
        }
    }

    /// Whether the printer already holds a job of this name (handed over
    /// just before the process stopped): the job, to follow instead of
    /// sending it again.
    pub fn find(&self, name: &str) -> Result<Option<Accepted>, PrintError> {
        match self {
            Printer::Folder { dir } => {
                let file = format!("{}.pdf", safe_name(name));
                Ok(dir.join(&file).is_file().then_some(Accepted {
                    job: file,
                    finished: true,
                }))
            }
            Printer::Cups { server, queue } => {
                let uri = Self::queue_uri(server, queue)?;
                let op = IppOperationBuilder::get_jobs(uri.clone())
                    .user_name("accueil")
                    .build()
                    .map_err(not_built(queue))?;
                let mut request = op.into_ipp_request();
                let bad = not_built(queue);
                let keyword = |k: &str| IppValue::new_keyword(k).map_err(bad);
                let attributes = [
                    IppAttribute::with_name("which-jobs", keyword("all")?).map_err(bad)?,
                    IppAttribute::with_name("my-jobs", IppValue::Boolean(false)).map_err(bad)?,
                    IppAttribute::with_name(
                        "requested-attributes",
                        IppValue::Array(vec![keyword("job-id")?, keyword("job-name")?]),
                    )
                    .map_err(bad)?,
                ];
                for a in attributes {
                    request
                        .attributes_mut()
                        .add(DelimiterTag::OperationAttributes, a);
                }
                let response = self.send(&uri, request)?;
                for group in response.attributes().groups_of(DelimiterTag::JobAttributes) {
                    let attrs = group.attributes();
                    let named = attrs
                        .iter()
                        .any(|a| a.name().as_str() == "job-name" && a.value().to_string() == name);
                    let id = attrs.iter().find_map(|a| match a.value() {
                        IppValue::Integer(n) if a.name().as_str() == "job-id" => Some(*n),
                        _ => None,
                    });
                    if let (true, Some(id)) = (named, id) {
                        return Ok(Some(Accepted {
                            job: id.to_string(),
                            finished: false,
                        }));
                    }
                }
                Ok(None)
            }
        }
    }

    /// Asks where a job stands.
    pub fn job_state(&self, job: &str) -> Result<JobState, PrintError> {
        let Printer::Cups { server, queue } = self else {
            return Ok(JobState::Done);
        };
        let uri = Self::queue_uri(server, queue)?;
        let Ok(id) = job.parse::<i32>() else {
            return Ok(JobState::Failed(format!(
                "travail « {job} » inconnu de CUPS"
            )));
        };
        let op = IppOperationBuilder::get_job_attributes(uri.clone(), id)
            .build()
            .map_err(not_built(queue))?;
        let response = match self.send(&uri, op) {
            Ok(r) => r,
            // CUPS forgets old jobs: a job it no longer knows was finished long ago.
            Err(PrintError::Refused { .. }) => return Ok(JobState::Done),
            Err(e) => return Err(e),
        };
        let text = |name: &str| {
            attribute(&response, DelimiterTag::JobAttributes, name)
                .map(|v| v.to_string())
                .unwrap_or_default()
        };
        let state = match attribute(
            &response,
            DelimiterTag::JobAttributes,
            IppAttribute::JOB_STATE,
        ) {
            Some(IppValue::Enum(n)) | Some(IppValue::Integer(n)) => n,
            _ => 0,
        };
        let why = || {
            let message = text(IppAttribute::JOB_STATE_MESSAGE);
            let reasons = text(IppAttribute::JOB_STATE_REASONS);
            match (message.is_empty(), reasons.is_empty()) {
                (false, _) => message,
                (true, false) => reasons,
                (true, true) => "en attente".to_owned(),
            }
        };
        Ok(match state {
            5 => JobState::Printing,
            7 | 8 => JobState::Failed(why()),
            9 => JobState::Done,
            // A waiting job's own reasons say little ("none"): the cause is
            // on the printer (stopped, out of paper…).
            _ => JobState::Waiting(self.printer_problem(&uri).unwrap_or_else(
                || match why().as_str() {
                    "none" => "en attente".to_owned(),
                    other => other.to_owned(),
                },
            )),
        })
    }

    /// What the queue says it can print (`media-size-supported`,
    /// `color-supported`); `None` for a folder, which takes anything.
    pub fn capabilities(&self) -> Result<Option<Capabilities>, PrintError> {
        let Printer::Cups { server, queue } = self else {
            return Ok(None);
        };
        let uri = Self::queue_uri(server, queue)?;
        let op = IppOperationBuilder::get_printer_attributes(uri.clone())
            .attributes(["media-size-supported", "color-supported"])
            .build()
            .map_err(not_built(queue))?;
        let response = self.send(&uri, op)?;
        let extent = |v: &IppValue| match v {
            IppValue::Integer(n) => Some(Extent::Exactly(*n)),
            IppValue::RangeOfInteger { min, max } => Some(Extent::Between(*min, *max)),
            _ => None,
        };
        let size = |v: &IppValue| {
            let IppValue::Collection(members) = v else {
                return None;
            };
            let member = |name: &str| {
                members
                    .iter()
                    .find(|(k, _)| k.as_str() == name)
                    .and_then(|(_, v)| extent(v))
            };
            Some(MediaSize {
                width: member("x-dimension")?,
                height: member("y-dimension")?,
            })
        };
        let sizes = match attribute(
            &response,
            DelimiterTag::PrinterAttributes,
            "media-size-supported",
        ) {
            Some(IppValue::Array(values)) => values.iter().filter_map(size).collect(),
            Some(one) => size(&one).into_iter().collect(),
            None => Vec::new(),
        };
        let colour = match attribute(
            &response,
            DelimiterTag::PrinterAttributes,
            "color-supported",
        ) {
            Some(IppValue::Boolean(b)) => Some(b),
            _ => None,
        };
        Ok(Some(Capabilities { sizes, colour }))
    }

    /// What keeps the printer from printing, in words staff understand, or
    /// `None` when it is fine (or cannot be asked).
    fn printer_problem(&self, uri: &Uri) -> Option<String> {
        let op = IppOperationBuilder::get_printer_attributes(uri.clone())
            .build()
            .ok()?;
        let response = self.send(uri, op).ok()?;
        let state = match attribute(
            &response,
            DelimiterTag::PrinterAttributes,
            IppAttribute::PRINTER_STATE,
        ) {
            Some(IppValue::Enum(n)) | Some(IppValue::Integer(n)) => n,
            _ => 0,
        };
        let reasons: Vec<String> = match attribute(
            &response,
            DelimiterTag::PrinterAttributes,
            IppAttribute::PRINTER_STATE_REASONS,
        ) {
            Some(IppValue::Array(values)) => values.iter().map(|v| v.to_string()).collect(),
            Some(v) => vec![v.to_string()],
            None => Vec::new(),
        };
        let words: Vec<&str> = reasons
            .iter()
            .filter(|r| r.as_str() != "none")
            .map(|r| reason_fr(r))
            .collect();
        match (state, words.is_empty()) {
            (5, true) => Some("imprimante arrêtée".to_owned()),
            (5, false) => Some(format!("imprimante arrêtée : {}", words.join(", "))),
            (_, false) => Some(words.join(", ")),
            (_, true) => None,
        }
    }

    fn send(
        &self,
        uri: &Uri,
        op: impl Into<IppRequestResponse>,
    ) -> Result<IppRequestResponse, PrintError> {
        let (server, queue) = match self {
            Printer::Cups { server, queue } => (server.clone(), queue.clone()),
            Printer::Folder { .. } => (String::new(), String::new()),
        };
        let client = IppClient::builder(uri.clone())
            .request_timeout(TIMEOUT)
            .build();
        let response = client.send(op).map_err(|e| match e {
            ipp::error::IppError::RequestError(code) => PrintError::Refused {
                queue: queue.clone(),
                message: format!("HTTP {code}"),
                // Too large for the server; anything else (unknown queue,
                // refused credentials) is the same for every job.
                permanent: code == 413,
            },
            other => PrintError::Unreachable {
                server,
                source: Box::new(other),
            },
        })?;
        if !response.header().status_code().is_success() {
            let message = attribute(
                &response,
                DelimiterTag::OperationAttributes,
                "status-message",
            )
            .map(|v| v.to_string())
            .unwrap_or_else(|| format!("{:?}", response.header().status_code()));
            let permanent = permanent_status(response.header().status_code());
            return Err(PrintError::Refused {
                queue,
                message,
                permanent,
            });
        }
        Ok(response)
    }
}

/// An IPP request that could not be built, as the queue's refusal (worth
/// trying again: nothing of it reached the printer).
fn not_built(queue: &str) -> impl Fn(ipp::parser::IppParseError) -> PrintError + Copy + '_ {
    move |e| PrintError::Refused {
        queue: queue.to_owned(),
        message: e.to_string(),
        permanent: false,
    }
}

/// A job name as a file name: letters, digits, `-` and `_`, at most 80.
fn safe_name(name: &str) -> String {
    name.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                c
            } else {
                '_'
            }
        })
        .take(80)
        .collect()
}

/// Temporary files a process killed while writing `file` left in `dir`.
fn remove_leftovers(dir: &std::path::Path, file: &str) {
    let prefix = format!(".{file}.");
    if let Ok(entries) = std::fs::read_dir(dir) {
        for e in entries.flatten() {
            let n = e.file_name().to_string_lossy().into_owned();
            if n.starts_with(&prefix) && n.ends_with(".tmp") {
                let _ = std::fs::remove_file(e.path());
            }
        }
    }
}

/// IPP printer-state-reasons in French (severity suffixes dropped).
fn reason_fr(reason: &str) -> &str {
    let base = reason
        .trim_end_matches("-error")
        .trim_end_matches("-warning")
        .trim_end_matches("-report");
    match base {
        "paused" => "mise en pause",
        "media-empty" | "media-needed" => "plus de papier",
        "media-jam" => "bourrage papier",
        "cover-open" | "door-open" => "capot ouvert",
        "offline" | "connecting-to-device" => "hors ligne",
        "toner-empty" | "marker-supply-empty" => "plus d'encre",
        "toner-low" | "marker-supply-low" => "encre presque vide",
        _ => reason,
    }
}

/// A print queue of a CUPS server, as a set-up screen lists them.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Queue {
    /// The queue's name (`[printer] name`).
    pub name: String,
    /// What its owner called it (`printer-info`), or its model.
    pub description: String,
    /// The driver's model (`printer-make-and-model`).
    pub model: String,
    /// Whether it is stopped (paused by someone, or in error).
    pub stopped: bool,
}

/// The queues of the CUPS server at `server` (CUPS-Get-Printers), by name.
pub fn queues(server: &str) -> Result<Vec<Queue>, PrintError> {
    let uri: Uri = server
        .trim_end_matches('/')
        .parse()
        .map_err(|_| PrintError::BadUri(server.to_owned()))?;
    let probe = Printer::Cups {
        server: server.to_owned(),
        queue: String::new(),
    };
    let response = probe.send(&uri, IppOperationBuilder::cups().get_printers())?;
    let text = |g: &ipp::attribute::IppAttributeGroup, name: &str| {
        g.attributes()
            .iter()
            .find(|a| a.name().as_ref() == name)
            .map(|a| a.value().to_string())
            .unwrap_or_default()
    };
    let mut queues: Vec<Queue> = response
        .attributes()
        .groups_of(DelimiterTag::PrinterAttributes)
        .map(|g| {
            let model = text(g, "printer-make-and-model");
            let info = text(g, "printer-info");
            Queue {
                name: text(g, "printer-name"),
                description: if info.is_empty() { model.clone() } else { info },
                model,
                // printer-state 5: stopped.
                stopped: text(g, "printer-state") == "5",
            }
        })
        .filter(|q| !q.name.is_empty())
        .collect();
    queues.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(queues)
}

fn attribute(response: &IppRequestResponse, group: DelimiterTag, name: &str) -> Option<IppValue> {
    response
        .attributes()
        .groups_of(group)
        .find_map(|g| g.attributes().iter().find(|a| a.name().as_ref() == name))
        .map(|a| a.value().clone())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn printer_reasons_in_french() {
        assert_eq!(reason_fr("media-empty-error"), "plus de papier");
        assert_eq!(reason_fr("paused"), "mise en pause");
        assert_eq!(reason_fr("spool-area-full"), "spool-area-full");
    }

    #[test]
    fn one_job_the_printer_never_takes_does_not_hold_the_others() {
        let refused = |permanent| PrintError::Refused {
            queue: "PDF".into(),
            message: "x".into(),
            permanent,
        };
        assert!(!refused(true).is_transient());
        assert!(refused(false).is_transient());
        let folder = |kind| PrintError::Folder {
            path: "x".into(),
            source: std::io::Error::from(kind),
        };
        assert!(!folder(std::io::ErrorKind::InvalidFilename).is_transient());
        assert!(folder(std::io::ErrorKind::PermissionDenied).is_transient());
        assert!(folder(std::io::ErrorKind::StorageFull).is_transient());
        assert!(permanent_status(StatusCode::ClientErrorDocumentFormatError));
        assert!(permanent_status(StatusCode::ClientErrorRequestValueTooLong));
        assert!(!permanent_status(StatusCode::ServerErrorBusy));
        assert!(!permanent_status(StatusCode::ServerErrorNotAcceptingJobs));
        assert!(
            !permanent_status(StatusCode::ClientErrorNotFound),
            "a wrong queue: every job"
        );
    }

    #[test]
    fn job_names_make_short_plain_file_names() {
        assert_eq!(safe_name("badge-accueil-1-0f3a"), "badge-accueil-1-0f3a");
        assert_eq!(safe_name("../é x"), "_____x");
        assert_eq!(safe_name(&"a".repeat(500)).len(), 80);
    }

    #[test]
    fn media_names() {
        assert_eq!(media_name(210.0, 297.0), "iso_a4_210x297mm");
        assert_eq!(media_name(105.0, 148.0), "custom_105x148mm_105x148mm");
        assert_eq!(media_name(101.6, 76.2), "custom_101.6x76.2mm_101.6x76.2mm");
    }

    #[test]
    fn a_folder_printer_writes_the_pdf() {
        let dir = tempfile::tempdir().unwrap();
        let p = Printer::Folder {
            dir: dir.path().join("out"),
        };
        let a = p
            .submit(b"%PDF-1.7 test", "badge-accueil-1-0f3a", "iso_a4_210x297mm")
            .unwrap();
        assert!(
            a.finished && a.job == "badge-accueil-1-0f3a.pdf",
            "{}",
            a.job
        );
        // Sent again under its name (after a crash): the same file, once.
        let again = p
            .submit(b"%PDF-1.7 test", "badge-accueil-1-0f3a", "iso_a4_210x297mm")
            .unwrap();
        assert_eq!(again.job, a.job);
        assert_eq!(
            std::fs::read_dir(dir.path().join("out")).unwrap().count(),
            1
        );
        assert_eq!(p.find("badge-accueil-1-0f3a").unwrap(), Some(a.clone()));
        assert_eq!(p.find("badge-accueil-1-ffff").unwrap(), None);
        assert_eq!(
            std::fs::read(dir.path().join("out").join(&a.job)).unwrap(),
            b"%PDF-1.7 test"
        );
        assert_eq!(p.job_state(&a.job).unwrap(), JobState::Done);
    }

    #[test]
    fn an_absent_cups_server_is_a_transient_error() {
        // Port 9 (discard) on loopback: nothing listens there.
        let p = Printer::Cups {
            server: "http://127.0.0.1:9".into(),
            queue: "PDF".into(),
        };
        let err = p.submit(b"%PDF", "t", "iso_a4_210x297mm").unwrap_err();
        assert!(matches!(err, PrintError::Unreachable { .. }), "{err}");
        assert!(err.is_transient());
        assert!(err.to_string().contains("injoignable"));
    }
}
