//! The staff PIN of a self-service kiosk: an argon2 hash in kiosk.toml, and
//! wrong attempts slowed down.

use std::time::Duration;

use argon2::password_hash::{PasswordHasher, PasswordVerifier, SaltString, rand_core::OsRng};
use argon2::{Argon2, PasswordHash};

/// The PHC string to put in kiosk.toml for a PIN.
pub fn hash(pin: &str) -> Result<String, String> {
    let salt = SaltString::generate(&mut OsRng);
    Argon2::default()
        .hash_password(pin.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| e.to_string())
}

/// Whether a PIN matches a hash (an unreadable hash matches nothing).
pub fn verify(pin: &str, hash: &str) -> bool {
    PasswordHash::new(hash).is_ok_and(|h| {
        Argon2::default()
            .verify_password(pin.as_bytes(), &h)
            .is_ok()
    })
}

/// Wrong PINs in a row, and how long the next attempt must wait: free for
/// the first three, then 30 s, doubling up to 15 minutes.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Attempts {
    wrong: u32,
}

impl Attempts {
    pub fn failed(&mut self) {
        self.wrong = self.wrong.saturating_add(1);
    }

    pub fn succeeded(&mut self) {
        self.wrong = 0;
    }

    /// The wait imposed after the attempts so far.
    pub fn lockout(&self) -> Duration {
        match self.wrong {
            0..=2 => Duration::ZERO,
            n => Duration::from_secs((30u64 << (n - 3).min(5)).min(15 * 60)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pins_hash_and_verify() {
        let h = hash("4821").unwrap();
        assert!(h.starts_with("$argon2"));
        assert!(verify("4821", &h));
        assert!(!verify("4822", &h));
        assert!(!verify("4821", "pas une empreinte"));
    }

    #[test]
    fn wrong_pins_are_slowed_down() {
        let mut a = Attempts::default();
        for _ in 0..3 {
            assert_eq!(a.lockout(), Duration::ZERO);
            a.failed();
        }
        assert_eq!(a.lockout(), Duration::from_secs(30));
        a.failed();
        assert_eq!(a.lockout(), Duration::from_secs(60));
        for _ in 0..10 {
            a.failed();
        }
        assert_eq!(a.lockout(), Duration::from_secs(900));
        a.succeeded();
        assert_eq!(a.lockout(), Duration::ZERO);
    }
}
