//! Kantara Consent Receipt v1.1, signed as a compact JWS with Ed25519.
//!
//! Field names follow the Kantara specification exactly (camelCase, `consentReceiptID`).
//! [`ReceiptSigner::sign`] validates the receipt and signs it; [`verify`] checks the
//! signature first, then parses and validates the payload, and refuses any tampering.

use std::fmt;

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use ed25519_dalek::{SigningKey, VerifyingKey};
use serde::{Deserialize, Serialize};

use crate::jws::{self, JwsError, JwsHeader};

/// The `version` value of Kantara Consent Receipt v1.1.
pub const KANTARA_CR_VERSION: &str = "KI-CR-v1.1.0";
/// The JWS `typ` used for receipts.
pub const RECEIPT_JWS_TYP: &str = "JWT";

/// Errors of signing and verifying receipts.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ReceiptError {
    /// The JWS layer refused the token (format, algorithm, signature).
    #[error(transparent)]
    Jws(#[from] JwsError),
    /// The payload is not a consent receipt.
    #[error("payload is not a consent receipt: {0}")]
    Payload(String),
    /// The receipt breaks a rule of the specification.
    #[error("invalid consent receipt: {0}")]
    Invalid(String),
    /// The receipt names a public key other than the one it verified with.
    #[error("receipt publicKey does not match the verifying key")]
    PublicKeyMismatch,
    /// A public key could not be decoded.
    #[error("invalid Ed25519 public key")]
    InvalidPublicKey,
    /// The operating system's random number generator failed.
    #[error("random number generator failed")]
    Rng,
}

/// A Kantara Consent Receipt v1.1.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ConsentReceipt {
    /// Always [`KANTARA_CR_VERSION`].
    pub version: String,
    /// Jurisdiction of the controller, e.g. `FI`.
    pub jurisdiction: String,
    /// When consent was given: seconds since the Unix epoch.
    pub consent_timestamp: i64,
    /// How consent was collected, e.g. `web form`.
    pub collection_method: String,
    /// Unique receipt id (a UUID in practice).
    #[serde(rename = "consentReceiptID")]
    pub consent_receipt_id: String,
    /// The signer's Ed25519 public key, base64url without padding; if present, it must match
    /// the key the receipt verifies with.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub public_key: Option<String>,
    /// Language of the receipt, ISO 639-1 (e.g. `fi`).
    pub language: String,
    /// The PII principal (person) id, as known to the controllers.
    pub pii_principal_id: String,
    /// The controllers; at least one.
    pub pii_controllers: Vec<PiiController>,
    /// URL of the privacy policy.
    pub policy_url: String,
    /// The services and their purposes; at least one.
    pub services: Vec<Service>,
    /// Whether sensitive PII is involved.
    pub sensitive: bool,
    /// Sensitive PII categories; non-empty only if `sensitive`.
    #[serde(default)]
    pub spi_cat: Vec<String>,
}

/// A PII controller.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct PiiController {
    /// Name of the controller.
    pub pii_controller: String,
    /// Whether it acts on behalf of another controller.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub on_behalf: Option<bool>,
    /// Contact name.
    pub contact: String,
    /// Postal address.
    pub address: PostalAddress,
    /// Contact email.
    pub email: String,
    /// Contact phone.
    pub phone: String,
    /// Controller URL.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pii_controller_url: Option<String>,
}

/// A postal address (schema.org `PostalAddress` names).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct PostalAddress {
    /// Street address.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub street_address: Option<String>,
    /// Locality (city).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub address_locality: Option<String>,
    /// Region.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub address_region: Option<String>,
    /// Postal code.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub postal_code: Option<String>,
    /// Country (ISO 3166-1 alpha-2).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub address_country: Option<String>,
}

/// A service the consent covers.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Service {
    /// Service name.
    pub service: String,
    /// Purposes; at least one.
    pub purposes: Vec<Purpose>,
}

/// One purpose of processing within a service.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Purpose {
    /// Short description of the purpose.
    pub purpose: String,
    /// Purpose categories.
    pub purpose_category: Vec<String>,
    /// Consent type, e.g. `EXPLICIT`.
    pub consent_type: String,
    /// PII categories.
    pub pii_category: Vec<String>,
    /// Whether this is the primary purpose.
    pub primary_purpose: bool,
    /// Termination conditions (or a link to them).
    pub termination: String,
    /// Whether PII is disclosed to third parties.
    pub third_party_disclosure: bool,
    /// Third party name, when disclosed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub third_party_name: Option<String>,
}

fn require(field: &str, value: &str) -> Result<(), ReceiptError> {
    if value.trim().is_empty() {
        Err(ReceiptError::Invalid(format!("{field} is empty")))
    } else {
        Ok(())
    }
}

impl ConsentReceipt {
    /// Checks the rules of the specification that the types cannot express.
    pub fn validate(&self) -> Result<(), ReceiptError> {
        if self.version != KANTARA_CR_VERSION {
            return Err(ReceiptError::Invalid(format!(
                "version must be {KANTARA_CR_VERSION}"
            )));
        }
        require("jurisdiction", &self.jurisdiction)?;
        require("collectionMethod", &self.collection_method)?;
        require("consentReceiptID", &self.consent_receipt_id)?;
        require("language", &self.language)?;
        require("piiPrincipalId", &self.pii_principal_id)?;
        require("policyUrl", &self.policy_url)?;
        if self.consent_timestamp < 0 {
            return Err(ReceiptError::Invalid("consentTimestamp is negative".into()));
        }
        if self.pii_controllers.is_empty() {
            return Err(ReceiptError::Invalid("piiControllers is empty".into()));
        }
        for c in &self.pii_controllers {
            require("piiController", &c.pii_controller)?;
            require("contact", &c.contact)?;
        }
        if self.services.is_empty() {
            return Err(ReceiptError::Invalid("services is empty".into()));
        }
        for s in &self.services {
            require("service", &s.service)?;
            if s.purposes.is_empty() {
                return Err(ReceiptError::Invalid(format!(
                    "service {:?} has no purposes",
                    s.service
                )));
            }
            for p in &s.purposes {
                require("purpose", &p.purpose)?;
                require("consentType", &p.consent_type)?;
                if p.third_party_name.is_some() && !p.third_party_disclosure {
                    return Err(ReceiptError::Invalid(
                        "thirdPartyName given but thirdPartyDisclosure is false".into(),
                    ));
                }
            }
        }
        if !self.sensitive && !self.spi_cat.is_empty() {
            return Err(ReceiptError::Invalid(
                "spiCat given but sensitive is false".into(),
            ));
        }
        Ok(())
    }
}

/// Encodes a public key as base64url without padding (the `publicKey` field form).
pub fn encode_public_key(key: &VerifyingKey) -> String {
    URL_SAFE_NO_PAD.encode(key.as_bytes())
}

/// Decodes a base64url (no padding) Ed25519 public key.
pub fn decode_public_key(s: &str) -> Result<VerifyingKey, ReceiptError> {
    let bytes: [u8; 32] = URL_SAFE_NO_PAD
        .decode(s.trim())
        .ok()
        .and_then(|v| v.try_into().ok())
        .ok_or(ReceiptError::InvalidPublicKey)?;
    VerifyingKey::from_bytes(&bytes).map_err(|_| ReceiptError::InvalidPublicKey)
}

/// The controller's receipt-signing key. `Debug` shows only the public key.
pub struct ReceiptSigner {
    key: SigningKey,
    kid: Option<String>,
}

impl ReceiptSigner {
    /// A signer from a 32-byte Ed25519 seed, with an optional JWS `kid`.
    pub fn from_seed(seed: &[u8; 32], kid: Option<String>) -> Self {
        Self {
            key: SigningKey::from_bytes(seed),
            kid,
        }
    }

    /// A fresh random signer.
    pub fn generate(kid: Option<String>) -> Result<Self, ReceiptError> {
        let mut seed = zeroize::Zeroizing::new([0u8; 32]);
        getrandom::fill(seed.as_mut_slice()).map_err(|_| ReceiptError::Rng)?;
        Ok(Self::from_seed(&seed, kid))
    }

    /// The public key receipts verify with.
    pub fn verifying_key(&self) -> VerifyingKey {
        self.key.verifying_key()
    }

    /// Validates `receipt` and signs it as a compact JWS (`alg` `EdDSA`, `typ` `JWT`).
    pub fn sign(&self, receipt: &ConsentReceipt) -> Result<String, ReceiptError> {
        receipt.validate()?;
        if let Some(pk) = &receipt.public_key {
            if decode_public_key(pk)? != self.verifying_key() {
                return Err(ReceiptError::PublicKeyMismatch);
            }
        }
        let payload =
            serde_json::to_vec(receipt).map_err(|e| ReceiptError::Payload(e.to_string()))?;
        let header = JwsHeader::eddsa(Some(RECEIPT_JWS_TYP), self.kid.as_deref());
        Ok(jws::sign_compact(&self.key, &header, &payload)?)
    }
}

impl fmt::Debug for ReceiptSigner {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ReceiptSigner")
            .field("public_key", &encode_public_key(&self.verifying_key()))
            .field("kid", &self.kid)
            .finish_non_exhaustive()
    }
}

/// Verifies a receipt JWS with `public_key` and returns the receipt.
///
/// Fails on any change to header, payload or signature, on another algorithm, on a payload
/// that is not a valid v1.1 receipt, and when the receipt's `publicKey` names another key.
pub fn verify(
    jws_compact: &str,
    public_key: &VerifyingKey,
) -> Result<ConsentReceipt, ReceiptError> {
    let (_header, payload) = jws::verify_compact(jws_compact, public_key)?;
    let receipt: ConsentReceipt =
        serde_json::from_slice(&payload).map_err(|e| ReceiptError::Payload(e.to_string()))?;
    receipt.validate()?;
    if let Some(pk) = &receipt.public_key {
        if decode_public_key(pk)? != *public_key {
            return Err(ReceiptError::PublicKeyMismatch);
        }
    }
    Ok(receipt)
}
