//! Language identification, with the hard cases: one or two words, words shared by the
//! languages, and the hint.

use aurora_model::Lang;
use aurora_nlu::UnderstandOptions;

use crate::common::{understand, understander};

#[test]
fn short_and_long_texts() {
    let table: [(&str, Lang); 21] = [
        ("asumistuki", Lang::Fi),
        ("bostadsbidrag", Lang::Sv),
        ("housing allowance", Lang::En),
        ("työttömyysturva", Lang::Fi),
        ("arbetslös", Lang::Sv),
        ("unemployed", Lang::En),
        ("neuvola", Lang::Fi),
        ("mödrarådgivning", Lang::Sv),
        ("maternity clinic", Lang::En),
        ("muutan tampereelle", Lang::Fi),
        ("jag flyttar", Lang::Sv),
        ("moving out", Lang::En),
        ("mun äiti kuoli", Lang::Fi),
        ("min mamma dog", Lang::Sv),
        ("my mum died", Lang::En),
        ("Hei, tarviin apua vuokran kanssa", Lang::Fi),
        ("Hej, jag behöver hjälp med hyran", Lang::Sv),
        ("Hi, I need help with the rent", Lang::En),
        ("Mistä saan apua kun rahat loppuivat kesken kuun?", Lang::Fi),
        (
            "Var får jag hjälp när pengarna tog slut mitt i månaden?",
            Lang::Sv,
        ),
        (
            "Where can I get help when my money ran out mid-month?",
            Lang::En,
        ),
    ];
    let mut wrong = Vec::new();
    for (text, lang) in table {
        let out = understand(text);
        if out.language.code != lang {
            wrong.push(format!("{text:?}: {:?}, want {lang:?}", out.language));
        }
        assert!((0.0..=1.0).contains(&out.language.confidence));
    }
    assert!(wrong.is_empty(), "\n{}", wrong.join("\n"));
}

#[test]
fn hint_settles_ambiguous_words_but_does_not_override_clear_text() {
    let u = understander();
    let hinted = |text: &str, lang: Lang| {
        u.understand(text, &UnderstandOptions::default().with_lang_hint(lang))
            .unwrap()
            .language
            .code
    };
    // "pension" is Swedish and English.
    assert_eq!(hinted("pension", Lang::Sv), Lang::Sv);
    assert_eq!(hinted("pension", Lang::En), Lang::En);
    // A clear Finnish sentence stays Finnish in the Swedish interface.
    assert_eq!(
        hinted("Jäin työttömäksi enkä tiedä mitä tehdä", Lang::Sv),
        Lang::Fi
    );
}

#[test]
fn no_words_means_no_confidence() {
    for text in ["🙂🙂🙂", "12345", "?!"] {
        let out = understand(text);
        assert_eq!(out.language.confidence, 0.0, "{text}");
    }
}
