//! The staff PIN of a self-service kiosk: an argon2 hash in kiosk.toml, and
//! wrong attempts slowed down.

use std::time::Duration;

use argon2::password_hash::{PasswordHasher, PasswordVerifier, SaltString, rand_core::OsRng};
use argon2::{Algorithm, Argon2, Params, PasswordHash, Version};

/// Memory of one PIN hash, in KiB: 64 MiB.
///
/// A self-service kiosk holds the hash (it checks the PIN offline), so a
/// stolen kiosk gives it away. What protects the PIN then is the cost of
/// trying them all: with at least [`crate::domain::privacy::PIN_DIGITS`]
/// digits (10⁸ PINs) at 0.107 s each on one core (BENCHMARKS.md,
/// « The staff PIN »), about 124 core-days — two weeks of an 8-core laptop —
/// where 6 digits at argon2's defaults (19 MiB, 2 passes: 0.019 s) took 5
/// core-hours. Checking a PIN at the kiosk costs that 0.11 s once.
pub const MEMORY_KIB: u32 = 64 * 1024;
/// Passes over that memory.
pub const PASSES: u32 = 3;

fn hasher() -> Result<Argon2<'static>, String> {
    let params = Params::new(MEMORY_KIB, PASSES, 1, None).map_err(|e| e.to_string())?;
    Ok(Argon2::new(Algorithm::Argon2id, Version::V0x13, params))
}

/// The PHC string to put in kiosk.toml for a PIN.
pub fn hash(pin: &str) -> Result<String, String> {
    let salt = SaltString::generate(&mut OsRng);
    hasher()?
        .hash_password(pin.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| e.to_string())
}

/// Whether a hash was made as [`hash`] makes them now: an older one (6
/// digits allowed, argon2's lighter defaults) is cracked in hours from a
/// stolen kiosk, and should be made again.
pub fn is_current(hash: &str) -> bool {
    PasswordHash::new(hash).is_ok_and(|h| {
        let m = h.params.get_decimal("m").unwrap_or(0);
        let t = h.params.get_decimal("t").unwrap_or(0);
        m >= MEMORY_KIB && t >= PASSES
    })
}

/// Whether a PIN matches a hash (an unreadable hash matches nothing); the
/// hash's own parameters are used.
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
        assert!(h.starts_with("$argon2id$v=19$m=65536,t=3,p=1$"), "{h}");
        assert!(is_current(&h));
        let older = "$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$VMYxKn3G/ZWkj5tuJQvuL9fCnw38JuPBd6IERfm0Eqw";
        assert!(!is_current(older));
        assert!(!is_current("pas une empreinte"));
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
