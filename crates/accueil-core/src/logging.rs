//! What the unattended kiosk and the hub say as they run: on stderr, as
//! before, and for `kiosk`, `demo` and `hub` also into a log file beside
//! the database (`logs/accueil.AAAA-MM-JJ.log`, a new one each day, the
//! last seven kept). Nothing personal goes in: no name, no ticket code (it
//! opens the door) — kiosk ids, log numbers, counts and reasons.

use std::path::Path;

use tracing_subscriber::layer::SubscriberExt;
use tracing_subscriber::util::SubscriberInitExt;

/// Keeps the log file's writer running; dropped at exit, it flushes.
pub struct Guard {
    _writer: Option<tracing_appender::non_blocking::WorkerGuard>,
}

/// Days of log files kept.
const KEPT: usize = 7;

/// Sends tracing's events to stderr, and with `dir` to a daily file there
/// too. A folder that cannot be written leaves stderr alone, said once.
pub fn init(dir: Option<&Path>) -> Guard {
    let stderr = tracing_subscriber::fmt::layer()
        .with_writer(std::io::stderr)
        .with_target(false)
        .without_time()
        .with_level(false);
    let file = dir.and_then(|dir| {
        // Made here (owner only): the appender would complain first.
        let made = {
            use std::os::unix::fs::DirBuilderExt;
            std::fs::DirBuilder::new()
                .recursive(true)
                .mode(0o700)
                .create(dir)
        };
        if let Err(e) = made {
            eprintln!(
                "accueil : journal {} impossible ({e}) — les messages restent sur la sortie d'erreur",
                dir.display()
            );
            return None;
        }
        let appender = tracing_appender::rolling::Builder::new()
            .rotation(tracing_appender::rolling::Rotation::DAILY)
            .filename_prefix("accueil")
            .filename_suffix("log")
            .max_log_files(KEPT)
            .build(dir);
        match appender {
            Ok(a) => Some(tracing_appender::non_blocking(a)),
            Err(e) => {
                eprintln!(
                    "accueil : journal {} impossible ({e}) — les messages restent sur la sortie d'erreur",
                    dir.display()
                );
                None
            }
        }
    });
    let (file_layer, guard) = match file {
        Some((writer, guard)) => (
            Some(
                tracing_subscriber::fmt::layer()
                    .with_writer(writer)
                    .with_ansi(false)
                    .with_target(false),
            ),
            Some(guard),
        ),
        None => (None, None),
    };
    // accueil's own events, from « info » up: the HTTP and TLS crates log
    // every connection at « debug », which is nobody's business at the door.
    let ours =
        tracing_subscriber::filter::Targets::new().with_target("accueil", tracing::Level::INFO);
    // A second init (tests run several in one process) keeps the first.
    let _ = tracing_subscriber::registry()
        .with(stderr)
        .with(file_layer)
        .with(ours)
        .try_init();
    Guard { _writer: guard }
}

/// The log folder of a kiosk or hub whose database is `database`.
pub fn dir_beside(database: &Path) -> std::path::PathBuf {
    crate::folder_of(database).join("logs")
}
