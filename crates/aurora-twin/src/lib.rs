//! Aurora's digital-twin engine: the person's (or company's) own data and everything that
//! decides who may see it. No HTTP here; persistence is reached through the `aurora-store`
//! traits. `docs/twin-design.md` describes how the parts fit.
//!
//! - [`crypto`]: envelope encryption. A configured [`crypto::MasterKey`] wraps one random
//!   [`crypto::DataKey`] per person (XChaCha20-Poly1305, person id as associated data); data
//!   keys seal attribute values bound to (person id, attribute name); master-key rotation
//!   re-wraps data keys, and every wrapped key records the [`crypto::KeyId`] of its master.
//! - [`keys`]: the key file (masters, the signing key, derived HMAC keys).
//! - [`token`]: bearer secrets, shown once and stored as hashes.
//! - [`person`]: creating a twin identity with its data key; master-key rotation.
//! - [`jws`]: a minimal JWS compact serialisation (RFC 7515) with Ed25519 (`EdDSA`, RFC 8037).
//! - [`receipt`]: Kantara Consent Receipt v1.1 ([`receipt::ConsentReceipt`]), signed and
//!   verified as a compact JWS.
//! - [`password`], [`oidc`]: local accounts and sign-in through an external OpenID provider.
//! - [`registry`], [`twin`], [`company`], [`export`]: the attribute registry, the twin's
//!   values and history, company twins and mandates, export.
//! - [`consent`], [`access`], [`handover`]: consent records, the one consented read path
//!   with its access log, and anonymous hand-over tokens.
//! - [`oauth`]: the OAuth 2.1 / OpenID Connect authorization server's rules.
//!
//! Nothing here panics on bad input: malformed or tampered data gives an error.

pub mod access;
pub mod company;
pub mod consent;
pub mod crypto;
pub mod export;
pub mod handover;
pub mod jws;
pub mod keys;
pub mod oauth;
pub mod oidc;
pub mod password;
pub mod person;
pub mod receipt;
pub mod registry;
pub mod token;
pub mod twin;
