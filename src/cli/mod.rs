//! The command line: `accueil VERB`, every verb with `--config`, `--db` and
//! `--json`. Exit 0 when the command did its job (whatever the check-in
//! outcome), 1 with one actionable line otherwise. `args` says what the
//! line accepts, `cmd` holds one file per verb, `report` what each answers
//! (`Serialize` for `--json`, `Display` for people), `output` where it goes.

use std::path::Path;
use std::process::ExitCode;

use clap::Parser;
use serde_json::json;

use crate::app::{AppError, ImportOptions, Kiosk};
use crate::config::Config;
use crate::import::ImportError;

/// `println!` that ends the process quietly when stdout is a closed pipe
/// (`accueil search … | head`) instead of panicking.
macro_rules! say {
    () => {
        $crate::cli::output::emit(format_args!(""))
    };
    ($($arg:tt)*) => {
        $crate::cli::output::emit(format_args!($($arg)*))
    };
}

mod args;
mod cmd;
mod output;
mod report;

pub use args::Cli;
use args::{Command, Target};
use output::Output;

/// Runs the command line and turns errors into one line on stderr (and a JSON
/// object on stdout with `--json`).
pub fn main() -> ExitCode {
    let cli = Cli::parse();
    let json = cli.json;
    match run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        // Whoever read stdout went away (`| head`): nothing to say.
        Err(e)
            if e.chain().any(|c| {
                c.downcast_ref::<std::io::Error>()
                    .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
            }) =>
        {
            ExitCode::SUCCESS
        }
        Err(e) => {
            let message = one_line(&e);
            if json {
                let mut v = json!({ "error": message });
                if let Some(AppError::Import(ImportError::BadRows { problems, .. })) =
                    e.downcast_ref::<AppError>()
                {
                    v["rows"] = json!(problems);
                }
                say!("{v}");
            }
            eprintln!("accueil : {message}");
            ExitCode::FAILURE
        }
    }
}

/// The error and its causes on one line, each said once: the module
/// errors already quote their source in their own words.
fn one_line(e: &anyhow::Error) -> String {
    let mut message = e.to_string();
    let mut seen: Vec<String> = Vec::new();
    for cause in e.chain().skip(1) {
        let text = cause.to_string();
        // Said already, or a longer way of saying a cause already said
        // (SQLite's "Error code 13: database or disk is full" under
        // "database or disk is full").
        if !message.contains(&text) && !seen.iter().any(|s| text.contains(s.as_str())) {
            message = format!("{message} : {text}");
        }
        seen.push(text);
    }
    message.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Opens the copy `--config` and `--db` name, for a verb that works on
/// one. `unattended` (the hub, the kiosk's window): what it says goes into
/// a log file beside the database too, and a retention date passed is
/// logged at every start.
fn open(
    config: &Path,
    db: Option<&Path>,
    unattended: bool,
) -> anyhow::Result<(Kiosk, crate::logging::Guard)> {
    let config_path = config;
    let config = Config::load(config_path)?;
    if let Some(warning) = config.secrets_exposed(config_path) {
        eprintln!("accueil : attention, {warning}");
    }
    let database = db
        .map(Path::to_path_buf)
        .unwrap_or_else(|| config.database.clone());
    let log = crate::logging::init(
        unattended
            .then(|| crate::logging::dir_beside(&database))
            .as_deref(),
    );
    let kiosk = Kiosk::open(config, db)?;
    if unattended && let Some(notice) = kiosk.retention_notice()? {
        tracing::warn!("{notice}");
    }
    Ok((kiosk, log))
}

/// Each verb in one line or three: its arguments to its `cmd` function,
/// its report to the output. A dispatch table, one arm per verb — kept
/// whole so that every verb, and which of them need no event (demo, join,
/// printers, pin-hash, screenshot, a kiosk's first start), reads on one
/// screen; what a verb does is in its own file.
fn run(cli: Cli) -> anyhow::Result<()> {
    let out = Output { json: cli.json };
    let (config, db) = (cli.config.as_path(), cli.db.as_deref());
    // A verb at the command line: its words on stderr, no log file.
    let copy = || open(config, db, false).map(|(kiosk, _)| kiosk);
    match cli.command {
        Command::Demo { dir, no_window } => cmd::demo::run(&dir, no_window),
        Command::Join {
            code,
            hub,
            mode,
            printer,
            language,
        } => out.show(&cmd::join::run(cmd::join::Join {
            config,
            db,
            code: &code,
            hub: hub.as_deref(),
            mode,
            printer,
            language,
        })?),
        Command::Printers { server } => out.show(&cmd::printers::run(&server)?),
        Command::PinHash => out.show(&cmd::pin_hash::run()?),
        #[cfg(feature = "gui")]
        Command::Screenshot { out: dir } => out.show(&cmd::screenshot::run(&dir)?),
        #[cfg(feature = "gui")]
        Command::Kiosk if !config.exists() => cmd::kiosk::set_up(config, db),
        #[cfg(feature = "gui")]
        Command::Kiosk => {
            let (kiosk, _log) = open(config, db, true)?;
            cmd::kiosk::run(kiosk)
        }
        Command::Hub { listen } => {
            let (kiosk, _log) = open(config, db, true)?;
            cmd::hub::run(kiosk, listen, &out)
        }
        Command::Import {
            file,
            from: _,
            dry_run,
            force,
        } => {
            let options = ImportOptions { dry_run, force };
            out.show(&cmd::import::run(&mut copy()?, file, options, out.json)?)
        }
        Command::Search { query, limit } => {
            out.show(&cmd::search::run(&mut copy()?, query, limit)?)
        }
        Command::ScanTest { codes } => cmd::scan_test::run(&mut copy()?, &out, codes),
        Command::Checkin { who, day, print } => match who.code.as_deref() {
            Some("-") => cmd::checkin::stream(&mut copy()?, &out, day, print),
            _ => out.show(&cmd::checkin::one(&mut copy()?, who.lookup()?, day, print)?),
        },
        Command::Programme {
            file,
            dry_run,
            force,
        } => out.show(&cmd::programme::run(&mut copy()?, file, dry_run, force)?),
        Command::Sessions { at } => out.show(&cmd::sessions::run(&mut copy()?, at)?),
        Command::Entree { add, empty } => out.show(&cmd::entree::run(&mut copy()?, add, empty)?),
        Command::Emargement {
            session,
            out: path,
            signatures,
            lang,
        } => out.show_beside(
            &path.clone(),
            &cmd::emargement::run(&mut copy()?, &session, path, signatures, lang)?,
        ),
        Command::Attestation {
            who,
            all,
            out: path,
            lang,
        } => out.show_beside(
            &path.clone(),
            &cmd::attestation::run(&mut copy()?, who, all, path, lang)?,
        ),
        Command::Door { who, room, exit } => {
            out.show(&cmd::door::run(&mut copy()?, who, room.as_deref(), exit)?)
        }
        Command::Undo { who, day } => out.show(&cmd::undo::run(&mut copy()?, who, day)?),
        Command::WalkIn { details, day } => {
            out.show(&cmd::walk_in::run(&mut copy()?, details, day)?)
        }
        Command::Edit { who, details } => out.show(&cmd::edit::run(&mut copy()?, who, details)?),
        Command::Badge {
            who,
            out: path,
            layout,
        } => out.show_beside(
            &path.clone(),
            &cmd::badge::one(&mut copy()?, who, path, layout)?,
        ),
        Command::Badges {
            out: path,
            category,
            layout,
        } => out.show_beside(
            &path.clone(),
            &cmd::badge::all(&mut copy()?, path, category.as_deref(), layout, out.json)?,
        ),
        Command::Print { status: true, .. } => out.show(&cmd::print::status(&mut copy()?)?),
        Command::Print {
            code,
            id,
            reason,
            status: false,
        } => cmd::print::run(&mut copy()?, &out, Target { code, id }, reason.as_deref()),
        Command::Stats => out.show(&cmd::stats::run(&mut copy()?)?),
        Command::Kiosks { revoke, readmit } => out.show(&cmd::kiosks::run(
            &mut crate::app::HubCopy::new(copy()?),
            revoke.as_deref(),
            readmit.as_deref(),
        )?),
        Command::Sync { once: false } => anyhow::bail!(
            "« accueil sync » sans --once : le kiosque (accueil kiosk) synchronise déjà en continu — utilisez « accueil sync --once » pour un tour"
        ),
        Command::Sync { once: true } => cmd::sync::run(&mut copy()?, &out),
        Command::Doctor { scan } => cmd::doctor::run(&mut copy()?, &out, scan),
        Command::Person { who } => out.show(&cmd::person::run(&mut copy()?, who)?),
        Command::Purge { yes } => out.show(&cmd::purge::run(&mut copy()?, yes)?),
        Command::Export {
            out: path,
            no_shows,
        } => out.show_beside(
            &path.clone(),
            &cmd::export::run(&mut copy()?, path, no_shows)?,
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn errors_say_each_cause_once() {
        let io = std::io::Error::other("disque plein");
        let e = anyhow::Error::new(crate::export::ExportError::Write {
            path: "presences.csv".into(),
            source: io,
        });
        let line = one_line(&e);
        assert_eq!(line.matches("disque plein").count(), 1, "{line}");
        let with_context = anyhow::Error::new(std::io::Error::other("fermé"))
            .context("lecture de l'entrée standard");
        assert_eq!(
            one_line(&with_context),
            "lecture de l'entrée standard : fermé"
        );
    }
}
