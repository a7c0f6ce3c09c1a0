//! What of a service is embedded.

use aurora_embed::{passage_text, PASSAGE_MAX_CHARS};
use aurora_model::Service;

fn service(json: serde_json::Value) -> Service {
    let mut base = serde_json::json!({
        "id": "00000000-0000-0000-0000-000000000001",
        "kind": "Service",
        "publishing_status": "Published",
        "area_type": "Nationwide",
    });
    if let (Some(b), Some(extra)) = (base.as_object_mut(), json.as_object()) {
        b.extend(extra.clone());
    }
    serde_json::from_value(base).expect("a valid service")
}

/// A service with every text field in fi, sv and en, each description 3,000 characters.
pub fn long_trilingual_service() -> Service {
    let long = |sentence: &str| sentence.repeat(3000 / sentence.len() + 1);
    service(serde_json::json!({
        "name": {"fi": "Yleinen asumistuki", "sv": "Allmänt bostadsbidrag", "en": "General housing allowance"},
        "alternative_name": {"fi": "Asumistuki"},
        "summary": {
            "fi": "Kela maksaa asumistukea pienituloisille.",
            "sv": "FPA betalar bostadsbidrag till låginkomsttagare.",
            "en": "Kela pays housing allowance to low-income households."
        },
        "description": {
            "fi": long("Tuen määrään vaikuttavat tulot ja asumismenot. "),
            "sv": long("Bidraget påverkas av inkomster och boendeutgifter. "),
            "en": long("The amount depends on income and housing costs. ")
        },
        "keywords": [{"lang": "fi", "value": "vuokra"}, {"lang": "sv", "value": "hyra"}]
    }))
}

#[test]
fn short_fields_of_every_language_come_before_any_description() {
    let text = passage_text(&long_trilingual_service());
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(
        &lines[..9],
        &[
            "Yleinen asumistuki",
            "Asumistuki",
            "Kela maksaa asumistukea pienituloisille.",
            "vuokra",
            "Allmänt bostadsbidrag",
            "FPA betalar bostadsbidrag till låginkomsttagare.",
            "hyra",
            "General housing allowance",
            "Kela pays housing allowance to low-income households.",
        ]
    );
    assert!(lines[9].starts_with("Tuen määrään"), "{}", lines[9]);
}

#[test]
fn the_passage_is_bounded_and_cut_at_a_word() {
    let text = passage_text(&long_trilingual_service());
    let chars = text.chars().count();
    assert!(
        chars <= PASSAGE_MAX_CHARS && chars > PASSAGE_MAX_CHARS - 100,
        "{chars}"
    );
    // The Finnish description (3,000 chars) fills the rest, so it is the last line, cut
    // after a whole word; the Swedish and English ones do not fit.
    let last = text.lines().last().expect("has lines");
    let full = "Tuen määrään vaikuttavat tulot ja asumismenot. ".repeat(64);
    assert!(last.len() > 100 && full.starts_with(last), "{last:?}");
    assert_eq!(
        full.as_bytes()[last.len()],
        b' ',
        "cut at a word boundary: {last:?}"
    );
    assert!(!text.contains("Bidraget påverkas"));
}

#[test]
fn a_finnish_only_service_gives_finnish_text_with_collapsed_whitespace() {
    let s = service(serde_json::json!({
        "name": {"fi": "Koiravero"},
        "summary": {"fi": "Maksa   koiravero\n ajoissa."},
        "description": {"fi": "Kunta perii koiraveroa."}
    }));
    assert_eq!(
        passage_text(&s),
        "Koiravero\nMaksa koiravero ajoissa.\nKunta perii koiraveroa."
    );
}

#[test]
fn languages_without_text_are_skipped_and_repeats_are_kept() {
    let s = service(serde_json::json!({
        "name": {"fi": "Kirjasto", "en": "Kirjasto"},
        "alternative_name": {"fi": "Kirjasto"},
        "summary": {"fi": "Lainaa kirjoja.", "en": "Borrow books."}
    }));
    assert_eq!(
        passage_text(&s),
        "Kirjasto\nKirjasto\nLainaa kirjoja.\nKirjasto\nBorrow books."
    );
}

#[test]
fn a_service_without_text_gives_an_empty_passage() {
    let s = service(serde_json::json!({"name": {}}));
    assert_eq!(passage_text(&s), "");
}
