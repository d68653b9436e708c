//! Kiosks and their credentials. At the hub: enrolment (a kiosk id gets a
//! credential of its own), who a credential is, revocation and
//! readmission. At a kiosk: its credential, asked for at the first sync
//! and asked for again when the hub no longer knows it.

use serde::{Deserialize, Serialize};

use super::{HubCopy, Kiosk, Result};
use crate::store::EnrolledKiosk;
use crate::sync::{Client, Credential, HUB_CREDENTIAL};

/// Who presented a credential, as the hub sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Holder {
    /// A kiosk's valid credential.
    Kiosk { kiosk: String, credential: String },
    /// Not a credential this hub gave (or the hub's data was restored from
    /// before it): the kiosk may enrol again.
    Unknown,
    /// A credential an organiser revoked.
    Revoked { kiosk: String },
}

/// What `accueil kiosks` reports: the kiosks enrolled at this hub.
#[derive(Debug, Clone, Serialize)]
pub struct KiosksReport {
    pub kiosks: Vec<EnrolledKiosk>,
    /// What the command changed (`revoked`, `readmitted`), if anything.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub changed: Option<String>,
}

impl std::fmt::Display for KiosksReport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if let Some(changed) = &self.changed {
            writeln!(f, "{changed}")?;
        }
        if self.kiosks.is_empty() {
            return writeln!(f, "aucun kiosque inscrit à ce hub");
        }
        for k in &self.kiosks {
            let when = jiff::tz::TimeZone::system()
                .to_datetime(k.last_enrolled)
                .strftime(crate::domain::when::DAY_MONTH_TIME);
            let state = if k.revoked {
                "révoqué".to_owned()
            } else if k.credentials > 1 {
                format!("{} identifiants valides (réinscrit)", k.credentials)
            } else {
                "inscrit".to_owned()
            };
            writeln!(f, "{:<24} {state}, dernière inscription le {when}", k.kiosk)?;
        }
        Ok(())
    }
}

#[derive(Deserialize)]
struct Saved {
    url: String,
    credential: String,
    /// The kiosk id it was given for (absent when saved by an older
    /// version: the hub then says whether it is still this kiosk's).
    #[serde(default)]
    kiosk: Option<String>,
}

impl Kiosk {
    /// The database file of this copy.
    pub fn database(&self) -> std::path::PathBuf {
        self.store.path().to_owned()
    }
}

/// The kiosks the hub enrolled, and the copies it hands new ones.
impl HubCopy {
    /// At the hub: writes at `to` the copy a new kiosk starts from, read
    /// from `database` on a connection of its own (the hub goes on).
    pub fn write_snapshot(database: &std::path::Path, to: &std::path::Path) -> Result<String> {
        Ok(crate::store::Store::write_snapshot(database, to)?)
    }

    /// At the hub: from the copy at `full` (left as it is, copied to
    /// `scratch` first), writes at `to` the one kiosks that serve
    /// attendees take: no e-mail, no free field, no page that held them.
    pub fn write_minimal_snapshot(
        full: &std::path::Path,
        scratch: &std::path::Path,
        to: &std::path::Path,
    ) -> Result<()> {
        let made = std::fs::copy(full, scratch)
            .map_err(|e| crate::store::StoreError::Snapshot(format!("{} : {e}", scratch.display())))
            .and_then(|_| crate::store::Store::minimise_snapshot(scratch, to, ""));
        let _ = std::fs::remove_file(scratch);
        Ok(made?)
    }

    /// At the hub: a new credential for kiosk `kiosk`, or `None` when an
    /// organiser revoked that id.
    pub fn enrol_kiosk(&mut self, kiosk: &str) -> Result<Option<Credential>> {
        let credential = Credential::generate()?;
        let now = self.now();
        let kept =
            self.store
                .add_credential(&credential.id, kiosk, &credential.secret_hash(), now)?;
        Ok(kept.then_some(credential))
    }

    /// At the hub: whose credential `presented` is.
    pub fn credential_holder(&self, presented: &str) -> Result<Holder> {
        let Some(credential) = Credential::parse(presented) else {
            return Ok(Holder::Unknown);
        };
        Ok(match self.store.credential(&credential.id)? {
            Some(held) if credential.matches(&held.secret_hash) => {
                if held.revoked {
                    Holder::Revoked { kiosk: held.kiosk }
                } else {
                    Holder::Kiosk {
                        kiosk: held.kiosk,
                        credential: held.id,
                    }
                }
            }
            _ => Holder::Unknown,
        })
    }

    /// At the hub: revokes kiosk `kiosk` (every credential it was given;
    /// it cannot enrol again until readmitted).
    pub fn revoke_kiosk(&mut self, kiosk: &str) -> Result<KiosksReport> {
        // A misspelt id would bar nobody while the stolen kiosk kept
        // sending: only an id the hub has seen can be revoked.
        self.known_kiosk(kiosk)?;
        let now = self.now();
        let n = self.store.revoke_kiosk(kiosk, now)?;
        Ok(KiosksReport {
            kiosks: self.store.enrolled_kiosks()?,
            changed: Some(format!(
                "kiosque « {kiosk} » révoqué ({n} identifiant(s)) : le hub refuse désormais ses envois et ne lui donne plus la liste — s'il a été volé, changez aussi [hub] token au hub et sur les autres kiosques (ils gardent leurs identifiants)"
            )),
        })
    }

    /// At the hub: lets a revoked kiosk id enrol again.
    pub fn readmit_kiosk(&mut self, kiosk: &str) -> Result<KiosksReport> {
        // A misspelt id would readmit nobody, and say so.
        self.known_kiosk(kiosk)?;
        let was = self.store.readmit_kiosk(kiosk)?;
        Ok(KiosksReport {
            kiosks: self.store.enrolled_kiosks()?,
            changed: Some(if was {
                format!(
                    "kiosque « {kiosk} » réadmis : il se réinscrit à sa prochaine synchronisation"
                )
            } else {
                format!("kiosque « {kiosk} » n'était pas révoqué")
            }),
        })
    }

    /// At the hub: `kiosk` is an id it has seen (enrolled, revoked, or in
    /// the log); otherwise the error names those it knows.
    fn known_kiosk(&self, kiosk: &str) -> Result<()> {
        if self.store.kiosk_seen(kiosk)? {
            return Ok(());
        }
        Err(super::AppError::UnknownKiosk {
            kiosk: kiosk.to_owned(),
            enrolled: self
                .store
                .enrolled_kiosks()?
                .into_iter()
                .map(|k| k.kiosk)
                .collect(),
        })
    }

    /// At the hub: the kiosks enrolled.
    pub fn enrolled_kiosks(&self) -> Result<KiosksReport> {
        Ok(KiosksReport {
            kiosks: self.store.enrolled_kiosks()?,
            changed: None,
        })
    }
}

impl Kiosk {
    /// At a kiosk: the credential the hub at `url` gave it, if any — and
    /// if it was given to this kiosk's id: after `[kiosk] id` changed, or
    /// in a database from another kiosk, it is another's.
    fn saved_credential(&self, url: &str) -> Result<Option<Credential>> {
        let saved = self.store.kiosk_setting(HUB_CREDENTIAL)?;
        let me = &self.config.kiosk.id;
        Ok(saved
            .and_then(|s| serde_json::from_str::<Saved>(&s).ok())
            .filter(|s| s.url == url && s.kiosk.as_ref().is_none_or(|k| k == me))
            .and_then(|s| Credential::parse(&s.credential)))
    }

    /// At a kiosk: keeps the credential the hub at `url` gave it.
    pub(super) fn save_credential(&mut self, url: &str, credential: &str) -> Result<()> {
        let saved = serde_json::json!({
            "url": url, "credential": credential, "kiosk": self.config.kiosk.id,
        });
        self.store
            .set_kiosk_setting(HUB_CREDENTIAL, &saved.to_string())?;
        Ok(())
    }

    /// At a kiosk: its credential for the hub at `url`, enrolling when it
    /// has none (or `again`: the hub said it does not know it).
    pub(super) fn hub_credential(
        &mut self,
        client: &Client,
        url: &str,
        again: bool,
    ) -> Result<Credential> {
        if !again && let Some(c) = self.saved_credential(url)? {
            return Ok(c);
        }
        let me = self.config.kiosk.id.clone();
        let credential = client.enrol(&me)?;
        self.save_credential(url, &credential.to_string())?;
        Ok(credential)
    }
}
