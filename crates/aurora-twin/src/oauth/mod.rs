//! The OAuth 2.1 / OpenID Connect authorization server's rules for member services. No HTTP
//! here: the server's `oauth` module parses requests and renders answers; every decision is
//! made (and tested) here.
//!
//! - **Authorization requests** ([`validate_authorization`]): a registered, enabled client;
//!   the redirect URI compared **exactly** with a registered one (errors about the client or
//!   the redirect URI are never redirected: no open redirect); `response_type=code` only;
//!   PKCE with `S256` required (`plain` refused); the requested scopes within the client's
//!   registered allowed scopes, else `invalid_scope` (a service's allowed scopes cap what any
//!   consent can grant, unlike the reference's unconstrained scope change, profile §8.2).
//! - **Codes** ([`issue_code`], [`exchange_code`]): random, stored hashed, valid
//!   [`CODE_TTL_SECS`], single use (redeemed by one atomic statement; a replay revokes every
//!   token issued from the code), bound to the client, the redirect URI and the PKCE
//!   challenge, and to the consent record the person granted.
//! - **Tokens**: opaque random access tokens valid [`ACCESS_TTL_SECS`] and rotating refresh
//!   tokens ([`refresh`]; presenting a rotated one again revokes its family), all stored only
//!   hashed; ID tokens signed with EdDSA (`iss`, `sub`, `aud`, `exp`, `iat`, `auth_time`,
//!   `nonce`, `at_hash`).
//! - **Pairwise subjects** ([`pairwise_subject`]): an HMAC of (sector, person id) under the
//!   key file's secret: stable per service, unlinkable across services, not reversible.
//! - **Every use of a token** ([`authenticate_bearer`], [`introspect`]) checks the consent
//!   record in the database (no cache), so a withdrawal takes effect at once on every
//!   replica; erasing the person deletes the tokens (cascade), after
//!   [`notice::queue_erasure_notices`] has revoked them and queued deletion notices.
//! - Registration of clients: [`client`]; deletion notices to services: [`notice`].

pub mod client;
pub mod notice;

use aurora_store::consent::{ConsentRecord, ConsentStore, Names, RecipientKind};
use aurora_store::oauth::{
    CodeBinding, CodeMismatch, IssueTokens, NewCode, NewToken, OAuthClient, OAuthStore,
    RedeemOutcome, RotateOutcome, TokenKind, TokenRecord,
};
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use serde::Serialize;
use sha2::{Digest, Sha256, Sha512};

use aurora_model::Lang;

use crate::consent::{
    self, ConsentError, ConsentSettings, GrantRequest, HandoverTarget, Recipient,
    RecipientDirectory, RecipientRef,
};
use crate::crypto::CryptoError;
use crate::jws::{sign_compact, JwsError, JwsHeader};
use crate::keys::TwinKeys;
use crate::registry::AttributeRegistry;
use crate::token;

/// How long an authorization code is valid.
pub const CODE_TTL_SECS: i64 = 60;
/// How long an access token is valid.
pub const ACCESS_TTL_SECS: i64 = 5 * 60;
/// How long a refresh token is valid (never beyond its consent's validity).
pub const REFRESH_TTL_SECS: i64 = 30 * 24 * 60 * 60;
/// How long an ID token is valid.
pub const ID_TOKEN_TTL_SECS: i64 = 5 * 60;
/// Longest `state` and `nonce` accepted.
pub const MAX_PARAM_LEN: usize = 512;

/// Errors of the engine (not protocol answers: those are [`AuthorizeError`] and
/// [`TokenError`]). None carries a token or secret.
#[derive(Debug, thiserror::Error)]
pub enum OAuthError {
    /// The store failed.
    #[error(transparent)]
    Store(#[from] aurora_store::Error),
    /// Random numbers or encryption failed.
    #[error(transparent)]
    Crypto(#[from] CryptoError),
    /// Signing failed.
    #[error(transparent)]
    Jws(#[from] JwsError),
    /// A registration was refused.
    #[error(transparent)]
    Registration(#[from] client::RegistrationError),
}

/// The current time in unix seconds.
pub fn now_unix() -> i64 {
    time::OffsetDateTime::now_utc().unix_timestamp()
}

/// The pairwise subject identifier of a person for a sector (a member service):
/// `base64url(HMAC(derived key "pairwise-sub", sector ‖ 0x00 ‖ person id))`.
pub fn pairwise_subject(keys: &TwinKeys, sector: &str, person_id: &str) -> String {
    let mut data = Vec::with_capacity(sector.len() + 1 + person_id.len());
    data.extend_from_slice(sector.as_bytes());
    data.push(0);
    data.extend_from_slice(person_id.as_bytes());
    keys.mac_b64("pairwise-sub", &data)
}

/// The subject a client knows a person by.
pub fn subject_for(keys: &TwinKeys, client: &OAuthClient, person_id: &str) -> String {
    pairwise_subject(keys, &client.pairwise_sector, person_id)
}

/// `BASE64URL(SHA256(verifier))` (RFC 7636 `S256`).
pub fn s256(verifier: &str) -> String {
    URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes()))
}

/// RFC 7636 §4.1: 43 to 128 characters of `[A-Za-z0-9-._~]`.
pub fn valid_verifier(v: &str) -> bool {
    (43..=128).contains(&v.len())
        && v.bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~'))
}

/// An S256 challenge: 43 characters of base64url.
fn valid_challenge(c: &str) -> bool {
    c.len() == 43
        && c.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

/// A scope, parsed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Scope {
    /// `openid`: an ID token and the userinfo endpoint.
    OpenId,
    /// `<attribute>`: read the attribute.
    Read(String),
    /// `store:<attribute>`: write the attribute.
    Store(String),
}

impl Scope {
    /// Parses one scope token.
    pub fn parse(s: &str) -> Scope {
        if s == "openid" {
            Scope::OpenId
        } else if let Some(a) = s.strip_prefix("store:") {
            Scope::Store(a.to_string())
        } else {
            Scope::Read(s.to_string())
        }
    }
}

/// The attributes a scope list lets a service read.
pub fn read_attributes(scopes: &[String]) -> Vec<String> {
    scopes
        .iter()
        .filter_map(|s| match Scope::parse(s) {
            Scope::Read(a) => Some(a),
            _ => None,
        })
        .collect()
}

/// The attributes a scope list lets a service write.
pub fn store_attributes(scopes: &[String]) -> Vec<String> {
    scopes
        .iter()
        .filter_map(|s| match Scope::parse(s) {
            Scope::Store(a) => Some(a),
            _ => None,
        })
        .collect()
}

/// Splits a `scope` parameter (space-separated, RFC 6749 §3.3) into distinct tokens.
pub fn split_scopes(scope: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for s in scope.split(' ').filter(|s| !s.is_empty()) {
        if !out.iter().any(|o| o == s) {
            out.push(s.to_string());
        }
    }
    out
}

/// `prompt` (OpenID Connect Core §3.1.2.1).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Prompt {
    /// No user interaction: an error if the person is not signed in or has not consented.
    None,
    /// Sign in again.
    Login,
    /// Ask for consent (always done anyway).
    Consent,
}

/// The parameters of an authorization request, as received.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AuthorizationRequest {
    /// `client_id`.
    pub client_id: Option<String>,
    /// `redirect_uri`.
    pub redirect_uri: Option<String>,
    /// `response_type`.
    pub response_type: Option<String>,
    /// `response_mode` (only `query`).
    pub response_mode: Option<String>,
    /// `scope`.
    pub scope: Option<String>,
    /// `state`.
    pub state: Option<String>,
    /// `nonce`.
    pub nonce: Option<String>,
    /// `code_challenge`.
    pub code_challenge: Option<String>,
    /// `code_challenge_method`.
    pub code_challenge_method: Option<String>,
    /// `prompt`.
    pub prompt: Option<String>,
    /// `max_age` (seconds).
    pub max_age: Option<String>,
    /// `purpose`: one of the client's registered purpose codes (default: its first).
    pub purpose: Option<String>,
}

/// An authorization request that passed every check.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValidAuthorization {
    /// The client.
    pub client: OAuthClient,
    /// The (registered, exactly matching) redirect URI.
    pub redirect_uri: String,
    /// The requested scopes, distinct, in request order.
    pub scopes: Vec<String>,
    /// The purpose code.
    pub purpose: String,
    /// `state`, returned as is.
    pub state: Option<String>,
    /// `nonce`, put into the ID token.
    pub nonce: Option<String>,
    /// The PKCE S256 challenge.
    pub code_challenge: String,
    /// `prompt`.
    pub prompt: Option<Prompt>,
    /// `max_age`.
    pub max_age: Option<i64>,
}

impl ValidAuthorization {
    /// The attributes the service asks to read.
    pub fn read_attributes(&self) -> Vec<String> {
        read_attributes(&self.scopes)
    }

    /// The attributes the service asks to write.
    pub fn store_attributes(&self) -> Vec<String> {
        store_attributes(&self.scopes)
    }
}

/// Why an authorization request was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AuthorizeError {
    /// Unknown or disabled client, or no `client_id`: shown on the page, never redirected.
    UnknownClient,
    /// Missing or unregistered redirect URI: shown on the page, never redirected.
    BadRedirectUri,
    /// An error to send to the (validated) redirect URI.
    Redirect(RedirectError),
}

/// An OAuth error response sent to the client's redirect URI.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RedirectError {
    /// The validated redirect URI.
    pub redirect_uri: String,
    /// RFC 6749 §4.1.2.1 / OIDC error code.
    pub error: &'static str,
    /// A human-readable description (no secrets).
    pub description: String,
    /// `state`, returned as is.
    pub state: Option<String>,
}

/// Appends query parameters to a (registered) redirect URI.
pub fn redirect_with(redirect_uri: &str, params: &[(&str, &str)]) -> String {
    let mut out = redirect_uri.to_string();
    let mut sep = if redirect_uri.contains('?') { '&' } else { '?' };
    for (k, v) in params {
        out.push(sep);
        sep = '&';
        out.push_str(k);
        out.push('=');
        out.push_str(&percent_encode(v));
    }
    out
}

fn percent_encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

impl RedirectError {
    /// The URI to redirect the browser to (with `iss`, RFC 9207).
    pub fn location(&self, issuer: &str) -> String {
        let mut params = vec![
            ("error", self.error),
            ("error_description", self.description.as_str()),
        ];
        if let Some(state) = &self.state {
            params.push(("state", state));
        }
        params.push(("iss", issuer));
        redirect_with(&self.redirect_uri, &params)
    }
}

fn present(v: &Option<String>) -> Option<&str> {
    v.as_deref().filter(|s| !s.is_empty())
}

/// Validates an authorization request (see the module docs for the rules).
pub async fn validate_authorization(
    store: &dyn OAuthStore,
    req: &AuthorizationRequest,
) -> Result<ValidAuthorization, AuthorizeError> {
    let Some(client_id) = present(&req.client_id) else {
        return Err(AuthorizeError::UnknownClient);
    };
    let client = match store.oauth_client(client_id).await {
        Ok(Some(c)) if !c.disabled => c,
        // A store failure is also not redirected: nothing about the client is known.
        _ => return Err(AuthorizeError::UnknownClient),
    };
    let Some(redirect_uri) = present(&req.redirect_uri) else {
        return Err(AuthorizeError::BadRedirectUri);
    };
    // Exact string comparison: no normalisation, no prefix or pattern matching.
    if !client.redirect_uris.iter().any(|u| u == redirect_uri) {
        return Err(AuthorizeError::BadRedirectUri);
    }
    let state = present(&req.state).map(str::to_string);
    let fail = |error: &'static str, description: &str| {
        AuthorizeError::Redirect(RedirectError {
            redirect_uri: redirect_uri.to_string(),
            error,
            description: description.to_string(),
            state: state.clone(),
        })
    };
    if state.as_ref().is_some_and(|s| s.len() > MAX_PARAM_LEN) {
        return Err(fail("invalid_request", "state is too long"));
    }
    match present(&req.response_type) {
        Some("code") => {}
        None => return Err(fail("invalid_request", "response_type is required")),
        Some(_) => {
            return Err(fail(
                "unsupported_response_type",
                "only response_type=code is supported",
            ))
        }
    }
    if let Some(mode) = present(&req.response_mode) {
        if mode != "query" {
            return Err(fail(
                "invalid_request",
                "only response_mode=query is supported",
            ));
        }
    }
    let Some(challenge) = present(&req.code_challenge) else {
        return Err(fail(
            "invalid_request",
            "PKCE is required: code_challenge is missing",
        ));
    };
    match present(&req.code_challenge_method) {
        Some("S256") => {}
        // Absent means `plain` (RFC 7636 §4.3), which is refused.
        _ => {
            return Err(fail(
                "invalid_request",
                "code_challenge_method must be S256 (plain is not accepted)",
            ))
        }
    }
    if !valid_challenge(challenge) {
        return Err(fail(
            "invalid_request",
            "code_challenge is not an S256 challenge",
        ));
    }
    let nonce = present(&req.nonce).map(str::to_string);
    if nonce.as_ref().is_some_and(|n| n.len() > MAX_PARAM_LEN) {
        return Err(fail("invalid_request", "nonce is too long"));
    }
    let scopes = split_scopes(req.scope.as_deref().unwrap_or_default());
    if scopes.is_empty() {
        return Err(fail("invalid_scope", "scope is required"));
    }
    // The cap: nothing beyond what the service is registered for, whatever a person
    // would approve.
    if let Some(extra) = scopes.iter().find(|s| !client.allowed_scopes.contains(s)) {
        return Err(fail(
            "invalid_scope",
            &format!("scope {extra:?} is not allowed for this client"),
        ));
    }
    if read_attributes(&scopes).is_empty() && store_attributes(&scopes).is_empty() {
        return Err(fail(
            "invalid_scope",
            "at least one attribute or store: scope is required",
        ));
    }
    let purpose = match present(&req.purpose) {
        Some(p) if client.allowed_purposes.iter().any(|a| a == p) => p.to_string(),
        Some(_) => {
            return Err(fail(
                "invalid_request",
                "purpose is not registered for this client",
            ))
        }
        None => match client.allowed_purposes.first() {
            Some(p) => p.clone(),
            None => {
                return Err(fail(
                    "invalid_request",
                    "the client has no purpose registered",
                ))
            }
        },
    };
    let prompt = match present(&req.prompt) {
        None => None,
        Some("none") => Some(Prompt::None),
        Some("login") => Some(Prompt::Login),
        Some("consent") => Some(Prompt::Consent),
        Some(_) => {
            return Err(fail(
                "invalid_request",
                "prompt must be none, login or consent",
            ))
        }
    };
    let max_age = match present(&req.max_age) {
        None => None,
        Some(m) => match m.parse::<i64>() {
            Ok(v) if v >= 0 => Some(v),
            _ => {
                return Err(fail(
                    "invalid_request",
                    "max_age must be a number of seconds",
                ))
            }
        },
    };
    Ok(ValidAuthorization {
        redirect_uri: redirect_uri.to_string(),
        client,
        scopes,
        purpose,
        state,
        nonce,
        code_challenge: challenge.to_string(),
        prompt,
        max_age,
    })
}

/// Whether the person must sign in again: `prompt=login` or `max_age` exceeded.
pub fn needs_fresh_login(auth: &ValidAuthorization, auth_time_unix: i64, now: i64) -> bool {
    auth.prompt == Some(Prompt::Login)
        || auth
            .max_age
            .is_some_and(|max| now.saturating_sub(auth_time_unix) > max)
}

/// Whether `consent` covers this request: the same service and purpose, active at `now`,
/// and every attribute asked for (read or store) among its attributes.
pub fn consent_covers(consent: &ConsentRecord, auth: &ValidAuthorization, now: i64) -> bool {
    consent.recipient_kind == RecipientKind::Service
        && consent.recipient_id == auth.client.id
        && consent.purpose == auth.purpose
        && consent.is_active_at(now)
        && consent_attributes(&auth.scopes)
            .iter()
            .all(|a| consent.attributes.contains(a))
}

/// What a consent record lists for a scope set: every attribute named by a read or a
/// `store:` scope (the record is about the attribute; the token's scopes say whether it is
/// read or written). `openid` needs no consent: it reveals only the pairwise subject.
pub fn consent_attributes(scopes: &[String]) -> Vec<String> {
    let mut out: Vec<String> = read_attributes(scopes);
    for a in store_attributes(scopes) {
        if !out.contains(&a) {
            out.push(a);
        }
    }
    out.sort();
    out
}

/// The consent engine's view of a member service: what it may ever receive (the attributes
/// of its allowed scopes) and for which purposes.
pub fn recipient_of(client: &OAuthClient) -> Recipient {
    Recipient {
        kind: RecipientKind::Service,
        id: client.id.clone(),
        names: Names {
            fi: client.name_fi.clone(),
            sv: client.name_sv.clone(),
            en: client.name_en.clone(),
        },
        allowed_attributes: consent_attributes(&client.allowed_scopes)
            .into_iter()
            .collect(),
        allowed_purposes: client.allowed_purposes.iter().cloned().collect(),
        handover: client.handover_url.as_ref().map(|url| HandoverTarget {
            landing_url: url.clone(),
            attributes: client.handover_attributes.iter().cloned().collect(),
        }),
    }
}

/// [`RecipientDirectory`] over the member-service registry: enabled clients are service
/// recipients (agents are not here).
pub struct ClientDirectory<'a>(pub &'a dyn OAuthStore);

impl std::fmt::Debug for ClientDirectory<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("ClientDirectory")
    }
}

#[async_trait::async_trait]
impl RecipientDirectory for ClientDirectory<'_> {
    async fn recipient(
        &self,
        kind: RecipientKind,
        id: &str,
    ) -> Result<Option<Recipient>, aurora_store::Error> {
        if kind != RecipientKind::Service {
            return Ok(None);
        }
        Ok(self
            .0
            .oauth_client(id)
            .await?
            .filter(|c| !c.disabled)
            .map(|c| recipient_of(&c)))
    }
}

/// Issues a code for an approved (or already consented) request carried out under
/// `consent_id`; returns the code (shown once: it goes into the redirect).
pub async fn issue_code(
    store: &dyn OAuthStore,
    auth: &ValidAuthorization,
    person_id: &str,
    consent_id: &str,
    auth_time_unix: i64,
    now: i64,
) -> Result<String, OAuthError> {
    let code = token::generate()?;
    store
        .create_code(&NewCode {
            code_hash: &token::hash(&code),
            client_id: &auth.client.id,
            person_id,
            consent_id,
            redirect_uri: &auth.redirect_uri,
            code_challenge: &auth.code_challenge,
            scopes: &auth.scopes,
            nonce: auth.nonce.as_deref(),
            auth_time_unix,
            created_at_unix: now,
            expires_at_unix: now + CODE_TTL_SECS,
        })
        .await?;
    Ok(code)
}

/// The redirect that delivers a code (with `state` and `iss`, RFC 9207).
pub fn code_location(auth: &ValidAuthorization, code: &str, issuer: &str) -> String {
    let mut params = vec![("code", code)];
    if let Some(state) = &auth.state {
        params.push(("state", state));
    }
    params.push(("iss", issuer));
    redirect_with(&auth.redirect_uri, &params)
}

/// An RFC 6749 §5.2 error of the token, revocation or introspection endpoint.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TokenError {
    /// The error code.
    pub error: &'static str,
    /// A description (never a token or secret).
    pub error_description: String,
}

impl TokenError {
    fn new(error: &'static str, description: impl Into<String>) -> Self {
        TokenError {
            error,
            error_description: description.into(),
        }
    }

    /// `invalid_request`.
    pub fn invalid_request(d: impl Into<String>) -> Self {
        Self::new("invalid_request", d)
    }

    /// `invalid_grant`.
    pub fn invalid_grant(d: impl Into<String>) -> Self {
        Self::new("invalid_grant", d)
    }

    /// `invalid_client` (401 with `WWW-Authenticate: Basic`).
    pub fn invalid_client() -> Self {
        Self::new("invalid_client", "client authentication failed")
    }

    /// `unsupported_grant_type`.
    pub fn unsupported_grant_type() -> Self {
        Self::new(
            "unsupported_grant_type",
            "grant_type must be authorization_code or refresh_token",
        )
    }

    /// `invalid_scope`.
    pub fn invalid_scope(d: impl Into<String>) -> Self {
        Self::new("invalid_scope", d)
    }
}

/// A token endpoint answer (RFC 6749 §5.1). `Debug` hides the tokens.
#[derive(Clone, Serialize)]
pub struct TokenResponse {
    /// The access token.
    pub access_token: String,
    /// Always `Bearer`.
    pub token_type: &'static str,
    /// Seconds until the access token expires.
    pub expires_in: i64,
    /// The refresh token.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub refresh_token: Option<String>,
    /// The granted scopes.
    pub scope: String,
    /// The ID token (with the `openid` scope).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id_token: Option<String>,
}

impl std::fmt::Debug for TokenResponse {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TokenResponse")
            .field("expires_in", &self.expires_in)
            .field("scope", &self.scope)
            .finish_non_exhaustive()
    }
}

/// What the token endpoint works with.
pub struct AuthServer<'a> {
    /// Clients, codes and tokens.
    pub oauth: &'a dyn OAuthStore,
    /// Consent records.
    pub consents: &'a dyn ConsentStore,
    /// Signing and pairwise keys.
    pub keys: &'a TwinKeys,
    /// The issuer (the public URL).
    pub issuer: &'a str,
}

impl std::fmt::Debug for AuthServer<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AuthServer")
            .field("issuer", &self.issuer)
            .finish_non_exhaustive()
    }
}

/// The ID token's claims.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, serde::Deserialize)]
pub struct IdTokenClaims {
    /// Issuer.
    pub iss: String,
    /// Pairwise subject.
    pub sub: String,
    /// The client id.
    pub aud: String,
    /// Expiry (unix seconds).
    pub exp: i64,
    /// Issued at.
    pub iat: i64,
    /// When the person authenticated.
    pub auth_time: i64,
    /// The request's nonce.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub nonce: Option<String>,
    /// Left half of SHA-512 of the access token (EdDSA/Ed25519 hashes with SHA-512).
    pub at_hash: String,
}

/// `at_hash` for an EdDSA (Ed25519) ID token: base64url of the left half of SHA-512.
pub fn at_hash(access_token: &str) -> String {
    let digest = Sha512::digest(access_token.as_bytes());
    URL_SAFE_NO_PAD.encode(&digest[..32])
}

impl AuthServer<'_> {
    /// The client authenticated with its secret (`None`: `invalid_client`).
    pub async fn authenticate_client(
        &self,
        client_id: &str,
        secret: &str,
    ) -> Result<Option<OAuthClient>, OAuthError> {
        Ok(self
            .oauth
            .authenticate_oauth_client(client_id, secret)
            .await?)
    }

    /// The consent record behind a grant if it is active now (read from the database).
    async fn active_consent(
        &self,
        person_id: &str,
        consent_id: &str,
        client_id: &str,
        now: i64,
    ) -> Result<Option<ConsentRecord>, OAuthError> {
        let consent = self.consents.consent(person_id, consent_id).await?;
        Ok(consent.filter(|c| {
            c.is_active_at(now)
                && c.recipient_kind == RecipientKind::Service
                && c.recipient_id == client_id
        }))
    }

    fn new_tokens(
        &self,
        consent: &ConsentRecord,
        family_id: String,
        now: i64,
    ) -> Result<(String, String, IssueTokens), OAuthError> {
        let access = token::generate()?;
        let refresh = token::generate()?;
        let access_exp = (now + ACCESS_TTL_SECS).min(consent.valid_until_unix);
        let refresh_exp = (now + REFRESH_TTL_SECS).min(consent.valid_until_unix);
        let issue = IssueTokens {
            family_id,
            access: NewToken {
                token_hash: token::hash(&access),
                expires_at_unix: access_exp,
            },
            refresh: Some(NewToken {
                token_hash: token::hash(&refresh),
                expires_at_unix: refresh_exp,
            }),
            now_unix: now,
        };
        Ok((access, refresh, issue))
    }

    /// Signs an ID token.
    pub fn id_token(
        &self,
        client: &OAuthClient,
        person_id: &str,
        nonce: Option<&str>,
        auth_time_unix: i64,
        access_token: &str,
        now: i64,
    ) -> Result<String, OAuthError> {
        let claims = IdTokenClaims {
            iss: self.issuer.to_string(),
            sub: subject_for(self.keys, client, person_id),
            aud: client.id.clone(),
            exp: now + ID_TOKEN_TTL_SECS,
            iat: now,
            auth_time: auth_time_unix,
            nonce: nonce.map(str::to_string),
            at_hash: at_hash(access_token),
        };
        let payload =
            serde_json::to_vec(&claims).map_err(|e| JwsError::Serialise(e.to_string()))?;
        Ok(sign_compact(
            self.keys.signing_key(),
            &JwsHeader::eddsa(Some("JWT"), Some(self.keys.kid())),
            &payload,
        )?)
    }

    /// `grant_type=authorization_code` for an authenticated client.
    pub async fn exchange_code(
        &self,
        client: &OAuthClient,
        code: &str,
        redirect_uri: &str,
        code_verifier: &str,
        now: i64,
    ) -> Result<Result<TokenResponse, TokenError>, OAuthError> {
        if !token::well_formed(code) {
            return Ok(Err(TokenError::invalid_grant("unknown authorization code")));
        }
        if code_verifier.is_empty() {
            return Ok(Err(TokenError::invalid_request(
                "code_verifier is required (PKCE)",
            )));
        }
        if !valid_verifier(code_verifier) {
            return Ok(Err(TokenError::invalid_grant(
                "code_verifier does not match the code_challenge",
            )));
        }
        let access = token::generate()?;
        let refresh = token::generate()?;
        let family_id = uuid::Uuid::new_v4().to_string();
        // The code's consent is checked after the atomic redemption (and the tokens revoked if
        // it is no longer active); a token never outlives its consent, as every use checks it.
        let issue = IssueTokens {
            family_id,
            access: NewToken {
                token_hash: token::hash(&access),
                expires_at_unix: now + ACCESS_TTL_SECS,
            },
            refresh: Some(NewToken {
                token_hash: token::hash(&refresh),
                expires_at_unix: now + REFRESH_TTL_SECS,
            }),
            now_unix: now,
        };
        let outcome = self
            .oauth
            .redeem_code(
                &token::hash(code),
                &CodeBinding {
                    client_id: &client.id,
                    redirect_uri,
                    code_challenge: &s256(code_verifier),
                },
                &issue,
            )
            .await?;
        let record = match outcome {
            RedeemOutcome::Redeemed(record) => record,
            RedeemOutcome::Unknown => {
                return Ok(Err(TokenError::invalid_grant("unknown authorization code")))
            }
            RedeemOutcome::Replayed { .. } => {
                return Ok(Err(TokenError::invalid_grant(
                    "the authorization code was already used; its tokens are revoked",
                )))
            }
            RedeemOutcome::Mismatch(m) => {
                return Ok(Err(TokenError::invalid_grant(match m {
                    CodeMismatch::Expired => "the authorization code has expired",
                    CodeMismatch::RedirectUri => {
                        "redirect_uri differs from the authorization request's"
                    }
                    CodeMismatch::Verifier => "code_verifier does not match the code_challenge",
                })))
            }
        };
        if self
            .active_consent(&record.person_id, &record.consent_id, &client.id, now)
            .await?
            .is_none()
        {
            self.oauth
                .revoke_consent_grants(&record.consent_id, now)
                .await?;
            return Ok(Err(TokenError::invalid_grant(
                "the consent is no longer active",
            )));
        };
        let id_token = if record.scopes.iter().any(|s| s == "openid") {
            Some(self.id_token(
                client,
                &record.person_id,
                record.nonce.as_deref(),
                record.auth_time_unix,
                &access,
                now,
            )?)
        } else {
            None
        };
        Ok(Ok(TokenResponse {
            access_token: access,
            token_type: "Bearer",
            expires_in: ACCESS_TTL_SECS,
            refresh_token: Some(refresh),
            scope: record.scopes.join(" "),
            id_token,
        }))
    }

    /// `grant_type=refresh_token` for an authenticated client. A `scope` beyond the granted
    /// scopes is `invalid_scope`; the tokens always carry the granted scopes (reported in
    /// `scope`).
    pub async fn refresh(
        &self,
        client: &OAuthClient,
        refresh_token: &str,
        scope: Option<&str>,
        now: i64,
    ) -> Result<Result<TokenResponse, TokenError>, OAuthError> {
        if !token::well_formed(refresh_token) {
            return Ok(Err(TokenError::invalid_grant("unknown refresh token")));
        }
        let hash = token::hash(refresh_token);
        let Some(current) = self.oauth.oauth_token(&hash).await? else {
            return Ok(Err(TokenError::invalid_grant("unknown refresh token")));
        };
        if current.client_id != client.id || current.kind != TokenKind::Refresh {
            return Ok(Err(TokenError::invalid_grant("unknown refresh token")));
        }
        if let Some(scope) = scope {
            if let Some(extra) = split_scopes(scope)
                .iter()
                .find(|s| !current.scopes.contains(s))
            {
                return Ok(Err(TokenError::invalid_scope(format!(
                    "scope {extra:?} was not granted"
                ))));
            }
        }
        let consent = if current.used_at_unix.is_none() {
            match self
                .active_consent(&current.person_id, &current.consent_id, &client.id, now)
                .await?
            {
                Some(c) => Some(c),
                None => {
                    self.oauth
                        .revoke_consent_grants(&current.consent_id, now)
                        .await?;
                    return Ok(Err(TokenError::invalid_grant(
                        "the consent is no longer active",
                    )));
                }
            }
        } else {
            None
        };
        let (access, refresh, issue) = match &consent {
            Some(c) => self.new_tokens(c, current.family_id.clone(), now)?,
            // A rotated token: rotate_refresh detects the reuse and revokes the family.
            None => {
                let access = token::generate()?;
                let refresh = token::generate()?;
                let issue = IssueTokens {
                    family_id: current.family_id.clone(),
                    access: NewToken {
                        token_hash: token::hash(&access),
                        expires_at_unix: now,
                    },
                    refresh: None,
                    now_unix: now,
                };
                (access, refresh, issue)
            }
        };
        match self.oauth.rotate_refresh(&hash, &client.id, &issue).await? {
            RotateOutcome::Rotated(old) => {
                let Some(consent) = consent else {
                    return Ok(Err(TokenError::invalid_grant("unknown refresh token")));
                };
                Ok(Ok(TokenResponse {
                    access_token: access,
                    token_type: "Bearer",
                    expires_in: ACCESS_TTL_SECS.min(consent.valid_until_unix - now).max(0),
                    refresh_token: Some(refresh),
                    scope: old.scopes.join(" "),
                    id_token: None,
                }))
            }
            RotateOutcome::Reused { .. } => Ok(Err(TokenError::invalid_grant(
                "the refresh token was already used; every token of its grant is revoked",
            ))),
            RotateOutcome::Invalid => Ok(Err(TokenError::invalid_grant(
                "the refresh token is expired or revoked",
            ))),
        }
    }

    /// A live token of an enabled client whose consent is active now, with its client and
    /// consent; `None` otherwise.
    async fn live_grant(
        &self,
        token_value: &str,
        now: i64,
    ) -> Result<Option<LiveGrant>, OAuthError> {
        if !token::well_formed(token_value) {
            return Ok(None);
        }
        let Some(token) = self.oauth.oauth_token(&token::hash(token_value)).await? else {
            return Ok(None);
        };
        if !token.is_live(now) {
            return Ok(None);
        }
        let Some(client) = self.oauth.oauth_client(&token.client_id).await? else {
            return Ok(None);
        };
        if client.disabled {
            return Ok(None);
        }
        let Some(consent) = self
            .active_consent(&token.person_id, &token.consent_id, &client.id, now)
            .await?
        else {
            return Ok(None);
        };
        let subject = subject_for(self.keys, &client, &token.person_id);
        Ok(Some(LiveGrant {
            token,
            client,
            consent,
            subject,
        }))
    }

    /// Authenticates a bearer access token (resource endpoints): live, an access token, its
    /// client enabled and its consent active now.
    pub async fn authenticate_bearer(
        &self,
        access_token: &str,
        now: i64,
    ) -> Result<Result<LiveGrant, BearerError>, OAuthError> {
        match self.live_grant(access_token, now).await? {
            Some(g) if g.token.kind == TokenKind::Access => Ok(Ok(g)),
            _ => Ok(Err(BearerError::InvalidToken)),
        }
    }

    /// RFC 7662 introspection by an authenticated client: `{"active": false}` for anything
    /// not live, not active or issued to another client.
    pub async fn introspect(
        &self,
        client: &OAuthClient,
        token_value: &str,
        now: i64,
    ) -> Result<serde_json::Value, OAuthError> {
        let inactive = serde_json::json!({"active": false});
        let Some(g) = self.live_grant(token_value, now).await? else {
            return Ok(inactive);
        };
        if g.client.id != client.id {
            return Ok(inactive);
        }
        Ok(serde_json::json!({
            "active": true,
            "scope": g.token.scopes.join(" "),
            "client_id": g.client.id,
            "token_type": match g.token.kind {
                TokenKind::Access => "Bearer",
                TokenKind::Refresh => "refresh_token",
            },
            "exp": g.token.expires_at_unix,
            "iat": g.token.created_at_unix,
            "sub": g.subject,
            "aud": g.client.id,
            "iss": self.issuer,
            "consent_id": g.consent.id,
            "purpose": g.consent.purpose,
        }))
    }

    /// RFC 7009 revocation by an authenticated client. Unknown tokens and other clients'
    /// tokens are answered alike (200, nothing revoked), so a client learns nothing about
    /// tokens it does not hold. True when something was revoked.
    pub async fn revoke(
        &self,
        client: &OAuthClient,
        token_value: &str,
        now: i64,
    ) -> Result<bool, OAuthError> {
        if !token::well_formed(token_value) {
            return Ok(false);
        }
        Ok(self
            .oauth
            .revoke_oauth_token(&token::hash(token_value), &client.id, now)
            .await?)
    }
}

/// How long a consent given on the consent screen lasts.
pub const CONSENT_VALIDITY_SECS: i64 = 180 * 24 * 60 * 60;

/// Why an approval could not be carried out.
#[derive(Debug, thiserror::Error)]
pub enum ApproveError {
    /// The consent engine refused (e.g. an attribute no longer allowed).
    #[error(transparent)]
    Consent(#[from] ConsentError),
    /// Anything else.
    #[error(transparent)]
    OAuth(#[from] OAuthError),
}

impl AuthServer<'_> {
    /// The person approved the consent screen: records the consent (with its signed receipt)
    /// through the consent engine, capped by the client's registration, and issues a code
    /// bound to it. Returns the record and the code.
    #[allow(clippy::too_many_arguments)]
    pub async fn approve(
        &self,
        registry: &AttributeRegistry,
        settings: &ConsentSettings,
        auth: &ValidAuthorization,
        person_id: &str,
        auth_time_unix: i64,
        language: Lang,
        now: time::OffsetDateTime,
    ) -> Result<(ConsentRecord, String), ApproveError> {
        let now_unix = now.unix_timestamp();
        let record = consent::grant(
            self.consents,
            &ClientDirectory(self.oauth),
            registry,
            self.keys,
            settings,
            &GrantRequest {
                person_id: person_id.to_string(),
                recipient: RecipientRef {
                    kind: RecipientKind::Service,
                    id: auth.client.id.clone(),
                },
                purpose: auth.purpose.clone(),
                attributes: consent_attributes(&auth.scopes),
                valid_until_unix: now_unix + CONSENT_VALIDITY_SECS,
                language,
                collection_method: "oauth consent screen".into(),
            },
            now,
        )
        .await?;
        let code = issue_code(
            self.oauth,
            auth,
            person_id,
            &record.id,
            auth_time_unix,
            now_unix,
        )
        .await?;
        Ok((record, code))
    }

    /// `prompt=none`: a code under an existing consent in force that covers the whole
    /// request, or `None` (`consent_required`). Nothing new is ever consented silently.
    pub async fn silent_code(
        &self,
        auth: &ValidAuthorization,
        person_id: &str,
        auth_time_unix: i64,
        now: i64,
    ) -> Result<Option<String>, OAuthError> {
        let records = self
            .consents
            .consents_for(
                person_id,
                RecipientKind::Service,
                &auth.client.id,
                &auth.purpose,
            )
            .await?;
        let Some(record) = records.iter().find(|r| consent_covers(r, auth, now)) else {
            return Ok(None);
        };
        Ok(Some(
            issue_code(self.oauth, auth, person_id, &record.id, auth_time_unix, now).await?,
        ))
    }
}

/// A live access (or refresh) token with its client and active consent.
#[derive(Debug, Clone)]
pub struct LiveGrant {
    /// The token's record (hash only).
    pub token: TokenRecord,
    /// The client.
    pub client: OAuthClient,
    /// The consent record, active now.
    pub consent: ConsentRecord,
    /// The pairwise subject the client knows the person by.
    pub subject: String,
}

impl LiveGrant {
    /// Whether the grant carries `scope`.
    pub fn has_scope(&self, scope: &str) -> bool {
        self.token.scopes.iter().any(|s| s == scope)
    }

    /// The attributes the grant may read: its read scopes that the consent lists.
    pub fn readable_attributes(&self) -> Vec<String> {
        read_attributes(&self.token.scopes)
            .into_iter()
            .filter(|a| self.consent.attributes.contains(a))
            .collect()
    }

    /// Whether the grant may write `attribute` (a `store:` scope, for an attribute the
    /// consent lists).
    pub fn may_store(&self, attribute: &str) -> bool {
        self.has_scope(&format!("store:{attribute}"))
            && self.consent.attributes.iter().any(|a| a == attribute)
    }
}

/// Why a bearer token was refused (RFC 6750 §3.1).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BearerError {
    /// Unknown, expired, revoked, its client disabled or its consent no longer active.
    InvalidToken,
}

#[cfg(test)]
mod tests;
