//! The twin's values: reading (decrypted), setting (validated against the attribute registry
//! and the subject's kind, sealed with the person's data key bound to (person, attribute),
//! written with a history row in one transaction), deleting, and the history.
//!
//! Who acts is an [`Actor`]: the person, an agent under a mandate (companies), a member
//! service writing with a `store:` scope, or the operator. Anyone but the owner reads values
//! only through `crate::access` (consented reads, logged); [`read_values`] is its
//! building block and does not log.
//!
//! A value is whatever JSON the registry admits: `0`, `false`, `""` and `[]` are values, not
//! "missing" (the reference dropped falsy values, profile §8.11).

use std::collections::BTreeMap;

use aurora_store::people::{PersonKind, PersonStore};
use aurora_store::twin::{ActorRecord, HistoryOp, TwinStore, WriteOutcome};
use serde::Serialize;
use serde_json::Value;
use zeroize::Zeroizing;

use crate::crypto::{open, seal, AttributeContext, DataKey, SealedValue};
use crate::keys::TwinKeys;
use crate::person::{load_key, PersonError};
use crate::registry::{AttributeRegistry, RegistryError, Subject};

/// Errors of the twin service. None carries an attribute value.
#[derive(Debug, thiserror::Error)]
pub enum TwinError {
    /// The store failed.
    #[error(transparent)]
    Store(#[from] aurora_store::Error),
    /// The person's key could not be reached.
    #[error(transparent)]
    Person(PersonError),
    /// No such person or company.
    #[error("no such person")]
    NotFound,
    /// The value (or the attribute) was refused by the registry.
    #[error(transparent)]
    Invalid(#[from] RegistryError),
    /// The value changed meanwhile (`expected_version` did not match), or there was no value
    /// to delete.
    #[error("the value of {attribute} was changed meanwhile (or does not exist)")]
    Conflict {
        /// The attribute.
        attribute: String,
    },
    /// A stored value did not decrypt or decode (wrong key, tampering or a bug).
    #[error("the stored value of {attribute} is unreadable")]
    Unreadable {
        /// The attribute.
        attribute: String,
    },
}

impl From<PersonError> for TwinError {
    fn from(e: PersonError) -> Self {
        match e {
            PersonError::NotFound => TwinError::NotFound,
            PersonError::Store(s) => TwinError::Store(s),
            other => TwinError::Person(other),
        }
    }
}

/// Who acts on a twin.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Actor {
    /// The twin's owner.
    Person(String),
    /// A person acting for a company under a mandate.
    Mandate {
        /// The person acting.
        agent: String,
        /// The mandate.
        mandate_id: String,
    },
    /// A member service writing with a `store:` scope.
    Service {
        /// Its OAuth client id.
        client_id: String,
    },
    /// The operator (command line).
    Operator,
}

impl Actor {
    /// The stored form.
    pub fn record(&self) -> ActorRecord {
        match self {
            Actor::Person(id) => ActorRecord {
                kind: "person".into(),
                id: id.clone(),
                mandate_id: None,
            },
            Actor::Mandate { agent, mandate_id } => ActorRecord {
                kind: "agent".into(),
                id: agent.clone(),
                mandate_id: Some(mandate_id.clone()),
            },
            Actor::Service { client_id } => ActorRecord {
                kind: "service".into(),
                id: client_id.clone(),
                mandate_id: None,
            },
            Actor::Operator => ActorRecord {
                kind: "operator".into(),
                id: "operator".into(),
                mandate_id: None,
            },
        }
    }
}

/// Who acted, as shown to the owner.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ActorView {
    /// `person`, `agent`, `service` or `operator`.
    pub kind: String,
    /// Person id, client id or `operator`.
    pub id: String,
    /// The mandate an agent acted under.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub mandate_id: Option<String>,
}

impl From<ActorRecord> for ActorView {
    fn from(a: ActorRecord) -> Self {
        ActorView {
            kind: a.kind,
            id: a.id,
            mandate_id: a.mandate_id,
        }
    }
}

/// A current value, decrypted.
#[derive(Clone, PartialEq, Serialize)]
pub struct ValueView {
    /// Attribute name.
    pub attribute: String,
    /// The value.
    pub value: Value,
    /// Its version (for `expected_version`).
    pub version: i64,
    /// RFC 3339.
    pub updated_at: String,
    /// Who wrote it.
    pub updated_by: ActorView,
}

impl std::fmt::Debug for ValueView {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ValueView")
            .field("attribute", &self.attribute)
            .field("value", &"***")
            .field("version", &self.version)
            .finish_non_exhaustive()
    }
}

/// One change, decrypted for the owner.
#[derive(Clone, PartialEq, Serialize)]
pub struct HistoryView {
    /// Increasing id.
    pub id: i64,
    /// Attribute name.
    pub attribute: String,
    /// `set` or `delete`.
    pub op: &'static str,
    /// The value set (absent for deletions and for values deleted since).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub value: Option<Value>,
    /// The version the change produced (0 for deletions).
    pub version: i64,
    /// Who.
    pub actor: ActorView,
    /// RFC 3339.
    pub at: String,
}

impl std::fmt::Debug for HistoryView {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("HistoryView")
            .field("id", &self.id)
            .field("attribute", &self.attribute)
            .field("op", &self.op)
            .finish_non_exhaustive()
    }
}

fn open_value(
    key: &DataKey,
    person_id: &str,
    attribute: &str,
    sealed: &str,
) -> Result<Value, TwinError> {
    let unreadable = || TwinError::Unreadable {
        attribute: attribute.to_string(),
    };
    let sealed = SealedValue::decode(sealed).map_err(|_| unreadable())?;
    let plain = open(&sealed, key, &AttributeContext::new(person_id, attribute))
        .map_err(|_| unreadable())?;
    serde_json::from_slice(&plain).map_err(|_| unreadable())
}

fn seal_value(
    key: &DataKey,
    person_id: &str,
    attribute: &str,
    value: &Value,
) -> Result<String, TwinError> {
    let plain = Zeroizing::new(
        serde_json::to_vec(value).map_err(|_| TwinError::Unreadable {
            attribute: attribute.to_string(),
        })?,
    );
    let sealed = seal(&plain, key, &AttributeContext::new(person_id, attribute))
        .map_err(|e| TwinError::Person(PersonError::from(e)))?;
    Ok(sealed.encode())
}

/// The decrypted current values of the named attributes of a person (those that have a
/// value; absent ones are simply not in the map). This is the read under a consent: it does
/// **not** write the access log, which the caller (`crate::access`) does.
pub async fn read_values(
    store: &dyn TwinStore,
    people: &dyn PersonStore,
    keys: &TwinKeys,
    person_id: &str,
    names: &[&str],
) -> Result<BTreeMap<String, Value>, TwinError> {
    let mut out = BTreeMap::new();
    if names.is_empty() {
        return Ok(out);
    }
    let (_person, key) = load_key(people, keys, person_id).await?;
    for record in store.twin_values_named(person_id, names).await? {
        let value = open_value(&key, person_id, &record.attribute, &record.sealed)?;
        out.insert(record.attribute, value);
    }
    Ok(out)
}

/// The twin service over the stores, the keys and the registry.
pub struct Twin<'a> {
    /// Values and history.
    pub store: &'a dyn TwinStore,
    /// People (their data keys).
    pub people: &'a dyn PersonStore,
    /// The master keys.
    pub keys: &'a TwinKeys,
    /// The attribute registry.
    pub registry: &'a AttributeRegistry,
}

impl std::fmt::Debug for Twin<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Twin")
    }
}

fn subject_of(kind: PersonKind) -> Subject {
    match kind {
        PersonKind::Person => Subject::Person,
        PersonKind::Company => Subject::Company,
    }
}

impl<'a> Twin<'a> {
    /// The service.
    pub fn new(
        store: &'a dyn TwinStore,
        people: &'a dyn PersonStore,
        keys: &'a TwinKeys,
        registry: &'a AttributeRegistry,
    ) -> Self {
        Twin {
            store,
            people,
            keys,
            registry,
        }
    }

    /// Every current value, decrypted, in attribute-name order.
    pub async fn values(&self, person_id: &str) -> Result<Vec<ValueView>, TwinError> {
        let (_person, key) = load_key(self.people, self.keys, person_id).await?;
        let mut out = Vec::new();
        for r in self.store.twin_values(person_id).await? {
            let value = open_value(&key, person_id, &r.attribute, &r.sealed)?;
            out.push(ValueView {
                attribute: r.attribute,
                value,
                version: r.version,
                updated_at: r.updated_at,
                updated_by: r.actor.into(),
            });
        }
        out.sort_by(|a, b| a.attribute.cmp(&b.attribute));
        Ok(out)
    }

    /// Validates `value` for `attribute` (registry and the twin's kind), stores its canonical
    /// form sealed, with a history row. Returns the new version.
    pub async fn set(
        &self,
        person_id: &str,
        attribute: &str,
        value: &Value,
        expected_version: Option<i64>,
        actor: &Actor,
    ) -> Result<i64, TwinError> {
        let (person, key) = load_key(self.people, self.keys, person_id).await?;
        let canonical = self
            .registry
            .validate(attribute, subject_of(person.kind), value)?;
        let sealed = seal_value(&key, person_id, attribute, &canonical)?;
        match self
            .store
            .set_twin_value(
                person_id,
                attribute,
                &sealed,
                expected_version,
                &actor.record(),
            )
            .await?
        {
            WriteOutcome::Written(version) => Ok(version),
            WriteOutcome::Conflict => Err(TwinError::Conflict {
                attribute: attribute.to_string(),
            }),
        }
    }

    /// Deletes one value (and its earlier values in the history). `Conflict` when there is
    /// none (or not at `expected_version`).
    pub async fn delete(
        &self,
        person_id: &str,
        attribute: &str,
        expected_version: Option<i64>,
        actor: &Actor,
    ) -> Result<(), TwinError> {
        self.people
            .person(person_id)
            .await?
            .ok_or(TwinError::NotFound)?;
        match self
            .store
            .delete_twin_value(person_id, attribute, expected_version, &actor.record())
            .await?
        {
            WriteOutcome::Written(_) => Ok(()),
            WriteOutcome::Conflict => Err(TwinError::Conflict {
                attribute: attribute.to_string(),
            }),
        }
    }

    /// Deletes every value; how many there were.
    pub async fn delete_all(&self, person_id: &str, actor: &Actor) -> Result<u64, TwinError> {
        self.people
            .person(person_id)
            .await?
            .ok_or(TwinError::NotFound)?;
        Ok(self
            .store
            .delete_twin_values(person_id, &actor.record())
            .await?)
    }

    /// The history, newest first, decrypted (for the owner, or an agent with a mandate to
    /// read the company's twin).
    pub async fn history(
        &self,
        person_id: &str,
        before: Option<i64>,
        limit: u32,
    ) -> Result<Vec<HistoryView>, TwinError> {
        let (_person, key) = load_key(self.people, self.keys, person_id).await?;
        let mut out = Vec::new();
        for r in self.store.twin_history(person_id, before, limit).await? {
            let value = match &r.sealed {
                Some(s) => Some(open_value(&key, person_id, &r.attribute, s)?),
                None => None,
            };
            out.push(HistoryView {
                id: r.id,
                attribute: r.attribute,
                op: match r.op {
                    HistoryOp::Set => "set",
                    HistoryOp::Delete => "delete",
                },
                value,
                version: r.version,
                actor: r.actor.into(),
                at: r.at,
            });
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use aurora_store::SqlStore;
    use serde_json::json;

    pub(crate) async fn setup() -> (SqlStore, TwinKeys) {
        let store = SqlStore::open("sqlite::memory:").await.unwrap();
        (store, TwinKeys::generate().unwrap())
    }

    pub(crate) async fn new_person(store: &SqlStore, keys: &TwinKeys) -> String {
        crate::person::create(store, keys, PersonKind::Person)
            .await
            .unwrap()
            .id
    }

    #[tokio::test]
    async fn values_round_trip_sealed_and_falsy_values_are_values() {
        let (store, keys) = setup().await;
        let twin = Twin::new(&store, &store, &keys, AttributeRegistry::bundled());
        let p = new_person(&store, &keys).await;
        let me = Actor::Person(p.clone());
        // §8.11: 0 and false are values, not "missing".
        assert_eq!(twin.set(&p, "age", &json!(0), None, &me).await.unwrap(), 1);
        twin.set(&p, "student", &json!(false), None, &me)
            .await
            .unwrap();
        twin.set(
            &p,
            "life_situation_meters",
            &json!({"family": [0]}),
            None,
            &me,
        )
        .await
        .unwrap();
        let values = twin.values(&p).await.unwrap();
        let got: Vec<(&str, &Value)> = values
            .iter()
            .map(|v| (v.attribute.as_str(), &v.value))
            .collect();
        assert_eq!(
            got,
            vec![
                ("age", &json!(0)),
                ("life_situation_meters", &json!({"family": 0})),
                ("student", &json!(false)),
            ]
        );
        let read = read_values(&store, &store, &keys, &p, &["age", "student", "language"])
            .await
            .unwrap();
        assert_eq!(read.get("age"), Some(&json!(0)));
        assert_eq!(read.get("student"), Some(&json!(false)));
        assert!(!read.contains_key("language"));
        // Stored sealed: the raw column holds no JSON.
        let raw = store.twin_values(&p).await.unwrap();
        assert!(raw.iter().all(|r| r.sealed.starts_with("v1.")));
        // Debug of a value never shows it.
        assert!(!format!("{values:?}").contains("family"));
    }

    #[tokio::test]
    async fn a_sealed_value_does_not_open_for_another_person_or_attribute() {
        let (store, keys) = setup().await;
        let twin = Twin::new(&store, &store, &keys, AttributeRegistry::bundled());
        let a = new_person(&store, &keys).await;
        let b = new_person(&store, &keys).await;
        twin.set(&a, "age", &json!(40), None, &Actor::Person(a.clone()))
            .await
            .unwrap();
        let sealed = store.twin_values(&a).await.unwrap()[0].sealed.clone();
        // Copy a's ciphertext into b's twin and into a's other attribute.
        store
            .set_twin_value(&b, "age", &sealed, None, &Actor::Person(b.clone()).record())
            .await
            .unwrap();
        store
            .set_twin_value(
                &a,
                "student",
                &sealed,
                None,
                &Actor::Person(a.clone()).record(),
            )
            .await
            .unwrap();
        assert!(matches!(
            read_values(&store, &store, &keys, &b, &["age"]).await,
            Err(TwinError::Unreadable { .. })
        ));
        assert!(matches!(
            read_values(&store, &store, &keys, &a, &["student"]).await,
            Err(TwinError::Unreadable { .. })
        ));
    }

    #[tokio::test]
    async fn invalid_values_name_the_field_and_nothing_is_written() {
        let (store, keys) = setup().await;
        let twin = Twin::new(&store, &store, &keys, AttributeRegistry::bundled());
        let p = new_person(&store, &keys).await;
        let me = Actor::Person(p.clone());
        let e = twin
            .set(&p, "age", &json!(151), None, &me)
            .await
            .unwrap_err();
        assert!(matches!(
            e,
            TwinError::Invalid(RegistryError::Invalid { .. })
        ));
        assert!(!e.to_string().contains("151"));
        assert!(matches!(
            twin.set(&p, "business_id", &json!("0112038-9"), None, &me)
                .await,
            Err(TwinError::Invalid(RegistryError::WrongSubject { .. }))
        ));
        assert!(matches!(
            twin.set(&p, "no_such", &json!(1), None, &me).await,
            Err(TwinError::Invalid(RegistryError::Unknown { .. }))
        ));
        assert!(twin.values(&p).await.unwrap().is_empty());
        assert!(twin.history(&p, None, 10).await.unwrap().is_empty());
        assert!(matches!(
            twin.set("nobody", "age", &json!(1), None, &me).await,
            Err(TwinError::NotFound)
        ));
    }

    #[tokio::test]
    async fn versions_history_and_deletion() {
        let (store, keys) = setup().await;
        let twin = Twin::new(&store, &store, &keys, AttributeRegistry::bundled());
        let p = new_person(&store, &keys).await;
        let me = Actor::Person(p.clone());
        twin.set(&p, "age", &json!(30), Some(0), &me).await.unwrap();
        assert!(matches!(
            twin.set(&p, "age", &json!(31), Some(0), &me).await,
            Err(TwinError::Conflict { .. })
        ));
        assert_eq!(
            twin.set(&p, "age", &json!(31), Some(1), &me).await.unwrap(),
            2
        );
        twin.set(
            &p,
            "language",
            &json!("sv"),
            None,
            &Actor::Service {
                client_id: "svc".into(),
            },
        )
        .await
        .unwrap();
        let h = twin.history(&p, None, 10).await.unwrap();
        assert_eq!(h.len(), 3);
        assert_eq!(h[0].actor.kind, "service");
        assert_eq!(h[1].value, Some(json!(31)));
        assert_eq!(h[2].value, Some(json!(30)));
        twin.delete(&p, "age", None, &me).await.unwrap();
        assert!(matches!(
            twin.delete(&p, "age", None, &me).await,
            Err(TwinError::Conflict { .. })
        ));
        let h = twin.history(&p, None, 10).await.unwrap();
        assert_eq!(h[0].op, "delete");
        assert!(h
            .iter()
            .filter(|x| x.attribute == "age")
            .all(|x| x.value.is_none()));
        assert_eq!(twin.delete_all(&p, &me).await.unwrap(), 1);
        assert!(twin.values(&p).await.unwrap().is_empty());
    }

    #[tokio::test]
    async fn values_survive_a_master_key_rotation() {
        let (store, keys) = setup().await;
        let p = new_person(&store, &keys).await;
        Twin::new(&store, &store, &keys, AttributeRegistry::bundled())
            .set(&p, "age", &json!(5), None, &Actor::Operator)
            .await
            .unwrap();
        let rotated = keys.with_new_master().unwrap();
        crate::person::rotate_master(&store, &rotated)
            .await
            .unwrap();
        let done = rotated.without_retired();
        let v = read_values(&store, &store, &done, &p, &["age"])
            .await
            .unwrap();
        assert_eq!(v.get("age"), Some(&json!(5)));
        // The old master alone no longer opens it.
        assert!(read_values(&store, &store, &keys, &p, &["age"])
            .await
            .is_err());
    }
}
