//! At the door: a scan or a name checked in (the decision and its record
//! in one transaction), undone, a walk-in registered, details fixed, and
//! what a scan says of the scanner's keyboard.

use serde::Serialize;

use super::{AppError, Kiosk, Result};
use crate::domain::keyboard::Mix;
use crate::domain::payload::{ArrivalPayload, Payload};
use crate::domain::{
    Arrival, DayReason, DaySpec, Details, DetailsPatch, EventDay, NewRecord, Outcome, Record,
    RecordKind, Registrant, decide,
};
use crate::store::{CodeMatch, Edit, Lookup};

/// The result of a check-in, for the desk and for scripts.
#[derive(Debug, Clone, PartialEq)]
pub struct CheckIn {
    pub outcome: Outcome,
    pub day: EventDay,
    pub day_reason: DayReason,
    pub registrant: Option<Registrant>,
    /// For `already_in`: the first arrival that day.
    pub previous: Option<Arrival>,
    /// The arrival recorded (`welcome` only).
    pub record: Option<Record>,
    /// How the scanned code was read, when not as typed.
    pub scan: ScanNote,
}

/// What a scan says about the scanner's keyboard layout.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ScanNote {
    /// The ticket was found only once this keyboard mix-up was undone (a
    /// scanner in US mode on an AZERTY computer): staff should fix the
    /// scanner's setting.
    pub via: Option<Mix>,
    /// The other mix-ups that read the scan as the same ticket.
    pub also: Vec<Mix>,
    /// The scan could be several tickets, each as read (`None`) or under
    /// a mix-up: nobody was checked in.
    pub ambiguous: Vec<(Option<Mix>, Registrant)>,
}

impl ScanNote {
    /// Every mix-up that explains the ticket found.
    pub fn mixes(&self) -> Vec<Mix> {
        self.via
            .into_iter()
            .chain(self.also.iter().copied())
            .collect()
    }
}

/// What « Tester le lecteur » found out about one scan.
#[derive(Debug, Clone, PartialEq)]
pub struct ScanTest {
    /// Exactly what arrived.
    pub read: String,
    /// Whom it designates, as read or once a keyboard mix-up is undone.
    pub registrant: Option<Registrant>,
    /// How it was read, as a check-in reports it.
    pub scan: ScanNote,
    /// No ticket matched: the mix-ups under which what arrived reads as a
    /// plausible code (one code may come with several).
    pub likely: Vec<(Mix, String)>,
    /// kiosk.toml `[kiosk] scanner_layout`.
    pub pinned: crate::domain::keyboard::ScannerLayout,
}

impl ScanTest {
    /// What arrived, with invisible characters shown (a scanner that adds
    /// a Tab or a prefix is found out here).
    pub fn visible(&self) -> String {
        self.read
            .chars()
            .map(|c| match c {
                '\t' => "⇥".to_owned(),
                '\r' | '\n' => "↵".to_owned(),
                c if c.is_control() => format!("\\u{{{:04x}}}", c as u32),
                c => c.to_string(),
            })
            .collect()
    }

    /// The verdict, in a sentence for staff. Every layout that explains
    /// the scan is named: the first that matches may be the wrong one.
    pub fn verdict(&self) -> String {
        use crate::domain::keyboard::{advice_all, describe_all};
        let mixes = self.scan.mixes();
        match (&self.registrant, mixes.is_empty()) {
            (Some(r), true) => {
                return format!(
                    "billet reconnu tel quel : {} — le lecteur est bien réglé",
                    r.display_name()
                );
            }
            (Some(r), false) => {
                return format!(
                    "billet reconnu une fois la disposition du clavier corrigée : {} ; {} — {}",
                    r.display_name(),
                    describe_all(&mixes),
                    advice_all(&mixes)
                );
            }
            (None, _) => {}
        }
        if !self.scan.ambiguous.is_empty() {
            let each: Vec<String> = self
                .scan
                .ambiguous
                .iter()
                .map(|(m, r)| match m {
                    None => format!("{} [{}] tel quel", r.display_name(), r.code),
                    Some(m) => format!("{} [{}] si {}", r.display_name(), r.code, m.describe()),
                })
                .collect();
            return format!(
                "plusieurs billets possibles selon la disposition du clavier : {} ; personne n'est enregistré — réglez le lecteur sur le clavier de ce poste (sa notice), ou fixez [kiosk] scanner_layout dans kiosk.toml",
                each.join(", ")
            );
        }
        if self.likely.is_empty() {
            return if self.read.trim().is_empty() {
                "rien reçu : le lecteur n'a rien tapé (ou seulement Entrée)".to_owned()
            } else {
                "aucun billet ne porte ce code, et il ne ressemble pas à un code mal tapé : scannez un billet de l'événement".to_owned()
            };
        }
        let mut codes: Vec<&str> = self.likely.iter().map(|(_, c)| c.as_str()).collect();
        codes.dedup();
        let each: Vec<String> = codes
            .iter()
            .map(|code| {
                let mixes: Vec<Mix> = self
                    .likely
                    .iter()
                    .filter(|(_, c)| c == code)
                    .map(|(m, _)| *m)
                    .collect();
                format!("« {code} » si {}", describe_all(&mixes))
            })
            .collect();
        let all: Vec<Mix> = self.likely.iter().map(|(m, _)| *m).collect();
        format!(
            "aucun billet, mais « {} » ressemble à un code tapé de travers : {} — {}",
            self.read.trim(),
            each.join(" ; ou "),
            advice_all(&all)
        )
    }
}

impl From<&CodeMatch> for ScanNote {
    fn from(m: &CodeMatch) -> ScanNote {
        ScanNote {
            via: m.via,
            also: m.also.clone(),
            ambiguous: m.ambiguous.clone(),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum UndoOutcome {
    /// The arrival was reverted (by a new `undo` record).
    Undone,
    /// The person has no arrival to revert.
    NothingToUndo,
    Unknown,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Undo {
    pub outcome: UndoOutcome,
    pub registrant: Option<Registrant>,
    /// The arrival reverted.
    pub reverted: Option<Arrival>,
    pub record: Option<Record>,
}

/// A walk-in: registered, then checked in.
#[derive(Debug, Clone, PartialEq)]
pub struct WalkIn {
    pub registrant: Registrant,
    /// The `walk_in` record.
    pub record: Record,
    /// Their check-in (not `welcome` when, say, their category is not
    /// admitted that day).
    pub check_in: CheckIn,
}

impl Kiosk {
    /// Checks a person in: the decision and, for `welcome`, a durable arrival
    /// record, in one transaction.
    pub fn check_in(&mut self, lookup: &Lookup, day: Option<DaySpec>) -> Result<CheckIn> {
        self.admit(lookup, day, true)
    }

    /// The check-in decision, and its arrival record when `record`.
    pub(super) fn admit(
        &mut self,
        lookup: &Lookup,
        day: Option<DaySpec>,
        record: bool,
    ) -> Result<CheckIn> {
        let (day, day_reason) = self.recording_day(day)?;
        let event = &self.config.event;
        let policy = self.config.policy;
        let (outcome, seen, record) = self.store.decide_and_record(
            lookup,
            &self.config.kiosk.id,
            (self.clock)(),
            |seen| {
                let registrant = seen.registrant.as_ref();
                let outcome = decide(event, policy, registrant, day, seen.arrival_on(day.date));
                let record = match (outcome, registrant) {
                    (Outcome::Welcome, Some(r)) if record => Some(NewRecord {
                        kind: RecordKind::Arrival,
                        registrant: r.uid,
                        day: Some(day.date),
                        reverts: None,
                        payload: Payload::Arrival(ArrivalPayload {
                            code: r.code.clone(),
                            ..ArrivalPayload::default()
                        })
                        .to_value(),
                    }),
                    _ => None,
                };
                (outcome, record)
            },
        )?;
        let previous = match outcome {
            Outcome::AlreadyIn => seen.arrival_on(day.date).cloned(),
            _ => None,
        };
        self.remember_mix(seen.scan.via)?;
        Ok(CheckIn {
            outcome,
            day,
            day_reason,
            scan: ScanNote::from(&seen.scan),
            registrant: seen.registrant,
            previous,
            record,
        })
    }

    /// What a scanned or typed code designates, and how it was read: as
    /// typed, or once a keyboard mix-up was undone (remembered, so the next
    /// scan tries it first), or ambiguously.
    pub fn resolve_scan(&mut self, code: &str) -> Result<CodeMatch> {
        let found = self.store.resolve_code(code)?;
        self.remember_mix(found.via)?;
        Ok(found)
    }

    /// « Tester le lecteur »: what a scan brought, whom it designates, and
    /// what it says of the scanner's keyboard setting.
    pub fn test_scan(&mut self, read: &str) -> Result<ScanTest> {
        let found = self.resolve_scan(read)?;
        let likely = if found.registrant.is_none() && found.ambiguous.is_empty() {
            crate::domain::keyboard::likely_mixes(read.trim())
        } else {
            Vec::new()
        };
        let scan = ScanNote::from(&found);
        Ok(ScanTest {
            read: read.to_owned(),
            registrant: found.registrant,
            scan,
            likely,
            pinned: self.config.kiosk.scanner_layout,
        })
    }

    /// What the scanner's habits are here: the mix-up unknown scans last
    /// matched under.
    pub fn remembered_mix(&self) -> Result<Option<Mix>> {
        Ok(self.store.remembered_mix()?)
    }

    fn remember_mix(&mut self, via: Option<Mix>) -> Result<()> {
        if let Some(mix) = via
            && self.store.remembered_mix()? != Some(mix)
        {
            self.store.remember_mix(mix)?;
        }
        Ok(())
    }

    /// Reverts a person's last arrival (on `day` when given), by appending an
    /// `undo` record; nothing is ever deleted.
    pub fn undo(&mut self, lookup: &Lookup, day: Option<DaySpec>) -> Result<Undo> {
        let day = match day {
            Some(spec) => Some(self.day(Some(spec))?.0.date),
            None => None,
        };
        let (target, seen, record) = self.store.decide_and_record(
            lookup,
            &self.config.kiosk.id,
            (self.clock)(),
            |seen| {
                let target = seen
                    .arrivals
                    .iter()
                    .filter(|a| day.is_none_or(|d| a.day == d))
                    .max_by_key(|a| (a.at, a.record))
                    .cloned();
                let record = match (&target, &seen.registrant) {
                    (Some(a), Some(r)) => Some(NewRecord {
                        kind: RecordKind::Undo,
                        registrant: r.uid,
                        day: Some(a.day),
                        reverts: Some(a.record),
                        payload: serde_json::json!({}),
                    }),
                    _ => None,
                };
                (target, record)
            },
        )?;
        let outcome = match (&seen.registrant, &target) {
            (None, _) => UndoOutcome::Unknown,
            (Some(_), None) => UndoOutcome::NothingToUndo,
            (Some(_), Some(_)) => UndoOutcome::Undone,
        };
        Ok(Undo {
            outcome,
            registrant: seen.registrant,
            reverted: target,
            record,
        })
    }

    /// Registers someone who is not on the list and checks them in. Two
    /// transactions: a crash between them leaves a registered walk-in who has
    /// not arrived yet, whom the desk finds by name.
    pub fn walk_in(&mut self, details: Details, day: Option<DaySpec>) -> Result<WalkIn> {
        let details = details.validated(&self.config.event)?;
        let day_resolved = self.recording_day(day)?;
        let (registrant, record) =
            self.store
                .create_walk_in(&self.config.kiosk.id, self.now(), &details)?;
        let check_in = self.check_in(
            &Lookup::Uid(registrant.uid),
            Some(DaySpec::Date(day_resolved.0.date)),
        )?;
        Ok(WalkIn {
            registrant,
            record,
            check_in: CheckIn {
                day_reason: day_resolved.1,
                ..check_in
            },
        })
    }

    /// Fixes some of a registrant's details (a misspelt name, a new
    /// organisation): validated, logged, and kept through re-imports unless
    /// the source changes the same field.
    pub fn edit(&mut self, lookup: &Lookup, patch: DetailsPatch) -> Result<Edit> {
        let not_found = || AppError::NotFound(lookup.to_string());
        let current = self.store.registrant(lookup)?.ok_or_else(not_found)?;
        let details = patch
            .apply(&current.details())
            .validated(&self.config.event)?;
        self.store
            .edit_registrant(
                &Lookup::Id(current.id),
                &self.config.kiosk.id,
                self.now(),
                &details,
            )?
            .ok_or_else(not_found)
    }
}
