//! Urgent danger: each kind in each language raises the flag with 112 first; ordinary texts
//! with alarming-looking words do not.

use aurora_nlu::UrgencyKind;

use crate::common::understand;

#[test]
fn urgent_phrases_route_to_emergency_numbers() {
    use UrgencyKind::*;
    let table: [(&str, UrgencyKind); 15] = [
        ("En halua enää elää", SelfHarm),
        ("mietin itsemurhaa", SelfHarm),
        ("Jag vill inte leva längre", SelfHarm),
        ("jag tänker på självmord", SelfHarm),
        ("I want to end my life", SelfHarm),
        ("Mieheni lyö minua", Violence),
        ("kumppani uhkaa tappaa minut", Violence),
        ("Min man slår mig", Violence),
        ("he beats me when he drinks", Violence),
        ("naapurissa on tulipalo", Emergency),
        ("isä ei hengitä", Emergency),
        ("det brinner i köket", Emergency),
        ("min mamma är medvetslös", Emergency),
        ("my dad is unconscious", Emergency),
        ("someone is having a heart attack", Emergency),
    ];
    for (text, kind) in table {
        let out = understand(text);
        let u = out
            .urgent
            .as_ref()
            .unwrap_or_else(|| panic!("{text}: not flagged"));
        assert_eq!(u.kind, kind, "{text}");
        assert_eq!(u.numbers[0].number, "112", "{text}");
        assert!(!u.text.is_empty(), "{text}");
        assert!(
            out.explanation
                .iter()
                .any(|e| e.label_code.starts_with("urgent:")),
            "{text}"
        );
    }
    let self_harm = understand("haluan kuolla").urgent.unwrap();
    assert_eq!(self_harm.numbers[1].number, "09 2525 0111");
}

#[test]
fn alarming_words_in_ordinary_texts_do_not_alarm() {
    for text in [
        "I was fired from my job",
        "I'm drowning in debt",
        "mikä on hätänumero ulkomailla",
        "tarvitsen palovaroittimen",
        "väkivallaton viestintä -kurssi",
        "emergency room opening hours",
        "firma meni konkurssiin",
    ] {
        assert_eq!(understand(text).urgent, None, "{text}");
    }
}
