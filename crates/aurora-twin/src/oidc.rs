//! Sign-in through an external OpenID Connect provider (Aurora as the relying party): the
//! rules, without HTTP (the server fetches documents and exchanges codes).
//!
//! - [`ProviderMetadata::check`]: the discovery document must name exactly the configured
//!   issuer and https endpoints (plain http only on loopback, for tests and development).
//! - [`LoginRequest::new`]: fresh `state`, `nonce` and PKCE S256 verifier for one attempt;
//!   [`authorization_url`] builds the redirect to the provider.
//! - [`validate_id_token`]: the ID token's signature with an algorithm allow-list (RS256,
//!   ES256, EdDSA; the key must be of the algorithm's family and curve, so `none`, HMAC and
//!   key-confusion tricks fail), then `iss`, `aud` (and `azp` with several audiences), `exp`,
//!   `iat` and `nonce`.
//! - [`return_path`]: where to go after sign-in, accepted only as a relative path on this
//!   site (no open redirect).
//!
//! No token, nonce, verifier or code is ever put into an error message.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use jsonwebtoken::jwk::{AlgorithmParameters, EllipticCurve, Jwk, PublicKeyUse};
use jsonwebtoken::{Algorithm, DecodingKey, Validation};
use serde::Deserialize;
use sha2::{Digest, Sha256};

use crate::crypto::CryptoError;
use crate::token;

/// The JWKS type the provider's keys are parsed into.
pub use jsonwebtoken::jwk::JwkSet;

/// Clock skew tolerated on `exp` and `iat`, in seconds.
pub const LEEWAY_SECS: i64 = 60;
/// Oldest acceptable `iat`: the token is exchanged right after it is issued.
pub const MAX_ID_TOKEN_AGE_SECS: i64 = 10 * 60;
/// How long a login attempt (state, nonce, verifier) is valid.
pub const LOGIN_TTL_SECS: i64 = 10 * 60;
/// Longest ID token accepted, in bytes.
pub const MAX_ID_TOKEN_LEN: usize = 16 * 1024;
/// Longest accepted return path.
pub const MAX_RETURN_PATH: usize = 512;

/// Why an OpenID Connect step failed. Messages name the check, never a value.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum OidcError {
    /// The discovery document is unusable.
    #[error("provider metadata: {0}")]
    Metadata(&'static str),
    /// The ID token is malformed or not a JWT.
    #[error("the ID token is malformed")]
    Malformed,
    /// The header's algorithm is not RS256, ES256 or EdDSA.
    #[error("the ID token's algorithm is not allowed")]
    Algorithm,
    /// No key in the provider's JWKS fits the token's `kid` and algorithm.
    #[error("no provider key fits the ID token")]
    UnknownKey,
    /// The signature does not verify.
    #[error("the ID token's signature does not verify")]
    Signature,
    /// `iss` is not the configured issuer.
    #[error("the ID token's issuer is wrong")]
    Issuer,
    /// `aud` (or `azp`) is not this client.
    #[error("the ID token is for another audience")]
    Audience,
    /// `exp` has passed.
    #[error("the ID token has expired")]
    Expired,
    /// `iat` is in the future or too old.
    #[error("the ID token's issue time is unacceptable")]
    IssuedAt,
    /// `nonce` is missing or not this attempt's.
    #[error("the ID token's nonce is wrong")]
    Nonce,
    /// `sub` is missing or unusable.
    #[error("the ID token's subject is unusable")]
    Subject,
    /// The random generator failed.
    #[error(transparent)]
    Rng(#[from] CryptoError),
}

/// The parts of an OpenID Provider's discovery document that sign-in uses.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct ProviderMetadata {
    /// Must equal the configured issuer exactly.
    pub issuer: String,
    /// Where the browser is sent.
    pub authorization_endpoint: String,
    /// Where the code is exchanged.
    pub token_endpoint: String,
    /// The provider's signing keys.
    pub jwks_uri: String,
    /// PKCE methods; when listed, must include `S256`.
    #[serde(default)]
    pub code_challenge_methods_supported: Option<Vec<String>>,
}

/// `https://…`, or `http://` to a loopback host (tests, development).
fn acceptable_url(url: &str) -> bool {
    if url.starts_with("https://") {
        return url.len() > "https://".len();
    }
    let Some(rest) = url.strip_prefix("http://") else {
        return false;
    };
    let host = rest.split(['/', '?', '#']).next().unwrap_or("");
    let host = match host.rsplit_once(':') {
        Some((h, port)) if port.bytes().all(|b| b.is_ascii_digit()) => h,
        _ => host,
    };
    host == "localhost" || host == "[::1]" || host.starts_with("127.")
}

impl ProviderMetadata {
    /// Checks the document against the configured `issuer`.
    pub fn check(&self, issuer: &str) -> Result<(), OidcError> {
        if self.issuer != issuer {
            return Err(OidcError::Metadata("its issuer is not the configured one"));
        }
        for url in [
            &self.issuer,
            &self.authorization_endpoint,
            &self.token_endpoint,
            &self.jwks_uri,
        ] {
            if !acceptable_url(url) {
                return Err(OidcError::Metadata("an endpoint is not https"));
            }
        }
        if let Some(methods) = &self.code_challenge_methods_supported {
            if !methods.iter().any(|m| m == "S256") {
                return Err(OidcError::Metadata("PKCE S256 is not supported"));
            }
        }
        Ok(())
    }
}

/// The discovery document's address for an issuer.
pub fn discovery_url(issuer: &str) -> String {
    format!(
        "{}/.well-known/openid-configuration",
        issuer.trim_end_matches('/')
    )
}

/// One sign-in attempt's secrets. `Debug` hides them.
#[derive(Clone, PartialEq, Eq)]
pub struct LoginRequest {
    /// The `state` parameter (only its hash is stored).
    pub state: String,
    /// The `nonce` parameter, echoed in the ID token.
    pub nonce: String,
    /// The PKCE code verifier (43 characters).
    pub verifier: String,
}

impl std::fmt::Debug for LoginRequest {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("LoginRequest { state: ***, nonce: ***, verifier: *** }")
    }
}

impl LoginRequest {
    /// Fresh random state, nonce and verifier.
    pub fn new() -> Result<LoginRequest, OidcError> {
        Ok(LoginRequest {
            state: token::generate()?,
            nonce: token::generate()?,
            verifier: token::generate()?,
        })
    }

    /// The PKCE S256 challenge of the verifier.
    pub fn challenge(&self) -> String {
        pkce_challenge(&self.verifier)
    }
}

/// `BASE64URL(SHA256(verifier))` (RFC 7636 S256).
pub fn pkce_challenge(verifier: &str) -> String {
    URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes()))
}

/// The authorization request URL (code flow, `openid email` scope, PKCE S256).
pub fn authorization_url(
    meta: &ProviderMetadata,
    client_id: &str,
    redirect_uri: &str,
    login: &LoginRequest,
) -> String {
    let query = form_pairs(&[
        ("response_type", "code"),
        ("client_id", client_id),
        ("redirect_uri", redirect_uri),
        ("scope", "openid email"),
        ("state", &login.state),
        ("nonce", &login.nonce),
        ("code_challenge", &login.challenge()),
        ("code_challenge_method", "S256"),
    ]);
    let sep = if meta.authorization_endpoint.contains('?') {
        '&'
    } else {
        '?'
    };
    format!("{}{sep}{query}", meta.authorization_endpoint)
}

/// `application/x-www-form-urlencoded` of `pairs` (also the token request's body).
pub fn form_pairs(pairs: &[(&str, &str)]) -> String {
    fn enc(s: &str, out: &mut String) {
        for b in s.bytes() {
            match b {
                b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                    out.push(b as char)
                }
                _ => out.push_str(&format!("%{b:02X}")),
            }
        }
    }
    let mut out = String::new();
    for (i, (k, v)) in pairs.iter().enumerate() {
        if i > 0 {
            out.push('&');
        }
        enc(k, &mut out);
        out.push('=');
        enc(v, &mut out);
    }
    out
}

/// The validated claims of an ID token that sign-in uses.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IdClaims {
    /// The issuer.
    pub issuer: String,
    /// The subject (stable per provider).
    pub subject: String,
    /// The e-mail address the provider gave, if any.
    pub email: Option<String>,
    /// Whether the provider says it verified that address.
    pub email_verified: bool,
    /// When the person authenticated at the provider (`auth_time`, else `iat`).
    pub auth_time: i64,
}

#[derive(Deserialize)]
struct RawClaims {
    iss: Option<String>,
    sub: Option<String>,
    aud: Option<serde_json::Value>,
    azp: Option<String>,
    exp: Option<i64>,
    iat: Option<i64>,
    nonce: Option<String>,
    auth_time: Option<i64>,
    email: Option<String>,
    email_verified: Option<serde_json::Value>,
}

fn allowed(alg: Algorithm) -> bool {
    matches!(alg, Algorithm::RS256 | Algorithm::ES256 | Algorithm::EdDSA)
}

/// Whether `jwk` is a signing key of `alg`'s family and curve.
fn key_fits(jwk: &Jwk, alg: Algorithm) -> bool {
    if matches!(jwk.common.public_key_use, Some(PublicKeyUse::Encryption)) {
        return false;
    }
    if let Some(key_alg) = jwk.common.key_algorithm {
        if key_alg.to_string() != format!("{alg:?}") {
            return false;
        }
    }
    match (&jwk.algorithm, alg) {
        (AlgorithmParameters::RSA(_), Algorithm::RS256) => true,
        (AlgorithmParameters::EllipticCurve(p), Algorithm::ES256) => p.curve == EllipticCurve::P256,
        (AlgorithmParameters::OctetKeyPair(p), Algorithm::EdDSA) => {
            p.curve == EllipticCurve::Ed25519
        }
        _ => false,
    }
}

/// The keys of `jwks` that could have signed a token with this header (by `kid` when the
/// header names one, else every key of the algorithm).
pub fn candidate_keys<'a>(jwks: &'a JwkSet, kid: Option<&str>, alg: Algorithm) -> Vec<&'a Jwk> {
    jwks.keys
        .iter()
        .filter(|k| key_fits(k, alg))
        .filter(|k| match kid {
            Some(kid) => k.common.key_id.as_deref() == Some(kid),
            None => true,
        })
        .collect()
}

/// The header's algorithm and key id, when the algorithm is allowed.
pub fn token_header(id_token: &str) -> Result<(Algorithm, Option<String>), OidcError> {
    if id_token.len() > MAX_ID_TOKEN_LEN || id_token.split('.').count() != 3 {
        return Err(OidcError::Malformed);
    }
    // An `alg` jsonwebtoken does not know (`none`) fails to parse: not allowed either way.
    let header = jsonwebtoken::decode_header(id_token).map_err(|_| OidcError::Algorithm)?;
    if !allowed(header.alg) {
        return Err(OidcError::Algorithm);
    }
    Ok((header.alg, header.kid))
}

/// Validates an ID token for this `client_id` and attempt (`nonce`) at time `now_unix`.
/// Fails with [`OidcError::UnknownKey`] when no key of `jwks` fits (the caller may refresh the
/// JWKS once and retry).
pub fn validate_id_token(
    id_token: &str,
    jwks: &JwkSet,
    issuer: &str,
    client_id: &str,
    nonce: &str,
    now_unix: i64,
) -> Result<IdClaims, OidcError> {
    let (alg, kid) = token_header(id_token)?;
    let keys = candidate_keys(jwks, kid.as_deref(), alg);
    if keys.is_empty() {
        return Err(OidcError::UnknownKey);
    }
    let mut validation = Validation::new(alg);
    // Claims are checked below against the injected clock, each with its own error.
    validation.required_spec_claims.clear();
    validation.validate_exp = false;
    validation.validate_aud = false;
    let mut verified = None;
    for jwk in keys {
        let Ok(key) = DecodingKey::from_jwk(jwk) else {
            continue;
        };
        match jsonwebtoken::decode::<RawClaims>(id_token, &key, &validation) {
            Ok(data) => {
                verified = Some(data.claims);
                break;
            }
            Err(e) => match e.kind() {
                jsonwebtoken::errors::ErrorKind::InvalidSignature
                | jsonwebtoken::errors::ErrorKind::InvalidAlgorithm
                | jsonwebtoken::errors::ErrorKind::InvalidEcdsaKey
                | jsonwebtoken::errors::ErrorKind::InvalidRsaKey(_)
                | jsonwebtoken::errors::ErrorKind::InvalidKeyFormat => continue,
                _ => return Err(OidcError::Malformed),
            },
        }
    }
    let claims = verified.ok_or(OidcError::Signature)?;

    if claims.iss.as_deref() != Some(issuer) {
        return Err(OidcError::Issuer);
    }
    let audiences: Vec<&str> = match &claims.aud {
        Some(serde_json::Value::String(a)) => vec![a.as_str()],
        Some(serde_json::Value::Array(list)) => list.iter().filter_map(|v| v.as_str()).collect(),
        _ => Vec::new(),
    };
    if !audiences.contains(&client_id) {
        return Err(OidcError::Audience);
    }
    if (audiences.len() > 1 || claims.azp.is_some()) && claims.azp.as_deref() != Some(client_id) {
        return Err(OidcError::Audience);
    }
    match claims.exp {
        Some(exp) if exp + LEEWAY_SECS > now_unix => {}
        _ => return Err(OidcError::Expired),
    }
    let iat = match claims.iat {
        Some(iat) if iat <= now_unix + LEEWAY_SECS && iat >= now_unix - MAX_ID_TOKEN_AGE_SECS => {
            iat
        }
        _ => return Err(OidcError::IssuedAt),
    };
    match &claims.nonce {
        Some(n) if token::constant_time_eq(n.as_bytes(), nonce.as_bytes()) => {}
        _ => return Err(OidcError::Nonce),
    }
    let subject = match claims.sub {
        Some(s) if !s.is_empty() && s.len() <= 255 && !s.chars().any(char::is_control) => s,
        _ => return Err(OidcError::Subject),
    };
    let email_verified = match claims.email_verified {
        Some(serde_json::Value::Bool(b)) => b,
        // Some providers send the string "true".
        Some(serde_json::Value::String(s)) => s == "true",
        _ => false,
    };
    Ok(IdClaims {
        issuer: issuer.to_string(),
        subject,
        email: claims.email,
        email_verified,
        auth_time: claims.auth_time.unwrap_or(iat),
    })
}

/// A return path accepted after sign-in: a path on this site (`/…`), not `//…` or `/\…`
/// (which browsers read as another host), without a scheme, backslashes or control
/// characters, at most [`MAX_RETURN_PATH`] characters. Anything else is `None` (the caller
/// falls back to its default page).
pub fn return_path(candidate: &str) -> Option<&str> {
    let ok = candidate.starts_with('/')
        && !candidate.starts_with("//")
        && candidate.len() <= MAX_RETURN_PATH
        && !candidate.contains('\\')
        && !candidate.chars().any(|c| c.is_control() || c.is_whitespace())
        // `/%2F/evil.example` or `/%5C…` decodes into the forms refused above.
        && !candidate.to_ascii_lowercase().starts_with("/%2f")
        && !candidate.to_ascii_lowercase().starts_with("/%5c");
    ok.then_some(candidate)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::jws::{sign_compact, JwsHeader};
    use ed25519_dalek::SigningKey;
    use serde_json::json;

    const ISS: &str = "http://127.0.0.1:9999";
    const NOW: i64 = 1_800_000_000;

    fn key(seed: u8) -> SigningKey {
        SigningKey::from_bytes(&[seed; 32])
    }

    fn jwks(k: &SigningKey, kid: &str) -> JwkSet {
        let x = URL_SAFE_NO_PAD.encode(k.verifying_key().as_bytes());
        serde_json::from_value(json!({"keys": [
            {"kty": "OKP", "crv": "Ed25519", "x": x, "kid": kid, "use": "sig", "alg": "EdDSA"}
        ]}))
        .unwrap()
    }

    fn claims() -> serde_json::Value {
        json!({"iss": ISS, "sub": "user-1", "aud": "aurora", "exp": NOW + 300, "iat": NOW,
               "nonce": "n-1", "email": "a@example.fi", "email_verified": true})
    }

    fn sign(k: &SigningKey, kid: &str, claims: &serde_json::Value) -> String {
        let header = JwsHeader::eddsa(Some("JWT"), Some(kid));
        sign_compact(k, &header, &serde_json::to_vec(claims).unwrap()).unwrap()
    }

    fn check(token: &str, set: &JwkSet) -> Result<IdClaims, OidcError> {
        validate_id_token(token, set, ISS, "aurora", "n-1", NOW)
    }

    #[test]
    fn a_good_token_validates() {
        let k = key(1);
        let c = check(&sign(&k, "k1", &claims()), &jwks(&k, "k1")).unwrap();
        assert_eq!(c.subject, "user-1");
        assert!(c.email_verified);
        assert_eq!(c.auth_time, NOW);
    }

    #[test]
    fn every_claim_is_checked() {
        let k = key(1);
        let set = jwks(&k, "k1");
        let with = |f: &dyn Fn(&mut serde_json::Value)| {
            let mut c = claims();
            f(&mut c);
            check(&sign(&k, "k1", &c), &set)
        };
        assert_eq!(
            with(&|c| c["iss"] = json!("http://127.0.0.1:1")),
            Err(OidcError::Issuer)
        );
        assert_eq!(
            with(&|c| c["aud"] = json!("other")),
            Err(OidcError::Audience)
        );
        assert_eq!(
            with(&|c| c["aud"] = json!(["aurora", "other"])),
            Err(OidcError::Audience),
            "several audiences need azp"
        );
        assert!(with(&|c| {
            c["aud"] = json!(["aurora", "other"]);
            c["azp"] = json!("aurora");
        })
        .is_ok());
        assert_eq!(
            with(&|c| c["exp"] = json!(NOW - 61)),
            Err(OidcError::Expired)
        );
        assert_eq!(
            with(&|c| c["iat"] = json!(NOW + 120)),
            Err(OidcError::IssuedAt)
        );
        assert_eq!(
            with(&|c| c["iat"] = json!(NOW - 3600)),
            Err(OidcError::IssuedAt)
        );
        assert_eq!(with(&|c| c["nonce"] = json!("n-2")), Err(OidcError::Nonce));
        assert_eq!(
            with(&|c| {
                c.as_object_mut().unwrap().remove("nonce");
            }),
            Err(OidcError::Nonce)
        );
        assert_eq!(with(&|c| c["sub"] = json!("")), Err(OidcError::Subject));
    }

    #[test]
    fn signatures_keys_and_algorithms_are_checked() {
        let k = key(1);
        let set = jwks(&k, "k1");
        // Another key with the same kid.
        assert_eq!(
            check(&sign(&key(2), "k1", &claims()), &set),
            Err(OidcError::Signature)
        );
        // Unknown kid.
        assert_eq!(
            check(&sign(&k, "k9", &claims()), &set),
            Err(OidcError::UnknownKey)
        );
        // A tampered payload.
        let good = sign(&k, "k1", &claims());
        let parts: Vec<&str> = good.split('.').collect();
        let mut c = claims();
        c["sub"] = json!("admin");
        let forged = format!(
            "{}.{}.{}",
            parts[0],
            URL_SAFE_NO_PAD.encode(serde_json::to_vec(&c).unwrap()),
            parts[2]
        );
        assert_eq!(check(&forged, &set), Err(OidcError::Signature));
        // alg none and HS256 (keyed with the public key) are refused before any key is tried.
        let none = format!(
            "{}.{}.",
            URL_SAFE_NO_PAD.encode(br#"{"alg":"none","kid":"k1"}"#),
            parts[1]
        );
        assert_eq!(check(&none, &set), Err(OidcError::Algorithm));
        let hs = jsonwebtoken::encode(
            &jsonwebtoken::Header::new(Algorithm::HS256),
            &claims(),
            &jsonwebtoken::EncodingKey::from_secret(k.verifying_key().as_bytes()),
        )
        .unwrap();
        assert_eq!(check(&hs, &set), Err(OidcError::Algorithm));
        assert_eq!(check("not a jwt", &set), Err(OidcError::Malformed));
    }

    #[test]
    fn es256_tokens_validate_with_a_p256_key_only() {
        use ring::rand::SystemRandom;
        use ring::signature::{EcdsaKeyPair, KeyPair as _, ECDSA_P256_SHA256_FIXED_SIGNING};
        let rng = SystemRandom::new();
        let pkcs8 = EcdsaKeyPair::generate_pkcs8(&ECDSA_P256_SHA256_FIXED_SIGNING, &rng).unwrap();
        let pair = EcdsaKeyPair::from_pkcs8(&ECDSA_P256_SHA256_FIXED_SIGNING, pkcs8.as_ref(), &rng)
            .unwrap();
        let point = pair.public_key().as_ref();
        let (x, y) = (&point[1..33], &point[33..65]);
        let jwks = |crv: &str| -> JwkSet {
            serde_json::from_value(json!({"keys": [{"kty": "EC", "crv": crv, "kid": "e1",
                "x": URL_SAFE_NO_PAD.encode(x), "y": URL_SAFE_NO_PAD.encode(y)}]}))
            .unwrap()
        };
        let mut header = jsonwebtoken::Header::new(Algorithm::ES256);
        header.kid = Some("e1".into());
        let token = jsonwebtoken::encode(
            &header,
            &claims(),
            &jsonwebtoken::EncodingKey::from_ec_der(pkcs8.as_ref()),
        )
        .unwrap();
        assert_eq!(check(&token, &jwks("P-256")).unwrap().subject, "user-1");
        // The same key published as another curve does not fit ES256.
        assert_eq!(check(&token, &jwks("P-384")), Err(OidcError::UnknownKey));
        // An EdDSA key with the same kid does not verify an ES256 token.
        let ed = key(1);
        assert_eq!(
            check(&token, &super::tests::jwks(&ed, "e1")),
            Err(OidcError::UnknownKey)
        );
        // ES384 is not on the allow-list.
        let mut header = jsonwebtoken::Header::new(Algorithm::ES384);
        header.kid = Some("e1".into());
        let forged = format!(
            "{}.{}",
            URL_SAFE_NO_PAD.encode(serde_json::to_vec(&header).unwrap()),
            token.split_once('.').unwrap().1
        );
        assert_eq!(check(&forged, &jwks("P-256")), Err(OidcError::Algorithm));
    }

    #[test]
    fn return_paths_are_relative_only() {
        for ok in ["/", "/fi/me", "/fi/me?x=1#y", "/en/account/settings"] {
            assert_eq!(return_path(ok), Some(ok), "{ok}");
        }
        for bad in [
            "https://evil.example/",
            "//evil.example/x",
            "/\\evil.example",
            "\\\\evil.example",
            "javascript:alert(1)",
            "fi/me",
            "",
            "/%2F/evil.example",
            "/%5cevil.example",
            "/x\r\nSet-Cookie: a=b",
            " /fi",
        ] {
            assert_eq!(return_path(bad), None, "{bad:?}");
        }
        assert_eq!(return_path(&format!("/{}", "a".repeat(600))), None);
    }

    #[test]
    fn metadata_must_name_the_issuer_and_safe_endpoints() {
        let meta = ProviderMetadata {
            issuer: ISS.into(),
            authorization_endpoint: format!("{ISS}/authorize"),
            token_endpoint: format!("{ISS}/token"),
            jwks_uri: format!("{ISS}/jwks"),
            code_challenge_methods_supported: Some(vec!["S256".into()]),
        };
        assert_eq!(meta.check(ISS), Ok(()));
        assert!(meta.check("http://127.0.0.1:1").is_err());
        let mut m = meta.clone();
        m.token_endpoint = "http://evil.example/token".into();
        assert!(m.check(ISS).is_err());
        let mut m = meta.clone();
        m.code_challenge_methods_supported = Some(vec!["plain".into()]);
        assert!(m.check(ISS).is_err());
        let login = LoginRequest::new().unwrap();
        let url = authorization_url(&meta, "aurora", "http://127.0.0.1:8080/fi/cb", &login);
        assert!(url.starts_with(&format!("{ISS}/authorize?response_type=code&")));
        assert!(url.contains("code_challenge_method=S256"));
        assert!(url.contains(&format!("code_challenge={}", login.challenge())));
        assert!(!format!("{login:?}").contains(&login.nonce));
        // BASE64URL(SHA256(ASCII(verifier))), computed independently with openssl.
        assert_eq!(
            pkce_challenge("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWEEjk-M"),
            "Uoq22QC75lOeT-FwdUsnrWt7iSBSj-kFoFOFJ_JKd-c"
        );
    }
}
