//! `test_db.py`: the reference's SQL filter cases, on the in-memory candidate selection the
//! recommender uses (`get_service_vectors`: labelled candidates; `get_filtered_service_ids`:
//! all candidates), compared as sets (the reference compared `DISTINCT` order, which
//! PostgreSQL does not define). And `get_services_ptv_data` on the store.

use std::collections::BTreeSet;

use aurora_model::{FundingType, ServiceFilter};
use aurora_store::RecommendationStore;

use crate::fixture::*;
use crate::harness::*;

fn f(
    municipalities: &[&str],
    include_national: bool,
    only_national: bool,
    classes: &[&str],
) -> ServiceFilter {
    ServiceFilter {
        municipality_codes: municipalities.iter().map(|s| s.to_string()).collect(),
        include_national,
        only_national,
        service_classes: classes.iter().map(|s| s.to_string()).collect(),
        ..ServiceFilter::default()
    }
}

fn set(list: &[&str]) -> BTreeSet<String> {
    list.iter().map(|s| s.to_string()).collect()
}

pub async fn filter_cases_of_test_db(backend: Backend) {
    let env = env_or_skip!(backend);
    let engine = env.state.recommender().expect("engine built");
    let index = engine.index().clone();
    let labelled: BTreeSet<String> = fixture_labelled();
    let candidates = |filter: &ServiceFilter| -> BTreeSet<String> {
        index
            .candidates(filter)
            .iter()
            .filter_map(|d| index.doc_service_id(d).map(str::to_string))
            .collect()
    };
    let vectors = |filter: &ServiceFilter| -> BTreeSet<String> {
        candidates(filter)
            .into_iter()
            .filter(|id| labelled.contains(id))
            .collect()
    };

    // get_service_vectors
    assert_eq!(
        vectors(&f(&["091"], false, false, &["P5.3"])),
        set(&[LUOKKA53])
    );
    assert_eq!(
        vectors(&f(&[], false, false, &["P5.3", "P4.1"])),
        set(&[LUOKKA53])
    );
    for classes in [&["P5.1"][..], &["P10.2"], &["P5.1", "P10.2"]] {
        assert!(vectors(&f(&[], false, false, classes)).contains(LUOKAT51));
    }
    assert_eq!(vectors(&f(&["091"], false, false, &["P1.1"])), set(&[]));
    assert_eq!(
        vectors(&f(&["091"], false, false, &[])),
        set(&[LUOKKA53, TAIDE, HARRASTUS])
    );
    assert_eq!(
        vectors(&f(&[], true, true, &["P10.2"])),
        set(&[KANSALLINEN])
    );
    assert_eq!(
        vectors(&f(&[], false, false, &["P5"])),
        set(&[LUOKKA53, LUOKAT51])
    );
    assert_eq!(vectors(&f(&["091"], false, false, &["P4"])), set(&[]));
    assert_eq!(vectors(&f(&["091"], false, false, &["foobar"])), set(&[]));
    assert_eq!(
        vectors(&f(&[], false, false, &[])),
        set(&[LUOKAT51, HARRASTUS, LUOKKA53, TAIDE])
    );
    assert_eq!(
        vectors(&f(&["091", "638"], false, false, &[])),
        set(&[LUOKAT51, LUOKKA53, TAIDE, HARRASTUS])
    );
    assert_eq!(
        vectors(&f(&["638"], true, false, &[])),
        set(&[OSALLISTU, TYONHAKU, KANSALLINEN, LUOKAT51])
    );
    let kr1 = ServiceFilter {
        target_groups: vec!["KR1".into()],
        ..f(&["091"], false, false, &[])
    };
    assert_eq!(vectors(&kr1), set(&[TAIDE]));
    let abcd = ServiceFilter {
        target_groups: vec!["ABCD".into()],
        ..f(&["638"], true, false, &[])
    };
    assert_eq!(vectors(&abcd), set(&[]));
    let collection = ServiceFilter {
        collections: vec![COLLECTION.into()],
        ..f(&["091"], false, false, &[])
    };
    assert_eq!(vectors(&collection), set(&[TAIDE]));
    let unknown = ServiceFilter {
        collections: vec!["ABCD".into()],
        ..f(&["638"], true, false, &[])
    };
    assert_eq!(vectors(&unknown), set(&[]));

    // get_filtered_service_ids
    assert_eq!(
        candidates(&f(&["091"], false, false, &["P5.3"])),
        set(&[LUOKKA53])
    );
    assert_eq!(
        candidates(&f(&[], false, false, &["P5.3", "P5.1"])),
        set(&[LUOKKA53, LUOKAT51])
    );
    let kr1 = ServiceFilter {
        target_groups: vec!["KR1".into()],
        ..f(&[], false, false, &[])
    };
    assert_eq!(candidates(&kr1), set(&[TAIDE]));
    let collection = ServiceFilter {
        collections: vec![COLLECTION.into()],
        ..f(&[], false, false, &[])
    };
    assert_eq!(candidates(&collection), set(&[TAIDE]));
    assert_eq!(
        candidates(&f(&[], true, false, &[])).len(),
        7,
        "the archived one excluded"
    );
    assert_eq!(
        candidates(&f(&[], true, true, &[])),
        set(&[OSALLISTU, TYONHAKU, KANSALLINEN])
    );
    let public = ServiceFilter {
        funding_types: vec![FundingType::PubliclyFunded],
        ..f(&[], true, false, &[])
    };
    assert_eq!(candidates(&public), set(&[KANSALLINEN]));
    let market = ServiceFilter {
        funding_types: vec![FundingType::MarketFunded],
        ..f(&[], false, false, &[])
    };
    assert_eq!(candidates(&market), set(&[LUOKKA53]));

    // get_services_ptv_data: valid ids, invalid ids, none.
    let got = env
        .store
        .published_services(&[TAIDE.to_string(), HARRASTUS.to_string()])
        .await
        .expect("services");
    let ids: Vec<&str> = got.iter().map(|s| s.id.as_str()).collect();
    assert_eq!(ids, [TAIDE, HARRASTUS]);
    // The archived channel stays linked in the service; it is dropped only at output.
    assert!(got[0].channels.iter().any(|c| c.channel_id == CH_ARCHIVED));
    for bad in [
        vec!["1234".to_string(), "4567".to_string()],
        vec![],
        vec![ARKISTOITU.to_string()],
    ] {
        assert!(env
            .store
            .published_services(&bad)
            .await
            .expect("ok")
            .is_empty());
    }
}

fn fixture_labelled() -> BTreeSet<String> {
    labels()
        .into_iter()
        .map(|(id, _)| id)
        .filter(|id| id != ARKISTOITU)
        .collect()
}
