//! The hub's register of kiosks: the credentials it gave at enrolment
//! (only their secrets' hashes), the ids it bars, and which credential
//! each log belongs to.

use jiff::Timestamp;
use rusqlite::{OptionalExtension, TransactionBehavior, params};
use serde::Serialize;

use super::{Result, Store};

/// A credential as the hub holds it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredCredential {
    pub id: String,
    pub kiosk: String,
    pub secret_hash: String,
    pub revoked: bool,
}

/// One enrolled kiosk id, as organisers see it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct EnrolledKiosk {
    pub kiosk: String,
    /// Credentials given to this id that still work (more than one: the
    /// id was enrolled again — a replaced disk, or a twin).
    pub credentials: usize,
    pub first_enrolled: Timestamp,
    pub last_enrolled: Timestamp,
    /// Barred: its credentials refused, and it cannot enrol again.
    pub revoked: bool,
}

impl Store {
    /// Keeps a new credential for `kiosk`, unless that id is barred
    /// (`false`).
    pub fn add_credential(
        &mut self,
        id: &str,
        kiosk: &str,
        secret_hash: &str,
        now: Timestamp,
    ) -> Result<bool> {
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        let barred: bool = tx
            .prepare_cached("SELECT EXISTS (SELECT 1 FROM kiosk_barred WHERE kiosk = ?1)")?
            .query_row([kiosk], |r| r.get(0))?;
        if barred {
            return Ok(false);
        }
        tx.prepare_cached(
            "INSERT INTO kiosk_credential (id, kiosk, secret_hash, enrolled_at)
             VALUES (?1, ?2, ?3, ?4)",
        )?
        .execute(params![id, kiosk, secret_hash, now.to_string()])?;
        tx.commit()?;
        Ok(true)
    }

    /// The credential of public part `id`.
    pub fn credential(&self, id: &str) -> Result<Option<StoredCredential>> {
        Ok(self
            .conn
            .prepare_cached(
                "SELECT id, kiosk, secret_hash, revoked_at IS NOT NULL
                 FROM kiosk_credential WHERE id = ?1",
            )?
            .query_row([id], |r| {
                Ok(StoredCredential {
                    id: r.get(0)?,
                    kiosk: r.get(1)?,
                    secret_hash: r.get(2)?,
                    revoked: r.get(3)?,
                })
            })
            .optional()?)
    }

    /// Revokes every credential of `kiosk` and bars the id from enrolling
    /// again; the number of credentials revoked.
    pub fn revoke_kiosk(&mut self, kiosk: &str, now: Timestamp) -> Result<usize> {
        // On the disk before it is said done, whatever the hub's setting
        // (see `Store::hub_durability`).
        let was: i64 = self
            .conn
            .query_row("PRAGMA synchronous", [], |r| r.get(0))?;
        self.conn.pragma_update(None, "synchronous", "FULL")?;
        let done = self.revoke_in_one(kiosk, now);
        self.conn.pragma_update(None, "synchronous", was)?;
        done
    }

    fn revoke_in_one(&mut self, kiosk: &str, now: Timestamp) -> Result<usize> {
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        let n = tx
            .prepare_cached(
                "UPDATE kiosk_credential SET revoked_at = ?2
                 WHERE kiosk = ?1 AND revoked_at IS NULL",
            )?
            .execute(params![kiosk, now.to_string()])?;
        tx.prepare_cached(
            "INSERT INTO kiosk_barred (kiosk, barred_at) VALUES (?1, ?2)
             ON CONFLICT (kiosk) DO NOTHING",
        )?
        .execute(params![kiosk, now.to_string()])?;
        tx.commit()?;
        Ok(n)
    }

    /// Whether the hub knows this kiosk id: enrolled (even revoked), barred,
    /// or in the log.
    pub fn kiosk_seen(&self, kiosk: &str) -> Result<bool> {
        Ok(self.conn.query_row(
            "SELECT EXISTS (SELECT 1 FROM kiosk_credential WHERE kiosk = ?1)
                 OR EXISTS (SELECT 1 FROM kiosk_barred WHERE kiosk = ?1)
                 OR EXISTS (SELECT 1 FROM record WHERE kiosk = ?1)",
            [kiosk],
            |r| r.get(0),
        )?)
    }

    /// Lets a barred id enrol again (its revoked credentials stay
    /// revoked); whether it was barred.
    pub fn readmit_kiosk(&mut self, kiosk: &str) -> Result<bool> {
        Ok(self
            .conn
            .prepare_cached("DELETE FROM kiosk_barred WHERE kiosk = ?1")?
            .execute([kiosk])?
            > 0)
    }

    /// Every kiosk id enrolled or barred, by id.
    pub fn enrolled_kiosks(&self) -> Result<Vec<EnrolledKiosk>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT c.kiosk,
                    SUM(c.revoked_at IS NULL),
                    MIN(c.enrolled_at), MAX(c.enrolled_at),
                    EXISTS (SELECT 1 FROM kiosk_barred b WHERE b.kiosk = c.kiosk)
             FROM kiosk_credential c GROUP BY c.kiosk ORDER BY c.kiosk",
        )?;
        let rows = stmt.query_map([], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, i64>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, String>(3)?,
                r.get::<_, bool>(4)?,
            ))
        })?;
        let mut out = Vec::new();
        for row in rows {
            let (kiosk, live, first, last, revoked) = row?;
            out.push(EnrolledKiosk {
                kiosk,
                credentials: usize::try_from(live).unwrap_or(0),
                first_enrolled: first.parse().unwrap_or_default(),
                last_enrolled: last.parse().unwrap_or_default(),
                revoked,
            });
        }
        Ok(out)
    }

    /// The credential log `log` is bound to, if any.
    pub fn log_credential(&self, log: &str) -> Result<Option<String>> {
        Ok(self
            .conn
            .prepare_cached("SELECT credential FROM log_credential WHERE log = ?1")?
            .query_row([log], |r| r.get(0))
            .optional()?)
    }

    /// Binds `log` to `credential` unless it is bound already.
    pub fn bind_log(&self, log: &str, credential: &str) -> Result<()> {
        self.conn
            .prepare_cached(
                "INSERT INTO log_credential (log, credential) VALUES (?1, ?2)
                 ON CONFLICT (log) DO NOTHING",
            )?
            .execute(params![log, credential])?;
        Ok(())
    }
}
