//! The command line: `accueil VERB`, every verb with `--config`, `--db` and
//! `--json`. Exit 0 when the command did its job (whatever the check-in
//! outcome), 1 with one actionable line otherwise.

use std::io::BufRead;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// `println!` that ends the process quietly when stdout is a closed pipe
/// (`accueil search … | head`) instead of panicking.
macro_rules! say {
    () => {
        emit(format_args!(""))
    };
    ($($arg:tt)*) => {
        emit(format_args!($($arg)*))
    };
}

/// Flushes stdout; a closed pipe ends the process quietly.
fn flush_stdout() {
    use std::io::Write;
    if let Err(e) = std::io::stdout().flush()
        && e.kind() == std::io::ErrorKind::BrokenPipe
    {
        std::process::exit(0);
    }
}

fn emit(line: std::fmt::Arguments<'_>) {
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

use anyhow::Context;
use clap::{Parser, Subcommand, ValueEnum};
use serde_json::{Value, json};

use crate::app::{AppError, ImportOptions, Imported, Kiosk, PretixImported};
use crate::app::{Lookup, PrintState};
use crate::badge::Format;
use crate::config::Config;
use crate::domain::{DaySpec, Details, DetailsPatch};
use crate::import::ImportError;

mod report;

#[derive(Debug, Parser)]
#[command(
    name = "accueil",
    version,
    about = "Accueil et badges d'un événement : pointage, recherche, import des inscrits"
)]
pub struct Cli {
    /// Fichier de configuration de l'événement.
    #[arg(
        long,
        global = true,
        default_value = "kiosk.toml",
        value_name = "CHEMIN"
    )]
    config: PathBuf,
    /// Base SQLite à utiliser (remplace [database] path de kiosk.toml).
    #[arg(long, global = true, value_name = "CHEMIN")]
    db: Option<PathBuf>,
    /// Sortie JSON, pour les scripts.
    #[arg(long, global = true)]
    json: bool,
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Importe les inscrits (CSV ou XLSX, ou pretix avec --from pretix) : tout ou rien ; ré-importer met à jour sans perdre les arrivées.
    Import {
        /// Export de la plateforme d'inscription (.csv, .txt, .xlsx).
        #[arg(required_unless_present = "from", conflicts_with = "from")]
        file: Option<PathBuf>,
        /// Télécharge la liste d'enregistrement pretix de [source] (et ses entrées déjà faites).
        #[arg(long, value_enum)]
        from: Option<Source>,
        /// Montre ce qui changerait sans rien écrire.
        #[arg(long)]
        dry_run: bool,
        /// Accepte un fichier qui annulerait plus de la moitié des inscrits.
        #[arg(long)]
        force: bool,
    },
    /// Cherche un inscrit (nom, prénom, organisation, courriel, code), sans accents ni majuscules.
    Search {
        /// Un ou plusieurs débuts de mots : « hel cav ».
        #[arg(required = true, num_args = 1..)]
        query: Vec<String>,
        /// Nombre maximal de résultats.
        #[arg(long, default_value_t = 20)]
        limit: usize,
    },
    /// Enregistre une arrivée : CODE du billet, « - » pour lire un code par ligne sur l'entrée standard, ou --id.
    Checkin {
        #[command(flatten)]
        who: Target,
        /// Jour : numéro (1, 2…) ou date AAAA-MM-JJ ; par défaut aujourd'hui, ou le premier jour hors événement.
        #[arg(long)]
        day: Option<DaySpec>,
        /// Imprime le badge des personnes accueillies (résultat « welcome »).
        #[arg(long)]
        print: bool,
    },
    /// Importe le programme (séances : titre, salle, début, fin, capacité, sur inscription, inscrits) d'un CSV ou XLSX : tout ou rien.
    Programme {
        /// Fichier du programme (.csv, .txt, .xlsx).
        file: PathBuf,
        /// Montre ce qui changerait sans rien écrire.
        #[arg(long)]
        dry_run: bool,
        /// Accepte de retirer des séances où des entrées sont déjà enregistrées.
        #[arg(long)]
        force: bool,
    },
    /// Liste les séances et les salles : présents maintenant, venus, inscrits, capacité.
    Sessions {
        /// À cet instant plutôt que maintenant (AAAA-MM-JJTHH:MM, heure de l'événement).
        #[arg(long, value_name = "INSTANT")]
        at: Option<String>,
    },
    /// L'entrée maintenant : arrivées par minute, rythme de chaque borne, file et attente prévues ; --add N compte N personnes entrées dans la file (sur le hub).
    Entree {
        /// Personnes entrées dans la file (négatif : une correction).
        #[arg(
            long,
            allow_hyphen_values = true,
            value_name = "N",
            conflicts_with = "empty"
        )]
        add: Option<i64>,
        /// La file est vide maintenant : le compte repart de zéro.
        #[arg(long)]
        empty: bool,
    },
    /// Passage à une porte de salle : CODE du billet (ou --id) ; entrée, ou sortie avec --exit.
    Door {
        #[command(flatten)]
        who: Target,
        /// La salle (par défaut [kiosk] room de kiosk.toml).
        #[arg(long)]
        room: Option<String>,
        /// Enregistre une sortie de la salle.
        #[arg(long)]
        exit: bool,
    },
    /// Feuille d'émargement PDF d'une séance : qui est venu (heure d'arrivée), et les inscrits absents.
    Emargement {
        /// La séance (son code, voir « accueil sessions »).
        #[arg(long)]
        session: String,
        /// Fichier PDF à écrire (« - » : la sortie standard).
        #[arg(long, value_name = "FICHIER")]
        out: PathBuf,
        /// Ajoute une colonne pour signer sur papier.
        #[arg(long)]
        signatures: bool,
        /// Langue du document : fr ou en.
        #[arg(long, value_enum, default_value_t = Lang::Fr)]
        lang: Lang,
    },
    /// Attestation de présence PDF (séances suivies et durée) : d'un inscrit (CODE ou --id), ou de tous avec --all dans un dossier.
    Attestation {
        #[command(flatten)]
        who: OptionalTarget,
        /// Toutes les personnes venues à une séance (un PDF chacune, attestation-N.pdf, N l'identifiant local).
        #[arg(long, conflicts_with_all = ["code", "id"])]
        all: bool,
        /// Fichier PDF (une personne) ou dossier (--all).
        #[arg(long, value_name = "CHEMIN")]
        out: PathBuf,
        /// Langue du document : fr ou en.
        #[arg(long, value_enum, default_value_t = Lang::Fr)]
        lang: Lang,
    },
    /// Annule la dernière arrivée d'un inscrit (enregistrée comme une nouvelle entrée du journal).
    Undo {
        #[command(flatten)]
        who: Target,
        /// Seulement une arrivée de ce jour.
        #[arg(long)]
        day: Option<DaySpec>,
    },
    /// Inscrit sur place une personne absente de la liste, et enregistre son arrivée.
    WalkIn {
        #[command(flatten)]
        details: DetailsArgs,
        /// Jour de l'arrivée (par défaut : comme checkin).
        #[arg(long)]
        day: Option<DaySpec>,
    },
    /// Corrige un inscrit (nom mal orthographié, organisation…) ; seuls les champs donnés changent.
    Edit {
        #[command(flatten)]
        who: Target,
        #[command(flatten)]
        details: DetailsArgs,
    },
    /// Produit le badge PDF d'un inscrit.
    Badge {
        #[command(flatten)]
        who: Target,
        /// Fichier PDF à écrire (« - » : la sortie standard).
        #[arg(long, value_name = "FICHIER.pdf")]
        out: PathBuf,
        /// Format (par défaut [badge] size) : a6, 4x3in, 62mm-roll, cr80, dymo-99014, dymo-30857, dk-11234, dk-11202, 4x6in, a4-2x2, a4-2x4.
        #[arg(long, value_parser = parse_format)]
        layout: Option<Format>,
    },
    /// Produit les badges de tous les inscrits (sauf annulés), triés par nom, pour une impression à l'avance.
    Badges {
        /// Fichier PDF à écrire (« - » : la sortie standard).
        #[arg(long, value_name = "FICHIER.pdf")]
        out: PathBuf,
        /// Seulement cette catégorie.
        #[arg(long)]
        category: Option<String>,
        /// Format : a6, 4x3in, 62mm-roll, cr80, dymo-99014, dymo-30857, dk-11234, dk-11202, 4x6in, a4-2x2, a4-2x4 (par défaut [badge] size).
        #[arg(long, value_parser = parse_format)]
        layout: Option<Format>,
    },
    /// Imprime le badge d'un inscrit (file d'attente persistante) ; --status montre la file.
    Print {
        /// Code du billet.
        #[arg(required_unless_present_any = ["id", "status"], conflicts_with_all = ["id", "status"])]
        code: Option<String>,
        /// Identifiant de l'inscrit (numéro local ou uid).
        #[arg(long, conflicts_with = "status")]
        id: Option<String>,
        /// Motif (réimpression : « badge perdu », « nom corrigé »…).
        #[arg(long)]
        reason: Option<String>,
        /// Montre l'état de la file d'impression (après une nouvelle tentative d'envoi).
        #[arg(long)]
        status: bool,
    },
    /// Ouvre le kiosque (plein écran) sur la copie locale ; sans kiosk.toml, l'écran de mise en service (rejoindre un hub par son QR code, ouvrir un fichier, ou la démonstration).
    #[cfg(feature = "gui")]
    Kiosk,
    /// Crée un événement de démonstration (~1 200 inscrits, aujourd'hui et demain) et ouvre le kiosque dessus.
    Demo {
        /// Dossier de la démonstration (recréé s'il contient déjà une démonstration).
        #[arg(long, default_value = "accueil-demo")]
        dir: PathBuf,
        /// Crée la démonstration sans ouvrir le kiosque.
        #[arg(long)]
        no_window: bool,
    },
    /// Rend chaque écran du kiosque en PNG, sans affichage (logiciel), sur une démonstration.
    #[cfg(feature = "gui")]
    Screenshot {
        /// Dossier où écrire les PNG.
        #[arg(long, value_name = "DOSSIER")]
        out: PathBuf,
    },
    /// Calcule l'empreinte argon2 d'un code PIN (lu sur l'entrée standard) pour [kiosk] staff_pin.
    PinHash,
    /// Tester le lecteur : pour chaque code lu (argument, ou une ligne par scan sur l'entrée standard), ce qui est arrivé, le billet reconnu et le réglage du clavier du lecteur.
    ScanTest {
        /// Codes lus ; sans code, lit l'entrée standard (scannez, puis Ctrl+D).
        #[arg(allow_hyphen_values = true)]
        codes: Vec<String>,
    },
    /// Attendus et arrivés, par jour, catégorie et kiosque.
    Stats,
    /// Lance le hub : synchronisation des kiosques et page des organisateurs ([hub] de kiosk.toml).
    Hub {
        /// Adresse d'écoute (remplace [hub] listen), par exemple 0.0.0.0:8080 ; port 0 : au hasard.
        #[arg(long, value_name = "ADRESSE:PORT")]
        listen: Option<std::net::SocketAddr>,
    },
    /// Synchronise avec le hub ([hub] url) : envoie ses entrées, reçoit celles des autres ; ou, sans hub, avec pretix ([source]).
    Sync {
        /// Un seul tour, puis s'arrête (code 0 quand le hub, ou pretix, a tout accusé).
        #[arg(long)]
        once: bool,
    },
    /// Sur le hub : les kiosques inscrits ; --revoke ID pour un kiosque volé ou perdu (le hub refuse ses envois), --readmit ID pour le reprendre.
    Kiosks {
        /// Révoque ce kiosque : ses identifiants ne valent plus et il ne peut pas se réinscrire.
        #[arg(long, value_name = "ID", conflicts_with = "readmit")]
        revoke: Option<String>,
        /// Réadmet un kiosque révoqué : il se réinscrit à sa prochaine synchronisation.
        #[arg(long, value_name = "ID")]
        readmit: Option<String>,
    },
    /// La porte est-elle prête ? Base, liste, droits, disque, imprimante et son format, hub et son horloge, conservation, caméra ; sortie 0 seulement si rien n'échoue.
    Doctor {
        /// Demande de scanner un billet, pour vérifier le réglage du clavier du lecteur.
        #[arg(long)]
        scan: bool,
    },
    /// Tout ce que la base garde d'une personne (droit d'accès, RGPD) : sa fiche, ses entrées du journal, ses badges.
    Person {
        #[command(flatten)]
        who: Target,
    },
    /// Après l'événement (RGPD) : efface noms, courriels, organisations, codes et champs libres, garde les comptes anonymes ; sans --yes, dit seulement ce qui serait effacé.
    Purge {
        /// Efface pour de bon (irréversible ; sauvegardes exceptées).
        #[arg(long)]
        yes: bool,
    },
    /// Inscrit ce poste à un hub avec le code « Ajouter un kiosque » de la page des organisateurs (le texte du QR, ou --hub ADRESSE et le code tapé) : écrit son kiosk.toml (--config), reçoit son identifiant, l'événement et la liste. Sur un kiosque déjà installé (hub remplacé, ou qui ne le reconnaît plus) : le réinscrit en gardant sa base, son kiosk.toml (seuls [hub] url et, si besoin, [kiosk] id changent ; --mode, --printer et --language sont ignorés) et envoie tout ce qu'il a enregistré.
    Join {
        /// Le code lu (accueil:http://…/K7QF-M2XP-9TZA), ou le code seul avec --hub.
        #[arg(value_name = "CODE")]
        code: String,
        /// Adresse du hub, quand le code est tapé à la main (http://192.168.1.10:8080).
        #[arg(long, value_name = "ADRESSE")]
        hub: Option<String>,
        /// Qui est devant l'écran : staff (accueil par le personnel), self-service (libre service) ou badge-station (impression des badges).
        #[arg(long, value_enum, default_value_t = JoinMode::Staff)]
        mode: JoinMode,
        /// File d'impression CUPS des badges (« accueil printers » les liste) ; sans elle, les badges vont en PDF dans un dossier.
        #[arg(long, value_name = "FILE")]
        printer: Option<String>,
        /// Langue de l'écran.
        #[arg(long, value_enum, default_value_t = Lang::Fr)]
        language: Lang,
    },
    /// Les files d'impression CUPS de ce poste (pour [printer] name ou « accueil join --printer »).
    Printers {
        /// Serveur IPP ; par défaut le serveur local.
        #[arg(long, default_value = crate::config::DEFAULT_CUPS_SERVER)]
        server: String,
    },
    /// Exporte la présence par personne et par jour (CSV pour Excel).
    Export {
        /// Fichier CSV à écrire (« - » : la sortie standard).
        #[arg(long, value_name = "FICHIER.csv")]
        out: PathBuf,
        /// Seulement les inscrits jamais venus.
        #[arg(long)]
        no_shows: bool,
    },
}

#[derive(Debug, clap::Args)]
struct DetailsArgs {
    /// Prénom.
    #[arg(long)]
    first_name: Option<String>,
    /// Nom.
    #[arg(long)]
    last_name: Option<String>,
    /// Organisation.
    #[arg(long)]
    organisation: Option<String>,
    /// Courriel.
    #[arg(long)]
    email: Option<String>,
    /// Catégorie (une de kiosk.toml ; par défaut [event] default_category).
    #[arg(long)]
    category: Option<String>,
}

impl DetailsArgs {
    fn patch(self) -> DetailsPatch {
        DetailsPatch {
            first_name: self.first_name,
            last_name: self.last_name,
            organisation: self.organisation,
            email: self.email,
            category: self.category,
        }
    }
}

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

fn run(cli: Cli) -> anyhow::Result<()> {
    // Verbs that make their own event.
    match &cli.command {
        Command::Demo { dir, no_window } => {
            let config_path = crate::demo::create(dir, 1200)?;
            say!(
                "Démonstration prête dans {} — relancez-la avec « accueil --config {} kiosk » ; la porte d'une salle : « accueil --config {} kiosk »",
                dir.display(),
                config_path.display(),
                crate::folder_of(&config_path).join("porte.toml").display()
            );
            if *no_window {
                return Ok(());
            }
            #[cfg(feature = "gui")]
            {
                let config = Config::load(&config_path)?;
                let _log =
                    crate::logging::init(Some(&crate::logging::dir_beside(&config.database)));
                return Ok(crate::ui::run_kiosk(Kiosk::open(config, None)?)?);
            }
            #[cfg(not(feature = "gui"))]
            anyhow::bail!(
                "accueil est compilé sans interface (--no-default-features) : la démonstration est prête, ouvrez-la avec un accueil complet"
            );
        }
        Command::Join {
            code,
            hub,
            mode,
            printer,
            language,
        } => {
            use crate::domain::enrolment::Invitation;
            let invitation = match hub {
                Some(hub) => Invitation::typed(hub, code)?,
                None => Invitation::read(code)?,
            };
            let setup = crate::app::Setup {
                mode: match mode {
                    JoinMode::Staff => crate::config::Mode::Staff,
                    JoinMode::SelfService => crate::config::Mode::SelfService,
                    JoinMode::BadgeStation => crate::config::Mode::BadgeStation,
                },
                printer: match printer {
                    Some(queue) => crate::app::PrinterChoice::Cups(queue.clone()),
                    None => crate::app::PrinterChoice::Folder,
                },
                language: match language {
                    Lang::Fr => crate::config::Language::French,
                    Lang::En => crate::config::Language::English,
                },
            };
            let (_, joined) = crate::app::join(
                &cli.config,
                cli.db.as_deref(),
                &invitation,
                &setup,
                std::time::Duration::from_secs(60),
            )?;
            Output { json: cli.json }.show(&joined)?;
            return Ok(());
        }
        Command::Printers { server } => {
            let queues = crate::app::printers(server)?;
            Output { json: cli.json }.show(&report::Printers { printers: queues })?;
            return Ok(());
        }
        Command::PinHash => {
            let mut pin = String::new();
            std::io::stdin()
                .read_line(&mut pin)
                .context("lecture du code PIN sur l'entrée standard")?;
            let pin = pin.trim();
            if let Err(why) = crate::domain::privacy::pin_strength(pin) {
                anyhow::bail!(
                    "{why} — par exemple : echo 48291375 | accueil pin-hash (8 chiffres au moins, ni suite ni motif)"
                );
            }
            let hash = crate::domain::pin::hash(pin)
                .map_err(|e| anyhow::anyhow!("empreinte impossible : {e}"))?;
            say!("staff_pin = \"{hash}\"");
            return Ok(());
        }
        // A new machine: its set-up screen, then its kiosk.
        #[cfg(feature = "gui")]
        Command::Kiosk if !cli.config.exists() => {
            let database = cli
                .db
                .clone()
                .unwrap_or_else(|| crate::folder_of(&cli.config).join("accueil.sqlite"));
            let _log = crate::logging::init(Some(&crate::logging::dir_beside(&database)));
            tracing::info!("{} absent : écran de mise en service", cli.config.display());
            return Ok(crate::ui::run_setup(&cli.config, cli.db.as_deref())?);
        }
        #[cfg(feature = "gui")]
        Command::Screenshot { out } => {
            let written = crate::ui::screenshots::render_all(out)?;
            for path in written {
                say!("{}", path.display());
            }
            return Ok(());
        }
        _ => {}
    }
    let config = Config::load(&cli.config)?;
    if let Some(warning) = config.secrets_exposed(&cli.config) {
        eprintln!("accueil : attention, {warning}");
    }
    // The kiosk's window and the hub run unattended: what they say goes
    // into a log file too. Other verbs speak on stderr only.
    let unattended = match cli.command {
        Command::Hub { .. } => true,
        #[cfg(feature = "gui")]
        Command::Kiosk => true,
        _ => false,
    };
    let database = cli.db.clone().unwrap_or_else(|| config.database.clone());
    let _log = crate::logging::init(
        unattended
            .then(|| crate::logging::dir_beside(&database))
            .as_deref(),
    );
    let mut kiosk = Kiosk::open(config, cli.db.as_deref())?;
    // Past the retention date, every start of the kiosk or the hub says so
    // until purged, and so do the statistics (`doctor` has it as a check).
    // Not every verb: an error stays one line.
    if (unattended || matches!(cli.command, Command::Stats))
        && let Some(notice) = kiosk.retention_notice()?
    {
        if unattended {
            tracing::warn!("{notice}");
        } else {
            eprintln!("accueil : {notice}");
        }
    }
    let out = Output { json: cli.json };
    match cli.command {
        Command::Import {
            file,
            from: _,
            dry_run,
            force,
        } => {
            let options = ImportOptions { dry_run, force };
            match file {
                Some(file) => import(&mut kiosk, &out, &file, options),
                None => import_pretix(&mut kiosk, &out, options),
            }
        }
        Command::Search { query, limit } => {
            let query = query.join(" ");
            let result = kiosk.search(&query, limit)?;
            out.show(&report::Found {
                approximate: result.approximate,
                hits: result.hits,
                query,
            })
        }
        Command::ScanTest { codes } => scan_test(&mut kiosk, &out, codes),
        Command::Checkin { who, day, print } => match who.code.as_deref() {
            Some("-") => checkin_stream(&mut kiosk, &out, day, print),
            _ => checkin_one(&mut kiosk, &out, &who.lookup()?, day, print),
        },
        Command::Programme {
            file,
            dry_run,
            force,
        } => {
            let imported = kiosk.import_programme(&file, dry_run, force)?;
            out.show(&report::ProgrammeImported {
                path: &file,
                i: &imported,
            })
        }
        Command::Sessions { at } => {
            let at = match at {
                Some(text) => Some(event_instant(&kiosk.config.event, &text)?),
                None => None,
            };
            let occupancy = kiosk.occupancy(at)?;
            out.show(&report::Sessions {
                event: &kiosk.config.event,
                o: &occupancy,
            })
        }
        Command::Entree { add, empty } => {
            use crate::domain::queue::Count;
            match (add, empty) {
                (Some(n), _) => kiosk.count_queue(Count::Joined(n))?,
                (None, true) => kiosk.count_queue(Count::Empty)?,
                (None, false) => {}
            }
            let forecast = kiosk.entrance_forecast()?;
            out.show(&report::Entrance {
                event: &kiosk.config.event,
                f: &forecast,
            })
        }
        Command::Emargement {
            session,
            out: path,
            signatures,
            lang,
        } => {
            let pdf = kiosk.attendance_sheet(&session, signatures, words(lang))?;
            write_pdf(&path, &pdf)?;
            out.show_beside(
                &path,
                &report::Written {
                    what: "feuille d'émargement",
                    paths: vec![path.clone()],
                    bytes: pdf.len(),
                },
            )
        }
        Command::Attestation {
            who,
            all,
            out: path,
            lang,
        } => {
            let lookup = match (all, who.code, who.id) {
                (true, _, _) => None,
                (false, code, id) => Some(Target { code, id }.lookup()?),
            };
            let made = kiosk.certificates(lookup.as_ref(), words(lang))?;
            let mut paths = Vec::new();
            let mut bytes = 0;
            if all {
                std::fs::create_dir_all(&path).with_context(|| {
                    format!(
                        "dossier {} impossible à créer — vérifiez ses droits",
                        path.display()
                    )
                })?;
                for (r, pdf) in &made {
                    // The local number, never a name or a ticket code.
                    let file = path.join(format!("attestation-{}.pdf", r.id));
                    write_pdf(&file, pdf)?;
                    bytes += pdf.len();
                    paths.push(file);
                }
            } else if let Some((_, pdf)) = made.first() {
                write_pdf(&path, pdf)?;
                bytes = pdf.len();
                paths.push(path.clone());
            }
            out.show_beside(
                &path,
                &report::Written {
                    what: "attestation(s)",
                    paths,
                    bytes,
                },
            )
        }
        Command::Door { who, room, exit } => {
            let lookup = who.lookup()?;
            let direction = if exit {
                crate::domain::programme::Direction::Out
            } else {
                crate::domain::programme::Direction::In
            };
            let scan = kiosk.door_scan(&lookup, room.as_deref(), direction)?;
            out.show(&report::DoorPassage {
                event: &kiosk.config.event,
                lookup: &lookup,
                d: &scan,
            })
        }
        Command::Undo { who, day } => {
            let lookup = who.lookup()?;
            let u = kiosk.undo(&lookup, day)?;
            out.show(&report::Undone {
                event: &kiosk.config.event,
                lookup: &lookup,
                u: &u,
            })
        }
        Command::WalkIn { details, day } => {
            let w = kiosk.walk_in(details.patch().apply(&Details::default()), day)?;
            out.show(&report::WalkedIn {
                event: &kiosk.config.event,
                w: &w,
            })
        }
        Command::Edit { who, details } => {
            let lookup = who.lookup()?;
            let e = kiosk.edit(&lookup, details.patch())?;
            out.show(&report::Edited {
                record: e.record.as_ref().map(|r| r.id),
                registrant: e.registrant,
                changed: e.changed,
            })
        }
        Command::Badge {
            who,
            out: path,
            layout,
        } => {
            let lookup = who.lookup()?;
            let (r, pdf) = kiosk.badge_pdf(&lookup, layout)?;
            write_pdf(&path, &pdf)?;
            out.show_beside(
                &path,
                &report::Badge {
                    bytes: pdf.len(),
                    path: path.clone(),
                    registrant: r,
                },
            )
        }
        Command::Badges {
            out: path,
            category,
            layout,
        } => {
            let (n, pdf) = with_progress(out.json, "Badges", |progress| {
                kiosk.badges_pdf(category.as_deref(), layout, progress)
            })?;
            write_pdf(&path, &pdf)?;
            out.show_beside(
                &path,
                &report::Badges {
                    bytes: pdf.len(),
                    path: path.clone(),
                    badges: n,
                },
            )
        }
        Command::Print {
            code,
            id,
            reason,
            status,
        } => {
            if status {
                return out.show(&report::PrintQueue {
                    jobs: kiosk.print_status(20)?,
                    printer: kiosk.config.printer.printer.describe(),
                    event: &kiosk.config.event,
                });
            }
            let lookup = Target { code, id }.lookup()?;
            let p = kiosk.print_badge(&lookup, reason.as_deref(), false)?;
            let failed = (p.job.state == PrintState::Failed).then(|| p.job.error.clone());
            out.show(&report::Printed {
                registrant: p.registrant,
                job: p.job,
                printed_before: p.printed_before,
                event: &kiosk.config.event,
            })?;
            if let Some(error) = failed {
                anyhow::bail!(
                    "l'impression a échoué : {} — une fois corrigé, relancez « accueil print »",
                    error.as_deref().unwrap_or("raison inconnue")
                );
            }
            Ok(())
        }
        #[cfg(feature = "gui")]
        Command::Kiosk => Ok(crate::ui::run_kiosk(kiosk)?),
        Command::Demo { .. }
        | Command::PinHash
        | Command::Join { .. }
        | Command::Printers { .. } => Ok(()),
        #[cfg(feature = "gui")]
        Command::Screenshot { .. } => Ok(()),
        Command::Stats => out.show(&report::Figures {
            stats: kiosk.stats()?,
            event: &kiosk.config.event,
        }),
        Command::Kiosks { revoke, readmit } => {
            let report = match (revoke, readmit) {
                (Some(id), _) => kiosk.revoke_kiosk(&id)?,
                (None, Some(id)) => kiosk.readmit_kiosk(&id)?,
                (None, None) => kiosk.enrolled_kiosks()?,
            };
            out.show(&report)?;
            Ok(())
        }
        Command::Hub { listen } => {
            let addr = listen
                .or(kiosk.config.hub.listen)
                .ok_or_else(|| anyhow::anyhow!("adresse d'écoute absente — ajoutez [hub] listen = \"0.0.0.0:8080\" à kiosk.toml ou passez --listen"))?;
            crate::hub::run(kiosk, addr, |bound| {
                let listening = report::Listening {
                    listening: bound.to_string(),
                };
                if let Err(e) = out.show(&listening) {
                    eprintln!("accueil : {e}");
                }
                flush_stdout();
            })?;
            Ok(())
        }
        Command::Sync { once } => {
            if !once {
                anyhow::bail!(
                    "« accueil sync » sans --once : le kiosque (accueil kiosk) synchronise déjà en continu — utilisez « accueil sync --once » pour un tour"
                );
            }
            sync(&mut kiosk, &out)
        }
        Command::Doctor { scan } => {
            let scanned = if scan {
                eprintln!("Scannez un billet (ou tapez son code, puis Entrée) :");
                let mut line = String::new();
                std::io::stdin()
                    .lock()
                    .read_line(&mut line)
                    .context("lecture du scan sur l'entrée standard")?;
                Some(line.trim_end_matches(['\r', '\n']).to_owned())
            } else {
                None
            };
            let report = kiosk.doctor(scanned.as_deref());
            out.show(&report::Diagnosis(&report))?;
            if !report.ready {
                let failed = report
                    .checks
                    .iter()
                    .filter(|c| c.level == crate::app::Level::Fail)
                    .count();
                anyhow::bail!("pas prêt : {failed} vérification(s) en échec, voir ci-dessus");
            }
            Ok(())
        }
        Command::Person { who } => out.show(&report::Person(&kiosk.person(&who.lookup()?)?)),
        Command::Purge { yes } => out.show(&report::Purged(&kiosk.purge(yes)?)),
        Command::Export {
            out: path,
            no_shows,
        } => {
            let written = kiosk.export_attendance(&path, no_shows)?;
            out.show_beside(
                &path,
                &report::Exported {
                    written,
                    path: path.clone(),
                },
            )
        }
    }
}

/// `--lang` of a document, `--language` of a screen.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Lang {
    Fr,
    En,
}

/// `join --mode`: who stands before the screen.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum JoinMode {
    Staff,
    SelfService,
    BadgeStation,
}

/// `import --from`: a list fetched rather than a file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Source {
    Pretix,
}

/// `--lang` of a document.
fn words(lang: Lang) -> crate::badge::sheet::Words {
    match lang {
        Lang::Fr => crate::badge::sheet::Words::French,
        Lang::En => crate::badge::sheet::Words::English,
    }
}

/// `2026-06-11T09:30` (or with a space) in the event's timezone, or an
/// RFC 3339 instant.
fn event_instant(event: &crate::domain::Event, text: &str) -> anyhow::Result<jiff::Timestamp> {
    let t = text.trim();
    if let Ok(ts) = t.parse::<jiff::Timestamp>() {
        return Ok(ts);
    }
    let dt: jiff::civil::DateTime = t.replace(' ', "T").parse().with_context(|| {
        format!("--at « {t} » illisible — AAAA-MM-JJTHH:MM, à l'heure de l'événement")
    })?;
    Ok(event.timezone.to_timestamp(dt)?)
}

/// Who a command may be about: a ticket code, `--id`, or nobody (`--all`).
#[derive(Debug, clap::Args)]
struct OptionalTarget {
    /// Code du billet.
    #[arg(conflicts_with = "id")]
    code: Option<String>,
    /// Identifiant de l'inscrit (numéro local ou uid).
    #[arg(long)]
    id: Option<String>,
}

/// Who a command is about: a ticket code, or `--id`.
#[derive(Debug, clap::Args)]
struct Target {
    /// Code du billet (contenu du QR code) ; pour checkin, « - » lit un code par ligne sur l'entrée standard.
    #[arg(required_unless_present = "id", conflicts_with = "id")]
    code: Option<String>,
    /// Identifiant de l'inscrit (numéro local ou uid).
    #[arg(long)]
    id: Option<String>,
}

impl Target {
    fn lookup(self) -> anyhow::Result<Lookup> {
        match (self.code, self.id) {
            (Some(code), _) => Ok(Lookup::Code(code)),
            (None, Some(id)) => {
                if let Ok(n) = id.trim().parse::<i64>() {
                    Ok(Lookup::Id(n))
                } else {
                    let uid = uuid::Uuid::parse_str(id.trim()).with_context(|| {
                        format!("--id « {id} » : ni un numéro ni un uid — copiez-le depuis « accueil search »")
                    })?;
                    Ok(Lookup::Uid(uid))
                }
            }
            (None, None) => anyhow::bail!("indiquez un code de billet ou --id"),
        }
    }
}

/// One check-in, and its badge with `--print`. The output is one line (one
/// JSON object), the print result beside the check-in.
fn checkin_one(
    kiosk: &mut Kiosk,
    out: &Output,
    lookup: &Lookup,
    day: Option<DaySpec>,
    print: bool,
) -> anyhow::Result<()> {
    let (c, printed) = if print {
        let (c, printed) = kiosk.check_in_and_print(lookup, day)?;
        (c, Some(printed))
    } else {
        (kiosk.check_in(lookup, day)?, None)
    };
    out.show(&report::Checked {
        event: &kiosk.config.event,
        lookup,
        c: &c,
        print: printed.as_ref().map(|p| {
            p.as_ref()
                .map(|p| p.as_ref().map(|p| &p.job).map_err(|e| e.to_string()))
        }),
    })
}

/// Replays codes from standard input, one per line (a scanner log): one
/// result line per code, flushed as soon as the arrival is durable.
fn checkin_stream(
    kiosk: &mut Kiosk,
    out: &Output,
    day: Option<DaySpec>,
    print: bool,
) -> anyhow::Result<()> {
    let stdin = std::io::stdin();
    let (mut number, mut failed) = (0usize, 0usize);
    // Bytes, not lines of UTF-8: a Latin-1 scanner log must not stop the replay.
    for line in stdin.lock().split(b'\n') {
        let line = line.context("lecture de l'entrée standard")?;
        let line = String::from_utf8_lossy(&line);
        let code = line.trim();
        if code.is_empty() {
            continue;
        }
        number += 1;
        // One line that cannot be recorded (a full disk, a database busy
        // beyond its wait) is said, and the next scans still go in.
        if let Err(e) = checkin_one(kiosk, out, &Lookup::Code(code.to_owned()), day, print) {
            failed += 1;
            let message = one_line(&e);
            if out.json {
                out.line(&json!({ "line": number, "code": code, "error": message }));
            }
            eprintln!("accueil : ligne {number} « {code} » non enregistrée : {message}");
        }
        flush_stdout();
    }
    if failed > 0 {
        anyhow::bail!(
            "{failed} code(s) sur {number} non enregistré(s) (voir chaque ligne ci-dessus) — relancez-les une fois le problème réglé : un code déjà enregistré répond « déjà là »"
        );
    }
    Ok(())
}

fn import(
    kiosk: &mut Kiosk,
    out: &Output,
    file: &Path,
    options: ImportOptions,
) -> anyhow::Result<()> {
    let imported: Imported = with_progress(out.json, "Import", |progress| {
        kiosk.import_file(file, options, progress)
    })?;
    out.show(&report::FileImport {
        file,
        imported: &imported,
        options,
    })
}

fn import_pretix(kiosk: &mut Kiosk, out: &Output, options: ImportOptions) -> anyhow::Result<()> {
    let imported: PretixImported = with_progress(out.json, "pretix", |progress| {
        kiosk.import_pretix(options, progress)
    })?;
    out.show(&report::PretixImport {
        imported: &imported,
        options,
    })
}

/// `accueil sync --once`: one round with the hub (or with pretix, on the
/// copy that talks to it); exit 0 only when everything was acknowledged.
fn sync(kiosk: &mut Kiosk, out: &Output) -> anyhow::Result<()> {
    if kiosk.talks_to_pretix() {
        return sync_pretix(kiosk, out);
    }
    let round = kiosk.sync_once(std::time::Duration::from_secs(30))?;
    out.show(&report::Synced(&round))?;
    if !round.refused.is_empty() {
        let views = kiosk.refused_records(10_000)?;
        for r in &round.refused {
            let who = views
                .iter()
                .find(|v| v.id == r.id)
                .and_then(|v| v.name.clone())
                .map(|n| format!(" ({n})"))
                .unwrap_or_default();
            eprintln!(
                "refusée par le hub : entrée n° {} du journal « {} »{who} — {} ; elle reste sur ce kiosque, hors des comptes, et ne sera pas renvoyée",
                r.seq, r.log, r.reason
            );
        }
    }
    for r in &round.waiting {
        eprintln!(
            "en attente au hub : entrée n° {} du journal « {} » — {} ; comptée dès que le hub reçoit ce qu'il lui faut (l'inscription sur place d'un autre kiosque, la liste), sans renvoi",
            r.seq, r.log, r.reason
        );
    }
    if round.moved > 0 {
        eprintln!(
            "le hub tenait d'autres entrées aux numéros de ce kiosque (base restaurée ou copiée ?) : {} entrée(s) passée(s) dans un nouveau journal et envoyée(s) — rien n'est perdu",
            round.moved
        );
    }
    if let Some(warning) = round.clock_offset.and_then(crate::sync::clock_warning) {
        eprintln!("{warning}");
    }
    if round.pending > 0 {
        anyhow::bail!(
            "{} entrée(s) pas encore accusée(s) par le hub — relancez « accueil sync --once »",
            round.pending
        );
    }
    Ok(())
}

/// `accueil sync --once` on the copy that talks to pretix: push, pull,
/// exit 0 only when pretix settled every arrival and undo.
fn sync_pretix(kiosk: &mut Kiosk, out: &Output) -> anyhow::Result<()> {
    let round = kiosk.pretix_once(std::time::Duration::from_secs(30), true)?;
    out.show(&report::PretixSynced(&round))?;
    for n in &round.notices {
        eprintln!("pretix : {}", crate::pretix::notice_line(n));
    }
    if let Some(why) = &round.retry {
        anyhow::bail!(
            "pretix demande de réessayer ({why}) : {} entrée(s) en attente — relancez « accueil sync --once »",
            round.pending
        );
    }
    if round.pending > 0 {
        anyhow::bail!(
            "{} entrée(s) pas encore acceptée(s) par pretix — relancez « accueil sync --once »",
            round.pending
        );
    }
    Ok(())
}

/// Runs `work` with a progress bar fed by its (done, total) reports.
fn with_progress<T>(
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

fn parse_format(s: &str) -> Result<Format, String> {
    Format::parse(s).ok_or_else(|| {
        format!(
            "format « {s} » inconnu — formats : {}",
            Format::ALL.map(Format::name).join(", ")
        )
    })
}

/// Writes a PDF next to its final name, then renames it: a printer or a
/// viewer never opens half a file.
fn write_pdf(path: &Path, pdf: &[u8]) -> anyhow::Result<()> {
    crate::export::write_output(path, pdf).with_context(|| {
        format!(
            "impossible d'écrire {} — vérifiez le dossier et ses droits",
            path.display()
        )
    })
}

struct Output {
    json: bool,
}

impl Output {
    /// A verb's report: as one JSON line with --json, else as its text.
    fn show<T: serde::Serialize + std::fmt::Display>(&self, report: &T) -> anyhow::Result<()> {
        say!("{}", self.render(report)?);
        Ok(())
    }

    /// The report of a verb that wrote a file: on stdout, or on stderr when
    /// the file itself went to stdout (`--out -`).
    fn show_beside<T: serde::Serialize + std::fmt::Display>(
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

    fn line(&self, v: &Value) {
        say!("{v}");
    }
}

/// `accueil scan-test`: « Tester le lecteur » without a screen.
fn scan_test(kiosk: &mut Kiosk, out: &Output, codes: Vec<String>) -> anyhow::Result<()> {
    let mut one = |read: &str| -> anyhow::Result<()> {
        out.show(&report::ScanTested(kiosk.test_scan(read)?))
    };
    if codes.is_empty() {
        let stdin = std::io::stdin();
        for line in stdin.lock().split(b'\n') {
            let line = line.context("lecture de l'entrée standard")?;
            let line = String::from_utf8_lossy(&line);
            let read = line.strip_suffix('\r').unwrap_or(&line);
            if read.is_empty() {
                continue;
            }
            one(read)?;
            flush_stdout();
        }
    } else {
        for code in &codes {
            one(code)?;
        }
    }
    Ok(())
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
