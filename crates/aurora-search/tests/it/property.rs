//! Property tests against a naive model.

use aurora_model::{AreaType, FundingType, Lang, Service, ServiceFilter};
use aurora_search::{Query, SearchIndex};
use proptest::prelude::*;

use crate::common::{naive_matches, svc};

const WORDS: [&str; 8] = [
    "asumistuki",
    "tuki",
    "päiväkoti",
    "palvelu",
    "uimahalli",
    "Tampereella",
    "kirjasto",
    "opetus",
];
const MUNIS: [&str; 6] = ["091", "049", "837", "853", "478", "905"];
const CLASSES: [&str; 6] = ["P1", "P1.4", "P3", "P3.4", "P4.10", "P5.1"];
const TARGETS: [&str; 3] = ["KR1", "KR1.2", "KR2"];
const EVENTS: [&str; 3] = ["KE4", "KE4.1", "KE8"];

fn pick<'a>(all: &'a [&'a str], mask: u8) -> Vec<&'a str> {
    all.iter()
        .enumerate()
        .filter(|(i, _)| mask & (1 << i) != 0)
        .map(|(_, s)| *s)
        .collect()
}

prop_compose! {
    fn service(id: usize)(
        words in prop::collection::vec(0..WORDS.len(), 1..5),
        area in 0u8..3,
        munis in any::<u8>(),
        classes in any::<u8>(),
        targets in any::<u8>(),
        events in any::<u8>(),
        funding in 0u8..3,
        coll in 0u8..3,
        archived in prop::bool::weighted(0.1),
    ) -> Service {
        let name: Vec<&str> = words.iter().map(|w| WORDS[*w]).collect();
        let mut s = svc(&format!("s{id:03}"), &name.join(" "))
            .classes(&pick(&CLASSES, classes))
            .targets(&pick(&TARGETS, targets))
            .events(&pick(&EVENTS, events));
        s = match area {
            0 => s,
            1 => { s.0.area_type = AreaType::NationwideExceptAlandIslands; s }
            _ => s.municipalities(&pick(&MUNIS, munis)),
        };
        if funding == 1 { s = s.funding(FundingType::PubliclyFunded) }
        if funding == 2 { s = s.funding(FundingType::MarketFunded) }
        if coll > 0 { s = s.collections(&[if coll == 1 { "c1" } else { "c2" }]) }
        if archived { s = s.archived() }
        s.build()
    }
}

fn services() -> impl Strategy<Value = Vec<Service>> {
    (1usize..30).prop_flat_map(|n| (0..n).map(service).collect::<Vec<_>>())
}

prop_compose! {
    fn filter()(
        munis in any::<u8>(),
        regions in prop::sample::subsequence(vec!["01", "06", "21", "99"], 0..2),
        include_national in any::<bool>(),
        only_national in prop::bool::weighted(0.15),
        classes in any::<u8>(),
        targets in 0u8..8,
        events in 0u8..8,
        funding in 0u8..3,
        coll in 0u8..3,
    ) -> ServiceFilter {
        let s = |v: Vec<&str>| v.into_iter().map(str::to_string).collect::<Vec<_>>();
        let mut f = ServiceFilter {
            municipality_codes: s(pick(&MUNIS, munis & 0b10_0101)),
            region_codes: s(regions),
            include_national,
            only_national,
            service_classes: s(pick(&CLASSES, classes & 0b1_0110)),
            target_groups: s(pick(&TARGETS, targets)),
            life_events: s(pick(&EVENTS, events)),
            ..ServiceFilter::default()
        };
        if funding == 1 { f.funding_types = vec![FundingType::PubliclyFunded] }
        if funding == 2 { f.funding_types = vec![FundingType::MarketFunded] }
        if coll == 1 { f.collections = vec!["c1".into()] }
        f
    }
}

fn check(
    index: &SearchIndex,
    services: &[Service],
    text: &str,
    lang: Option<Lang>,
    f: &ServiceFilter,
) -> Result<(), TestCaseError> {
    let mut q = Query::new(text).limit(1000);
    q.lang = lang;
    let all = index.search(&q);
    let want: Vec<(String, f32)> = all
        .hits
        .iter()
        .filter(|h| {
            let s = services
                .iter()
                .find(|s| s.id == h.service_id)
                .expect("hit is a known service");
            naive_matches(s, f)
        })
        .map(|h| (h.service_id.clone(), h.score))
        .collect();
    let got: Vec<(String, f32)> = index
        .search(&q.clone().filter(f.clone()))
        .hits
        .into_iter()
        .map(|h| (h.service_id, h.score))
        .collect();
    prop_assert_eq!(got, want);
    prop_assert!(all.hits.iter().all(|h| !services
        .iter()
        .any(|s| s.id == h.service_id && s.is_archived())));
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(96))]

    #[test]
    fn filtered_search_equals_naive_filtering_of_unfiltered_results(
        services in services(),
        filters in prop::collection::vec(filter(), 1..6),
        words in prop::collection::vec(0..WORDS.len(), 1..3),
        auto in any::<bool>(),
    ) {
        let index = SearchIndex::build(&services);
        let text: Vec<&str> = words.iter().map(|w| WORDS[*w]).collect();
        let lang = if auto { None } else { Some(Lang::Fi) };
        for f in &filters {
            check(&index, &services, &text.join(" "), lang, f)?;
        }
    }

    #[test]
    fn pruned_top_k_is_exact(
        services in services(),
        words in prop::collection::vec(0..WORDS.len(), 1..4),
        k in 1usize..6,
    ) {
        // MaxScore pruning starts once k services are found: the k best must be those of
        // the full ranking (ties at the cut-off may pick other services of equal score).
        let index = SearchIndex::build(&services);
        let text: Vec<&str> = words.iter().map(|w| WORDS[*w]).collect();
        let q = Query::new(text.join(" ")).lang(Lang::Fi);
        let full = index.search(&q.clone().limit(1000)).hits;
        let top = index.search(&q.limit(k)).hits;
        let scores = |h: &[aurora_search::Hit]| h.iter().map(|h| h.score).collect::<Vec<_>>();
        prop_assert_eq!(scores(&top), scores(&full[..k.min(full.len())]));
        for h in &top {
            let f = full.iter().find(|f| f.service_id == h.service_id).expect("in the full ranking");
            prop_assert_eq!(f.score, h.score);
            prop_assert_eq!(&f.matched_terms, &h.matched_terms);
        }
    }

    #[test]
    fn updates_keep_the_property_and_forget_removed_services(
        initial in services(),
        later in services(),
        removals in prop::collection::vec(0usize..30, 0..10),
        f in filter(),
        word in 0..WORDS.len(),
    ) {
        let mut index = SearchIndex::build(&initial);
        // The later services reuse ids s000…: upserts replace, the rest add.
        let mut current: Vec<Service> = initial.clone();
        for s in &later {
            index.upsert(s);
            current.retain(|c| c.id != s.id);
            current.push(s.clone());
        }
        for r in &removals {
            let id = format!("s{r:03}");
            let known = current.iter().any(|c| c.id == id && !c.is_archived());
            prop_assert_eq!(index.remove(&id).is_ok(), known);
            current.retain(|c| c.id != id);
        }
        let published: Vec<&Service> = current.iter().filter(|s| !s.is_archived()).collect();
        prop_assert_eq!(index.len(), published.len());
        for s in &current {
            prop_assert_eq!(index.contains(&s.id), !s.is_archived());
        }
        check(&index, &current, WORDS[word], Some(Lang::Fi), &f)?;
        index.compact();
        check(&index, &current, WORDS[word], Some(Lang::Fi), &f)?;
        prop_assert_eq!(index.stats().num_docs, published.len());
    }
}
