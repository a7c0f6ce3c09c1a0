//! The development set and its evaluation.
//!
//! # The development set (`data/nlu/devset.jsonl`)
//!
//! One JSON object per line:
//!
//! ```json
//! {"id": "fi-017", "split": "holdout", "lang": "fi", "text": "Muutan Tampereelle opiskelemaan",
//!  "life_events": ["KE4.2", "KE3"], "service_classes": ["P1.5", "P6.14", "P1.1"],
//!  "municipality": "837"}
//! ```
//!
//! `life_events` and `service_classes` list every code a careful human would accept as an
//! answer (most specific codes; empty when the text names no life event). Optional fields:
//! `target_group`, `municipality` (a code that must be among the mentions), `age`, `urgent`
//! (`self_harm`, `violence`, `emergency`). `split` is `tune` (every third of the first 233 examples per
//! language: the part the lexicon and the calibration were tuned on), `holdout` (the other two
//! thirds: never looked at example by example while tuning) or `fresh` (57 examples written
//! after the lexicon was frozen, with deliberately different wording; evaluated, not tuned on).
//! All three were written by the lexicon's author, so even holdout and fresh numbers are
//! optimistic for text from real users.
//!
//! # Metrics
//!
//! * **life-event top-1**: over examples with at least one gold life event, the share whose
//!   first returned life event is one of them (exact code; a parent does not count for a child);
//! * **class hit@3**: over examples with gold classes, the share where one of the first three
//!   service classes chosen on their own evidence is gold. Parents listed only because a child
//!   was chosen (`implied_by` set) do not take one of the three places;
//! * target group top-1, municipality and age recall, urgent recall and false alarms, where
//!   labelled.

use std::fmt;

use aurora_model::Lang;
use serde::{Deserialize, Serialize};

use crate::urgency::UrgencyKind;
use crate::{UnderstandOptions, Understander};

const DEVSET_JSONL: &str = include_str!("../../../data/nlu/devset.jsonl");

/// Which part of the development set an example belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Split {
    /// Used to tune the lexicon and fit the calibration.
    Tune,
    /// Never used for tuning.
    Holdout,
    /// Written after the lexicon was frozen, with deliberately different wording; evaluated
    /// once, never tuned on.
    Fresh,
}

/// One labelled utterance.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DevExample {
    /// Stable id, e.g. `"fi-017"`.
    pub id: String,
    /// Tune or holdout.
    pub split: Split,
    /// Language the text is written in.
    pub lang: Lang,
    /// The utterance.
    pub text: String,
    /// Acceptable life-event codes (empty: the text names none).
    pub life_events: Vec<String>,
    /// Acceptable service-class codes.
    pub service_classes: Vec<String>,
    /// Expected target group code.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub target_group: Option<String>,
    /// A municipality code that must be among the mentions.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub municipality: Option<String>,
    /// An age that must be among the age mentions.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub age: Option<u8>,
    /// The expected urgency kind (absent: not urgent).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub urgent: Option<UrgencyKind>,
}

/// A line of a development set that could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("line {line}: {message}")]
pub struct DevSetError {
    /// 1-based line number.
    pub line: usize,
    /// What was wrong.
    pub message: String,
}

/// Reads a development set in the JSONL format above; blank lines are skipped.
pub fn parse_dev_set(jsonl: &str) -> Result<Vec<DevExample>, DevSetError> {
    jsonl
        .lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty())
        .map(|(i, l)| {
            serde_json::from_str(l).map_err(|e| DevSetError {
                line: i + 1,
                message: e.to_string(),
            })
        })
        .collect()
}

/// The development set compiled into the crate (`data/nlu/devset.jsonl`).
pub fn load_dev_set() -> Vec<DevExample> {
    parse_dev_set(DEVSET_JSONL)
        .unwrap_or_else(|e| panic!("embedded data/nlu/devset.jsonl is invalid: {e}"))
}

/// Counts and accuracies for one language (or all).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LangReport {
    /// The language, `None` for the total.
    pub lang: Option<Lang>,
    /// Number of examples.
    pub n: usize,
    /// Examples with gold life events.
    pub num_life_event: usize,
    /// Life-event top-1 accuracy, 0–1.
    pub life_event_top1: f32,
    /// Examples with gold service classes.
    pub num_class: usize,
    /// Service-class hit@3, 0–1.
    pub class_hit3: f32,
    /// Examples with a gold target group.
    pub num_target_group: usize,
    /// Target group top-1 (first sub-group, else first group), 0–1.
    pub target_group_top1: f32,
    /// Examples with a gold municipality.
    pub num_municipality: usize,
    /// Share of those where it was found.
    pub municipality_recall: f32,
    /// Examples with a gold age.
    pub num_age: usize,
    /// Share of those where it was found.
    pub age_recall: f32,
    /// Urgent examples.
    pub num_urgent: usize,
    /// Share of urgent examples flagged with the right kind.
    pub urgent_recall: f32,
    /// Non-urgent examples that were flagged.
    pub urgent_false_alarms: usize,
    /// Languages detected correctly, 0–1.
    pub language_accuracy: f32,
}

/// Evaluation results per language.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct EvalReport {
    /// fi, sv, en (those present), then the total.
    pub rows: Vec<LangReport>,
}

impl EvalReport {
    /// The row of a language (`None`: the total).
    pub fn row(&self, lang: Option<Lang>) -> Option<&LangReport> {
        self.rows.iter().find(|r| r.lang == lang)
    }
}

/// "97.4% (n=78)", or "– (n=0)" when nothing was labelled.
fn cell(x: f32, n: usize) -> String {
    if n == 0 {
        "– (n=0)".to_string()
    } else {
        format!("{:.1}% (n={n})", x * 100.0)
    }
}

impl fmt::Display for EvalReport {
    /// A Markdown table, one row per language.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(
            f,
            "| lang | n | life-event top-1 | class hit@3 | target group | municipality | age | urgent, false alarms | language |"
        )?;
        writeln!(f, "|---|---:|---:|---:|---:|---:|---:|---:|---:|")?;
        for r in &self.rows {
            writeln!(
                f,
                "| {} | {} | {} | {} | {} | {} | {} | {}, {} | {:.1}% |",
                r.lang.map_or("all", |l| l.code()),
                r.n,
                cell(r.life_event_top1, r.num_life_event),
                cell(r.class_hit3, r.num_class),
                cell(r.target_group_top1, r.num_target_group),
                cell(r.municipality_recall, r.num_municipality),
                cell(r.age_recall, r.num_age),
                cell(r.urgent_recall, r.num_urgent),
                r.urgent_false_alarms,
                r.language_accuracy * 100.0,
            )?;
        }
        Ok(())
    }
}

#[derive(Default)]
struct Tally {
    n: usize,
    le: (usize, usize),
    cls: (usize, usize),
    tg: (usize, usize),
    muni: (usize, usize),
    age: (usize, usize),
    urgent: (usize, usize),
    false_alarms: usize,
    lang_ok: usize,
}

fn ratio((hit, n): (usize, usize)) -> f32 {
    if n == 0 {
        0.0
    } else {
        hit as f32 / n as f32
    }
}

/// The options evaluation uses: defaults, but no confidence threshold, so top-1 is the best
/// candidate however unsure, and no language hint: detecting the language is part of the task.
fn eval_options() -> UnderstandOptions {
    UnderstandOptions {
        min_confidence: 0.0,
        ..UnderstandOptions::default()
    }
}

/// Runs the understander on every example and scores it (see the module docs).
///
/// No language hint is given and no confidence threshold applied.
pub fn evaluate(u: &Understander, set: &[DevExample]) -> EvalReport {
    let mut tallies: Vec<(Option<Lang>, Tally)> = vec![
        (Some(Lang::Fi), Tally::default()),
        (Some(Lang::Sv), Tally::default()),
        (Some(Lang::En), Tally::default()),
        (None, Tally::default()),
    ];
    for ex in set {
        let opts = eval_options();
        let Ok(out) = u.understand(&ex.text, &opts) else {
            // An example the analyser refuses counts as wrong everywhere.
            for (lang, t) in tallies.iter_mut() {
                if lang.is_none() || *lang == Some(ex.lang) {
                    t.n += 1;
                    t.le.1 += usize::from(!ex.life_events.is_empty());
                    t.cls.1 += usize::from(!ex.service_classes.is_empty());
                }
            }
            continue;
        };
        for (lang, t) in tallies.iter_mut() {
            if lang.is_some() && *lang != Some(ex.lang) {
                continue;
            }
            t.n += 1;
            t.lang_ok += usize::from(out.language.code == ex.lang);
            if !ex.life_events.is_empty() {
                t.le.1 += 1;
                let top = out.life_events.first().map(|l| l.code.as_str());
                t.le.0 += usize::from(top.is_some_and(|c| ex.life_events.iter().any(|g| g == c)));
            }
            if !ex.service_classes.is_empty() {
                t.cls.1 += 1;
                let hit = out
                    .service_classes
                    .iter()
                    .filter(|l| l.implied_by.is_none())
                    .take(3)
                    .any(|l| ex.service_classes.contains(&l.code));
                t.cls.0 += usize::from(hit);
            }
            if let Some(tg) = &ex.target_group {
                t.tg.1 += 1;
                let top = out
                    .target_groups
                    .iter()
                    .find(|l| l.code.contains('.'))
                    .or(out.target_groups.first());
                t.tg.0 += usize::from(top.is_some_and(|l| &l.code == tg));
            }
            if let Some(m) = &ex.municipality {
                t.muni.1 += 1;
                t.muni.0 += usize::from(out.entities.municipalities.iter().any(|x| &x.code == m));
            }
            if let Some(a) = ex.age {
                t.age.1 += 1;
                t.age.0 += usize::from(out.entities.ages.iter().any(|x| x.value == a));
            }
            match (ex.urgent, &out.urgent) {
                (Some(kind), Some(u)) => {
                    t.urgent.1 += 1;
                    t.urgent.0 += usize::from(u.kind == kind);
                }
                (Some(_), None) => t.urgent.1 += 1,
                (None, Some(_)) => t.false_alarms += 1,
                (None, None) => {}
            }
        }
    }
    EvalReport {
        rows: tallies
            .into_iter()
            .filter(|(_, t)| t.n > 0)
            .map(|(lang, t)| LangReport {
                lang,
                n: t.n,
                num_life_event: t.le.1,
                life_event_top1: ratio(t.le),
                num_class: t.cls.1,
                class_hit3: ratio(t.cls),
                num_target_group: t.tg.1,
                target_group_top1: ratio(t.tg),
                num_municipality: t.muni.1,
                municipality_recall: ratio(t.muni),
                num_age: t.age.1,
                age_recall: ratio(t.age),
                num_urgent: t.urgent.1,
                urgent_recall: ratio(t.urgent),
                urgent_false_alarms: t.false_alarms,
                language_accuracy: ratio((t.lang_ok, t.n)),
            })
            .collect(),
    }
}
