//! Urgent danger: self-harm, violence and emergencies, routed to emergency numbers first.
//!
//! The phrases live in the lexicon under the pseudo-labels `!self_harm`, `!violence` and
//! `!emergency` (fi/sv/en). Recall matters more than precision here: a false alarm shows a
//! phone number to someone who did not need it, a miss can cost a life. So one strong phrase
//! is enough ([`TRIGGER`]), negation is not looked at (*en halua elää* "I don't want to live"
//! is itself the alarm), and the urgent flag does not depend on the language detected.
//!
//! Numbers: 112 (the general emergency number) comes first for every kind. Self-harm adds the
//! MIELI crisis line (Finnish 09 2525 0111); violence adds Nollalinja, the free helpline for
//! violence in close relationships (080 005 005). These are operated by third parties and
//! change rarely but do change: verify them before each release.

use aurora_model::Localized;
use serde::{Deserialize, Serialize};

/// Score a kind needs to be flagged; one full-weight phrase.
pub(crate) const TRIGGER: f32 = 1.0;

/// The kind of danger.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum UrgencyKind {
    /// Suicidal thoughts or self-harm.
    SelfHarm,
    /// Violence or threats by another person.
    Violence,
    /// Fire, accident, acute illness or another emergency.
    Emergency,
}

impl UrgencyKind {
    /// The lexicon pseudo-label of this kind (`!self_harm`, …).
    pub(crate) fn from_label(code: &str) -> Option<Self> {
        match code {
            "!self_harm" => Some(UrgencyKind::SelfHarm),
            "!violence" => Some(UrgencyKind::Violence),
            "!emergency" => Some(UrgencyKind::Emergency),
            _ => None,
        }
    }

    /// Which kind wins when several match: threats to life from oneself, then from others.
    pub(crate) fn priority(self) -> u8 {
        match self {
            UrgencyKind::SelfHarm => 0,
            UrgencyKind::Violence => 1,
            UrgencyKind::Emergency => 2,
        }
    }
}

/// A phone number to call.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct EmergencyNumber {
    /// The number as people dial it, e.g. `"112"`.
    pub number: String,
    /// Who answers, in fi/sv/en.
    pub label: Localized,
}

/// Urgent danger found in the text; clients must show it before anything else.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Urgency {
    /// What kind of danger.
    pub kind: UrgencyKind,
    /// The words that raised the flag, as written.
    pub text: String,
    /// Numbers to call, most urgent first (always 112 first).
    pub numbers: Vec<EmergencyNumber>,
}

/// The numbers for a kind of danger, most urgent first.
pub fn emergency_numbers(kind: UrgencyKind) -> Vec<EmergencyNumber> {
    let mut out = vec![EmergencyNumber {
        number: "112".into(),
        label: Localized::new("Hätänumero", "Nödnumret", "Emergency number"),
    }];
    match kind {
        UrgencyKind::SelfHarm => out.push(EmergencyNumber {
            number: "09 2525 0111".into(),
            label: Localized::new(
                "MIELI ry:n Kriisipuhelin (ympäri vuorokauden)",
                "MIELI rf:s kristelefon (dygnet runt, på finska)",
                "MIELI crisis helpline (24/7, in Finnish)",
            ),
        }),
        UrgencyKind::Violence => out.push(EmergencyNumber {
            number: "080 005 005".into(),
            label: Localized::new(
                "Nollalinja: lähisuhdeväkivallan auttava puhelin (maksuton, ympäri vuorokauden)",
                "Nollalinjen: hjälptelefon vid våld i nära relationer (avgiftsfri, dygnet runt)",
                "Nollalinja helpline for violence in close relationships (free, 24/7)",
            ),
        }),
        UrgencyKind::Emergency => {}
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use aurora_model::Lang;

    #[test]
    fn every_kind_starts_with_112() {
        for kind in [
            UrgencyKind::SelfHarm,
            UrgencyKind::Violence,
            UrgencyKind::Emergency,
        ] {
            let numbers = emergency_numbers(kind);
            assert_eq!(numbers[0].number, "112", "{kind:?}");
            for n in &numbers {
                assert!(n.label.exact(Lang::Sv).is_some() && n.label.exact(Lang::En).is_some());
            }
        }
        assert_eq!(
            emergency_numbers(UrgencyKind::SelfHarm)[1].number,
            "09 2525 0111"
        );
    }
}
