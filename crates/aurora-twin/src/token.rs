//! Bearer secrets of every kind (session cookies, authorization codes, access and refresh
//! tokens, hand-over tokens, e-mail links): 32 random bytes shown once as unpadded base64url;
//! only [`hash`] is stored, so a copy of the database grants nothing.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use sha2::{Digest, Sha256};

use crate::crypto::CryptoError;

/// Length of a token in characters (32 bytes in base64url).
pub const TOKEN_LEN: usize = 43;

/// A fresh random token.
pub fn generate() -> Result<String, CryptoError> {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes).map_err(|_| CryptoError::Rng)?;
    Ok(URL_SAFE_NO_PAD.encode(bytes))
}

/// What is stored of a token: SHA-256, hex. Tokens are random, so no salt is needed.
pub fn hash(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

/// True when `s` has the shape of a token (cheap rejection before any lookup).
pub fn well_formed(s: &str) -> bool {
    s.len() == TOKEN_LEN
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

/// Compares two byte strings in time independent of where they differ.
pub fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_random_well_formed_and_hashed() {
        let a = generate().unwrap();
        let b = generate().unwrap();
        assert_ne!(a, b);
        assert!(well_formed(&a), "{a}");
        assert!(!well_formed("short"));
        assert!(!well_formed(&format!("{}=", &a[..42])));
        assert_eq!(hash(&a).len(), 64);
        assert_ne!(hash(&a), hash(&b));
        assert!(constant_time_eq(b"abc", b"abc"));
        assert!(!constant_time_eq(b"abc", b"abd"));
        assert!(!constant_time_eq(b"abc", b"ab"));
    }
}
