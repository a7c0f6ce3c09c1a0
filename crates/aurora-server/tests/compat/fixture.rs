//! The reference's test catalogue (`recommender_api/tests/test_data/R__service_test_data.sql`,
//! reference §8) as PTV v11 JSON, imported through `aurora-catalog` like real data: eight
//! services (one archived), five channels (one archived, one without a channel type, which
//! the importer rejects as PTV data without the required `serviceChannelType`), and the
//! seven 0/1 vector rows as 3X10D hand labels. The archived service is labelled and matches
//! nearly every filter, so that any leak shows.
//!
//! Ids are the reference's. Where a case needs data the reference fixture lacks (a second web
//! page with its own query string, phone numbers, an address), it is added to the channels of
//! `d64476db` and says so.

use aurora_model::{Dimension as D, Meters};
use serde_json::{json, Value};

pub const TAIDE: &str = "d64476db-f2df-4699-bb6a-1bfae007577a";
pub const HARRASTUS: &str = "e7df7411-64ef-48ef-ad5f-eebacde480e2";
pub const TYONHAKU: &str = "6c415cf0-827d-47d0-86e4-866100bc86a8";
pub const OSALLISTU: &str = "07058248-f002-4897-b1d5-7df9aa734c55";
pub const LUOKKA53: &str = "b9e2ff7d-3d18-476d-94e0-4a818f1136d6";
pub const LUOKAT51: &str = "909e5065-ad9d-40f5-a54d-58c88b2f6bfc";
pub const KANSALLINEN: &str = "811c88b7-74db-414c-bbce-9735c9feb14a";
pub const ARKISTOITU: &str = "d65dbaf8-5b5d-4f0e-9d43-0c1a4b2e7a11";

pub const CH_UNTYPED: &str = "8e41462f-87e8-41d5-a14a-727b680f781c";
pub const CH_ECHANNEL: &str = "f283c2dc-8223-408a-8a73-1d62489e1f58";
pub const CH_PHONE: &str = "fadd4cc4-4a00-4002-afb1-bbcfacdde5c1";
pub const CH_FORM: &str = "d589d34d-7dc1-4e25-af7b-dfd2ee9bf062";
pub const CH_ARCHIVED: &str = "0a7c7a1e-3c1b-4d2e-8f5a-6b7c8d9e0f1a";

pub const COLLECTION: &str = "744c4b61-fde5-4d23-a844-cee5728b9119";
pub const ORGANIZATION: &str = "7d38c671-98cd-4feb-8248-cc6a09f9e01c";

/// The second web page of the e-service (an addition to the reference fixture): a URL with
/// its own query string and fragment, for the redirect's query merging.
pub const ECHANNEL_PAGE2: &str = "https://palvelu.example.fi/asiointi?kieli=fi#alku";

fn name(value: &str) -> Value {
    json!([{"language": "fi", "value": value, "type": "Name"}])
}

fn municipality(code: &str, fi: &str) -> Value {
    json!([{"type": "Municipality", "code": code,
            "name": [{"language": "fi", "value": fi}],
            "municipalities": [{"code": code, "name": [{"language": "fi", "value": fi}]}]}])
}

fn class(code: &str) -> Value {
    let parent = code.split('.').next().unwrap_or(code);
    json!({
        "code": code,
        "newUri": format!("http://uri.suomi.fi/codelist/ptv/ptvserclass2/code/{code}"),
        "newParentUri": format!("http://uri.suomi.fi/codelist/ptv/ptvserclass2/code/{parent}"),
    })
}

fn links(ids: &[&str]) -> Value {
    Value::Array(
        ids.iter()
            .map(|id| json!({"serviceChannel": {"id": id, "name": null}}))
            .collect(),
    )
}

#[allow(clippy::too_many_arguments)]
fn service(
    id: &str,
    title: &str,
    summary: &str,
    description: &str,
    area: Option<(&str, &str)>,
    status: &str,
) -> Value {
    let mut s = json!({
        "id": id,
        "type": "Service",
        "serviceNames": name(title),
        "serviceDescriptions": [
            {"language": "fi", "type": "Summary", "value": summary},
            {"language": "fi", "type": "Description", "value": description},
        ],
        "areaType": "Nationwide",
        "areas": [],
        "publishingStatus": status,
        "serviceChannels": [],
    });
    if let Some((code, fi)) = area {
        s["areaType"] = json!("LimitedType");
        s["areas"] = municipality(code, fi);
    }
    s
}

/// The services, as a PTV `{id: service}` map file.
pub fn services() -> Value {
    let helsinki = Some(("091", "Helsinki"));
    let mut taide = service(
        TAIDE,
        "Taideopetus kulttuurikeskuksissa",
        "kurssi taide harrastus",
        "Taideopetukseen liittyvä palvelu.",
        helsinki,
        "Published",
    );
    taide["targetGroups"] = json!([{"code": "KR1"}]);
    taide["serviceCollections"] = json!([{"id": COLLECTION, "name": [{"value": "Kaavoitus ja maankäyttö", "language": "fi"}]}]);
    taide["serviceChannels"] = links(&[CH_UNTYPED, CH_ECHANNEL, CH_PHONE, CH_FORM, CH_ARCHIVED]);
    taide["requirements"] = json!([{"language": "fi", "value": "Ilmoittautuminen kurssille."}]);
    taide["serviceChargeType"] = json!("Chargeable");

    let harrastus = service(
        HARRASTUS,
        "Harrastustoiminta",
        "harrastusmahdollisuus",
        "Harrastukset on ihmiselle hyväksi.",
        helsinki,
        "Published",
    );
    let mut tyonhaku = service(
        TYONHAKU,
        "Työnhakuvalmennus",
        "Työnhakutaitoja voi opiskella TE-toimistojen työnhakuvalmennuksissa tai valtakunnallisissa työnhaun verkkoryhmissä.",
        "Työnhakuun on hyvä valmentautua.",
        None,
        "Published",
    );
    // Added to the reference fixture: a Swedish name, for `language` in text search.
    tyonhaku["serviceNames"] = json!([
        {"language": "fi", "value": "Työnhakuvalmennus", "type": "Name"},
        {"language": "sv", "value": "Jobbsökarträning", "type": "Name"}
    ]);
    let mut osallistu = service(
        OSALLISTU,
        "Osallistu päätöksentekoon ja lainvalmisteluun",
        "Kansalainen voi vaikuttaa päätöksentekoon antamalla lausunnon valmistelussa olevaan asiaan tai osallistumalla kansalaiskeskusteluun.",
        "Vaikka et olisi kansanedustaja, voit osallistua päätöksentekoon ja vaikuttaa!",
        None,
        "Published",
    );
    osallistu["serviceChannels"] = links(&[CH_UNTYPED]);
    let mut luokka53 = service(
        LUOKKA53,
        "Palvelu luokassa 5.3",
        "testi",
        "Tämän palvelu kuvaus on lyhykäinen.",
        helsinki,
        "Published",
    );
    luokka53["fundingType"] = json!("MarketFunded");
    luokka53["serviceClasses"] = json!([class("P5.3")]);
    let mut luokat51 = service(
        LUOKAT51,
        "Palvelu luokissa 5.1 ja 10.2",
        "testi",
        "Tämä palvelu kuuluu useampaan eri luokkaan.",
        Some(("638", "Porvoo")),
        "Published",
    );
    luokat51["organizations"] = json!([{
        "organization": {"id": ORGANIZATION, "name": "Test organization"},
        "roleType": "Responsible"
    }]);
    luokat51["serviceClasses"] = json!([class("P5.1"), class("P10.2")]);
    let mut kansallinen = service(
        KANSALLINEN,
        "Kansallinen palvelu luokissa 4.1 ja 10.2",
        "testi",
        "Tämä on kansallinen palvelu, ja se luokitellaan kuuluvaksi useampaan ryhmään.",
        None,
        "Published",
    );
    kansallinen["fundingType"] = json!("PubliclyFunded");
    kansallinen["serviceClasses"] = json!([class("P4.1"), class("P10.2")]);
    let mut arkistoitu = service(
        ARKISTOITU,
        "Arkistoitu palvelu",
        "harrastus taide testi",
        "Ei enää käytössä.",
        helsinki,
        "Archived",
    );
    arkistoitu["serviceClasses"] = json!([class("P5.3")]);
    arkistoitu["targetGroups"] = json!([{"code": "KR1"}]);
    arkistoitu["serviceCollections"] = json!([{"id": COLLECTION}]);
    arkistoitu["fundingType"] = json!("MarketFunded");
    arkistoitu["serviceChannels"] = links(&[CH_ECHANNEL]);
    let mut map = serde_json::Map::new();
    for s in [
        taide,
        harrastus,
        tyonhaku,
        osallistu,
        luokka53,
        luokat51,
        kansallinen,
        arkistoitu,
    ] {
        let id = s["id"].as_str().unwrap_or_default().to_string();
        map.insert(id, s);
    }
    Value::Object(map)
}

fn channel(id: &str, kind: Option<&str>, n: usize, pages: &[&str]) -> Value {
    let mut c = json!({
        "id": id,
        "serviceChannelNames": name(&format!("channel_name{n}")),
        "serviceChannelDescriptions": [
            {"language": "fi", "value": format!("channel {n} description summary"), "type": "Summary"},
            {"language": "fi", "value": format!("channel {n} description"), "type": "Description"},
        ],
        "webPages": pages.iter().map(|u| json!({"url": u, "value": null, "language": "fi"})).collect::<Vec<_>>(),
        "publishingStatus": "Published",
    });
    if let Some(k) = kind {
        c["serviceChannelType"] = json!(k);
    }
    c
}

/// The channels, as a PTV array file.
pub fn channels() -> Value {
    let mut phone = channel(CH_PHONE, Some("Phone"), 3, &[]);
    // Added to the reference fixture: numbers (one fax), an address, opening hours.
    phone["phoneNumbers"] = json!([
        {"type": "Phone", "additionalInformation": "Opintoasiainvastaava", "prefixNumber": "+358",
         "number": "447943552", "language": "fi", "isFinnishServiceNumber": false},
        {"type": "Phone", "prefixNumber": "+358", "number": "447943565", "language": "fi"},
        {"type": "Fax", "prefixNumber": "+358", "number": "151234567", "language": "fi"},
    ]);
    phone["emails"] = json!([{"value": "info@example.fi", "language": "fi"}]);
    phone["addresses"] = json!([{
        "type": "Location", "subType": "Single",
        "streetAddress": {
            "street": [{"value": "Otavantie", "language": "fi"}],
            "streetNumber": "2 B", "postalCode": "50670",
            "postOffice": [{"value": "Mikkeli", "language": "fi"}],
            "municipality": {"code": "491", "name": [{"value": "Mikkeli", "language": "fi"}]},
            "latitude": "6834688", "longitude": "503879"
        },
        "country": "FI"
    }]);
    phone["serviceHours"] = json!([
        {"serviceHourType": "DaysOfTheWeek", "isClosed": false, "validForNow": true,
         "isAlwaysOpen": false,
         "openingHour": [
            {"dayFrom": "Monday", "dayTo": "", "from": "08:00:00", "to": "16:00:00"},
            {"dayFrom": "Tuesday", "dayTo": "Friday", "from": "09:00:00", "to": "15:00:00"}
         ]},
        {"serviceHourType": "DaysOfTheWeek", "isAlwaysOpen": true, "openingHour": []}
    ]);
    let mut archived = channel(
        CH_ARCHIVED,
        Some("WebPage"),
        5,
        &["https://old.example.fi/"],
    );
    archived["publishingStatus"] = json!("Archived");
    json!([
        channel(CH_UNTYPED, None, 1, &[]),
        channel(CH_ECHANNEL, Some("EChannel"), 2, &["url2", ECHANNEL_PAGE2]),
        phone,
        channel(CH_FORM, Some("PrintableForm"), 4, &["url4"]),
        archived,
    ])
}

/// The vector rows (0/1) as hand labels.
pub fn labels() -> Vec<(String, Meters)> {
    let row = |id: &str, dims: &[D]| {
        (
            id.to_string(),
            Meters::from_pairs(
                D::ALL
                    .iter()
                    .map(|d| (*d, f32::from(u8::from(dims.contains(d))))),
            ),
        )
    };
    vec![
        row(
            TAIDE,
            &[
                D::Resilience,
                D::Family,
                D::ImprovementOfStrengths,
                D::SelfEsteem,
            ],
        ),
        row(HARRASTUS, &[D::Housing, D::SelfEsteem]),
        row(
            TYONHAKU,
            &[D::Health, D::ImprovementOfStrengths, D::SelfEsteem],
        ),
        row(OSALLISTU, &[D::Family, D::SelfEsteem]),
        row(LUOKKA53, &[D::Health, D::Family, D::SelfEsteem]),
        row(LUOKAT51, &[D::Resilience, D::Family, D::SelfEsteem]),
        row(KANSALLINEN, &[D::Health, D::Resilience, D::Housing]),
        row(ARKISTOITU, &D::ALL),
    ]
}

/// The reference's `CORRECT_INPUT`: every meter [7] but improvement [0, 1], national services
/// excluded, `session_id` test_session.
pub fn correct_input() -> Value {
    json!({
        "life_situation_meters": {
            "working_studying": [7], "family": [7], "friends": [7], "health": [7],
            "improvement_of_strengths": [0, 1], "housing": [7], "finance": [7],
            "self_esteem": [7], "resilience": [7], "life_satisfaction": [7]
        },
        "session_id": "test_session",
        "service_filters": {"include_national_services": false}
    })
}

/// `CORRECT_INPUT_WITHOUT_SESSION`.
pub fn correct_input_without_session() -> Value {
    let mut v = correct_input();
    if let Some(o) = v.as_object_mut() {
        o.remove("session_id");
    }
    v
}

/// The reference's `FEEDBACK_TEST_DATA` for recommendation `id`.
pub fn feedback(id: i64) -> Value {
    json!({
        "auroraai_recommendation_id": id,
        "feedback_score": -1,
        "service_feedbacks": [
            {"service_id": HARRASTUS, "feedback_score": -1},
            {"service_id": TAIDE, "feedback_score": 1}
        ]
    })
}
