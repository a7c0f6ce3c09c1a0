//! The real model: shape, determinism, truncation, hostile input, threads, and a golden
//! cross-lingual ranking.

use std::io::Write;
use std::sync::OnceLock;
use std::time::Instant;

use aurora_embed::{passage_text, E5Embedder, EmbedError, Embedder, E5_DIM, PINNED_MODEL_ID};

use crate::{dot, norm};

/// The model, loaded once for the whole binary (the tests share it across threads, as a
/// server would). `None` means: skip, the model file is absent on a developer machine.
fn model(test: &str) -> Option<&'static E5Embedder> {
    static MODEL: OnceLock<Result<E5Embedder, EmbedError>> = OnceLock::new();
    match MODEL.get_or_init(E5Embedder::load_default) {
        Ok(m) => Some(m),
        Err(e @ EmbedError::ModelMissing { .. }) => {
            let required = std::env::var("CI").is_ok_and(|v| v == "true")
                || std::env::var("AURORA_REQUIRE_E5").is_ok_and(|v| v == "1");
            assert!(
                !required,
                "{test}: {e} (CI=true or AURORA_REQUIRE_E5=1: the model is required)"
            );
            // Straight to stderr, not `eprintln!`: the test harness captures the macros'
            // output of passing tests, and a skip must be visible.
            let _ = writeln!(std::io::stderr(), "SKIP {test}: {e}");
            None
        }
        // A file that exists but does not load is a failure everywhere.
        Err(e) => panic!("{test}: {e}"),
    }
}

fn query(e: &E5Embedder, t: &str) -> Vec<f32> {
    e.embed_query(t).expect("query embeds")
}

fn passages(e: &E5Embedder, ts: &[&str]) -> Vec<Vec<f32>> {
    e.embed_passages(ts).expect("passages embed")
}

/// Worded like a PTV service text: name, summary line, description.
const HOUSING_ALLOWANCE: &str = "Yleinen asumistuki\nYleistä asumistukea voi saada \
pienituloinen ruokakunta asumiskustannusten pienentämiseksi.\nAsumistukea haetaan Kelasta. \
Asumistuki on tarkoitettu pienituloisille vuokra-asunnossa, osaomistusasunnossa tai \
omistusasunnossa asuville. Asumistuen määrään vaikuttavat ruokakunnan koko, tulot, \
asumismenot ja asunnon sijaintikunta. Voit hakea asumistukea verkossa OmaKelassa tai \
paperilomakkeella.";

const UNRELATED: [&str; 6] = [
    "Kunnallinen päiväkotihoito\nPäiväkodissa järjestetään varhaiskasvatusta alle \
     kouluikäisille lapsille. Hae varhaiskasvatuspaikkaa neljä kuukautta ennen tarvetta.",
    "Verokortti\nVerokortilla ilmoitat työnantajalle, kuinka paljon veroa palkastasi \
     pidätetään. Voit tilata uuden verokortin OmaVerossa.",
    "Jätehuolto\nKunta järjestää asumisessa syntyvien jätteiden kuljetuksen ja käsittelyn. \
     Lajittele biojäte, kartonki, lasi ja metalli.",
    "Kirjastopalvelut\nKirjastosta voit lainata kirjoja, e-kirjoja ja musiikkia \
     kirjastokortilla maksutta.",
    "Rakennuslupa\nRakennuslupa tarvitaan uuden rakennuksen rakentamiseen tai \
     laajentamiseen. Hae lupaa Lupapiste-palvelussa.",
    "Koiravero ja koirarekisteri\nIlmoita koirasi kunnan koirarekisteriin ja maksa \
     vuotuinen koiravero.",
];

#[test]
fn vectors_are_384_dimensional_unit_length_and_carry_the_pinned_model_id() {
    let Some(e) = model("vectors_are_384_dimensional_unit_length") else {
        return;
    };
    assert_eq!(e.dim(), E5_DIM);
    assert_eq!(e.model_id(), PINNED_MODEL_ID);
    let mut all = passages(e, &[HOUSING_ALLOWANCE, "Simhallen", "Swimming Centre", "x"]);
    all.push(query(e, "hur ansöker jag om bostadsbidrag"));
    all.push(query(e, "?"));
    for v in all {
        assert_eq!(v.len(), 384);
        assert!(v.iter().all(|x| x.is_finite()));
        assert!((norm(&v) - 1.0).abs() < 1e-4, "norm {}", norm(&v));
    }
}

#[test]
fn the_same_text_gives_the_same_vector_alone_or_in_a_batch() {
    let Some(e) = model("the_same_text_gives_the_same_vector") else {
        return;
    };
    let a = query(e, "miten haen asumistukea");
    assert_eq!(
        a,
        query(e, "miten haen asumistukea"),
        "bit-identical on repeat"
    );
    let alone = passages(e, &[HOUSING_ALLOWANCE]).remove(0);
    let mut batch = UNRELATED.to_vec();
    batch.insert(3, HOUSING_ALLOWANCE);
    let in_batch = passages(e, &batch).remove(3);
    for (x, y) in alone.iter().zip(&in_batch) {
        assert!((x - y).abs() < 1e-6, "{x} vs {y}");
    }
}

#[test]
fn queries_and_passages_get_different_prefixes() {
    let Some(e) = model("queries_and_passages_get_different_prefixes") else {
        return;
    };
    let t = "asumistuki";
    let cos = dot(&query(e, t), &passages(e, &[t])[0]);
    // "query: x" and "passage: x" are close but not the same input.
    assert!(cos < 0.999 && cos > 0.8, "cos {cos}");
}

/// The golden check: a Swedish, an English and a Finnish question about housing allowance
/// all rank the Finnish housing-allowance passage first among unrelated Finnish services.
///
/// Margins measured with the pinned model (AVX2 / portable kernel): Swedish +0.019 /
/// +0.018, Finnish +0.081 / +0.081, English only +0.0033 / +0.0027: the English "how do I
/// apply for …" frame scores almost as high against the dog-tax passage ("Ilmoita koirasi
/// … maksa …"). English questions against Finnish-only text are the model's weak spot,
/// which is why search fuses these scores with BM25 rather than trusting them alone. The
/// Swedish and Finnish margins are asserted too, so a quality regression fails here even
/// where the ranking would survive it.
#[test]
fn swedish_english_and_finnish_queries_find_the_finnish_housing_allowance_first() {
    let Some(e) = model("cross_lingual_golden_ranking") else {
        return;
    };
    let mut docs = vec![HOUSING_ALLOWANCE];
    docs.extend(UNRELATED);
    let pv = passages(e, &docs);
    for (q, margin) in [
        ("hur ansöker jag om bostadsbidrag", 0.01),
        ("how do I apply for housing allowance", 0.0),
        ("miten haen asumistukea", 0.05),
    ] {
        let qv = query(e, q);
        let scores: Vec<f32> = pv.iter().map(|p| dot(&qv, p)).collect();
        let best_other = scores[1..].iter().copied().fold(f32::MIN, f32::max);
        assert!(
            scores[0] > best_other + margin,
            "{q}: housing allowance {} vs best unrelated {best_other} ({scores:?})",
            scores[0]
        );
    }
}

#[test]
fn text_past_the_window_is_ignored_and_huge_input_is_cheap() {
    let Some(e) = model("text_past_the_window_is_ignored") else {
        return;
    };
    let head = "Kela maksaa asumistukea pienituloisille ruokakunnille. ".repeat(80);
    assert!(
        e.passage_token_count(&head) > 600,
        "head must overflow the window"
    );
    let a = passages(
        e,
        &[
            &format!("{head} koira"),
            &format!("{head} kissa kissa kissa"),
        ],
    );
    assert_eq!(a[0], a[1], "only the first 510 tokens count");
    let short = passages(
        e,
        &["Kela maksaa asumistukea pienituloisille ruokakunnille."],
    );
    assert_ne!(a[0], short[0]);

    let huge = "asumistuki ".repeat(100_000); // 1.1 MB
    let t = Instant::now();
    let v = query(e, &huge);
    assert!((norm(&v) - 1.0).abs() < 1e-4);
    assert!(t.elapsed().as_secs_f64() < 5.0, "took {:?}", t.elapsed());
}

#[test]
fn hostile_unicode_and_nul_embed_without_harm() {
    let Some(e) = model("hostile_unicode_and_nul") else {
        return;
    };
    // The tokenizer's normaliser expands U+FDFA (3 bytes) to 18 code points; upstream e5.c
    // sized its buffer for 4 per byte, so this input wrote past it (a segfault or a garbled
    // vector; see vendor/README.md). Patched, it must embed exactly like its expansion.
    let fdfa = query(e, &"\u{FDFA}".repeat(5000));
    let expanded = query(e, &"صلى الله عليه وسلم".repeat(480));
    assert_eq!(fdfa, expanded);
    let mixed = "a\0b \u{0} \u{10FFFF}\u{200B}\u{FEFF} 🏠 ﬁ ㌖ \u{0301}";
    for t in [mixed, "\u{200B}", "\u{0301}"] {
        let v = query(e, t);
        assert!((norm(&v) - 1.0).abs() < 1e-4, "{t:?}");
    }
}

#[test]
fn four_threads_at_once_get_the_vectors_one_thread_gets() {
    let Some(e) = model("four_threads_at_once") else {
        return;
    };
    let texts = [
        "hur ansöker jag om bostadsbidrag",
        "päivähoitopaikka lapselle",
        "I need a new tax card",
        HOUSING_ALLOWANCE,
    ];
    let sequential: Vec<Vec<f32>> = texts.iter().map(|t| query(e, t)).collect();
    let batch_seq = passages(e, &UNRELATED);
    std::thread::scope(|s| {
        let handles: Vec<_> = (0..4)
            .map(|i| {
                let sequential = &sequential;
                let batch_seq = &batch_seq;
                s.spawn(move || {
                    for round in 0..3 {
                        let k = (i + round) % texts.len();
                        assert_eq!(
                            query(e, texts[k]),
                            sequential[k],
                            "thread {i} round {round}"
                        );
                        if (i + round) % 2 == 0 {
                            assert_eq!(&passages(e, &UNRELATED), batch_seq, "thread {i}");
                        }
                    }
                })
            })
            .collect();
        for h in handles {
            h.join().expect("no thread panicked");
        }
    });
}

#[test]
fn blank_input_is_an_error_not_a_vector() {
    let Some(e) = model("blank_input_is_an_error") else {
        return;
    };
    assert!(matches!(
        e.embed_query(""),
        Err(EmbedError::EmptyText { index: 0 })
    ));
    assert!(matches!(
        e.embed_passages(&[HOUSING_ALLOWANCE, " \n "]),
        Err(EmbedError::EmptyText { index: 1 })
    ));
}

#[test]
fn a_long_multilingual_service_passage_fits_the_window() {
    let Some(e) = model("a_long_multilingual_service_passage_fits_the_window") else {
        return;
    };
    let s = crate::passage::long_trilingual_service();
    let text = passage_text(&s);
    let tokens = e.passage_token_count(&text);
    assert!(tokens <= 512, "{tokens} tokens");
    let v = passages(e, &[&text]).remove(0);
    // Its names in all three languages are in the window, so each language's query finds it.
    for q in ["asumistuki", "bostadsbidrag", "housing allowance"] {
        let other = passages(e, &UNRELATED);
        let qv = query(e, q);
        let own = dot(&qv, &v);
        assert!(other.iter().all(|o| dot(&qv, o) < own), "{q}");
    }
}
