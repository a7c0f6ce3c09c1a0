//! Mapping tests: every real file maps cleanly, chosen fields map as documented, and each kind
//! of bad value is rejected with its pointer and a reason quoting it.

use std::path::{Path, PathBuf};

use aurora_model::{
    AddressKind, AreaKindPtv, AreaType, ChannelKind, ChargeType, CodeLists, Lang, OrganizationRole,
    Origin, PhoneKind, PublishingStatus, ServiceHourKind,
};
use serde_json::{json, Value};

use aurora_model::{Channel, Organization, Service};
use serde::Deserialize;

use super::json::J;
use super::walk::Ptr;

type Problems = Vec<(String, String)>;

// The mapping reads the light tree; these tests write their inputs as `serde_json::Value`.
fn service(v: &Value, at: &Ptr<'_>, codes: &CodeLists) -> Result<Service, Problems> {
    super::service(&J::deserialize(v.clone()).unwrap(), at, codes)
}

fn channel(v: &Value, at: &Ptr<'_>, codes: &CodeLists) -> Result<Channel, Problems> {
    super::channel(&J::deserialize(v.clone()).unwrap(), at, codes)
}

fn organization(v: &Value, at: &Ptr<'_>, codes: &CodeLists) -> Result<Organization, Problems> {
    super::organization(&J::deserialize(v.clone()).unwrap(), at, codes)
}

fn data_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../data/ptv")
}

fn load(rel: &str) -> Value {
    let text = std::fs::read_to_string(data_dir().join(rel)).unwrap();
    serde_json::from_str(&text).unwrap()
}

fn files(sub: &str) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(data_dir().join(sub))
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    v.sort();
    v
}

fn codes() -> &'static CodeLists {
    CodeLists::get()
}

#[test]
fn every_real_record_maps_without_problems() {
    let root = Ptr::root("");
    for f in files("services") {
        let v: Value = serde_json::from_slice(&std::fs::read(&f).unwrap()).unwrap();
        let s = service(&v, &root, codes()).unwrap_or_else(|e| panic!("{}: {e:?}", f.display()));
        assert!(s.name.fi.is_some(), "{}", f.display());
        assert_eq!(s.origin, Origin::PtvV11);
    }
    let mut kinds = std::collections::HashSet::new();
    for f in files("channels") {
        let v: Value = serde_json::from_slice(&std::fs::read(&f).unwrap()).unwrap();
        let c = channel(&v, &root, codes()).unwrap_or_else(|e| panic!("{}: {e:?}", f.display()));
        kinds.insert(c.kind);
    }
    assert_eq!(kinds.len(), 5);
    for f in files("organizations") {
        let v: Value = serde_json::from_slice(&std::fs::read(&f).unwrap()).unwrap();
        organization(&v, &root, codes()).unwrap_or_else(|e| panic!("{}: {e:?}", f.display()));
    }
}

#[test]
fn etalukio_service_maps_names_classes_and_organisations() {
    let v = load("services/3668d250-etalukio.json");
    let s = service(&v, &Ptr::root(""), codes()).unwrap();
    assert_eq!(s.id, v["id"].as_str().unwrap());
    assert_eq!(s.name.exact(Lang::Fi), Some("Nettilukio aikuisille"));
    assert_eq!(s.alternative_name.exact(Lang::Fi), Some("Etälukio"));
    assert_eq!(s.area_type, AreaType::Nationwide);
    // Old-scheme newUri values resolve to ptvserclass2 codes and keep the URI as given.
    let classes: Vec<&str> = s.service_classes.iter().map(|c| c.code.as_str()).collect();
    assert!(classes.contains(&"P6.10"), "{classes:?}");
    assert!(s.service_classes[0]
        .uri
        .as_deref()
        .unwrap()
        .contains("/ptvserclass/code/"));
    assert_eq!(s.ontology_terms.len(), 10);
    assert_eq!(s.channels.len(), 3);
    assert!(s
        .organizations
        .iter()
        .any(|o| o.role == OrganizationRole::Responsible));
    assert_eq!(s.publishing_status, PublishingStatus::Published);
}

#[test]
fn map_sample_service_has_its_municipalities_and_target_groups() {
    let v = load("services-map-sample.json");
    let (key, record) = v.as_object().unwrap().iter().next().unwrap();
    let root = format!("/{key}");
    let s = service(record, &Ptr::root(&root), codes()).unwrap();
    assert_eq!(
        s.municipality_codes(),
        vec!["123".to_string(), "426".to_string()]
    );
    let groups: Vec<&str> = s.target_groups.iter().map(|t| t.code.as_str()).collect();
    assert!(groups.contains(&"KR1"), "{groups:?}");
    assert_eq!(s.areas[0].kind, AreaKindPtv::Municipality);
}

#[test]
fn service_descriptions_map_by_type() {
    for f in files("services") {
        let v: Value = serde_json::from_slice(&std::fs::read(&f).unwrap()).unwrap();
        let s = service(&v, &Ptr::root(""), codes()).unwrap();
        let want = |t: &str| {
            v["serviceDescriptions"]
                .as_array()
                .unwrap()
                .iter()
                .find(|d| d["type"] == t && d["language"] == "fi" && d["value"].is_string())
                .and_then(|d| d["value"].as_str())
                .map(|s| s.trim().to_string())
                .filter(|s| !s.is_empty())
        };
        assert_eq!(s.summary.fi, want("Summary"), "{}", f.display());
        assert_eq!(s.description.fi, want("Description"));
        assert_eq!(s.user_instruction.fi, want("UserInstruction"));
        assert_eq!(s.charge_info.fi, want("ChargeTypeAdditionalInfo"));
        assert_eq!(s.deadline.fi, want("DeadLine"));
        assert_eq!(s.processing_time.fi, want("ProcessingTime"));
        assert_eq!(s.validity_time.fi, want("ValidityTime"));
    }
}

#[test]
fn otava_service_location_maps_phones_addresses_and_hours() {
    let v = load("channels/961f1a02-otava.json");
    let c = channel(&v, &Ptr::root(""), codes()).unwrap();
    assert_eq!(c.kind, ChannelKind::ServiceLocation);
    assert_eq!(c.name.exact(Lang::Fi), Some("Otavan Opisto / Otavia"));
    let phone = c
        .phones
        .iter()
        .find(|p| p.number == "447943552")
        .expect("phone");
    assert_eq!(phone.prefix.as_deref(), Some("+358"));
    assert_eq!(
        phone.additional_info.as_deref(),
        Some("Opintoasiainvastaava")
    );
    assert_eq!(phone.charge_type, Some(ChargeType::Chargeable));
    let loc = c
        .addresses
        .iter()
        .find(|a| a.kind == Some(AddressKind::Location))
        .unwrap();
    assert_eq!(loc.street_number.as_deref(), Some("2 B"));
    assert_eq!(loc.postal_code.as_deref(), Some("50670"));
    assert_eq!(loc.municipality.as_deref(), Some("491"));
    assert_eq!(loc.latitude.as_deref(), Some("6834688"));
    let hours = &c.service_hours[0];
    assert_eq!(hours.kind, ServiceHourKind::DaysOfTheWeek);
    assert_eq!(hours.opening_hours[0].day_from, "Monday");
    assert_eq!(hours.opening_hours[0].day_to, None);
    assert_eq!(hours.opening_hours[0].from, "08:00:00");
    assert!(c
        .web_pages
        .iter()
        .any(|w| w.url == "http://www.otavanopisto.fi/"));
}

#[test]
fn every_channel_kind_maps_its_own_fields() {
    let root = Ptr::root("");
    let mut seen_fax = false;
    for f in files("channels") {
        let v: Value = serde_json::from_slice(&std::fs::read(&f).unwrap()).unwrap();
        let c = channel(&v, &root, codes()).unwrap();
        match c.kind {
            ChannelKind::PrintableForm => {
                assert!(!c.web_pages.is_empty(), "form URLs: {}", f.display());
                assert!(c
                    .addresses
                    .iter()
                    .all(|a| a.kind == Some(AddressKind::Delivery)));
                assert!(!c.addresses.is_empty());
            }
            ChannelKind::EChannel => {
                assert!(c.requires_authentication.is_some());
                assert!(!c.web_pages.is_empty(), "{}", f.display());
            }
            ChannelKind::WebPage => assert!(!c.web_pages.is_empty(), "{}", f.display()),
            ChannelKind::Phone => assert!(!c.phones.is_empty(), "{}", f.display()),
            ChannelKind::ServiceLocation => {}
        }
        seen_fax |= c.phones.iter().any(|p| p.kind == PhoneKind::Fax);
    }
    // The only fax in the data has no number and is dropped.
    assert!(!seen_fax);
    let naantali_form = load("channels/14a9874a-8b9b-488a-aec5-5321dd36678f.json");
    let c = channel(&naantali_form, &root, codes()).unwrap();
    let delivery = &c.addresses[0];
    assert_eq!(delivery.po_box.exact(Lang::Fi), Some("PL 43"));
    assert!(delivery
        .additional_info
        .exact(Lang::Fi)
        .unwrap()
        .starts_with("Tekniset palvelut / Maankäyttöosasto\nHakemuksen voi"));
    assert_eq!(c.phones[0].number, "444171376");
    assert_eq!(c.emails[0].value, "seija.malmsten@naantali.fi");
}

#[test]
fn organisations_map_business_code_municipality_and_visiting_address() {
    let v = load("organizations/3d1759a2-e47a-4947-9a31-cab1c1e2512b.json");
    let o = organization(&v, &Ptr::root(""), codes()).unwrap();
    assert_eq!(o.name.exact(Lang::Fi), Some("Naantalin kaupunki"));
    assert_eq!(o.business_code.as_deref(), Some("0135457-2"));
    assert_eq!(o.municipality.as_deref(), Some("529"));
    assert_eq!(o.organization_type.as_deref(), Some("Municipality"));
    assert_eq!(o.oid, None, "an empty oid is absent");
    assert_eq!(o.emails.len(), 4);
    assert_eq!(o.addresses[0].kind, Some(AddressKind::Location));
    assert_eq!(o.addresses[1].kind, Some(AddressKind::Postal));
}

fn minimal_service() -> Value {
    json!({
        "id": "0739289c-cc26-4097-b029-fa9c58c8d4e9",
        "serviceNames": [{"language": "fi", "value": "Rajankäynti", "type": "Name"}],
        "areaType": "LimitedType",
        "publishingStatus": "Published",
        "areas": [],
    })
}

fn problems_of(v: &Value) -> Vec<(String, String)> {
    service(v, &Ptr::root("/2"), codes()).expect_err("rejected")
}

#[test]
fn bad_values_are_rejected_with_pointer_and_quoted_value() {
    let cases: Vec<(&str, Value, &str, &str)> = vec![
        (
            "area type misspelled",
            json!({"areaType": "Everywhere"}),
            "/2/areaType",
            "expected one of Nationwide, NationwideExceptAlandIslands, LimitedType, found \"Everywhere\"",
        ),
        (
            "area type of the wrong type",
            json!({"areaType": 5}),
            "/2/areaType",
            "expected one of Nationwide, NationwideExceptAlandIslands, LimitedType, found 5",
        ),
        (
            "area type missing",
            json!({"areaType": null}),
            "/2/areaType",
            "missing required field areaType: expected one of Nationwide, NationwideExceptAlandIslands, LimitedType",
        ),
        (
            "id not a UUID",
            json!({"id": "abc"}),
            "/2/id",
            "expected a UUID such as \"3668d250-1c8a-4ef9-9b71-62e4c9ed6b4a\", found \"abc\"",
        ),
        (
            "unknown status",
            json!({"publishingStatus": "Live"}),
            "/2/publishingStatus",
            "expected one of Published, Draft, Modified, Archived, Withdrawn, Deleted, found \"Live\"",
        ),
        (
            "no fi/sv/en name",
            json!({"serviceNames": [{"language": "de", "value": "Grenze", "type": "Name"}]}),
            "/2/serviceNames",
            "no name in fi, sv or en: serviceNames needs an entry of type Name in one of them",
        ),
        (
            "language not a string",
            json!({"serviceNames": [{"language": "fi", "value": "A", "type": "Name"}, {"language": 7, "value": "B"}]}),
            "/2/serviceNames/1/language",
            "expected a language code such as \"fi\", found 7",
        ),
        (
            "unknown service class code",
            json!({"serviceClasses": [{"code": "P99.9"}]}),
            "/2/serviceClasses/0/code",
            "unknown service class \"P99.9\": not in the ptvserclass2 code list (P1–P28.x)",
        ),
        (
            "unknown service class URI",
            json!({"serviceClasses": [{"newUri": "http://uri.suomi.fi/codelist/ptv/ptvserclass2/code/P99.9"}]}),
            "/2/serviceClasses/0/newUri",
            "unknown service class \"P99.9\" in newUri \"http://uri.suomi.fi/codelist/ptv/ptvserclass2/code/P99.9\": not in the ptvserclass2 code list (P1–P28.x)",
        ),
        (
            "unknown target group",
            json!({"targetGroups": [{"code": "KR9"}]}),
            "/2/targetGroups/0/code",
            "unknown target group \"KR9\": not in the built-in code list",
        ),
        (
            "unknown life event in newUri",
            json!({"lifeEvents": [{"newUri": "http://uri.suomi.fi/codelist/ptv/ptvelti/code/KE99"}]}),
            "/2/lifeEvents/0/newUri",
            "unknown life event \"KE99\": not in the built-in code list",
        ),
        (
            "unknown area kind",
            json!({"areas": [{"type": "Galaxy", "code": "1"}]}),
            "/2/areas/0/type",
            "expected one of Municipality, Region, HospitalDistrict, BusinessRegions, WellbeingServiceCounty, found \"Galaxy\"",
        ),
        (
            "unknown region code",
            json!({"areas": [{"type": "Region", "code": "99", "municipalities": []}]}),
            "/2/areas/0/code",
            "unknown region code \"99\": not in the built-in code lists and the area lists no municipalities",
        ),
        (
            "array expected",
            json!({"keywords": "x"}),
            "/2/keywords",
            "expected an array, found \"x\"",
        ),
        (
            "unknown role",
            json!({"organizations": [{"organization": {"id": "3d1759a2-e47a-4947-9a31-cab1c1e2512b"}, "roleType": "Owner"}]}),
            "/2/organizations/0/roleType",
            "expected one of Responsible, OtherResponsible, Producer, found \"Owner\"",
        ),
        (
            "bool expected",
            json!({"serviceVouchersInUse": "yes"}),
            "/2/serviceVouchersInUse",
            "expected true or false, found \"yes\"",
        ),
    ];
    for (name, patch, pointer, reason) in cases {
        let mut v = minimal_service();
        for (k, val) in patch.as_object().unwrap() {
            v[k] = val.clone();
        }
        let problems = problems_of(&v);
        assert!(
            problems.contains(&(pointer.to_string(), reason.to_string())),
            "{name}: {problems:#?}"
        );
        assert_eq!(problems.len(), 1, "{name}: {problems:#?}");
    }
}

#[test]
fn one_record_reports_all_of_its_problems() {
    let mut v = minimal_service();
    v["areaType"] = json!("Everywhere");
    v["publishingStatus"] = json!(3);
    v["targetGroups"] = json!([{"code": "KR1"}, {"code": "KR77"}]);
    let pointers: Vec<String> = problems_of(&v).into_iter().map(|(p, _)| p).collect();
    assert_eq!(
        pointers,
        vec![
            "/2/publishingStatus",
            "/2/areaType",
            "/2/targetGroups/1/code"
        ]
    );
}

#[test]
fn lenient_parts_are_accepted() {
    let mut v = minimal_service();
    v["serviceNames"] = json!([
        {"language": "se", "value": "Ruoŧŧa", "type": "Name"},
        {"language": "en", "value": "Boundary", "type": "Name"},
        {"language": "fi", "value": null, "type": "Name"}
    ]);
    v["areas"] = json!([
        {"type": "Region", "code": "01", "municipalities": []},
        {"type": "Municipality", "code": "091", "municipalities": null},
        {"type": "BusinessRegions", "code": "x", "municipalities": []}
    ]);
    v["organizations"] =
        json!([{"organization": null, "roleType": "Producer", "provisionType": "Other"}]);
    v["sourceId"] = json!("aurora-synthetic-17");
    v["serviceClasses"] = json!([{"code": "P7.13", "ontologyType": "PTVL", "uri": "http://urn.fi/URN:NBN:fi:au:ptvl:v1083"}]);
    let s = service(&v, &Ptr::root(""), codes()).unwrap();
    assert_eq!(s.name.exact(Lang::En), Some("Boundary"));
    assert_eq!(s.name.fi, None);
    let uusimaa = &s.areas[0];
    assert!(uusimaa.municipalities.contains(&"091".to_string()));
    assert!(uusimaa.municipalities.len() > 20);
    assert_eq!(s.areas[1].municipalities, vec!["091".to_string()]);
    assert!(s.areas[2].municipalities.is_empty());
    assert!(s.organizations.is_empty());
    assert_eq!(s.origin, Origin::Synthetic);
    // v1 P7.13 (intellectual property) is P7.12 in ptvserclass2.
    assert_eq!(s.service_classes[0].code, "P7.12");
    let mut flagged = minimal_service();
    flagged["auroraSynthetic"] = json!(true);
    assert_eq!(
        service(&flagged, &Ptr::root(""), codes()).unwrap().origin,
        Origin::Synthetic
    );
}

#[test]
fn channels_need_a_known_type() {
    let v = json!({
        "id": "0daede62-be2c-4f7a-aa87-d36f86bb7c7c",
        "serviceChannelType": "Fax",
        "serviceChannelNames": [{"language": "fi", "value": "X", "type": "Name"}],
        "publishingStatus": "Published"
    });
    assert_eq!(
        channel(&v, &Ptr::root(""), codes()).unwrap_err(),
        vec![(
            "/serviceChannelType".to_string(),
            "expected one of EChannel, WebPage, Phone, ServiceLocation, PrintableForm, found \"Fax\"".to_string()
        )]
    );
}

#[test]
fn always_open_hours_cover_the_whole_week() {
    let v = json!({
        "id": "0daede62-be2c-4f7a-aa87-d36f86bb7c7c",
        "serviceChannelType": "Phone",
        "serviceChannelNames": [{"language": "fi", "value": "Hätänumero", "type": "Name"}],
        "publishingStatus": "Published",
        "serviceHours": [{"serviceHourType": "Standard", "isAlwaysOpen": true, "openingHour": []}],
        "phoneNumbers": [{"type": "Fax", "number": "123", "language": "fi"}]
    });
    let c = channel(&v, &Ptr::root(""), codes()).unwrap();
    assert_eq!(c.service_hours[0].summary(), "Monday–Sunday 00:00–24:00");
    assert_eq!(c.phones[0].kind, PhoneKind::Fax);
}
