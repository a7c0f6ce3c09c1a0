//! Minimal JWS compact serialisation (RFC 7515 §7.1) with Ed25519 (`EdDSA`, RFC 8037).
//!
//! Only `alg: "EdDSA"` is produced or accepted; headers with `crit` are refused (we
//! understand no extensions). Base64url is without padding and must be canonical.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use ed25519_dalek::{Signature, Signer as _, SigningKey, VerifyingKey};
use serde::{Deserialize, Serialize};

/// The only algorithm supported.
pub const ALG_EDDSA: &str = "EdDSA";
/// Longest compact JWS accepted by [`verify_compact`], in bytes.
pub const MAX_JWS_LEN: usize = 256 * 1024;

/// Errors of JWS signing and verification.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum JwsError {
    /// Not three base64url parts, or too long.
    #[error("malformed JWS: {0}")]
    Malformed(&'static str),
    /// The protected header is not acceptable JSON.
    #[error("invalid JWS header: {0}")]
    Header(String),
    /// The header names an algorithm other than `EdDSA`.
    #[error("unsupported JWS algorithm {0:?}")]
    UnsupportedAlg(String),
    /// The header carries `crit`, which we do not support.
    #[error("JWS header has critical extensions, which are not supported")]
    CriticalHeader,
    /// The signature does not verify.
    #[error("JWS signature does not verify")]
    BadSignature,
    /// The header could not be serialised.
    #[error("cannot serialise JWS header: {0}")]
    Serialise(String),
}

/// The JWS protected header.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct JwsHeader {
    /// Algorithm; always `EdDSA` here.
    pub alg: String,
    /// Media type, e.g. `JWT`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub typ: Option<String>,
    /// Key id of the signing key.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kid: Option<String>,
    /// Critical extensions; must be absent (present only so it can be detected).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub crit: Option<serde_json::Value>,
}

impl JwsHeader {
    /// `{"alg":"EdDSA"}` with optional `typ` and `kid`.
    pub fn eddsa(typ: Option<&str>, kid: Option<&str>) -> Self {
        Self {
            alg: ALG_EDDSA.to_owned(),
            typ: typ.map(str::to_owned),
            kid: kid.map(str::to_owned),
            crit: None,
        }
    }
}

fn b64(data: &[u8]) -> String {
    URL_SAFE_NO_PAD.encode(data)
}

fn unb64(part: &str) -> Result<Vec<u8>, JwsError> {
    URL_SAFE_NO_PAD
        .decode(part)
        .map_err(|_| JwsError::Malformed("a part is not canonical unpadded base64url"))
}

/// Signs `payload` and returns `b64url(header).b64url(payload).b64url(signature)`.
pub fn sign_compact(
    key: &SigningKey,
    header: &JwsHeader,
    payload: &[u8],
) -> Result<String, JwsError> {
    if header.alg != ALG_EDDSA {
        return Err(JwsError::UnsupportedAlg(header.alg.clone()));
    }
    if header.crit.is_some() {
        return Err(JwsError::CriticalHeader);
    }
    let header_json = serde_json::to_vec(header).map_err(|e| JwsError::Serialise(e.to_string()))?;
    let signing_input = format!("{}.{}", b64(&header_json), b64(payload));
    let signature = key.sign(signing_input.as_bytes());
    Ok(format!("{signing_input}.{}", b64(&signature.to_bytes())))
}

/// Verifies a compact JWS with `key` and returns its header and payload bytes.
///
/// The signature is checked (strictly, rejecting malleable and small-order forms) before the
/// payload is handed out.
pub fn verify_compact(jws: &str, key: &VerifyingKey) -> Result<(JwsHeader, Vec<u8>), JwsError> {
    if jws.len() > MAX_JWS_LEN {
        return Err(JwsError::Malformed("too long"));
    }
    let mut parts = jws.split('.');
    let (Some(h), Some(p), Some(s), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err(JwsError::Malformed("expected three dot-separated parts"));
    };
    let header_bytes = unb64(h)?;
    let header: JwsHeader =
        serde_json::from_slice(&header_bytes).map_err(|e| JwsError::Header(e.to_string()))?;
    if header.alg != ALG_EDDSA {
        return Err(JwsError::UnsupportedAlg(header.alg));
    }
    if header.crit.is_some() {
        return Err(JwsError::CriticalHeader);
    }
    let sig_bytes: [u8; 64] = unb64(s)?
        .try_into()
        .map_err(|_| JwsError::Malformed("signature must be 64 bytes"))?;
    let signature = Signature::from_bytes(&sig_bytes);
    let signing_input_len = h.len() + 1 + p.len();
    let signing_input = jws
        .get(..signing_input_len)
        .ok_or(JwsError::Malformed("bad signing input"))?;
    key.verify_strict(signing_input.as_bytes(), &signature)
        .map_err(|_| JwsError::BadSignature)?;
    let payload = unb64(p)?;
    Ok((header, payload))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// RFC 8037 Appendix A.1/A.4: the Ed25519 key and the JWS of "Example of Ed25519 signing".
    const RFC8037_D: &str = "nWGxne_9WmC6hEr0kuwsxERJxWl7MmkZcDusAxyuf2A";
    const RFC8037_X: &str = "11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo";
    const RFC8037_JWS: &str = "eyJhbGciOiJFZERTQSJ9.RXhhbXBsZSBvZiBFZDI1NTE5IHNpZ25pbmc.hgyY0il_MGCjP0JzlnLWG1PPOt7-09PGcvMg3AIbQR6dWbhijcNR4ki4iylGjg5BhVsPt9g7sVvpAr_MuM0KAg";

    fn rfc_keys() -> (SigningKey, VerifyingKey) {
        let d: [u8; 32] = unb64(RFC8037_D)
            .ok()
            .and_then(|v| v.try_into().ok())
            .unwrap_or([0; 32]);
        let x: [u8; 32] = unb64(RFC8037_X)
            .ok()
            .and_then(|v| v.try_into().ok())
            .unwrap_or([0; 32]);
        let sk = SigningKey::from_bytes(&d);
        let vk = VerifyingKey::from_bytes(&x).expect("RFC 8037 public key is valid");
        (sk, vk)
    }

    #[test]
    fn rfc8037_vector_signs_identically() {
        let (sk, vk) = rfc_keys();
        assert_eq!(sk.verifying_key(), vk, "RFC 8037 d and x must match");
        let jws = sign_compact(
            &sk,
            &JwsHeader::eddsa(None, None),
            b"Example of Ed25519 signing",
        )
        .expect("sign");
        assert_eq!(jws, RFC8037_JWS);
    }

    #[test]
    fn rfc8037_vector_verifies() {
        let (_, vk) = rfc_keys();
        let (header, payload) = verify_compact(RFC8037_JWS, &vk).expect("verify");
        assert_eq!(header, JwsHeader::eddsa(None, None));
        assert_eq!(payload, b"Example of Ed25519 signing");
    }

    #[test]
    fn rfc8037_vector_with_modified_payload_fails() {
        let (_, vk) = rfc_keys();
        // "Example of Ed25519 signinG"
        let tampered = format!(
            "eyJhbGciOiJFZERTQSJ9.{}.{}",
            b64(b"Example of Ed25519 signinG"),
            RFC8037_JWS.rsplit('.').next().unwrap_or_default()
        );
        assert_eq!(verify_compact(&tampered, &vk), Err(JwsError::BadSignature));
    }

    #[test]
    fn rfc8037_vector_with_modified_header_fails() {
        let (_, vk) = rfc_keys();
        let mut parts = RFC8037_JWS.splitn(2, '.');
        let _ = parts.next();
        let rest = parts.next().unwrap_or_default();
        let tampered = format!("{}.{rest}", b64(br#"{"alg":"EdDSA","kid":"x"}"#));
        assert_eq!(verify_compact(&tampered, &vk), Err(JwsError::BadSignature));
    }

    #[test]
    fn alg_none_and_other_algs_are_refused() {
        let (_, vk) = rfc_keys();
        let none = format!("{}.{}.", b64(br#"{"alg":"none"}"#), b64(b"x"));
        assert_eq!(
            verify_compact(&none, &vk),
            Err(JwsError::UnsupportedAlg("none".into()))
        );
        let hs = format!("{}.{}.AAAA", b64(br#"{"alg":"HS256"}"#), b64(b"x"));
        assert_eq!(
            verify_compact(&hs, &vk),
            Err(JwsError::UnsupportedAlg("HS256".into()))
        );
    }

    #[test]
    fn crit_header_is_refused() {
        let (sk, vk) = rfc_keys();
        let mut header = JwsHeader::eddsa(None, None);
        header.crit = Some(serde_json::json!(["b64"]));
        assert_eq!(
            sign_compact(&sk, &header, b"x"),
            Err(JwsError::CriticalHeader)
        );
        // Hand-built and correctly signed, still refused.
        let h = b64(br#"{"alg":"EdDSA","crit":["b64"]}"#);
        let input = format!("{h}.{}", b64(b"x"));
        let sig = sk.sign(input.as_bytes());
        let jws = format!("{input}.{}", b64(&sig.to_bytes()));
        assert_eq!(verify_compact(&jws, &vk), Err(JwsError::CriticalHeader));
    }

    #[test]
    fn malformed_inputs_are_errors_not_panics() {
        let (_, vk) = rfc_keys();
        for bad in [
            "",
            ".",
            "..",
            "a.b",
            "a.b.c.d",
            "!!.!!.!!",
            "eyJhbGciOiJFZERTQSJ9.RXhh.AAAA",
            // padded base64url is not allowed
            "eyJhbGciOiJFZERTQSJ9.RXhhbQ==.AAAA",
        ] {
            assert!(verify_compact(bad, &vk).is_err(), "{bad:?} must be refused");
        }
        let long = "a".repeat(MAX_JWS_LEN + 1);
        assert_eq!(
            verify_compact(&long, &vk),
            Err(JwsError::Malformed("too long"))
        );
    }
}
