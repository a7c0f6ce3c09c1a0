//! Consent: who may receive which of a person's attributes, for what purpose, until when.
//!
//! A consent record (ISO/IEC TS 27560 style, stored by [`ConsentStore`]) names one person,
//! one recipient (a member service or an advisor agent), one purpose from
//! `data/twin/purposes.json` ([`Purposes`]), a set of attributes of the registry, a validity
//! and the legal basis `consent`. Granting one gives the person a signed Kantara v1.1
//! receipt ([`crate::receipt`]).
//!
//! The rules:
//! * a recipient's declared attributes and purposes ([`Recipient`], from a
//!   [`RecipientDirectory`]) cap every consent: nothing beyond them can be consented;
//! * `valid_until` is required, in the future and at most [`MAX_VALIDITY_SECS`] away;
//! * [`check`] reads the records from the database on every call (no cache), so a
//!   [`withdraw`] is effective on the very next check on every replica;
//! * a record is in force only between `granted_at` and `valid_until`, and not after its
//!   withdrawal.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::OnceLock;

use async_trait::async_trait;
use aurora_model::Lang;
use serde::{Deserialize, Serialize};
use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;

pub use aurora_store::consent::{
    ConsentEvent, ConsentRecord, ConsentState, ConsentStore, Names, RecipientKind,
};
use aurora_store::consent::{Renewal, WithdrawOutcome};

use crate::keys::TwinKeys;
use crate::receipt::{
    encode_public_key, ConsentReceipt, PiiController, PostalAddress, Purpose as ReceiptPurpose,
    ReceiptError, ReceiptSigner, Service, KANTARA_CR_VERSION,
};
use crate::registry::{AttributeRegistry, Texts};

/// The longest validity a consent may have: one year.
pub const MAX_VALIDITY_SECS: i64 = 366 * 24 * 60 * 60;
/// Most attributes in one consent record.
pub const MAX_ATTRIBUTES: usize = 64;
/// The legal basis of every record made here (GDPR Art. 6(1)(a)).
pub const LEGAL_BASIS: &str = "consent";
/// The purpose code of hand-overs.
pub const HANDOVER_PURPOSE: &str = "handover";

const BUNDLED_PURPOSES: &str = include_str!("../../../data/twin/purposes.json");

/// One purpose of processing.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PurposeDef {
    /// Stable code (`guidance`, `service_delivery`, …).
    pub code: String,
    /// Kantara `purposeCategory`.
    pub category: String,
    /// Display name.
    pub name: Texts,
    /// What the data is used for.
    pub description: Texts,
}

#[derive(Deserialize)]
struct PurposeFile {
    #[serde(rename = "$comment", default)]
    _comment: String,
    version: u32,
    purposes: Vec<PurposeDef>,
}

/// The purposes a person may consent to.
#[derive(Debug, Clone)]
pub struct Purposes {
    version: u32,
    purposes: Vec<PurposeDef>,
}

impl Purposes {
    /// The purposes compiled into the binary (`data/twin/purposes.json`).
    pub fn bundled() -> &'static Purposes {
        static PURPOSES: OnceLock<Purposes> = OnceLock::new();
        PURPOSES.get_or_init(|| {
            // Compiled in and loaded by a unit test: failing here is a build bug.
            Purposes::from_json(BUNDLED_PURPOSES)
                .unwrap_or_else(|e| panic!("bundled purposes: {e}"))
        })
    }

    /// Parses a purposes file.
    pub fn from_json(json: &str) -> Result<Purposes, String> {
        let file: PurposeFile = serde_json::from_str(json).map_err(|e| e.to_string())?;
        let mut seen = BTreeSet::new();
        for p in &file.purposes {
            if !seen.insert(p.code.as_str()) {
                return Err(format!("purpose {} appears twice", p.code));
            }
        }
        Ok(Purposes {
            version: file.version,
            purposes: file.purposes,
        })
    }

    /// The file's version.
    pub fn version(&self) -> u32 {
        self.version
    }

    /// Every purpose, in file order.
    pub fn all(&self) -> &[PurposeDef] {
        &self.purposes
    }

    /// One purpose by code.
    pub fn get(&self, code: &str) -> Option<&PurposeDef> {
        self.purposes.iter().find(|p| p.code == code)
    }
}

/// A recipient named by kind and id.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct RecipientRef {
    /// Service or agent.
    pub kind: RecipientKind,
    /// Client id or agent id.
    pub id: String,
}

/// Where a member service receives hand-overs, and what.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HandoverTarget {
    /// The service's landing page (registered by the operator; the token goes in its
    /// fragment).
    pub landing_url: String,
    /// The attributes the service declared it receives.
    pub attributes: BTreeSet<String>,
}

/// What a recipient is and what it may ask for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Recipient {
    /// Service or agent.
    pub kind: RecipientKind,
    /// Client id or agent id.
    pub id: String,
    /// Display names.
    pub names: Names,
    /// The attributes it may ever receive: a cap on every consent.
    pub allowed_attributes: BTreeSet<String>,
    /// The purposes it may ask consent for.
    pub allowed_purposes: BTreeSet<String>,
    /// Hand-over reception, if the service takes hand-overs.
    pub handover: Option<HandoverTarget>,
}

impl Recipient {
    /// Its kind and id.
    pub fn reference(&self) -> RecipientRef {
        RecipientRef {
            kind: self.kind,
            id: self.id.clone(),
        }
    }
}

/// Looks recipients up (the server implements it over the member-service registry).
#[async_trait]
pub trait RecipientDirectory: Send + Sync {
    /// The recipient, or `None` if there is no such (enabled) recipient.
    async fn recipient(
        &self,
        kind: RecipientKind,
        id: &str,
    ) -> Result<Option<Recipient>, aurora_store::Error>;
}

/// A fixed set of recipients (tests, and small deployments without a registry).
#[derive(Debug, Clone, Default)]
pub struct StaticDirectory {
    recipients: BTreeMap<RecipientRef, Recipient>,
}

impl StaticDirectory {
    /// A directory of these recipients.
    pub fn new(recipients: impl IntoIterator<Item = Recipient>) -> Self {
        StaticDirectory {
            recipients: recipients.into_iter().map(|r| (r.reference(), r)).collect(),
        }
    }
}

#[async_trait]
impl RecipientDirectory for StaticDirectory {
    async fn recipient(
        &self,
        kind: RecipientKind,
        id: &str,
    ) -> Result<Option<Recipient>, aurora_store::Error> {
        Ok(self
            .recipients
            .get(&RecipientRef {
                kind,
                id: id.to_string(),
            })
            .cloned())
    }
}

/// Who issues receipts (the controller), and where its policy is.
#[derive(Debug, Clone, PartialEq)]
pub struct ConsentSettings {
    /// Jurisdiction of the controller (`FI`).
    pub jurisdiction: String,
    /// The controller as named in receipts.
    pub controller: PiiController,
    /// The privacy policy.
    pub policy_url: String,
    /// Where the person manages consents (named in every receipt's termination text).
    pub manage_url: String,
}

impl ConsentSettings {
    /// Settings for an Aurora deployment at `public_url`.
    pub fn for_public_url(public_url: &str) -> ConsentSettings {
        let base = public_url.trim_end_matches('/');
        ConsentSettings {
            jurisdiction: "FI".into(),
            controller: PiiController {
                pii_controller: "Aurora".into(),
                on_behalf: Some(false),
                contact: "Aurora data protection".into(),
                address: PostalAddress {
                    address_country: Some("FI".into()),
                    ..PostalAddress::default()
                },
                email: "privacy@aurora.example".into(),
                phone: "+358 29 000 0000".into(),
                pii_controller_url: Some(base.to_string()),
            },
            policy_url: format!("{base}/privacy"),
            manage_url: format!("{base}/api/v1/me/consents"),
        }
    }
}

/// Why a consent could not be given, renewed or withdrawn. Never carries a value.
#[derive(Debug, thiserror::Error)]
pub enum ConsentError {
    /// No such recipient.
    #[error("unknown recipient")]
    UnknownRecipient,
    /// No such purpose.
    #[error("unknown purpose {0:?}")]
    UnknownPurpose(String),
    /// The recipient may not ask consent for this purpose.
    #[error("the recipient may not ask consent for purpose {0:?}")]
    PurposeNotAllowed(String),
    /// No attributes.
    #[error("at least one attribute is needed")]
    NoAttributes,
    /// Too many attributes.
    #[error("at most {MAX_ATTRIBUTES} attributes")]
    TooManyAttributes,
    /// Not an attribute of the registry.
    #[error("unknown attribute {0:?}")]
    UnknownAttribute(String),
    /// Beyond what the recipient may receive.
    #[error("the recipient may not receive attribute {0:?}")]
    AttributeNotAllowed(String),
    /// `valid_until` is not in the future.
    #[error("valid_until must be in the future")]
    ValidUntilPast,
    /// `valid_until` is too far away.
    #[error("valid_until may be at most one year away")]
    ValidUntilTooFar,
    /// No such record of this person.
    #[error("no such consent")]
    NotFound,
    /// The record was withdrawn (cannot be renewed).
    #[error("the consent was withdrawn")]
    Withdrawn,
    /// Signing the receipt failed (a bug).
    #[error("receipt: {0}")]
    Receipt(#[from] ReceiptError),
    /// The store failed.
    #[error(transparent)]
    Store(#[from] aurora_store::Error),
}

impl ConsentError {
    /// The request field the error is about, if any.
    pub fn field(&self) -> Option<&'static str> {
        match self {
            ConsentError::UnknownRecipient => Some("recipient"),
            ConsentError::UnknownPurpose(_) | ConsentError::PurposeNotAllowed(_) => Some("purpose"),
            ConsentError::NoAttributes
            | ConsentError::TooManyAttributes
            | ConsentError::UnknownAttribute(_)
            | ConsentError::AttributeNotAllowed(_) => Some("attributes"),
            ConsentError::ValidUntilPast | ConsentError::ValidUntilTooFar => Some("valid_until"),
            ConsentError::NotFound
            | ConsentError::Withdrawn
            | ConsentError::Receipt(_)
            | ConsentError::Store(_) => None,
        }
    }
}

/// A request to consent.
#[derive(Debug, Clone)]
pub struct GrantRequest {
    /// Whose data.
    pub person_id: String,
    /// To whom.
    pub recipient: RecipientRef,
    /// Purpose code.
    pub purpose: String,
    /// Attribute names.
    pub attributes: Vec<String>,
    /// End of validity (unix seconds).
    pub valid_until_unix: i64,
    /// The language of the notice the person saw (and of the receipt).
    pub language: Lang,
    /// How consent was collected (`web form`, `api`, `oauth consent screen`).
    pub collection_method: String,
}

/// The engine's view of time: RFC 3339 and unix seconds of one instant.
pub(crate) fn rfc3339(t: OffsetDateTime) -> String {
    t.format(&Rfc3339).unwrap_or_default()
}

fn rfc3339_unix(unix: i64) -> String {
    OffsetDateTime::from_unix_timestamp(unix)
        .map(rfc3339)
        .unwrap_or_default()
}

/// Sorted, unique attribute names; checks them against the registry and the cap.
fn checked_attributes(
    registry: &AttributeRegistry,
    allowed: &BTreeSet<String>,
    attributes: &[String],
) -> Result<Vec<String>, ConsentError> {
    let set: BTreeSet<String> = attributes.iter().map(|a| a.trim().to_string()).collect();
    if set.is_empty() {
        return Err(ConsentError::NoAttributes);
    }
    if set.len() > MAX_ATTRIBUTES {
        return Err(ConsentError::TooManyAttributes);
    }
    for a in &set {
        if registry.get(a).is_none() {
            return Err(ConsentError::UnknownAttribute(a.clone()));
        }
        if !allowed.contains(a) {
            return Err(ConsentError::AttributeNotAllowed(a.clone()));
        }
    }
    Ok(set.into_iter().collect())
}

fn checked_validity(valid_until_unix: i64, now_unix: i64) -> Result<(), ConsentError> {
    if valid_until_unix <= now_unix {
        return Err(ConsentError::ValidUntilPast);
    }
    if valid_until_unix - now_unix > MAX_VALIDITY_SECS {
        return Err(ConsentError::ValidUntilTooFar);
    }
    Ok(())
}

fn termination(lang: Lang, valid_until: &str, manage_url: &str) -> String {
    match lang {
        Lang::Fi => format!(
            "Suostumus on voimassa {valid_until} asti, ellet peruuta sitä aiemmin: {manage_url}"
        ),
        Lang::Sv => format!(
            "Samtycket gäller till {valid_until}, om du inte återkallar det tidigare: {manage_url}"
        ),
        Lang::En => format!(
            "The consent is valid until {valid_until} unless you withdraw it earlier: {manage_url}"
        ),
    }
}

/// The Kantara v1.1 receipt of a record (its current validity), with `receipt_id` and the
/// consent time `at_unix`.
pub fn build_receipt(
    record: &ConsentRecord,
    receipt_id: &str,
    at_unix: i64,
    keys: &TwinKeys,
    settings: &ConsentSettings,
    registry: &AttributeRegistry,
) -> ConsentReceipt {
    let lang = Lang::parse(&record.notice_language).unwrap_or(Lang::Fi);
    let purposes = Purposes::bundled();
    let (purpose, category) = match purposes.get(&record.purpose) {
        Some(p) => (
            format!("{}: {}", p.name.get(lang), p.description.get(lang)),
            p.category.clone(),
        ),
        None => (record.purpose.clone(), record.purpose.clone()),
    };
    let mut sensitive = Vec::new();
    let pii_category = record
        .attributes
        .iter()
        .map(|a| match registry.get(a) {
            Some(attr) => {
                if attr.sensitive {
                    sensitive.push(a.clone());
                }
                format!("{} ({a})", attr.title.get(lang))
            }
            None => a.clone(),
        })
        .collect();
    let recipient_name = record.recipient_names.get(lang.code()).to_string();
    ConsentReceipt {
        version: KANTARA_CR_VERSION.into(),
        jurisdiction: settings.jurisdiction.clone(),
        consent_timestamp: at_unix,
        collection_method: record.collection_method.clone(),
        consent_receipt_id: receipt_id.to_string(),
        public_key: Some(encode_public_key(&keys.verifying_key())),
        language: lang.code().into(),
        pii_principal_id: record.person_id.clone(),
        pii_controllers: vec![settings.controller.clone()],
        policy_url: settings.policy_url.clone(),
        services: vec![Service {
            service: recipient_name.clone(),
            purposes: vec![ReceiptPurpose {
                purpose,
                purpose_category: vec![category],
                consent_type: "EXPLICIT".into(),
                pii_category,
                primary_purpose: true,
                termination: termination(lang, &record.valid_until, &settings.manage_url),
                third_party_disclosure: true,
                third_party_name: Some(recipient_name),
            }],
        }],
        sensitive: !sensitive.is_empty(),
        spi_cat: sensitive,
    }
}

/// Signs a receipt with the twin's signing key (`kid` in the header).
pub fn sign_receipt(keys: &TwinKeys, receipt: &ConsentReceipt) -> Result<String, ReceiptError> {
    let signer =
        ReceiptSigner::from_seed(&keys.signing_key().to_bytes(), Some(keys.kid().to_string()));
    signer.sign(receipt)
}

/// Everything needed to make and store a record, after the checks.
pub(crate) struct NewRecord<'a> {
    pub(crate) person_id: &'a str,
    pub(crate) recipient: &'a Recipient,
    pub(crate) purpose: &'a str,
    pub(crate) attributes: Vec<String>,
    pub(crate) valid_until_unix: i64,
    pub(crate) language: Lang,
    pub(crate) collection_method: &'a str,
}

/// Makes, signs and stores a record whose content has been checked.
pub(crate) async fn record_checked(
    store: &dyn ConsentStore,
    keys: &TwinKeys,
    settings: &ConsentSettings,
    registry: &AttributeRegistry,
    new: NewRecord<'_>,
    now: OffsetDateTime,
) -> Result<ConsentRecord, ConsentError> {
    let id = uuid::Uuid::new_v4().to_string();
    let mut record = ConsentRecord {
        id: id.clone(),
        person_id: new.person_id.to_string(),
        recipient_kind: new.recipient.kind,
        recipient_id: new.recipient.id.clone(),
        recipient_names: new.recipient.names.clone(),
        purpose: new.purpose.to_string(),
        attributes: new.attributes,
        legal_basis: LEGAL_BASIS.into(),
        granted_at: rfc3339(now),
        granted_at_unix: now.unix_timestamp(),
        valid_until: rfc3339_unix(new.valid_until_unix),
        valid_until_unix: new.valid_until_unix,
        withdrawn_at: None,
        withdrawn_at_unix: None,
        state: ConsentState::Active,
        version: 1,
        notice_language: new.language.code().into(),
        collection_method: new.collection_method.to_string(),
        receipt: String::new(),
    };
    // The first receipt's id is the record's id, so receipt and record are linked.
    let receipt = build_receipt(&record, &id, now.unix_timestamp(), keys, settings, registry);
    record.receipt = sign_receipt(keys, &receipt)?;
    store.create_consent(&record).await?;
    Ok(record)
}

/// Gives consent: checks the request against the recipient's caps, the registry and the
/// validity rules, stores the record with its `granted` event and signed receipt.
#[allow(clippy::too_many_arguments)]
pub async fn grant(
    store: &dyn ConsentStore,
    directory: &dyn RecipientDirectory,
    registry: &AttributeRegistry,
    keys: &TwinKeys,
    settings: &ConsentSettings,
    request: &GrantRequest,
    now: OffsetDateTime,
) -> Result<ConsentRecord, ConsentError> {
    let recipient = directory
        .recipient(request.recipient.kind, &request.recipient.id)
        .await?
        .ok_or(ConsentError::UnknownRecipient)?;
    if Purposes::bundled().get(&request.purpose).is_none() {
        return Err(ConsentError::UnknownPurpose(request.purpose.clone()));
    }
    if !recipient.allowed_purposes.contains(&request.purpose) {
        return Err(ConsentError::PurposeNotAllowed(request.purpose.clone()));
    }
    let attributes =
        checked_attributes(registry, &recipient.allowed_attributes, &request.attributes)?;
    checked_validity(request.valid_until_unix, now.unix_timestamp())?;
    record_checked(
        store,
        keys,
        settings,
        registry,
        NewRecord {
            person_id: &request.person_id,
            recipient: &recipient,
            purpose: &request.purpose,
            attributes,
            valid_until_unix: request.valid_until_unix,
            language: request.language,
            collection_method: &request.collection_method,
        },
        now,
    )
    .await
}

/// Extends a record that has not been withdrawn (an expired one too: the person consents
/// again) to `valid_until_unix`, with a new receipt. The recipient must still exist and still
/// be allowed every attribute and the purpose.
#[allow(clippy::too_many_arguments)]
pub async fn renew(
    store: &dyn ConsentStore,
    directory: &dyn RecipientDirectory,
    registry: &AttributeRegistry,
    keys: &TwinKeys,
    settings: &ConsentSettings,
    person_id: &str,
    id: &str,
    valid_until_unix: i64,
    now: OffsetDateTime,
) -> Result<ConsentRecord, ConsentError> {
    let current = store
        .consent(person_id, id)
        .await?
        .ok_or(ConsentError::NotFound)?;
    if current.withdrawn_at_unix.is_some() {
        return Err(ConsentError::Withdrawn);
    }
    let recipient = directory
        .recipient(current.recipient_kind, &current.recipient_id)
        .await?
        .ok_or(ConsentError::UnknownRecipient)?;
    if !recipient.allowed_purposes.contains(&current.purpose) {
        return Err(ConsentError::PurposeNotAllowed(current.purpose.clone()));
    }
    checked_attributes(registry, &recipient.allowed_attributes, &current.attributes)?;
    checked_validity(valid_until_unix, now.unix_timestamp())?;
    let mut next = current.clone();
    next.valid_until_unix = valid_until_unix;
    next.valid_until = rfc3339_unix(valid_until_unix);
    let receipt_id = uuid::Uuid::new_v4().to_string();
    let receipt = build_receipt(
        &next,
        &receipt_id,
        now.unix_timestamp(),
        keys,
        settings,
        registry,
    );
    let renewal = Renewal {
        valid_until: next.valid_until.clone(),
        valid_until_unix,
        receipt: sign_receipt(keys, &receipt)?,
        at: rfc3339(now),
        at_unix: now.unix_timestamp(),
    };
    store
        .renew_consent(person_id, id, &renewal)
        .await?
        .ok_or(ConsentError::Withdrawn)
}

/// Withdraws a record of this person, at once. Withdrawing twice is not an error (the
/// record is returned as it is); another person's record is [`ConsentError::NotFound`].
pub async fn withdraw(
    store: &dyn ConsentStore,
    person_id: &str,
    id: &str,
    now: OffsetDateTime,
) -> Result<ConsentRecord, ConsentError> {
    match store
        .withdraw_consent(person_id, id, &rfc3339(now), now.unix_timestamp())
        .await?
    {
        WithdrawOutcome::Withdrawn(r) | WithdrawOutcome::AlreadyWithdrawn(r) => Ok(r),
        WithdrawOutcome::NotFound => Err(ConsentError::NotFound),
    }
}

/// Marks records past their validity as expired, with an `expired` event each (for a
/// periodic task; checks never depend on it). How many.
pub async fn expire_due(
    store: &dyn ConsentStore,
    now: OffsetDateTime,
) -> Result<u64, ConsentError> {
    Ok(store
        .expire_consents(&rfc3339(now), now.unix_timestamp())
        .await?)
}

/// A person's records, newest first, each with its state at `now`.
pub async fn list(
    store: &dyn ConsentStore,
    person_id: &str,
    now: OffsetDateTime,
) -> Result<Vec<ConsentRecord>, ConsentError> {
    let now = now.unix_timestamp();
    let mut records = store.consents_of(person_id).await?;
    for r in &mut records {
        r.state = r.state_at(now);
    }
    Ok(records)
}

/// One record of this person with its state at `now` (`None` for another person's).
pub async fn get(
    store: &dyn ConsentStore,
    person_id: &str,
    id: &str,
    now: OffsetDateTime,
) -> Result<Option<ConsentRecord>, ConsentError> {
    Ok(store.consent(person_id, id).await?.map(|mut r| {
        r.state = r.state_at(now.unix_timestamp());
        r
    }))
}

/// Why an attribute was not released.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum DenyReason {
    /// No consent record covers it.
    NoConsent,
    /// The covering consent was withdrawn.
    Withdrawn,
    /// The covering consent is past its validity (or not yet valid).
    Expired,
    /// The recipient may not receive it at all (its registration does not allow it).
    NotAllowedForRecipient,
}

impl DenyReason {
    /// The snake_case name.
    pub fn as_str(self) -> &'static str {
        match self {
            DenyReason::NoConsent => "no_consent",
            DenyReason::Withdrawn => "withdrawn",
            DenyReason::Expired => "expired",
            DenyReason::NotAllowedForRecipient => "not_allowed_for_recipient",
        }
    }
}

/// The outcome of a consent check.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Decision {
    /// A record in force covers it.
    Allowed {
        /// The record.
        consent_id: String,
    },
    /// Not released.
    Denied(DenyReason),
}

/// Decides one attribute against the person's records for the recipient and purpose.
pub(crate) fn decide(records: &[ConsentRecord], attribute: &str, now_unix: i64) -> Decision {
    let covering = records
        .iter()
        .filter(|r| r.attributes.iter().any(|a| a == attribute));
    let mut reason = DenyReason::NoConsent;
    for r in covering {
        if r.is_active_at(now_unix) {
            return Decision::Allowed {
                consent_id: r.id.clone(),
            };
        }
        // The most telling reason wins: withdrawn over expired over none.
        reason = match (reason, r.state_at(now_unix)) {
            (_, ConsentState::Withdrawn) => DenyReason::Withdrawn,
            (DenyReason::NoConsent, _) => DenyReason::Expired,
            (kept, _) => kept,
        };
    }
    Decision::Denied(reason)
}

/// Checks, per attribute, whether the person's consent lets `recipient` have it for
/// `purpose` at `now`. One database read; nothing is cached.
pub async fn check_many(
    store: &dyn ConsentStore,
    person_id: &str,
    recipient: &RecipientRef,
    attributes: &[&str],
    purpose: &str,
    now: OffsetDateTime,
) -> Result<Vec<(String, Decision)>, ConsentError> {
    let records = store
        .consents_for(person_id, recipient.kind, &recipient.id, purpose)
        .await?;
    let now = now.unix_timestamp();
    Ok(attributes
        .iter()
        .map(|a| (a.to_string(), decide(&records, a, now)))
        .collect())
}

/// Checks one attribute (see [`check_many`]).
pub async fn check(
    store: &dyn ConsentStore,
    person_id: &str,
    recipient: &RecipientRef,
    attribute: &str,
    purpose: &str,
    now: OffsetDateTime,
) -> Result<Decision, ConsentError> {
    let mut decisions = check_many(store, person_id, recipient, &[attribute], purpose, now).await?;
    Ok(decisions
        .pop()
        .map_or(Decision::Denied(DenyReason::NoConsent), |(_, d)| d))
}

/// Fixtures shared by the engine tests of consent, access and hand-over.
#[cfg(test)]
pub(crate) mod testkit {
    use super::*;
    use aurora_store::people::PersonKind;
    use aurora_store::SqlStore;

    pub(crate) const T0: i64 = 1_800_000_000;

    pub(crate) fn at(unix: i64) -> OffsetDateTime {
        OffsetDateTime::from_unix_timestamp(unix).unwrap()
    }

    pub(crate) fn set(names: &[&str]) -> BTreeSet<String> {
        names.iter().map(|s| s.to_string()).collect()
    }

    /// A service that may receive age and municipality for guidance and service delivery,
    /// and takes hand-overs of age and life situation meters.
    pub(crate) fn service(id: &str) -> Recipient {
        Recipient {
            kind: RecipientKind::Service,
            id: id.into(),
            names: Names {
                fi: format!("Palvelu {id}"),
                sv: format!("Tjänst {id}"),
                en: format!("Service {id}"),
            },
            allowed_attributes: set(&["age", "municipality_code", "life_situation_meters"]),
            allowed_purposes: set(&["guidance", "service_delivery"]),
            handover: Some(HandoverTarget {
                landing_url: format!("https://{id}.example/start"),
                attributes: set(&["age", "life_situation_meters"]),
            }),
        }
    }

    pub(crate) struct Kit {
        pub(crate) store: SqlStore,
        pub(crate) keys: TwinKeys,
        pub(crate) directory: StaticDirectory,
        pub(crate) settings: ConsentSettings,
        pub(crate) _dir: tempfile::TempDir,
        pub(crate) url: String,
    }

    impl Kit {
        pub(crate) async fn new() -> Kit {
            let dir = tempfile::tempdir().unwrap();
            let url = format!("sqlite://{}", dir.path().join("t.db").display());
            Kit {
                store: SqlStore::open(&url).await.unwrap(),
                keys: TwinKeys::generate().unwrap(),
                directory: StaticDirectory::new([service("svc-a"), service("svc-b")]),
                settings: ConsentSettings::for_public_url("https://aurora.example/"),
                _dir: dir,
                url,
            }
        }

        pub(crate) async fn person(&self) -> String {
            crate::person::create(&self.store, &self.keys, PersonKind::Person)
                .await
                .unwrap()
                .id
        }

        pub(crate) fn request(
            &self,
            person: &str,
            recipient: &str,
            attributes: &[&str],
            until: i64,
        ) -> GrantRequest {
            GrantRequest {
                person_id: person.into(),
                recipient: RecipientRef {
                    kind: RecipientKind::Service,
                    id: recipient.into(),
                },
                purpose: "guidance".into(),
                attributes: attributes.iter().map(|s| s.to_string()).collect(),
                valid_until_unix: until,
                language: Lang::Fi,
                collection_method: "web form".into(),
            }
        }

        pub(crate) async fn grant(
            &self,
            request: &GrantRequest,
            now: i64,
        ) -> Result<ConsentRecord, ConsentError> {
            grant(
                &self.store,
                &self.directory,
                AttributeRegistry::bundled(),
                &self.keys,
                &self.settings,
                request,
                at(now),
            )
            .await
        }
    }
}

#[cfg(test)]
mod tests {
    use super::testkit::*;
    use super::*;
    use crate::receipt;

    #[test]
    fn the_bundled_purposes_load_with_three_languages() {
        let p = Purposes::bundled();
        for code in [
            "guidance",
            "service_delivery",
            "eligibility_check",
            "handover",
        ] {
            let def = p.get(code).unwrap();
            for lang in Lang::ALL {
                assert!(!def.name.get(lang).is_empty(), "{code} {lang:?}");
                assert!(!def.description.get(lang).is_empty(), "{code} {lang:?}");
            }
        }
        assert!(Purposes::from_json(
            r#"{"version":1,"purposes":[
              {"code":"a","category":"c","name":{"fi":"","sv":"","en":""},"description":{"fi":"","sv":"","en":""}},
              {"code":"a","category":"c","name":{"fi":"","sv":"","en":""},"description":{"fi":"","sv":"","en":""}}]}"#
        )
        .is_err());
    }

    #[tokio::test]
    async fn a_grant_stores_the_record_and_a_receipt_that_verifies_with_the_published_key() {
        let kit = Kit::new().await;
        let p = kit.person().await;
        let req = kit.request(&p, "svc-a", &["municipality_code", "age", "age"], T0 + 3600);
        let r = kit.grant(&req, T0).await.unwrap();
        assert_eq!(r.attributes, vec!["age", "municipality_code"]);
        assert_eq!(
            (r.legal_basis.as_str(), r.state, r.version),
            ("consent", ConsentState::Active, 1)
        );
        assert_eq!(r.recipient_names.fi, "Palvelu svc-a");
        assert_eq!(r.valid_until_unix, T0 + 3600);
        assert_eq!(kit.store.consent(&p, &r.id).await.unwrap().unwrap(), r);
        // Verifies with the key published in the JWKS, found by its kid.
        let jwks = kit.keys.jwks();
        let jwk = &jwks["keys"][0];
        assert_eq!(jwk["kid"], kit.keys.kid());
        let x = receipt::decode_public_key(jwk["x"].as_str().unwrap()).unwrap();
        let cr = receipt::verify(&r.receipt, &x).unwrap();
        assert_eq!(cr.version, "KI-CR-v1.1.0");
        assert_eq!(cr.consent_receipt_id, r.id);
        assert_eq!(cr.pii_principal_id, p);
        assert_eq!(cr.consent_timestamp, T0);
        assert_eq!(cr.language, "fi");
        assert_eq!(cr.jurisdiction, "FI");
        assert_eq!(cr.collection_method, "web form");
        assert!(!cr.pii_controllers.is_empty() && !cr.policy_url.is_empty());
        let purpose = &cr.services[0].purposes[0];
        assert_eq!(cr.services[0].service, "Palvelu svc-a");
        assert_eq!(purpose.consent_type, "EXPLICIT");
        assert_eq!(
            purpose.pii_category,
            vec!["Ikä (age)", "Kotikunta (municipality_code)"]
        );
        assert!(purpose.purpose.starts_with("Palveluohjaus"));
        assert!(!cr.sensitive && cr.spi_cat.is_empty());
        // The header names the key.
        let header = r.receipt.split('.').next().unwrap();
        let header: serde_json::Value = serde_json::from_slice(
            &base64::Engine::decode(&base64::engine::general_purpose::URL_SAFE_NO_PAD, header)
                .unwrap(),
        )
        .unwrap();
        assert_eq!(header["kid"], kit.keys.kid());
        assert_eq!(header["alg"], "EdDSA");
        // Another key does not verify it.
        let other = TwinKeys::generate().unwrap();
        assert!(receipt::verify(&r.receipt, &other.verifying_key()).is_err());
        // Sensitive attributes are declared as such.
        let req = kit.request(&p, "svc-a", &["life_situation_meters"], T0 + 60);
        let r = kit.grant(&req, T0).await.unwrap();
        let cr = receipt::verify(&r.receipt, &kit.keys.verifying_key()).unwrap();
        assert!(cr.sensitive);
        assert_eq!(cr.spi_cat, vec!["life_situation_meters"]);
    }

    #[tokio::test]
    async fn nothing_beyond_the_recipients_registration_can_be_consented() {
        let kit = Kit::new().await;
        let p = kit.person().await;
        let until = T0 + 3600;
        // `student` is a registry attribute, but the service may not receive it.
        let e = kit
            .grant(&kit.request(&p, "svc-a", &["age", "student"], until), T0)
            .await
            .unwrap_err();
        assert!(
            matches!(&e, ConsentError::AttributeNotAllowed(a) if a == "student"),
            "{e}"
        );
        assert_eq!(e.field(), Some("attributes"));
        let e = kit
            .grant(&kit.request(&p, "svc-a", &["shoe_size"], until), T0)
            .await
            .unwrap_err();
        assert!(matches!(e, ConsentError::UnknownAttribute(_)));
        let e = kit
            .grant(&kit.request(&p, "svc-a", &[], until), T0)
            .await
            .unwrap_err();
        assert!(matches!(e, ConsentError::NoAttributes));
        let e = kit
            .grant(&kit.request(&p, "svc-x", &["age"], until), T0)
            .await
            .unwrap_err();
        assert!(matches!(e, ConsentError::UnknownRecipient));
        let mut req = kit.request(&p, "svc-a", &["age"], until);
        req.recipient.kind = RecipientKind::Agent;
        assert!(matches!(
            kit.grant(&req, T0).await.unwrap_err(),
            ConsentError::UnknownRecipient
        ));
        let mut req = kit.request(&p, "svc-a", &["age"], until);
        req.purpose = "eligibility_check".into();
        assert!(matches!(
            kit.grant(&req, T0).await.unwrap_err(),
            ConsentError::PurposeNotAllowed(_)
        ));
        req.purpose = "marketing".into();
        assert!(matches!(
            kit.grant(&req, T0).await.unwrap_err(),
            ConsentError::UnknownPurpose(_)
        ));
        // Validity: required in the future, at most a year.
        for (until, want) in [
            (T0, "past"),
            (T0 - 1, "past"),
            (T0 + MAX_VALIDITY_SECS + 1, "far"),
        ] {
            let e = kit
                .grant(&kit.request(&p, "svc-a", &["age"], until), T0)
                .await
                .unwrap_err();
            match want {
                "past" => assert!(matches!(e, ConsentError::ValidUntilPast)),
                _ => assert!(matches!(e, ConsentError::ValidUntilTooFar)),
            }
        }
        assert!(kit.store.consents_of(&p).await.unwrap().is_empty());
    }

    #[tokio::test]
    async fn checks_allow_only_what_a_consent_in_force_covers() {
        let kit = Kit::new().await;
        let p = kit.person().await;
        let other = kit.person().await;
        let a = RecipientRef {
            kind: RecipientKind::Service,
            id: "svc-a".into(),
        };
        let b = RecipientRef {
            kind: RecipientKind::Service,
            id: "svc-b".into(),
        };
        // No consent: no data.
        assert_eq!(
            check(&kit.store, &p, &a, "age", "guidance", at(T0))
                .await
                .unwrap(),
            Decision::Denied(DenyReason::NoConsent)
        );
        let r = kit
            .grant(&kit.request(&p, "svc-a", &["age"], T0 + 100), T0)
            .await
            .unwrap();
        let allowed = Decision::Allowed {
            consent_id: r.id.clone(),
        };
        assert_eq!(
            check(&kit.store, &p, &a, "age", "guidance", at(T0 + 1))
                .await
                .unwrap(),
            allowed
        );
        // Another attribute, purpose, recipient or person: no.
        for (person, rec, attr, purpose) in [
            (&p, &a, "municipality_code", "guidance"),
            (&p, &a, "age", "service_delivery"),
            (&p, &b, "age", "guidance"),
            (&other, &a, "age", "guidance"),
        ] {
            assert_eq!(
                check(&kit.store, person, rec, attr, purpose, at(T0 + 1))
                    .await
                    .unwrap(),
                Decision::Denied(DenyReason::NoConsent),
                "{attr} {purpose} {}",
                rec.id
            );
        }
        // Not before it was granted, and not from `valid_until` on.
        assert_eq!(
            check(&kit.store, &p, &a, "age", "guidance", at(T0 - 1))
                .await
                .unwrap(),
            Decision::Denied(DenyReason::Expired)
        );
        assert_eq!(
            check(&kit.store, &p, &a, "age", "guidance", at(T0 + 100))
                .await
                .unwrap(),
            Decision::Denied(DenyReason::Expired)
        );
    }

    #[tokio::test]
    async fn withdrawal_takes_effect_at_once_on_every_replica() {
        let kit = Kit::new().await;
        let p = kit.person().await;
        let a = RecipientRef {
            kind: RecipientKind::Service,
            id: "svc-a".into(),
        };
        let r = kit
            .grant(&kit.request(&p, "svc-a", &["age"], T0 + 1000), T0)
            .await
            .unwrap();
        // A second server on the same database, which has already checked once.
        let replica = aurora_store::SqlStore::open(&kit.url).await.unwrap();
        assert!(matches!(
            check(&replica, &p, &a, "age", "guidance", at(T0 + 1))
                .await
                .unwrap(),
            Decision::Allowed { .. }
        ));
        // Another person cannot withdraw it, nor learn it exists.
        let stranger = kit.person().await;
        assert!(matches!(
            withdraw(&kit.store, &stranger, &r.id, at(T0 + 2)).await,
            Err(ConsentError::NotFound)
        ));
        assert!(get(&kit.store, &stranger, &r.id, at(T0 + 2))
            .await
            .unwrap()
            .is_none());
        let w = withdraw(&kit.store, &p, &r.id, at(T0 + 2)).await.unwrap();
        assert_eq!((w.state, w.version), (ConsentState::Withdrawn, 2));
        for store in [&kit.store, &replica] {
            assert_eq!(
                check(store, &p, &a, "age", "guidance", at(T0 + 2))
                    .await
                    .unwrap(),
                Decision::Denied(DenyReason::Withdrawn)
            );
        }
        // Withdrawing again changes nothing; renewing a withdrawn consent is refused.
        let again = withdraw(&kit.store, &p, &r.id, at(T0 + 3)).await.unwrap();
        assert_eq!(again.withdrawn_at_unix, Some(T0 + 2));
        let e = renew(
            &kit.store,
            &kit.directory,
            AttributeRegistry::bundled(),
            &kit.keys,
            &kit.settings,
            &p,
            &r.id,
            T0 + 5000,
            at(T0 + 4),
        )
        .await
        .unwrap_err();
        assert!(matches!(e, ConsentError::Withdrawn));
        replica.close().await;
    }

    #[tokio::test]
    async fn lists_show_effective_states_and_renewal_signs_a_new_receipt() {
        let kit = Kit::new().await;
        let p = kit.person().await;
        let r1 = kit
            .grant(&kit.request(&p, "svc-a", &["age"], T0 + 10), T0)
            .await
            .unwrap();
        let r2 = kit
            .grant(&kit.request(&p, "svc-b", &["age"], T0 + 1000), T0 + 1)
            .await
            .unwrap();
        let listed = list(&kit.store, &p, at(T0 + 20)).await.unwrap();
        assert_eq!(listed.len(), 2);
        assert_eq!(listed[0].id, r2.id);
        assert_eq!(listed[0].state, ConsentState::Active);
        assert_eq!(listed[1].state, ConsentState::Expired);
        let renewed = renew(
            &kit.store,
            &kit.directory,
            AttributeRegistry::bundled(),
            &kit.keys,
            &kit.settings,
            &p,
            &r1.id,
            T0 + 5000,
            at(T0 + 20),
        )
        .await
        .unwrap();
        assert_eq!((renewed.version, renewed.valid_until_unix), (2, T0 + 5000));
        let cr = receipt::verify(&renewed.receipt, &kit.keys.verifying_key()).unwrap();
        assert_eq!(cr.consent_timestamp, T0 + 20);
        assert_ne!(renewed.receipt, r1.receipt);
        let a = RecipientRef {
            kind: RecipientKind::Service,
            id: "svc-a".into(),
        };
        assert!(matches!(
            check(&kit.store, &p, &a, "age", "guidance", at(T0 + 21))
                .await
                .unwrap(),
            Decision::Allowed { .. }
        ));
        let events: Vec<_> = kit
            .store
            .consent_events(&p, &r1.id)
            .await
            .unwrap()
            .into_iter()
            .map(|e| e.event)
            .collect();
        use aurora_store::consent::ConsentEventKind as K;
        assert_eq!(events, vec![K::Granted, K::Renewed]);
    }
}
