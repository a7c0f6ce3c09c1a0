//! Local accounts and sign-in state ([`AccountStore`], migration 0005): accounts (normalised
//! unique e-mail, Argon2id hash), external OpenID identities, single-use e-mail link tokens,
//! the database-backed sign-in throttle (the same count on every replica), OpenID Connect
//! login attempts and pending identity links. Implemented by [`crate::SqlStore`] on both
//! backends.
//!
//! Only hashes of tokens are stored. Redeeming a token is one `UPDATE … WHERE used_at IS NULL
//! AND expires_at_unix > now` (or a `DELETE … RETURNING`), so two concurrent redemptions
//! cannot both succeed.

use async_trait::async_trait;

use crate::Result;

/// A local account. `Debug` hides the password hash.
#[derive(Clone, PartialEq, Eq)]
pub struct AccountRecord {
    /// The person the account signs in.
    pub person_id: String,
    /// Normalised (trimmed, lower-case) address.
    pub email: String,
    /// When the address was confirmed (RFC 3339), if it was.
    pub verified_at: Option<String>,
    /// Argon2id PHC string; `None` for accounts that sign in only through an OpenID provider.
    pub password_hash: Option<String>,
    /// RFC 3339.
    pub created_at: String,
}

impl std::fmt::Debug for AccountRecord {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AccountRecord")
            .field("person_id", &self.person_id)
            .field("verified", &self.verified_at.is_some())
            .field("has_password", &self.password_hash.is_some())
            .finish_non_exhaustive()
    }
}

/// What an e-mail link token is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EmailPurpose {
    /// Confirms the account's address.
    Verify,
    /// Moves the account to a new address.
    Change,
    /// Sets a new password ("forgot password").
    Reset,
}

impl EmailPurpose {
    /// The stored spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            EmailPurpose::Verify => "verify",
            EmailPurpose::Change => "change",
            EmailPurpose::Reset => "reset",
        }
    }
}

/// What redeeming an e-mail verification link did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum VerifyOutcome {
    /// The address is confirmed (now, or it already was).
    Verified {
        /// Whose account.
        person_id: String,
    },
    /// No such unused, unexpired token, or the account has another address by now.
    Invalid,
}

/// What redeeming an e-mail change link did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ChangeOutcome {
    /// The account now has `new_email` (verified).
    Changed {
        /// The address it had.
        old_email: String,
        /// The address it has.
        new_email: String,
    },
    /// No unused, unexpired change token of **this person** with that hash (another person's
    /// link, a used or expired one, or none at all). Nothing was consumed.
    Invalid,
    /// Another account took the address meanwhile; the token is unused still.
    Taken,
}

/// What redeeming a password reset link did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ResetOutcome {
    /// The account has the new password, every session of the person ended and every other
    /// reset link of the person is spent.
    Reset {
        /// Whose account.
        person_id: String,
        /// The account's address (where the link went).
        email: String,
        /// How many sessions ended.
        sessions_ended: u64,
    },
    /// No unused, unexpired reset token with that hash, or the account has another address by
    /// now (the token is spent then).
    Invalid,
}

/// One OpenID Connect sign-in attempt in flight. `Debug` hides the secrets.
#[derive(Clone, PartialEq, Eq)]
pub struct OidcLogin {
    /// The `nonce` sent to the provider.
    pub nonce: String,
    /// The PKCE code verifier.
    pub pkce_verifier: String,
    /// Where to go afterwards (a relative path, checked before it was stored).
    pub return_to: String,
    /// The page language (`fi`, `sv`, `en`).
    pub lang: String,
    /// When the attempt lapses (unix seconds).
    pub expires_at_unix: i64,
}

impl std::fmt::Debug for OidcLogin {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("OidcLogin")
            .field("return_to", &self.return_to)
            .field("lang", &self.lang)
            .field("expires_at_unix", &self.expires_at_unix)
            .finish_non_exhaustive()
    }
}

/// An external identity waiting to be linked to a local account.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PendingLink {
    /// The account's person.
    pub person_id: String,
    /// The provider.
    pub issuer: String,
    /// The subject at the provider.
    pub subject: String,
}

/// Persistence of accounts and sign-in state.
#[async_trait]
pub trait AccountStore: Send + Sync {
    /// Creates the account of an existing person. `None` when the (normalised) address is
    /// taken; nothing is written then.
    async fn create_account(
        &self,
        person_id: &str,
        email: &str,
        password_hash: Option<&str>,
        verified: bool,
    ) -> Result<Option<AccountRecord>>;

    /// The account with this normalised address.
    async fn account_by_email(&self, email: &str) -> Result<Option<AccountRecord>>;

    /// The account of a person.
    async fn account(&self, person_id: &str) -> Result<Option<AccountRecord>>;

    /// Replaces the password hash. True when the account exists.
    async fn set_password_hash(&self, person_id: &str, password_hash: &str) -> Result<bool>;

    /// Links (issuer, subject) to a person. False when that identity is linked already
    /// (to anyone); nothing is changed then.
    async fn link_identity(&self, issuer: &str, subject: &str, person_id: &str) -> Result<bool>;

    /// The person an external identity signs in.
    async fn identity_person(&self, issuer: &str, subject: &str) -> Result<Option<String>>;

    /// Stores an e-mail link token (its hash) for `email`.
    async fn create_email_token(
        &self,
        token_hash: &str,
        person_id: &str,
        purpose: EmailPurpose,
        email: &str,
        expires_at_unix: i64,
    ) -> Result<()>;

    /// Redeems a verification link: marks the token used and confirms the account's address
    /// if it is still the one the link was sent to, in one transaction.
    async fn redeem_verification(&self, token_hash: &str, now_unix: i64) -> Result<VerifyOutcome>;

    /// Redeems an e-mail change link **for `person_id`** (the signed-in person): only a token
    /// issued to that same person counts. Marks it used and moves the account to the new
    /// address in one transaction.
    async fn redeem_email_change(
        &self,
        token_hash: &str,
        person_id: &str,
        now_unix: i64,
    ) -> Result<ChangeOutcome>;

    /// The address an unused, unexpired password reset link was sent to, without spending it
    /// (so the password policy can be checked before the link is used).
    async fn password_reset_email(&self, token_hash: &str, now_unix: i64)
        -> Result<Option<String>>;

    /// Redeems a password reset link, in one transaction that starts with the consuming
    /// `UPDATE … RETURNING`: sets `password_hash` if the account still has the address the
    /// link was sent to, spends the person's other reset links and deletes every session of
    /// the person.
    async fn redeem_password_reset(
        &self,
        token_hash: &str,
        password_hash: &str,
        now_unix: i64,
    ) -> Result<ResetOutcome>;

    /// Records a failed sign-in under `key` at `at_unix`.
    async fn record_signin_failure(&self, key: &str, at_unix: i64) -> Result<()>;

    /// Failures under `key` at or after `since_unix`: how many, and the earliest one's time.
    async fn signin_failures(&self, key: &str, since_unix: i64) -> Result<(u32, Option<i64>)>;

    /// Forgets the failures under `key` (after a successful sign-in).
    async fn clear_signin_failures(&self, key: &str) -> Result<()>;

    /// Stores a sign-in attempt under the hash of its `state`.
    async fn create_oidc_login(&self, state_hash: &str, login: &OidcLogin) -> Result<()>;

    /// Takes (deletes and returns) an unexpired attempt: a state works once.
    async fn take_oidc_login(&self, state_hash: &str, now_unix: i64) -> Result<Option<OidcLogin>>;

    /// Stores an identity waiting to be linked to `person_id`'s account.
    async fn create_pending_link(
        &self,
        token_hash: &str,
        link: &PendingLink,
        expires_at_unix: i64,
    ) -> Result<()>;

    /// Takes (deletes and returns) an unexpired pending link.
    async fn take_pending_link(
        &self,
        token_hash: &str,
        now_unix: i64,
    ) -> Result<Option<PendingLink>>;

    /// Deletes expired tokens, attempts, links and throttle rows older than
    /// `failures_before_unix`; the number of rows removed.
    async fn purge_expired_account_state(
        &self,
        now_unix: i64,
        failures_before_unix: i64,
    ) -> Result<u64>;
}
