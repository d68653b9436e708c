//! The desk's behaviour, without Slint: which page is up, what Enter in the
//! field does, what a search may show at a self-service kiosk, what a PIN
//! attempt gives, where Cancel on a form goes back to. Each of the window's
//! callbacks is an [`Intent`]; [`Desk::update`] carries it out and says
//! what to show ([`Effect`]s), which the adapters render (`ui::dispatch`).
//! The page is written in one place ([`Desk::go`]), and every rule here is
//! unit-tested without a window.

use std::time::{Duration, Instant};

use accueil_core::app::{AppError, CheckIn, Kiosk, Lookup, PinVerdict, UndoOutcome};
use accueil_core::config::{Language, Mode};
use accueil_core::domain::{DaySpec, Outcome};
use accueil_core::domain::{Registrant, privacy};

/// Results shown for a query at a staffed desk: enough to find someone,
/// few enough to read.
pub(crate) const RESULTS: usize = 8;

/// The page on screen (the view's `Page`, mirrored by the adapters).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(crate) enum Page {
    #[default]
    Home,
    Confirm,
    Result,
    WalkIn,
    Edit,
    Pin,
    Scanner,
    /// « Vérifier la borne »: the checks of `accueil doctor`.
    Doctor,
}

/// What the list under the field says besides the names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Hint {
    None,
    /// No exact match: close spellings.
    Approximate,
    NoMatch,
    /// Self-service: a word of 3 letters first.
    MinLetters,
    /// Self-service: more people than it lists.
    TooMany,
    /// Self-service: people listed under the same name — the attendee
    /// picks theirs by the organisation shown beside it.
    Namesakes,
    /// Self-service: searches or people shown too fast.
    SlowDown,
    Error,
}

/// What the home list shows for a text.
#[derive(Debug)]
pub(crate) struct Listing {
    pub people: Vec<Registrant>,
    pub hint: Hint,
    /// The error's words, for [`Hint::Error`].
    pub detail: String,
}

/// What Enter in the field does.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Enter {
    /// Nothing typed.
    Nothing,
    /// A ticket (or nothing anyone holds, reported as such): check in.
    CheckIn(String),
    /// A name: the first one listed, to confirm.
    Confirm(i64),
}

/// What a PIN attempt shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum PinShown {
    /// Staff mode: back to an empty home screen.
    Unlocked,
    Wrong,
    /// Wrong; the next attempt waits this many seconds.
    WrongWait(i32),
    /// Not even tried: wait this many seconds.
    Wait(i32),
    /// A ticket scanned (or typed) on the PIN page: not a PIN, never
    /// counted as a wrong one — it is scanned at the home screen.
    Ticket,
    /// Enter with nothing typed: nothing tried.
    Nothing,
}

/// What the result page says.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Said {
    /// A check-in's outcome, as decided (a self-service screen only ever
    /// says `Welcome` this way).
    CheckedIn(Outcome),
    Undone,
    Edited,
    /// Self-service: anything but a welcome.
    SeeDesk,
    Error,
}

/// The result page: what happened, to whom, and the details staff see.
#[derive(Debug, Clone)]
pub(crate) struct Shown {
    pub said: Said,
    pub person: Option<Registrant>,
    /// `already_in`: when and where they arrived (« 08:42 », the kiosk).
    pub time: String,
    pub at_kiosk: String,
    /// `not_today`: the day checked (« 28/09 »).
    pub date: String,
    /// How the scan was read: "" (as typed), "mixed" (with the mix-up's
    /// scanner and host layouts), "mixed-several" (several mix-ups read it
    /// alike) or "ambiguous".
    pub scan_note: &'static str,
    pub scan_layouts: Option<(&'static str, &'static str)>,
    /// An unknown ticket: what the scanner (or staff) typed, invisible
    /// characters written out (staff only).
    pub read: String,
    /// An unknown ticket several people's could be: staff choose.
    pub choices: usize,
    /// The error's words (staff only).
    pub error: String,
    /// This kiosk's clock says another day than the hub's: the hub's day,
    /// for staff to confirm (0: none).
    pub clock_day: i32,
    /// A welcome: the badge is to be queued.
    pub badge: bool,
    /// A badge station's badge, already queued (or why not).
    pub queued: Option<Box<Result<accueil_core::app::JobView, String>>>,
}

impl Shown {
    /// The door's sound for it: a welcome, a refusal (whatever keeps the
    /// person out), or none (an undo, a fix: staff's own gestures).
    pub fn cue(&self) -> Option<crate::sound::Cue> {
        use crate::sound::Cue;
        match self.said {
            Said::CheckedIn(Outcome::Welcome) => Some(Cue::Success),
            Said::CheckedIn(_) | Said::SeeDesk | Said::Error => Some(Cue::Refusal),
            Said::Undone | Said::Edited => None,
        }
    }
}

impl Shown {
    fn of(said: Said) -> Shown {
        Shown {
            said,
            person: None,
            time: String::new(),
            at_kiosk: String::new(),
            date: String::new(),
            scan_note: "",
            scan_layouts: None,
            read: String::new(),
            choices: 0,
            error: String::new(),
            clock_day: 0,
            badge: false,
            queued: None,
        }
    }
}

/// An unknown ticket staff were shown.
#[derive(Debug, Clone)]
struct Unknown {
    read: String,
    /// The people an ambiguous scan could be.
    choices: Vec<Registrant>,
}

/// Where Cancel on the edit form goes back to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Back {
    Result,
    /// The confirmation card of this person.
    Confirm(i64),
}

/// What a saved fix leads to.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Saved {
    /// The confirmation card of this person, fixed.
    Confirm(i64),
    /// The result page: the fixed name, its badge reprinted.
    Reprint(Registrant),
}

/// The edit form's subject.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Editing {
    pub registrant: i64,
    /// Opened from the result screen: saving reprints the badge.
    pub reprint: bool,
}

/// What the window asks of the desk: one per callback, whatever the view.
#[derive(Debug, Clone)]
pub(crate) enum Intent {
    /// The field's text, as typed so far (a scanner's keys too).
    Typed(String),
    /// Enter in the field.
    Submitted(String),
    /// A key of the on-screen keyboard, and the field's text before it.
    Key(String, KeyTap),
    /// A key of the on-screen keyboard on a form: the box it types into
    /// (the last one that had the focus) and that box's text before it.
    FormKey(Entry, String, KeyTap),
    /// A box of the form took the focus, holding this text.
    FormFocus(Entry, String),
    /// A name tapped in the list: its confirmation card.
    Chosen(i64),
    /// « Confirmer » on the card of this person.
    Confirm(i64),
    /// Staff confirm the hub's day for the check-in held.
    ConfirmDay(i32),
    /// « Annuler l'arrivée » on the result page (once confirmed there).
    Undo,
    /// « Réimprimer » on the result page, with the reason's code.
    Reprint(String),
    /// « Corriger » on the card of this person.
    EditFromCard(i64),
    /// « Corriger le nom » on the result page: saving reprints.
    EditFromResult,
    CancelEdit,
    SaveEdit(accueil_core::domain::DetailsPatch),
    /// « Rechercher » on an unknown ticket's page: the home list for what
    /// was read — or the people an ambiguous scan could be, to choose.
    SearchUnknown,
    OpenWalkIn,
    WalkIn(accueil_core::domain::Details),
    OpenPin,
    Pin(String),
    Lock,
    OpenScanner,
    /// « Vérifier la borne », or « Revérifier » on its page.
    OpenDoctor,
    /// What a scanner typed on the scanner test page.
    TestScan(String),
    SwitchLanguage,
    /// The sync thread took the hub's new event configuration.
    HubConfig,
    /// Nobody touched the screen for a while.
    Idle,
    /// Cancel, dismissal, close: back to an empty home page.
    Home,
}

/// A key of the on-screen keyboard.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum KeyTap {
    /// A letter, an accent, a space, a hyphen or an apostrophe.
    Char(char),
    /// The last character off.
    Erase,
    /// « Valider »: Enter.
    Enter,
    /// « Maj »: the next letter in the other case than the one the
    /// keyboard was about to type.
    Shift,
}

/// One of a form's text boxes (the view's `Entry`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Entry {
    FirstName,
    LastName,
    Organisation,
    Email,
}

impl Entry {
    /// Whether a letter typed after `before` takes a capital of its own
    /// accord: the first one of a name or an organisation, and the one
    /// after a hyphen in a name (« Marie-Hélène », « Lefèvre-Durand »).
    /// Not after a space (« de La Tour »), never in an e-mail address.
    pub fn capital_after(self, before: &str) -> bool {
        match self {
            Entry::Email => false,
            Entry::Organisation => before.is_empty(),
            Entry::FirstName | Entry::LastName => before.is_empty() || before.ends_with('-'),
        }
    }
}

/// Characters the on-screen keyboard writes into one box or the home
/// field: more than any name, organisation or address needs (the form
/// refuses more than [`accueil_core::domain::TEXT_MAX`] anyway).
pub(crate) const TYPED_MAX: usize = accueil_core::domain::TEXT_MAX;

/// Which form a refusal is shown on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Form {
    WalkIn,
    Edit,
}

/// What the window shows after an intent, in order; then the page the
/// desk has up.
#[derive(Debug)]
pub(crate) enum Effect {
    /// An empty field, nothing listed, armed for the next scan.
    Cleared,
    /// The field's text, as the on-screen keyboard made it.
    Query(String),
    /// A form's box, as the on-screen keyboard made it.
    FormText(Form, Entry, String),
    /// Whether the keyboard's letters are capitals now (what the next tap
    /// types).
    Capitals(bool),
    Listing(Listing),
    /// The confirmation card of this person.
    Card(Registrant),
    Result(Shown),
    /// A badge queued for the result page (or why it was not).
    Job(Result<accueil_core::app::JobView, String>),
    /// The undo was not made: why, on the result page.
    UndoRefused(String),
    /// The edit form on someone's details (`reprint`: from the result page).
    EditForm(Registrant, bool),
    /// An empty walk-in form.
    WalkInForm,
    /// A form's entry refused: the form stays, with why.
    Refused(Form, AppError),
    /// An empty PIN field.
    PinForm,
    Pin(PinShown),
    /// The scanner test, ready.
    ScannerForm,
    /// The checks to run (off the UI thread), their page up meanwhile.
    RunDoctor,
    Scan(Result<accueil_core::app::ScanTest, String>),
    /// Staff or self-service: the window's buttons follow.
    Mode,
    Language(Language),
    /// Arrivals changed: the status bar recounts, the hub hears soon.
    Recount,
    /// The event changed (the hub's configuration): its name, categories
    /// and colour on screen.
    Event,
    /// The focus back in the field (the page and what is typed stay).
    Armed,
    /// The field emptied and armed for the next scan (the page stays).
    NextScan,
}

/// Why a badge was printed again, as the print log records it.
pub(crate) fn reprint_reason(code: &str) -> &'static str {
    match code {
        "lost" => "réimpression : badge perdu",
        "damaged" => "réimpression : badge abîmé",
        "misprint" => "réimpression : mal imprimé",
        "name-fixed" => "réimpression : nom corrigé",
        _ => "réimpression",
    }
}

/// What the desk holds between callbacks.
pub(crate) struct Desk {
    pub kiosk: Kiosk,
    /// The page on screen; written by [`Desk::go`] only.
    page: Page,
    /// Local ids of the people listed on the home screen, in order.
    pub listed: Vec<i64>,
    /// What was typed when they were listed.
    pub listed_for: String,
    /// The unknown ticket on the result page (staff): what « Rechercher »
    /// looks for.
    unknown: Option<Unknown>,
    /// Whom the result screen is about, for undo and reprint.
    pub last: Option<uuid::Uuid>,
    /// A check-in held because this kiosk's clock says another day than
    /// the hub's: whom, for staff to confirm the hub's day.
    pub held: Option<Lookup>,
    /// Wakes the print worker (absent in tests: jobs then stay queued).
    pub printer: Option<accueil_core::app::Worker>,
    /// Wakes the worker that counts today's arrivals for the status bar
    /// (absent in tests: the UI thread counts).
    pub counter: Option<accueil_core::app::Worker>,
    /// Wakes the sync worker after a check-in, so other kiosks and the
    /// organisers' page see it within a second (absent without a hub).
    pub syncer: Option<accueil_core::app::Worker>,
    /// Tones for welcomes and refusals (`[kiosk] sound`; off in tests).
    pub sound: bool,
    /// Who is at the screen now (staff can unlock a self-service kiosk).
    pub mode: Mode,
    /// Self-service searches and the people they showed, so that a script
    /// cannot list the event.
    pub searches: privacy::SearchThrottle,
    pub revealed: privacy::RevealBudget,
    /// The language on screen now.
    pub language: Language,
    /// Whose details the edit form is fixing, and whether saving reprints.
    pub editing: Option<Editing>,
    /// « Maj » tapped: the next letter on a form in the other case.
    shift: bool,
}

impl Desk {
    /// A desk on a kiosk, as configured, on an empty home page.
    pub fn new(kiosk: Kiosk) -> Desk {
        Desk {
            mode: kiosk.config.kiosk.mode,
            language: kiosk.config.kiosk.language,
            kiosk,
            page: Page::Home,
            listed: Vec::new(),
            listed_for: String::new(),
            unknown: None,
            last: None,
            held: None,
            printer: None,
            sound: false,
            counter: None,
            syncer: None,
            searches: Default::default(),
            revealed: Default::default(),
            editing: None,
            shift: false,
        }
    }

    /// The one way in: what an intent does, and what the window is to
    /// show of it. A table of one arm per intent, kept whole so that every
    /// gesture the desk answers reads on one page (as halloy's and Slint's
    /// examples do); an arm longer than a few lines is a method below.
    pub fn update(&mut self, intent: Intent, now: Instant) -> Vec<Effect> {
        use Effect as E;
        match intent {
            Intent::Typed(text) => vec![E::Listing(self.search(&text, now))],
            Intent::Key(before, tap) => self.home_key(before, tap, now),
            Intent::FormKey(entry, before, tap) => self.form_key(entry, before, tap),
            Intent::FormFocus(entry, text) => {
                self.shift = false;
                vec![E::Capitals(entry.capital_after(&text))]
            }
            Intent::Submitted(text) => self.submitted(&text, now),
            Intent::Chosen(id) => self.card(id).into_iter().collect(),
            Intent::Confirm(id) => {
                let shown = self.check_in(Lookup::Id(id), None);
                self.after_check_in(shown)
            }
            Intent::ConfirmDay(day) => match self.confirm_day(day) {
                Some(shown) => self.after_check_in(shown),
                None => Vec::new(),
            },
            Intent::Undo => match self.undo() {
                Some(Ok(shown)) => vec![E::Result(shown), E::Recount],
                Some(Err(why)) => vec![E::UndoRefused(why), E::Recount],
                None => Vec::new(),
            },
            Intent::Reprint(reason) => match self.last {
                Some(uid) => vec![self.badge(uid, Some(reprint_reason(&reason)))],
                None => Vec::new(),
            },
            Intent::EditFromCard(id) => self.edit_form(Lookup::Id(id), false),
            Intent::EditFromResult => match self.last {
                Some(uid) => self.edit_form(Lookup::Uid(uid), true),
                None => Vec::new(),
            },
            Intent::CancelEdit => match self.cancel_edit() {
                Some(Back::Result) => vec![E::Armed],
                Some(Back::Confirm(id)) => self.card(id).into_iter().collect(),
                None => Vec::new(),
            },
            Intent::SaveEdit(patch) => match self.save_edit(patch) {
                Some(Ok(Saved::Reprint(r))) => {
                    let shown = self.fixed(&r);
                    let job = self.badge(r.uid, Some(reprint_reason("name-fixed")));
                    vec![E::Result(shown), job, E::NextScan]
                }
                Some(Ok(Saved::Confirm(id))) => self.card(id).into_iter().collect(),
                Some(Err(e)) => vec![E::Refused(Form::Edit, e)],
                None => Vec::new(),
            },
            Intent::SearchUnknown => match self.unknown.take() {
                Some(unknown) if !self.self_service() => {
                    let listing = self.unknown_listing(unknown, now);
                    vec![E::Query(self.listed_for.clone()), E::Listing(listing)]
                }
                _ => Vec::new(),
            },
            Intent::OpenWalkIn if self.self_service() => Vec::new(),
            Intent::OpenWalkIn => {
                self.go(Page::WalkIn);
                vec![E::WalkInForm]
            }
            Intent::WalkIn(details) => match self.walk_in(details) {
                Some(Ok(shown)) => self.after_check_in(shown),
                Some(Err(e)) => vec![E::Refused(Form::WalkIn, e)],
                None => Vec::new(),
            },
            Intent::OpenPin => {
                // Whatever the attendee typed goes before staff step in.
                self.home();
                self.go(Page::Pin);
                vec![E::Cleared, E::PinForm]
            }
            Intent::Pin(typed) => match self.pin(&typed) {
                PinShown::Unlocked => vec![E::Mode, E::Cleared],
                shown => vec![E::Pin(shown)],
            },
            Intent::Lock => {
                self.lock();
                vec![E::Mode, E::Cleared]
            }
            Intent::OpenScanner => {
                self.go(Page::Scanner);
                vec![E::ScannerForm]
            }
            // Staff's: the checks name files, the hub and the printer.
            Intent::OpenDoctor if self.self_service() => Vec::new(),
            Intent::OpenDoctor => {
                self.go(Page::Doctor);
                vec![E::RunDoctor]
            }
            Intent::TestScan(read) => {
                vec![E::Scan(
                    self.kiosk.test_scan(&read).map_err(|e| e.to_string()),
                )]
            }
            Intent::SwitchLanguage => {
                self.language = self.language.other();
                vec![E::Language(self.language), E::Armed]
            }
            Intent::HubConfig => match self.kiosk.reload_hub_config() {
                Ok(true) => vec![E::Event, E::Recount],
                Ok(false) => Vec::new(),
                Err(e) => {
                    tracing::warn!("{e}");
                    Vec::new()
                }
            },
            Intent::Idle => {
                self.language = self.idle();
                vec![E::Language(self.language), E::Cleared]
            }
            Intent::Home => {
                self.home();
                vec![E::Cleared]
            }
        }
    }

    /// A key tapped on the home screen's keyboard: the field's new text and
    /// the list for it; Enter submits.
    fn home_key(&mut self, before: String, tap: KeyTap, now: Instant) -> Vec<Effect> {
        let mut text = before;
        match tap {
            KeyTap::Char(_) if text.chars().count() >= TYPED_MAX => return Vec::new(),
            KeyTap::Char(c) => text.push(c),
            KeyTap::Erase => {
                text.pop();
            }
            KeyTap::Enter => return self.update(Intent::Submitted(text), now),
            // The search ignores case.
            KeyTap::Shift => return Vec::new(),
        }
        vec![
            Effect::Query(text.clone()),
            Effect::Listing(self.search(&text, now)),
        ]
    }

    /// Enter in the home field: a scanned code checks in, a name that
    /// designates one person opens their card, and the list follows.
    fn submitted(&mut self, text: &str, now: Instant) -> Vec<Effect> {
        let (enter, listing) = self.enter(text, now);
        let mut effects: Vec<Effect> = listing.map(Effect::Listing).into_iter().collect();
        match enter {
            Enter::Nothing => {}
            Enter::CheckIn(code) => {
                let shown = self.check_in(Lookup::Code(code), None);
                effects.extend(self.after_check_in(shown));
            }
            Enter::Confirm(id) => effects.extend(self.card(id)),
        }
        effects
    }

    /// A key tapped on a form's keyboard: the box's new text and the case
    /// of the next letter. Enter is the view's (it moves to the next box).
    fn form_key(&mut self, entry: Entry, before: String, tap: KeyTap) -> Vec<Effect> {
        let form = match self.page {
            Page::WalkIn => Form::WalkIn,
            Page::Edit => Form::Edit,
            _ => return Vec::new(),
        };
        let mut text = before;
        match tap {
            KeyTap::Char(_) if text.chars().count() >= TYPED_MAX => return Vec::new(),
            KeyTap::Char(c) => {
                if entry.capital_after(&text) != self.shift {
                    text.extend(c.to_uppercase());
                } else {
                    text.push(c);
                }
                // « Maj » holds until a letter uses it (Maj, then « - »,
                // then « a » still gives « -A »).
                if c.is_alphabetic() {
                    self.shift = false;
                }
            }
            KeyTap::Erase => {
                text.pop();
            }
            KeyTap::Shift => {
                self.shift = !self.shift;
                return vec![Effect::Capitals(entry.capital_after(&text) != self.shift)];
            }
            KeyTap::Enter => return Vec::new(),
        }
        let capitals = entry.capital_after(&text) != self.shift;
        vec![
            Effect::FormText(form, entry, text),
            Effect::Capitals(capitals),
        ]
    }

    /// The confirmation card of someone (nothing if they are gone).
    fn card(&mut self, id: i64) -> Option<Effect> {
        let r = self.kiosk.registrant(&Lookup::Id(id)).ok().flatten()?;
        self.go(Page::Confirm);
        Some(Effect::Card(r))
    }

    /// The outcome on screen, the badge queued for a welcome, the status
    /// bar recounted, the field ready for the next scan.
    fn after_check_in(&mut self, mut shown: Shown) -> Vec<Effect> {
        let badge = match (shown.badge, &shown.person) {
            (true, Some(r)) => Some(r.uid),
            _ => None,
        };
        let queued = shown.queued.take();
        let mut effects = vec![Effect::Result(shown)];
        if let Some(queued) = queued {
            if queued.is_ok() {
                self.wake_printer();
            }
            effects.push(Effect::Job(*queued));
        } else if let Some(uid) = badge {
            effects.push(self.badge(uid, None));
        }
        effects.extend([Effect::Recount, Effect::NextScan]);
        effects
    }

    /// Queues someone's badge (`reason`: a reprint's) and wakes the printer.
    fn badge(&mut self, uid: uuid::Uuid, reason: Option<&str>) -> Effect {
        let self_service = self.self_service();
        let queued = self
            .kiosk
            .queue_badge(&Lookup::Uid(uid), reason, self_service);
        if queued.is_ok() {
            self.wake_printer();
        }
        Effect::Job(queued.map(|p| p.job).map_err(|e| e.to_string()))
    }

    /// A badge is queued: the print worker sends it now.
    fn wake_printer(&self) {
        if let Some(printer) = &self.printer {
            printer.wake();
        }
    }

    fn edit_form(&mut self, lookup: Lookup, reprint: bool) -> Vec<Effect> {
        match self.kiosk.registrant(&lookup) {
            Ok(Some(r)) => {
                self.edit(r.id, reprint);
                vec![Effect::EditForm(r, reprint)]
            }
            _ => Vec::new(),
        }
    }

    pub fn page(&self) -> Page {
        self.page
    }

    /// Puts a page up (`ui::dispatch` shows it once the intent is done).
    fn go(&mut self, page: Page) {
        self.page = page;
        self.shift = false;
    }

    /// Attendees at the screen (self-service, badge station): they see
    /// only themselves.
    pub fn self_service(&self) -> bool {
        self.mode.attended_by_attendees()
    }

    /// Staff at a kiosk configured for attendees may lock it again.
    pub fn can_lock(&self) -> bool {
        self.mode == Mode::Staff && self.kiosk.config.kiosk.mode.attended_by_attendees()
    }

    /// Back to an empty home page: nothing listed.
    fn home(&mut self) {
        self.unknown = None;
        self.listed.clear();
        self.listed_for.clear();
        self.go(Page::Home);
    }

    /// Searches as the staff type. At a self-service kiosk nobody can
    /// browse the list: nothing before 3 letters, a handful of results at a
    /// pace, names and organisations only (the adapter shows no more).
    fn search(&mut self, text: &str, now: Instant) -> Listing {
        self.listed_for = text.trim().to_owned();
        self.listed.clear();
        self.go(Page::Home);
        let hidden = |hint| Listing {
            people: Vec::new(),
            hint,
            detail: String::new(),
        };
        let self_service = self.self_service();
        if self_service && !privacy::specific_enough(text) {
            return hidden(if text.trim().is_empty() {
                Hint::None
            } else {
                Hint::MinLetters
            });
        }
        if self_service && self.searches.take(now).is_err() {
            return hidden(Hint::SlowDown);
        }
        let limit = if self_service {
            privacy::MAX_RESULTS + 1
        } else {
            RESULTS
        };
        let listing = match self.kiosk.search(text, limit) {
            Ok(r) if r.hits.is_empty() && !text.trim().is_empty() => hidden(Hint::NoMatch),
            // More than a handful: the attendee gives more of their name, a
            // script learns nothing.
            Ok(r) if self_service && r.hits.len() > privacy::MAX_RESULTS => hidden(Hint::TooMany),
            Ok(r)
                if self_service
                    && !self
                        .revealed
                        .allow(now, &r.hits.iter().map(|p| p.id).collect::<Vec<_>>()) =>
            {
                hidden(Hint::SlowDown)
            }
            Ok(r) => Listing {
                hint: if self_service && namesakes(&r.hits) {
                    Hint::Namesakes
                } else if r.approximate {
                    Hint::Approximate
                } else {
                    Hint::None
                },
                people: r.hits,
                detail: String::new(),
            },
            Err(e) => Listing {
                people: Vec::new(),
                hint: Hint::Error,
                detail: e.to_string(),
            },
        };
        self.listed = listing.people.iter().map(|r| r.id).collect();
        listing
    }

    /// Enter in the field. A scanner types the code then Enter: a known
    /// code checks in at once (typed with the wrong keyboard layout too).
    /// Otherwise Enter takes the first name listed to confirmation; with
    /// nothing listed, the scan is reported as unknown (or as ambiguous,
    /// naming nobody). The names are those of this very text: a list left
    /// from an earlier search never answers for a code it does not match.
    /// Returns the listing when it had to search again.
    fn enter(&mut self, text: &str, now: Instant) -> (Enter, Option<Listing>) {
        let text = text.trim();
        if text.is_empty() {
            return (Enter::Nothing, None);
        }
        let found = self.kiosk.resolve_scan(text).ok().unwrap_or_default();
        let listing = (self.listed_for != text).then(|| self.search(text, now));
        let ticket = found.registrant.is_some() || !found.ambiguous.is_empty();
        let enter = match self.listed.first() {
            Some(&id) if !ticket => Enter::Confirm(id),
            _ => Enter::CheckIn(text.to_owned()),
        };
        (enter, listing)
    }

    /// A key typed while the focus was on a button (Tab left it there): it
    /// belongs in the field on the home and result pages. Slint's special
    /// keys (arrows, F1…) are in the private use area; control characters
    /// (Tab, Esc) move or close.
    pub fn takes_stray_key(&self, text: &str) -> bool {
        let printable = !text.is_empty()
            && text
                .chars()
                .all(|c| !c.is_control() && !('\u{E000}'..='\u{F8FF}').contains(&c));
        printable && matches!(self.page, Page::Home | Page::Result)
    }

    /// A PIN attempt; staff mode on the right one. What is not a PIN —
    /// letters, or a ticket's code (a scanner types it, then Enter) — is
    /// no attempt: three scans must not lock staff out.
    fn pin(&mut self, typed: &str) -> PinShown {
        let typed = typed.trim();
        if typed.is_empty() {
            return PinShown::Nothing;
        }
        let a_ticket = !typed.chars().all(|c| c.is_ascii_digit())
            || self
                .kiosk
                .registrant(&Lookup::Code(typed.to_owned()))
                .is_ok_and(|r| r.is_some());
        if a_ticket {
            return PinShown::Ticket;
        }
        // Whole seconds, rounded up: never « 0 s » while it still waits.
        let secs = |w: Duration| {
            i32::try_from(w.as_secs() + u64::from(w.subsec_nanos() > 0)).unwrap_or(i32::MAX)
        };
        match self.kiosk.try_pin(typed) {
            Ok(PinVerdict::Unlocked) => {
                self.mode = Mode::Staff;
                self.home();
                PinShown::Unlocked
            }
            Ok(PinVerdict::Wrong { wait }) if wait.is_zero() => PinShown::Wrong,
            Ok(PinVerdict::Wrong { wait }) => PinShown::WrongWait(secs(wait)),
            Ok(PinVerdict::Wait { wait }) => PinShown::Wait(secs(wait)),
            Err(_) => PinShown::Wrong,
        }
    }

    /// Checks someone in (on `day`, else today) and says what happened.
    fn check_in(&mut self, lookup: Lookup, day: Option<DaySpec>) -> Shown {
        self.unknown = None;
        if self.mode == Mode::BadgeStation {
            return self.station(lookup, day);
        }
        match self.kiosk.check_in(&lookup, day) {
            Ok(c) => {
                let mut shown = self.checked_in(&c);
                if let (Outcome::Unknown, Lookup::Code(read), false) =
                    (c.outcome, &lookup, self.self_service())
                {
                    shown.read = accueil_core::domain::text::shown(read.trim());
                    shown.choices = c.scan.ambiguous.len();
                    self.unknown = Some(Unknown {
                        read: read.trim().to_owned(),
                        choices: c.scan.ambiguous.iter().map(|(_, r)| r.clone()).collect(),
                    });
                }
                shown
            }
            Err(e) => self.refused(lookup, &e),
        }
    }

    /// The home list after an unknown ticket: the people an ambiguous scan
    /// could be (staff choose), or a search for what was read.
    fn unknown_listing(&mut self, unknown: Unknown, now: Instant) -> Listing {
        if unknown.choices.is_empty() {
            return self.search(&unknown.read, now);
        }
        self.go(Page::Home);
        self.listed_for = unknown.read;
        self.listed = unknown.choices.iter().map(|r| r.id).collect();
        Listing {
            people: unknown.choices,
            hint: Hint::None,
            detail: String::new(),
        }
    }

    /// A badge station: whoever may come in today gets their badge (already
    /// in or not); a reprint past the cap sends them to the desk.
    fn station(&mut self, lookup: Lookup, day: Option<DaySpec>) -> Shown {
        match self.kiosk.station_badge(&lookup, day) {
            Ok((c, printed)) => {
                let mut shown = self.checked_in(&c);
                shown.badge = false;
                match printed {
                    Some(Ok(p)) => {
                        shown.said = Said::CheckedIn(Outcome::Welcome);
                        shown.queued = Some(Box::new(Ok(p.job)));
                    }
                    Some(Err(e)) => {
                        shown.said = Said::SeeDesk;
                        shown.error = e.to_string();
                    }
                    None => {}
                }
                shown
            }
            Err(e) => self.refused(lookup, &e),
        }
    }

    /// The result page of a check-in (from a scan, a search or a walk-in).
    fn checked_in(&mut self, c: &CheckIn) -> Shown {
        self.go(Page::Result);
        self.held = None;
        self.last = c.registrant.as_ref().map(|r| r.uid);
        let badge = c.outcome == Outcome::Welcome && c.registrant.is_some();
        if self.self_service() {
            // Nothing of the ticket or of an earlier arrival: typing someone
            // else's name tells nothing about them.
            let said = match privacy::self_service_outcome(c.outcome) {
                privacy::SelfServiceShows::Welcome => Said::CheckedIn(Outcome::Welcome),
                privacy::SelfServiceShows::SeeDesk => Said::SeeDesk,
            };
            return Shown {
                person: c.registrant.clone(),
                badge,
                ..Shown::of(said)
            };
        }
        let mut shown = Shown {
            person: c.registrant.clone(),
            badge,
            ..Shown::of(Said::CheckedIn(c.outcome))
        };
        if let (Outcome::AlreadyIn, Some(a)) = (c.outcome, &c.previous) {
            shown.time = self.kiosk.config.event.hh_mm(a.at);
            shown.at_kiosk = a.kiosk.clone();
        }
        if c.outcome == Outcome::NotToday {
            shown.date = c
                .day
                .date
                .strftime(accueil_core::domain::when::DAY_MONTH)
                .to_string();
        }
        let (note, mix) = match (c.scan.via, c.scan.ambiguous.first()) {
            // Several layouts that call for different settings read it
            // alike: naming one could be wrong.
            (Some(_), _) => match accueil_core::domain::keyboard::to_name(&c.scan.mixes()) {
                Some(m) => ("mixed", Some(m)),
                None => ("mixed-several", None),
            },
            (None, Some(_)) => ("ambiguous", None),
            (None, None) => ("", None),
        };
        shown.scan_note = note;
        shown.scan_layouts = mix.map(|m| (m.scanner.key(), m.host.key()));
        shown
    }

    /// A check-in that could not be made: staff read why; an attendee is
    /// sent to the desk. A clock a day off holds the check-in for staff to
    /// confirm the hub's day.
    fn refused(&mut self, lookup: Lookup, e: &AppError) -> Shown {
        self.go(Page::Result);
        self.last = None;
        self.held = None;
        let mut shown = if self.self_service() {
            Shown::of(Said::SeeDesk)
        } else {
            Shown {
                error: e.to_string(),
                ..Shown::of(Said::Error)
            }
        };
        if let AppError::ClockDay {
            hub_day: Some(n), ..
        } = e
        {
            shown.clock_day = i32::try_from(*n).unwrap_or(0);
            self.held = Some(lookup);
        }
        shown
    }

    /// Staff confirm the hub's day for the check-in held.
    fn confirm_day(&mut self, day: i32) -> Option<Shown> {
        let n = usize::try_from(day).ok()?;
        let lookup = self.held.take()?;
        Some(self.check_in(lookup, Some(DaySpec::Number(n))))
    }

    /// Undoes the arrival of the person on the result page, today: the
    /// page says so, or the error stays on it (`Err`: the words).
    fn undo(&mut self) -> Option<Result<Shown, String>> {
        let uid = self.last?;
        let day = self
            .kiosk
            .day(None)
            .ok()
            .map(|(day, _)| DaySpec::Date(day.date));
        Some(match self.kiosk.undo(&Lookup::Uid(uid), day) {
            Ok(u) if u.outcome == UndoOutcome::Undone => Ok(Shown {
                person: u.registrant,
                ..Shown::of(Said::Undone)
            }),
            // Undone meanwhile (at another kiosk): never « annulée » for
            // nothing.
            Ok(_) => Err("aucune arrivée à annuler aujourd'hui pour cette personne".to_owned()),
            Err(e) => Err(e.to_string()),
        })
    }

    /// After a name fix from the result page: the new name, and its badge.
    fn fixed(&mut self, r: &Registrant) -> Shown {
        self.go(Page::Result);
        self.last = Some(r.uid);
        Shown {
            person: Some(r.clone()),
            ..Shown::of(Said::Edited)
        }
    }

    /// Opens the edit form on someone: from the confirmation card, or from
    /// the result page (`reprint`: saving reprints the badge).
    fn edit(&mut self, registrant: i64, reprint: bool) {
        self.editing = Some(Editing {
            registrant,
            reprint,
        });
        self.go(Page::Edit);
    }

    /// Cancel on the edit form: back where it was opened from, unchanged.
    fn cancel_edit(&mut self) -> Option<Back> {
        let editing = self.editing.take()?;
        Some(if editing.reprint {
            self.go(Page::Result);
            Back::Result
        } else {
            Back::Confirm(editing.registrant)
        })
    }

    /// Save on the edit form: the fixed person goes back to the card, or
    /// (from the result page) to a result page with a badge reprinted. A
    /// refusal keeps the form open.
    fn save_edit(
        &mut self,
        patch: accueil_core::domain::DetailsPatch,
    ) -> Option<Result<Saved, AppError>> {
        let editing = self.editing?;
        Some(
            self.kiosk
                .edit(&Lookup::Id(editing.registrant), patch)
                .map(|edit| {
                    self.editing = None;
                    if editing.reprint {
                        Saved::Reprint(edit.registrant)
                    } else {
                        Saved::Confirm(edit.registrant.id)
                    }
                }),
        )
    }

    /// Registers and checks in someone who is not on the list. Staff only:
    /// a self-service screen has no such form, and none is taken from it.
    fn walk_in(
        &mut self,
        details: accueil_core::domain::Details,
    ) -> Option<Result<Shown, AppError>> {
        if self.self_service() {
            return None;
        }
        Some(
            self.kiosk
                .walk_in(details, None)
                .map(|w| self.checked_in(&w.check_in)),
        )
    }

    /// Nobody touched the screen for a while: the next attendee finds the
    /// kiosk as configured — its language (returned, for the window), an
    /// empty home page. Staff mode stays (staff lock it themselves).
    fn idle(&mut self) -> Language {
        self.home();
        self.kiosk.config.kiosk.language
    }

    /// Staff leave: self-service again, on an empty home page.
    fn lock(&mut self) {
        self.mode = self.kiosk.config.kiosk.mode;
        self.home();
    }
}

/// Whether two of the people listed have the same name (accents and case
/// aside): « Nathalie Dupont » twice.
fn namesakes(people: &[Registrant]) -> bool {
    let name = |p: &Registrant| {
        accueil_core::domain::text::sort_key(&format!("{} {}", p.first_name, p.last_name))
    };
    let mut names: Vec<String> = people.iter().map(name).collect();
    names.sort_unstable();
    names.windows(2).any(|w| w[0] == w[1])
}

#[cfg(test)]
mod tests {
    use super::*;
    use accueil_core::config::Config;

    /// A desk on a fresh copy of `n` people, in `mode`.
    fn desk(mode: &str, n: usize) -> (tempfile::TempDir, Desk) {
        let dir = tempfile::tempdir().unwrap();
        let toml = include_str!("../../../kiosk.toml").replace(
            "mode = \"staff\"",
            &format!(
                "mode = \"{mode}\"\nstaff_pin = \"{}\"",
                accueil_core::domain::pin::hash("4321").unwrap()
            ),
        );
        let config = Config::parse(&toml, dir.path()).unwrap();
        let csv = dir.path().join("l.csv");
        std::fs::write(&csv, accueil_core::demo::registrants_csv(n)).unwrap();
        let mut kiosk = Kiosk::open(config, Some(&dir.path().join("k.sqlite"))).unwrap();
        kiosk
            .import_file(&csv, Default::default(), |_, _| {})
            .unwrap();
        (dir, Desk::new(kiosk))
    }

    fn someone(d: &Desk) -> Registrant {
        d.kiosk
            .registrant(&Lookup::Code("NEC-000001".into()))
            .unwrap()
            .unwrap()
    }

    #[test]
    fn the_config_is_self_service_for_these_tests_when_asked() {
        let (_dir, d) = desk("self-service", 10);
        assert!(d.self_service(), "kiosk.toml's mode key changed?");
        let (_dir, d) = desk("staff", 10);
        assert!(!d.self_service());
    }

    #[test]
    fn enter_on_a_ticket_checks_in_even_with_a_name_listed() {
        let (_dir, mut d) = desk("staff", 50);
        let now = Instant::now();
        let p = someone(&d);
        d.search(&p.last_name, now);
        assert!(!d.listed.is_empty());
        let (enter, listing) = d.enter(" NEC-000001 ", now);
        assert_eq!(enter, Enter::CheckIn("NEC-000001".into()));
        assert!(listing.is_some(), "searched again for the code itself");
    }

    #[test]
    fn enter_on_a_name_confirms_the_first_listed_and_on_nothing_reports_it() {
        let (_dir, mut d) = desk("staff", 50);
        let now = Instant::now();
        let p = someone(&d);
        let listing = d.search(&p.last_name, now);
        let first = listing.people[0].id;
        let (enter, again) = d.enter(&p.last_name, now);
        assert_eq!(enter, Enter::Confirm(first));
        assert!(again.is_none(), "the list is of this very text");
        // A code nobody holds, after a search that listed someone: the
        // scan is reported, the earlier list does not answer for it.
        let (enter, _) = d.enter("ZZZ-404", now);
        assert_eq!(enter, Enter::CheckIn("ZZZ-404".into()));
        assert_eq!(d.enter("   ", now).0, Enter::Nothing);
    }

    #[test]
    fn self_service_lists_nothing_before_three_letters_nor_too_many() {
        let (_dir, mut d) = desk("self-service", 300);
        let now = Instant::now();
        assert_eq!(d.search("du", now).hint, Hint::MinLetters);
        assert_eq!(d.search("", now).hint, Hint::None);
        // A common name: more than a handful, nobody shown.
        let common = d.search("Martin", now);
        assert_eq!(common.hint, Hint::TooMany);
        assert!(common.people.is_empty() && d.listed.is_empty());
        // Staff see the first RESULTS.
        d.mode = Mode::Staff;
        assert_eq!(d.search("Martin", now).people.len(), RESULTS);
    }

    #[test]
    fn self_service_searches_at_a_script_pace_are_slowed_down() {
        let (_dir, mut d) = desk("self-service", 300);
        let now = Instant::now();
        let p = someone(&d);
        let query = format!("{} {}", p.first_name, p.last_name);
        let tries = privacy::BURST as usize + 5;
        let hints: Vec<Hint> = (0..tries).map(|_| d.search(&query, now).hint).collect();
        assert_ne!(hints[0], Hint::SlowDown, "the first search is served");
        assert_eq!(hints.last(), Some(&Hint::SlowDown), "{hints:?}");
        assert!(d.listed.is_empty());
        // Staff are never throttled.
        d.mode = Mode::Staff;
        assert_ne!(d.search(&query, now).hint, Hint::SlowDown);
    }

    #[test]
    fn stray_keys_go_to_the_field_on_home_and_result_only() {
        let (_dir, mut d) = desk("staff", 5);
        assert!(d.takes_stray_key("a"));
        assert!(!d.takes_stray_key("\t"), "Tab moves the focus");
        assert!(!d.takes_stray_key("\u{F700}"), "an arrow key");
        assert!(!d.takes_stray_key(""));
        d.go(Page::Result);
        assert!(d.takes_stray_key("7"));
        for page in [Page::Confirm, Page::Edit, Page::WalkIn, Page::Pin] {
            d.go(page);
            assert!(!d.takes_stray_key("a"), "{page:?}");
        }
    }

    /// Scans on the PIN page — a ticket of the list, a ticket of another
    /// event, a ticket's web address — and an empty Enter are no attempts:
    /// four of them and the right PIN still unlocks at once.
    #[test]
    fn tickets_scanned_on_the_pin_page_are_not_wrong_pins() {
        let (_dir, mut d) = desk("self-service", 5);
        d.go(Page::Pin);
        for scan in ["NEC-000001", "NEC-999999", "https://pretix.eu/t/ABC", "  "] {
            let shown = d.pin(scan);
            assert!(
                matches!(shown, PinShown::Ticket | PinShown::Nothing),
                "{scan}: {shown:?}"
            );
        }
        assert_eq!(d.pin("4321"), PinShown::Unlocked, "never locked out");
    }

    #[test]
    fn three_wrong_pins_lock_the_kiosk_out_for_30_s_even_for_the_right_one() {
        let (_dir, mut d) = desk("self-service", 5);
        assert_eq!(d.pin("0000"), PinShown::Wrong);
        assert_eq!(d.pin("1111"), PinShown::Wrong);
        assert_eq!(d.pin("2222"), PinShown::WrongWait(30));
        // While it waits, even the right PIN is not tried.
        assert!(matches!(d.pin("4321"), PinShown::Wait(s) if (29..=30).contains(&s)));
        assert!(d.self_service());
    }

    #[test]
    fn unlocking_then_locking_goes_home_with_nothing_listed() {
        let (_dir, mut d) = desk("self-service", 50);
        let p = someone(&d);
        d.search(&format!("{} {}", p.first_name, p.last_name), Instant::now());
        d.go(Page::Pin);
        assert_eq!(d.pin("4321"), PinShown::Unlocked);
        assert_eq!((d.mode, d.page()), (Mode::Staff, Page::Home));
        assert!(d.listed.is_empty() && d.can_lock());
        d.go(Page::Result);
        d.lock();
        assert_eq!((d.mode, d.page()), (Mode::SelfService, Page::Home));
        assert!(!d.can_lock());
    }

    fn code(i: usize) -> Lookup {
        Lookup::Code(format!("NEC-{i:06}"))
    }

    /// The first of the demo list with this status.
    fn with_status(d: &Desk, status: accueil_core::domain::Status) -> Lookup {
        (1..200)
            .map(code)
            .find(|l| d.kiosk.registrant(l).unwrap().unwrap().status == status)
            .unwrap()
    }

    #[test]
    fn staff_see_a_welcome_then_when_and_where_they_arrived() {
        let (_dir, mut d) = desk("staff", 50);
        let first = d.check_in(code(1), None);
        assert_eq!(
            (first.said, first.badge),
            (Said::CheckedIn(Outcome::Welcome), true)
        );
        assert_eq!(d.page(), Page::Result);
        let uid = first.person.as_ref().unwrap().uid;
        assert_eq!(d.last, Some(uid));
        let again = d.check_in(code(1), None);
        assert_eq!(
            (again.said, again.badge),
            (Said::CheckedIn(Outcome::AlreadyIn), false)
        );
        assert_eq!(again.time.len(), 5, "« HH:MM »: {:?}", again.time);
        assert_eq!(again.at_kiosk, d.kiosk.config.kiosk.id);
        let unknown = d.check_in(Lookup::Code("ZZZ-404".into()), None);
        assert_eq!(
            (unknown.said, unknown.person.is_none(), d.last),
            (Said::CheckedIn(Outcome::Unknown), true, None)
        );
        let cancelled = with_status(&d, accueil_core::domain::Status::Cancelled);
        assert_eq!(
            d.check_in(cancelled, None).said,
            Said::CheckedIn(Outcome::Cancelled)
        );
    }

    /// Staff shown an unknown ticket are the desk: they see what was read
    /// (invisible characters written out), and « Rechercher » lists it; an
    /// ambiguous scan lists the people it could be, to choose. Attendees
    /// are sent to the desk and cannot search from there.
    #[test]
    fn an_unknown_ticket_shows_staff_what_was_read_and_what_to_do() {
        let (dir, mut d) = desk("staff", 20);
        let effects = go(&mut d, Intent::Submitted("ZZ-404\u{1b}".into()));
        let Some(Effect::Result(r)) = effects.iter().find(|e| matches!(e, Effect::Result(_)))
        else {
            panic!("{:?}", shown(&effects))
        };
        assert_eq!(r.said, Said::CheckedIn(Outcome::Unknown));
        assert_eq!(r.read, "ZZ-404\\u{1b}");
        assert_eq!(r.choices, 0);
        let search = go(&mut d, Intent::SearchUnknown);
        assert_eq!(shown(&search), ["query", "listing"]);
        assert!(matches!(&search[0], Effect::Query(q) if q == "ZZ-404\u{1b}"));
        // Once only: the result page is gone.
        assert!(go(&mut d, Intent::SearchUnknown).is_empty());

        // « ZEW »: WEZ on a French computer, YEW on a German one.
        let csv = dir.path().join("twins.csv");
        std::fs::write(&csv, "Code;Prénom;Nom\nWEZ;Ambre;Martin\nYEW;Bruno;Petit\n").unwrap();
        let force = accueil_core::app::ImportOptions {
            force: true,
            ..Default::default()
        };
        d.kiosk.import_file(&csv, force, |_, _| {}).unwrap();
        let effects = go(&mut d, Intent::Submitted("ZEW".into()));
        let Some(Effect::Result(r)) = effects.iter().find(|e| matches!(e, Effect::Result(_)))
        else {
            panic!("{:?}", shown(&effects))
        };
        assert_eq!((r.said, r.choices), (Said::CheckedIn(Outcome::Unknown), 2));
        assert_eq!(r.scan_note, "ambiguous");
        let search = go(&mut d, Intent::SearchUnknown);
        let Some(Effect::Listing(l)) = search.iter().find(|e| matches!(e, Effect::Listing(_)))
        else {
            panic!("{:?}", shown(&search))
        };
        let mut names: Vec<String> = l.people.iter().map(|p| p.display_name()).collect();
        names.sort();
        assert_eq!(names, ["Ambre Martin", "Bruno Petit"]);
        // Staff pick one: the card, as after any search.
        let id = l.people[0].id;
        assert_eq!(shown(&go(&mut d, Intent::Chosen(id))), ["card"]);

        let (_dir, mut d) = desk("self-service", 20);
        let unknown = d.check_in(Lookup::Code("ZZ-404".into()), None);
        assert_eq!((unknown.said, unknown.read.as_str()), (Said::SeeDesk, ""));
        assert!(go(&mut d, Intent::SearchUnknown).is_empty());
    }

    #[test]
    fn an_attendee_sees_a_welcome_or_see_the_desk_and_nothing_else() {
        let (_dir, mut d) = desk("self-service", 50);
        assert_eq!(
            d.check_in(code(1), None).said,
            Said::CheckedIn(Outcome::Welcome)
        );
        let again = d.check_in(code(1), None);
        assert_eq!(again.said, Said::SeeDesk, "not « already in at 08:42 »");
        assert!(again.time.is_empty() && again.at_kiosk.is_empty() && !again.badge);
        let cancelled = with_status(&d, accueil_core::domain::Status::Cancelled);
        assert_eq!(d.check_in(cancelled, None).said, Said::SeeDesk);
        let unknown = d.check_in(Lookup::Code("ZZZ-404".into()), None);
        assert_eq!(unknown.said, Said::SeeDesk);
        assert!(unknown.error.is_empty());
    }

    #[test]
    fn undo_reverts_the_arrival_on_the_result_page_and_needs_someone() {
        let (_dir, mut d) = desk("staff", 20);
        assert!(d.undo().is_none(), "nobody on the page");
        d.check_in(code(2), None);
        let undone = d.undo().unwrap().unwrap();
        assert_eq!(undone.said, Said::Undone);
        assert_eq!(undone.person.unwrap().code, "NEC-000002");
        // Undone: the next check-in is a welcome again.
        assert_eq!(
            d.check_in(code(2), None).said,
            Said::CheckedIn(Outcome::Welcome)
        );
        // Undoing twice says why the second did nothing.
        assert!(d.undo().unwrap().is_ok());
        assert!(d.undo().unwrap().is_err());
    }

    #[test]
    fn a_fix_from_the_result_page_is_about_the_fixed_person() {
        let (_dir, mut d) = desk("staff", 20);
        d.check_in(code(3), None);
        let mut r = d.kiosk.registrant(&code(3)).unwrap().unwrap();
        r.first_name = "Hélène".into();
        let shown = d.fixed(&r);
        assert_eq!(shown.said, Said::Edited);
        assert_eq!((d.last, d.page()), (Some(r.uid), Page::Result));
    }

    #[test]
    fn a_clock_day_confirmation_needs_a_held_check_in() {
        let (_dir, mut d) = desk("staff", 20);
        assert!(d.confirm_day(1).is_none(), "nothing held");
        d.held = Some(code(4));
        assert!(d.confirm_day(-1).is_none(), "no such day");
        let shown = d.confirm_day(1).unwrap();
        assert!(
            matches!(
                shown.said,
                Said::CheckedIn(Outcome::Welcome) | Said::CheckedIn(Outcome::NotToday)
            ),
            "{shown:?}"
        );
        assert!(d.held.is_none());
    }

    fn renamed(first: &str) -> accueil_core::domain::DetailsPatch {
        accueil_core::domain::DetailsPatch {
            first_name: Some(first.into()),
            ..Default::default()
        }
    }

    #[test]
    fn an_edit_from_the_card_goes_back_to_the_card_saved_or_not() {
        let (_dir, mut d) = desk("staff", 20);
        let id = d.kiosk.registrant(&code(5)).unwrap().unwrap().id;
        d.edit(id, false);
        assert_eq!(d.page(), Page::Edit);
        assert_eq!(d.cancel_edit(), Some(Back::Confirm(id)));
        assert_eq!(d.cancel_edit(), None, "closed");
        d.edit(id, false);
        let saved = d.save_edit(renamed("Hélène")).unwrap().unwrap();
        assert_eq!(saved, Saved::Confirm(id));
        let r = d.kiosk.registrant(&code(5)).unwrap().unwrap();
        assert_eq!(r.first_name, "Hélène");
        assert!(d.save_edit(renamed("X")).is_none(), "the form is closed");
    }

    #[test]
    fn an_edit_from_the_result_page_reprints_and_a_refusal_keeps_the_form() {
        let (_dir, mut d) = desk("staff", 20);
        d.check_in(code(6), None);
        let id = d.kiosk.registrant(&code(6)).unwrap().unwrap().id;
        d.edit(id, true);
        assert_eq!(d.cancel_edit(), Some(Back::Result));
        assert_eq!(d.page(), Page::Result);
        d.edit(id, true);
        let nameless = accueil_core::domain::DetailsPatch {
            first_name: Some(String::new()),
            last_name: Some(String::new()),
            ..Default::default()
        };
        assert!(d.save_edit(nameless).unwrap().is_err());
        assert_eq!(d.page(), Page::Edit, "still on the form");
        match d.save_edit(renamed("Anaïs")).unwrap().unwrap() {
            Saved::Reprint(r) => assert_eq!(r.first_name, "Anaïs"),
            other => panic!("{other:?}"),
        }
    }

    fn walk_in_details() -> accueil_core::domain::Details {
        accueil_core::domain::Details {
            first_name: "Zoé".into(),
            last_name: "Sur-Place".into(),
            organisation: "Préfecture".into(),
            email: String::new(),
            category: "Participant".into(),
        }
    }

    #[test]
    fn a_walk_in_is_welcomed_with_a_badge_at_a_staffed_desk_only() {
        let (_dir, mut d) = desk("staff", 5);
        let shown = d.walk_in(walk_in_details()).unwrap().unwrap();
        assert_eq!(
            (shown.said, shown.badge),
            (Said::CheckedIn(Outcome::Welcome), true)
        );
        assert_eq!(shown.person.unwrap().last_name, "Sur-Place");
        let (_dir, mut d) = desk("self-service", 5);
        assert!(d.walk_in(walk_in_details()).is_none());
        assert_eq!(d.kiosk.stats().unwrap().registrants, 5, "nobody added");
    }

    #[test]
    fn idle_brings_back_the_configured_language_and_an_empty_home() {
        let (_dir, mut d) = desk("self-service", 50);
        let p = someone(&d);
        d.search(&format!("{} {}", p.first_name, p.last_name), Instant::now());
        d.language = d.language.other();
        d.go(Page::Confirm);
        assert_eq!(d.idle(), d.kiosk.config.kiosk.language);
        assert_eq!(d.page(), Page::Home);
        assert!(d.listed.is_empty() && d.listed_for.is_empty());
    }

    /// The effects' names, in order: what the window is told to show.
    fn shown(effects: &[Effect]) -> Vec<&'static str> {
        effects
            .iter()
            .map(|e| match e {
                Effect::Cleared => "cleared",
                Effect::Query(_) => "query",
                Effect::FormText(..) => "form text",
                Effect::Capitals(_) => "capitals",
                Effect::Listing(_) => "listing",
                Effect::Card(_) => "card",
                Effect::Result(_) => "result",
                Effect::Job(Ok(_)) => "job",
                Effect::Job(Err(_)) => "job refused",
                Effect::UndoRefused(_) => "undo refused",
                Effect::EditForm(..) => "edit form",
                Effect::WalkInForm => "walk-in form",
                Effect::Refused(..) => "refused",
                Effect::PinForm => "pin form",
                Effect::Pin(_) => "pin",
                Effect::ScannerForm => "scanner form",
                Effect::RunDoctor => "run doctor",
                Effect::Scan(_) => "scan",
                Effect::Mode => "mode",
                Effect::Language(_) => "language",
                Effect::Recount => "recount",
                Effect::Event => "event",
                Effect::Armed => "armed",
                Effect::NextScan => "next scan",
            })
            .collect()
    }

    fn go(d: &mut Desk, intent: Intent) -> Vec<Effect> {
        d.update(intent, Instant::now())
    }

    #[test]
    fn a_scan_welcomes_queues_the_badge_recounts_and_waits_for_the_next() {
        let (_dir, mut d) = desk("staff", 20);
        let effects = go(&mut d, Intent::Submitted("NEC-000001".into()));
        assert_eq!(
            shown(&effects),
            ["listing", "result", "job", "recount", "next scan"]
        );
        assert_eq!(d.page(), Page::Result);
        match &effects[2] {
            Effect::Job(Ok(job)) => assert_eq!(job.reason, "badge"),
            other => panic!("{other:?}"),
        }
        // Scanned again from the result page: already in, no second badge.
        let again = go(&mut d, Intent::Submitted("NEC-000001".into()));
        assert_eq!(shown(&again), ["result", "recount", "next scan"]);
        let reprint = go(&mut d, Intent::Reprint("lost".into()));
        match &reprint[..] {
            [Effect::Job(Ok(job))] => assert_eq!(job.reason, "réimpression : badge perdu"),
            other => panic!("{other:?}"),
        }
    }

    /// A welcome sounds like one; an unknown ticket like a refusal; an
    /// undo says nothing.
    #[test]
    fn each_result_has_its_sound() {
        use crate::sound::Cue;
        let (_dir, mut d) = desk("staff", 20);
        let cue = |effects: &[Effect]| {
            effects.iter().find_map(|e| match e {
                Effect::Result(shown) => Some(shown.cue()),
                _ => None,
            })
        };
        let welcome = go(&mut d, Intent::Submitted("NEC-000002".into()));
        assert_eq!(cue(&welcome), Some(Some(Cue::Success)));
        let unknown = go(&mut d, Intent::Submitted("NEC-999999".into()));
        assert_eq!(cue(&unknown), Some(Some(Cue::Refusal)));
        go(&mut d, Intent::Submitted("NEC-000002".into()));
        let undone = go(&mut d, Intent::Undo);
        assert_eq!(cue(&undone), Some(None), "{:?}", shown(&undone));
    }

    /// A badge station: a scan prints the badge (and records the arrival,
    /// as configured), a second scan is a reprint logged as such, a third
    /// is past the cap and sent to the desk; nobody unknown gets one.
    #[test]
    fn a_badge_station_prints_once_caps_reprints_and_refuses_the_unknown() {
        let (_dir, mut d) = desk("badge-station", 20);
        assert!(d.self_service(), "attendees at the screen");
        let job = |effects: &[Effect]| {
            effects.iter().find_map(|e| match e {
                Effect::Job(Ok(job)) => Some(job.reason.clone()),
                _ => None,
            })
        };
        let said = |effects: &[Effect]| {
            effects.iter().find_map(|e| match e {
                Effect::Result(s) => Some(s.said),
                _ => None,
            })
        };
        let first = go(&mut d, Intent::Submitted("NEC-000004".into()));
        assert_eq!(said(&first), Some(Said::CheckedIn(Outcome::Welcome)));
        assert_eq!(job(&first).as_deref(), Some("badge"));
        let uid = d.kiosk.registrant(&code(4)).unwrap().unwrap().uid;
        assert_eq!(d.kiosk.inspect().live_arrivals(uid).unwrap().len(), 1);
        let again = go(&mut d, Intent::Submitted("NEC-000004".into()));
        assert_eq!(said(&again), Some(Said::CheckedIn(Outcome::Welcome)));
        assert_eq!(job(&again).as_deref(), Some("réimpression au poste badges"));
        let third = go(&mut d, Intent::Submitted("NEC-000004".into()));
        assert_eq!(said(&third), Some(Said::SeeDesk));
        assert_eq!(job(&third), None, "past [printer] self_service_reprints");
        let unknown = go(&mut d, Intent::Submitted("NEC-999999".into()));
        assert_eq!((said(&unknown), job(&unknown)), (Some(Said::SeeDesk), None));

        // Admission done elsewhere, not recorded here.
        d.kiosk.config.kiosk.station_arrival = false;
        let other = go(&mut d, Intent::Submitted("NEC-000005".into()));
        assert_eq!(job(&other).as_deref(), Some("badge"));
        let uid = d.kiosk.registrant(&code(5)).unwrap().unwrap().uid;
        assert!(d.kiosk.inspect().live_arrivals(uid).unwrap().is_empty());
    }

    /// The on-screen keyboard: each tap writes the field and searches;
    /// « Valider » is Enter — a typed ticket code checks in like a scan.
    #[test]
    fn keyboard_taps_write_the_field_search_and_validate_like_enter() {
        let (_dir, mut d) = desk("staff", 20);
        let p = someone(&d);
        let mut field = String::new();
        for c in p.last_name.to_lowercase().chars() {
            let effects = go(&mut d, Intent::Key(field.clone(), KeyTap::Char(c)));
            assert_eq!(shown(&effects), ["query", "listing"]);
            let Effect::Query(text) = &effects[0] else {
                unreachable!()
            };
            field = text.clone();
        }
        assert_eq!(field, p.last_name.to_lowercase());
        assert!(d.listed.contains(&p.id), "{} listed", p.last_name);
        let effects = go(&mut d, Intent::Key(format!("{field}x"), KeyTap::Erase));
        assert!(matches!(&effects[0], Effect::Query(t) if *t == field));
        let effects = go(&mut d, Intent::Key(String::new(), KeyTap::Erase));
        assert!(
            matches!(&effects[0], Effect::Query(t) if t.is_empty()),
            "nothing to erase"
        );
        let effects = go(&mut d, Intent::Key("NEC-000003".into(), KeyTap::Enter));
        assert_eq!(shown(&effects)[..2], ["listing", "result"]);
        assert_eq!(d.page(), Page::Result);
    }

    /// Taps on a form's keyboard into one box, from empty: the box's text.
    fn tap_form(d: &mut Desk, entry: Entry, text: &mut String, taps: &[KeyTap]) {
        for tap in taps {
            for effect in go(d, Intent::FormKey(entry, text.clone(), tap.clone())) {
                if let Effect::FormText(_, e, t) = effect {
                    assert_eq!(e, entry);
                    *text = t;
                }
            }
        }
    }

    fn letters(s: &str) -> Vec<KeyTap> {
        s.chars().map(KeyTap::Char).collect()
    }

    /// Names typed on the form's keyboard take their capitals without
    /// « Maj »: the first letter, the one after a hyphen; « Maj » gives the
    /// other case once (« de La Tour d'Auvergne »); never in an address.
    #[test]
    fn a_form_keyboard_capitalises_names_and_maj_flips_one_letter() {
        let (_dir, mut d) = desk("staff", 5);
        go(&mut d, Intent::OpenWalkIn);
        assert_eq!(d.page(), Page::WalkIn);
        let capitals = |effects: &[Effect]| {
            effects.iter().find_map(|e| match e {
                Effect::Capitals(c) => Some(*c),
                _ => None,
            })
        };
        assert_eq!(
            capitals(&go(
                &mut d,
                Intent::FormFocus(Entry::FirstName, String::new())
            )),
            Some(true),
            "an empty name box: capitals shown"
        );
        let mut first = String::new();
        tap_form(
            &mut d,
            Entry::FirstName,
            &mut first,
            &letters("marie-hélène"),
        );
        assert_eq!(first, "Marie-Hélène");

        let mut last = String::new();
        let mut taps = vec![KeyTap::Shift];
        taps.extend(letters("de "));
        taps.push(KeyTap::Shift);
        taps.extend(letters("la "));
        taps.push(KeyTap::Shift);
        taps.extend(letters("tour d'"));
        taps.push(KeyTap::Shift);
        taps.extend(letters("auvergne"));
        tap_form(&mut d, Entry::LastName, &mut last, &taps);
        assert_eq!(last, "de La Tour d'Auvergne");

        // Maj is kept across a non-letter, and a second Maj takes it back.
        let mut org = String::new();
        tap_form(&mut d, Entry::Organisation, &mut org, &letters("ville de "));
        let effects = go(
            &mut d,
            Intent::FormKey(Entry::Organisation, org.clone(), KeyTap::Shift),
        );
        assert_eq!(capitals(&effects), Some(true));
        assert!(
            shown(&effects).iter().all(|e| *e != "form text"),
            "Maj types nothing"
        );
        tap_form(&mut d, Entry::Organisation, &mut org, &letters("-l"));
        assert_eq!(org, "Ville de -L");
        tap_form(
            &mut d,
            Entry::Organisation,
            &mut org,
            &[KeyTap::Erase, KeyTap::Erase],
        );
        tap_form(
            &mut d,
            Entry::Organisation,
            &mut org,
            &[KeyTap::Shift, KeyTap::Shift],
        );
        tap_form(&mut d, Entry::Organisation, &mut org, &letters("lyon"));
        assert_eq!(org, "Ville de lyon");

        let mut email = String::new();
        tap_form(&mut d, Entry::Email, &mut email, &letters("mh.dlt@lyon.fr"));
        assert_eq!(email, "mh.dlt@lyon.fr");

        // Enter is the view's (next box); a box is bounded.
        assert!(
            go(
                &mut d,
                Intent::FormKey(Entry::Email, email.clone(), KeyTap::Enter)
            )
            .is_empty()
        );
        let full = "a".repeat(TYPED_MAX);
        assert!(
            go(
                &mut d,
                Intent::FormKey(Entry::Email, full.clone(), KeyTap::Char('b'))
            )
            .is_empty()
        );
        // Off a form (back home), form keys do nothing.
        go(&mut d, Intent::Home);
        assert!(
            go(
                &mut d,
                Intent::FormKey(Entry::Email, String::new(), KeyTap::Char('b'))
            )
            .is_empty()
        );
        assert!(go(&mut d, Intent::Key(full, KeyTap::Char('b'))).is_empty());
    }

    #[test]
    fn a_name_goes_to_its_card_and_confirming_it_checks_in() {
        let (_dir, mut d) = desk("staff", 20);
        let p = someone(&d);
        go(&mut d, Intent::Typed(p.last_name.clone()));
        let effects = go(&mut d, Intent::Submitted(p.last_name.clone()));
        assert_eq!(shown(&effects), ["card"]);
        assert_eq!(d.page(), Page::Confirm);
        let Effect::Card(on_card) = &effects[0] else {
            unreachable!()
        };
        let effects = go(&mut d, Intent::Confirm(on_card.id));
        assert_eq!(shown(&effects)[..2], ["result", "job"]);
        assert_eq!(d.last, Some(on_card.uid));
        assert_eq!(shown(&go(&mut d, Intent::Home)), ["cleared"]);
        assert_eq!((d.page(), d.listed.len()), (Page::Home, 0));
    }

    #[test]
    fn cancel_on_the_edit_form_goes_back_where_it_was_opened_from() {
        let (_dir, mut d) = desk("staff", 20);
        let id = d.kiosk.registrant(&code(4)).unwrap().unwrap().id;
        // From the card: back to the card.
        assert_eq!(shown(&go(&mut d, Intent::EditFromCard(id))), ["edit form"]);
        assert_eq!(d.page(), Page::Edit);
        assert_eq!(shown(&go(&mut d, Intent::CancelEdit)), ["card"]);
        assert_eq!(d.page(), Page::Confirm);
        // From the result page: back to it, the field armed for a scan.
        assert!(
            go(&mut d, Intent::EditFromResult).is_empty(),
            "nobody on it"
        );
        go(&mut d, Intent::Confirm(id));
        match &go(&mut d, Intent::EditFromResult)[..] {
            [Effect::EditForm(r, true)] => assert_eq!(r.id, id),
            other => panic!("{other:?}"),
        }
        assert_eq!(shown(&go(&mut d, Intent::CancelEdit)), ["armed"]);
        assert_eq!(d.page(), Page::Result);
        // Saved from the result page: the fixed name, reprinted as such.
        go(&mut d, Intent::EditFromResult);
        let saved = go(&mut d, Intent::SaveEdit(renamed("Noémie")));
        assert_eq!(shown(&saved), ["result", "job", "next scan"]);
        match &saved[..] {
            [Effect::Result(s), Effect::Job(Ok(job)), _] => {
                assert_eq!(s.said, Said::Edited);
                assert_eq!(s.person.as_ref().unwrap().first_name, "Noémie");
                assert_eq!(job.reason, "réimpression : nom corrigé");
            }
            other => panic!("{other:?}"),
        }
        // A refusal keeps the form, with why.
        go(&mut d, Intent::EditFromCard(id));
        let nameless = accueil_core::domain::DetailsPatch {
            first_name: Some(String::new()),
            last_name: Some(String::new()),
            ..Default::default()
        };
        let refused = go(&mut d, Intent::SaveEdit(nameless));
        assert!(matches!(&refused[..], [Effect::Refused(Form::Edit, _)]));
        assert_eq!(d.page(), Page::Edit);
    }

    #[test]
    fn a_self_service_screen_opens_no_walk_in_form_and_takes_none() {
        let (_dir, mut d) = desk("self-service", 5);
        assert!(go(&mut d, Intent::OpenWalkIn).is_empty());
        assert_eq!(d.page(), Page::Home);
        assert!(go(&mut d, Intent::WalkIn(walk_in_details())).is_empty());
        assert_eq!(d.kiosk.stats().unwrap().registrants, 5);
        // Staff, once unlocked, do.
        go(&mut d, Intent::OpenPin);
        assert_eq!(d.page(), Page::Pin);
        assert_eq!(
            shown(&go(&mut d, Intent::Pin("4321".into()))),
            ["mode", "cleared"]
        );
        assert_eq!(shown(&go(&mut d, Intent::OpenWalkIn)), ["walk-in form"]);
        let welcomed = go(&mut d, Intent::WalkIn(walk_in_details()));
        assert_eq!(shown(&welcomed), ["result", "job", "recount", "next scan"]);
        assert_eq!(d.kiosk.stats().unwrap().registrants, 6);
    }

    #[test]
    fn left_alone_the_kiosk_goes_home_in_its_own_language() {
        let (_dir, mut d) = desk("self-service", 5);
        let own = d.language;
        go(&mut d, Intent::SwitchLanguage);
        assert_ne!(d.language, own);
        go(&mut d, Intent::Submitted("NEC-000002".into()));
        assert_eq!(d.page(), Page::Result);
        let effects = go(&mut d, Intent::Idle);
        assert!(matches!(&effects[..], [Effect::Language(l), Effect::Cleared] if *l == own));
        assert_eq!((d.page(), d.language), (Page::Home, own));
    }
}
