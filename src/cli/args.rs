//! What the command line accepts: the verbs, their options and the
//! choices among fixed values (clap's `ValueEnum`), turned into the
//! domain's types here and nowhere else.

use std::path::PathBuf;

use anyhow::Context;
use clap::{Parser, Subcommand, ValueEnum};

use crate::app::Lookup;
use crate::badge::Format;
use crate::domain::{DaySpec, DetailsPatch};

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
    pub(super) config: PathBuf,
    /// Base SQLite à utiliser (remplace [database] path de kiosk.toml).
    #[arg(long, global = true, value_name = "CHEMIN")]
    pub(super) db: Option<PathBuf>,
    /// Sortie JSON, pour les scripts.
    #[arg(long, global = true)]
    pub(super) json: bool,
    #[command(subcommand)]
    pub(super) command: Command,
}

#[derive(Debug, Subcommand)]
pub(super) enum Command {
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
pub(super) struct DetailsArgs {
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
    pub(super) fn patch(self) -> DetailsPatch {
        DetailsPatch {
            first_name: self.first_name,
            last_name: self.last_name,
            organisation: self.organisation,
            email: self.email,
            category: self.category,
        }
    }
}

/// `--lang` of a document, `--language` of a screen.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(super) enum Lang {
    Fr,
    En,
}

/// `join --mode`: who stands before the screen.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(super) enum JoinMode {
    Staff,
    SelfService,
    BadgeStation,
}

/// `import --from`: a list fetched rather than a file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(super) enum Source {
    Pretix,
}

impl From<Lang> for crate::badge::sheet::Words {
    /// `--lang` of a document.
    fn from(lang: Lang) -> Self {
        match lang {
            Lang::Fr => Self::French,
            Lang::En => Self::English,
        }
    }
}

impl From<Lang> for crate::config::Language {
    /// `--language` of a screen.
    fn from(lang: Lang) -> Self {
        match lang {
            Lang::Fr => Self::French,
            Lang::En => Self::English,
        }
    }
}

impl From<JoinMode> for crate::config::Mode {
    fn from(mode: JoinMode) -> Self {
        match mode {
            JoinMode::Staff => Self::Staff,
            JoinMode::SelfService => Self::SelfService,
            JoinMode::BadgeStation => Self::BadgeStation,
        }
    }
}

/// Who a command may be about: a ticket code, `--id`, or nobody (`--all`).
#[derive(Debug, clap::Args)]
pub(super) struct OptionalTarget {
    /// Code du billet.
    #[arg(conflicts_with = "id")]
    pub(super) code: Option<String>,
    /// Identifiant de l'inscrit (numéro local ou uid).
    #[arg(long)]
    pub(super) id: Option<String>,
}

/// Who a command is about: a ticket code, or `--id`.
#[derive(Debug, clap::Args)]
pub(super) struct Target {
    /// Code du billet (contenu du QR code) ; pour checkin, « - » lit un code par ligne sur l'entrée standard.
    #[arg(required_unless_present = "id", conflicts_with = "id")]
    pub(super) code: Option<String>,
    /// Identifiant de l'inscrit (numéro local ou uid).
    #[arg(long)]
    pub(super) id: Option<String>,
}

impl Target {
    pub(super) fn lookup(self) -> anyhow::Result<Lookup> {
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

pub(super) fn parse_format(s: &str) -> Result<Format, String> {
    Format::parse(s).ok_or_else(|| {
        format!(
            "format « {s} » inconnu — formats : {}",
            Format::ALL.map(Format::name).join(", ")
        )
    })
}
