//! The reference recommender's test catalogue (`R__service_test_data.sql`, reference §8), built
//! with the domain types: eight services (one archived), four channels (one archived) and three
//! organisations (one archived). Ids are the reference's 8-hex prefixes padded to UUIDs.

use std::collections::BTreeSet;

use aurora_model::{
    Area, AreaKindPtv, AreaType, Channel, ChannelKind, CodeRef, FundingType, Lang, Localized,
    Organization, PublishingStatus, Service, ServiceChannelLink, ServiceFilter,
};
use aurora_store::{CatalogStore, ImportBatch, Page};
use serde_json::json;

use crate::harness::TestDb;

/// `d64476db` → `d64476db-0000-4000-8000-000000000000`.
pub fn uuid(prefix: &str) -> String {
    format!("{prefix}-0000-4000-8000-000000000000")
}

/// The 8-hex prefix of a padded id.
pub fn short(id: &str) -> String {
    id.chars().take(8).collect()
}

/// A published nationwide service with only the required fields.
pub fn service(prefix: &str, name: &str) -> Service {
    serde_json::from_value(json!({
        "id": uuid(prefix),
        "kind": "Service",
        "name": { "fi": name },
        "area_type": "Nationwide",
        "publishing_status": "Published",
    }))
    .expect("minimal service")
}

/// Limits a service to one municipality.
pub fn in_municipality(mut s: Service, code: &str) -> Service {
    s.area_type = AreaType::LimitedType;
    s.areas = vec![Area {
        kind: AreaKindPtv::Municipality,
        code: Some(code.to_string()),
        name: Localized::default(),
        municipalities: Vec::new(),
    }];
    s
}

/// Code references.
pub fn codes(codes: &[&str]) -> Vec<CodeRef> {
    codes
        .iter()
        .map(|c| CodeRef {
            code: c.to_string(),
            uri: None,
        })
        .collect()
}

/// The eight fixture services.
pub fn services() -> Vec<Service> {
    let mut d64476db = in_municipality(
        service("d64476db", "Taideopetus kulttuurikeskuksissa"),
        "091",
    );
    d64476db.target_groups = codes(&["KR1"]);
    d64476db.collections = vec![uuid("744c4b61")];
    d64476db.channels = ["f283c2dc", "fadd4cc4", "d589d34d", "0a7c7a1e"]
        .iter()
        .map(|p| ServiceChannelLink {
            channel_id: uuid(p),
            name: None,
        })
        .collect();

    let mut e7df7411 = in_municipality(service("e7df7411", "Harrastustoiminta"), "091");
    e7df7411.life_events = codes(&["KE4.1"]);

    let mut s6c415cf0 = service("6c415cf0", "Työnhakuvalmennus");
    s6c415cf0.area_type = AreaType::NationwideExceptAlandIslands;

    let s07058248 = service("07058248", "Osallistu päätöksentekoon ja vaikuta");

    let mut b9e2ff7d = in_municipality(service("b9e2ff7d", "Palvelu luokassa 5.3"), "091");
    b9e2ff7d.service_classes = codes(&["P5.3"]);
    b9e2ff7d.funding_type = Some(FundingType::MarketFunded);

    let mut s909e5065 = in_municipality(service("909e5065", "Palvelu luokissa 5.1 ja 10.2"), "638");
    s909e5065.service_classes = codes(&["P5.1", "P10.2"]);

    let mut s811c88b7 = service("811c88b7", "Kansallinen palvelu luokissa 4.1 ja 10.2");
    s811c88b7.service_classes = codes(&["P4.1", "P10.2"]);
    s811c88b7.funding_type = Some(FundingType::PubliclyFunded);

    // Archived, and matching nearly every filter, so that any leak shows.
    let mut d65dbaf8 = in_municipality(service("d65dbaf8", "Arkistoitu palvelu"), "091");
    d65dbaf8.publishing_status = PublishingStatus::Archived;
    d65dbaf8.service_classes = codes(&["P5.3", "P10.2"]);
    d65dbaf8.target_groups = codes(&["KR1"]);
    d65dbaf8.life_events = codes(&["KE4.1"]);
    d65dbaf8.collections = vec![uuid("744c4b61")];
    d65dbaf8.funding_type = Some(FundingType::MarketFunded);

    vec![
        d64476db, e7df7411, s6c415cf0, s07058248, b9e2ff7d, s909e5065, s811c88b7, d65dbaf8,
    ]
}

/// A published channel.
pub fn channel(prefix: &str, kind: ChannelKind, name: &str) -> Channel {
    serde_json::from_value(json!({
        "id": uuid(prefix),
        "kind": kind,
        "name": { "fi": name },
        "publishing_status": "Published",
    }))
    .expect("minimal channel")
}

/// The channels of `d64476db`: three published, one archived.
pub fn channels() -> Vec<Channel> {
    let mut archived = channel("0a7c7a1e", ChannelKind::WebPage, "Vanha verkkosivu");
    archived.publishing_status = PublishingStatus::Archived;
    vec![
        channel("f283c2dc", ChannelKind::EChannel, "Verkkoasiointi"),
        channel("fadd4cc4", ChannelKind::Phone, "Puhelinpalvelu"),
        channel("d589d34d", ChannelKind::PrintableForm, "Lomake"),
        archived,
    ]
}

/// A published organisation.
pub fn organization(prefix: &str, name: &str) -> Organization {
    serde_json::from_value(json!({
        "id": uuid(prefix),
        "name": { "fi": name },
        "publishing_status": "Published",
    }))
    .expect("minimal organization")
}

/// Three organisations, one archived.
pub fn organizations() -> Vec<Organization> {
    let mut archived = organization("0e0e0e0e", "Lakkautettu virasto");
    archived.publishing_status = PublishingStatus::Withdrawn;
    let mut sv_only = organization("5b5b5b5b", "");
    sv_only.name = Localized::one(Lang::Sv, "Åbo stad");
    vec![
        organization("7fe7fe7f", "Helsingin kaupunki"),
        sv_only,
        archived,
    ]
}

/// The whole fixture batch.
pub fn batch() -> ImportBatch {
    ImportBatch {
        services: services(),
        channels: channels(),
        organizations: organizations(),
    }
}

/// Loads the fixture into the store.
pub async fn load(db: &TestDb) {
    db.store.apply_batch(&batch()).await.expect("load fixture");
}

/// The ids matching `filter`, as 8-hex prefixes, checking that `service_ids` (id order) and
/// `services` (every page) agree with each other and with the reported total.
pub async fn matching(db: &TestDb, filter: &ServiceFilter) -> BTreeSet<String> {
    let ids = db.store.service_ids(filter).await.expect("service_ids");
    let mut sorted = ids.clone();
    sorted.sort();
    assert_eq!(ids, sorted, "service_ids must be in id order");
    let page = db
        .store
        .services(filter, Page::first(Page::MAX_LIMIT))
        .await
        .expect("services");
    assert_eq!(
        page.total as usize,
        ids.len(),
        "total vs service_ids for {filter:?}"
    );
    let from_page: BTreeSet<String> = page.items.iter().map(|s| s.id.clone()).collect();
    let from_ids: BTreeSet<String> = ids.iter().cloned().collect();
    assert_eq!(
        from_page, from_ids,
        "services vs service_ids for {filter:?}"
    );
    from_ids.iter().map(|id| short(id)).collect()
}

/// A set of 8-hex prefixes.
pub fn set(prefixes: &[&str]) -> BTreeSet<String> {
    prefixes.iter().map(|s| s.to_string()).collect()
}
