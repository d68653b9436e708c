//! A kiosk's own credential: its public part names it, its secret part
//! only the kiosk holds (the hub keeps a hash).

use super::SyncError;

/// A kiosk's own credential, given by the hub at enrolment:
/// `acc1.<id>.<secret>` (the hub keeps the id and the secret's hash).
#[derive(Clone, PartialEq, Eq)]
pub struct Credential {
    pub id: String,
    secret: String,
}

impl std::fmt::Debug for Credential {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Credential")
            .field("id", &self.id)
            .finish_non_exhaustive()
    }
}

impl std::fmt::Display for Credential {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "acc1.{}.{}", self.id, self.secret)
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

impl Credential {
    /// A new credential from the system's random source.
    pub fn generate() -> Result<Credential, SyncError> {
        use ring::rand::SecureRandom;
        let rng = ring::rand::SystemRandom::new();
        let mut id = [0u8; 8];
        let mut secret = [0u8; 24];
        rng.fill(&mut id)
            .and_then(|()| rng.fill(&mut secret))
            .map_err(|_| SyncError::NoRandom)?;
        Ok(Credential {
            id: hex(&id),
            secret: hex(&secret),
        })
    }

    /// A credential as [`Display`](std::fmt::Display) writes it.
    pub fn parse(text: &str) -> Option<Credential> {
        let rest = text.strip_prefix("acc1.")?;
        let (id, secret) = rest.split_once('.')?;
        let hexy = |s: &str, n: usize| s.len() == n && s.bytes().all(|b| b.is_ascii_hexdigit());
        (hexy(id, 16) && hexy(secret, 48)).then(|| Credential {
            id: id.to_owned(),
            secret: secret.to_owned(),
        })
    }

    /// What the hub keeps of the secret.
    pub fn secret_hash(&self) -> String {
        hex(ring::digest::digest(&ring::digest::SHA256, self.secret.as_bytes()).as_ref())
    }

    /// Whether this is the credential whose hash the hub keeps.
    pub fn matches(&self, secret_hash: &str) -> bool {
        same_secret(&self.secret_hash(), secret_hash)
    }
}

/// Equal secrets, compared in time that does not depend on where they
/// differ.
pub fn same_secret(given: &str, expected: &str) -> bool {
    let (a, b) = (given.as_bytes(), expected.as_bytes());
    let mut diff = u8::from(a.len() != b.len());
    for (i, &x) in b.iter().enumerate() {
        diff |= x ^ a.get(i).copied().unwrap_or(0);
    }
    diff == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_compare_whole() {
        assert!(same_secret("0123456789abcdef", "0123456789abcdef"));
        assert!(!same_secret("0123456789abcdeX", "0123456789abcdef"));
        assert!(!same_secret("0123456789abcdef0", "0123456789abcdef"));
        assert!(!same_secret("0123456789abcde", "0123456789abcdef"));
        assert!(!same_secret("", "0123456789abcdef"));
    }

    #[test]
    fn a_credential_reads_back_and_only_its_own_secret_matches() {
        let c = Credential::generate().unwrap();
        let text = c.to_string();
        assert_eq!(Credential::parse(&text), Some(c.clone()));
        assert!(c.matches(&c.secret_hash()));
        let other = Credential::generate().unwrap();
        assert_ne!(other, c);
        assert!(!other.matches(&c.secret_hash()));
        assert!(!format!("{c:?}").contains(&c.secret), "no secret in logs");
        for junk in [
            "",
            "acc1.",
            "acc1.zz.zz",
            &text[..text.len() - 1],
            &text.replace("acc1", "acc2"),
        ] {
            assert_eq!(Credential::parse(junk), None, "{junk}");
        }
    }
}
