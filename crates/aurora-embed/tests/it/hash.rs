//! The hashing embedder: a test stand-in, so its promises are its determinism and shape.

use aurora_embed::{EmbedError, Embedder, HashEmbedder};

use crate::{dot, norm};

#[test]
fn vectors_have_the_requested_dimension_and_unit_length() {
    for dim in [1, 8, 384] {
        let e = HashEmbedder::new(dim);
        assert_eq!(e.dim(), dim);
        assert!(
            e.model_id().ends_with(&format!("@{dim}")),
            "{}",
            e.model_id()
        );
        for text in [
            "asumistuki",
            "hur ansöker jag om bostadsbidrag",
            "!!",
            "ÄÖÅ äöå",
        ] {
            let v = e.embed_query(text).expect("embeds");
            assert_eq!(v.len(), dim);
            assert!(
                (norm(&v) - 1.0).abs() < 1e-5,
                "{text} at {dim}: {}",
                norm(&v)
            );
        }
    }
    assert_eq!(HashEmbedder::default().dim(), 384);
}

#[test]
fn the_same_text_gives_the_same_vector_every_time_and_on_every_platform() {
    let e = HashEmbedder::default();
    let a = e.embed_query("Miten haen asumistukea?").expect("embeds");
    let b = e
        .embed_passages(&["Miten haen asumistukea?"])
        .expect("embeds");
    assert_eq!(a, b[0], "query and passage are embedded alike");
    assert_eq!(
        a,
        HashEmbedder::default()
            .embed_query("Miten haen asumistukea?")
            .expect("embeds")
    );
    // Pinned coordinates: the hash is fixed FNV-1a, not std's seeded hasher, so vectors stored
    // by one build are valid in the next. A change here must bump the model id.
    let v = HashEmbedder::new(16)
        .embed_query("asumistuki")
        .expect("embeds");
    let pinned: Vec<i32> = v.iter().map(|x| (x * 1000.0).round() as i32).collect();
    assert_eq!(pinned, PINNED_16);
}

const PINNED_16: [i32; 16] = [
    500, 250, 250, 0, 250, 0, -500, 250, 0, -250, 0, 0, -250, 250, 0, -250,
];

#[test]
fn shared_spelling_scores_higher_than_unrelated_words_but_meaning_does_not_count() {
    let e = HashEmbedder::default();
    let v = |t: &str| e.embed_query(t).expect("embeds");
    let base = v("asumistuki");
    let inflected = dot(&base, &v("asumistukea"));
    let unrelated = dot(&base, &v("koiravero"));
    let translation = dot(&base, &v("bostadsbidrag"));
    assert!(inflected > 0.3, "inflected {inflected}");
    assert!(inflected > unrelated + 0.2, "{inflected} vs {unrelated}");
    assert!(
        translation.abs() < 0.2,
        "not semantic: translation scores {translation}"
    );
    assert_eq!(v("ASUMISTUKI"), base, "lower-cased");
    assert_eq!(v("  asumistuki \n"), base, "whitespace-insensitive");
}

#[test]
fn blank_text_is_refused_with_its_position() {
    let e = HashEmbedder::default();
    assert!(matches!(
        e.embed_query(" \t"),
        Err(EmbedError::EmptyText { index: 0 })
    ));
    assert!(matches!(
        e.embed_passages(&["a", "b", ""]),
        Err(EmbedError::EmptyText { index: 2 })
    ));
    assert!(e.embed_passages(&[]).expect("empty batch").is_empty());
}
