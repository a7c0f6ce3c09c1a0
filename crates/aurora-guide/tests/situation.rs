//! Guidance from a whole situation (text, meters, life events, age, municipality) over the
//! real bundled dataset, with learned 3X10D relevance and the outcome learner.

use std::sync::{Arc, OnceLock, RwLock};

use aurora_catalog::{import_bundled, ImportOptions, NoProgress};
use aurora_guide::learning::{LearnerConfig, Outcome, OutcomeLearner};
use aurora_guide::relevance::LearnedRelevance;
use aurora_guide::situation::{GuideEngine, Situation, SituationGuidance};
use aurora_guide::threex10d::{HandLabels, Recommender};
use aurora_guide::{GuideOptions, ReasonKind};
use aurora_model::{Dimension, Lang};
use aurora_nlu::Understander;
use aurora_search::SearchIndex;
use aurora_store::{CatalogStore, SqlStore};
use tempfile::TempDir;

fn understander() -> Arc<Understander> {
    static U: OnceLock<Arc<Understander>> = OnceLock::new();
    U.get_or_init(|| Arc::new(Understander::new())).clone()
}

struct Fixture {
    store: SqlStore,
    engine: GuideEngine,
    _dir: TempDir,
}

async fn fixture(config: LearnerConfig) -> Fixture {
    let dir = tempfile::tempdir().expect("temp dir");
    let url = format!("sqlite://{}", dir.path().join("aurora.db").display());
    let store = SqlStore::open(&url).await.expect("open store");
    import_bundled(&store, &ImportOptions::default(), &NoProgress)
        .await
        .expect("import the bundled dataset");
    let services = store.all_services().await.expect("services");
    let index = Arc::new(SearchIndex::build(&services));
    let learned = LearnedRelevance::lexical(&services);
    let recommender =
        Recommender::build(index, &HandLabels::from_services(&services), Some(&learned));
    let engine = GuideEngine::new(
        Arc::new(recommender),
        Arc::new(RwLock::new(OutcomeLearner::new(config))),
    );
    Fixture {
        store,
        engine,
        _dir: dir,
    }
}

async fn guide(f: &Fixture, s: &Situation, lang: Option<Lang>) -> SituationGuidance {
    f.engine
        .guide(
            &f.store,
            understander(),
            s,
            &GuideOptions { lang, limit: 10 },
            1,
        )
        .await
        .expect("guidance")
}

fn meters(low: &[Dimension]) -> Vec<(Dimension, u8)> {
    Dimension::ALL
        .iter()
        .map(|d| (*d, if low.contains(d) { 1 } else { 8 }))
        .collect()
}

#[tokio::test]
async fn meters_alone_rank_the_whole_catalogue_and_name_the_needs() {
    let f = fixture(LearnerConfig::default()).await;
    let s = Situation {
        meters: meters(&[Dimension::Housing, Dimension::Finance]),
        ..Situation::default()
    };
    let g = guide(&f, &s, Some(Lang::En)).await;
    assert_eq!(g.text_mode, None);
    assert_eq!(g.services.len(), 10, "{g:#?}");
    for w in g.services.windows(2) {
        assert!(w[0].score >= w[1].score);
    }
    // No bundled service is hand-labelled: every result comes from the learned relevance,
    // and the top ones are explained by the two low meters.
    let top = &g.services[0];
    let needs: Vec<&str> = top
        .reasons
        .iter()
        .filter(|r| r.kind == ReasonKind::Need)
        .filter_map(|r| r.code.as_deref())
        .collect();
    assert!(
        needs.contains(&"housing") || needs.contains(&"finance"),
        "{:#?}",
        top.reasons
    );
    let need = top
        .reasons
        .iter()
        .find(|r| r.kind == ReasonKind::Need)
        .expect("a need");
    assert!(need.text.contains("which you rated 1/10"), "{}", need.text);
    assert_eq!(
        top.reasons.last().map(|r| r.kind),
        Some(ReasonKind::Availability)
    );
}

#[tokio::test]
async fn text_and_meters_combine_and_reasons_follow_the_language() {
    let f = fixture(LearnerConfig::default()).await;
    let s = Situation {
        text: Some("Muutan toiselle paikkakunnalle ja teen muuttoilmoituksen".into()),
        meters: meters(&[Dimension::Housing]),
        ..Situation::default()
    };
    let fi = guide(&f, &s, Some(Lang::Fi)).await;
    assert!(fi.text_mode.is_some());
    let first = &fi.services[0];
    assert!(
        first
            .service
            .name
            .fi
            .as_deref()
            .unwrap_or("")
            .contains("Muutto"),
        "{:?}",
        fi.services
            .iter()
            .map(|s| &s.service.name.fi)
            .collect::<Vec<_>>()
    );
    assert!(first.components.text.is_some() && first.components.needs.is_some());
    let words = first
        .reasons
        .iter()
        .find(|r| r.kind == ReasonKind::Words)
        .expect("matched words");
    assert!(words.text.starts_with("Vastaa sanojasi:"), "{}", words.text);

    let sv = guide(&f, &s, Some(Lang::Sv)).await;
    let words = sv.services[0]
        .reasons
        .iter()
        .find(|r| r.kind == ReasonKind::Words)
        .expect("matched words");
    assert!(
        words.text.starts_with("Motsvarar dina ord:"),
        "{}",
        words.text
    );
}

#[tokio::test]
async fn given_life_events_and_age_count_without_text() {
    let f = fixture(LearnerConfig::default()).await;
    let s = Situation {
        life_events: vec!["KE4".into()],
        age: Some(19),
        ..Situation::default()
    };
    let g = guide(&f, &s, Some(Lang::En)).await;
    assert!(!g.services.is_empty());
    for r in &g.services {
        assert!(
            r.reasons
                .iter()
                .any(|x| matches!(x.kind, ReasonKind::LifeEvent | ReasonKind::ParentLifeEvent)),
            "{:#?}",
            r.reasons
        );
    }
}

#[tokio::test]
async fn clicks_in_a_context_lift_a_service_there_and_nowhere_else() {
    let f = fixture(LearnerConfig::default()).await;
    let s = Situation {
        meters: meters(&[Dimension::Health]),
        ..Situation::default()
    };
    let before = guide(&f, &s, Some(Lang::En)).await;
    assert_eq!(before, guide(&f, &s, Some(Lang::En)).await, "deterministic");
    let target = before.services[6].service.id.clone();
    {
        let mut l = f.engine.learner().write().expect("learner");
        for _ in 0..200 {
            for (i, r) in before.services.iter().enumerate() {
                l.record_impression(&before.context, &r.service.id, i as u32 + 1);
            }
            l.record_outcome(&before.context, &target, 7, Outcome::Click);
        }
    }
    let after = guide(&f, &s, Some(Lang::En)).await;
    let pos = after
        .services
        .iter()
        .position(|r| r.service.id == target)
        .expect("still listed");
    assert!(pos < 6, "rose from 7th to {}", pos + 1);
    let lifted = &after.services[pos];
    assert!(lifted.learned_factor > 1.0);
    assert!(lifted.reasons.iter().any(|r| r.kind == ReasonKind::Learned));

    // Another context (finance) shares only the `any` feature: a smaller effect.
    let other = Situation {
        meters: meters(&[Dimension::Finance]),
        ..Situation::default()
    };
    let o = guide(&f, &other, Some(Lang::En)).await;
    if let Some(r) = o.services.iter().find(|r| r.service.id == target) {
        assert!(r.learned_factor < lifted.learned_factor);
    }
}

#[tokio::test]
async fn exploration_marks_what_it_shows() {
    let f = fixture(LearnerConfig {
        exploration: true,
        exploration_rate: 1.0,
        ..LearnerConfig::default()
    })
    .await;
    let s = Situation {
        meters: meters(&[Dimension::Friends]),
        ..Situation::default()
    };
    let g = guide(&f, &s, Some(Lang::Fi)).await;
    let explored: Vec<_> = g.services.iter().filter(|r| r.explored).collect();
    assert_eq!(explored.len(), 1);
    assert!(explored[0]
        .reasons
        .iter()
        .any(|r| r.kind == ReasonKind::Explored));
}

/// The intent issue's example on a catalogue that has what it asks for. The bundled data has
/// no Tampere services and none in P1.4 or P6.14, so this uses a small synthetic catalogue
/// (marked synthetic): Tampere's housing allowance and study support must come first,
/// Helsinki's housing allowance and an unrelated Tampere service must not appear.
#[tokio::test]
async fn moving_to_tampere_to_study_finds_tampere_housing_and_study_support() {
    fn service(id: &str, name: &str, class: &str, area: Option<&str>) -> aurora_model::Service {
        let (area_type, areas) = match area {
            Some(code) => (
                "LimitedType",
                serde_json::json!([{"kind": "Municipality", "code": code}]),
            ),
            None => ("Nationwide", serde_json::json!([])),
        };
        serde_json::from_value(serde_json::json!({
            "id": id, "kind": "Service", "publishing_status": "Published", "origin": "synthetic",
            "area_type": area_type, "areas": areas,
            "name": {"fi": name},
            "summary": {"fi": format!("{name} (synteettinen testipalvelu).")},
            "service_classes": [{"code": class}]
        }))
        .expect("service")
    }
    let dir = tempfile::tempdir().expect("temp dir");
    let url = format!("sqlite://{}", dir.path().join("aurora.db").display());
    let store = SqlStore::open(&url).await.expect("open store");
    let services = vec![
        service(
            "00000000-0000-4000-8000-00000000a001",
            "Asumistuki Tampereella",
            "P1.4",
            Some("837"),
        ),
        service(
            "00000000-0000-4000-8000-00000000a002",
            "Opintotuki ja opiskelijan tuet",
            "P6.14",
            None,
        ),
        service(
            "00000000-0000-4000-8000-00000000a003",
            "Asumistuki Helsingissä",
            "P1.4",
            Some("091"),
        ),
        service(
            "00000000-0000-4000-8000-00000000a004",
            "Koirapuisto",
            "P27.1",
            Some("837"),
        ),
    ];
    store
        .apply_batch(&aurora_store::ImportBatch {
            services: services.clone(),
            ..Default::default()
        })
        .await
        .expect("import");
    let index = Arc::new(SearchIndex::build(&services));
    let learned = LearnedRelevance::lexical(&services);
    let engine = GuideEngine::new(
        Arc::new(Recommender::build(
            index,
            &HandLabels::from_services(&services),
            Some(&learned),
        )),
        Arc::new(RwLock::new(OutcomeLearner::new(LearnerConfig::default()))),
    );
    for (text, lang) in [
        ("Muutan Tampereelle opiskelemaan", Lang::Fi),
        ("Jag flyttar till Tammerfors för att studera", Lang::Sv),
        ("I am moving to Tampere to study", Lang::En),
    ] {
        let g = engine
            .guide(
                &store,
                understander(),
                &Situation {
                    text: Some(text.into()),
                    ..Situation::default()
                },
                &GuideOptions {
                    lang: None,
                    limit: 10,
                },
                1,
            )
            .await
            .expect("guidance");
        assert_eq!(g.municipality.as_deref(), Some("837"), "{text}");
        assert_eq!(g.lang, lang);
        let ids: Vec<&str> = g.services.iter().map(|s| s.service.id.as_str()).collect();
        let mut top2 = ids[..2.min(ids.len())].to_vec();
        top2.sort();
        assert_eq!(
            top2,
            [
                "00000000-0000-4000-8000-00000000a001",
                "00000000-0000-4000-8000-00000000a002"
            ],
            "{text}: {ids:?}"
        );
        assert!(
            !ids.contains(&"00000000-0000-4000-8000-00000000a003"),
            "{text}: Helsinki"
        );
        // Study support matches the recognised P6.14 exactly; the housing allowance (P1.4)
        // shares the main class of the recognised moving and rental classes (P1.5, P1.1).
        let reasons = |id: &str| -> Vec<ReasonKind> {
            g.services
                .iter()
                .find(|s| s.service.id == id)
                .map(|s| s.reasons.iter().map(|r| r.kind).collect())
                .unwrap_or_default()
        };
        assert!(
            reasons("00000000-0000-4000-8000-00000000a002").contains(&ReasonKind::ServiceClass),
            "{text}"
        );
        assert!(
            reasons("00000000-0000-4000-8000-00000000a001")
                .iter()
                .any(|k| matches!(k, ReasonKind::ServiceClass | ReasonKind::ParentServiceClass)),
            "{text}"
        );
    }
}
