//! Latency of `Understander::understand` over the development set, without vectors.
//!
//! Target (issue 4): p50 per utterance ≤ 2 ms. Run with
//! `cargo bench -p aurora-nlu --bench understand` (add `-- --quick` for a short run).
//!
//! Before the criterion groups, the bench times every utterance of the development set
//! separately (median of 15 runs each) and prints the p50, p95 and maximum over utterances:
//! that is the "per utterance" distribution the target is about, which criterion's mean over
//! a batch would hide. It also checks every answer is non-empty, so a change that is fast
//! because it stopped finding anything fails here instead of looking like a speed-up.

use std::hint::black_box;
use std::time::{Duration, Instant};

use aurora_nlu::{load_dev_set, UnderstandOptions, Understander};
use criterion::{criterion_group, criterion_main, Criterion};

fn check_answers(u: &Understander, texts: &[String]) {
    let opts = UnderstandOptions::default();
    let mut empty = Vec::new();
    for t in texts {
        let out = u.understand(t, &opts).expect("dev-set text is valid input");
        if out.language.confidence <= 0.0
            || (out.life_events.is_empty() && out.service_classes.is_empty())
        {
            empty.push(t.clone());
        }
    }
    assert!(empty.is_empty(), "answers without labels: {empty:?}");
}

fn per_utterance_percentiles(u: &Understander, texts: &[String]) {
    let opts = UnderstandOptions::default();
    let mut medians: Vec<Duration> = texts
        .iter()
        .map(|t| {
            let mut runs: Vec<Duration> = (0..15)
                .map(|_| {
                    let start = Instant::now();
                    black_box(u.understand(black_box(t), &opts).ok());
                    start.elapsed()
                })
                .collect();
            runs.sort();
            runs[runs.len() / 2]
        })
        .collect();
    medians.sort();
    let pick = |q: f64| medians[((medians.len() - 1) as f64 * q).round() as usize];
    println!(
        "per utterance over {} dev-set texts: p50 {:?}, p95 {:?}, max {:?}",
        medians.len(),
        pick(0.5),
        pick(0.95),
        medians[medians.len() - 1]
    );
}

fn bench(c: &mut Criterion) {
    let start = Instant::now();
    let u = Understander::new();
    println!("Understander::new(): {:?}", start.elapsed());
    let texts: Vec<String> = load_dev_set().into_iter().map(|e| e.text).collect();
    check_answers(&u, &texts);
    per_utterance_percentiles(&u, &texts);

    let opts = UnderstandOptions::default();
    let short = "Muutan Tampereelle opiskelemaan";
    let long = texts
        .iter()
        .max_by_key(|t| t.len())
        .cloned()
        .unwrap_or_default();
    let mut g = c.benchmark_group("understand");
    g.bench_function("short", |b| {
        b.iter(|| {
            u.understand(black_box(short), &opts)
                .map(|o| o.life_events.len())
        })
    });
    g.bench_function("longest_dev_text", |b| {
        b.iter(|| {
            u.understand(black_box(&long), &opts)
                .map(|o| o.life_events.len())
        })
    });
    // The worst case the API accepts: MAX_TEXT_CHARS of dev-set text.
    let mut max_text = String::new();
    for t in texts.iter().cycle() {
        if max_text.chars().count() + t.chars().count() + 1 > aurora_nlu::MAX_TEXT_CHARS {
            break;
        }
        max_text.push_str(t);
        max_text.push(' ');
    }
    g.bench_function("max_length_text", |b| {
        b.iter(|| {
            u.understand(black_box(&max_text), &opts)
                .map(|o| o.life_events.len())
        })
    });
    g.bench_function("whole_dev_set", |b| {
        b.iter(|| {
            texts
                .iter()
                .filter_map(|t| u.understand(black_box(t), &opts).ok())
                .map(|o| o.service_classes.len())
                .sum::<usize>()
        })
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
