//! A copy and pretix: the list comes down (positions → registrants, pretix's
//! check-ins → arrivals), arrivals and undos go up (redeem, annul).
//!
//! Who talks to pretix: the hub when there is one (it holds every kiosk's
//! log), else each kiosk for itself. The door never waits for it.

use std::time::Duration;

use jiff::Timestamp;
use serde::Serialize;

use super::{AppError, ImportOptions, Kiosk, Result};
use crate::config::{PretixSettings, Source};
use crate::pretix::{self, Answer, Client, Pending, Push, Verdict};
use crate::store::{ImportReport, PretixNotice, SyncKey};

/// What a download of the list did.
#[derive(Debug, Clone)]
pub struct PretixImported {
    /// "pretix nec/nec2022, liste 1", for the report.
    pub source: String,
    /// Positions pretix listed (add-ons included).
    pub positions: usize,
    pub report: ImportReport,
    /// Tickets taken with an adjustment, in words.
    pub warnings: Vec<String>,
    /// pretix's check-ins brought in as arrivals.
    pub arrivals: usize,
}

/// What one round with pretix did.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct PretixRound {
    /// Arrivals pretix stored.
    pub accepted: usize,
    /// Arrivals pretix had already (the ticket was in).
    pub already_in: usize,
    /// Undos pretix annulled.
    pub annulled: usize,
    /// Records settled without asking pretix (walk-ins, undone before sent…).
    pub local: usize,
    /// This round's refusals and the check-ins pretix kept despite an undo.
    pub notices: Vec<PretixNotice>,
    /// pretix asked to be asked again later (its own error).
    pub retry: Option<String>,
    /// Arrivals and undos still to settle.
    pub pending: i64,
    /// The list was downloaded this round.
    pub pulled: bool,
    /// …and changed the copy (people added, updated or cancelled).
    pub list_changed: bool,
    /// pretix's check-ins brought in as arrivals.
    pub arrivals_in: usize,
    pub warnings: Vec<String>,
}

/// pretix's refusals the desk is shown (newest first).
const NOTICES: usize = 10;

/// How many pending records are read at a time.
const PUSH_BATCH: usize = 100;

impl Kiosk {
    fn pretix_settings(&self) -> Result<&PretixSettings> {
        match &self.config.source {
            Source::Pretix(p) => Ok(p),
            Source::File => Err(AppError::NoPretix),
        }
    }

    /// Whether this copy is the one that talks to pretix: a pretix
    /// `[source]` and no hub to go through (the hub's own copy, or a kiosk
    /// working without hub).
    pub fn talks_to_pretix(&self) -> bool {
        matches!(self.config.source, Source::Pretix(_)) && self.config.hub.url.is_none()
    }

    pub fn pretix_client(&self, timeout: Duration) -> Result<Client> {
        Ok(Client::new(self.pretix_settings()?, timeout)?)
    }

    /// `accueil import --from pretix`: downloads the check-in list.
    pub fn import_pretix(
        &mut self,
        options: ImportOptions,
        progress: impl FnMut(usize, usize),
    ) -> Result<PretixImported> {
        let client = self.pretix_client(Duration::from_secs(60))?;
        self.pull_pretix(&client, options, progress)
    }

    fn pull_pretix(
        &mut self,
        client: &Client,
        options: ImportOptions,
        progress: impl FnMut(usize, usize),
    ) -> Result<PretixImported> {
        let settings = self.pretix_settings()?.clone();
        let items = client.items()?;
        let mut positions = client.positions(progress)?;
        // Pages asked one after the other may overlap when the list
        // changes meanwhile.
        let mut seen = std::collections::HashSet::new();
        positions.retain(|p| seen.insert(p.id));
        let download = pretix::download_of(
            &positions,
            &items,
            &self.config.event,
            &settings.products,
            settings.checkin_list,
        );
        let report = self.apply_entries(&download.entries, options, |_, _| {})?;
        let mut arrivals = 0;
        if report.committed {
            let event = &self.config.event;
            let me = self.config.kiosk.id.clone();
            arrivals = self
                .store
                .bring_in_pretix_checkins(&me, &download.checkins, |at| {
                    let date = event.timezone.to_datetime(at).date();
                    match event.resolve_day(None, date) {
                        Ok((day, _)) => day.date,
                        Err(_) => event.first_day().date,
                    }
                })?;
            self.store
                .set_sync_value(SyncKey::PretixPulled, &self.now().to_string())?;
            self.pretix_answered()?;
        }
        Ok(PretixImported {
            source: format!(
                "pretix {}/{}, liste {}",
                settings.organizer, settings.event, settings.checkin_list
            ),
            positions: download.positions,
            report,
            warnings: download.warnings,
            arrivals,
        })
    }

    /// Sends every arrival and undo pretix has not settled, oldest first,
    /// until none is left or pretix asks to wait.
    fn push_pretix(&mut self, client: &Client, round: &mut PretixRound) -> Result<()> {
        let list = client.list();
        loop {
            let batch = self.store.pretix_pending(PUSH_BATCH)?;
            if batch.is_empty() {
                return Ok(());
            }
            for p in batch {
                let pending = Pending {
                    reverted: p.reverted.as_deref().and_then(Answer::parse_stored),
                    record: p.record,
                    code: p.code,
                    walk_in: p.walk_in,
                    undone: p.undone,
                };
                let id = pending.record.id;
                let (verdict, forced) = match pretix::plan(&pending, list, self.now()) {
                    Push::Local { why } => {
                        (Verdict::Settled(Answer::Local, Some(why.to_owned())), false)
                    }
                    Push::Redeem(body) => {
                        let (http, reply) = client.redeem(&body)?;
                        self.pretix_answered()?;
                        (pretix::judge_redeem(http, &reply), body.force)
                    }
                    Push::Annul { nonce } => {
                        let http = client.annul(&nonce)?;
                        self.pretix_answered()?;
                        (pretix::judge_annul(http), false)
                    }
                };
                let (answer, reason) = match verdict {
                    Verdict::Retry(why) => {
                        round.retry = Some(why);
                        return Ok(());
                    }
                    Verdict::Settled(answer, reason) => (answer, reason),
                };
                self.store.settle_pretix(
                    id,
                    answer.as_str(),
                    reason.as_deref(),
                    forced,
                    self.now(),
                )?;
                match answer {
                    Answer::Accepted => round.accepted += 1,
                    Answer::AlreadyIn => round.already_in += 1,
                    Answer::Annulled => round.annulled += 1,
                    Answer::Local => round.local += 1,
                    Answer::Refused | Answer::AnnulRefused => {
                        round.notices.extend(
                            self.store
                                .pretix_notices(20)?
                                .into_iter()
                                .filter(|n| n.record == id),
                        );
                    }
                }
            }
        }
    }

    /// One round with pretix: push what waits, then (when `pull`) download
    /// the list and bring pretix's check-ins in. `accueil sync --once` and
    /// the background of a kiosk without hub, or of the hub.
    pub fn pretix_once(&mut self, timeout: Duration, pull: bool) -> Result<PretixRound> {
        let client = self.pretix_client(timeout)?;
        self.pretix_round(&client, pull)
    }

    /// [`Kiosk::pretix_once`] with a client kept by the caller (a thread
    /// that comes back every few seconds keeps its connections).
    pub fn pretix_round(&mut self, client: &Client, pull: bool) -> Result<PretixRound> {
        let round = self.push_and_pull(client, pull);
        if let Err(AppError::Pretix(_)) = &round {
            self.store.set_sync_value(SyncKey::PretixOffline, "1")?;
        }
        round
    }

    /// pretix answered: when, and that it can be reached.
    fn pretix_answered(&self) -> Result<()> {
        self.store
            .set_sync_value(SyncKey::PretixContact, &self.now().to_string())?;
        Ok(self.store.set_sync_value(SyncKey::PretixOffline, "0")?)
    }

    /// Whether pretix answered the last time it was asked (a round with
    /// nothing to send asks nothing).
    pub fn pretix_online(&self) -> bool {
        !matches!(self.store.sync_value(SyncKey::PretixOffline), Ok(Some(v)) if v == "1")
    }

    /// The round of a thread that comes back every few seconds (the
    /// kiosk's, the hub's): the list downloaded when due, the client kept in
    /// `kept` between rounds (made on first use, so that a missing token is
    /// told each round until it is fixed).
    pub fn pretix_round_kept(
        &mut self,
        kept: &mut Option<Client>,
        timeout: Duration,
    ) -> Result<PretixRound> {
        let pull = self.pretix_pull_due()?;
        let client = match kept {
            Some(c) => c,
            None => kept.insert(self.pretix_client(timeout)?),
        };
        self.pretix_round(client, pull)
    }

    fn push_and_pull(&mut self, client: &Client, pull: bool) -> Result<PretixRound> {
        let mut round = PretixRound::default();
        self.push_pretix(client, &mut round)?;
        if pull {
            let imported = self.pull_pretix(client, ImportOptions::default(), |_, _| {})?;
            let r = &imported.report;
            round.pulled = true;
            round.list_changed = r.added + r.updated + r.cancelled > 0;
            round.arrivals_in = imported.arrivals;
            round.warnings = imported.warnings;
        }
        round.pending = self.store.pretix_pending_count()?;
        Ok(round)
    }

    /// Whether the list is due for a download (`[source] refresh_seconds`).
    pub fn pretix_pull_due(&self) -> Result<bool> {
        let every = self.pretix_settings()?.refresh;
        let last: Option<Timestamp> = self.store.sync_parsed(SyncKey::PretixPulled)?;
        Ok(last.is_none_or(|t| {
            self.now().duration_since(t)
                >= jiff::SignedDuration::try_from(every).unwrap_or_default()
        }))
    }

    /// Keeps what the hub told of pretix (as a sync round does).
    pub fn remember_hub_pretix(&self, news: &crate::protocol::PretixNews) -> Result<()> {
        self.store.set_sync_value(
            SyncKey::HubPretix,
            &serde_json::to_string(news).unwrap_or_default(),
        )?;
        Ok(())
    }

    /// How things stand with pretix, for the desk: from this copy when it
    /// talks to pretix, else as the hub last told.
    pub fn pretix_news(&self) -> Result<crate::protocol::PretixNews> {
        if self.talks_to_pretix() {
            let (pending, last_contact) = self.pretix_status()?;
            return Ok(crate::protocol::PretixNews {
                pending,
                last_contact,
                notices: self.store.pretix_notices(NOTICES)?,
            });
        }
        Ok(self
            .store
            .sync_value(SyncKey::HubPretix)?
            .and_then(|v| serde_json::from_str(&v).ok())
            .unwrap_or_default())
    }

    /// pretix's refusals staff have not marked seen, oldest first: those
    /// about this kiosk's own scans (a hub knows every door's).
    pub fn unseen_pretix_notices(&self) -> Result<Vec<PretixNotice>> {
        self.unseen_among(self.pretix_news()?.notices)
    }

    /// Of `notices` (newest first, as in [`crate::protocol::PretixNews`]), those
    /// about this kiosk's scans that staff have not marked seen, oldest first.
    pub fn unseen_among(&self, notices: Vec<PretixNotice>) -> Result<Vec<PretixNotice>> {
        let me = &self.config.kiosk.id;
        let seen: Option<Timestamp> = self.store.sync_parsed(SyncKey::PretixSeen)?;
        let mut unseen: Vec<PretixNotice> = notices
            .into_iter()
            .filter(|n| &n.kiosk == me && seen.is_none_or(|s| n.at > s))
            .collect();
        unseen.reverse();
        Ok(unseen)
    }

    /// Staff saw pretix's refusals up to `at`.
    pub fn mark_pretix_notices_seen(&self, at: Timestamp) -> Result<()> {
        Ok(self
            .store
            .set_sync_value(SyncKey::PretixSeen, &at.to_string())?)
    }

    /// Arrivals and undos waiting for pretix, and when pretix last answered.
    pub fn pretix_status(&self) -> Result<(i64, Option<Timestamp>)> {
        let last = self.store.sync_parsed(SyncKey::PretixContact)?;
        Ok((self.store.pretix_pending_count()?, last))
    }
}
