//! Swedish and English queries find Finnish-only services: the bundled catalogue, its vectors
//! computed by multilingual E5 and stored (`refresh_vectors`), hybrid search.
//!
//! Needs the model file (fetched at build time, see `crates/aurora-embed/build.rs`). Without
//! it the test fails under CI (`CI=true`) and is skipped with a note elsewhere.

use std::sync::Arc;

use aurora_catalog::{import_bundled, ImportOptions, NoProgress};
use aurora_embed::{E5Embedder, Embedder};
use aurora_guide::vectors::{refresh_vectors, stored_vectors, EmbedScorer};
use aurora_model::{Lang, Service};
use aurora_search::{LexicalOnlyReason, Query, SearchIndex, SearchMode};
use aurora_store::{CatalogStore, SqlStore};

/// Finnish-only services and a Swedish and an English way to ask for them.
const CASES: &[(&str, Lang, &str)] = &[
    // Verokortti (tax card).
    (
        "skattekort för lön",
        Lang::Sv,
        "ce2fa673-de14-59d6-995c-fda267543a90",
    ),
    (
        "how do I get a tax card",
        Lang::En,
        "ce2fa673-de14-59d6-995c-fda267543a90",
    ),
    // Rikosvahinkojen korvaaminen (compensation for crime victims).
    (
        "ersättning för brottsoffer",
        Lang::Sv,
        "a8066a75-9569-5294-81fc-b74f06e7e400",
    ),
    (
        "compensation for crime victims",
        Lang::En,
        "a8066a75-9569-5294-81fc-b74f06e7e400",
    ),
];

fn model() -> Option<Arc<dyn Embedder>> {
    match E5Embedder::load_default() {
        Ok(e) => Some(Arc::new(e)),
        Err(e) if std::env::var("CI").as_deref() == Ok("true") => {
            panic!("the E5 model is required in CI: {e}")
        }
        Err(e) => {
            eprintln!("skipped: no E5 model ({e})");
            None
        }
    }
}

fn finnish_only(s: &Service) -> bool {
    s.name.fi.is_some() && s.name.sv.is_none() && s.name.en.is_none()
}

#[tokio::test]
async fn swedish_and_english_queries_find_finnish_only_services() {
    let Some(model) = model() else {
        return;
    };
    let dir = tempfile::tempdir().expect("temp dir");
    let url = format!("sqlite://{}", dir.path().join("aurora.db").display());
    let store = SqlStore::open(&url).await.expect("open");
    import_bundled(&store, &ImportOptions::default(), &NoProgress)
        .await
        .expect("bundled");
    let services = store.all_services().await.expect("services");

    let (vectors, first) = refresh_vectors(&store, model.clone(), &services)
        .await
        .expect("vectors");
    assert_eq!(
        (first.computed, first.failed),
        (services.len(), 0),
        "{first:?}"
    );
    // Stored and reused: a second refresh computes nothing, and the stored ones are current.
    let (_, second) = refresh_vectors(&store, model.clone(), &services)
        .await
        .expect("again");
    assert_eq!((second.computed, second.reused), (0, services.len()));
    let (stored, missing) = stored_vectors(&store, model.model_id(), &services)
        .await
        .expect("stored");
    assert_eq!((stored.len(), missing), (services.len(), 0));

    let mut index = SearchIndex::build(&services);
    for (id, v) in vectors {
        index.set_vector(&id, v).expect("vector");
    }
    index.set_vector_scorer(Arc::new(EmbedScorer(model)));

    for (query, lang, want) in CASES {
        let service = services.iter().find(|s| s.id == *want).expect("bundled");
        assert!(finnish_only(service), "{want} is not Finnish-only");
        let r = index.search(&Query::new(*query).lang(*lang).limit(5));
        assert_eq!(r.mode, SearchMode::Hybrid);
        let top: Vec<&str> = r.hits.iter().map(|h| h.service_id.as_str()).collect();
        assert!(
            top.contains(want),
            "{query:?} ({lang:?}): {want} ({:?}) not in the top 5: {:?}",
            service.name.fi,
            r.hits
                .iter()
                .map(|h| {
                    let s = services.iter().find(|s| s.id == h.service_id);
                    (s.and_then(|s| s.name.fi.clone()), h.score, h.vector_score)
                })
                .collect::<Vec<_>>()
        );
        // The lexical path alone does not find it: the vectors did.
        let lexical = index.search(&Query::new(*query).lang(*lang).limit(5).lexical_only());
        assert_eq!(
            lexical.mode,
            SearchMode::LexicalOnly(LexicalOnlyReason::DisabledByQuery)
        );
    }
}
