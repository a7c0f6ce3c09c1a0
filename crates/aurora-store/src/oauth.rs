//! Persistence of the OAuth 2.1 / OpenID Connect authorization server ([`OAuthStore`],
//! migration 0008): member services (OAuth clients), authorization codes, access and refresh
//! tokens, and the queue of deletion notices to member services. Implemented by
//! [`crate::SqlStore`] on both backends. The rules (what may be issued, to whom, for how
//! long) live in `aurora_twin::oauth`; this module keeps the data and the few guarantees that
//! only the database can give:
//!
//! * **secrets at rest**: client secrets are kept as salted SHA-256 and compared in constant
//!   time; codes and tokens only as SHA-256 (the caller hashes them);
//! * **single-use codes**: [`OAuthStore::redeem_code`] marks a code used in one
//!   `UPDATE … WHERE used_at_unix IS NULL` statement, checks its binding (client, redirect
//!   URI, PKCE challenge, expiry) and stores the tokens in the same transaction; presenting a
//!   used code again revokes every token issued from it;
//! * **rotating refresh tokens**: [`OAuthStore::rotate_refresh`] marks the old token used in
//!   one statement and stores its successors in the same transaction; presenting a rotated
//!   token again revokes its whole family;
//! * **erasure**: codes and tokens reference `persons(id) ON DELETE CASCADE`; deletion notices
//!   do not (they must outlive the person) and hold only the pairwise subject.

use async_trait::async_trait;
use serde::Serialize;

use crate::Result;

/// A registered member service.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct OAuthClient {
    /// The OAuth `client_id`.
    pub id: String,
    /// Name in Finnish.
    pub name_fi: String,
    /// Name in Swedish.
    pub name_sv: String,
    /// Name in English.
    pub name_en: String,
    /// The organisation running the service.
    pub organisation: String,
    /// Redirect URIs, compared exactly.
    pub redirect_uris: Vec<String>,
    /// The scopes the service may ever be granted (attribute names, `store:<attribute>`,
    /// `openid`): a cap on every consent.
    pub allowed_scopes: Vec<String>,
    /// Attributes the service accepts through anonymous hand-over.
    pub handover_attributes: Vec<String>,
    /// The landing page that receives hand-overs, if the service takes them.
    pub handover_url: Option<String>,
    /// Purpose codes the service may ask consent for (the first is the default).
    pub allowed_purposes: Vec<String>,
    /// Where deletion notices are posted, if the service takes them.
    pub deletion_callback_url: Option<String>,
    /// The sector of its pairwise subject identifiers (by default its id).
    pub pairwise_sector: String,
    /// A disabled client cannot authenticate, and its tokens stop working.
    pub disabled: bool,
    /// RFC 3339.
    pub created_at: String,
}

impl OAuthClient {
    /// The name in `lang` (`fi`, `sv`, `en`; Finnish otherwise).
    pub fn name(&self, lang: &str) -> &str {
        match lang {
            "sv" => &self.name_sv,
            "en" => &self.name_en,
            _ => &self.name_fi,
        }
    }
}

/// An authorization code as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CodeRecord {
    /// SHA-256 (hex) of the code.
    pub code_hash: String,
    /// The client it was issued to.
    pub client_id: String,
    /// Whose authorization.
    pub person_id: String,
    /// The consent record it carries out.
    pub consent_id: String,
    /// The redirect URI of the authorization request.
    pub redirect_uri: String,
    /// The PKCE S256 challenge.
    pub code_challenge: String,
    /// The granted scopes.
    pub scopes: Vec<String>,
    /// The OpenID Connect `nonce`, if one was sent.
    pub nonce: Option<String>,
    /// When the person authenticated (unix seconds).
    pub auth_time_unix: i64,
    /// When it was issued (unix seconds).
    pub created_at_unix: i64,
    /// When it expires (unix seconds).
    pub expires_at_unix: i64,
}

/// Which kind of token.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum TokenKind {
    /// An access token.
    Access,
    /// A refresh token.
    Refresh,
}

impl TokenKind {
    /// The stored spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            TokenKind::Access => "access",
            TokenKind::Refresh => "refresh",
        }
    }
}

/// An access or refresh token as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TokenRecord {
    /// SHA-256 (hex) of the token.
    pub token_hash: String,
    /// Access or refresh.
    pub kind: TokenKind,
    /// The client it was issued to.
    pub client_id: String,
    /// Whose data it opens.
    pub person_id: String,
    /// The consent record it carries out.
    pub consent_id: String,
    /// Every token descending from one code redemption.
    pub family_id: String,
    /// The code the family came from.
    pub code_hash: String,
    /// The granted scopes.
    pub scopes: Vec<String>,
    /// When the person authenticated (unix seconds).
    pub auth_time_unix: i64,
    /// When it was issued (unix seconds).
    pub created_at_unix: i64,
    /// When it expires (unix seconds).
    pub expires_at_unix: i64,
    /// A refresh token that was rotated (unix seconds).
    pub used_at_unix: Option<i64>,
    /// When it was revoked (unix seconds).
    pub revoked_at_unix: Option<i64>,
}

impl TokenRecord {
    /// Not revoked, not rotated and not expired at `now_unix`.
    pub fn is_live(&self, now_unix: i64) -> bool {
        self.revoked_at_unix.is_none()
            && self.used_at_unix.is_none()
            && self.expires_at_unix > now_unix
    }
}

/// A new code to store.
#[derive(Debug, Clone)]
pub struct NewCode<'a> {
    /// SHA-256 (hex) of the code.
    pub code_hash: &'a str,
    /// The client.
    pub client_id: &'a str,
    /// The person.
    pub person_id: &'a str,
    /// The consent record.
    pub consent_id: &'a str,
    /// The redirect URI.
    pub redirect_uri: &'a str,
    /// The PKCE S256 challenge.
    pub code_challenge: &'a str,
    /// The granted scopes.
    pub scopes: &'a [String],
    /// The OpenID Connect nonce.
    pub nonce: Option<&'a str>,
    /// When the person authenticated.
    pub auth_time_unix: i64,
    /// Now.
    pub created_at_unix: i64,
    /// Expiry.
    pub expires_at_unix: i64,
}

/// What a code must match to be redeemed (besides being unused and unexpired).
#[derive(Debug, Clone)]
pub struct CodeBinding<'a> {
    /// The authenticated client.
    pub client_id: &'a str,
    /// The `redirect_uri` of the token request.
    pub redirect_uri: &'a str,
    /// `BASE64URL(SHA256(code_verifier))` of the token request.
    pub code_challenge: &'a str,
}

/// A token to store: its hash and expiry (everything else comes from the code or the
/// refresh token it succeeds).
#[derive(Debug, Clone)]
pub struct NewToken {
    /// SHA-256 (hex).
    pub token_hash: String,
    /// Expiry (unix seconds).
    pub expires_at_unix: i64,
}

/// The tokens one grant issues.
#[derive(Debug, Clone)]
pub struct IssueTokens {
    /// The family (new for a code; the old one's on rotation, where it is ignored).
    pub family_id: String,
    /// The access token.
    pub access: NewToken,
    /// The refresh token, if one is issued.
    pub refresh: Option<NewToken>,
    /// Now (unix seconds).
    pub now_unix: i64,
}

/// What became of a code presented at the token endpoint.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RedeemOutcome {
    /// Redeemed now; the tokens are stored.
    Redeemed(Box<CodeRecord>),
    /// No such code for this client.
    Unknown,
    /// Already redeemed: every token issued from it has been revoked (how many).
    Replayed {
        /// Tokens revoked now.
        revoked: u64,
    },
    /// The code was burnt but did not match: expired, other redirect URI or wrong PKCE
    /// verifier. Nothing was issued.
    Mismatch(CodeMismatch),
}

/// Why a code did not match.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CodeMismatch {
    /// Past its expiry.
    Expired,
    /// The redirect URI differs from the authorization request's.
    RedirectUri,
    /// `S256(code_verifier)` differs from the challenge.
    Verifier,
}

/// What became of a refresh token presented at the token endpoint.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RotateOutcome {
    /// Rotated: the old token (as it was) is used now, the successors are stored.
    Rotated(Box<TokenRecord>),
    /// Already rotated before: the whole family has been revoked (how many tokens).
    Reused {
        /// Tokens revoked now.
        revoked: u64,
    },
    /// Unknown, another client's, revoked or expired.
    Invalid,
}

/// A deletion notice to a member service.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeletionNotice {
    /// Random id; the JWT's `jti` (services deduplicate by it).
    pub id: String,
    /// The member service.
    pub client_id: String,
    /// The pairwise subject the service knows the person by.
    pub subject: String,
    /// `account_erased` or `consent_withdrawn`.
    pub reason: String,
    /// Queued (unix seconds).
    pub created_at_unix: i64,
    /// Next delivery attempt (unix seconds).
    pub next_attempt_unix: i64,
    /// When to stop trying (unix seconds).
    pub give_up_at_unix: i64,
    /// Attempts so far.
    pub attempts: i64,
    /// Delivered (unix seconds).
    pub delivered_at_unix: Option<i64>,
    /// Given up (unix seconds).
    pub gave_up_at_unix: Option<i64>,
    /// The last failure (status or transport error; never a token).
    pub last_error: Option<String>,
}

/// Persistence of the authorization server (see the module docs for the guarantees).
#[async_trait]
pub trait OAuthStore: Send + Sync {
    /// Registers a member service with its secret (stored salted and hashed). The client's
    /// `id` must be new.
    async fn create_oauth_client(&self, client: &OAuthClient, secret: &str) -> Result<()>;

    /// One member service (disabled ones too).
    async fn oauth_client(&self, id: &str) -> Result<Option<OAuthClient>>;

    /// Every member service, by creation time then id.
    async fn oauth_clients(&self) -> Result<Vec<OAuthClient>>;

    /// The client if `secret` is its secret and it is not disabled; constant time in the
    /// secret, and as slow for an unknown id as for a wrong secret.
    async fn authenticate_oauth_client(
        &self,
        client_id: &str,
        secret: &str,
    ) -> Result<Option<OAuthClient>>;

    /// Disables or re-enables a client; false when there is no such client.
    async fn set_oauth_client_disabled(&self, client_id: &str, disabled: bool) -> Result<bool>;

    /// Replaces a client's secret; false when there is no such client.
    async fn rotate_oauth_client_secret(&self, client_id: &str, secret: &str) -> Result<bool>;

    /// Stores a new authorization code.
    async fn create_code(&self, code: &NewCode<'_>) -> Result<()>;

    /// Redeems a code atomically and stores `tokens` with it (see [`RedeemOutcome`]).
    async fn redeem_code(
        &self,
        code_hash: &str,
        binding: &CodeBinding<'_>,
        tokens: &IssueTokens,
    ) -> Result<RedeemOutcome>;

    /// One token by hash (whatever its state).
    async fn oauth_token(&self, token_hash: &str) -> Result<Option<TokenRecord>>;

    /// Rotates a live refresh token of `client_id` atomically and stores its successors in the
    /// same family (see [`RotateOutcome`]).
    async fn rotate_refresh(
        &self,
        token_hash: &str,
        client_id: &str,
        tokens: &IssueTokens,
    ) -> Result<RotateOutcome>;

    /// Revokes one token of `client_id` (a refresh token takes its whole family with it).
    /// False when there is no such token of that client.
    async fn revoke_oauth_token(
        &self,
        token_hash: &str,
        client_id: &str,
        now_unix: i64,
    ) -> Result<bool>;

    /// Revokes every token and unused code of a person (before erasure, sign-out
    /// everywhere); how many.
    async fn revoke_person_grants(&self, person_id: &str, now_unix: i64) -> Result<u64>;

    /// Revokes every token and unused code carrying out a consent record; how many.
    async fn revoke_consent_grants(&self, consent_id: &str, now_unix: i64) -> Result<u64>;

    /// The clients that hold or held codes or tokens of a person.
    async fn clients_of_person(&self, person_id: &str) -> Result<Vec<String>>;

    /// Deletes codes and tokens that expired before `before_unix`; how many.
    async fn purge_expired_grants(&self, before_unix: i64) -> Result<u64>;

    /// Queues a deletion notice (ignored if its id is already queued).
    async fn queue_deletion_notice(&self, notice: &DeletionNotice) -> Result<()>;

    /// Notices due at `now_unix`, not delivered and not given up, oldest first.
    async fn due_deletion_notices(&self, now_unix: i64, limit: u32) -> Result<Vec<DeletionNotice>>;

    /// Claims a due notice for one attempt by moving its next attempt to `lease_until_unix`,
    /// if it is still due at `expected_next_unix`; false when another worker claimed it.
    async fn claim_deletion_notice(
        &self,
        id: &str,
        expected_next_unix: i64,
        lease_until_unix: i64,
    ) -> Result<bool>;

    /// Records a delivered notice.
    async fn deletion_notice_delivered(&self, id: &str, now_unix: i64) -> Result<()>;

    /// Records a failed attempt: the next attempt, or (with `give_up`) the end of trying.
    async fn deletion_notice_failed(
        &self,
        id: &str,
        error: &str,
        next_attempt_unix: i64,
        give_up: bool,
        now_unix: i64,
    ) -> Result<()>;

    /// One notice.
    async fn deletion_notice(&self, id: &str) -> Result<Option<DeletionNotice>>;
}
