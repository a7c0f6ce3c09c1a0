//! Shared fixtures: one `Understander` for the whole binary and assertion helpers.

use std::sync::OnceLock;

use aurora_nlu::{UnderstandOptions, Understander, Understanding};

pub fn understander() -> &'static Understander {
    static U: OnceLock<Understander> = OnceLock::new();
    U.get_or_init(Understander::new)
}

/// Analyses with default options, failing the test on an error.
#[track_caller]
pub fn understand(text: &str) -> Understanding {
    understander()
        .understand(text, &UnderstandOptions::default())
        .unwrap_or_else(|e| panic!("{text:?}: {e}"))
}

/// Codes of the labels chosen on their own evidence (implied parents left out).
pub fn own_codes(labels: &[aurora_nlu::Label]) -> Vec<&str> {
    labels
        .iter()
        .filter(|l| l.implied_by.is_none())
        .map(|l| l.code.as_str())
        .collect()
}
