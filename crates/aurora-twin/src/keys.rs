//! The twin's keys, from one configuration file: the master key that wraps every person's
//! data key (plus retired masters still needed until a rotation has re-wrapped everything),
//! the Ed25519 key that signs consent receipts, ID tokens and erasure receipts, and one
//! secret from which purpose-bound HMAC keys are derived (session CSRF tokens, pairwise
//! subject identifiers, …).
//!
//! The file is JSON: `{"master_keys": ["<base64 32 bytes>", …], "signing_key": "<base64
//! Ed25519 seed>", "secret": "<base64 32 bytes>"}`, the first master being the current one.
//! `aurora serve` creates it (mode 0600) in the data directory on first start; production
//! deployments pass their own with `--twin-keys` and rotate with `aurora twin rotate-key`.

use std::fmt;
use std::path::Path;

use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use base64::Engine as _;
use ed25519_dalek::{SigningKey, VerifyingKey};
use hmac::{Hmac, Mac};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use zeroize::Zeroizing;

use crate::crypto::{unwrap_data_key, CryptoError, DataKey, KeyId, MasterKey, WrappedKey};

/// Errors loading or using the key file.
#[derive(Debug, thiserror::Error)]
pub enum KeyError {
    /// The file could not be read or written.
    #[error("key file {path}: {source}")]
    Io {
        /// The file.
        path: String,
        /// Cause.
        source: std::io::Error,
    },
    /// The file is not a valid key file (which field, and why; never the key material).
    #[error("key file {path}: {reason}")]
    Invalid {
        /// The file (or `<config>`).
        path: String,
        /// What is wrong.
        reason: String,
    },
    /// A wrapped data key names a master key this configuration does not have.
    #[error("no master key {0} in the key file (was it removed before a rotation finished?)")]
    UnknownMaster(KeyId),
    /// Encryption failed.
    #[error(transparent)]
    Crypto(#[from] CryptoError),
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct KeyFile {
    master_keys: Vec<String>,
    signing_key: String,
    secret: String,
}

/// The loaded keys. `Debug` shows only key ids.
#[derive(Clone)]
pub struct TwinKeys {
    masters: Vec<MasterKey>,
    signing: SigningKey,
    kid: String,
    secret: Zeroizing<[u8; 32]>,
}

impl fmt::Debug for TwinKeys {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TwinKeys")
            .field(
                "masters",
                &self
                    .masters
                    .iter()
                    .map(MasterKey::key_id)
                    .collect::<Vec<_>>(),
            )
            .field("kid", &self.kid)
            .finish_non_exhaustive()
    }
}

fn random32() -> Result<[u8; 32], CryptoError> {
    let mut b = [0u8; 32];
    getrandom::fill(&mut b).map_err(|_| CryptoError::Rng)?;
    Ok(b)
}

fn decode32(path: &str, field: &str, s: &str) -> Result<Zeroizing<[u8; 32]>, KeyError> {
    let invalid = |reason: &str| KeyError::Invalid {
        path: path.to_string(),
        reason: format!("{field}: {reason}"),
    };
    let bytes = Zeroizing::new(
        STANDARD
            .decode(s.trim())
            .map_err(|_| invalid("not base64"))?,
    );
    let arr: [u8; 32] = bytes
        .as_slice()
        .try_into()
        .map_err(|_| invalid("must decode to 32 bytes"))?;
    Ok(Zeroizing::new(arr))
}

impl TwinKeys {
    /// Fresh random keys (first start, tests).
    pub fn generate() -> Result<TwinKeys, KeyError> {
        Ok(TwinKeys::from_parts(
            vec![MasterKey::generate()?],
            SigningKey::from_bytes(&random32()?),
            Zeroizing::new(random32()?),
        ))
    }

    fn from_parts(
        masters: Vec<MasterKey>,
        signing: SigningKey,
        secret: Zeroizing<[u8; 32]>,
    ) -> TwinKeys {
        let digest = Sha256::digest(signing.verifying_key().as_bytes());
        let kid = URL_SAFE_NO_PAD.encode(&digest[..12]);
        TwinKeys {
            masters,
            signing,
            kid,
            secret,
        }
    }

    /// Parses the JSON key file; `path` only names it in errors.
    pub fn from_json(path: &str, json: &str) -> Result<TwinKeys, KeyError> {
        let file: KeyFile = serde_json::from_str(json).map_err(|e| KeyError::Invalid {
            path: path.to_string(),
            // serde's message names the field and position, never the value of a string.
            reason: e.to_string(),
        })?;
        if file.master_keys.is_empty() {
            return Err(KeyError::Invalid {
                path: path.to_string(),
                reason: "master_keys: at least one key is needed".into(),
            });
        }
        let mut masters = Vec::with_capacity(file.master_keys.len());
        for (i, m) in file.master_keys.iter().enumerate() {
            let bytes = decode32(path, &format!("master_keys[{i}]"), m)?;
            masters.push(MasterKey::from_bytes(*bytes));
        }
        let seed = decode32(path, "signing_key", &file.signing_key)?;
        let secret = decode32(path, "secret", &file.secret)?;
        Ok(TwinKeys::from_parts(
            masters,
            SigningKey::from_bytes(&seed),
            secret,
        ))
    }

    /// The key file's JSON (secret material: write it only to a protected file).
    pub fn to_json(&self) -> Zeroizing<String> {
        let file = KeyFile {
            master_keys: self
                .masters
                .iter()
                .map(|m| STANDARD.encode(m.expose_bytes()))
                .collect(),
            signing_key: STANDARD.encode(self.signing.to_bytes()),
            secret: STANDARD.encode(*self.secret),
        };
        Zeroizing::new(serde_json::to_string_pretty(&file).unwrap_or_default())
    }

    /// Reads the key file.
    pub fn load(path: &Path) -> Result<TwinKeys, KeyError> {
        let name = path.display().to_string();
        let json =
            Zeroizing::new(
                std::fs::read_to_string(path).map_err(|source| KeyError::Io {
                    path: name.clone(),
                    source,
                })?,
            );
        TwinKeys::from_json(&name, &json)
    }

    /// Writes the key file, readable by its owner only.
    pub fn save(&self, path: &Path) -> Result<(), KeyError> {
        let name = path.display().to_string();
        let io = |source| KeyError::Io {
            path: name.clone(),
            source,
        };
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir).map_err(io)?;
        }
        // Written to a sibling and renamed, so a crash never leaves half a key file.
        let tmp = path.with_extension("tmp");
        {
            use std::io::Write as _;
            let mut options = std::fs::OpenOptions::new();
            options.write(true).create(true).truncate(true);
            #[cfg(unix)]
            {
                use std::os::unix::fs::OpenOptionsExt as _;
                options.mode(0o600);
            }
            let mut f = options.open(&tmp).map_err(io)?;
            f.write_all(self.to_json().as_bytes()).map_err(io)?;
            f.sync_all().map_err(io)?;
        }
        std::fs::rename(&tmp, path).map_err(io)
    }

    /// Reads the key file, creating it with fresh keys if it does not exist. True when created.
    pub fn load_or_create(path: &Path) -> Result<(TwinKeys, bool), KeyError> {
        if path.exists() {
            return Ok((TwinKeys::load(path)?, false));
        }
        let keys = TwinKeys::generate()?;
        keys.save(path)?;
        Ok((keys, true))
    }

    /// The same keys with a fresh current master; the old ones stay as retired masters until
    /// every data key has been re-wrapped ([`TwinKeys::without_retired`]).
    pub fn with_new_master(&self) -> Result<TwinKeys, KeyError> {
        let mut keys = self.clone();
        keys.masters.insert(0, MasterKey::generate()?);
        Ok(keys)
    }

    /// The same keys without the retired masters (after a finished rotation).
    pub fn without_retired(&self) -> TwinKeys {
        let mut keys = self.clone();
        keys.masters.truncate(1);
        keys
    }

    /// The current master key (wraps every new data key).
    pub fn master(&self) -> &MasterKey {
        &self.masters[0]
    }

    /// The ids of the retired masters.
    pub fn retired_ids(&self) -> Vec<KeyId> {
        self.masters[1..].iter().map(MasterKey::key_id).collect()
    }

    /// Unwraps a person's data key with whichever configured master wrapped it.
    pub fn unwrap(&self, wrapped: &WrappedKey, person_id: &str) -> Result<DataKey, KeyError> {
        let master = self
            .masters
            .iter()
            .find(|m| &m.key_id() == wrapped.key_id())
            .ok_or_else(|| KeyError::UnknownMaster(wrapped.key_id().clone()))?;
        Ok(unwrap_data_key(master, wrapped, person_id)?)
    }

    /// The signing key (receipts, ID tokens).
    pub fn signing_key(&self) -> &SigningKey {
        &self.signing
    }

    /// The public half of the signing key.
    pub fn verifying_key(&self) -> VerifyingKey {
        self.signing.verifying_key()
    }

    /// The signing key's id (`kid`), derived from the public key.
    pub fn kid(&self) -> &str {
        &self.kid
    }

    /// The public signing key as a JWK Set (RFC 8037 OKP).
    pub fn jwks(&self) -> serde_json::Value {
        serde_json::json!({"keys": [{
            "kty": "OKP",
            "crv": "Ed25519",
            "alg": "EdDSA",
            "use": "sig",
            "kid": self.kid,
            "x": URL_SAFE_NO_PAD.encode(self.verifying_key().as_bytes()),
        }]})
    }

    /// HMAC-SHA256 under a key derived for `purpose`, so that one secret serves unrelated
    /// uses without one use's outputs meaning anything to another.
    pub fn mac(&self, purpose: &str, data: &[u8]) -> [u8; 32] {
        let derived = self.derive(purpose);
        let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(derived.as_slice())
            .unwrap_or_else(|_| unreachable!("HMAC takes keys of any length"));
        mac.update(data);
        mac.finalize().into_bytes().into()
    }

    /// [`TwinKeys::mac`] as unpadded base64url.
    pub fn mac_b64(&self, purpose: &str, data: &[u8]) -> String {
        URL_SAFE_NO_PAD.encode(self.mac(purpose, data))
    }

    fn derive(&self, purpose: &str) -> Zeroizing<[u8; 32]> {
        let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(self.secret.as_slice())
            .unwrap_or_else(|_| unreachable!("HMAC takes keys of any length"));
        mac.update(b"aurora-twin-derive\0");
        mac.update(purpose.as_bytes());
        Zeroizing::new(mac.finalize().into_bytes().into())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::crypto::new_person_key;

    #[test]
    fn the_key_file_round_trips_and_never_shows_in_debug() {
        let keys = TwinKeys::generate().unwrap();
        let json = keys.to_json();
        let back = TwinKeys::from_json("k.json", &json).unwrap();
        assert_eq!(back.kid(), keys.kid());
        assert_eq!(back.master().key_id(), keys.master().key_id());
        assert_eq!(back.mac("x", b"y"), keys.mac("x", b"y"));
        let debug = format!("{keys:?}");
        let secret = serde_json::from_str::<serde_json::Value>(&json).unwrap()["secret"]
            .as_str()
            .unwrap()
            .to_string();
        assert!(!debug.contains(&secret));
    }

    #[test]
    fn bad_files_name_the_field_not_the_value() {
        let e = TwinKeys::from_json(
            "k.json",
            r#"{"master_keys":[],"signing_key":"","secret":""}"#,
        )
        .unwrap_err()
        .to_string();
        assert!(e.contains("master_keys"), "{e}");
        let e = TwinKeys::from_json(
            "k.json",
            r#"{"master_keys":["c2hvcnQ="],"signing_key":"","secret":""}"#,
        )
        .unwrap_err()
        .to_string();
        assert!(
            e.contains("master_keys[0]") && !e.contains("c2hvcnQ"),
            "{e}"
        );
        assert!(TwinKeys::from_json("k.json", "{}").is_err());
    }

    #[test]
    fn macs_are_bound_to_their_purpose() {
        let keys = TwinKeys::generate().unwrap();
        assert_ne!(keys.mac("a", b"data"), keys.mac("b", b"data"));
        assert_eq!(keys.mac_b64("a", b"data").len(), 43);
    }

    #[test]
    fn a_rotation_keeps_old_data_keys_readable_until_rewrapped() {
        let old = TwinKeys::generate().unwrap();
        let (key, wrapped) = new_person_key(old.master(), "p1").unwrap();
        let rotated = old.with_new_master().unwrap();
        assert_ne!(rotated.master().key_id(), old.master().key_id());
        assert_eq!(rotated.retired_ids(), vec![old.master().key_id()]);
        let again = rotated.unwrap(&wrapped, "p1").unwrap();
        assert_eq!(again.expose_bytes(), key.expose_bytes());
        let finished = rotated.without_retired();
        assert!(matches!(
            finished.unwrap(&wrapped, "p1"),
            Err(KeyError::UnknownMaster(_))
        ));
    }

    #[test]
    fn files_are_created_private_and_reloaded() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("twin-keys.json");
        let (a, created) = TwinKeys::load_or_create(&path).unwrap();
        assert!(created);
        let (b, created) = TwinKeys::load_or_create(&path).unwrap();
        assert!(!created);
        assert_eq!(a.kid(), b.kid());
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt as _;
            let mode = std::fs::metadata(&path).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
        }
    }
}
