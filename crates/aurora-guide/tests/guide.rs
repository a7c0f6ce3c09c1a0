//! Guidance from free text over the real bundled dataset (`data/ptv`, `data/ptv-pilot`),
//! imported with `aurora_catalog::import_bundled` into a temporary SQLite store.
//!
//! What the bundled data offers for "moving to Tampere to study" (checked when the test was
//! written): it has no Tampere services at all, no service in P1.4 *Asumisen tuet* and none
//! in P6.14 *Opintojen tukeminen*. Housing (P1) services available in Tampere are the national
//! P1.5 ones (*Muuttoilmoitus*, *Osoitepalvelu*, *Nimipalvelu*); education (P6) services are
//! national P6.x ones (*Nettilukio aikuisille*, *MuutosKoulutus* …), which match the
//! recognised P6.14 only through its main class P6.

use std::sync::OnceLock;

use aurora_catalog::{import_bundled, ImportOptions, NoProgress};
use aurora_guide::{guide_from_text, Guidance, GuideError, GuideOptions, ReasonKind};
use aurora_model::{AreaType, Lang, Service};
use aurora_nlu::{NluError, Understander};
use aurora_store::SqlStore;
use tempfile::TempDir;

fn understander() -> &'static Understander {
    static U: OnceLock<Understander> = OnceLock::new();
    U.get_or_init(Understander::new)
}

async fn bundled_store() -> (SqlStore, TempDir) {
    let dir = tempfile::tempdir().expect("temp dir");
    let url = format!("sqlite://{}", dir.path().join("aurora.db").display());
    let store = SqlStore::open(&url).await.expect("open store");
    let report = import_bundled(&store, &ImportOptions::default(), &NoProgress)
        .await
        .expect("import the bundled dataset");
    assert!(report.services.inserted > 150, "{report:?}");
    (store, dir)
}

fn in_class(s: &Service, main: &str) -> bool {
    s.service_classes
        .iter()
        .any(|c| c.code == main || c.code.starts_with(&format!("{main}.")))
}

fn is_national(s: &Service) -> bool {
    matches!(
        s.area_type,
        AreaType::Nationwide | AreaType::NationwideExceptAlandIslands
    )
}

fn print(g: &Guidance) {
    eprintln!(
        "municipality {:?}, classes {:?}, life events {:?}",
        g.municipality,
        g.understanding
            .service_classes
            .iter()
            .map(|l| (&l.code, l.confidence))
            .collect::<Vec<_>>(),
        g.understanding
            .life_events
            .iter()
            .map(|l| (&l.code, l.confidence))
            .collect::<Vec<_>>()
    );
    for s in &g.services {
        let classes: Vec<&str> = s
            .service
            .service_classes
            .iter()
            .map(|c| c.code.as_str())
            .collect();
        eprintln!(
            "{:.3} {} {:?} {:?}",
            s.score,
            s.service.name.get(g.lang).unwrap_or(""),
            s.service.area_type,
            classes
        );
        for r in &s.reasons {
            eprintln!("      {}", r.text);
        }
    }
}

/// The acceptance example and its Swedish and English variants.
#[tokio::test]
async fn moving_to_tampere_to_study_yields_housing_and_study_services_available_in_tampere() {
    let (store, _dir) = bundled_store().await;
    for (text, lang, available) in [
        ("Muutan Tampereelle opiskelemaan", Lang::Fi, "Saatavilla"),
        (
            "Jag flyttar till Tammerfors för att studera",
            Lang::Sv,
            "Tillgänglig",
        ),
        ("I am moving to Tampere to study", Lang::En, "Available"),
    ] {
        let g = guide_from_text(&store, understander(), text, &GuideOptions::default())
            .await
            .unwrap_or_else(|e| panic!("{text}: {e}"));
        eprintln!("== {text}");
        print(&g);
        assert_eq!(g.municipality.as_deref(), Some("837"), "{text}");
        assert_eq!(g.lang, lang, "reasons in the text's language");
        assert!(g.services.len() <= 10);
        let top = &g.services;
        assert!(
            top.iter().any(|s| in_class(&s.service, "P1")),
            "{text}: a housing (P1.x) service in the top 10"
        );
        assert!(
            top.iter().any(|s| in_class(&s.service, "P6")),
            "{text}: a study (P6 / P6.x) service in the top 10"
        );
        for s in top {
            let name = s.service.name.get(Lang::Fi).unwrap_or("");
            assert!(
                is_national(&s.service) || s.service.municipality_codes().contains(&"837".into()),
                "{text}: {name} is neither national nor available in Tampere"
            );
            assert!(s.score > 0.0);
            let last = s.reasons.last().expect("reasons");
            assert_eq!(last.kind, ReasonKind::Availability);
            assert!(last.text.starts_with(available), "{}", last.text);
            assert!(
                s.reasons.len() >= 2,
                "{name}: a matched label and availability"
            );
        }
        assert!(top.windows(2).all(|w| w[0].score >= w[1].score));
        // The moving notice matches both the recognised class (P1.5) and the life event
        // (KE4.2) exactly, so it comes first.
        assert_eq!(
            top[0].service.name.get(Lang::Fi),
            Some("Muuttoilmoitus Postille ja maistraatille"),
            "{text}"
        );
        let kinds: Vec<ReasonKind> = top[0].reasons.iter().map(|r| r.kind).collect();
        assert!(
            kinds.contains(&ReasonKind::ServiceClass) && kinds.contains(&ReasonKind::LifeEvent)
        );
    }
}

#[tokio::test]
async fn local_services_of_the_destination_come_with_national_ones_and_origins_are_ignored() {
    let (store, _dir) = bundled_store().await;
    let opts = GuideOptions {
        lang: None,
        limit: 50,
    };
    let g = guide_from_text(&store, understander(), "Muutan Vaasaan opiskelemaan", &opts)
        .await
        .unwrap();
    print(&g);
    assert_eq!(g.municipality.as_deref(), Some("905"));
    let local: Vec<_> = g
        .services
        .iter()
        .filter(|s| !is_national(&s.service))
        .collect();
    assert!(!local.is_empty(), "Vaasa's own housing or school services");
    for s in &local {
        assert!(s.service.municipality_codes().contains(&"905".into()));
        assert_eq!(
            s.reasons.last().unwrap().text,
            "Saatavilla kunnassa Vaasa",
            "{:?}",
            s.service.name
        );
    }
    // A parent-only match (Vaasa's P1 or P6.2 services) scores below an exact one.
    let exact_best = g.services[0].score;
    let parent_only = g
        .services
        .iter()
        .find(|s| {
            s.reasons.iter().all(|r| {
                matches!(
                    r.kind,
                    ReasonKind::ParentServiceClass | ReasonKind::Availability
                )
            })
        })
        .expect("a parent-only match");
    assert!(parent_only.score < exact_best);

    // Only a place the person leaves: no municipality, so no area filter, and local
    // services say where they are available.
    let g = guide_from_text(
        &store,
        understander(),
        "Muutan pois Vaasasta opiskelemaan",
        &opts,
    )
    .await
    .unwrap();
    print(&g);
    assert_eq!(g.municipality, None);
    for s in g.services.iter().filter(|s| !is_national(&s.service)) {
        let last = s.reasons.last().unwrap();
        assert!(
            last.text.starts_with("Saatavilla vain kunnissa: "),
            "{}",
            last.text
        );
    }
}

#[tokio::test]
async fn the_requested_language_and_limit_are_honoured_and_bad_text_is_refused() {
    let (store, _dir) = bundled_store().await;
    let g = guide_from_text(
        &store,
        understander(),
        "Muutan Tampereelle opiskelemaan",
        &GuideOptions {
            lang: Some(Lang::En),
            limit: 2,
        },
    )
    .await
    .unwrap();
    assert_eq!(g.lang, Lang::En);
    assert_eq!(g.services.len(), 2);
    assert_eq!(
        g.services[0].reasons.last().unwrap().text,
        "Available nationwide"
    );
    assert!(g.services[0]
        .reasons
        .iter()
        .any(|r| r.text.starts_with("Recognised ")));

    let err = guide_from_text(&store, understander(), "  ", &GuideOptions::default())
        .await
        .unwrap_err();
    assert!(
        matches!(err, GuideError::Text(NluError::EmptyText)),
        "{err}"
    );

    // Text without anything recognisable: an answer, with few or no services.
    let g = guide_from_text(&store, understander(), "🙂🙂🙂", &GuideOptions::default())
        .await
        .unwrap();
    assert!(
        g.services.iter().all(|s| s.score < 0.5),
        "{:?}",
        g.services.len()
    );
}
