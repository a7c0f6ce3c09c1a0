//! The 3X10D life-situation meters (Diak): ten dimensions a person rates 0–10.

use serde::{Deserialize, Serialize};

use crate::text::Localized;

/// One of the ten 3X10D dimensions. The serde names are the AuroraAI API keys.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Dimension {
    /// Work or studies (opiskelu tai työ).
    WorkingStudying,
    /// Family (perhe).
    Family,
    /// Friends (ystävät).
    Friends,
    /// Health (terveys).
    Health,
    /// Improvement of strengths (itsensä kehittäminen).
    ImprovementOfStrengths,
    /// Housing (asuminen).
    Housing,
    /// Finance (raha-asiat).
    Finance,
    /// Self-esteem (itsetunto).
    SelfEsteem,
    /// Resilience (vaikeuksien voittaminen).
    Resilience,
    /// Life satisfaction (tyytyväisyys elämään).
    LifeSatisfaction,
}

impl Dimension {
    /// All ten, in the order of the AuroraAI API documentation.
    pub const ALL: [Dimension; 10] = [
        Dimension::WorkingStudying,
        Dimension::Family,
        Dimension::Friends,
        Dimension::Health,
        Dimension::ImprovementOfStrengths,
        Dimension::Housing,
        Dimension::Finance,
        Dimension::SelfEsteem,
        Dimension::Resilience,
        Dimension::LifeSatisfaction,
    ];

    /// The API key, e.g. `working_studying`.
    pub fn key(self) -> &'static str {
        match self {
            Dimension::WorkingStudying => "working_studying",
            Dimension::Family => "family",
            Dimension::Friends => "friends",
            Dimension::Health => "health",
            Dimension::ImprovementOfStrengths => "improvement_of_strengths",
            Dimension::Housing => "housing",
            Dimension::Finance => "finance",
            Dimension::SelfEsteem => "self_esteem",
            Dimension::Resilience => "resilience",
            Dimension::LifeSatisfaction => "life_satisfaction",
        }
    }

    /// Parses an API key.
    pub fn from_key(key: &str) -> Option<Self> {
        Dimension::ALL.into_iter().find(|d| d.key() == key)
    }

    /// The Finnish column name in the AuroraAI label workbook.
    pub fn finnish_label_column(self) -> &'static str {
        match self {
            Dimension::WorkingStudying => "opiskelu tai työ",
            Dimension::Family => "perhe",
            Dimension::Friends => "ystävät",
            Dimension::Health => "terveys",
            Dimension::ImprovementOfStrengths => "itsensä kehittäminen",
            Dimension::Housing => "asuminen",
            Dimension::Finance => "raha-asiat",
            Dimension::SelfEsteem => "itsetunto",
            Dimension::Resilience => "vaikeuksien voittaminen",
            Dimension::LifeSatisfaction => "tyytyväisyys elämään",
        }
    }

    /// Display name in fi/sv/en.
    pub fn label(self) -> Localized {
        let (fi, sv, en) = match self {
            Dimension::WorkingStudying => (
                "Opiskelu tai työ",
                "Studier eller arbete",
                "Work or studies",
            ),
            Dimension::Family => ("Perhe", "Familj", "Family"),
            Dimension::Friends => ("Ystävät", "Vänner", "Friends"),
            Dimension::Health => ("Terveys", "Hälsa", "Health"),
            Dimension::ImprovementOfStrengths => (
                "Itsensä kehittäminen",
                "Självutveckling",
                "Developing yourself",
            ),
            Dimension::Housing => ("Asuminen", "Boende", "Housing"),
            Dimension::Finance => ("Raha-asiat", "Ekonomi", "Finances"),
            Dimension::SelfEsteem => ("Itsetunto", "Självkänsla", "Self-esteem"),
            Dimension::Resilience => (
                "Vaikeuksien voittaminen",
                "Att övervinna svårigheter",
                "Overcoming difficulties",
            ),
            Dimension::LifeSatisfaction => (
                "Tyytyväisyys elämään",
                "Livstillfredsställelse",
                "Life satisfaction",
            ),
        };
        Localized::new(fi, sv, en)
    }
}

/// A value per dimension; absent dimensions are `None`.
///
/// Used both for a person's self-rating (0–10) and for a service's relevance to each
/// dimension (0 or 1 from the hand labels, 0–1 when learned).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Meters {
    values: [Option<f32>; 10],
}

impl Meters {
    /// The value of one dimension.
    pub fn get(&self, d: Dimension) -> Option<f32> {
        self.values[d as usize]
    }

    /// Sets the value of one dimension.
    pub fn set(&mut self, d: Dimension, v: Option<f32>) {
        self.values[d as usize] = v;
    }

    /// Builds from `(dimension, value)` pairs.
    pub fn from_pairs(pairs: impl IntoIterator<Item = (Dimension, f32)>) -> Self {
        let mut m = Meters::default();
        for (d, v) in pairs {
            m.set(d, Some(v));
        }
        m
    }

    /// The dimensions that have a value, with it.
    pub fn iter(&self) -> impl Iterator<Item = (Dimension, f32)> + '_ {
        Dimension::ALL
            .into_iter()
            .filter_map(|d| self.get(d).map(|v| (d, v)))
    }

    /// True when no dimension has a value.
    pub fn is_empty(&self) -> bool {
        self.values.iter().all(Option::is_none)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_round_trip() {
        for d in Dimension::ALL {
            assert_eq!(Dimension::from_key(d.key()), Some(d));
            assert!(d.label().fi.is_some() && d.label().sv.is_some() && d.label().en.is_some());
        }
    }

    #[test]
    fn meters_serialize_and_iterate() {
        let m = Meters::from_pairs([(Dimension::Health, 1.0), (Dimension::Finance, 0.0)]);
        let back: Meters = serde_json::from_str(&serde_json::to_string(&m).unwrap()).unwrap();
        assert_eq!(back, m);
        assert_eq!(m.iter().count(), 2);
        assert!(!m.is_empty());
    }
}
