//! The reference SQL filter semantics: the cases of the reference's `test_db.py` and the API
//! filter cases (reference §8), compared as sets.

use aurora_model::{FundingType, ServiceFilter};

use crate::fixture::{self, matching, set, uuid};
use crate::harness::TestDb;

fn strings(v: &[&str]) -> Vec<String> {
    v.iter().map(|s| s.to_string()).collect()
}

fn municipalities(codes: &[&str]) -> ServiceFilter {
    ServiceFilter {
        municipality_codes: strings(codes),
        ..ServiceFilter::default()
    }
}

fn classes(codes: &[&str]) -> ServiceFilter {
    ServiceFilter {
        service_classes: strings(codes),
        ..ServiceFilter::default()
    }
}

pub async fn municipality_and_class(db: &TestDb) {
    fixture::load(db).await;
    let f = ServiceFilter {
        service_classes: strings(&["P5.3"]),
        ..municipalities(&["091"])
    };
    assert_eq!(matching(db, &f).await, set(&["b9e2ff7d"]));
}

pub async fn classes_without_area_national_excluded(db: &TestDb) {
    fixture::load(db).await;
    let f = ServiceFilter {
        include_national: false,
        ..classes(&["P5.3", "P4.1"])
    };
    assert_eq!(matching(db, &f).await, set(&["b9e2ff7d"]));
}

pub async fn class_or_parent_matches(db: &TestDb) {
    fixture::load(db).await;
    for cs in [&["P5.1"][..], &["P10.2"], &["P5.1", "P10.2"]] {
        assert!(
            matching(db, &classes(cs)).await.contains("909e5065"),
            "{cs:?} should match 909e5065"
        );
    }
    assert_eq!(
        matching(db, &classes(&["P10.2"])).await,
        set(&["909e5065", "811c88b7"])
    );
    let f = ServiceFilter {
        include_national: false,
        ..classes(&["P5.1", "P5.3"])
    };
    assert_eq!(matching(db, &f).await, set(&["b9e2ff7d", "909e5065"]));
}

pub async fn municipality_with_unmatched_class_is_empty(db: &TestDb) {
    fixture::load(db).await;
    let f = ServiceFilter {
        service_classes: strings(&["P1.1"]),
        ..municipalities(&["091"])
    };
    assert_eq!(matching(db, &f).await, set(&[]));
}

pub async fn municipality_national_excluded(db: &TestDb) {
    fixture::load(db).await;
    let f = ServiceFilter {
        include_national: false,
        ..municipalities(&["091"])
    };
    assert_eq!(
        matching(db, &f).await,
        set(&["b9e2ff7d", "d64476db", "e7df7411"])
    );
}

pub async fn only_national_with_class(db: &TestDb) {
    fixture::load(db).await;
    let f = ServiceFilter {
        only_national: true,
        ..classes(&["P10.2"])
    };
    assert_eq!(matching(db, &f).await, set(&["811c88b7"]));
}

pub async fn top_level_class_matches_children(db: &TestDb) {
    fixture::load(db).await;
    let f = ServiceFilter {
        include_national: false,
        ..classes(&["P5"])
    };
    assert_eq!(matching(db, &f).await, set(&["b9e2ff7d", "909e5065"]));
}

pub async fn municipality_with_unmatched_top_level_class_is_empty(db: &TestDb) {
    fixture::load(db).await;
    let f = ServiceFilter {
        include_national: false,
        service_classes: strings(&["P4"]),
        ..municipalities(&["091"])
    };
    assert_eq!(matching(db, &f).await, set(&[]));
}

pub async fn malformed_class_matches_nothing(db: &TestDb) {
    fixture::load(db).await;
    for bad in ["foobar", "P5.", "", "'; DROP TABLE services; --"] {
        assert_eq!(matching(db, &classes(&[bad])).await, set(&[]), "{bad:?}");
    }
    // The catalogue is intact.
    assert_eq!(matching(db, &ServiceFilter::default()).await.len(), 7);
}

pub async fn non_national_without_filters(db: &TestDb) {
    fixture::load(db).await;
    let municipal = set(&["909e5065", "e7df7411", "b9e2ff7d", "d64476db"]);
    let f = ServiceFilter {
        include_national: false,
        ..ServiceFilter::default()
    };
    assert_eq!(matching(db, &f).await, municipal);
    let f = ServiceFilter {
        include_national: false,
        ..municipalities(&["091", "638"])
    };
    assert_eq!(matching(db, &f).await, municipal);
}

pub async fn municipality_with_national(db: &TestDb) {
    fixture::load(db).await;
    assert_eq!(
        matching(db, &municipalities(&["638"])).await,
        set(&["07058248", "6c415cf0", "811c88b7", "909e5065"])
    );
    // Aura has no municipal services: national ones only, or nothing.
    assert_eq!(
        matching(db, &municipalities(&["019"])).await,
        set(&["07058248", "6c415cf0", "811c88b7"])
    );
    let f = ServiceFilter {
        include_national: false,
        ..municipalities(&["019"])
    };
    assert_eq!(matching(db, &f).await, set(&[]));
}

pub async fn complex_class_and_area_filter(db: &TestDb) {
    fixture::load(db).await;
    let f = ServiceFilter {
        service_classes: strings(&["P5", "P4.1"]),
        ..municipalities(&["091"])
    };
    assert_eq!(matching(db, &f).await, set(&["b9e2ff7d", "811c88b7"]));
}

pub async fn target_groups_match_exactly(db: &TestDb) {
    fixture::load(db).await;
    let f = ServiceFilter {
        target_groups: strings(&["KR1"]),
        ..municipalities(&["091"])
    };
    assert_eq!(matching(db, &f).await, set(&["d64476db"]));
    let f = ServiceFilter {
        target_groups: strings(&["ABCD"]),
        ..ServiceFilter::default()
    };
    assert_eq!(matching(db, &f).await, set(&[]));
    // No hierarchy: a sub-group does not match its parent.
    let f = ServiceFilter {
        target_groups: strings(&["KR1.2"]),
        ..ServiceFilter::default()
    };
    assert_eq!(matching(db, &f).await, set(&[]));
}

pub async fn collections_match_exactly(db: &TestDb) {
    fixture::load(db).await;
    let f = ServiceFilter {
        collections: vec![uuid("744c4b61")],
        ..ServiceFilter::default()
    };
    assert_eq!(matching(db, &f).await, set(&["d64476db"]));
    let f = ServiceFilter {
        collections: strings(&["foobarmock"]),
        ..ServiceFilter::default()
    };
    assert_eq!(matching(db, &f).await, set(&[]));
}

pub async fn all_only_national_and_funding(db: &TestDb) {
    fixture::load(db).await;
    assert_eq!(
        matching(db, &ServiceFilter::default()).await,
        set(&["d64476db", "e7df7411", "6c415cf0", "07058248", "b9e2ff7d", "909e5065", "811c88b7"])
    );
    let f = ServiceFilter {
        only_national: true,
        ..ServiceFilter::default()
    };
    assert_eq!(
        matching(db, &f).await,
        set(&["07058248", "6c415cf0", "811c88b7"])
    );
    let f = ServiceFilter {
        funding_types: vec![FundingType::PubliclyFunded],
        ..ServiceFilter::default()
    };
    assert_eq!(matching(db, &f).await, set(&["811c88b7"]));
    let f = ServiceFilter {
        funding_types: vec![FundingType::MarketFunded],
        include_national: false,
        ..ServiceFilter::default()
    };
    assert_eq!(matching(db, &f).await, set(&["b9e2ff7d"]));
    let f = ServiceFilter {
        funding_types: vec![FundingType::MarketFunded, FundingType::PubliclyFunded],
        ..ServiceFilter::default()
    };
    assert_eq!(matching(db, &f).await, set(&["b9e2ff7d", "811c88b7"]));
}

pub async fn life_events_match_code_or_parent(db: &TestDb) {
    fixture::load(db).await;
    for codes in [&["KE4"][..], &["KE4.1"], &["KE9", "KE4"]] {
        let f = ServiceFilter {
            life_events: strings(codes),
            ..ServiceFilter::default()
        };
        assert_eq!(matching(db, &f).await, set(&["e7df7411"]), "{codes:?}");
    }
    let f = ServiceFilter {
        life_events: strings(&["KE4.2"]),
        ..ServiceFilter::default()
    };
    assert_eq!(matching(db, &f).await, set(&[]));
}

pub async fn area_codes_expand_to_municipalities(db: &TestDb) {
    fixture::load(db).await;
    let helsinki = set(&["b9e2ff7d", "d64476db", "e7df7411"]);
    // Uusimaa (region 01) and HUS (hospital district 25) hold Helsinki (091) and Porvoo (638).
    let uusimaa = set(&["b9e2ff7d", "d64476db", "e7df7411", "909e5065"]);
    let region = ServiceFilter {
        region_codes: strings(&["01"]),
        include_national: false,
        ..ServiceFilter::default()
    };
    assert_eq!(matching(db, &region).await, uusimaa);
    let district = ServiceFilter {
        hospital_district_codes: strings(&["25"]),
        include_national: false,
        ..ServiceFilter::default()
    };
    assert_eq!(matching(db, &district).await, uusimaa);
    let county = ServiceFilter {
        wellbeing_county_codes: strings(&["90"]),
        include_national: false,
        ..ServiceFilter::default()
    };
    assert_eq!(matching(db, &county).await, helsinki);
    // Helsinki is a wellbeing services county of its own (90); Porvoo is in Itä-Uusimaa (01).
    let porvoo_county = ServiceFilter {
        wellbeing_county_codes: strings(&["01"]),
        include_national: false,
        ..ServiceFilter::default()
    };
    assert_eq!(matching(db, &porvoo_county).await, set(&["909e5065"]));
    // Areas are a union: Helsinki's county plus Porvoo named directly.
    let union = ServiceFilter {
        wellbeing_county_codes: strings(&["90"]),
        municipality_codes: strings(&["638"]),
        include_national: false,
        ..ServiceFilter::default()
    };
    assert_eq!(
        matching(db, &union).await,
        set(&["b9e2ff7d", "d64476db", "e7df7411", "909e5065"])
    );
    // With national services.
    let with_national = ServiceFilter {
        include_national: true,
        ..region
    };
    assert_eq!(matching(db, &with_national).await.len(), 7);
    // Lapland (region 19) has none of the fixture's municipal services.
    let lapland = ServiceFilter {
        region_codes: strings(&["19"]),
        include_national: false,
        ..ServiceFilter::default()
    };
    assert_eq!(matching(db, &lapland).await, set(&[]));
}

pub async fn families_combine_with_and(db: &TestDb) {
    fixture::load(db).await;
    // Class matches b9e2ff7d and 909e5065; funding only b9e2ff7d.
    let f = ServiceFilter {
        service_classes: strings(&["P5"]),
        funding_types: vec![FundingType::MarketFunded],
        ..ServiceFilter::default()
    };
    assert_eq!(matching(db, &f).await, set(&["b9e2ff7d"]));
    // Target group and class together match nothing.
    let f = ServiceFilter {
        service_classes: strings(&["P5"]),
        target_groups: strings(&["KR1"]),
        ..ServiceFilter::default()
    };
    assert_eq!(matching(db, &f).await, set(&[]));
}
