//! Consent records and their life cycle, the access log and pending hand-overs
//! ([`ConsentStore`], migration 0007). Implemented by [`crate::SqlStore`] on both backends.
//!
//! The store keeps records; the rules (who may consent to what, what a check decides, what a
//! receipt says) are `aurora_twin::consent`'s. Every table references `persons(id) ON DELETE
//! CASCADE`. Nothing here is cached: a withdrawal is visible to the next query on every
//! replica.

use async_trait::async_trait;
use serde::Serialize;

use crate::Result;

/// Who receives data under a consent.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum RecipientKind {
    /// A member service (an OAuth client).
    Service,
    /// An advisor agent.
    Agent,
}

impl RecipientKind {
    /// The stored spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            RecipientKind::Service => "service",
            RecipientKind::Agent => "agent",
        }
    }

    /// Parses the stored spelling.
    pub fn parse(s: &str) -> Option<RecipientKind> {
        match s {
            "service" => Some(RecipientKind::Service),
            "agent" => Some(RecipientKind::Agent),
            _ => None,
        }
    }
}

/// A text in the three languages.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Names {
    /// Finnish.
    pub fi: String,
    /// Swedish.
    pub sv: String,
    /// English.
    pub en: String,
}

impl Names {
    /// The text in `lang` (`fi`, `sv`, `en`; anything else gives Finnish), falling back to
    /// another language when that one is empty.
    pub fn get(&self, lang: &str) -> &str {
        let first = match lang {
            "sv" => &self.sv,
            "en" => &self.en,
            _ => &self.fi,
        };
        [first, &self.fi, &self.en, &self.sv]
            .into_iter()
            .find(|s| !s.is_empty())
            .map_or("", String::as_str)
    }
}

/// The state of a consent record.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum ConsentState {
    /// In force (until `valid_until`).
    Active,
    /// Withdrawn by the person.
    Withdrawn,
    /// Past its validity.
    Expired,
}

impl ConsentState {
    /// The stored spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            ConsentState::Active => "active",
            ConsentState::Withdrawn => "withdrawn",
            ConsentState::Expired => "expired",
        }
    }

    /// Parses the stored spelling.
    pub fn parse(s: &str) -> Option<ConsentState> {
        match s {
            "active" => Some(ConsentState::Active),
            "withdrawn" => Some(ConsentState::Withdrawn),
            "expired" => Some(ConsentState::Expired),
            _ => None,
        }
    }
}

/// One consent record (ISO/IEC TS 27560 style).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConsentRecord {
    /// Random id (UUID v4), also the receipt's `consentReceiptID` of the first version.
    pub id: String,
    /// Whose data.
    pub person_id: String,
    /// Service or agent.
    pub recipient_kind: RecipientKind,
    /// The service's client id or the agent's id.
    pub recipient_id: String,
    /// The recipient's names when consent was given.
    pub recipient_names: Names,
    /// Purpose code (`data/twin/purposes.json`).
    pub purpose: String,
    /// Attribute names, sorted and unique.
    pub attributes: Vec<String>,
    /// Always `consent` here (GDPR Art. 6(1)(a)).
    pub legal_basis: String,
    /// RFC 3339.
    pub granted_at: String,
    /// Unix seconds.
    pub granted_at_unix: i64,
    /// RFC 3339.
    pub valid_until: String,
    /// Unix seconds; the consent is void from this second on.
    pub valid_until_unix: i64,
    /// RFC 3339, when withdrawn.
    pub withdrawn_at: Option<String>,
    /// Unix seconds, when withdrawn.
    pub withdrawn_at_unix: Option<i64>,
    /// The stored state (see [`ConsentRecord::state_at`] for the effective one).
    pub state: ConsentState,
    /// 1 when granted, +1 on each change (withdrawal, renewal).
    pub version: i64,
    /// Language of the notice the person saw (`fi`, `sv`, `en`).
    pub notice_language: String,
    /// How consent was collected (`web form`, `oauth consent screen`, `api`).
    pub collection_method: String,
    /// The signed Kantara v1.1 receipt of the current version (compact JWS).
    pub receipt: String,
}

impl ConsentRecord {
    /// The state at `now_unix`: withdrawn, else expired once `valid_until` has passed, else
    /// active (a record the sweep has not reached yet is still expired).
    pub fn state_at(&self, now_unix: i64) -> ConsentState {
        if self.withdrawn_at_unix.is_some() || self.state == ConsentState::Withdrawn {
            ConsentState::Withdrawn
        } else if self.valid_until_unix <= now_unix || self.state == ConsentState::Expired {
            ConsentState::Expired
        } else {
            ConsentState::Active
        }
    }

    /// Whether the record is in force at `now_unix`.
    pub fn is_active_at(&self, now_unix: i64) -> bool {
        self.state_at(now_unix) == ConsentState::Active && self.granted_at_unix <= now_unix
    }
}

/// A life-cycle event of a consent record.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum ConsentEventKind {
    /// Given.
    Granted,
    /// Withdrawn by the person.
    Withdrawn,
    /// Ran out.
    Expired,
    /// Validity extended.
    Renewed,
}

impl ConsentEventKind {
    /// The stored spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            ConsentEventKind::Granted => "granted",
            ConsentEventKind::Withdrawn => "withdrawn",
            ConsentEventKind::Expired => "expired",
            ConsentEventKind::Renewed => "renewed",
        }
    }

    /// Parses the stored spelling.
    pub fn parse(s: &str) -> Option<ConsentEventKind> {
        match s {
            "granted" => Some(ConsentEventKind::Granted),
            "withdrawn" => Some(ConsentEventKind::Withdrawn),
            "expired" => Some(ConsentEventKind::Expired),
            "renewed" => Some(ConsentEventKind::Renewed),
            _ => None,
        }
    }
}

/// One life-cycle event.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ConsentEvent {
    /// The record.
    pub consent_id: String,
    /// What happened.
    pub event: ConsentEventKind,
    /// The record's version after the event.
    pub version: i64,
    /// RFC 3339.
    pub at: String,
}

/// What a withdrawal found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum WithdrawOutcome {
    /// Withdrawn now; the record as it is now.
    Withdrawn(ConsentRecord),
    /// It was withdrawn before; the record unchanged.
    AlreadyWithdrawn(ConsentRecord),
    /// No such record of this person.
    NotFound,
}

/// A renewal of a consent record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Renewal {
    /// New end of validity, RFC 3339.
    pub valid_until: String,
    /// The same in unix seconds.
    pub valid_until_unix: i64,
    /// The receipt of the new version (compact JWS).
    pub receipt: String,
    /// When renewed, RFC 3339.
    pub at: String,
    /// The same in unix seconds.
    pub at_unix: i64,
}

/// Who read a person's values, as written in the access log.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum ReaderKind {
    /// The person themself.
    #[serde(rename = "self")]
    SelfRead,
    /// A member service.
    Service,
    /// An advisor agent.
    Agent,
}

impl ReaderKind {
    /// The stored spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            ReaderKind::SelfRead => "self",
            ReaderKind::Service => "service",
            ReaderKind::Agent => "agent",
        }
    }

    /// Parses the stored spelling.
    pub fn parse(s: &str) -> Option<ReaderKind> {
        match s {
            "self" => Some(ReaderKind::SelfRead),
            "service" => Some(ReaderKind::Service),
            "agent" => Some(ReaderKind::Agent),
            _ => None,
        }
    }
}

impl From<RecipientKind> for ReaderKind {
    fn from(k: RecipientKind) -> Self {
        match k {
            RecipientKind::Service => ReaderKind::Service,
            RecipientKind::Agent => ReaderKind::Agent,
        }
    }
}

/// By which path values were read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Via {
    /// The JSON API.
    Api,
    /// The web pages.
    Web,
    /// An OAuth access token.
    Oauth,
    /// A redeemed hand-over.
    Handover,
    /// An advisor agent.
    Agent,
}

impl Via {
    /// The stored spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            Via::Api => "api",
            Via::Web => "web",
            Via::Oauth => "oauth",
            Via::Handover => "handover",
            Via::Agent => "agent",
        }
    }

    /// Parses the stored spelling.
    pub fn parse(s: &str) -> Option<Via> {
        match s {
            "api" => Some(Via::Api),
            "web" => Some(Via::Web),
            "oauth" => Some(Via::Oauth),
            "handover" => Some(Via::Handover),
            "agent" => Some(Via::Agent),
            _ => None,
        }
    }
}

/// The reader as the access log records it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AccessReader {
    /// Self, service or agent.
    pub kind: ReaderKind,
    /// The reader's id (the person's own id for self reads).
    pub id: String,
    /// The reader's names at the time of the read.
    pub names: Names,
}

/// One access-log row: who saw what, when, why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AccessLogEntry {
    /// Random id (UUID v4).
    pub id: String,
    /// Whose values.
    pub person_id: String,
    /// RFC 3339.
    pub at: String,
    /// Unix milliseconds (the order of the log).
    pub at_unix_ms: i64,
    /// Who read.
    pub reader: AccessReader,
    /// The attribute names actually returned (never the values).
    pub attributes: Vec<String>,
    /// Purpose code.
    pub purpose: String,
    /// The consent records that allowed the read (empty for self reads).
    pub consent_ids: Vec<String>,
    /// How.
    pub via: Via,
}

/// A pending hand-over (the token itself is never stored).
#[derive(Clone, PartialEq, Eq)]
pub struct HandoverRecord {
    /// SHA-256 (hex) of the token.
    pub token_hash: String,
    /// The member service (client id) that alone may redeem it.
    pub audience: String,
    /// The signed-in person who handed over, if any.
    pub person_id: Option<String>,
    /// The consent record of purpose `handover`, when a person was signed in.
    pub consent_id: Option<String>,
    /// Attribute names in the bag.
    pub attributes: Vec<String>,
    /// The values, sealed with a key derived from the token.
    pub sealed: String,
    /// RFC 3339.
    pub created_at: String,
    /// Unix seconds; not redeemable from this second on.
    pub expires_at_unix: i64,
}

impl std::fmt::Debug for HandoverRecord {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // The hash is harmless, but the sealed bag is not printed (nor needed in any log).
        f.debug_struct("HandoverRecord")
            .field("audience", &self.audience)
            .field("attributes", &self.attributes)
            .field("expires_at_unix", &self.expires_at_unix)
            .finish_non_exhaustive()
    }
}

/// Persistence of consent records, the access log and hand-overs.
#[async_trait]
pub trait ConsentStore: Send + Sync {
    /// Stores a new record and its `granted` event in one transaction. Fails if the person
    /// does not exist (foreign key) or the id is taken.
    async fn create_consent(&self, record: &ConsentRecord) -> Result<()>;

    /// One record of this person (`None` for another person's record: never revealed).
    async fn consent(&self, person_id: &str, id: &str) -> Result<Option<ConsentRecord>>;

    /// Every record of a person, newest first.
    async fn consents_of(&self, person_id: &str) -> Result<Vec<ConsentRecord>>;

    /// Every record (any state) of a person for one recipient and purpose, newest first: what
    /// a consent check reads, straight from the database each time.
    async fn consents_for(
        &self,
        person_id: &str,
        recipient_kind: RecipientKind,
        recipient_id: &str,
        purpose: &str,
    ) -> Result<Vec<ConsentRecord>>;

    /// Withdraws a record of this person at once (state, time, version + 1, `withdrawn`
    /// event, in one transaction). The receipt stays that of the consent given.
    async fn withdraw_consent(
        &self,
        person_id: &str,
        id: &str,
        at: &str,
        at_unix: i64,
    ) -> Result<WithdrawOutcome>;

    /// Renews a record of this person that has not been withdrawn (expired ones too: the
    /// person consents again): new validity, state `active`, version + 1, the new receipt, a
    /// `renewed` event. `None` when there is no such record.
    async fn renew_consent(
        &self,
        person_id: &str,
        id: &str,
        renewal: &Renewal,
    ) -> Result<Option<ConsentRecord>>;

    /// The life-cycle events of a record of this person, oldest first.
    async fn consent_events(&self, person_id: &str, id: &str) -> Result<Vec<ConsentEvent>>;

    /// Marks active records whose validity has ended as expired, with an `expired` event each.
    /// Returns how many. (Checks never wait for this: they compare times themselves.)
    async fn expire_consents(&self, at: &str, now_unix: i64) -> Result<u64>;

    /// Appends one row to the access log.
    async fn log_access(&self, entry: &AccessLogEntry) -> Result<()>;

    /// A page of a person's access log, newest first, and the total.
    async fn access_log(
        &self,
        person_id: &str,
        limit: u32,
        offset: u64,
    ) -> Result<(Vec<AccessLogEntry>, u64)>;

    /// Stores a pending hand-over.
    async fn create_handover(&self, record: &HandoverRecord) -> Result<()>;

    /// Redeems a hand-over once: removes and returns the record if its hash is `token_hash`,
    /// its audience is `audience`, it has not expired at `now_unix`, and its consent record
    /// (if any) has not been withdrawn. When it was a signed-in person's, `log` is written to
    /// their access log in the same transaction (its `person_id`, `attributes` and
    /// `consent_ids` are taken from the record). Anything else: `None`, and nothing changes.
    async fn redeem_handover(
        &self,
        token_hash: &str,
        audience: &str,
        now_unix: i64,
        log: &AccessLogEntry,
    ) -> Result<Option<HandoverRecord>>;

    /// Deletes expired hand-overs; how many.
    async fn purge_expired_handovers(&self, now_unix: i64) -> Result<u64>;
}
