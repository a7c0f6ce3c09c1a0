//! The persistence of the AuroraAI-compatible recommender API ([`RecommendationStore`]):
//! API clients, recommendations with their feedback and clicks, and anonymous session
//! transfer. Implemented by [`crate::SqlStore`] on both backends.
//!
//! What the design prevents (the reference's flaws, see the server's `compat` module):
//! * **secrets at rest**: a client secret and a session-transfer token are 32 random bytes
//!   shown once; only a SHA-256 is stored (salted for secrets), and secrets are compared in
//!   constant time;
//! * **guessable recommendation ids**: ids are random integers below 2^53 (the reference's
//!   integer `auroraai_recommendation_id` stays an integer, exact in every JSON parser), and
//!   feedback is accepted only from the client that created the recommendation;
//! * **inflated tracking**: a click is recorded once per (recommendation, service), and
//!   feedback keeps one value per recommendation and per service (the last one given);
//! * **reusable transfer tokens**: a token is redeemed once, expires after
//!   [`SESSION_TOKEN_TTL_SECS`] and carries only the attributes its channel may receive.

use std::collections::{HashMap, HashSet};

use async_trait::async_trait;
use aurora_model::Service;
use serde::Serialize;

use crate::Result;

/// How long an unredeemed session-transfer token stays valid: 24 hours, as in the reference.
pub const SESSION_TOKEN_TTL_SECS: i64 = 24 * 60 * 60;

/// An API client (a service of the AuroraAI network calling the recommender).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ApiClient {
    /// The client id of HTTP Basic authentication.
    pub id: String,
    /// The calling service's name (the reference's `calling_service`).
    pub name: String,
    /// The organisation running it (the reference's `calling_organisation`).
    pub organization: String,
    /// A disabled client cannot authenticate.
    pub disabled: bool,
    /// When the client was registered (RFC 3339).
    pub created_at: String,
}

/// A newly registered client and its secret, which is not stored and cannot be shown again.
#[derive(Clone, PartialEq, Eq)]
pub struct IssuedClient {
    /// The client.
    pub client: ApiClient,
    /// The secret (64 hex characters).
    pub secret: String,
}

impl std::fmt::Debug for IssuedClient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("IssuedClient")
            .field("client", &self.client)
            .field("secret", &"***")
            .finish()
    }
}

/// One service of a recommendation.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RecommendedService {
    /// Service id.
    pub service_id: String,
    /// 1-based rank.
    pub rank: i64,
    /// The score shown to the client.
    pub score: f64,
}

/// A recommendation to store.
#[derive(Debug, Clone)]
pub struct NewRecommendation<'a> {
    /// The creating client (`""` when the API runs without authentication).
    pub client_id: &'a str,
    /// The caller's session id, if given.
    pub session_id: Option<&'a str>,
    /// The caller's organisation.
    pub calling_organisation: &'a str,
    /// The caller's service name.
    pub calling_service: &'a str,
    /// The request path (`/service-recommender/v1/recommend_service`).
    pub request_path: &'a str,
    /// The request body as received (personal identity codes already removed).
    pub request_attributes: &'a serde_json::Value,
    /// The services, in rank order.
    pub services: &'a [RecommendedService],
}

/// A stored service of a recommendation, with its feedback.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct StoredService {
    /// Service id.
    pub service_id: String,
    /// Rank.
    pub rank: i64,
    /// Score.
    pub score: f64,
    /// The last feedback given for this service (−1 or 1).
    pub feedback_score: Option<i64>,
    /// Whether the service's link was followed.
    pub redirected: bool,
}

/// A stored recommendation.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct StoredRecommendation {
    /// The public id (`auroraai_recommendation_id`).
    pub id: i64,
    /// The creating client.
    pub client_id: String,
    /// The caller's session id.
    pub session_id: Option<String>,
    /// The caller's organisation.
    pub calling_organisation: String,
    /// The caller's service.
    pub calling_service: String,
    /// The request path.
    pub request_path: String,
    /// When (RFC 3339).
    pub created_at: String,
    /// The request body.
    pub request_attributes: serde_json::Value,
    /// The last overall feedback (−1 or 1).
    pub feedback_score: Option<i64>,
    /// The services, by rank.
    pub services: Vec<StoredService>,
}

/// Feedback on a recommendation.
#[derive(Debug, Clone)]
pub struct Feedback<'a> {
    /// The recommendation.
    pub recommendation_id: i64,
    /// The client giving it: must be the one that created the recommendation.
    pub client_id: &'a str,
    /// Overall feedback (−1 or 1).
    pub overall: Option<i64>,
    /// Per-service feedback (−1 or 1).
    pub services: &'a [(String, i64)],
}

/// What became of feedback. Nothing is written unless it is [`FeedbackOutcome::Recorded`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FeedbackOutcome {
    /// Stored.
    Recorded,
    /// No such recommendation, or another client's.
    UnknownRecommendation,
    /// This service was not part of the recommendation.
    ServiceNotRecommended(String),
}

/// What became of a click.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RedirectOutcome {
    /// The first click on this service of this recommendation: recorded.
    Recorded,
    /// Already clicked before: nothing changed.
    AlreadyRecorded,
    /// The service is not part of the recommendation (or the recommendation does not exist).
    NotRecommended,
}

/// How a client's users have treated a service, over that client's recommendations.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct InteractionStats {
    /// Recommendations in which the service's link was followed (each counted once).
    pub redirected: u64,
    /// Recommendations whose last feedback on the service was positive.
    pub positive: u64,
    /// Recommendations whose last feedback on the service was negative.
    pub negative: u64,
}

/// An attribute a service can receive through anonymous session transfer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum TransferAttribute {
    /// Age in years.
    Age,
    /// Municipality code.
    MunicipalityCode,
    /// The 3X10D life-situation meters.
    LifeSituationMeters,
}

impl TransferAttribute {
    /// Every attribute.
    pub const ALL: [TransferAttribute; 3] = [
        TransferAttribute::Age,
        TransferAttribute::MunicipalityCode,
        TransferAttribute::LifeSituationMeters,
    ];

    /// The attribute's key in session-attribute objects.
    pub fn key(self) -> &'static str {
        match self {
            TransferAttribute::Age => "age",
            TransferAttribute::MunicipalityCode => "municipality_code",
            TransferAttribute::LifeSituationMeters => "life_situation_meters",
        }
    }

    /// Parses a key.
    pub fn parse(key: &str) -> Option<Self> {
        TransferAttribute::ALL
            .into_iter()
            .find(|a| a.key() == key.trim())
    }
}

/// The attributes behind a redeemed session-transfer token.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SessionTransfer {
    /// The channel the token was issued for.
    pub channel_id: String,
    /// The attributes (a JSON object).
    pub attributes: serde_json::Value,
}

/// The recommender API's persistence.
///
/// Rules every implementation keeps (the conformance tests check them):
/// * client secrets and session-transfer tokens are stored only hashed, and secrets are
///   compared in constant time;
/// * recommendation ids are random integers below 2^53, never a sequence;
/// * feedback is accepted only from the client that created the recommendation, keeps one
///   value per recommendation and per service (the last given), and is all-or-nothing;
/// * a click is recorded once per (recommendation, service);
/// * a session-transfer token is redeemed once and expires after [`SESSION_TOKEN_TTL_SECS`].
#[async_trait]
pub trait RecommendationStore: Send + Sync {
    /// Registers a client and returns it with its secret (shown once, stored only hashed).
    async fn create_client(&self, name: &str, organization: &str) -> Result<IssuedClient>;

    /// The client if `secret` is its secret and it is not disabled. The comparison takes the
    /// same time whether the id is unknown, the secret wrong or right.
    async fn authenticate_client(&self, client_id: &str, secret: &str)
        -> Result<Option<ApiClient>>;

    /// Every client, by creation time then id.
    async fn clients(&self) -> Result<Vec<ApiClient>>;

    /// Disables or re-enables a client; false when there is no such client.
    async fn set_client_disabled(&self, client_id: &str, disabled: bool) -> Result<bool>;

    /// Stores a recommendation and its services in one transaction; returns its new random id.
    async fn create_recommendation(&self, recommendation: &NewRecommendation<'_>) -> Result<i64>;

    /// One recommendation with its services and feedback.
    async fn recommendation(&self, id: i64) -> Result<Option<StoredRecommendation>>;

    /// The most recent `limit` recommendations made for API clients (never anonymous ones),
    /// oldest first, with their services, feedback and clicks: what the outcome learner is
    /// rebuilt from when a node starts.
    async fn learning_history(&self, limit: u32) -> Result<Vec<StoredRecommendation>>;

    /// Records feedback, all of it or (for any other outcome than `Recorded`) nothing.
    async fn record_feedback(&self, feedback: &Feedback<'_>) -> Result<FeedbackOutcome>;

    /// Records a click on a service's channel link, once per (recommendation, service).
    async fn record_redirect(
        &self,
        recommendation_id: i64,
        service_id: &str,
        channel_id: &str,
    ) -> Result<RedirectOutcome>;

    /// Per service among `service_ids`, how `client_id`'s users treated it (services never
    /// recommended to that client are absent).
    async fn interaction_stats(
        &self,
        client_id: &str,
        service_ids: &[String],
    ) -> Result<HashMap<String, InteractionStats>>;

    /// Registers (or replaces) a channel that accepts session transfer, with what it accepts.
    async fn set_session_receiver(
        &self,
        channel_id: &str,
        attributes: &[TransferAttribute],
    ) -> Result<()>;

    /// Unregisters a receiver; false when it was not registered.
    async fn remove_session_receiver(&self, channel_id: &str) -> Result<bool>;

    /// The attributes a channel accepts, or `None` when it accepts no session transfer.
    async fn session_receiver(&self, channel_id: &str) -> Result<Option<Vec<TransferAttribute>>>;

    /// Every channel that accepts session transfer (a small table: registered services).
    async fn session_receivers(&self) -> Result<HashSet<String>>;

    /// The channels among `channel_ids` that accept session transfer.
    async fn session_receivers_among(&self, channel_ids: &[String]) -> Result<HashSet<String>>;

    /// Issues a single-use token for `attributes` (a JSON object, already cut to what the
    /// channel accepts), valid [`SESSION_TOKEN_TTL_SECS`]; returns the token (64 hex
    /// characters), which is not stored. Expired tokens are purged on the way.
    async fn issue_session_token(
        &self,
        channel_id: &str,
        attributes: &serde_json::Value,
    ) -> Result<String>;

    /// Redeems a token: its attributes, once; `None` for an unknown, used or expired token.
    async fn redeem_session_token(&self, token: &str) -> Result<Option<SessionTransfer>>;

    /// The published services among `ids`, in the order of `ids` (unknown and archived ones
    /// skipped): one query for the services of a recommendation.
    async fn published_services(&self, ids: &[String]) -> Result<Vec<Service>>;
}

/// Compares two byte strings in time that depends only on their lengths.
pub fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    let diff = a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y));
    // Keeps the optimiser from turning the fold into an early-exit comparison.
    std::hint::black_box(diff) == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn constant_time_eq_compares_bytes() {
        assert!(constant_time_eq(b"abc", b"abc"));
        assert!(!constant_time_eq(b"abc", b"abd"));
        assert!(!constant_time_eq(b"abc", b"ab"));
        assert!(constant_time_eq(b"", b""));
    }

    #[test]
    fn transfer_attributes_round_trip_and_secrets_do_not_print() {
        for a in TransferAttribute::ALL {
            assert_eq!(TransferAttribute::parse(a.key()), Some(a));
        }
        assert_eq!(TransferAttribute::parse("tampere_demo_flag"), None);
        let issued = IssuedClient {
            client: ApiClient {
                id: "c".into(),
                name: "n".into(),
                organization: "o".into(),
                disabled: false,
                created_at: "t".into(),
            },
            secret: "supersecret".into(),
        };
        assert!(!format!("{issued:?}").contains("supersecret"));
    }
}
