//! `aurora eval intent`: the intent engine on its development set, checked against floors.
//!
//! Prints the per-language tables of `aurora_nlu::evaluate` for the whole set and the
//! holdout and fresh splits, then checks every floor of the floor file (by default
//! `data/nlu/floors.json`, compiled in). Exit 0 when all are met; 1 with one `error:` line per
//! metric below its floor, or when the floor file cannot be used.
//!
//! With `--vectors` it also evaluates the engine with E5 label vectors (exit 2 when the model
//! is missing), checks their floors (`vector_floors`), checks that vectors are not worse than
//! the lexical engine per language on holdout+fresh, and prints latency p50/p95 of both modes.

use std::path::Path;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Instant;

use anyhow::{bail, Context};
use aurora_model::Lang;
use aurora_nlu::{
    evaluate, load_dev_set, DevExample, EvalReport, LabelVectors, LangReport, Split,
    UnderstandOptions, Understander,
};
use serde::Deserialize;

use crate::args::EvalIntentArgs;

/// The committed floors.
const DEFAULT_FLOORS: &str = include_str!("../../../data/nlu/floors.json");

/// A floor file.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct FloorFile {
    /// Free text for humans.
    #[serde(rename = "$comment", default)]
    _comment: Option<String>,
    floors: Vec<Floor>,
    /// On the whole set, Swedish and English may be at most this far (a fraction) behind
    /// Finnish in life-event top-1 and class hit@3.
    #[serde(default)]
    max_behind_finnish: Option<f32>,
    /// Floors of the engine with label vectors (`--vectors`), same shape as `floors`.
    #[serde(default)]
    vector_floors: Vec<Floor>,
}

/// Floors of one row: a split (`all`, `tune`, `holdout`, `fresh`) and a language (`fi`,
/// `sv`, `en` or `all`). Every metric is optional; values are fractions 0–1.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Floor {
    split: String,
    lang: String,
    life_event_top1: Option<f32>,
    class_hit3: Option<f32>,
    language_accuracy: Option<f32>,
    municipality_recall: Option<f32>,
    urgent_recall: Option<f32>,
}

/// (metric name as printed, floor, value, labelled examples).
type Check = (&'static str, f32, f32, usize);

impl Floor {
    fn checks(&self, row: &LangReport) -> Vec<Check> {
        [
            (
                "life-event top-1",
                self.life_event_top1,
                row.life_event_top1,
                row.num_life_event,
            ),
            (
                "class hit@3",
                self.class_hit3,
                row.class_hit3,
                row.num_class,
            ),
            (
                "language accuracy",
                self.language_accuracy,
                row.language_accuracy,
                row.n,
            ),
            (
                "municipality recall",
                self.municipality_recall,
                row.municipality_recall,
                row.num_municipality,
            ),
            (
                "urgent recall",
                self.urgent_recall,
                row.urgent_recall,
                row.num_urgent,
            ),
        ]
        .into_iter()
        .filter_map(|(name, floor, value, n)| floor.map(|f| (name, f, value, n)))
        .collect()
    }
}

const SPLITS: [(&str, Option<Split>); 4] = [
    ("all", None),
    ("tune", Some(Split::Tune)),
    ("holdout", Some(Split::Holdout)),
    ("fresh", Some(Split::Fresh)),
];

fn part(set: &[DevExample], split: Option<Split>) -> Vec<DevExample> {
    set.iter()
        .filter(|e| split.is_none_or(|s| e.split == s))
        .cloned()
        .collect()
}

fn pct(x: f32) -> String {
    format!("{:.1}%", x * 100.0)
}

fn read_floors(path: Option<&Path>) -> anyhow::Result<(String, FloorFile)> {
    let (name, text) = match path {
        Some(p) => (
            p.display().to_string(),
            std::fs::read_to_string(p)
                .with_context(|| format!("cannot read the floor file {}", p.display()))?,
        ),
        None => (
            "data/nlu/floors.json (built in)".to_string(),
            DEFAULT_FLOORS.to_string(),
        ),
    };
    let floors: FloorFile = serde_json::from_str(&text)
        .with_context(|| format!("the floor file {name} is not valid"))?;
    for f in floors.floors.iter().chain(&floors.vector_floors) {
        if !SPLITS.iter().any(|(s, _)| *s == f.split) {
            bail!(
                "the floor file {name}: unknown split {:?} (expected all, tune, holdout or fresh)",
                f.split
            );
        }
        if f.lang != "all" && Lang::parse(&f.lang).is_none() {
            bail!(
                "the floor file {name}: unknown lang {:?} (expected fi, sv, en or all)",
                f.lang
            );
        }
    }
    Ok((name, floors))
}

pub fn run(args: &EvalIntentArgs) -> anyhow::Result<ExitCode> {
    let (floor_source, floors) = read_floors(args.floor_file.as_deref())?;
    // Load the model first: without it `--vectors` is a usage error, not a quality failure.
    let semantic = if args.vectors {
        let e5 = match crate::nlu_vectors::load_e5() {
            Ok(e5) => e5.with_threads(1),
            Err(code) => return Ok(code),
        };
        let vectors = LabelVectors::bundled()
            .context("data/nlu/label-vectors.bin is invalid; run `aurora nlu build-vectors`")?;
        vectors
            .check(&e5)
            .context("data/nlu/label-vectors.bin cannot be used; run `aurora nlu build-vectors`")?;
        Some(Understander::new().with_embedder(Arc::new(e5), vectors))
    } else {
        None
    };
    let set = load_dev_set();
    let understander = Understander::new();
    let count = |l: Lang| set.iter().filter(|e| e.lang == l).count();
    println!(
        "Intent recognition on the development set (data/nlu/devset.jsonl: {} utterances, fi {}, sv {}, en {})",
        set.len(),
        count(Lang::Fi),
        count(Lang::Sv),
        count(Lang::En)
    );
    let reports = evaluate_splits(&understander, &set, &floors.floors, "");
    let mut failures: Vec<String> = Vec::new();
    let mut checked = 0usize;
    println!("\nFloors ({floor_source}):");
    check_floors(&floors.floors, &reports, &mut failures, &mut checked, "");
    if let Some(max) = floors.max_behind_finnish {
        check_equality(max, &reports, &mut failures, &mut checked, "");
    }
    if let Some(semantic) = &semantic {
        let vreports = evaluate_splits(semantic, &set, &floors.vector_floors, " with vectors");
        println!("\nFloors with vectors ({floor_source}, vector_floors):");
        let tag = "vectors: ";
        check_floors(
            &floors.vector_floors,
            &vreports,
            &mut failures,
            &mut checked,
            tag,
        );
        if let Some(max) = floors.max_behind_finnish {
            check_equality(max, &vreports, &mut failures, &mut checked, tag);
        }
        // Vectors must not cost accuracy where the lexicon was not tuned.
        let unseen: Vec<DevExample> = set
            .iter()
            .filter(|e| e.split != Split::Tune)
            .cloned()
            .collect();
        let (lex, vec) = (
            evaluate(&understander, &unseen),
            evaluate(semantic, &unseen),
        );
        for lang in [Some(Lang::Fi), Some(Lang::Sv), Some(Lang::En)] {
            let (Some(l), Some(v)) = (lex.row(lang), vec.row(lang)) else {
                continue;
            };
            let name = lang.map_or("all", |l| l.code());
            for (metric, a, b) in [
                ("life-event top-1", l.life_event_top1, v.life_event_top1),
                ("class hit@3", l.class_hit3, v.class_hit3),
            ] {
                checked += 1;
                let line = format!(
                    "holdout+fresh {name} {metric}: vectors {} vs lexical {}",
                    pct(b),
                    pct(a)
                );
                if b + 1e-6 < a {
                    println!("  FAIL  {line}");
                    failures.push(format!("{line} (worse)"));
                } else {
                    println!("  ok    {line}");
                }
            }
        }
        println!("\nLatency per utterance (understand, whole set, one thread):");
        for (mode, u) in [("lexical", &understander), ("vectors", semantic)] {
            let (p50, p95) = latency(u, &set);
            println!("  {mode:<8} p50 {p50:.2} ms, p95 {p95:.2} ms");
        }
    }
    finish(failures, checked, &floor_source)
}

/// Evaluates the whole set, holdout and fresh (and tune when a floor asks) and prints them.
fn evaluate_splits<'a>(
    u: &Understander,
    set: &[DevExample],
    floors: &[Floor],
    what: &str,
) -> Vec<(&'a str, EvalReport)> {
    let mut reports = Vec::new();
    for (name, split) in SPLITS {
        let examples = part(set, split);
        // The tune split is what the lexicon was tuned on: evaluated only when a floor asks.
        if split == Some(Split::Tune) && !floors.iter().any(|f| f.split == "tune") {
            continue;
        }
        let report = evaluate(u, &examples);
        print!("\n{name}{what} ({} utterances):\n{report}", examples.len());
        reports.push((name, report));
    }
    reports
}

/// Milliseconds per `understand` call over the set: (p50, p95).
fn latency(u: &Understander, set: &[DevExample]) -> (f64, f64) {
    let opts = UnderstandOptions::default();
    let mut ms: Vec<f64> = set
        .iter()
        .map(|e| {
            let t = Instant::now();
            let _ = u.understand(&e.text, &opts);
            t.elapsed().as_secs_f64() * 1000.0
        })
        .collect();
    ms.sort_by(f64::total_cmp);
    let at = |q: f64| {
        let i = ((ms.len() as f64 - 1.0) * q).round() as usize;
        ms.get(i).copied().unwrap_or(0.0)
    };
    (at(0.5), at(0.95))
}

fn check_floors(
    floors: &[Floor],
    reports: &[(&str, EvalReport)],
    failures: &mut Vec<String>,
    checked: &mut usize,
    tag: &str,
) {
    for f in floors {
        let Some((_, report)) = reports.iter().find(|(n, _)| *n == f.split) else {
            continue;
        };
        let lang = Lang::parse(&f.lang);
        let Some(row) = report.row(lang) else {
            failures.push(format!(
                "{tag}{} {}: no examples in the development set",
                f.split, f.lang
            ));
            continue;
        };
        for (metric, floor, value, n) in f.checks(row) {
            *checked += 1;
            let what = format!("{tag}{} {} {metric}", f.split, f.lang);
            if n == 0 {
                println!(
                    "  FAIL  {what}: no labelled examples (floor {})",
                    pct(floor)
                );
                failures.push(format!("{what}: no labelled examples"));
            } else if value + 1e-6 < floor {
                println!(
                    "  FAIL  {what} {} < floor {} (n={n})",
                    pct(value),
                    pct(floor)
                );
                failures.push(format!(
                    "{what} {} is below its floor {}",
                    pct(value),
                    pct(floor)
                ));
            } else {
                println!("  ok    {what} {} >= {} (n={n})", pct(value), pct(floor));
            }
        }
    }
}

fn check_equality(
    max: f32,
    reports: &[(&str, EvalReport)],
    failures: &mut Vec<String>,
    checked: &mut usize,
    tag: &str,
) {
    {
        let Some((_, all)) = reports.iter().find(|(n, _)| *n == "all") else {
            return;
        };
        if let Some(fi) = all.row(Some(Lang::Fi)) {
            for lang in [Lang::Sv, Lang::En] {
                let Some(row) = all.row(Some(lang)) else {
                    continue;
                };
                for (metric, f, v) in [
                    ("life-event top-1", fi.life_event_top1, row.life_event_top1),
                    ("class hit@3", fi.class_hit3, row.class_hit3),
                ] {
                    *checked += 1;
                    let gap = f - v;
                    let what = format!("{tag}all {lang} {metric}");
                    let line = format!(
                        "{what} is {:.1} points behind fi (at most {:.1})",
                        gap * 100.0,
                        max * 100.0
                    );
                    if gap > max + 1e-6 {
                        println!("  FAIL  {line}");
                        failures.push(line);
                    } else {
                        println!("  ok    {line}");
                    }
                }
            }
        }
    }
}

fn finish(failures: Vec<String>, checked: usize, floor_source: &str) -> anyhow::Result<ExitCode> {
    if failures.is_empty() {
        println!("all {checked} floors met");
        return Ok(ExitCode::SUCCESS);
    }
    for f in &failures {
        eprintln!("error: below the floor: {f}");
    }
    eprintln!(
        "error: {} of {checked} intent-recognition floors not met ({floor_source})",
        failures.len()
    );
    Ok(ExitCode::from(1))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_committed_floor_file_is_valid() {
        let (_, floors) = read_floors(None).unwrap();
        assert_eq!(floors.floors.len(), 5);
        assert_eq!(floors.max_behind_finnish, Some(0.05));
        assert_eq!(floors.vector_floors.len(), 5);
    }

    #[test]
    fn bad_floor_files_are_refused_with_the_reason() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("f.json");
        std::fs::write(&p, r#"{"floors": [{"split": "later", "lang": "fi"}]}"#).unwrap();
        let e = read_floors(Some(&p)).unwrap_err().to_string();
        assert!(e.contains("unknown split \"later\""), "{e}");
        std::fs::write(
            &p,
            r#"{"floors": [{"split": "all", "lang": "fi", "top1": 1}]}"#,
        )
        .unwrap();
        let e = format!("{:#}", read_floors(Some(&p)).unwrap_err());
        assert!(e.contains("unknown field `top1`"), "{e}");
    }
}
