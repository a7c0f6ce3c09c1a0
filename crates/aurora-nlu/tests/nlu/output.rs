//! The answer's shape: JSON field names clients depend on, best-first order, hierarchy and
//! explanations.

use aurora_nlu::UnderstandOptions;
use serde_json::Value;

use crate::common::{understand, understander};

#[test]
fn json_has_the_stable_field_names() {
    let out = understand("Jäin työttömäksi Turussa, olen 19-vuotias");
    let v: Value = serde_json::to_value(&out).unwrap();
    assert_eq!(v["language"]["code"], "fi");
    assert!(v["language"]["confidence"].is_number());
    for key in ["life_events", "service_classes", "target_groups"] {
        let first = &v[key][0];
        assert!(first["code"].is_string(), "{key}");
        for lang in ["fi", "sv", "en"] {
            assert!(first["label"][lang].is_string(), "{key}.label.{lang}");
        }
        assert!(first["confidence"].is_number(), "{key}");
        assert!(first["evidence"].is_array(), "{key}");
    }
    assert_eq!(v["life_events"][0]["code"], "KE8");
    let m = &v["entities"]["municipalities"][0];
    assert_eq!(m["code"], "853");
    assert_eq!(m["name"]["sv"], "Åbo");
    assert_eq!(m["text"], "Turussa");
    assert_eq!(m["role"], "location");
    assert!(m["span"].is_array());
    assert_eq!(v["entities"]["ages"][0]["value"], 19);
    assert!(v["entities"]["dates"].is_array() && v["entities"]["durations"].is_array());
    assert!(v["urgent"].is_null());
    assert!(v["explanation"].is_array());

    let urgent: Value = serde_json::to_value(understand("haluan tappaa itseni")).unwrap();
    assert_eq!(urgent["urgent"]["kind"], "self_harm");
    assert_eq!(urgent["urgent"]["numbers"][0]["number"], "112");
    assert_eq!(
        urgent["urgent"]["numbers"][0]["label"]["en"],
        "Emergency number"
    );
}

#[test]
fn labels_are_best_first_and_parents_follow_children() {
    let out = understand("Haen asumistukea ja opintotukea");
    for list in [&out.life_events, &out.service_classes] {
        let own: Vec<f32> = list
            .iter()
            .filter(|l| l.implied_by.is_none())
            .map(|l| l.confidence)
            .collect();
        assert!(own.windows(2).all(|w| w[0] >= w[1]), "{own:?}");
    }
    let codes: Vec<&str> = out
        .service_classes
        .iter()
        .map(|l| l.code.as_str())
        .collect();
    // P1.4 (housing benefits) brings P1 (housing) right after it, marked as implied.
    let child = codes.iter().position(|c| *c == "P1.4").expect("P1.4");
    let parent = &out.service_classes[child + 1];
    assert_eq!(parent.code, "P1");
    assert_eq!(parent.implied_by.as_deref(), Some("P1.4"));
    assert!(parent.confidence >= out.service_classes[child].confidence);
    assert!(codes.contains(&"P6.14"), "{codes:?}");
}

#[test]
fn explanation_names_the_words() {
    let text = "Jäin työttömäksi ja tarvitsen asumistukea";
    let out = understand(text);
    let ke8 = out
        .explanation
        .iter()
        .find(|e| e.label_code == "KE8")
        .expect("KE8 explained");
    assert_eq!(ke8.words, ["työttömäksi"]);
    for (e, (s, end)) in ke8.words.iter().zip(&ke8.spans) {
        assert_eq!(&text[*s..*end], e);
    }
    let p14 = out
        .explanation
        .iter()
        .find(|e| e.label_code == "P1.4")
        .expect("P1.4 explained");
    assert!(p14.words.contains(&"asumistukea".to_string()), "{p14:?}");
    // Classes known only from the catalogue are explained by the catalogue's words.
    let out = understand("Miten haen metsänhoitoon tukea?");
    if let Some(first) = out.service_classes.first() {
        assert!(!first.evidence.is_empty(), "{first:?}");
    }
}

#[test]
fn options_limit_and_threshold() {
    let u = understander();
    let text = "Jäin työttömäksi, erotaan, velkaa on paljon ja isä kuoli";
    let few = u
        .understand(
            text,
            &UnderstandOptions {
                max_life_events: 1,
                max_service_classes: 2,
                ..UnderstandOptions::default()
            },
        )
        .unwrap();
    assert_eq!(
        few.life_events
            .iter()
            .filter(|l| l.implied_by.is_none())
            .count(),
        1
    );
    assert!(
        few.service_classes
            .iter()
            .filter(|l| l.implied_by.is_none())
            .count()
            <= 2
    );
    let strict = u
        .understand(
            text,
            &UnderstandOptions {
                min_confidence: 0.99,
                ..UnderstandOptions::default()
            },
        )
        .unwrap();
    assert!(strict.life_events.iter().all(|l| l.confidence >= 0.99));
}
