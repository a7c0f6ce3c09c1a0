//! The reference filter semantics, one row per case, and conformance with aurora-store's SQL
//! on the real catalogue.

use aurora_model::{AreaType, FundingType, ServiceFilter};
use aurora_search::{Query, SearchIndex};

use crate::common::{naive_matches, real, svc};

fn corpus() -> Vec<aurora_model::Service> {
    let mut national_ex = svc("national-ex", "Palvelu kaikille").build();
    national_ex.area_type = AreaType::NationwideExceptAlandIslands;
    vec![
        svc("hki", "Palvelu Helsinki")
            .municipalities(&["091"])
            .classes(&["P1.4"])
            .targets(&["KR1.2"])
            .events(&["KE4.1"])
            .funding(FundingType::PubliclyFunded)
            .collections(&["c1"])
            .build(),
        svc("espoo", "Palvelu Espoo")
            .municipalities(&["049"])
            .classes(&["P1"])
            .targets(&["KR1"])
            .events(&["KE4"])
            .build(),
        svc("tre", "Palvelu Tampere")
            .municipalities(&["837"])
            .classes(&["P3.4"])
            .targets(&["KR1.2"])
            .build(),
        svc("ahvenanmaa", "Palvelu Maarianhamina")
            .municipalities(&["478"])
            .build(),
        svc("national", "Palvelu koko maa")
            .classes(&["P5.1"])
            .funding(FundingType::MarketFunded)
            .build(),
        national_ex,
        svc("archived", "Palvelu arkistossa")
            .municipalities(&["091"])
            .archived()
            .build(),
    ]
}

fn f() -> ServiceFilter {
    ServiceFilter::default()
}

#[test]
fn reference_cases() {
    let services = corpus();
    let index = SearchIndex::build(&services);
    let s = |v: &[&str]| v.iter().map(|x| x.to_string()).collect::<Vec<_>>();
    let rows: Vec<(&str, ServiceFilter, Vec<String>)> = vec![
        (
            "no filter: all published",
            f(),
            s(&[
                "ahvenanmaa",
                "espoo",
                "hki",
                "national",
                "national-ex",
                "tre",
            ]),
        ),
        (
            "municipality + national by default",
            ServiceFilter {
                municipality_codes: s(&["091"]),
                ..f()
            },
            s(&["hki", "national", "national-ex"]),
        ),
        (
            "municipality without national",
            ServiceFilter {
                municipality_codes: s(&["091"]),
                include_national: false,
                ..f()
            },
            s(&["hki"]),
        ),
        (
            "area union: municipality or region",
            ServiceFilter {
                municipality_codes: s(&["091"]),
                region_codes: s(&["21"]),
                include_national: false,
                ..f()
            },
            s(&["ahvenanmaa", "hki"]),
        ),
        (
            "wellbeing county 90 is Helsinki",
            ServiceFilter {
                wellbeing_county_codes: s(&["90"]),
                include_national: false,
                ..f()
            },
            s(&["hki"]),
        ),
        (
            "unknown area: national part only",
            ServiceFilter {
                region_codes: s(&["no such region"]),
                ..f()
            },
            s(&["national", "national-ex"]),
        ),
        (
            "unknown area without national: nothing",
            ServiceFilter {
                region_codes: s(&["no such region"]),
                include_national: false,
                ..f()
            },
            s(&[]),
        ),
        (
            "only national",
            ServiceFilter {
                only_national: true,
                ..f()
            },
            s(&["national", "national-ex"]),
        ),
        (
            "no area, national excluded",
            ServiceFilter {
                include_national: false,
                ..f()
            },
            s(&["ahvenanmaa", "espoo", "hki", "tre"]),
        ),
        (
            "class parent matches children",
            ServiceFilter {
                service_classes: s(&["P1"]),
                ..f()
            },
            s(&["espoo", "hki"]),
        ),
        (
            "sub-class matches itself only",
            ServiceFilter {
                service_classes: s(&["P1.4"]),
                ..f()
            },
            s(&["hki"]),
        ),
        (
            "classes OR within the family",
            ServiceFilter {
                service_classes: s(&["P3", "P5"]),
                ..f()
            },
            s(&["national", "tre"]),
        ),
        (
            "target group exact: KR1 is not KR1.2",
            ServiceFilter {
                target_groups: s(&["KR1"]),
                ..f()
            },
            s(&["espoo"]),
        ),
        (
            "target group exact: KR1.2",
            ServiceFilter {
                target_groups: s(&["KR1.2"]),
                ..f()
            },
            s(&["hki", "tre"]),
        ),
        (
            "life event parent",
            ServiceFilter {
                life_events: s(&["KE4"]),
                ..f()
            },
            s(&["espoo", "hki"]),
        ),
        (
            "life event child",
            ServiceFilter {
                life_events: s(&["KE4.1"]),
                ..f()
            },
            s(&["hki"]),
        ),
        (
            "funding exact",
            ServiceFilter {
                funding_types: vec![FundingType::MarketFunded],
                ..f()
            },
            s(&["national"]),
        ),
        (
            "collection exact",
            ServiceFilter {
                collections: s(&["c1"]),
                ..f()
            },
            s(&["hki"]),
        ),
        (
            "families AND",
            ServiceFilter {
                municipality_codes: s(&["837"]),
                service_classes: s(&["P3"]),
                ..f()
            },
            s(&["tre"]),
        ),
        (
            "unknown class: nothing",
            ServiceFilter {
                service_classes: s(&["P99"]),
                ..f()
            },
            s(&[]),
        ),
    ];
    for (case, filter, want) in rows {
        let mut got: Vec<String> = index
            .search(&Query::new("palvelu").filter(filter.clone()).limit(100))
            .hits
            .into_iter()
            .map(|h| h.service_id)
            .collect();
        got.sort();
        assert_eq!(got, want, "{case}");
        // The naive model of the tests agrees with every row.
        let mut naive: Vec<String> = services
            .iter()
            .filter(|s| naive_matches(s, &filter))
            .map(|s| s.id.clone())
            .collect();
        naive.sort();
        assert_eq!(naive, want, "naive model: {case}");
    }
}

/// Filtered search on the real catalogue equals unfiltered search with the services that
/// aurora-store's SQL rejects taken out: same services, same order, same scores.
#[test]
fn filtered_search_equals_store_filtering_on_real_data() {
    let r = real();
    let s = |v: &[&str]| v.iter().map(|x| x.to_string()).collect::<Vec<_>>();
    let filters = [
        ServiceFilter {
            municipality_codes: s(&["529"]),
            ..f()
        },
        ServiceFilter {
            municipality_codes: s(&["529"]),
            include_national: false,
            ..f()
        },
        ServiceFilter {
            region_codes: s(&["02"]),
            ..f()
        },
        ServiceFilter {
            wellbeing_county_codes: s(&["06"]),
            include_national: false,
            ..f()
        },
        ServiceFilter {
            only_national: true,
            ..f()
        },
        ServiceFilter {
            include_national: false,
            ..f()
        },
        ServiceFilter {
            service_classes: s(&["P3"]),
            ..f()
        },
        ServiceFilter {
            service_classes: s(&["P6.2", "P1"]),
            ..f()
        },
        ServiceFilter {
            target_groups: s(&["KR1"]),
            ..f()
        },
        ServiceFilter {
            life_events: s(&["KE1"]),
            ..f()
        },
        ServiceFilter {
            funding_types: vec![FundingType::PubliclyFunded],
            ..f()
        },
        ServiceFilter {
            municipality_codes: s(&["491"]),
            service_classes: s(&["P3.4"]),
            ..f()
        },
    ];
    let queries = [
        "päivähoito",
        "opetus",
        "tuki",
        "day care",
        "palvelu",
        "Naantali",
    ];
    for filter in &filters {
        let allowed = r.store_ids(filter);
        for q in queries {
            let all = r.index.search(&Query::new(q).limit(1000));
            let want: Vec<(String, f32)> = all
                .hits
                .iter()
                .filter(|h| allowed.binary_search(&h.service_id).is_ok())
                .map(|h| (h.service_id.clone(), h.score))
                .collect();
            let got: Vec<(String, f32)> = r
                .index
                .search(&Query::new(q).filter(filter.clone()).limit(1000))
                .hits
                .into_iter()
                .map(|h| (h.service_id, h.score))
                .collect();
            assert_eq!(got, want, "{q} with {filter:?}");
        }
    }
}
