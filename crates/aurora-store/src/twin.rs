//! The twin's data ([`TwinStore`], migration 0006): current attribute values, their history,
//! company twins and the mandates under which people act for companies. Implemented by
//! [`crate::SqlStore`] on both backends.
//!
//! Values arrive here already sealed (`aurora_twin::crypto::SealedValue::encode`): this crate
//! never sees a plaintext attribute value. Every change of a value writes its history row in
//! the same transaction. Every table references `persons(id) ON DELETE CASCADE`.

use async_trait::async_trait;

use crate::Result;

/// Who made a change, as recorded with values and history rows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ActorRecord {
    /// `person`, `agent`, `service` or `operator`.
    pub kind: String,
    /// The person id (person, agent), the OAuth client id (service), or `operator`.
    pub id: String,
    /// The mandate an agent acted under.
    pub mandate_id: Option<String>,
}

/// A current attribute value (sealed).
#[derive(Clone, PartialEq, Eq)]
pub struct TwinValueRecord {
    /// Attribute name.
    pub attribute: String,
    /// The sealed value (`v1.<nonce>.<ciphertext>`).
    pub sealed: String,
    /// Starts at 1, +1 on every change (optimistic concurrency).
    pub version: i64,
    /// RFC 3339.
    pub updated_at: String,
    /// Who wrote it last.
    pub actor: ActorRecord,
}

impl std::fmt::Debug for TwinValueRecord {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // The sealed value is ciphertext, but it stays out of logs all the same.
        f.debug_struct("TwinValueRecord")
            .field("attribute", &self.attribute)
            .field("version", &self.version)
            .field("updated_at", &self.updated_at)
            .field("actor", &self.actor)
            .finish_non_exhaustive()
    }
}

/// What a history row records.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HistoryOp {
    /// A value was set.
    Set,
    /// A value was deleted.
    Delete,
}

impl HistoryOp {
    /// The stored spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            HistoryOp::Set => "set",
            HistoryOp::Delete => "delete",
        }
    }
}

/// One change of one attribute.
#[derive(Clone, PartialEq, Eq)]
pub struct HistoryRecord {
    /// Increasing id (order of changes).
    pub id: i64,
    /// Attribute name.
    pub attribute: String,
    /// Set or delete.
    pub op: HistoryOp,
    /// The sealed value set (None for deletions, and for values since deleted: deleting a
    /// value removes it from the history too, keeping only who changed what when).
    pub sealed: Option<String>,
    /// The version the change produced (0 for deletions).
    pub version: i64,
    /// Who.
    pub actor: ActorRecord,
    /// RFC 3339.
    pub at: String,
}

impl std::fmt::Debug for HistoryRecord {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("HistoryRecord")
            .field("id", &self.id)
            .field("attribute", &self.attribute)
            .field("op", &self.op)
            .field("version", &self.version)
            .field("actor", &self.actor)
            .field("at", &self.at)
            .finish_non_exhaustive()
    }
}

/// The outcome of a conditional write.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WriteOutcome {
    /// Written; the new version (0 after a deletion).
    Written(i64),
    /// The value's version was not the expected one (someone changed it meanwhile), or there
    /// was nothing to delete.
    Conflict,
}

/// A company twin: a `persons` row of kind `company` plus its public identity.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CompanyRecord {
    /// The company's person id (`persons.id`, kind `company`).
    pub id: String,
    /// Finnish business id (Y-tunnus), unique.
    pub business_id: String,
    /// Registered name.
    pub name: String,
    /// RFC 3339.
    pub created_at: String,
}

/// A mandate (Suomi.fi e-Authorizations style): `agent` may act for `company` in `matters`
/// from `valid_from` until `valid_until` unless revoked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MandateRecord {
    /// Random id (UUID v4).
    pub id: String,
    /// The company's person id.
    pub company_id: String,
    /// The person acting.
    pub agent_id: String,
    /// Matters (e.g. `twin_read`, `twin_write`, `mandates`).
    pub matters: Vec<String>,
    /// Unix seconds.
    pub valid_from: i64,
    /// Unix seconds; None: until revoked.
    pub valid_until: Option<i64>,
    /// Who granted it: a person id, or `operator`.
    pub granted_by: String,
    /// The mandate the granter acted under (None for the operator).
    pub granted_under: Option<String>,
    /// RFC 3339.
    pub created_at: String,
    /// Unix seconds, when revoked.
    pub revoked_at: Option<i64>,
    /// Who revoked it.
    pub revoked_by: Option<String>,
    /// The mandate the revoker acted under.
    pub revoked_under: Option<String>,
}

/// Persistence of twin values, history, companies and mandates.
#[async_trait]
pub trait TwinStore: Send + Sync {
    /// Every current value of a person, by attribute name.
    async fn twin_values(&self, person_id: &str) -> Result<Vec<TwinValueRecord>>;

    /// The current values of the named attributes (those that exist).
    async fn twin_values_named(
        &self,
        person_id: &str,
        names: &[&str],
    ) -> Result<Vec<TwinValueRecord>>;

    /// Sets a value and writes its history row, in one transaction. With `expected_version`
    /// the write happens only if the current version is that one (0: no value yet).
    async fn set_twin_value(
        &self,
        person_id: &str,
        attribute: &str,
        sealed: &str,
        expected_version: Option<i64>,
        actor: &ActorRecord,
    ) -> Result<WriteOutcome>;

    /// Deletes a value (`Conflict` when there is none, or not at `expected_version`), removes
    /// its earlier values from the history and records the deletion, in one transaction.
    async fn delete_twin_value(
        &self,
        person_id: &str,
        attribute: &str,
        expected_version: Option<i64>,
        actor: &ActorRecord,
    ) -> Result<WriteOutcome>;

    /// Deletes every value of a person like [`TwinStore::delete_twin_value`]; how many.
    async fn delete_twin_values(&self, person_id: &str, actor: &ActorRecord) -> Result<u64>;

    /// A person's history, newest first, at most `limit` rows with id below `before`.
    async fn twin_history(
        &self,
        person_id: &str,
        before: Option<i64>,
        limit: u32,
    ) -> Result<Vec<HistoryRecord>>;

    /// Records a company (its `persons` row of kind `company` exists) and its first mandate
    /// in one transaction. False (nothing written) when the business id is already taken.
    async fn create_company(
        &self,
        company: &CompanyRecord,
        first_mandate: &MandateRecord,
    ) -> Result<bool>;

    /// One company.
    async fn company(&self, id: &str) -> Result<Option<CompanyRecord>>;

    /// The company with this business id.
    async fn company_by_business_id(&self, business_id: &str) -> Result<Option<CompanyRecord>>;

    /// Stores a mandate.
    async fn create_mandate(&self, mandate: &MandateRecord) -> Result<()>;

    /// One mandate.
    async fn mandate(&self, id: &str) -> Result<Option<MandateRecord>>;

    /// Every mandate of a company (revoked and expired ones too), oldest first.
    async fn mandates_of_company(&self, company_id: &str) -> Result<Vec<MandateRecord>>;

    /// Every mandate held by a person (revoked and expired ones too), oldest first.
    async fn mandates_of_agent(&self, agent_id: &str) -> Result<Vec<MandateRecord>>;

    /// Revokes a mandate of `company_id` not yet revoked. True when revoked now.
    async fn revoke_mandate(
        &self,
        company_id: &str,
        mandate_id: &str,
        at: i64,
        revoked_by: &str,
        revoked_under: Option<&str>,
    ) -> Result<bool>;
}
