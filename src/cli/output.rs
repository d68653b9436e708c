//! Where a verb's words go: stdout (one JSON line with `--json`, else the
//! report's text), a progress bar on stderr, a PDF written whole.

use std::path::Path;

use anyhow::Context;
use serde_json::Value;

/// Flushes stdout; a closed pipe ends the process quietly.
pub(super) fn flush_stdout() {
    use std::io::Write;
    if let Err(e) = std::io::stdout().flush()
        && e.kind() == std::io::ErrorKind::BrokenPipe
    {
        std::process::exit(0);
    }
}

pub(super) fn emit(line: std::fmt::Arguments<'_>) {
    use std::io::Write;
    let mut out = std::io::stdout().lock();
    if let Err(e) = out.write_fmt(line).and_then(|()| out.write_all(b"\n")) {
        if e.kind() == std::io::ErrorKind::BrokenPipe {
            std::process::exit(0);
        }
        eprintln!("accueil : écriture sur la sortie standard impossible : {e}");
        std::process::exit(1);
    }
}

/// Runs `work` with a progress bar fed by its (done, total) reports.
pub(super) fn with_progress<T>(
    json: bool,
    label: &'static str,
    work: impl FnOnce(&mut dyn FnMut(usize, usize)) -> T,
) -> T {
    let bar = progress_bar(json, label);
    let out = work(&mut |done, total| {
        bar.set_length(total as u64);
        bar.set_position(done as u64);
    });
    bar.finish_and_clear();
    out
}

/// A progress bar on stderr, drawn only on a terminal and never with --json.
fn progress_bar(json: bool, message: &'static str) -> indicatif::ProgressBar {
    let bar = if json {
        indicatif::ProgressBar::hidden()
    } else {
        indicatif::ProgressBar::with_draw_target(None, indicatif::ProgressDrawTarget::stderr())
    };
    bar.set_style(
        indicatif::ProgressStyle::with_template("{msg} [{bar:30}] {pos}/{len}")
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar())
            .progress_chars("=> "),
    );
    bar.set_message(message);
    bar
}

/// Writes a PDF next to its final name, then renames it: a printer or a
/// viewer never opens half a file.
pub(super) fn write_pdf(path: &Path, pdf: &[u8]) -> anyhow::Result<()> {
    crate::export::write_output(path, pdf).with_context(|| {
        format!(
            "impossible d'écrire {} — vérifiez le dossier et ses droits",
            path.display()
        )
    })
}

pub(super) struct Output {
    pub(super) json: bool,
}

impl Output {
    /// A verb's report: as one JSON line with --json, else as its text.
    pub(super) fn show<T: serde::Serialize + std::fmt::Display>(
        &self,
        report: &T,
    ) -> anyhow::Result<()> {
        say!("{}", self.render(report)?);
        Ok(())
    }

    /// The report of a verb that wrote a file: on stdout, or on stderr when
    /// the file itself went to stdout (`--out -`).
    pub(super) fn show_beside<T: serde::Serialize + std::fmt::Display>(
        &self,
        path: &Path,
        report: &T,
    ) -> anyhow::Result<()> {
        if path.as_os_str() == "-" {
            eprintln!("{}", self.render(report)?);
            Ok(())
        } else {
            self.show(report)
        }
    }

    fn render<T: serde::Serialize + std::fmt::Display>(
        &self,
        report: &T,
    ) -> anyhow::Result<String> {
        Ok(if self.json {
            serde_json::to_string(report)?
        } else {
            report.to_string().trim_end().to_owned()
        })
    }

    pub(super) fn line(&self, v: &Value) {
        say!("{v}");
    }
}
