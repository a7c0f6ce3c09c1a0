//! Bad input: empty and oversized text are errors with clear messages; binary junk, mixed
//! scripts and emoji get a low-confidence answer; nothing panics.

use aurora_nlu::{fuzz_understand, NluError, UnderstandOptions, MAX_TEXT_CHARS};

use crate::common::{understand, understander};

#[test]
fn empty_and_whitespace_are_errors() {
    for text in ["", " ", "\n\t  \r\n", "\u{3000}"] {
        let err = understander()
            .understand(text, &UnderstandOptions::default())
            .unwrap_err();
        assert_eq!(err, NluError::EmptyText, "{text:?}");
        assert!(err.is_user_error());
    }
}

#[test]
fn text_over_the_limit_is_an_error() {
    let big = "asumistuki ".repeat(100_000 / 11 + 1); // about 100 kB
    let err = understander()
        .understand(&big, &UnderstandOptions::default())
        .unwrap_err();
    assert_eq!(
        err,
        NluError::TextTooLong {
            chars: big.chars().count(),
            max: MAX_TEXT_CHARS
        }
    );
    assert!(err.to_string().contains("at most 10000"), "{err}");
    // Exactly at the limit is fine (multi-byte characters count once).
    let at_limit = "ä".repeat(MAX_TEXT_CHARS);
    assert!(understander()
        .understand(&at_limit, &UnderstandOptions::default())
        .is_ok());
}

#[test]
fn binary_mixed_scripts_and_emoji_get_low_confidence() {
    let binary: String =
        String::from_utf8_lossy(&(0u8..=255).cycle().take(3000).collect::<Vec<_>>()).into_owned();
    let cases = [
        binary.as_str(),
        "🙂🙂🙂🏠💶",
        "Я хочу переехать в Тампере",
        "我想搬家 到 赫尔辛基",
        "مرحبا أحتاج مساعدة",
        "asumistuki 我想搬家 住房补贴 赫尔辛基 搬家 帮助",
        "\u{0}\u{1}\u{2}asumistuki\u{7f}",
        "🙂 asumistuki 🙂",
    ];
    for text in cases {
        let out = understand(text);
        assert!((0.0..=1.0).contains(&out.language.confidence));
        let all = out
            .life_events
            .iter()
            .chain(&out.service_classes)
            .chain(&out.target_groups);
        for l in all {
            assert!((0.0..=1.0).contains(&l.confidence), "{text:?} {}", l.code);
        }
    }
    // Other scripts: the language is a guess, and says so.
    for text in [
        "Я хочу переехать",
        "我想搬家",
        "مرحبا أحتاج مساعدة",
        "🙂🙂🙂",
    ] {
        let out = understand(text);
        assert!(out.language.confidence < 0.3, "{text}: {:?}", out.language);
        assert!(out.life_events.is_empty(), "{text}");
    }
    // Mostly foreign script with one Finnish word: the word is found, with less confidence
    // than alone.
    let mixed = understand("asumistuki 我想搬家 住房补贴 赫尔辛基 搬家 帮助");
    let alone = understand("asumistuki");
    let conf = |o: &aurora_nlu::Understanding| {
        o.service_classes
            .iter()
            .find(|l| l.code == "P1.4")
            .map(|l| l.confidence)
            .unwrap_or(0.0)
    };
    assert!(
        conf(&mixed) < conf(&alone),
        "{} vs {}",
        conf(&mixed),
        conf(&alone)
    );
}

#[test]
fn fuzz_entry_point_survives_arbitrary_bytes() {
    // A deterministic xorshift stream: no rand dependency, same bytes every run.
    let mut state = 0x9E37_79B9_7F4A_7C15u64;
    let mut next = || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    for round in 0..300 {
        let len = (next() % 400) as usize;
        let mut bytes: Vec<u8> = (0..len).map(|_| next() as u8).collect();
        // Every other round: mostly ASCII/Finnish letters with junk, to reach the analysers.
        if round % 2 == 0 {
            let alphabet = "aäöeiouy ksltnmrvhpjå-'.:1234567890Å ";
            let chars: Vec<char> = alphabet.chars().collect();
            let text: String = (0..len)
                .map(|_| chars[(next() % chars.len() as u64) as usize])
                .collect();
            bytes = text.into_bytes();
        }
        fuzz_understand(&bytes);
    }
    for edge in [
        &b""[..],
        b"   ",
        b"\xff\xfe\xfd",
        b"19-",
        b"-19",
        b"1.",
        b"1.1.",
        b"S:t",
        b"i",
        b"2025-13-45",
        "ä".repeat(MAX_TEXT_CHARS + 1).as_bytes(),
    ] {
        fuzz_understand(edge);
    }
}
