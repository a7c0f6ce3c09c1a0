//! People and companies whose twins Aurora keeps, and their sign-in sessions
//! ([`PersonStore`], migration 0004). Implemented by [`crate::SqlStore`] on both backends.
//!
//! Every table that holds a person's data references `persons(id) ON DELETE CASCADE`, so
//! [`PersonStore::erase_person`] removes all of it in one statement, in one transaction.

use async_trait::async_trait;
use serde::Serialize;

use crate::Result;

/// What a twin belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum PersonKind {
    /// A natural person.
    Person,
    /// A company (managed by people acting under mandates).
    Company,
}

impl PersonKind {
    /// The stored spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            PersonKind::Person => "person",
            PersonKind::Company => "company",
        }
    }

    /// Parses the stored spelling.
    pub fn parse(s: &str) -> Option<PersonKind> {
        match s {
            "person" => Some(PersonKind::Person),
            "company" => Some(PersonKind::Company),
            _ => None,
        }
    }
}

/// A person or company row: identity and wrapped data key, no personal data.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PersonRecord {
    /// Random id (UUID v4), never shown to member services (they get pairwise ids).
    pub id: String,
    /// Person or company.
    pub kind: PersonKind,
    /// The data key wrapped by a master key (`aurora_twin::crypto::WrappedKey::encode`).
    pub wrapped_key: String,
    /// The id of the master key that wrapped it.
    pub key_id: String,
    /// RFC 3339.
    pub created_at: String,
}

/// A live sign-in session.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionRecord {
    /// SHA-256 (hex) of the cookie token.
    pub token_hash: String,
    /// Whose session.
    pub person_id: String,
    /// How the person signed in (`password`, `oidc:<issuer>`, `test`).
    pub auth_method: String,
    /// When the person authenticated (unix seconds; OIDC `auth_time`).
    pub auth_time_unix: i64,
    /// When the session ends (unix seconds).
    pub expires_at_unix: i64,
}

/// Persistence of people and sessions.
#[async_trait]
pub trait PersonStore: Send + Sync {
    /// Creates a person or company with its wrapped data key.
    async fn create_person(
        &self,
        id: &str,
        kind: PersonKind,
        wrapped_key: &str,
        key_id: &str,
    ) -> Result<PersonRecord>;

    /// One person or company.
    async fn person(&self, id: &str) -> Result<Option<PersonRecord>>;

    /// Up to `limit` people whose data key is wrapped by a master key other than `key_id`
    /// (what a key rotation still has to re-wrap).
    async fn persons_not_wrapped_by(&self, key_id: &str, limit: u32) -> Result<Vec<PersonRecord>>;

    /// Replaces a wrapped key, if it is still `expected` (so two rotations cannot interleave).
    /// True when replaced.
    async fn rewrap_person(
        &self,
        id: &str,
        expected: &str,
        wrapped_key: &str,
        key_id: &str,
    ) -> Result<bool>;

    /// Stores a session (the caller made the token and hashed it).
    async fn create_session(&self, session: &SessionRecord) -> Result<()>;

    /// The live session with this token hash, if any (expired sessions are not returned).
    async fn session(&self, token_hash: &str, now_unix: i64) -> Result<Option<SessionRecord>>;

    /// Ends one session. True when it existed.
    async fn delete_session(&self, token_hash: &str) -> Result<bool>;

    /// Ends every session of a person (sign out everywhere, password or e-mail change).
    async fn delete_sessions_of(&self, person_id: &str) -> Result<u64>;

    /// Deletes expired sessions; the number removed.
    async fn purge_expired_sessions(&self, now_unix: i64) -> Result<u64>;

    /// Erases a person or company and, through the cascades, everything stored of it. True
    /// when it existed.
    async fn erase_person(&self, id: &str) -> Result<bool>;
}
