//! Aurora digital-twin engine core.
//!
//! This crate owns the cryptographic core of the person's digital twin, with no HTTP and no
//! database, so that the storage and API layers can build on it:
//!
//! - [`crypto`]: envelope encryption. A configured [`crypto::MasterKey`] wraps one random
//!   [`crypto::DataKey`] per person (XChaCha20-Poly1305, person id as associated data); data
//!   keys seal attribute values bound to (person id, attribute name); master-key rotation
//!   re-wraps data keys, and every wrapped key records the [`crypto::KeyId`] of its master.
//! - [`jws`]: a minimal JWS compact serialisation (RFC 7515) with Ed25519 (`EdDSA`, RFC 8037).
//! - [`receipt`]: Kantara Consent Receipt v1.1 ([`receipt::ConsentReceipt`]), signed and
//!   verified as a compact JWS.
//!
//! Nothing here panics on bad input: malformed or tampered data gives an error.

pub mod crypto;
pub mod jws;
pub mod receipt;
