//! Export of everything Aurora holds of a person (the right of access and data portability):
//! one JSON document, versioned, and an encrypted archive of it.
//!
//! The document is `{"format": "aurora-export", "version": 1, "exported_at", "person",
//! "twin": {"values", "history"}, "companies", …}`; other areas (account, consents, access
//! log) add their own sections, passed in by the caller as [`Section`]s.
//!
//! # Encrypted archive
//!
//! A passphrase is stretched with Argon2id into a 32-byte key, which encrypts the JSON with
//! XChaCha20-Poly1305. The file is a 61-byte header followed by the ciphertext (with its
//! 16-byte tag); the whole header is the associated data, so no field of it can be altered:
//!
//! | bytes | content |
//! |---|---|
//! | 0..8 | magic `AURXPRT1` |
//! | 8 | format version, `1` |
//! | 9..13 | Argon2id memory cost, KiB (u32 big-endian) |
//! | 13..17 | Argon2id iterations (u32 big-endian) |
//! | 17..21 | Argon2id parallelism (u32 big-endian) |
//! | 21..37 | salt (16 random bytes) |
//! | 37..61 | nonce (24 random bytes) |
//! | 61.. | ciphertext of the UTF-8 JSON document |
//!
//! Argon2 is version 0x13, output 32 bytes, no secret and no associated data. To decrypt
//! elsewhere: read the header, derive the key with the same parameters, decrypt with the
//! header as associated data.

use aurora_store::twin::TwinStore;
use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{Key, XChaCha20Poly1305, XNonce};
use serde_json::{json, Value};
use zeroize::Zeroizing;

use crate::company::MandateView;
use crate::twin::{Twin, TwinError};

/// The document's format name.
pub const FORMAT: &str = "aurora-export";
/// The document's format version.
pub const VERSION: u32 = 1;

/// A section of the export added by another area (`"consents"`, `"access_log"`, …).
#[derive(Debug, Clone)]
pub struct Section {
    /// Its key in the document.
    pub name: String,
    /// Its content.
    pub value: Value,
}

impl Section {
    /// A section.
    pub fn new(name: impl Into<String>, value: Value) -> Self {
        Section {
            name: name.into(),
            value,
        }
    }
}

/// Everything of `person_id` this area holds (its twin's values and full history, the
/// companies it holds mandates for and those mandates), plus the caller's `sections`.
pub async fn export_person(
    twin: &Twin<'_>,
    person_id: &str,
    sections: Vec<Section>,
) -> Result<Value, TwinError> {
    let person = twin
        .people
        .person(person_id)
        .await?
        .ok_or(TwinError::NotFound)?;
    let values = twin.values(person_id).await?;
    let mut history = Vec::new();
    let mut before = None;
    loop {
        let page = twin.history(person_id, before, 500).await?;
        let Some(last) = page.last() else { break };
        before = Some(last.id);
        history.extend(page);
    }
    let now_unix = time::OffsetDateTime::now_utc().unix_timestamp();
    let companies = companies_section(twin.store, person_id, now_unix).await?;
    let mut doc = json!({
        "format": FORMAT,
        "version": VERSION,
        "exported_at": crate::company::unix_rfc3339(now_unix),
        "person": {
            "id": person.id,
            "kind": person.kind,
            "created_at": person.created_at,
        },
        "twin": {
            "values": values,
            "history": history,
        },
        "companies": companies,
    });
    if let Some(obj) = doc.as_object_mut() {
        for s in sections {
            obj.insert(s.name, s.value);
        }
    }
    Ok(doc)
}

/// Every mandate the person holds or held, grouped by company.
async fn companies_section(
    store: &dyn TwinStore,
    person_id: &str,
    now: i64,
) -> Result<Value, TwinError> {
    let mut out = Vec::new();
    let mandates = store.mandates_of_agent(person_id).await?;
    let mut ids: Vec<&str> = mandates.iter().map(|m| m.company_id.as_str()).collect();
    ids.sort();
    ids.dedup();
    for id in ids {
        let company = store.company(id).await?;
        let mine: Vec<MandateView> = mandates
            .iter()
            .filter(|m| m.company_id == id)
            .map(|m| MandateView::new(m, now))
            .collect();
        out.push(json!({
            "id": id,
            "business_id": company.as_ref().map(|c| c.business_id.clone()),
            "name": company.as_ref().map(|c| c.name.clone()),
            "mandates": mine,
        }));
    }
    Ok(Value::Array(out))
}

/// Errors of the encrypted archive.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ArchiveError {
    /// The passphrase is too short (or too long).
    #[error("passphrase: must be 10 to 1024 characters")]
    Passphrase,
    /// Not an archive, an unknown version, or parameters out of bounds.
    #[error("not an Aurora export archive ({0})")]
    Malformed(&'static str),
    /// Wrong passphrase, or the archive was altered.
    #[error("wrong passphrase, or the archive was altered")]
    Decrypt,
    /// Key derivation or encryption failed.
    #[error("encryption failed")]
    Crypto,
}

/// Argon2id parameters.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct KdfParams {
    /// Memory, KiB.
    pub m_kib: u32,
    /// Iterations.
    pub t: u32,
    /// Parallelism.
    pub p: u32,
}

impl Default for KdfParams {
    /// OWASP's Argon2id baseline: 19 MiB, 2 iterations, 1 lane.
    fn default() -> Self {
        KdfParams {
            m_kib: 19 * 1024,
            t: 2,
            p: 1,
        }
    }
}

const MAGIC: &[u8; 8] = b"AURXPRT1";
const ARCHIVE_VERSION: u8 = 1;
const SALT_LEN: usize = 16;
const NONCE_LEN: usize = 24;
/// Length of the archive header.
pub const HEADER_LEN: usize = 8 + 1 + 12 + SALT_LEN + NONCE_LEN;
/// Upper bounds on the parameters an archive may ask for (a crafted header must not make
/// decryption take unbounded memory or time).
const MAX_M_KIB: u32 = 1024 * 1024;
const MAX_T: u32 = 16;
const MAX_P: u32 = 16;

fn check_passphrase(p: &str) -> Result<(), ArchiveError> {
    let n = p.chars().count();
    if (10..=1024).contains(&n) {
        Ok(())
    } else {
        Err(ArchiveError::Passphrase)
    }
}

fn derive(
    passphrase: &str,
    salt: &[u8],
    params: KdfParams,
) -> Result<Zeroizing<[u8; 32]>, ArchiveError> {
    let p = argon2::Params::new(params.m_kib, params.t, params.p, Some(32))
        .map_err(|_| ArchiveError::Malformed("argon2 parameters"))?;
    let argon = argon2::Argon2::new(argon2::Algorithm::Argon2id, argon2::Version::V0x13, p);
    let mut key = Zeroizing::new([0u8; 32]);
    argon
        .hash_password_into(passphrase.as_bytes(), salt, key.as_mut_slice())
        .map_err(|_| ArchiveError::Crypto)?;
    Ok(key)
}

/// Encrypts a document with the default parameters.
pub fn encrypt_archive(doc: &Value, passphrase: &str) -> Result<Vec<u8>, ArchiveError> {
    encrypt_archive_with(doc, passphrase, KdfParams::default())
}

/// Encrypts a document with the given Argon2id parameters.
pub fn encrypt_archive_with(
    doc: &Value,
    passphrase: &str,
    params: KdfParams,
) -> Result<Vec<u8>, ArchiveError> {
    check_passphrase(passphrase)?;
    let mut salt = [0u8; SALT_LEN];
    let mut nonce = [0u8; NONCE_LEN];
    getrandom::fill(&mut salt).map_err(|_| ArchiveError::Crypto)?;
    getrandom::fill(&mut nonce).map_err(|_| ArchiveError::Crypto)?;
    let mut header = Vec::with_capacity(HEADER_LEN);
    header.extend_from_slice(MAGIC);
    header.push(ARCHIVE_VERSION);
    header.extend_from_slice(&params.m_kib.to_be_bytes());
    header.extend_from_slice(&params.t.to_be_bytes());
    header.extend_from_slice(&params.p.to_be_bytes());
    header.extend_from_slice(&salt);
    header.extend_from_slice(&nonce);
    let key = derive(passphrase, &salt, params)?;
    let plain = Zeroizing::new(serde_json::to_vec(doc).map_err(|_| ArchiveError::Crypto)?);
    let ct = XChaCha20Poly1305::new(Key::from_slice(key.as_slice()))
        .encrypt(
            XNonce::from_slice(&nonce),
            Payload {
                msg: &plain,
                aad: &header,
            },
        )
        .map_err(|_| ArchiveError::Crypto)?;
    let mut out = header;
    out.extend_from_slice(&ct);
    Ok(out)
}

fn be_u32(b: &[u8]) -> u32 {
    let mut a = [0u8; 4];
    a.copy_from_slice(&b[..4]);
    u32::from_be_bytes(a)
}

/// Decrypts an archive made by [`encrypt_archive`].
pub fn decrypt_archive(bytes: &[u8], passphrase: &str) -> Result<Value, ArchiveError> {
    if bytes.len() < HEADER_LEN + 16 {
        return Err(ArchiveError::Malformed("too short"));
    }
    let (header, ct) = bytes.split_at(HEADER_LEN);
    if &header[..8] != MAGIC {
        return Err(ArchiveError::Malformed("magic"));
    }
    if header[8] != ARCHIVE_VERSION {
        return Err(ArchiveError::Malformed("version"));
    }
    let params = KdfParams {
        m_kib: be_u32(&header[9..13]),
        t: be_u32(&header[13..17]),
        p: be_u32(&header[17..21]),
    };
    if params.m_kib > MAX_M_KIB || params.t > MAX_T || params.p > MAX_P {
        return Err(ArchiveError::Malformed("argon2 parameters out of bounds"));
    }
    let salt = &header[21..21 + SALT_LEN];
    let nonce = &header[21 + SALT_LEN..HEADER_LEN];
    let key = derive(passphrase, salt, params)?;
    let plain = Zeroizing::new(
        XChaCha20Poly1305::new(Key::from_slice(key.as_slice()))
            .decrypt(
                XNonce::from_slice(nonce),
                Payload {
                    msg: ct,
                    aad: header,
                },
            )
            .map_err(|_| ArchiveError::Decrypt)?,
    );
    serde_json::from_slice(&plain).map_err(|_| ArchiveError::Malformed("content"))
}

#[cfg(test)]
mod tests {
    use super::*;

    const FAST: KdfParams = KdfParams {
        m_kib: 64,
        t: 1,
        p: 1,
    };

    #[test]
    fn an_archive_round_trips_and_a_wrong_passphrase_fails() {
        let doc = json!({"format": FORMAT, "twin": {"values": [{"attribute": "age", "value": 0}]}});
        let bytes = encrypt_archive_with(&doc, "correct horse battery", FAST).unwrap();
        assert_eq!(&bytes[..8], b"AURXPRT1");
        // The plaintext is not in the archive.
        assert!(!bytes.windows(5).any(|w| w == b"twin\""));
        assert_eq!(
            decrypt_archive(&bytes, "correct horse battery").unwrap(),
            doc
        );
        assert_eq!(
            decrypt_archive(&bytes, "correct horse battery!"),
            Err(ArchiveError::Decrypt)
        );
        // Any changed byte, header included, is detected.
        for i in [0, 8, 10, 25, 40, HEADER_LEN, bytes.len() - 1] {
            let mut t = bytes.clone();
            t[i] ^= 1;
            assert!(
                decrypt_archive(&t, "correct horse battery").is_err(),
                "byte {i}"
            );
        }
        assert_eq!(
            decrypt_archive(&bytes[..20], "correct horse battery"),
            Err(ArchiveError::Malformed("too short"))
        );
    }

    #[test]
    fn short_passphrases_and_hostile_parameters_are_refused() {
        assert_eq!(
            encrypt_archive_with(&json!({}), "short", FAST),
            Err(ArchiveError::Passphrase)
        );
        let mut bytes = encrypt_archive_with(&json!({}), "long enough pass", FAST).unwrap();
        bytes[9..13].copy_from_slice(&u32::MAX.to_be_bytes());
        assert!(matches!(
            decrypt_archive(&bytes, "long enough pass"),
            Err(ArchiveError::Malformed(_))
        ));
    }

    #[test]
    fn the_default_parameters_work() {
        let bytes = encrypt_archive(&json!({"a": false}), "long enough pass").unwrap();
        assert_eq!(
            decrypt_archive(&bytes, "long enough pass").unwrap(),
            json!({"a": false})
        );
    }
}

#[cfg(test)]
mod export_tests {
    use super::*;
    use crate::registry::AttributeRegistry;
    use crate::twin::Actor;
    use aurora_store::people::PersonKind;
    use aurora_store::SqlStore;

    #[tokio::test]
    async fn the_export_holds_values_history_companies_and_extra_sections() {
        let store = SqlStore::open("sqlite::memory:").await.unwrap();
        let keys = crate::keys::TwinKeys::generate().unwrap();
        let twin = Twin::new(&store, &store, &keys, AttributeRegistry::bundled());
        let p = crate::person::create(&store, &keys, PersonKind::Person)
            .await
            .unwrap()
            .id;
        let me = Actor::Person(p.clone());
        twin.set(&p, "age", &json!(0), None, &me).await.unwrap();
        twin.set(&p, "age", &json!(1), None, &me).await.unwrap();
        crate::company::create_company(&store, &store, &keys, "0112038-9", "Oy A", &p, 100)
            .await
            .unwrap();
        let doc = export_person(
            &twin,
            &p,
            vec![Section::new("consents", json!([{"id": "c1"}]))],
        )
        .await
        .unwrap();
        assert_eq!(doc["format"], FORMAT);
        assert_eq!(doc["version"], VERSION);
        assert_eq!(doc["person"]["id"], p);
        assert_eq!(doc["twin"]["values"][0]["value"], json!(1));
        assert_eq!(doc["twin"]["history"].as_array().unwrap().len(), 2);
        assert_eq!(doc["companies"][0]["business_id"], "0112038-9");
        assert_eq!(doc["companies"][0]["mandates"][0]["state"], "active");
        assert_eq!(doc["consents"][0]["id"], "c1");
    }
}
