//! The vector seam: modes, fusion, filters on the vector side, errors.
//!
//! A toy scorer stands in for the multilingual model: four concept axes (housing, day care,
//! swimming, taxes), and each query word in any language points along its concept.

use std::sync::Arc;

use aurora_model::{Lang, ServiceFilter};
use aurora_search::{
    FusionMethod, FusionOptions, IndexOptions, LexicalOnlyReason, Query, SearchError, SearchIndex,
    SearchMode, VectorPrecision, VectorScorer,
};

use crate::common::svc;

struct ToyScorer;

fn axis(word: &str) -> Option<usize> {
    match word {
        "asumistuki" | "bostadsbidrag" | "housing" => Some(0),
        "päiväkoti" | "daghem" | "daycare" => Some(1),
        "uimahalli" | "simhall" | "swimming" => Some(2),
        "verokortti" | "skattekort" | "tax" => Some(3),
        _ => None,
    }
}

impl VectorScorer for ToyScorer {
    fn dim(&self) -> usize {
        4
    }
    fn embed_query(&self, text: &str) -> Option<Vec<f32>> {
        let mut v = vec![0.0; 4];
        for w in text.to_lowercase().split_whitespace() {
            if let Some(a) = axis(w) {
                v[a] += 1.0;
            }
        }
        v.iter().any(|x| *x != 0.0).then_some(v)
    }
}

fn unit(a: usize) -> Vec<f32> {
    let mut v = vec![0.05; 4];
    v[a] = 1.0;
    v
}

/// Finnish-only services with vectors; "uimahalli-turku" is limited to Turku.
fn index() -> SearchIndex {
    let mut index = SearchIndex::build(&[
        svc("asumistuki", "Asumistuki").build(),
        svc("paivakoti", "Päiväkoti").build(),
        svc("uimahalli-turku", "Uimahalli")
            .municipalities(&["853"])
            .build(),
        svc("verokortti", "Verokortti").build(),
    ]);
    for (id, a) in [
        ("asumistuki", 0),
        ("paivakoti", 1),
        ("uimahalli-turku", 2),
        ("verokortti", 3),
    ] {
        index.set_vector(id, unit(a)).unwrap();
    }
    index
}

#[test]
fn lexical_only_modes_say_why() {
    let plain = SearchIndex::build(&[svc("a", "Asumistuki").build()]);
    let r = plain.search(&Query::new("asumistuki"));
    assert_eq!(
        r.mode,
        SearchMode::LexicalOnly(LexicalOnlyReason::NoVectorsStored)
    );
    assert_eq!(r.mode.as_str(), "lexical_only");
    assert_eq!(r.hits[0].vector_score, None);
    assert_eq!(r.hits[0].score, r.hits[0].lexical_score);

    let mut index = index();
    let r = index.search(&Query::new("asumistuki"));
    assert_eq!(
        r.mode,
        SearchMode::LexicalOnly(LexicalOnlyReason::NoVectorScorer)
    );
    assert_eq!(
        index
            .search(&Query::new("asumistuki").vector(vec![1.0, 0.0]))
            .mode,
        SearchMode::LexicalOnly(LexicalOnlyReason::UnusableQueryVector)
    );
    index.set_vector_scorer(Arc::new(ToyScorer));
    assert_eq!(
        index.search(&Query::new("kirjasto")).mode,
        SearchMode::LexicalOnly(LexicalOnlyReason::QueryNotEmbedded)
    );
    assert_eq!(
        index.search(&Query::new("asumistuki").lexical_only()).mode,
        SearchMode::LexicalOnly(LexicalOnlyReason::DisabledByQuery)
    );
    let r = index.search(&Query::new("asumistuki"));
    assert_eq!(r.mode, SearchMode::Hybrid);
    assert_eq!(r.mode.as_str(), "hybrid");
}

#[test]
fn vectors_carry_swedish_and_english_queries_to_finnish_only_services() {
    let mut index = index();
    index.set_vector_scorer(Arc::new(ToyScorer));
    for (q, want) in [
        ("bostadsbidrag", "asumistuki"),
        ("daghem", "paivakoti"),
        ("swimming", "uimahalli-turku"),
        ("skattekort", "verokortti"),
    ] {
        let lexical = index.search(&Query::new(q).lexical_only());
        assert!(
            lexical.hits.is_empty(),
            "{q} matched lexically: {:?}",
            lexical.hits
        );
        let r = index.search(&Query::new(q).lang(Lang::Sv));
        let top = &r.hits[0];
        assert_eq!(top.service_id, want, "{q}");
        assert_eq!(top.lexical_score, 0.0);
        assert!(top.vector_score.unwrap() > 0.9);
        assert!(top.matched_terms.is_empty());
    }
}

#[test]
fn lexical_and_vector_agreement_wins_under_rrf() {
    let mut index = index();
    index.set_vector_scorer(Arc::new(ToyScorer));
    // Lexically only "asumistuki" matches; the vector agrees: it is first with both scores.
    let r = index.search(&Query::new("asumistuki").lang(Lang::Fi));
    let top = &r.hits[0];
    assert_eq!(top.service_id, "asumistuki");
    assert!(top.lexical_score > 0.0 && top.vector_score.unwrap() > 0.9);
    // RRF with k = 60: rank 1 on both sides.
    assert!((top.score - 2.0 / 61.0).abs() < 1e-6, "{}", top.score);
    // Every hit has a cosine, also those the lexical side did not find.
    assert!(r.hits.iter().all(|h| h.vector_score.is_some()));
    assert_eq!(r.hits.len(), 4);
}

#[test]
fn linear_fusion_and_weights() {
    let mut index = index();
    index.set_vector_scorer(Arc::new(ToyScorer));
    index.set_fusion_options(FusionOptions {
        method: FusionMethod::Linear,
        lexical_weight: 0.0,
        vector_weight: 1.0,
        ..FusionOptions::default()
    });
    // Vector weight only: the query's lexical match ("verokortti") loses to the vector's pick.
    let r = index.search(
        &Query::new("verokortti uimahalli")
            .lang(Lang::Fi)
            .vector(vec![0.0, 0.0, 1.0, 0.0]),
    );
    assert_eq!(r.hits[0].service_id, "uimahalli-turku");
    assert!((r.hits[0].score - 1.0).abs() < 1e-6);
}

#[test]
fn filters_apply_to_the_vector_side() {
    let mut index = index();
    index.set_vector_scorer(Arc::new(ToyScorer));
    let helsinki = ServiceFilter {
        municipality_codes: vec!["091".into()],
        include_national: false,
        ..ServiceFilter::default()
    };
    let r = index.search(&Query::new("swimming").filter(helsinki));
    assert!(r.hits.is_empty(), "{:?}", r.hits);
    let turku = ServiceFilter {
        municipality_codes: vec!["853".into()],
        ..ServiceFilter::default()
    };
    let r = index.search(&Query::new("swimming").filter(turku));
    assert_eq!(r.hits[0].service_id, "uimahalli-turku");
}

#[test]
fn set_vector_checks_its_input_and_upsert_keeps_vectors() {
    let mut index = index();
    assert_eq!(
        index.set_vector("nobody", unit(0)),
        Err(SearchError::UnknownService("nobody".into()))
    );
    assert_eq!(
        index.set_vector("asumistuki", vec![1.0; 3]),
        Err(SearchError::VectorDimension {
            service_id: "asumistuki".into(),
            expected: 4,
            found: 3
        })
    );
    assert!(matches!(
        index.set_vector("asumistuki", vec![0.0; 4]),
        Err(SearchError::InvalidVector { .. })
    ));
    assert!(matches!(
        index.set_vector("asumistuki", vec![f32::NAN; 4]),
        Err(SearchError::InvalidVector { .. })
    ));
    let stored = index.vector("asumistuki").unwrap();
    // Unit length, up to the 8-bit quantisation.
    assert!((stored.iter().map(|x| x * x).sum::<f32>() - 1.0).abs() < 1e-2);

    index.upsert(&svc("asumistuki", "Asumistuki ja asumislisä").build());
    assert!(index.vector("asumistuki").is_some());
    index.remove("asumistuki").unwrap();
    assert!(index.vector("asumistuki").is_none());
    assert_eq!(index.stats().num_vectors, 3);
}

#[test]
fn f32_storage_gives_exact_cosines_and_int8_close_ones() {
    let services = [
        svc("a", "Asumistuki").build(),
        svc("b", "Päiväkoti").build(),
    ];
    let a = vec![0.3, -0.2, 0.9, 0.1];
    let q = vec![0.5, 0.1, 0.7, -0.3];
    let norm = |v: &[f32]| v.iter().map(|x| x * x).sum::<f32>().sqrt();
    let exact = a.iter().zip(&q).map(|(x, y)| x * y).sum::<f32>() / (norm(&a) * norm(&q));
    for (precision, tolerance) in [(VectorPrecision::F32, 1e-6), (VectorPrecision::Int8, 5e-3)] {
        let options = IndexOptions {
            vector_precision: precision,
            ..IndexOptions::default()
        };
        let mut index = SearchIndex::build_with(&services, options);
        index.set_vector("a", a.clone()).unwrap();
        let r = index.search(&Query::new("").vector(q.clone()));
        assert_eq!(r.mode, SearchMode::Hybrid);
        assert_eq!(
            r.hits.len(),
            1,
            "only services with a vector are found by the vector side"
        );
        let got = r.hits[0].vector_score.unwrap();
        assert!(
            (got - exact).abs() < tolerance,
            "{precision:?}: {got} vs {exact}"
        );
    }
}

#[test]
fn the_index_can_be_shared_between_threads() {
    fn shared<T: Send + Sync>() {}
    shared::<SearchIndex>();
    let index = index();
    std::thread::scope(|s| {
        for q in ["asumistuki", "päiväkoti", "uimahalli"] {
            let index = &index;
            s.spawn(move || assert!(!index.search(&Query::new(q)).hits.is_empty()));
        }
    });
}
