//! The exports of the platforms organisers use, recognised by their
//! headers. A profile knows which columns hold the attendee (not the buyer),
//! what the ticket's QR code holds, and what the platform's status words
//! mean. Headers are compared folded (no case, accents or punctuation:
//! « Nom du participant : Prénom » is `nom du participant prenom`).
//!
//! Where each profile comes from is written beside it and in the README
//! (« Plateformes »): the pretix ones from the exports of a real pretix
//! (2026.8.0, French and English), the others from the platforms'
//! documentation and from public code that reads their files.

use super::columns::Column;
use crate::domain::Status;

/// Folded header candidates, best first.
pub type Headers = &'static [&'static str];

/// A Yes/No column that decides a status (« Supprimé : Oui »).
#[derive(Debug)]
pub struct Flag {
    pub headers: Headers,
    /// The answer that triggers the status: `true` for Oui/Yes.
    pub when: bool,
    pub status: Status,
}

#[derive(Debug)]
pub struct Profile {
    /// `[import] profile` in kiosk.toml, `profile` in `--json`.
    pub id: &'static str,
    /// « HelloAsso — billetterie »
    pub label: &'static str,
    /// Headers that, all present, identify the export (any one set).
    /// Empty: the plain list, chosen when no other matches.
    pub signatures: &'static [Headers],
    /// False for a sheet of orders (buyers): another sheet lists attendees.
    pub attendees: bool,
    /// Where each column is. A profile says everything it reads: columns
    /// it does not list are not read (the buyer's e-mail is not the
    /// attendee's).
    pub columns: &'static [(Column, Headers)],
    pub flags: &'static [Flag],
    /// The platform's status words (folded), besides the common French and
    /// English ones.
    pub statuses: &'static [(&'static str, Status)],
    /// A row with one of these filled is not a person (pretix add-ons).
    pub skip_filled: Headers,
    /// The platform's own columns (order, payment, invoicing, the buyer):
    /// not kept. Other columns are the organiser's own questions and are
    /// kept as free fields.
    pub platform: Headers,
    /// Account columns at the start of the sheet (Microsoft Forms' « Nom »
    /// is the respondent's account name, not a last name): never read.
    pub leading_metadata: Headers,
    /// Form platforms' own rules: an unfinished answer, a file filed for
    /// someone else, question columns under a prefix.
    pub rules: Rules,
    /// What the ticket's QR code holds (README, warnings).
    pub qr: &'static str,
    /// Where the export is, for messages.
    pub export: &'static str,
}

/// What form platforms say besides a status column.
#[derive(Debug)]
pub struct Rules {
    /// A date column that is empty while the answer is unfinished
    /// (LimeSurvey's `submitdate`): such a row is pending.
    pub incomplete_when_empty: Headers,
    /// A Yes/No column saying the file was filed by someone for the
    /// attendee (Démarches Simplifiées' « Dépôt pour un tiers »): then these
    /// columns are the filer's, and left empty.
    pub filed_for: Option<(Headers, &'static [Column])>,
    /// Prefixes put before the organiser's questions (HelloAsso's
    /// « Champ additionnel : »), folded: headers are also read without them.
    pub prefixes: Headers,
}

pub const NO_RULES: Rules = Rules {
    incomplete_when_empty: &[],
    filed_for: None,
    prefixes: &[],
};

/// The common status words, French and English, every profile reads.
pub const COMMON_STATUSES: &[(&str, Status)] = &[
    ("", Status::Valid),
    ("valid", Status::Valid),
    ("valide", Status::Valid),
    ("validee", Status::Valid),
    ("confirmed", Status::Valid),
    ("confirme", Status::Valid),
    ("confirmee", Status::Valid),
    ("paid", Status::Valid),
    ("paye", Status::Valid),
    ("payee", Status::Valid),
    ("ok", Status::Valid),
    ("inscrit", Status::Valid),
    ("inscrite", Status::Valid),
    ("active", Status::Valid),
    ("actif", Status::Valid),
    ("pending", Status::Pending),
    ("en attente", Status::Pending),
    ("attente", Status::Pending),
    ("unpaid", Status::Pending),
    ("non paye", Status::Pending),
    ("non payee", Status::Pending),
    ("a valider", Status::Pending),
    ("cancelled", Status::Cancelled),
    ("canceled", Status::Cancelled),
    ("annule", Status::Cancelled),
    ("annulee", Status::Cancelled),
    ("refunded", Status::Cancelled),
    ("rembourse", Status::Cancelled),
    ("remboursee", Status::Cancelled),
    ("desinscrit", Status::Cancelled),
    ("desinscrite", Status::Cancelled),
];

const NAME_LAST: Headers = &[
    "nom",
    "nom de famille",
    "nom d usage",
    "last name",
    "lastname",
    "surname",
    "family name",
];
const NAME_FIRST: Headers = &["prenom", "first name", "firstname", "given name"];
const FULL_NAME: Headers = &[
    "nom prenom",
    "nom et prenom",
    "prenom nom",
    "prenom et nom",
    "nom complet",
    "full name",
    "name",
    "participant",
    "nom du participant",
];
const EMAIL: Headers = &[
    "courriel",
    "e mail",
    "email",
    "mail",
    "adresse e mail",
    "adresse email",
    "adresse mail",
    "adresse electronique",
    "adresse de courriel",
    "email address",
    "e mail address",
];
const ORGANISATION: Headers = &[
    "organisation",
    "organization",
    "structure",
    "company",
    "societe",
    "entreprise",
    "etablissement",
    "organisme",
    "collectivite",
    "employeur",
    "administration",
    "company name",
    "ministere",
    "service",
    "affiliation",
];

/// A form's questions (Google Forms, LimeSurvey, Framaforms): whatever
/// the organiser titled them, in the usual words.
const FORM_COLUMNS: &[(Column, Headers)] = &[
    (Column::LastName, NAME_LAST),
    (Column::FirstName, NAME_FIRST),
    (Column::FullName, FULL_NAME),
    (Column::Email, EMAIL),
    (Column::Organisation, ORGANISATION),
    (
        Column::Category,
        &["categorie", "profil", "vous etes", "type d inscription"],
    ),
];

/// The plain list typed in Excel or LibreOffice: French and English headers.
pub static GENERIC: Profile = Profile {
    id: "generic",
    label: "liste Excel / LibreOffice",
    signatures: &[],
    attendees: true,
    columns: &[
        (
            Column::Code,
            &[
                "code",
                "code billet",
                "numero de billet",
                "n billet",
                "no billet",
                "n de billet",
                "numero billet",
                "ticket code",
                "ticket id",
                "ticket number",
                "code barre",
                "code barres",
                "code a barres",
                "barcode",
                "secret du billet",
                "ticket secret",
                "secret",
                "qr code",
                "code qr",
                "billet",
                "ticket",
            ],
        ),
        (Column::LastName, NAME_LAST),
        (Column::FirstName, NAME_FIRST),
        (Column::FullName, FULL_NAME),
        (Column::Organisation, ORGANISATION),
        (Column::Email, EMAIL),
        (
            Column::Category,
            &[
                "categorie",
                "category",
                "type",
                "profil",
                "type de billet",
                "ticket type",
                "type d inscription",
                "produit",
                "product",
                "tarif",
                "formule",
            ],
        ),
        (
            Column::Status,
            &[
                "statut",
                "status",
                "etat",
                "state",
                "order status",
                "registration state",
                "registration status",
                "statut de l inscription",
                "statut inscription",
                "etat de l inscription",
                "statut du billet",
                "ticket status",
                "attendee status",
                "statut de la commande",
                "payment status",
                "statut du paiement",
            ],
        ),
    ],
    flags: &[
        Flag {
            headers: &[
                "valide",
                "valid",
                "inscription validee",
                "confirme",
                "confirmed",
            ],
            when: false,
            status: Status::Pending,
        },
        Flag {
            headers: &["brouillon", "draft"],
            when: true,
            status: Status::Pending,
        },
        Flag {
            headers: &[
                "annule",
                "annulee",
                "cancelled",
                "canceled",
                "rembourse",
                "refunded",
                "supprime",
                "deleted",
                "desinscrit",
            ],
            when: true,
            status: Status::Cancelled,
        },
        Flag {
            headers: &["paye", "payee", "paid"],
            when: false,
            status: Status::Pending,
        },
    ],
    statuses: &[],
    skip_filled: &[],
    platform: &[],
    leading_metadata: &[],
    rules: NO_RULES,
    qr: "la colonne « Code » (ou « Billet », « Code-barres »…) si le fichier en a une",
    export: "votre tableur : Fichier → Enregistrer sous → CSV (point-virgule) ou .xlsx",
};

pub static PROFILES: &[&Profile] = &[
    &PRETIX_POSITIONS,
    &PRETIX_ORDERS,
    &PRETIX_CHECKIN,
    &HELLOASSO,
    &HELLOASSO_2021,
    &HELLOASSO_MEMBERSHIP,
    &WEEZEVENT,
    &BILLETWEB,
    &EVENTBRITE,
    &INDICO,
    &MICROSOFT_FORMS,
    &GOOGLE_FORMS,
    &YURPLAN,
    &DEMARCHES_SIMPLIFIEES,
    &LIMESURVEY,
    &FRAMAFORMS,
    &GENERIC,
];

pub fn by_id(id: &str) -> Option<&'static Profile> {
    PROFILES.iter().copied().find(|p| p.id == id)
}

const PRETIX_STATUSES: &[(&str, Status)] = &[
    // Order::get_extended_status_display, en and fr (pretix 2026.8.0).
    ("paid", Status::Valid),
    ("paye", Status::Valid),
    ("pending confirmed", Status::Valid),
    ("en attente confirme", Status::Valid),
    ("pending", Status::Pending),
    ("en attente", Status::Pending),
    ("approval pending", Status::Pending),
    ("approbation en attente", Status::Pending),
    ("expired", Status::Cancelled),
    ("expire", Status::Cancelled),
    ("canceled", Status::Cancelled),
    ("annule", Status::Cancelled),
    ("canceled paid fee", Status::Cancelled),
    ("annule frais payes", Status::Cancelled),
    // de
    ("bezahlt", Status::Valid),
    ("ausstehend", Status::Pending),
    ("freigabe ausstehend", Status::Pending),
    ("abgelaufen", Status::Cancelled),
    ("storniert", Status::Cancelled),
];

const PRETIX_BLOCKED: &[Flag] = &[Flag {
    headers: &["bloque", "blocked", "gesperrt"],
    when: true,
    status: Status::Cancelled,
}];

const PRETIX_QR: &str = "le secret du billet (32 caractères), exactement";

/// pretix « Données de commande » (orderlist): the order positions, as a
/// CSV of that sheet or the « Position de commande » sheet of the workbook.
pub static PRETIX_POSITIONS: Profile = Profile {
    id: "pretix",
    label: "pretix — billets (données de commande)",
    signatures: &[
        &["code de commande", "id de la position", "secret du billet"],
        &["order code", "position id", "ticket secret"],
        &["bestellnummer", "ticket code"],
    ],
    attendees: true,
    columns: &[
        (
            Column::Code,
            &["secret du billet", "ticket secret", "ticket code"],
        ),
        (
            Column::FirstName,
            &[
                "nom du participant prenom",
                "attendee name given name",
                "name teilnehmer in vorname",
            ],
        ),
        (
            Column::LastName,
            &[
                "nom du participant nom de famille",
                "attendee name family name",
                "name teilnehmer in nachname",
            ],
        ),
        (
            Column::FullName,
            &["nom du participant", "attendee name", "name teilnehmer in"],
        ),
        (
            Column::Email,
            &[
                "e mail du participant",
                "attendee email",
                "e mail teilnehmer in",
            ],
        ),
        (
            Column::Organisation,
            &[
                "entreprise du participant",
                "attendee company",
                "teilnehmer innen firma",
            ],
        ),
        (Column::Category, &["produit", "product", "produkt"]),
        (Column::Status, &["statut", "status"]),
    ],
    flags: PRETIX_BLOCKED,
    statuses: PRETIX_STATUSES,
    skip_filled: &["add on a la position id", "add on to position id"],
    platform: &[
        "titre de l evenement",
        "nom de l evenement",
        "code de commande",
        "id de la position",
        "e mail",
        "numero de telephone",
        "date de commande",
        "heure de commande",
        "id produit",
        "variante",
        "id variant",
        "prix",
        "taux d imposition",
        "regle fiscale",
        "valeur fiscale",
        "adresse",
        "code postal",
        "ville",
        "pays",
        "etat",
        "bon",
        "utilisation du budget des bons",
        "code du bon",
        "id pseudonyme",
        "id du siege",
        "nom du siege",
        "zone du siege",
        "rangee de sieges",
        "valable depuis",
        "valable jusqu au",
        "commentaire de commande",
        "date de suivi",
        "adresse de facturation de l entreprise",
        "nom de l adresse de facturation",
        "nom de l adresse de facturation prenom",
        "nom de l adresse de facturation nom de famille",
        "adresse de facturation rue",
        "adresse de facturation code postal",
        "adresse de facturation ville",
        "adresse de facturation pays",
        "region de l adresse de facturation",
        "identifiant de tva",
        "canal de vente",
        "langue de la commande",
        "adresse e mail verifiee",
        "identifiant de commercant externe",
        "listes d enregistrement",
        "fournisseurs de paiement",
        "lien vers la commande",
        "event slug",
        "event name",
        "order code",
        "position id",
        "email",
        "phone number",
        "order date",
        "order time",
        "product id",
        "variation",
        "variation id",
        "price",
        "tax rate",
        "tax rule",
        "tax value",
        "address",
        "zip code",
        "city",
        "country",
        "state",
        "voucher",
        "voucher budget usage",
        "voucher tag",
        "pseudonymization id",
        "seat id",
        "seat name",
        "seat zone",
        "seat row",
        "seat number",
        "valid from",
        "valid until",
        "order comment",
        "follow up date",
        "invoice address company",
        "invoice address name",
        "invoice address name given name",
        "invoice address name family name",
        "invoice address street",
        "invoice address zip code",
        "invoice address city",
        "invoice address country",
        "invoice address state",
        "vat id",
        "sales channel",
        "order locale",
        "email address verified",
        "external customer id",
        "check in lists",
        "payment providers",
        "position order link",
    ],
    leading_metadata: &[],
    rules: NO_RULES,
    qr: PRETIX_QR,
    export: "pretix : Commandes → Exporter → « Données de commande » (Excel, ou CSV de la feuille des positions)",
};

/// The « Commandes » sheet of the same workbook: one row per order, the
/// buyer's name. Never the attendees.
pub static PRETIX_ORDERS: Profile = Profile {
    id: "pretix-orders",
    label: "pretix — commandes (acheteurs)",
    signatures: &[
        &["code de commande", "total de la commande"],
        &["order code", "order total"],
    ],
    attendees: false,
    columns: &[],
    flags: &[],
    statuses: &[],
    skip_filled: &[],
    platform: &[],
    leading_metadata: &[],
    rules: NO_RULES,
    qr: PRETIX_QR,
    export: "pretix : la feuille « Position de commande » (« Order positions ») du même classeur",
};

/// pretix « Liste d'enregistrement » (checkinlist), with « Include
/// QR-code secret » ticked. Lists only what the check-in list admits.
pub static PRETIX_CHECKIN: Profile = Profile {
    id: "pretix-checkin",
    label: "pretix — liste d'enregistrement",
    signatures: &[
        &["code de commande", "enregistrement effectue"],
        &["order code", "checked in", "automatically checked in"],
    ],
    attendees: true,
    columns: &[
        (Column::Code, &["secret"]),
        (
            Column::FirstName,
            &["nom du participant prenom", "attendee name given name"],
        ),
        (
            Column::LastName,
            &[
                "nom du participant nom de famille",
                "attendee name family name",
            ],
        ),
        (Column::FullName, &["nom du participant", "attendee name"]),
        // The position's e-mail, or the order's when it has none.
        (Column::Email, &["e mail", "email"]),
        (Column::Organisation, &["entreprise", "company"]),
        (Column::Category, &["produit", "product"]),
    ],
    flags: PRETIX_BLOCKED,
    statuses: PRETIX_STATUSES,
    skip_filled: &[],
    platform: &[
        "code de commande",
        "prix",
        "enregistrement effectue",
        "passe en caisse",
        "enregistrement automatique",
        "numero de telephone",
        "code du bon d achat",
        "date de commande",
        "heure de commande",
        "necessite une attention particuliere",
        "commentaire",
        "texte d enregistrement",
        "id du siege",
        "nom du siege",
        "zone du siege",
        "rangee de sieges",
        "valable depuis",
        "valable jusqu au",
        "adresse",
        "code postal",
        "ville",
        "pays",
        "etat",
        "order code",
        "price",
        "checked in",
        "checked out",
        "automatically checked in",
        "phone number",
        "voucher code",
        "order date",
        "order time",
        "requires special attention",
        "comment",
        "check in text",
        "seat id",
        "seat name",
        "seat zone",
        "seat row",
        "seat number",
        "valid from",
        "valid until",
        "address",
        "zip code",
        "city",
        "country",
        "state",
    ],
    leading_metadata: &[],
    rules: NO_RULES,
    qr: PRETIX_QR,
    export: "pretix : Enregistrement → Listes → la liste → Exporter, « Inclure le secret du QR code » coché",
};

const HELLOASSO_STATUSES: &[(&str, Status)] = &[
    ("valide", Status::Valid),
    ("en attente", Status::Pending),
    ("en cours", Status::Pending),
    ("rembourse", Status::Cancelled),
    ("annule", Status::Cancelled),
    ("refuse", Status::Cancelled),
    ("abandonne", Status::Cancelled),
    ("supprime", Status::Cancelled),
];

const HELLOASSO_QR: &str = "le billet HelloAsso porte son numéro (« Numéro de billet ») ; le contenu exact du QR n'est pas documenté : vérifiez un billet avec « Tester le lecteur »";

/// HelloAsso billetterie, current layout (« Référence commande; Date de la
/// commande; Statut de la commande; Nom participant; Prénom participant;
/// Nom payeur; … Billet; Numéro de billet; Tarif; … »). The payer's columns
/// are the buyer's: not read. The form's own questions follow, kept.
pub static HELLOASSO: Profile = Profile {
    id: "helloasso",
    label: "HelloAsso — billetterie",
    signatures: &[&[
        "reference commande",
        "nom participant",
        "prenom participant",
    ]],
    attendees: true,
    columns: &[
        (Column::Code, &["numero de billet"]),
        (Column::LastName, &["nom participant"]),
        (Column::FirstName, &["prenom participant"]),
        // No attendee e-mail in this export, unless the form asks for one.
        (
            Column::Email,
            &[
                "email participant",
                "e mail participant",
                "email",
                "e mail",
                "adresse email",
                "adresse e mail",
                "courriel",
            ],
        ),
        (Column::Organisation, ORGANISATION),
        (Column::Category, &["tarif"]),
        (Column::Status, &["statut de la commande"]),
    ],
    flags: &[],
    statuses: HELLOASSO_STATUSES,
    skip_filled: &[],
    platform: &[
        "reference commande",
        "date de la commande",
        "nom payeur",
        "prenom payeur",
        "email payeur",
        "raison sociale",
        "moyen de paiement",
        "billet",
        "montant tarif",
        "code promo",
        "montant code promo",
    ],
    leading_metadata: &[],
    rules: Rules {
        prefixes: &["champ additionnel"],
        ..NO_RULES
    },
    qr: HELLOASSO_QR,
    export: "HelloAsso : Billetterie → Participants → Exporter (CSV ou Excel)",
};

/// HelloAsso's earlier layout (« Numéro; Campagne; Formule; Montant …;
/// Statut; Moyen de paiement; Nom; Prénom; Société; Date; Email; …; Billet;
/// Nom acheteur; … »): « Billet » is the link to the PDF, not a code.
pub static HELLOASSO_2021: Profile = Profile {
    id: "helloasso-2021",
    label: "HelloAsso — billetterie (ancien export)",
    signatures: &[&["numero", "formule", "nom acheteur", "prenom acheteur"]],
    attendees: true,
    columns: &[
        (Column::Code, &["numero"]),
        (Column::LastName, &["nom"]),
        (Column::FirstName, &["prenom"]),
        (Column::Email, &["email"]),
        (Column::Organisation, &["societe"]),
        (Column::Category, &["formule"]),
        (Column::Status, &["statut"]),
    ],
    flags: &[],
    statuses: HELLOASSO_STATUSES,
    skip_filled: &[],
    platform: &[
        "campagne",
        "montant",
        "montant inscription",
        "montant adhesion",
        "code promo",
        "moyen de paiement",
        "date",
        "attestation",
        "recu",
        "numero de recu",
        "billet",
        "carte d adherent",
        "nom acheteur",
        "prenom acheteur",
        "adresse acheteur",
        "code postal acheteur",
        "ville acheteur",
        "pays acheteur",
    ],
    leading_metadata: &[],
    rules: NO_RULES,
    qr: HELLOASSO_QR,
    export: "HelloAsso (avant 2022) : Billetterie → Inscriptions → Exporter",
};

/// HelloAsso adhésions, used as a registration form: no tickets.
pub static HELLOASSO_MEMBERSHIP: Profile = Profile {
    id: "helloasso-adhesions",
    label: "HelloAsso — adhésions",
    signatures: &[&["reference commande", "nom adherent", "prenom adherent"]],
    attendees: true,
    columns: &[
        (Column::LastName, &["nom adherent"]),
        (Column::FirstName, &["prenom adherent"]),
        (Column::Email, &["email", "e mail", "courriel"]),
        (Column::Organisation, ORGANISATION),
        (Column::Category, &["tarif"]),
        (Column::Status, &["statut de la commande"]),
    ],
    flags: &[],
    statuses: HELLOASSO_STATUSES,
    skip_filled: &[],
    platform: &[
        "reference commande",
        "date de la commande",
        "nom payeur",
        "prenom payeur",
        "email payeur",
        "raison sociale",
        "moyen de paiement",
        "montant tarif",
        "code promo",
        "montant code promo",
        "carte d adherent",
    ],
    leading_metadata: &[],
    rules: NO_RULES,
    qr: "pas de billet : accueil imprime ses propres codes",
    export: "HelloAsso : Adhésions → Adhérents → Exporter",
};

/// Weezevent « Exporter les participants »: the ticket's barcode
/// (« Code-barres »), buyer and participant columns side by side, a
/// « Supprimé » Oui/Non column (support.weezevent.com: « Payés, Non payés,
/// Jamais composté, Supprimés »).
pub static WEEZEVENT: Profile = Profile {
    id: "weezevent",
    label: "Weezevent",
    signatures: &[
        &["code barres", "nom participant"],
        &["code barres", "nom acheteur"],
        &["code barre", "nom participant"],
    ],
    attendees: true,
    columns: &[
        (Column::Code, &["code barres", "code barre"]),
        (Column::LastName, &["nom participant", "nom"]),
        (Column::FirstName, &["prenom participant", "prenom"]),
        (
            Column::Email,
            &["email participant", "e mail participant", "email", "e mail"],
        ),
        (
            Column::Organisation,
            &[
                "societe participant",
                "societe",
                "entreprise",
                "structure",
                "organisation",
            ],
        ),
        (Column::Category, &["tarif"]),
        (Column::Status, &["statut du billet", "statut"]),
    ],
    flags: &[Flag {
        headers: &["supprime"],
        when: true,
        status: Status::Cancelled,
    }],
    statuses: &[
        ("paye", Status::Valid),
        ("payes", Status::Valid),
        ("non paye", Status::Pending),
        ("non payes", Status::Pending),
        ("reservation", Status::Pending),
        ("supprime", Status::Cancelled),
        ("supprimes", Status::Cancelled),
    ],
    skip_filled: &[],
    platform: &[
        "id",
        "typologie",
        "categorie famille",
        "compose",
        "composte",
        "date de commande",
        "heure de commande",
        "date de paiement",
        "heure de paiement",
        "n de commande",
        "n de commande avance",
        "n billet",
        "devise",
        "supprime",
        "origine",
        "tickets number",
        "origine marketing",
        "prix public",
        "total frais",
        "code reduction",
        "reduction",
        "ttc prix paye",
        "commission",
        "ttc prix sans commission",
        "ht prix paye",
        "taux taxe",
        "taxe",
        "taxe pour vos declarations fiscales",
        "nom acheteur",
        "prenom acheteur",
        "email acheteur",
        "mobile acheteur",
        "consentement",
        "consentement opt in rgpd",
        "langue acheteur",
        "facture societe",
        "facture n tva intracomm",
        "facture adresse",
        "facture code postal",
        "facture ville",
        "facture pays",
    ],
    leading_metadata: &[],
    rules: NO_RULES,
    qr: "le code-barres du billet (colonne « Code-barres »)",
    export: "Weezevent : Participants → Gérer les participants → Exporter",
};

/// Billetweb « Liste des participants » (Excel): one row per ticket.
pub static BILLETWEB: Profile = Profile {
    id: "billetweb",
    label: "Billetweb",
    signatures: &[
        &["billet", "commande", "paye", "utilise"],
        &["code barre", "commande", "paye"],
    ],
    attendees: true,
    columns: &[
        (
            Column::Code,
            &[
                "code barre",
                "code barres",
                "code",
                "numero de billet",
                "billet",
            ],
        ),
        (Column::LastName, &["nom"]),
        (Column::FirstName, &["prenom"]),
        (Column::Email, &["email", "e mail", "courriel"]),
        (Column::Organisation, ORGANISATION),
        (Column::Category, &["tarif", "categorie"]),
        (Column::Status, &["statut"]),
    ],
    flags: &[
        Flag {
            headers: &["annule", "rembourse", "desactive"],
            when: true,
            status: Status::Cancelled,
        },
        Flag {
            headers: &["paye"],
            when: false,
            status: Status::Pending,
        },
    ],
    statuses: &[],
    skip_filled: &[],
    platform: &[
        "commande",
        "date",
        "date de commande",
        "prix",
        "montant",
        "code promo",
        "moyen de paiement",
        "utilise",
        "date d utilisation",
        "acheteur",
        "nom acheteur",
        "prenom acheteur",
        "email acheteur",
        "paye",
        "seance",
    ],
    leading_metadata: &[],
    rules: NO_RULES,
    qr: "le numéro du billet (colonne « Billet » ou « Code barre »)",
    export: "Billetweb : l'événement → Participants → Exporter (Excel)",
};

/// Eventbrite « Attendee Summary » report (« Order #, Order Date, First
/// Name, Last Name, Email, Quantity, Price Tier, Ticket Type, Attendee #,
/// …, Attendee Status, …, Job Title, Company »). The barcode column is
/// there only when the report includes it.
pub static EVENTBRITE: Profile = Profile {
    id: "eventbrite",
    label: "Eventbrite — rapport des participants",
    signatures: &[&["order", "attendee", "attendee status"]],
    attendees: true,
    columns: &[
        (
            Column::Code,
            &["barcode", "barcode number", "ticket barcode"],
        ),
        (Column::FirstName, &["first name"]),
        (Column::LastName, &["last name"]),
        (Column::Email, &["email"]),
        (Column::Organisation, &["company"]),
        (Column::Category, &["ticket type"]),
        (Column::Status, &["attendee status"]),
    ],
    flags: &[],
    // help: « Glossary of order and attendee statuses in event reports ».
    statuses: &[
        ("attending", Status::Valid),
        ("checked in", Status::Valid),
        ("not attending", Status::Cancelled),
        ("deleted", Status::Cancelled),
        ("transferred", Status::Cancelled),
        ("refunded", Status::Cancelled),
        ("unpaid", Status::Pending),
    ],
    skip_filled: &[],
    platform: &[
        "order",
        "order date",
        "quantity",
        "price tier",
        "attendee",
        "group",
        "order type",
        "currency",
        "total paid",
        "fees paid",
        "eventbrite fees",
        "eventbrite payment processing",
        "home address 1",
        "home address 2",
        "home city",
        "home state",
        "home zip",
        "home country",
        "buyer first name",
        "buyer last name",
        "buyer email",
    ],
    leading_metadata: &[],
    rules: NO_RULES,
    qr: "le code-barres du billet (colonne « Barcode # », 16 à 23 chiffres)",
    export: "Eventbrite : Rapports → Participants (« Attendee Summary ») → Exporter en CSV, colonne « Barcode # » comprise",
};

/// Indico registrants export (« ID, Name », the form's fields — « First
/// Name », « Last Name », « Email Address », « Affiliation »… — then the
/// chosen static columns such as « Registration state »).
pub static INDICO: Profile = Profile {
    id: "indico",
    label: "Indico — inscriptions",
    signatures: &[&["id", "name", "first name", "last name", "email address"]],
    attendees: true,
    columns: &[
        (Column::FirstName, &["first name"]),
        (Column::LastName, &["last name"]),
        (Column::Email, &["email address"]),
        (Column::Organisation, &["affiliation"]),
        (Column::Status, &["registration state"]),
    ],
    flags: &[],
    // RegistrationState titles.
    statuses: &[
        ("completed", Status::Valid),
        ("complete", Status::Valid),
        ("pending", Status::Pending),
        ("unpaid", Status::Pending),
        ("awaiting payment", Status::Pending),
        ("rejected", Status::Cancelled),
        ("withdrawn", Status::Cancelled),
    ],
    skip_filled: &[],
    platform: &[
        "id",
        "name",
        "title",
        "registration date",
        "modification date",
        "created by",
        "price",
        "checked in",
        "check in date",
        "payment date",
        "tags",
    ],
    leading_metadata: &[],
    rules: NO_RULES,
    qr: "un JSON avec le secret d'enregistrement, absent de l'export : les QR codes Indico ne correspondront pas",
    export: "Indico : Inscriptions → la liste → Exporter (CSV ou Excel)",
};

/// Microsoft Forms « Ouvrir dans Excel »: « ID, Heure de début, Heure de
/// fin, Adresse de messagerie, Nom » (the respondent's account) before the
/// questions.
pub static MICROSOFT_FORMS: Profile = Profile {
    id: "microsoft-forms",
    label: "Microsoft Forms",
    signatures: &[
        &["id", "heure de debut", "heure de fin"],
        &["id", "start time", "completion time"],
    ],
    attendees: true,
    columns: &[
        (Column::LastName, NAME_LAST),
        (Column::FirstName, NAME_FIRST),
        (Column::FullName, FULL_NAME),
        (
            Column::Email,
            &[
                "adresse e mail",
                "adresse email",
                "adresse mail",
                "courriel",
                "e mail",
                "email address",
                "votre adresse e mail",
                "adresse de messagerie",
                "email",
            ],
        ),
        (Column::Organisation, ORGANISATION),
        (
            Column::Category,
            &["categorie", "profil", "vous etes", "type d inscription"],
        ),
    ],
    flags: &[],
    statuses: &[],
    skip_filled: &[],
    platform: &[
        "id",
        "heure de debut",
        "heure de fin",
        "heure de la derniere modification",
        "start time",
        "completion time",
        "last modified time",
        "total points",
        "quiz feedback",
        "total des points",
        "commentaires sur le questionnaire",
    ],
    leading_metadata: &["nom", "name"],
    rules: NO_RULES,
    qr: "pas de billet : accueil imprime ses propres codes",
    export: "Microsoft Forms : Réponses → Ouvrir dans Excel",
};

/// Google Forms responses (French: « Horodateur », « Adresse e-mail »),
/// from the linked Sheet (Fichier → Télécharger) or the form itself.
pub static GOOGLE_FORMS: Profile = Profile {
    id: "google-forms",
    label: "Google Forms",
    signatures: &[&["horodateur"], &["timestamp", "email address"]],
    attendees: true,
    columns: FORM_COLUMNS,
    flags: &[],
    statuses: &[],
    skip_filled: &[],
    platform: &["horodateur", "timestamp", "score"],
    leading_metadata: &[],
    rules: NO_RULES,
    qr: "pas de billet : accueil imprime ses propres codes",
    export: "Google Forms : Réponses → Télécharger les réponses (.csv), ou la feuille liée → Fichier → Télécharger",
};

/// Yurplan: order numbers start with « YPT » (aide-organisateur.yurplan.com,
/// « Gérer les commandes »); recognised by those values.
pub static YURPLAN: Profile = Profile {
    id: "yurplan",
    label: "Yurplan",
    signatures: &[],
    attendees: true,
    columns: &[
        (
            Column::Code,
            &[
                "code barre",
                "code barres",
                "numero de billet",
                "n de billet",
                "n billet",
                "billet",
            ],
        ),
        (
            Column::LastName,
            &["nom", "nom du participant", "nom participant"],
        ),
        (
            Column::FirstName,
            &["prenom", "prenom du participant", "prenom participant"],
        ),
        (
            Column::Email,
            &["email", "e mail", "email du participant", "adresse email"],
        ),
        (Column::Organisation, ORGANISATION),
        (Column::Category, &["tarif", "type de billet"]),
        (Column::Status, &["statut", "statut du billet"]),
    ],
    flags: &[],
    statuses: &[],
    skip_filled: &[],
    platform: &[],
    leading_metadata: &[],
    rules: NO_RULES,
    qr: "le numéro du billet",
    export: "Yurplan : Gestion → Participants → Exporter",
};

/// The columns where Yurplan order numbers (« YPT… ») are looked for.
pub const YURPLAN_ORDER: Headers = &[
    "commande",
    "n de commande",
    "numero de commande",
    "reference",
];

/// Démarches Simplifiées, « Télécharger les dossiers » (CSV, or XLSX
/// whose first sheet is « Dossiers »). Its own test suite
/// (`spec/services/procedure_export_service_spec.rb`) writes: « ID; Email;
/// FranceConnect ?; Civilité; Nom; Prénom; Dépôt pour un tiers; Nom du
/// mandataire; Prénom du mandataire; Archivé; État du dossier; Dernière
/// mise à jour le; Dernière mise à jour du dossier le; Déposé le; Passé en
/// instruction le; Traité le; Motivation de la décision; Instructeurs »,
/// then one column per champ titled by its libellé. A file « déposé pour
/// un tiers » names the attendee in Nom/Prénom, but its Email is the
/// filer's account: left empty. The champ that carries the category (or
/// the organisation) is named in `[import.columns]` when its title is not
/// one accueil knows.
pub static DEMARCHES_SIMPLIFIEES: Profile = Profile {
    id: "demarches-simplifiees",
    label: "Démarches Simplifiées — dossiers",
    signatures: &[
        &["etat du dossier", "depose le"],
        &["etat du dossier", "passe en instruction le"],
    ],
    attendees: true,
    columns: &[
        (Column::LastName, &["nom"]),
        (Column::FirstName, &["prenom"]),
        (Column::Email, &["email"]),
        (
            Column::Organisation,
            &[
                "entreprise raison sociale",
                "association titre",
                "organisation",
                "structure",
                "organisme",
                "collectivite",
                "administration",
                "etablissement",
                "employeur",
                "ministere",
                "service",
            ],
        ),
        (
            Column::Category,
            &[
                "categorie",
                "profil",
                "vous etes",
                "vous participez en tant que",
                "type de participant",
                "type d inscription",
                "qualite",
            ],
        ),
        (Column::Status, &["etat du dossier"]),
    ],
    flags: &[],
    statuses: &[
        ("accepte", Status::Valid),
        ("en construction", Status::Pending),
        ("en instruction", Status::Pending),
        ("refuse", Status::Cancelled),
        ("classe sans suite", Status::Cancelled),
        ("sans suite", Status::Cancelled),
        ("brouillon", Status::Cancelled),
    ],
    skip_filled: &[],
    platform: &[
        "id",
        "n dossier",
        "franceconnect",
        "civilite",
        "depot pour un tiers",
        "nom du mandataire",
        "prenom du mandataire",
        "archive",
        "derniere mise a jour le",
        "derniere mise a jour du dossier le",
        "depose le",
        "passe en instruction le",
        "traite le",
        "motivation de la decision",
        "instructeurs",
        "groupe instructeur",
        "date de naissance",
    ],
    leading_metadata: &[],
    rules: Rules {
        filed_for: Some((&["depot pour un tiers"], &[Column::Email])),
        ..NO_RULES
    },
    qr: "pas de billet : accueil imprime ses propres codes",
    export: "Démarches Simplifiées : la démarche → Dossiers → Télécharger tous les dossiers (.csv ou .xlsx)",
};

/// LimeSurvey, « Réponses → Exporter → Exporter les réponses » (CSV or
/// Excel). Its first columns are the response's own: with « Question
/// code » headings `id, submitdate, lastpage, startlanguage, seed,
/// startdate, datestamp` (never translated); with « Full question text »
/// headings « Response ID, Date submitted, Last page, Start language… »
/// (in French « ID de la réponse, Date de soumission, Dernière page,
/// Langue de départ… »). An incomplete response has no `submitdate`: it
/// is pending. Questions are titled by their code (`nom`, `Q01`…) or
/// text; a code accueil does not know is named in `[import.columns]`.
pub static LIMESURVEY: Profile = Profile {
    id: "limesurvey",
    label: "LimeSurvey — réponses",
    signatures: &[
        &["submitdate", "lastpage", "startlanguage"],
        &["date submitted", "last page", "start language"],
        &["date de soumission", "derniere page", "langue de depart"],
    ],
    attendees: true,
    columns: FORM_COLUMNS,
    flags: &[],
    statuses: &[],
    skip_filled: &[],
    platform: &[
        "id",
        "response id",
        "id de la reponse",
        "submitdate",
        "date submitted",
        "date de soumission",
        "lastpage",
        "last page",
        "derniere page",
        "startlanguage",
        "start language",
        "langue de depart",
        "seed",
        "startdate",
        "date started",
        "date de debut",
        "datestamp",
        "date last action",
        "date de la derniere action",
        "ipaddr",
        "ip address",
        "adresse ip",
        "refurl",
        "referrer url",
        "url referente",
        "token",
        "interviewtime",
        "total time",
    ],
    leading_metadata: &[],
    rules: Rules {
        incomplete_when_empty: &["submitdate", "date submitted", "date de soumission"],
        ..NO_RULES
    },
    qr: "pas de billet : accueil imprime ses propres codes",
    export: "LimeSurvey : le questionnaire → Réponses → Exporter → Exporter les réponses (CSV)",
};

/// Framaforms (Drupal's Webform 7.x), « Résultats → Téléchargement »: three
/// header lines — the form's title, « Submission Details » (or its
/// translation), then « Serial; SID; Time; Draft; IP Address; UID;
/// Username » and the questions (`webform_results_download_headers()`,
/// `includes/webform.report.inc`). `Draft` is 1 for an answer saved but
/// never sent: pending.
pub static FRAMAFORMS: Profile = Profile {
    id: "framaforms",
    label: "Framaforms (Drupal Webform)",
    signatures: &[
        &["sid", "draft", "ip address"],
        &["sid", "brouillon", "adresse ip"],
    ],
    attendees: true,
    columns: FORM_COLUMNS,
    flags: &[Flag {
        headers: &["draft", "brouillon"],
        when: true,
        status: Status::Pending,
    }],
    statuses: &[],
    skip_filled: &[],
    platform: &[
        "serial",
        "numero de serie",
        "sid",
        "time",
        "heure",
        "date",
        "ip address",
        "adresse ip",
        "uid",
        "username",
        "nom d utilisateur",
    ],
    leading_metadata: &[],
    rules: NO_RULES,
    qr: "pas de billet : accueil imprime ses propres codes",
    export: "Framaforms : le formulaire → Résultats → Téléchargement (CSV)",
};

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::text::sort_key;

    #[test]
    fn every_header_is_written_folded() {
        let check = |h: &str| assert_eq!(sort_key(h), h, "{h}");
        for p in PROFILES {
            for set in p.signatures {
                set.iter().for_each(|h| check(h));
            }
            for (_, hs) in p.columns {
                hs.iter().for_each(|h| check(h));
            }
            p.platform.iter().for_each(|h| check(h));
            p.skip_filled.iter().for_each(|h| check(h));
            p.leading_metadata.iter().for_each(|h| check(h));
            for f in p.flags {
                f.headers.iter().for_each(|h| check(h));
            }
            for (s, _) in p.statuses {
                check(s);
            }
            p.rules.incomplete_when_empty.iter().for_each(|h| check(h));
            p.rules.prefixes.iter().for_each(|h| check(h));
            if let Some((hs, _)) = p.rules.filed_for {
                hs.iter().for_each(|h| check(h));
            }
        }
    }

    #[test]
    fn ids_are_unique() {
        let mut ids: Vec<&str> = PROFILES.iter().map(|p| p.id).collect();
        ids.sort_unstable();
        ids.dedup();
        assert_eq!(ids.len(), PROFILES.len());
    }
}
