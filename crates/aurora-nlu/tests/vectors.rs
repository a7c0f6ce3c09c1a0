//! The intent engine with semantic label vectors and the real E5 model.
//!
//! Needs the model file (`scripts/fetch-models.sh`): without it these tests skip with a note,
//! except under `CI=true`, where a missing model is a failure. `fusion_grid_on_tune` (ignored;
//! `cargo test --release -p aurora-nlu --test vectors -- --ignored --nocapture`) is how
//! [`Fusion::DEFAULT`] was chosen: on the tune split only.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock};

use aurora_embed::{E5Embedder, EmbedError, Embedder};
use aurora_model::Lang;
use aurora_nlu::{
    evaluate, load_dev_set, Calibration, DevExample, Fusion, LabelVectors, Split,
    UnderstandOptions, Understander,
};

/// E5 with a query cache: the grid and the refit see every text many times.
struct Cached {
    inner: E5Embedder,
    cache: Mutex<HashMap<String, Vec<f32>>>,
}

impl Embedder for Cached {
    fn model_id(&self) -> &str {
        self.inner.model_id()
    }
    fn dim(&self) -> usize {
        self.inner.dim()
    }
    fn embed_query(&self, text: &str) -> Result<Vec<f32>, EmbedError> {
        if let Some(v) = self.cache.lock().ok().and_then(|c| c.get(text).cloned()) {
            return Ok(v);
        }
        let v = self.inner.embed_query(text)?;
        if let Ok(mut c) = self.cache.lock() {
            c.insert(text.to_string(), v.clone());
        }
        Ok(v)
    }
    fn embed_passages(&self, texts: &[&str]) -> Result<Vec<Vec<f32>>, EmbedError> {
        self.inner.embed_passages(texts)
    }
}

/// The shared model, or `None` (with a note) when it is not installed outside CI.
fn e5() -> Option<Arc<Cached>> {
    static E5: OnceLock<Option<Arc<Cached>>> = OnceLock::new();
    E5.get_or_init(|| match E5Embedder::load_default() {
        Ok(inner) => Some(Arc::new(Cached {
            inner,
            cache: Mutex::new(HashMap::new()),
        })),
        Err(e) if std::env::var("CI").as_deref() == Ok("true") => {
            panic!("CI=true but the E5 model is missing: {e}")
        }
        Err(e) => {
            eprintln!("note: skipping E5 vector tests: {e}");
            None
        }
    })
    .clone()
}

fn with_vectors(e5: &Arc<Cached>) -> Understander {
    let vectors = LabelVectors::bundled().expect("data/nlu/label-vectors.bin is valid");
    let u = Understander::new().with_embedder(e5.clone(), vectors);
    assert!(
        u.has_vectors(),
        "the bundled label vectors do not match the model or the prototype texts: \
         run `aurora nlu build-vectors`"
    );
    u
}

fn top_event(u: &Understander, text: &str) -> Option<String> {
    let opts = UnderstandOptions {
        min_confidence: 0.0,
        ..UnderstandOptions::default()
    };
    let out = u.understand(text, &opts).ok()?;
    out.life_events.first().map(|l| l.code.clone())
}

#[test]
fn paraphrases_without_lexicon_words_find_their_life_event_with_vectors() {
    let Some(e5) = e5() else { return };
    let lexical = Understander::new();
    let semantic = with_vectors(&e5);
    // No cue of data/nlu/lexicon.txt in these; the lexical engine gets them wrong or not at all.
    for (text, want) in [
        ("my wife and I will have a little one in the spring", "KE1"),
        ("min man somnade in i natt", "KE14"),
    ] {
        let lex = top_event(&lexical, text);
        let sem = top_event(&semantic, text);
        assert_ne!(
            lex.as_deref(),
            Some(want),
            "{text:?} is no longer a paraphrase"
        );
        assert_eq!(sem.as_deref(), Some(want), "{text:?}: lexical {lex:?}");
    }
}

#[test]
fn vector_calibration_is_current() {
    let Some(e5) = e5() else { return };
    // Like calibration_is_current, for Calibration::VECTORS: paste the printed values there.
    let fitted = Calibration::fit(&with_vectors(&e5), &load_dev_set(), Split::Tune);
    eprintln!("fitted: {fitted:?}");
    let current = Calibration::VECTORS;
    let close = |a: f32, b: f32| (a - b).abs() <= 0.15 + 0.1 * b.abs();
    for (f, c) in [
        (fitted.life_events, current.life_events),
        (fitted.service_classes, current.service_classes),
    ] {
        assert!(
            close(f.scale, c.scale) && close(f.margin, c.margin) && close(f.bias, c.bias),
            "fitted {f:?}, committed {c:?}"
        );
    }
}

fn score(u: &Understander, set: &[DevExample]) -> (f32, f32) {
    let r = evaluate(u, set);
    let all = r.row(None).expect("a total row");
    (all.life_event_top1, all.class_hit3)
}

#[test]
#[ignore = "tuning tool: prints the grid on the tune split"]
fn fusion_grid_on_tune() {
    let Some(e5) = e5() else { return };
    let tune: Vec<DevExample> = load_dev_set()
        .into_iter()
        .filter(|e| e.split == Split::Tune)
        .collect();
    let (le0, cls0) = score(&Understander::new(), &tune);
    eprintln!("lexical: life-event top-1 {le0:.3}, class hit@3 {cls0:.3}");
    for margin in [0.01, 0.02, 0.03, 0.05] {
        for life_events in [0.0, 0.25, 0.5, 1.0, 1.5, 2.0, 3.0] {
            for service_classes in [0.0, 0.5, 1.0, 2.0, 3.0] {
                let fusion = Fusion {
                    life_events,
                    service_classes,
                    margin,
                };
                let u = with_vectors(&e5).with_fusion(fusion);
                let r = evaluate(&u, &tune);
                let (le, cls) = r
                    .row(None)
                    .map_or((0.0, 0.0), |a| (a.life_event_top1, a.class_hit3));
                let per_lang: Vec<String> = [Lang::Fi, Lang::Sv, Lang::En]
                    .iter()
                    .filter_map(|&l| {
                        r.row(Some(l))
                            .map(|r| format!("{l} {:.2}/{:.2}", r.life_event_top1, r.class_hit3))
                    })
                    .collect();
                eprintln!(
                    "margin {margin} le {life_events} cls {service_classes}: {le:.3} {cls:.3}  {}",
                    per_lang.join("  ")
                );
            }
        }
    }
}
