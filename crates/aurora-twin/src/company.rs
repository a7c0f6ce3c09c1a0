//! Company twins and mandates, modelled on Suomi.fi e-Authorizations: a company's twin is
//! managed by people who hold a mandate for it, in named matters, within a validity period,
//! until revoked.
//!
//! - The operator creates a company twin (business id, name) and names its legal
//!   representative, who gets a full mandate ([`create_company`]).
//! - Whoever holds the [`Matter::Mandates`] matter for a company grants and revokes mandates
//!   for it ([`grant`], [`revoke`]); the last mandate that can manage mandates cannot be revoked
//!   (the company would be orphaned).
//! - [`decide`] / [`may_act`] is the one authorization decision: it names the mandate acted
//!   under, and every company act records it (twin history rows carry the agent and the mandate
//!   id; mandates record who granted or revoked them under which mandate).

use std::collections::BTreeMap;

use aurora_store::people::{PersonKind, PersonStore};
use aurora_store::twin::{CompanyRecord, MandateRecord, TwinStore};
use serde::Serialize;
use serde_json::Value;

use crate::keys::TwinKeys;
use crate::registry::{valid_business_id, AttributeRegistry};
use crate::twin::{Actor, HistoryView, Twin, TwinError, ValueView};

/// What a mandate lets its holder do for the company.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Matter {
    /// Read the company's twin and its history.
    TwinRead,
    /// Change the company's twin.
    TwinWrite,
    /// Grant and revoke mandates for the company (and list them).
    Mandates,
}

impl Matter {
    /// Every matter (a full mandate).
    pub const ALL: [Matter; 3] = [Matter::TwinRead, Matter::TwinWrite, Matter::Mandates];

    /// The stored spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            Matter::TwinRead => "twin_read",
            Matter::TwinWrite => "twin_write",
            Matter::Mandates => "mandates",
        }
    }

    /// Parses the stored spelling.
    pub fn parse(s: &str) -> Option<Matter> {
        Matter::ALL.into_iter().find(|m| m.as_str() == s)
    }
}

/// The id of the mandate an act is done under.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MandateId(pub String);

/// Why a person may not act for a company.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum Denied {
    /// No mandate for this company.
    #[error("no mandate for this company")]
    NoMandate,
    /// Mandates exist, but none for this matter.
    #[error("the mandate does not cover this matter")]
    WrongMatter,
    /// The mandate for this matter is not valid yet.
    #[error("the mandate is not valid yet")]
    NotYetValid,
    /// The mandate for this matter has expired.
    #[error("the mandate has expired")]
    Expired,
    /// The mandate for this matter was revoked.
    #[error("the mandate was revoked")]
    Revoked,
}

/// Errors of company operations.
#[derive(Debug, thiserror::Error)]
pub enum CompanyError {
    /// The acting person may not do this.
    #[error("denied: {0}")]
    Denied(#[from] Denied),
    /// No such company (or mandate of it).
    #[error("no such company or mandate")]
    NotFound,
    /// A field of the request is invalid (names the field).
    #[error("invalid {field}: {reason}")]
    Invalid {
        /// The field.
        field: &'static str,
        /// Why.
        reason: &'static str,
    },
    /// A company with this business id exists.
    #[error("a company with this business id exists")]
    Exists,
    /// Revoking this mandate would leave nobody able to manage the company's mandates.
    #[error("the last mandate that can manage mandates cannot be revoked")]
    LastManager,
    /// The twin operation failed.
    #[error(transparent)]
    Twin(#[from] TwinError),
    /// The store failed.
    #[error(transparent)]
    Store(#[from] aurora_store::Error),
}

impl From<crate::person::PersonError> for CompanyError {
    fn from(e: crate::person::PersonError) -> Self {
        CompanyError::Twin(TwinError::from(e))
    }
}

fn active(m: &MandateRecord, now: i64) -> bool {
    m.revoked_at.is_none() && m.valid_from <= now && m.valid_until.is_none_or(|u| now < u)
}

fn covers(m: &MandateRecord, matter: Matter) -> bool {
    m.matters.iter().any(|x| x == matter.as_str())
}

/// The authorization decision over `mandates` (any set; those of other agents or companies
/// are ignored): the mandate under which `person` may act for `company` in `matter` at `now`.
pub fn decide(
    mandates: &[MandateRecord],
    person: &str,
    company: &str,
    matter: Matter,
    now: i64,
) -> Result<MandateId, Denied> {
    let mine: Vec<&MandateRecord> = mandates
        .iter()
        .filter(|m| m.agent_id == person && m.company_id == company)
        .collect();
    if let Some(m) = mine.iter().find(|m| covers(m, matter) && active(m, now)) {
        return Ok(MandateId(m.id.clone()));
    }
    if mine.is_empty() {
        return Err(Denied::NoMandate);
    }
    // Say why the closest mandate does not serve.
    let for_matter: Vec<&&MandateRecord> = mine.iter().filter(|m| covers(m, matter)).collect();
    if for_matter.is_empty() {
        Err(Denied::WrongMatter)
    } else if for_matter.iter().any(|m| m.revoked_at.is_some()) {
        Err(Denied::Revoked)
    } else if for_matter.iter().any(|m| m.valid_from > now) {
        Err(Denied::NotYetValid)
    } else {
        Err(Denied::Expired)
    }
}

/// [`decide`] over the stored mandates of `person`.
pub async fn may_act(
    store: &dyn TwinStore,
    person: &str,
    company: &str,
    matter: Matter,
    now: i64,
) -> Result<MandateId, CompanyError> {
    let mandates = store.mandates_of_agent(person).await?;
    Ok(decide(&mandates, person, company, matter, now)?)
}

fn rfc3339_now() -> String {
    time::OffsetDateTime::now_utc()
        .format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_default()
}

/// Creates a company twin (operator action): its `persons` row and data key, the company
/// record, a full mandate for its legal representative, and its `business_id` attribute.
pub async fn create_company(
    store: &dyn TwinStore,
    people: &dyn PersonStore,
    keys: &TwinKeys,
    business_id: &str,
    name: &str,
    representative: &str,
    now: i64,
) -> Result<(CompanyRecord, MandateRecord), CompanyError> {
    if !valid_business_id(business_id) {
        return Err(CompanyError::Invalid {
            field: "business_id",
            reason: "not a business id (1234567-8) with a valid check digit",
        });
    }
    let name = name.trim();
    if name.is_empty() || name.chars().count() > 200 {
        return Err(CompanyError::Invalid {
            field: "name",
            reason: "must be 1 to 200 characters",
        });
    }
    match people.person(representative).await? {
        Some(p) if p.kind == PersonKind::Person => {}
        _ => {
            return Err(CompanyError::Invalid {
                field: "representative",
                reason: "no such person",
            })
        }
    }
    if store.company_by_business_id(business_id).await?.is_some() {
        return Err(CompanyError::Exists);
    }
    let person = crate::person::create(people, keys, PersonKind::Company).await?;
    let company = CompanyRecord {
        id: person.id.clone(),
        business_id: business_id.to_string(),
        name: name.to_string(),
        created_at: person.created_at.clone(),
    };
    let mandate = MandateRecord {
        id: uuid::Uuid::new_v4().to_string(),
        company_id: person.id.clone(),
        agent_id: representative.to_string(),
        matters: Matter::ALL.iter().map(|m| m.as_str().to_string()).collect(),
        valid_from: now,
        valid_until: None,
        granted_by: "operator".into(),
        granted_under: None,
        created_at: rfc3339_now(),
        revoked_at: None,
        revoked_by: None,
        revoked_under: None,
    };
    if !store.create_company(&company, &mandate).await? {
        // Lost a race for the business id: drop the identity made for it.
        people.erase_person(&person.id).await?;
        return Err(CompanyError::Exists);
    }
    Twin::new(store, people, keys, AttributeRegistry::bundled())
        .set(
            &company.id,
            "business_id",
            &Value::String(business_id.to_string()),
            None,
            &Actor::Operator,
        )
        .await?;
    Ok((company, mandate))
}

/// A mandate to grant.
#[derive(Debug, Clone)]
pub struct NewMandate<'a> {
    /// The person to act for the company.
    pub agent_id: &'a str,
    /// The matters (at least one).
    pub matters: &'a [Matter],
    /// Unix seconds (default: now).
    pub valid_from: Option<i64>,
    /// Unix seconds, after `valid_from`; None: until revoked.
    pub valid_until: Option<i64>,
}

/// Grants a mandate for `company`; `acting` must hold the `mandates` matter for it.
pub async fn grant(
    store: &dyn TwinStore,
    people: &dyn PersonStore,
    acting: &str,
    company: &str,
    new: &NewMandate<'_>,
    now: i64,
) -> Result<MandateRecord, CompanyError> {
    let under = may_act(store, acting, company, Matter::Mandates, now).await?;
    store_mandate(store, people, acting, Some(under.0), company, new, now).await
}

/// Grants a mandate as the operator (for example a new legal representative after the last
/// one left): no mandate is needed, and `granted_by` records `operator`.
pub async fn grant_by_operator(
    store: &dyn TwinStore,
    people: &dyn PersonStore,
    company: &str,
    new: &NewMandate<'_>,
    now: i64,
) -> Result<MandateRecord, CompanyError> {
    store
        .company(company)
        .await?
        .ok_or(CompanyError::NotFound)?;
    store_mandate(store, people, "operator", None, company, new, now).await
}

async fn store_mandate(
    store: &dyn TwinStore,
    people: &dyn PersonStore,
    granted_by: &str,
    granted_under: Option<String>,
    company: &str,
    new: &NewMandate<'_>,
    now: i64,
) -> Result<MandateRecord, CompanyError> {
    if new.matters.is_empty() {
        return Err(CompanyError::Invalid {
            field: "matters",
            reason: "at least one matter is needed",
        });
    }
    let valid_from = new.valid_from.unwrap_or(now);
    if new.valid_until.is_some_and(|u| u <= valid_from) {
        return Err(CompanyError::Invalid {
            field: "valid_until",
            reason: "must be after valid_from",
        });
    }
    match people.person(new.agent_id).await? {
        Some(p) if p.kind == PersonKind::Person => {}
        _ => {
            return Err(CompanyError::Invalid {
                field: "agent_id",
                reason: "no such person",
            })
        }
    }
    let mut matters: Vec<Matter> = new.matters.to_vec();
    matters.sort();
    matters.dedup();
    let mandate = MandateRecord {
        id: uuid::Uuid::new_v4().to_string(),
        company_id: company.to_string(),
        agent_id: new.agent_id.to_string(),
        matters: matters.iter().map(|m| m.as_str().to_string()).collect(),
        valid_from,
        valid_until: new.valid_until,
        granted_by: granted_by.to_string(),
        granted_under,
        created_at: rfc3339_now(),
        revoked_at: None,
        revoked_by: None,
        revoked_under: None,
    };
    store.create_mandate(&mandate).await?;
    Ok(mandate)
}

/// Revokes a mandate of `company`; `acting` must hold the `mandates` matter for it.
pub async fn revoke(
    store: &dyn TwinStore,
    acting: &str,
    company: &str,
    mandate_id: &str,
    now: i64,
) -> Result<(), CompanyError> {
    let under = may_act(store, acting, company, Matter::Mandates, now).await?;
    let all = store.mandates_of_company(company).await?;
    let target = all
        .iter()
        .find(|m| m.id == mandate_id && m.revoked_at.is_none())
        .ok_or(CompanyError::NotFound)?;
    let managers = all
        .iter()
        .filter(|m| active(m, now) && covers(m, Matter::Mandates))
        .count();
    if active(target, now) && covers(target, Matter::Mandates) && managers <= 1 {
        return Err(CompanyError::LastManager);
    }
    if !store
        .revoke_mandate(company, mandate_id, now, acting, Some(&under.0))
        .await?
    {
        return Err(CompanyError::NotFound);
    }
    Ok(())
}

/// A mandate as shown to people.
#[derive(Debug, Clone, Serialize)]
pub struct MandateView {
    /// Id.
    pub id: String,
    /// The company's id.
    pub company_id: String,
    /// The person acting.
    pub agent_id: String,
    /// The matters.
    pub matters: Vec<String>,
    /// RFC 3339.
    pub valid_from: String,
    /// RFC 3339, if limited.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub valid_until: Option<String>,
    /// Who granted it (person id or `operator`).
    pub granted_by: String,
    /// Under which mandate.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub granted_under: Option<String>,
    /// RFC 3339, if revoked.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub revoked_at: Option<String>,
    /// Who revoked it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub revoked_by: Option<String>,
    /// `active`, `revoked`, `expired` or `pending`.
    pub state: &'static str,
}

/// Unix seconds as RFC 3339.
pub fn unix_rfc3339(t: i64) -> String {
    time::OffsetDateTime::from_unix_timestamp(t)
        .ok()
        .and_then(|t| {
            t.format(&time::format_description::well_known::Rfc3339)
                .ok()
        })
        .unwrap_or_default()
}

impl MandateView {
    /// The view of a stored mandate at `now`.
    pub fn new(m: &MandateRecord, now: i64) -> Self {
        let state = if m.revoked_at.is_some() {
            "revoked"
        } else if m.valid_from > now {
            "pending"
        } else if m.valid_until.is_some_and(|u| now >= u) {
            "expired"
        } else {
            "active"
        };
        MandateView {
            id: m.id.clone(),
            company_id: m.company_id.clone(),
            agent_id: m.agent_id.clone(),
            matters: m.matters.clone(),
            valid_from: unix_rfc3339(m.valid_from),
            valid_until: m.valid_until.map(unix_rfc3339),
            granted_by: m.granted_by.clone(),
            granted_under: m.granted_under.clone(),
            revoked_at: m.revoked_at.map(unix_rfc3339),
            revoked_by: m.revoked_by.clone(),
            state,
        }
    }
}

/// A company a person may act for, with the person's active mandates for it.
#[derive(Debug, Clone, Serialize)]
pub struct CompanyView {
    /// The company's id.
    pub id: String,
    /// Business id.
    pub business_id: String,
    /// Name.
    pub name: String,
    /// The person's active mandates for it.
    pub mandates: Vec<MandateView>,
    /// The matters they cover together.
    pub matters: Vec<String>,
}

/// The companies `person` holds an active mandate for.
pub async fn companies_of(
    store: &dyn TwinStore,
    person: &str,
    now: i64,
) -> Result<Vec<CompanyView>, CompanyError> {
    let mut by_company: BTreeMap<String, Vec<MandateRecord>> = BTreeMap::new();
    for m in store.mandates_of_agent(person).await? {
        if active(&m, now) {
            by_company.entry(m.company_id.clone()).or_default().push(m);
        }
    }
    let mut out = Vec::new();
    for (company_id, mandates) in by_company {
        let Some(c) = store.company(&company_id).await? else {
            continue;
        };
        let mut matters: Vec<String> = mandates.iter().flat_map(|m| m.matters.clone()).collect();
        matters.sort();
        matters.dedup();
        out.push(CompanyView {
            id: c.id,
            business_id: c.business_id,
            name: c.name,
            mandates: mandates.iter().map(|m| MandateView::new(m, now)).collect(),
            matters,
        });
    }
    out.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(out)
}

/// Every mandate of a company (the `mandates` matter is needed to see them).
pub async fn mandates(
    store: &dyn TwinStore,
    acting: &str,
    company: &str,
    now: i64,
) -> Result<Vec<MandateView>, CompanyError> {
    may_act(store, acting, company, Matter::Mandates, now).await?;
    Ok(store
        .mandates_of_company(company)
        .await?
        .iter()
        .map(|m| MandateView::new(m, now))
        .collect())
}

/// The company's twin, read under a `twin_read` mandate.
pub async fn values(
    twin: &Twin<'_>,
    acting: &str,
    company: &str,
    now: i64,
) -> Result<Vec<ValueView>, CompanyError> {
    may_act(twin.store, acting, company, Matter::TwinRead, now).await?;
    Ok(twin.values(company).await?)
}

/// The company twin's history, under a `twin_read` mandate.
pub async fn history(
    twin: &Twin<'_>,
    acting: &str,
    company: &str,
    before: Option<i64>,
    limit: u32,
    now: i64,
) -> Result<Vec<HistoryView>, CompanyError> {
    may_act(twin.store, acting, company, Matter::TwinRead, now).await?;
    Ok(twin.history(company, before, limit).await?)
}

/// Sets a value of the company's twin under a `twin_write` mandate (recorded with the value).
pub async fn set_value(
    twin: &Twin<'_>,
    acting: &str,
    company: &str,
    attribute: &str,
    value: &Value,
    expected_version: Option<i64>,
    now: i64,
) -> Result<i64, CompanyError> {
    let under = may_act(twin.store, acting, company, Matter::TwinWrite, now).await?;
    let actor = Actor::Mandate {
        agent: acting.to_string(),
        mandate_id: under.0,
    };
    Ok(twin
        .set(company, attribute, value, expected_version, &actor)
        .await?)
}

/// Deletes a value of the company's twin under a `twin_write` mandate.
pub async fn delete_value(
    twin: &Twin<'_>,
    acting: &str,
    company: &str,
    attribute: &str,
    expected_version: Option<i64>,
    now: i64,
) -> Result<(), CompanyError> {
    let under = may_act(twin.store, acting, company, Matter::TwinWrite, now).await?;
    let actor = Actor::Mandate {
        agent: acting.to_string(),
        mandate_id: under.0,
    };
    Ok(twin
        .delete(company, attribute, expected_version, &actor)
        .await?)
}

#[cfg(test)]
mod tests {
    use super::*;
    use aurora_store::SqlStore;
    use serde_json::json;

    const NOW: i64 = 1_800_000_000;

    async fn setup() -> (SqlStore, TwinKeys) {
        let store = SqlStore::open("sqlite::memory:").await.unwrap();
        (store, TwinKeys::generate().unwrap())
    }

    async fn person(store: &SqlStore, keys: &TwinKeys) -> String {
        crate::person::create(store, keys, PersonKind::Person)
            .await
            .unwrap()
            .id
    }

    fn m(agent: &str, company: &str, matters: &[Matter]) -> MandateRecord {
        MandateRecord {
            id: format!("m-{agent}-{company}"),
            company_id: company.into(),
            agent_id: agent.into(),
            matters: matters.iter().map(|m| m.as_str().to_string()).collect(),
            valid_from: NOW - 100,
            valid_until: Some(NOW + 100),
            granted_by: "operator".into(),
            granted_under: None,
            created_at: String::new(),
            revoked_at: None,
            revoked_by: None,
            revoked_under: None,
        }
    }

    #[test]
    fn the_decision_and_each_denial() {
        let ok = m("a", "c", &[Matter::TwinRead]);
        assert_eq!(
            decide(std::slice::from_ref(&ok), "a", "c", Matter::TwinRead, NOW),
            Ok(MandateId(ok.id.clone()))
        );
        // No mandate at all; another person's; another company's.
        assert_eq!(
            decide(&[], "a", "c", Matter::TwinRead, NOW),
            Err(Denied::NoMandate)
        );
        assert_eq!(
            decide(std::slice::from_ref(&ok), "b", "c", Matter::TwinRead, NOW),
            Err(Denied::NoMandate)
        );
        assert_eq!(
            decide(
                std::slice::from_ref(&ok),
                "a",
                "other",
                Matter::TwinRead,
                NOW
            ),
            Err(Denied::NoMandate)
        );
        // Wrong matter.
        assert_eq!(
            decide(std::slice::from_ref(&ok), "a", "c", Matter::TwinWrite, NOW),
            Err(Denied::WrongMatter)
        );
        // Expired (the end is exclusive), not yet valid, revoked.
        assert_eq!(
            decide(
                std::slice::from_ref(&ok),
                "a",
                "c",
                Matter::TwinRead,
                NOW + 100
            ),
            Err(Denied::Expired)
        );
        assert_eq!(
            decide(
                std::slice::from_ref(&ok),
                "a",
                "c",
                Matter::TwinRead,
                NOW - 101
            ),
            Err(Denied::NotYetValid)
        );
        let mut revoked = ok.clone();
        revoked.revoked_at = Some(NOW - 1);
        assert_eq!(
            decide(
                std::slice::from_ref(&revoked),
                "a",
                "c",
                Matter::TwinRead,
                NOW
            ),
            Err(Denied::Revoked)
        );
        // Any one valid mandate suffices.
        let mut other = m("a", "c", &Matter::ALL);
        other.id = "m2".into();
        other.valid_until = None;
        assert_eq!(
            decide(&[revoked, other], "a", "c", Matter::TwinRead, NOW),
            Ok(MandateId("m2".into()))
        );
    }

    #[tokio::test]
    async fn a_company_is_managed_under_mandates_and_every_act_names_one() {
        let (store, keys) = setup().await;
        let twin = Twin::new(&store, &store, &keys, AttributeRegistry::bundled());
        let boss = person(&store, &keys).await;
        let clerk = person(&store, &keys).await;
        let stranger = person(&store, &keys).await;
        let (c, full) = create_company(
            &store,
            &store,
            &keys,
            "0112038-9",
            " Oy Testi Ab ",
            &boss,
            NOW,
        )
        .await
        .unwrap();
        assert_eq!(c.name, "Oy Testi Ab");
        assert_eq!(full.matters.len(), 3);
        // The business id is in the company's twin, set by the operator.
        let v = values(&twin, &boss, &c.id, NOW).await.unwrap();
        assert_eq!(v[0].attribute, "business_id");
        assert_eq!(v[0].updated_by.kind, "operator");
        // Duplicates and bad input.
        assert!(matches!(
            create_company(&store, &store, &keys, "0112038-9", "X", &boss, NOW).await,
            Err(CompanyError::Exists)
        ));
        assert!(matches!(
            create_company(&store, &store, &keys, "0112038-8", "X", &boss, NOW).await,
            Err(CompanyError::Invalid {
                field: "business_id",
                ..
            })
        ));
        assert!(matches!(
            create_company(&store, &store, &keys, "1572860-0", "X", "nobody", NOW).await,
            Err(CompanyError::Invalid {
                field: "representative",
                ..
            })
        ));

        // The representative writes; the history names the agent and the mandate.
        set_value(&twin, &boss, &c.id, "size", &json!("small"), None, NOW)
            .await
            .unwrap();
        let h = history(&twin, &boss, &c.id, None, 10, NOW).await.unwrap();
        assert_eq!(h[0].actor.kind, "agent");
        assert_eq!(h[0].actor.id, boss);
        assert_eq!(h[0].actor.mandate_id.as_deref(), Some(full.id.as_str()));
        // A person attribute does not fit a company.
        assert!(matches!(
            set_value(&twin, &boss, &c.id, "age", &json!(3), None, NOW).await,
            Err(CompanyError::Twin(TwinError::Invalid(_)))
        ));

        // A stranger can do nothing.
        for r in [
            values(&twin, &stranger, &c.id, NOW).await.map(|_| ()),
            set_value(&twin, &stranger, &c.id, "size", &json!("large"), None, NOW)
                .await
                .map(|_| ()),
            delete_value(&twin, &stranger, &c.id, "size", None, NOW).await,
            mandates(&store, &stranger, &c.id, NOW).await.map(|_| ()),
            revoke(&store, &stranger, &c.id, &full.id, NOW).await,
        ] {
            assert!(
                matches!(r, Err(CompanyError::Denied(Denied::NoMandate))),
                "{r:?}"
            );
        }
        assert!(matches!(
            grant(
                &store,
                &store,
                &stranger,
                &c.id,
                &NewMandate {
                    agent_id: &stranger,
                    matters: &Matter::ALL,
                    valid_from: None,
                    valid_until: None
                },
                NOW
            )
            .await,
            Err(CompanyError::Denied(Denied::NoMandate))
        ));

        // A read-only mandate for the clerk, for a day.
        let read = grant(
            &store,
            &store,
            &boss,
            &c.id,
            &NewMandate {
                agent_id: &clerk,
                matters: &[Matter::TwinRead],
                valid_from: None,
                valid_until: Some(NOW + 86_400),
            },
            NOW,
        )
        .await
        .unwrap();
        assert_eq!(read.granted_by, boss);
        assert_eq!(read.granted_under.as_deref(), Some(full.id.as_str()));
        values(&twin, &clerk, &c.id, NOW).await.unwrap();
        assert!(matches!(
            set_value(&twin, &clerk, &c.id, "size", &json!("large"), None, NOW).await,
            Err(CompanyError::Denied(Denied::WrongMatter))
        ));
        assert!(matches!(
            grant(
                &store,
                &store,
                &clerk,
                &c.id,
                &NewMandate {
                    agent_id: &clerk,
                    matters: &Matter::ALL,
                    valid_from: None,
                    valid_until: None
                },
                NOW
            )
            .await,
            Err(CompanyError::Denied(Denied::WrongMatter))
        ));
        assert!(matches!(
            values(&twin, &clerk, &c.id, NOW + 86_400).await,
            Err(CompanyError::Denied(Denied::Expired))
        ));
        let listed = companies_of(&store, &clerk, NOW).await.unwrap();
        assert_eq!(listed.len(), 1);
        assert_eq!(listed[0].matters, vec!["twin_read".to_string()]);
        assert!(companies_of(&store, &clerk, NOW + 86_400)
            .await
            .unwrap()
            .is_empty());

        // Revoked: effective at once.
        revoke(&store, &boss, &c.id, &read.id, NOW).await.unwrap();
        assert!(matches!(
            values(&twin, &clerk, &c.id, NOW).await,
            Err(CompanyError::Denied(Denied::Revoked))
        ));
        assert!(matches!(
            revoke(&store, &boss, &c.id, &read.id, NOW).await,
            Err(CompanyError::NotFound)
        ));
        // The representative cannot revoke the last mandate able to manage mandates.
        assert!(matches!(
            revoke(&store, &boss, &c.id, &full.id, NOW).await,
            Err(CompanyError::LastManager)
        ));
        // Another company's mandate id cannot be revoked through this company.
        let (c2, full2) = create_company(
            &store,
            &store,
            &keys,
            "1572860-0",
            "Toinen Oy",
            &stranger,
            NOW,
        )
        .await
        .unwrap();
        assert!(matches!(
            revoke(&store, &boss, &c.id, &full2.id, NOW).await,
            Err(CompanyError::NotFound)
        ));
        assert!(matches!(
            values(&twin, &boss, &c2.id, NOW).await,
            Err(CompanyError::Denied(Denied::NoMandate))
        ));
        // The operator can always add a representative (no mandate needed).
        let op = grant_by_operator(
            &store,
            &store,
            &c2.id,
            &NewMandate {
                agent_id: &boss,
                matters: &[Matter::TwinRead],
                valid_from: None,
                valid_until: None,
            },
            NOW,
        )
        .await
        .unwrap();
        assert_eq!(op.granted_by, "operator");
        assert!(op.granted_under.is_none());
        values(&twin, &boss, &c2.id, NOW).await.unwrap();
        assert!(matches!(
            grant_by_operator(
                &store,
                &store,
                &boss,
                &NewMandate {
                    agent_id: &boss,
                    matters: &[Matter::TwinRead],
                    valid_from: None,
                    valid_until: None,
                },
                NOW,
            )
            .await,
            Err(CompanyError::NotFound)
        ));
        let all = mandates(&store, &boss, &c.id, NOW).await.unwrap();
        assert_eq!(all.len(), 2);
        assert_eq!(all[1].state, "revoked");
        assert_eq!(all[1].revoked_by.as_deref(), Some(boss.as_str()));
    }
}
