//! Local-account passwords: Argon2id hashing, verification and the password policy.
//!
//! - Hashes are Argon2id PHC strings with the OWASP parameters (m = 19 456 KiB, t = 2,
//!   p = 1) and a random 16-byte salt. Hashing takes tens of milliseconds of CPU: callers on
//!   an async runtime run [`hash`], [`verify`] and [`verify_dummy`] inside
//!   `tokio::task::spawn_blocking`.
//! - [`verify_dummy`] does the same work as a real verification against a fixed hash, so an
//!   unknown e-mail address takes as long to refuse as a wrong password.
//! - [`check_policy`] follows NIST SP 800-63B: 12 to 128 characters, not the e-mail address's
//!   local part, not a single repeated character; no composition rules and no expiry.
//!
//! Passwords are taken as `&str` and never stored, logged or put into an error.

use std::sync::OnceLock;

use argon2::password_hash::{PasswordHasher as _, PasswordVerifier as _};
use argon2::{Algorithm, Argon2, Params, Version};

/// Shortest accepted password, in characters (NIST 800-63B: at least 8; we ask 12).
pub const MIN_CHARS: usize = 12;
/// Longest accepted password, in characters (bounds the hashing work).
pub const MAX_CHARS: usize = 128;

/// OWASP's Argon2id parameters: memory in KiB, iterations, lanes.
const M_COST_KIB: u32 = 19_456;
const T_COST: u32 = 2;
const P_COST: u32 = 1;

/// Errors of hashing (never of a wrong password, which is `Ok(false)`).
#[derive(Debug, thiserror::Error)]
pub enum PasswordError {
    /// Argon2 or the random generator failed.
    #[error("password hashing failed: {0}")]
    Hash(String),
}

/// Why a password is refused by the policy. Each says what is accepted, never the password.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum PolicyError {
    /// Fewer than [`MIN_CHARS`] characters.
    #[error("the password must have at least 12 characters")]
    TooShort,
    /// More than [`MAX_CHARS`] characters.
    #[error("the password must have at most 128 characters")]
    TooLong,
    /// Contains the local part of the account's e-mail address.
    #[error("the password must not contain the e-mail address")]
    ContainsEmail,
    /// One character repeated.
    #[error("the password must not be one character repeated")]
    Repeated,
}

impl PolicyError {
    /// A stable code for the error (used as the Fluent message suffix by the web pages).
    pub fn code(self) -> &'static str {
        match self {
            PolicyError::TooShort => "too-short",
            PolicyError::TooLong => "too-long",
            PolicyError::ContainsEmail => "contains-email",
            PolicyError::Repeated => "repeated",
        }
    }
}

fn argon2() -> Result<Argon2<'static>, PasswordError> {
    let params = Params::new(M_COST_KIB, T_COST, P_COST, None)
        .map_err(|e| PasswordError::Hash(e.to_string()))?;
    Ok(Argon2::new(Algorithm::Argon2id, Version::V0x13, params))
}

/// Checks `password` against the policy for an account with address `email`.
pub fn check_policy(password: &str, email: &str) -> Result<(), PolicyError> {
    let chars = password.chars().count();
    if chars < MIN_CHARS {
        return Err(PolicyError::TooShort);
    }
    if chars > MAX_CHARS {
        return Err(PolicyError::TooLong);
    }
    let mut it = password.chars();
    if let Some(first) = it.next() {
        if it.all(|c| c == first) {
            return Err(PolicyError::Repeated);
        }
    }
    let local = email
        .rsplit_once('@')
        .map_or(email, |(local, _)| local)
        .trim()
        .to_lowercase();
    // A local part of one or two characters would forbid half the passwords for no gain.
    if local.chars().count() >= 3 && password.to_lowercase().contains(&local) {
        return Err(PolicyError::ContainsEmail);
    }
    Ok(())
}

/// The Argon2id PHC string of `password` with a fresh random salt. Blocking (CPU-bound).
pub fn hash(password: &str) -> Result<String, PasswordError> {
    let hash = argon2()?
        .hash_password(password.as_bytes())
        .map_err(|e| PasswordError::Hash(e.to_string()))?;
    Ok(hash.to_string())
}

/// Whether `password` matches the stored PHC string. A malformed stored hash is `false`
/// (and costs the same as a real check, so it gives no signal). Blocking (CPU-bound).
pub fn verify(password: &str, phc: &str) -> bool {
    let Ok(argon) = argon2() else {
        return false;
    };
    if argon.verify_password(password.as_bytes(), phc).is_ok() {
        return true;
    }
    false
}

/// A verification against a fixed hash with the same parameters, for sign-in attempts on
/// addresses that have no account (or no password): the answer takes as long as a real one.
/// Always `false`. Blocking (CPU-bound).
pub fn verify_dummy(password: &str) {
    static DUMMY: OnceLock<Option<String>> = OnceLock::new();
    let dummy = DUMMY.get_or_init(|| hash("aurora dummy password for timing").ok());
    if let Some(phc) = dummy {
        let _ = verify(password, phc);
    }
}

/// Normalises an e-mail address for storage and lookup: trimmed and lower-cased, or `None`
/// when it is not a plausible address (one `@`, non-empty local part and domain with a dot,
/// no spaces or control characters, at most 254 characters).
pub fn normalize_email(email: &str) -> Option<String> {
    let e = email.trim().to_lowercase();
    if e.is_empty() || e.chars().count() > 254 {
        return None;
    }
    if e.chars()
        .any(|c| c.is_whitespace() || c.is_control() || c == '<' || c == '>')
    {
        return None;
    }
    let (local, domain) = e.split_once('@')?;
    if local.is_empty()
        || local.len() > 64
        || domain.contains('@')
        || !domain.contains('.')
        || domain.starts_with('.')
        || domain.ends_with('.')
        || domain.contains("..")
    {
        return None;
    }
    Some(e)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashes_are_argon2id_with_owasp_parameters_and_verify() {
        let h = hash("correct horse battery").unwrap();
        assert!(h.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"), "{h}");
        assert!(verify("correct horse battery", &h));
        assert!(!verify("correct horse batterx", &h));
        assert!(!verify("correct horse battery", "not a phc string"));
        let again = hash("correct horse battery").unwrap();
        assert_ne!(h, again, "salts are random");
        verify_dummy("anything");
    }

    #[test]
    fn the_policy_follows_nist_800_63b() {
        let email = "matti.meikalainen@example.fi";
        assert_eq!(check_policy("short", email), Err(PolicyError::TooShort));
        assert_eq!(
            check_policy("ääääääääääää", email),
            Err(PolicyError::Repeated)
        );
        assert_eq!(
            check_policy(&"ab".repeat(65), email),
            Err(PolicyError::TooLong)
        );
        assert_eq!(
            check_policy("xxMatti.Meikalainen99", email),
            Err(PolicyError::ContainsEmail)
        );
        // No composition rules: lower-case letters and spaces only are fine.
        assert_eq!(check_policy("kolme pientä sanaa", email), Ok(()));
        // Counted in characters, not bytes.
        assert_eq!(check_policy("ääääääääääöö", email), Ok(()));
        assert_eq!(check_policy(&"ab".repeat(64), email), Ok(()));
    }

    #[test]
    fn errors_never_carry_the_password() {
        let e = check_policy("secretsecre", "a@b.fi").unwrap_err();
        assert!(!e.to_string().contains("secretsecre"));
        assert!(!format!("{e:?}").contains("secretsecre"));
    }

    #[test]
    fn emails_are_normalised() {
        assert_eq!(
            normalize_email("  Matti@Example.FI ").as_deref(),
            Some("matti@example.fi")
        );
        for bad in [
            "", "no-at", "a@b", "@b.fi", "a@@b.fi", "a b@c.fi", "a@.fi", "a@b..fi",
        ] {
            assert_eq!(normalize_email(bad), None, "{bad}");
        }
    }
}
