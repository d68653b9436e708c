//! What the desk changes in the list: walk-ins and fixes, each logged.

use std::collections::BTreeMap;

use jiff::Timestamp;
use rusqlite::{TransactionBehavior, params};
use uuid::Uuid;

use super::log::append;
use super::{
    Fields, Keys, KnownTerms, Lookup, NewRegistrant, Result, Store, find_registrant,
    index_registrant, insert_registrant, ts_text,
};
use crate::domain::payload::{Change, EditPayload, Payload, WalkInPayload};
use crate::domain::registrant::walk_in_code;
use crate::domain::{Details, NewRecord, Origin, Record, RecordKind, Registrant, Status};

/// The result of an edit: the registrant as now, and the record when
/// something changed.
#[derive(Debug, Clone, PartialEq)]
pub struct Edit {
    pub registrant: Registrant,
    pub record: Option<Record>,
    /// Fields that changed.
    pub changed: Vec<&'static str>,
}

fn fields(d: &Details, status: Status) -> Fields {
    Fields {
        first_name: d.first_name.clone(),
        last_name: d.last_name.clone(),
        organisation: d.organisation.clone(),
        email: d.email.clone(),
        category: d.category.clone(),
        status,
    }
}

impl Store {
    /// Registers someone who is not on the list (validated details), with a
    /// new uid and `W-` code, and logs a `walk_in` record carrying everything
    /// another kiosk needs to create them too.
    pub fn create_walk_in(
        &mut self,
        kiosk: &str,
        now: Timestamp,
        details: &Details,
    ) -> Result<(Registrant, Record)> {
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        let uid = Uuid::now_v7();
        let code = walk_in_code(uid);
        insert_walk_in(&tx, uid, &code, details, now)?;
        let record = append(
            &tx,
            kiosk,
            now,
            NewRecord::about(
                RecordKind::WalkIn,
                uid,
                Payload::WalkIn(WalkInPayload {
                    code: code.clone(),
                    details: details.clone(),
                })
                .to_value(),
            ),
        )?;
        let registrant =
            find_registrant(&tx, &Lookup::Uid(uid))?.ok_or(rusqlite::Error::QueryReturnedNoRows)?;
        tx.commit()?;
        Ok((registrant, record))
    }

    /// Fixes a registrant's details (validated) and logs a
    /// `registrant_edited` record with each change's old and new value. The
    /// source's values are kept aside, so a re-import does not undo the fix
    /// unless the source itself changes that field. `None` when nobody
    /// matches.
    pub fn edit_registrant(
        &mut self,
        lookup: &Lookup,
        kiosk: &str,
        now: Timestamp,
        details: &Details,
    ) -> Result<Option<Edit>> {
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        let Some(before) = find_registrant(&tx, lookup)? else {
            return Ok(None);
        };
        let old = before.details();
        let mut changes = BTreeMap::new();
        let mut changed = Vec::new();
        for (name, from, to) in [
            ("first_name", &old.first_name, &details.first_name),
            ("last_name", &old.last_name, &details.last_name),
            ("organisation", &old.organisation, &details.organisation),
            ("email", &old.email, &details.email),
            ("category", &old.category, &details.category),
        ] {
            if from != to {
                changes.insert(
                    name.to_owned(),
                    Change {
                        from: Some(from.clone()),
                        to: to.clone(),
                    },
                );
                changed.push(name);
            }
        }
        if changed.is_empty() {
            return Ok(Some(Edit {
                registrant: before,
                record: None,
                changed,
            }));
        }
        write_details(&tx, &before, details, now)?;
        // A fix made after seeing another one must win over it on every
        // copy (the latest fix of a field wins, by time): later than every
        // fix of this person held here, whatever this kiosk's clock says.
        let latest: Option<String> = tx
            .prepare_cached(
                "SELECT MAX(at) FROM record WHERE registrant = ?1 AND kind = 'registrant_edited'",
            )?
            .query_row([before.uid.to_string()], |r| r.get(0))?;
        let at = match latest
            .map(|t| super::parse_ts("record.at", &t))
            .transpose()?
        {
            Some(t) if t >= now => t
                .checked_add(jiff::SignedDuration::from_millis(1))
                .unwrap_or(t),
            _ => now,
        };
        let record = append(
            &tx,
            kiosk,
            at,
            NewRecord::about(
                RecordKind::RegistrantEdited,
                before.uid,
                Payload::RegistrantEdited(EditPayload { changes }).to_value(),
            ),
        )?;
        let registrant = find_registrant(&tx, &Lookup::Id(before.id))?
            .ok_or(rusqlite::Error::QueryReturnedNoRows)?;
        tx.commit()?;
        Ok(Some(Edit {
            registrant,
            record: Some(record),
            changed,
        }))
    }
}

/// Writes a registrant's new details and search entries. An imported
/// registrant keeps the source's values aside (the first fix snapshots
/// them), so a re-import does not undo the fix unless the source changes
/// that field.
pub(crate) fn write_details(
    conn: &rusqlite::Connection,
    before: &Registrant,
    details: &Details,
    now: Timestamp,
) -> Result<()> {
    let new = fields(details, before.status);
    let keys = Keys::of(&before.code, &new);
    let snapshot =
        serde_json::to_string(&fields(&before.details(), before.status)).unwrap_or_default();
    conn.prepare_cached(
        "UPDATE registrant SET first_name = ?2, last_name = ?3, organisation = ?4, email = ?5,
            category = ?6, last_key = ?7, first_key = ?8, updated_at = ?9,
            source = CASE WHEN origin = 'import' THEN COALESCE(source, ?10) ELSE source END
         WHERE id = ?1",
    )?
    .execute(params![
        before.id,
        new.first_name,
        new.last_name,
        new.organisation,
        new.email,
        new.category,
        keys.last,
        keys.first,
        ts_text(now),
        snapshot
    ])?;
    index_registrant(conn, before.id, &keys, false, &mut KnownTerms::new())?;
    Ok(())
}

/// Creates a walk-in registered at another kiosk, from its `walk_in`
/// record, unless this copy has them already.
pub(crate) fn create_remote_walk_in(
    conn: &rusqlite::Connection,
    uid: Uuid,
    code: &str,
    details: &Details,
    now: Timestamp,
) -> Result<()> {
    if find_registrant(conn, &Lookup::Uid(uid))?.is_some() {
        return Ok(());
    }
    insert_walk_in(conn, uid, code, details, now)
}

/// A walk-in's row: valid, with no source behind it.
fn insert_walk_in(
    conn: &rusqlite::Connection,
    uid: Uuid,
    code: &str,
    details: &Details,
    now: Timestamp,
) -> Result<()> {
    insert_registrant(
        conn,
        NewRegistrant {
            uid,
            code,
            fields: &fields(details, Status::Valid),
            origin: Origin::WalkIn,
            extra: "{}",
            now: &ts_text(now),
        },
        &mut KnownTerms::new(),
    )?;
    Ok(())
}
