//! `accueil doctor`: is the door ready? One line per check, each with its
//! fix. A failed check keeps the door from working (no list, a damaged
//! database, a printer that would cut the badges); a warning does not
//! (the hub away: the kiosk works offline and catches up).

use std::path::{Path, PathBuf};
use std::time::Duration;

use serde::Serialize;

use super::Kiosk;
use crate::domain::i18n::Text;
use crate::print::Printer;

/// How a check came out.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Level {
    Ok,
    Warn,
    Fail,
}

/// One check: what was looked at, what was found, what to do — in French
/// for `accueil doctor` and its JSON, in the kiosk's language on its
/// « Vérifier la borne » page ([`Text::in_language`]).
#[derive(Debug, Clone, Serialize)]
pub struct Check {
    /// Stable, for scripts: `database`, `list`, `permissions`, `disk`,
    /// `printer`, `hub`, `retention`, `camera`, `scanner`; `pin` where
    /// kiosk.toml has a staff PIN.
    pub name: &'static str,
    pub level: Level,
    pub detail: Text,
    /// What to do, when it is not ok.
    pub fix: Option<Text>,
}

/// Every check, and whether the door is ready (no check failed).
#[derive(Debug, Clone, Serialize)]
pub struct Doctor {
    pub ready: bool,
    pub checks: Vec<Check>,
}

/// Free space under which the database's disk fails the check, and under
/// which it warns: a day of a big event's log, and ten.
const DISK_FAIL: u64 = 100 * 1024 * 1024;
const DISK_WARN: u64 = 1024 * 1024 * 1024;

fn ok(name: &'static str, detail: impl Into<Text>) -> Check {
    Check {
        name,
        level: Level::Ok,
        detail: detail.into(),
        fix: None,
    }
}

fn not_ok(
    name: &'static str,
    level: Level,
    detail: impl Into<Text>,
    fix: impl Into<Text>,
) -> Check {
    Check {
        name,
        level,
        detail: detail.into(),
        fix: Some(fix.into()),
    }
}

impl Doctor {
    /// The checks could not even start (the database would not open, no
    /// thread to run them on): said as a failed check.
    pub fn could_not_start(why: String) -> Doctor {
        Doctor {
            ready: false,
            checks: vec![not_ok("database", Level::Fail, why, see_message())],
        }
    }
}

impl Kiosk {
    /// Runs every check; `scanned`: what a scanner typed when asked
    /// (`--scan`), if anything. Asks the printer and the hub: seconds at
    /// worst, never on the UI thread.
    pub fn doctor(&mut self, scanned: Option<&str>) -> Doctor {
        let mut checks = vec![
            self.doctor_database(),
            self.check_list(),
            check_permissions(self.config.path.as_deref(), self.store.path()),
            check_disk(self.store.path()),
            self.check_printer(),
            self.check_hub(),
            self.check_retention(),
            self.check_camera(),
        ];
        checks.extend(self.check_pin());
        checks.push(match scanned {
            Some(read) => self.check_scan(read),
            None => ok(
                "scanner",
                Text::fr("non testé — « accueil doctor --scan », puis scannez un billet, vérifie le réglage du clavier du lecteur"),
            ),
        });
        Doctor {
            ready: checks.iter().all(|c| c.level != Level::Fail),
            checks,
        }
    }

    fn doctor_database(&self) -> Check {
        match self.store.integrity_check() {
            Ok(answer) if answer == "ok" => ok(
                "database",
                Text::fr("{path} intègre").arg("path", self.store.path().display()),
            ),
            Ok(answer) => not_ok(
                "database",
                Level::Fail,
                Text::fr("{path} endommagée : {answer}")
                    .arg("path", self.store.path().display())
                    .arg("answer", answer),
                Text::fr(
                    "restaurez la base depuis sa sauvegarde ; un kiosque relié à un hub peut repartir d'une base neuve (il y retrouve la liste et ses entrées)",
                ),
            ),
            Err(e) => not_ok("database", Level::Fail, e.to_string(), see_message()),
        }
    }

    /// A staff PIN hashed by an older accueil (6 digits allowed, argon2's
    /// lighter defaults) is found in hours from a stolen kiosk's file.
    fn check_pin(&self) -> Option<Check> {
        let hash = self.config.kiosk.staff_pin.as_deref()?;
        Some(if crate::domain::pin::is_current(hash) {
            ok(
                "pin",
                Text::fr("empreinte du code du personnel au niveau actuel"),
            )
        } else {
            not_ok(
                "pin",
                Level::Warn,
                Text::fr(
                    "empreinte du code du personnel faite par une version plus ancienne : retrouvée en quelques heures depuis une borne volée",
                ),
                Text::fr(
                    "choisissez un code de 8 chiffres, « echo CODE | accueil pin-hash », et remplacez [kiosk] staff_pin (au hub : il le donne aux bornes à leur inscription)",
                ),
            )
        })
    }

    fn check_list(&self) -> Check {
        let stats = match self.stats() {
            Ok(s) => s,
            Err(e) => return not_ok("list", Level::Fail, e.to_string(), see_message()),
        };
        if let Ok(Some(at)) = self.store.purged_at() {
            return not_ok(
                "list",
                Level::Fail,
                Text::fr("base purgée le {date} : plus de liste")
                    .arg("date", at.strftime(crate::domain::when::DATE)),
                Text::fr("pour un nouvel événement, partez d'une base neuve ([database] path)"),
            );
        }
        if stats.registrants == 0 {
            let fix = if self.config.hub.url.is_some() {
                Text::fr("lancez « accueil sync --once » : le kiosque prend la liste du hub")
            } else {
                Text::fr("importez la liste : « accueil import FICHIER » (ou [source] pretix)")
            };
            return not_ok(
                "list",
                Level::Fail,
                Text::fr("aucun inscrit dans la base"),
                fix,
            );
        }
        ok(
            "list",
            Text::fr("{n} inscrits ({cancelled} annulés)")
                .arg("n", stats.registrants)
                .arg("cancelled", stats.cancelled),
        )
    }

    fn check_printer(&mut self) -> Check {
        let format = self.config.badge.format;
        let (w, h) = format.page_size();
        match &self.config.printer.printer {
            Printer::Folder { dir } => {
                let probe = dir.join(".accueil-doctor");
                let writable = std::fs::create_dir_all(dir)
                    .and_then(|()| std::fs::write(&probe, b""))
                    .and_then(|()| std::fs::remove_file(&probe));
                match writable {
                    Ok(()) => ok(
                        "printer",
                        Text::fr("badges en PDF dans {dir}").arg("dir", dir.display()),
                    ),
                    Err(e) => not_ok(
                        "printer",
                        Level::Fail,
                        Text::fr("dossier {dir} : {error}")
                            .arg("dir", dir.display())
                            .arg("error", e),
                        Text::fr(
                            "vérifiez [printer] folder dans kiosk.toml et les droits du dossier",
                        ),
                    ),
                }
            }
            printer @ Printer::Cups { queue, .. } => {
                let (printer, queue) = (printer.clone(), queue.clone());
                let capabilities = match printer.capabilities() {
                    Ok(c) => c,
                    Err(e) => {
                        return not_ok(
                            "printer",
                            Level::Fail,
                            e.to_string(),
                            Text::fr(
                                "vérifiez que CUPS tourne (lpstat -p) et [printer] name dans kiosk.toml",
                            ),
                        );
                    }
                };
                if let Some(c) = &capabilities
                    && !c.fits(w, h)
                {
                    return not_ok(
                        "printer",
                        Level::Fail,
                        self.wont_fit(c, w, h),
                        Text::fr("changez [badge] size dans kiosk.toml, ou la file d'impression"),
                    );
                }
                let health = self.printer_health().ok();
                if let Some(problem) = health.as_ref().and_then(|h| h.problem.clone()) {
                    return not_ok(
                        "printer",
                        Level::Warn,
                        Text::fr("imprimante « {queue} » : {problem}")
                            .arg("queue", &queue)
                            .arg("problem", problem),
                        Text::fr(
                            "remettez l'imprimante en état (papier, capot, câble) ; les badges attendent dans la file",
                        ),
                    );
                }
                let prints = match capabilities.and_then(|c| c.colour) {
                    Some(false) => Text::fr(
                        "imprimante « {queue} » imprime le format {format} ({w} × {h} mm) (monochrome : badges en noir et blanc)",
                    ),
                    _ => {
                        Text::fr("imprimante « {queue} » imprime le format {format} ({w} × {h} mm)")
                    }
                };
                ok(
                    "printer",
                    prints
                        .arg("queue", queue)
                        .arg("format", format.name())
                        .arg("w", super::badges::mm_text(w))
                        .arg("h", super::badges::mm_text(h)),
                )
            }
        }
    }

    fn check_hub(&self) -> Check {
        let Some(url) = self.config.hub.url.as_deref() else {
            return ok("hub", Text::fr("kiosque seul (pas de [hub] url)"));
        };
        let token = self.config.hub.token.as_deref();
        let client = match crate::sync::Client::new(url, token, Duration::from_secs(5)) {
            Ok(c) => c,
            Err(e) => {
                return not_ok(
                    "hub",
                    Level::Warn,
                    e.to_string(),
                    Text::fr("vérifiez [hub] url"),
                );
            }
        };
        match client.probe() {
            Err(e) => not_ok(
                "hub",
                Level::Warn,
                e.to_string(),
                Text::fr(
                    "vérifiez le réseau et que « accueil hub » tourne ; en attendant, le kiosque accueille seul et rattrapera le hub",
                ),
            ),
            Ok(hub_time) => {
                let Some(hub_time) = hub_time else {
                    return ok("hub", Text::fr("{url} répond").arg("url", url));
                };
                let offset = hub_time.as_second() - self.now().as_second();
                match crate::sync::clock_warning(offset) {
                    Some(warning) => not_ok(
                        "hub",
                        Level::Fail,
                        warning,
                        Text::fr(
                            "mettez l'horloge de ce kiosque à l'heure (timedatectl set-ntp true) : ses arrivées seraient datées d'un autre moment",
                        ),
                    ),
                    None => ok(
                        "hub",
                        Text::fr("{url} répond, horloges d'accord ({offset} s)")
                            .arg("url", url)
                            .arg("offset", format!("{offset:+}")),
                    ),
                }
            }
        }
    }

    fn check_retention(&self) -> Check {
        match self.retention_notice() {
            Ok(Some(notice)) => not_ok(
                "retention",
                Level::Warn,
                notice,
                "accueil purge --yes".to_owned(),
            ),
            Ok(None) => ok(
                "retention",
                Text::fr("données personnelles gardées jusqu'au {date}").arg(
                    "date",
                    self.config
                        .event
                        .purge_due()
                        .strftime(crate::domain::when::DATE),
                ),
            ),
            Err(e) => not_ok("retention", Level::Warn, e.to_string(), see_message()),
        }
    }

    fn check_camera(&self) -> Check {
        use crate::camera::CameraSetting;
        let setting = &self.config.camera;
        let ffmpeg = which("ffmpeg");
        match (setting, setting.device()) {
            (CameraSetting::Off, _) => ok(
                "camera",
                Text::fr("désactivée ([scanner] camera = \"off\")"),
            ),
            (CameraSetting::Auto, None) => ok(
                "camera",
                Text::fr("aucune caméra : lecteur et clavier seulement"),
            ),
            (CameraSetting::Device(path), None) | (CameraSetting::Device(path), Some(_))
                if !path.exists() =>
            {
                not_ok(
                    "camera",
                    Level::Fail,
                    Text::fr("{device} absente").arg("device", path.display()),
                    Text::fr("branchez la caméra, ou corrigez [scanner] camera (ls /dev/video*)"),
                )
            }
            (_, Some(device)) if ffmpeg.is_none() => not_ok(
                "camera",
                Level::Warn,
                Text::fr("{device} présente, mais ffmpeg manque pour la lire")
                    .arg("device", device.display()),
                "apt-get install ffmpeg".to_owned(),
            ),
            (_, Some(device)) => ok(
                "camera",
                Text::fr("{device} (lue par ffmpeg)").arg("device", device.display()),
            ),
            (_, None) => ok("camera", Text::fr("aucune caméra")),
        }
    }

    fn check_scan(&mut self, read: &str) -> Check {
        let tested = match self.test_scan(read) {
            Ok(t) => t,
            Err(e) => return not_ok("scanner", Level::Fail, e.to_string(), see_message()),
        };
        match (&tested.registrant, tested.scan.via) {
            (Some(_), None) => ok("scanner", tested.verdict()),
            // Let in all the same, but each scan pays for the guess.
            (Some(_), Some(_)) => not_ok(
                "scanner",
                Level::Warn,
                tested.verdict(),
                Text::fr(
                    "réglez la disposition du clavier du lecteur (sa notice), ou [kiosk] scanner_layout dans kiosk.toml",
                ),
            ),
            (None, _) => not_ok(
                "scanner",
                Level::Fail,
                tested.verdict(),
                Text::fr(
                    "scannez un billet de cet événement ; si c'en est un, réglez le lecteur comme dit, ou mettez la liste à jour",
                ),
            ),
        }
    }
}

/// The rights of kiosk.toml (tokens, the PIN's hash) and of the database
/// (everyone's names): readable by other accounts is a warning.
fn check_permissions(config: Option<&Path>, db: &Path) -> Check {
    use std::os::unix::fs::PermissionsExt;
    let open: Vec<(&Path, u32)> = config
        .into_iter()
        .chain([db])
        .filter_map(|path| {
            let mode = std::fs::metadata(path).ok()?.permissions().mode() & 0o777;
            (mode & 0o077 != 0).then_some((path, mode))
        })
        .collect();
    if open.is_empty() {
        return ok(
            "permissions",
            Text::fr("kiosk.toml et la base lisibles de ce seul compte"),
        );
    }
    let list =
        |f: &dyn Fn(&(&Path, u32)) -> String| open.iter().map(f).collect::<Vec<_>>().join(" ");
    not_ok(
        "permissions",
        Level::Warn,
        Text::fr("lisible par d'autres comptes : {files}").arg(
            "files",
            list(&|(p, mode)| format!("{} ({mode:o})", p.display())),
        ),
        format!("chmod 600 {}", list(&|(p, _)| p.display().to_string())),
    )
}

/// Free space on the database's disk, as `df` says it.
fn check_disk(db: &Path) -> Check {
    let dir = crate::folder_of(db);
    match free_bytes(dir) {
        None => ok("disk", Text::fr("espace libre inconnu (df absent)")),
        Some(free) if free < DISK_WARN => {
            let left = Text::fr("{mb} Mo libres sous {dir}")
                .arg("mb", free / 1_000_000)
                .arg("dir", dir.display());
            if free < DISK_FAIL {
                not_ok(
                    "disk",
                    Level::Fail,
                    left,
                    Text::fr(
                        "libérez de la place (df -h) : sans place, les arrivées ne s'enregistrent plus",
                    ),
                )
            } else {
                not_ok(
                    "disk",
                    Level::Warn,
                    left,
                    Text::fr("libérez de la place (df -h) avant l'ouverture"),
                )
            }
        }
        Some(free) => ok(
            "disk",
            Text::fr("{gb} Go libres").arg("gb", free / 1_000_000_000),
        ),
    }
}

/// The fix of a check whose finding is an error message: the message
/// says it.
fn see_message() -> Text {
    Text::fr("voir le message ci-contre")
}

fn free_bytes(dir: &Path) -> Option<u64> {
    let out = std::process::Command::new("df")
        .args(["-Pk", "--"])
        .arg(dir)
        .output()
        .ok()?;
    let text = String::from_utf8_lossy(&out.stdout);
    let kib: u64 = text
        .lines()
        .nth(1)?
        .split_whitespace()
        .nth(3)?
        .parse()
        .ok()?;
    Some(kib * 1024)
}

fn which(program: &str) -> Option<PathBuf> {
    std::env::var_os("PATH").and_then(|paths| {
        std::env::split_paths(&paths)
            .map(|d| d.join(program))
            .find(|p| p.is_file())
    })
}
