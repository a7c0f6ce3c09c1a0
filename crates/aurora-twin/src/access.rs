//! The one path by which anyone but the person reads a twin's values, and the access log.
//!
//! [`read`] checks every attribute against the recipient's registration and the person's
//! consent records (read from the database each time: no cache), reads only the allowed
//! values ([`crate::twin::read_values`]) and writes **one access-log row** (who, which
//! attributes were actually returned, when, for what purpose, under which consents, by which
//! path) before handing the values back. Denied attributes are reported with their reason and
//! never returned. A read in which nothing was allowed returns nothing and is not logged
//! (nobody saw anything). [`log_self_read`] records the person's own reads the same way.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

pub use aurora_store::consent::Via;
use aurora_store::consent::{AccessLogEntry, AccessReader, ConsentStore, Names, ReaderKind};
use aurora_store::people::PersonStore;
use aurora_store::twin::TwinStore;
use serde_json::Value;
use time::OffsetDateTime;

use crate::consent::{decide, rfc3339, Decision, DenyReason, Recipient};
use crate::keys::TwinKeys;
use crate::twin::{read_values, TwinError};

/// Errors of a consented read. Never carries a value.
#[derive(Debug, thiserror::Error)]
pub enum AccessError {
    /// No such person.
    #[error("no such person")]
    NotFound,
    /// The twin could not be read (key or stored value unreadable).
    #[error(transparent)]
    Twin(TwinError),
    /// The store failed.
    #[error(transparent)]
    Store(#[from] aurora_store::Error),
}

impl From<TwinError> for AccessError {
    fn from(e: TwinError) -> Self {
        match e {
            TwinError::NotFound => AccessError::NotFound,
            TwinError::Store(s) => AccessError::Store(s),
            other => AccessError::Twin(other),
        }
    }
}

/// What a consented read gives the reader.
#[derive(Clone, PartialEq)]
pub struct ConsentedRead {
    /// The released values (attributes the person has no value for are simply absent).
    pub values: BTreeMap<String, Value>,
    /// The attributes not released, and why.
    pub denied: Vec<(String, DenyReason)>,
    /// The consent records that allowed the release.
    pub consent_ids: Vec<String>,
    /// The access-log row written for this read, if anything was allowed.
    pub log_id: Option<String>,
}

impl fmt::Debug for ConsentedRead {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Attribute names only: values never reach a log through Debug.
        f.debug_struct("ConsentedRead")
            .field("attributes", &self.values.keys().collect::<Vec<_>>())
            .field("denied", &self.denied)
            .field("consent_ids", &self.consent_ids)
            .finish()
    }
}

fn entry(
    person_id: &str,
    reader: AccessReader,
    attributes: Vec<String>,
    purpose: &str,
    consent_ids: Vec<String>,
    via: Via,
    now: OffsetDateTime,
) -> AccessLogEntry {
    AccessLogEntry {
        id: uuid::Uuid::new_v4().to_string(),
        person_id: person_id.to_string(),
        at: rfc3339(now),
        at_unix_ms: i64::try_from(now.unix_timestamp_nanos() / 1_000_000).unwrap_or(i64::MAX),
        reader,
        attributes,
        purpose: purpose.to_string(),
        consent_ids,
        via,
    }
}

/// The access-log reader for a recipient.
pub fn reader_of(recipient: &Recipient) -> AccessReader {
    AccessReader {
        kind: ReaderKind::from(recipient.kind),
        id: recipient.id.clone(),
        names: recipient.names.clone(),
    }
}

/// A log entry for `reader` at `now` (for stores that write the row themselves, as the
/// hand-over redemption does).
pub fn log_entry(
    person_id: &str,
    reader: AccessReader,
    attributes: Vec<String>,
    purpose: &str,
    consent_ids: Vec<String>,
    via: Via,
    now: OffsetDateTime,
) -> AccessLogEntry {
    entry(
        person_id,
        reader,
        attributes,
        purpose,
        consent_ids,
        via,
        now,
    )
}

/// Reads `attributes` of `person_id` for `reader` and `purpose`, releasing only what a
/// consent in force at `now` covers and the reader's registration allows, and logs the read.
#[allow(clippy::too_many_arguments)]
pub async fn read<S>(
    store: &S,
    keys: &TwinKeys,
    reader: &Recipient,
    person_id: &str,
    attributes: &[&str],
    purpose: &str,
    via: Via,
    now: OffsetDateTime,
) -> Result<ConsentedRead, AccessError>
where
    S: ConsentStore + TwinStore + PersonStore,
{
    let wanted: BTreeSet<&str> = attributes.iter().copied().collect();
    let records = store
        .consents_for(person_id, reader.kind, &reader.id, purpose)
        .await?;
    let now_unix = now.unix_timestamp();
    let mut allowed: Vec<&str> = Vec::new();
    let mut consent_of: BTreeMap<&str, String> = BTreeMap::new();
    let mut denied = Vec::new();
    for a in wanted {
        // The registration caps every consent, also one given before the cap was lowered.
        if !reader.allowed_attributes.contains(a) {
            denied.push((a.to_string(), DenyReason::NotAllowedForRecipient));
            continue;
        }
        match decide(&records, a, now_unix) {
            Decision::Allowed { consent_id } => {
                allowed.push(a);
                consent_of.insert(a, consent_id);
            }
            Decision::Denied(reason) => denied.push((a.to_string(), reason)),
        }
    }
    if allowed.is_empty() {
        return Ok(ConsentedRead {
            values: BTreeMap::new(),
            denied,
            consent_ids: Vec::new(),
            log_id: None,
        });
    }
    let values = read_values(store, store, keys, person_id, &allowed).await?;
    let consent_ids: Vec<String> = values
        .keys()
        .filter_map(|a| consent_of.get(a.as_str()).cloned())
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    let row = entry(
        person_id,
        reader_of(reader),
        values.keys().cloned().collect(),
        purpose,
        consent_ids.clone(),
        via,
        now,
    );
    // Logged before anything is returned: no log row, no values.
    store.log_access(&row).await?;
    Ok(ConsentedRead {
        values,
        denied,
        consent_ids,
        log_id: Some(row.id),
    })
}

/// The reader names of the person's own reads.
pub fn self_names() -> Names {
    Names {
        fi: "Sinä itse".into(),
        sv: "Du själv".into(),
        en: "You".into(),
    }
}

/// Logs that the person read their own `attributes` (purpose `self`), by `via`.
pub async fn log_self_read(
    store: &dyn ConsentStore,
    person_id: &str,
    attributes: &[String],
    via: Via,
    now: OffsetDateTime,
) -> Result<(), AccessError> {
    let reader = AccessReader {
        kind: ReaderKind::SelfRead,
        id: person_id.to_string(),
        names: self_names(),
    };
    let row = entry(
        person_id,
        reader,
        attributes.to_vec(),
        "self",
        Vec::new(),
        via,
        now,
    );
    store.log_access(&row).await?;
    Ok(())
}

/// A page of the person's access log, newest first, and the total.
pub async fn access_log(
    store: &dyn ConsentStore,
    person_id: &str,
    limit: u32,
    offset: u64,
) -> Result<(Vec<AccessLogEntry>, u64), AccessError> {
    Ok(store.access_log(person_id, limit, offset).await?)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::consent::testkit::*;
    use crate::consent::withdraw;
    use crate::registry::AttributeRegistry;
    use crate::twin::{Actor, Twin};
    use serde_json::json;

    async fn with_values(kit: &Kit) -> String {
        let p = kit.person().await;
        let twin = Twin::new(
            &kit.store,
            &kit.store,
            &kit.keys,
            AttributeRegistry::bundled(),
        );
        let me = Actor::Person(p.clone());
        twin.set(&p, "age", &json!(0), None, &me).await.unwrap();
        twin.set(&p, "municipality_code", &json!("091"), None, &me)
            .await
            .unwrap();
        twin.set(&p, "student", &json!(true), None, &me)
            .await
            .unwrap();
        p
    }

    async fn read_as(
        kit: &Kit,
        reader: &Recipient,
        p: &str,
        attrs: &[&str],
        now: i64,
    ) -> ConsentedRead {
        read(
            &kit.store,
            &kit.keys,
            reader,
            p,
            attrs,
            "guidance",
            Via::Oauth,
            at(now),
        )
        .await
        .unwrap()
    }

    #[tokio::test]
    async fn no_consent_no_data_and_no_log() {
        let kit = Kit::new().await;
        let p = with_values(&kit).await;
        let got = read_as(&kit, &service("svc-a"), &p, &["age"], T0).await;
        assert!(got.values.is_empty());
        assert_eq!(got.denied, vec![("age".to_string(), DenyReason::NoConsent)]);
        assert_eq!(got.log_id, None);
        assert_eq!(kit.store.access_log(&p, 10, 0).await.unwrap().1, 0);
    }

    #[tokio::test]
    async fn a_consented_read_returns_only_covered_values_and_logs_who_what_when_why() {
        let kit = Kit::new().await;
        let p = with_values(&kit).await;
        let c = kit
            .grant(
                &kit.request(&p, "svc-a", &["age", "municipality_code"], T0 + 100),
                T0,
            )
            .await
            .unwrap();
        let svc = service("svc-a");
        let got = read_as(
            &kit,
            &svc,
            &p,
            &["age", "municipality_code", "student"],
            T0 + 5,
        )
        .await;
        // 0 is a value (reference §8.11), and `student` is beyond the registration.
        assert_eq!(got.values.get("age"), Some(&json!(0)));
        assert_eq!(got.values.get("municipality_code"), Some(&json!("091")));
        assert_eq!(
            got.denied,
            vec![("student".to_string(), DenyReason::NotAllowedForRecipient)]
        );
        assert_eq!(got.consent_ids, vec![c.id.clone()]);
        let debug = format!("{got:?}");
        assert!(!debug.contains("\"091\""), "{debug}");
        let (log, total) = kit.store.access_log(&p, 10, 0).await.unwrap();
        assert_eq!(total, 1);
        let row = &log[0];
        assert_eq!(Some(&row.id), got.log_id.as_ref());
        assert_eq!(row.reader.kind, aurora_store::consent::ReaderKind::Service);
        assert_eq!(row.reader.id, "svc-a");
        assert_eq!(row.reader.names.en, "Service svc-a");
        assert_eq!(row.attributes, vec!["age", "municipality_code"]);
        assert_eq!(row.purpose, "guidance");
        assert_eq!(row.consent_ids, vec![c.id]);
        assert_eq!(row.via, Via::Oauth);
        assert_eq!(row.at_unix_ms, (T0 + 5) * 1000);
    }

    #[tokio::test]
    async fn withdrawn_or_expired_consent_gives_no_data() {
        let kit = Kit::new().await;
        let p = with_values(&kit).await;
        let svc = service("svc-a");
        let c = kit
            .grant(&kit.request(&p, "svc-a", &["age"], T0 + 100), T0)
            .await
            .unwrap();
        assert_eq!(
            read_as(&kit, &svc, &p, &["age"], T0 + 1).await.values.len(),
            1
        );
        // Expired: from valid_until on.
        let got = read_as(&kit, &svc, &p, &["age"], T0 + 100).await;
        assert!(got.values.is_empty());
        assert_eq!(got.denied, vec![("age".to_string(), DenyReason::Expired)]);
        // Withdrawn: the very next read.
        withdraw(&kit.store, &p, &c.id, at(T0 + 2)).await.unwrap();
        let got = read_as(&kit, &svc, &p, &["age"], T0 + 2).await;
        assert!(got.values.is_empty());
        assert_eq!(got.denied, vec![("age".to_string(), DenyReason::Withdrawn)]);
        assert_eq!(kit.store.access_log(&p, 10, 0).await.unwrap().1, 1);
    }

    #[tokio::test]
    async fn a_lowered_registration_caps_consents_given_before() {
        let kit = Kit::new().await;
        let p = with_values(&kit).await;
        kit.grant(
            &kit.request(&p, "svc-a", &["age", "municipality_code"], T0 + 100),
            T0,
        )
        .await
        .unwrap();
        let mut svc = service("svc-a");
        svc.allowed_attributes.remove("age");
        let got = read_as(&kit, &svc, &p, &["age", "municipality_code"], T0 + 1).await;
        assert_eq!(
            got.values.keys().collect::<Vec<_>>(),
            vec!["municipality_code"]
        );
        assert_eq!(
            got.denied,
            vec![("age".to_string(), DenyReason::NotAllowedForRecipient)]
        );
    }

    #[tokio::test]
    async fn missing_values_and_unknown_people_give_nothing() {
        let kit = Kit::new().await;
        let p = kit.person().await;
        kit.grant(&kit.request(&p, "svc-a", &["age"], T0 + 100), T0)
            .await
            .unwrap();
        // A value-less consented read: logged with no attributes returned.
        let got = read_as(&kit, &service("svc-a"), &p, &["age"], T0 + 1).await;
        assert!(got.values.is_empty() && got.denied.is_empty());
        let (log, _) = kit.store.access_log(&p, 10, 0).await.unwrap();
        assert!(log[0].attributes.is_empty());
        let e = read(
            &kit.store,
            &kit.keys,
            &service("svc-a"),
            "no-such-person",
            &["age"],
            "guidance",
            Via::Api,
            at(T0),
        )
        .await;
        // No consent for a person who does not exist: simply nothing.
        assert!(e.unwrap().values.is_empty());
    }

    #[tokio::test]
    async fn self_reads_are_logged_and_the_log_is_newest_first() {
        let kit = Kit::new().await;
        let p = with_values(&kit).await;
        log_self_read(&kit.store, &p, &["age".to_string()], Via::Web, at(T0))
            .await
            .unwrap();
        kit.grant(&kit.request(&p, "svc-a", &["age"], T0 + 100), T0)
            .await
            .unwrap();
        read_as(&kit, &service("svc-a"), &p, &["age"], T0 + 1).await;
        let (log, total) = access_log(&kit.store, &p, 10, 0).await.unwrap();
        assert_eq!(total, 2);
        assert_eq!(log[0].reader.id, "svc-a");
        assert_eq!(
            log[1].reader.kind,
            aurora_store::consent::ReaderKind::SelfRead
        );
        assert_eq!(log[1].reader.names.fi, "Sinä itse");
        assert_eq!(log[1].purpose, "self");
        assert_eq!(log[1].via, Via::Web);
    }
}
