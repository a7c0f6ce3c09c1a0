//! Envelope encryption for digital-twin attribute values.
//!
//! - A [`MasterKey`] (32 bytes, from configuration) wraps per-person [`DataKey`]s.
//! - A wrapped key ([`WrappedKey`]) records the [`KeyId`] of the master key that wrapped it,
//!   so rotation ([`rewrap`]) knows which master to use; its associated data binds the person
//!   id and the key id.
//! - Attribute values are sealed with the person's data key ([`seal`] / [`open`]); the
//!   associated data ([`AttributeContext`]) binds the person id and the attribute name, so a
//!   ciphertext moved to another person or attribute does not open.
//!
//! The AEAD is XChaCha20-Poly1305 with a random 24-byte nonce per encryption. Key bytes are
//! zeroized on drop and never printed by `Debug`.

use std::fmt;

use base64::engine::general_purpose::{STANDARD, STANDARD_NO_PAD, URL_SAFE, URL_SAFE_NO_PAD};
use base64::Engine as _;
use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{Key, XChaCha20Poly1305, XNonce};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use zeroize::{Zeroize, ZeroizeOnDrop, Zeroizing};

/// Length of master and data keys in bytes.
pub const KEY_LEN: usize = 32;
/// Length of an XChaCha20-Poly1305 nonce in bytes.
pub const NONCE_LEN: usize = 24;
/// Length of the Poly1305 tag in bytes.
pub const TAG_LEN: usize = 16;

const FORMAT_VERSION: &str = "v1";
const KEY_ID_DOMAIN: &[u8] = b"aurora-twin/master-key-id/v1";
const WRAP_DOMAIN: &[u8] = b"aurora-twin/wrap-data-key/v1";
const ATTR_DOMAIN: &[u8] = b"aurora-twin/attribute-value/v1";

/// Errors of the crypto module. None of them carries key material.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CryptoError {
    /// A key from configuration could not be decoded or has the wrong length.
    #[error("invalid key: {0}")]
    InvalidKey(&'static str),
    /// The wrapped key says another master key wrapped it.
    #[error("wrapped key belongs to master key {found}, not {expected}")]
    KeyIdMismatch {
        /// Key id of the master key offered.
        expected: KeyId,
        /// Key id recorded in the wrapped key.
        found: KeyId,
    },
    /// Authentication failed: wrong key, wrong context (person/attribute), or tampering.
    #[error("decryption failed: wrong key, wrong context, or tampered ciphertext")]
    Decrypt,
    /// The AEAD refused to encrypt (input too long).
    #[error("encryption failed")]
    Encrypt,
    /// An encoded wrapped key or sealed value is malformed.
    #[error("malformed {what}: {reason}")]
    Malformed {
        /// What was being decoded.
        what: &'static str,
        /// Why it was rejected.
        reason: &'static str,
    },
    /// The operating system's random number generator failed.
    #[error("random number generator failed")]
    Rng,
}

fn random_bytes<const N: usize>() -> Result<[u8; N], CryptoError> {
    let mut buf = [0u8; N];
    getrandom::fill(&mut buf).map_err(|_| CryptoError::Rng)?;
    Ok(buf)
}

/// Length-prefixed encoding of (domain, parts...), so that no two contexts collide
/// (for example person "ab" + attribute "c" versus person "a" + attribute "bc").
fn context_bytes(domain: &[u8], parts: &[&[u8]]) -> Vec<u8> {
    let mut out =
        Vec::with_capacity(domain.len() + parts.iter().map(|p| p.len() + 8).sum::<usize>());
    out.extend_from_slice(domain);
    for part in parts {
        out.extend_from_slice(&(part.len() as u64).to_be_bytes());
        out.extend_from_slice(part);
    }
    out
}

fn b64_decode(what: &'static str, s: &str) -> Result<Vec<u8>, CryptoError> {
    URL_SAFE_NO_PAD
        .decode(s)
        .map_err(|_| CryptoError::Malformed {
            what,
            reason: "invalid base64url",
        })
}

/// Short fingerprint of a master key: the first 8 bytes of
/// SHA-256(domain || key), as 16 lowercase hex characters.
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct KeyId(String);

impl KeyId {
    /// The key id as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Parses a key id (16 lowercase hex characters).
    pub fn parse(s: &str) -> Result<Self, CryptoError> {
        if s.len() == 16
            && s.bytes()
                .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
        {
            Ok(Self(s.to_owned()))
        } else {
            Err(CryptoError::Malformed {
                what: "key id",
                reason: "expected 16 lowercase hex characters",
            })
        }
    }
}

impl TryFrom<String> for KeyId {
    type Error = CryptoError;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        Self::parse(&s)
    }
}

impl From<KeyId> for String {
    fn from(k: KeyId) -> Self {
        k.0
    }
}

impl fmt::Display for KeyId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl fmt::Debug for KeyId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "KeyId({})", self.0)
    }
}

/// The master key-encryption key. Zeroized on drop; `Debug` shows only its [`KeyId`].
#[derive(Clone, Zeroize, ZeroizeOnDrop)]
pub struct MasterKey {
    bytes: [u8; KEY_LEN],
}

impl MasterKey {
    /// Wraps raw key bytes.
    pub fn from_bytes(bytes: [u8; KEY_LEN]) -> Self {
        Self { bytes }
    }

    /// A fresh random master key (for tests and key generation tools).
    pub fn generate() -> Result<Self, CryptoError> {
        Ok(Self::from_bytes(random_bytes()?))
    }

    /// Parses 64 hex characters.
    pub fn from_hex(s: &str) -> Result<Self, CryptoError> {
        let s = s.trim();
        let mut bytes = [0u8; KEY_LEN];
        hex::decode_to_slice(s, &mut bytes)
            .map_err(|_| CryptoError::InvalidKey("expected 64 hex characters"))?;
        Ok(Self::from_bytes(bytes))
    }

    /// Parses base64 (standard or URL-safe alphabet, padded or not) of 32 bytes.
    pub fn from_base64(s: &str) -> Result<Self, CryptoError> {
        let s = s.trim();
        let decoded = Zeroizing::new(
            [&STANDARD, &STANDARD_NO_PAD, &URL_SAFE, &URL_SAFE_NO_PAD]
                .iter()
                .find_map(|engine| engine.decode(s).ok())
                .ok_or(CryptoError::InvalidKey("not valid base64"))?,
        );
        let bytes: [u8; KEY_LEN] = decoded
            .as_slice()
            .try_into()
            .map_err(|_| CryptoError::InvalidKey("base64 key must decode to 32 bytes"))?;
        Ok(Self::from_bytes(bytes))
    }

    /// Parses a configuration value: 64 hex characters, or else base64 of 32 bytes.
    pub fn from_config(s: &str) -> Result<Self, CryptoError> {
        let t = s.trim();
        if t.len() == 2 * KEY_LEN && t.bytes().all(|b| b.is_ascii_hexdigit()) {
            Self::from_hex(t)
        } else {
            Self::from_base64(t)
        }
    }

    /// The raw bytes, for writing the key file.
    pub(crate) fn expose_bytes(&self) -> &[u8; KEY_LEN] {
        &self.bytes
    }

    /// The fingerprint stored with every key this master wraps.
    pub fn key_id(&self) -> KeyId {
        let mut h = Sha256::new();
        h.update(KEY_ID_DOMAIN);
        h.update(self.bytes);
        let digest = h.finalize();
        KeyId(hex::encode(&digest[..8]))
    }

    fn cipher(&self) -> XChaCha20Poly1305 {
        XChaCha20Poly1305::new(Key::from_slice(&self.bytes))
    }
}

impl fmt::Debug for MasterKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("MasterKey")
            .field("key_id", &self.key_id())
            .finish_non_exhaustive()
    }
}

/// A per-person data key. Zeroized on drop; `Debug` shows nothing of it.
#[derive(Clone, Zeroize, ZeroizeOnDrop)]
pub struct DataKey {
    bytes: [u8; KEY_LEN],
}

impl DataKey {
    /// A fresh random data key for a new person.
    pub fn generate() -> Result<Self, CryptoError> {
        Ok(Self {
            bytes: random_bytes()?,
        })
    }

    #[cfg(test)]
    pub(crate) fn expose_bytes(&self) -> &[u8; KEY_LEN] {
        &self.bytes
    }

    fn cipher(&self) -> XChaCha20Poly1305 {
        XChaCha20Poly1305::new(Key::from_slice(&self.bytes))
    }
}

impl fmt::Debug for DataKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("DataKey(<redacted>)")
    }
}

/// A data key wrapped by a master key, as stored next to the person.
///
/// Text form (also its serde form): `v1.<key id>.<nonce b64url>.<ciphertext b64url>`.
#[derive(Clone, PartialEq, Eq, Debug, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct WrappedKey {
    key_id: KeyId,
    nonce: [u8; NONCE_LEN],
    ciphertext: Vec<u8>,
}

impl WrappedKey {
    /// Id of the master key that wrapped this key.
    pub fn key_id(&self) -> &KeyId {
        &self.key_id
    }

    /// Encodes to the text form.
    pub fn encode(&self) -> String {
        format!(
            "{FORMAT_VERSION}.{}.{}.{}",
            self.key_id,
            URL_SAFE_NO_PAD.encode(self.nonce),
            URL_SAFE_NO_PAD.encode(&self.ciphertext)
        )
    }

    /// Decodes the text form.
    pub fn decode(s: &str) -> Result<Self, CryptoError> {
        const WHAT: &str = "wrapped key";
        let parts: Vec<&str> = s.split('.').collect();
        let [version, key_id, nonce, ct] = parts.as_slice() else {
            return Err(CryptoError::Malformed {
                what: WHAT,
                reason: "expected 4 dot-separated parts",
            });
        };
        if *version != FORMAT_VERSION {
            return Err(CryptoError::Malformed {
                what: WHAT,
                reason: "unknown version",
            });
        }
        let key_id = KeyId::parse(key_id)?;
        let nonce: [u8; NONCE_LEN] =
            b64_decode(WHAT, nonce)?
                .try_into()
                .map_err(|_| CryptoError::Malformed {
                    what: WHAT,
                    reason: "bad nonce length",
                })?;
        let ciphertext = b64_decode(WHAT, ct)?;
        if ciphertext.len() != KEY_LEN + TAG_LEN {
            return Err(CryptoError::Malformed {
                what: WHAT,
                reason: "bad ciphertext length",
            });
        }
        Ok(Self {
            key_id,
            nonce,
            ciphertext,
        })
    }
}

impl TryFrom<String> for WrappedKey {
    type Error = CryptoError;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        Self::decode(&s)
    }
}

impl From<WrappedKey> for String {
    fn from(w: WrappedKey) -> Self {
        w.encode()
    }
}

fn wrap_aad(person_id: &str, key_id: &KeyId) -> Vec<u8> {
    context_bytes(
        WRAP_DOMAIN,
        &[person_id.as_bytes(), key_id.as_str().as_bytes()],
    )
}

/// Wraps a person's data key with the master key; the person id is associated data.
pub fn wrap_data_key(
    master: &MasterKey,
    data_key: &DataKey,
    person_id: &str,
) -> Result<WrappedKey, CryptoError> {
    let key_id = master.key_id();
    let nonce: [u8; NONCE_LEN] = random_bytes()?;
    let aad = wrap_aad(person_id, &key_id);
    let ciphertext = master
        .cipher()
        .encrypt(
            XNonce::from_slice(&nonce),
            Payload {
                msg: &data_key.bytes,
                aad: &aad,
            },
        )
        .map_err(|_| CryptoError::Encrypt)?;
    Ok(WrappedKey {
        key_id,
        nonce,
        ciphertext,
    })
}

/// Unwraps a person's data key. Fails if another master wrapped it, if it was wrapped for
/// another person, or if it was tampered with.
pub fn unwrap_data_key(
    master: &MasterKey,
    wrapped: &WrappedKey,
    person_id: &str,
) -> Result<DataKey, CryptoError> {
    let expected = master.key_id();
    if wrapped.key_id != expected {
        return Err(CryptoError::KeyIdMismatch {
            expected,
            found: wrapped.key_id.clone(),
        });
    }
    let aad = wrap_aad(person_id, &wrapped.key_id);
    let plain = Zeroizing::new(
        master
            .cipher()
            .decrypt(
                XNonce::from_slice(&wrapped.nonce),
                Payload {
                    msg: &wrapped.ciphertext,
                    aad: &aad,
                },
            )
            .map_err(|_| CryptoError::Decrypt)?,
    );
    let bytes: [u8; KEY_LEN] = plain
        .as_slice()
        .try_into()
        .map_err(|_| CryptoError::Decrypt)?;
    Ok(DataKey { bytes })
}

/// Creates a data key for a new person and returns it with its wrapped form.
pub fn new_person_key(
    master: &MasterKey,
    person_id: &str,
) -> Result<(DataKey, WrappedKey), CryptoError> {
    let key = DataKey::generate()?;
    let wrapped = wrap_data_key(master, &key, person_id)?;
    Ok((key, wrapped))
}

/// Master-key rotation: unwraps with `old_master` and wraps again with `new_master`
/// (fresh nonce, new key id). The data key itself, and so every sealed value, is unchanged.
pub fn rewrap(
    wrapped: &WrappedKey,
    person_id: &str,
    old_master: &MasterKey,
    new_master: &MasterKey,
) -> Result<WrappedKey, CryptoError> {
    let key = unwrap_data_key(old_master, wrapped, person_id)?;
    wrap_data_key(new_master, &key, person_id)
}

/// The associated data of an attribute value: whose it is and which attribute.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AttributeContext<'a> {
    /// The person (twin owner) id.
    pub person_id: &'a str,
    /// The attribute name, e.g. `age` or `municipality_code`.
    pub attribute: &'a str,
}

impl<'a> AttributeContext<'a> {
    /// Context for `attribute` of `person_id`.
    pub fn new(person_id: &'a str, attribute: &'a str) -> Self {
        Self {
            person_id,
            attribute,
        }
    }

    fn aad(&self) -> Vec<u8> {
        context_bytes(
            ATTR_DOMAIN,
            &[self.person_id.as_bytes(), self.attribute.as_bytes()],
        )
    }
}

/// An encrypted attribute value.
///
/// Text form (also its serde form): `v1.<nonce b64url>.<ciphertext b64url>`.
#[derive(Clone, PartialEq, Eq, Debug, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct SealedValue {
    nonce: [u8; NONCE_LEN],
    ciphertext: Vec<u8>,
}

impl SealedValue {
    /// Encodes to the text form.
    pub fn encode(&self) -> String {
        format!(
            "{FORMAT_VERSION}.{}.{}",
            URL_SAFE_NO_PAD.encode(self.nonce),
            URL_SAFE_NO_PAD.encode(&self.ciphertext)
        )
    }

    /// Decodes the text form.
    pub fn decode(s: &str) -> Result<Self, CryptoError> {
        const WHAT: &str = "sealed value";
        let parts: Vec<&str> = s.split('.').collect();
        let [version, nonce, ct] = parts.as_slice() else {
            return Err(CryptoError::Malformed {
                what: WHAT,
                reason: "expected 3 dot-separated parts",
            });
        };
        if *version != FORMAT_VERSION {
            return Err(CryptoError::Malformed {
                what: WHAT,
                reason: "unknown version",
            });
        }
        let nonce: [u8; NONCE_LEN] =
            b64_decode(WHAT, nonce)?
                .try_into()
                .map_err(|_| CryptoError::Malformed {
                    what: WHAT,
                    reason: "bad nonce length",
                })?;
        let ciphertext = b64_decode(WHAT, ct)?;
        if ciphertext.len() < TAG_LEN {
            return Err(CryptoError::Malformed {
                what: WHAT,
                reason: "ciphertext shorter than the tag",
            });
        }
        Ok(Self { nonce, ciphertext })
    }
}

impl TryFrom<String> for SealedValue {
    type Error = CryptoError;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        Self::decode(&s)
    }
}

impl From<SealedValue> for String {
    fn from(v: SealedValue) -> Self {
        v.encode()
    }
}

/// Encrypts an attribute value with the person's data key, bound to `ctx`.
pub fn seal(
    value: &[u8],
    person_key: &DataKey,
    ctx: &AttributeContext<'_>,
) -> Result<SealedValue, CryptoError> {
    let nonce: [u8; NONCE_LEN] = random_bytes()?;
    let aad = ctx.aad();
    let ciphertext = person_key
        .cipher()
        .encrypt(
            XNonce::from_slice(&nonce),
            Payload {
                msg: value,
                aad: &aad,
            },
        )
        .map_err(|_| CryptoError::Encrypt)?;
    Ok(SealedValue { nonce, ciphertext })
}

/// Decrypts an attribute value. Fails with [`CryptoError::Decrypt`] for the wrong key,
/// another person or attribute, or any tampering. The plaintext is zeroized on drop.
pub fn open(
    sealed: &SealedValue,
    person_key: &DataKey,
    ctx: &AttributeContext<'_>,
) -> Result<Zeroizing<Vec<u8>>, CryptoError> {
    let aad = ctx.aad();
    person_key
        .cipher()
        .decrypt(
            XNonce::from_slice(&sealed.nonce),
            Payload {
                msg: &sealed.ciphertext,
                aad: &aad,
            },
        )
        .map(Zeroizing::new)
        .map_err(|_| CryptoError::Decrypt)
}
