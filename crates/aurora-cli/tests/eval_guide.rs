//! End-to-end tests of `aurora eval relevance`, `aurora eval search`, plain `aurora eval` and
//! `aurora train relevance`: exit codes with the committed floors and with impossible ones.
//!
//! What needs the E5 embedding model (the `e5` relevance model, hybrid search) runs when the
//! model file is installed and is reported as skipped otherwise; the tests check whichever
//! applies. Hybrid search embeds the whole bundled catalogue (about a minute in a debug
//! build), so only the plain `aurora eval` test runs it; the others pass `--lexical-only`.

use std::path::Path;
use std::process::{Command, Output};

fn aurora() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_aurora"));
    c.env_remove("AURORA_DATABASE_URL")
        .env_remove("AURORA_DATA_DIR")
        .env("AURORA_LOG", "warn");
    c
}

fn run(cmd: &mut Command) -> Output {
    let out = cmd.output().expect("the aurora binary runs");
    eprintln!(
        "stdout:\n{}\nstderr:\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

#[track_caller]
fn assert_contains(haystack: &str, needles: &[&str]) {
    for n in needles {
        assert!(haystack.contains(n), "missing {n:?} in\n{haystack}");
    }
}

/// Whether the E5 model file is installed (the binary finds it the same way).
fn e5_installed() -> bool {
    aurora_embed::E5Embedder::load_default().is_ok()
}

#[test]
fn eval_relevance_meets_the_committed_floors() {
    let o = run(aurora().args(["eval", "relevance"]));
    assert!(o.status.success(), "{}", stderr(&o));
    let out = stdout(&o);
    assert_contains(
        &out,
        &[
            "3X10D relevance, model lexical: held-out 47 of 232 labelled services",
            "dimension                     n  pos ROC AUC   P@10",
            "housing                      47    4",
            "cross-validated on the training part (5 folds",
            "Floors (data/guide/floors.json (built in)):",
            "ok    relevance lexical mean ROC AUC",
            "ok    relevance lexical life_satisfaction ROC AUC",
        ],
    );
    if e5_installed() {
        assert_contains(
            &out,
            &[
                "3X10D relevance, model e5: held-out 47 of 232 labelled services",
                "ok    relevance e5 mean ROC AUC",
                "all 24 relevance floors met\n",
            ],
        );
    } else {
        assert_contains(
            &out,
            &[
                "model e5: skipped (no E5 embedding model)",
                "SKIP  relevance e5 mean",
                "all 12 relevance floors met (12 skipped without the E5 model)",
            ],
        );
    }
    assert!(!out.contains("FAIL"), "{out}");
}

#[test]
fn eval_search_lexical_only_meets_the_committed_floors() {
    let o = run(aurora().args(["eval", "search", "--lexical-only"]));
    assert!(o.status.success(), "{}", stderr(&o));
    let out = stdout(&o);
    assert_contains(
        &out,
        &[
            "Text search on data/guide/search-devset.jsonl: 83 queries over the bundled catalogue",
            "lexical (BM25F):",
            "  fi               35",
            "  sv               24",
            "  en               24",
            "  cross-lingual    34",
            "hybrid: skipped (no E5 embedding model)",
            "ok    search lexical fi nDCG@10",
            "ok    search lexical all MRR@10",
            "SKIP  search hybrid sv",
            "all 7 search floors met (7 skipped without the E5 model)",
        ],
    );
    assert!(!out.contains("FAIL"), "{out}");
}

#[test]
fn eval_relevance_and_search_fail_with_exit_1_below_a_floor() {
    let dir = tempfile::tempdir().unwrap();
    let floors = dir.path().join("floors.json");
    std::fs::write(
        &floors,
        r#"{
            "relevance": [
                {"model": "lexical", "dimension": "mean", "auc": 1.01},
                {"model": "lexical", "dimension": "health", "auc": 0.5, "precision_at_10": 1.01}
            ],
            "search": [
                {"queries": "fi", "ndcg_at_10": 1.01},
                {"mode": "lexical", "queries": "all", "ndcg_at_10": 0.1}
            ]
        }"#,
    )
    .unwrap();

    let o = run(aurora()
        .args(["eval", "relevance", "--lexical-only", "--floor-file"])
        .arg(&floors));
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert_contains(
        &stderr(&o),
        &[
            "error: below the floor: relevance lexical mean ROC AUC ",
            "is below its floor 1.010",
            "error: below the floor: relevance lexical health P@10 ",
            "2 of 3 relevance floors not met",
        ],
    );
    assert!(stdout(&o).contains("ok    relevance lexical health ROC AUC"));

    let o = run(aurora()
        .args(["eval", "search", "--lexical-only", "--floor-file"])
        .arg(&floors));
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert_contains(
        &stderr(&o),
        &[
            "error: below the floor: search lexical fi nDCG@10 ",
            "1 of 2 search floors not met",
        ],
    );

    let o = run(aurora()
        .args(["eval", "search", "--floor-file"])
        .arg(dir.path().join("missing.json")));
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stderr(&o).contains("cannot read the floor file"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn plain_eval_runs_intent_relevance_and_search() {
    let o = run(aurora().arg("eval"));
    assert!(o.status.success(), "{}", stderr(&o));
    let out = stdout(&o);
    assert_contains(
        &out,
        &[
            "== intent ==",
            "Floors (data/nlu/floors.json (built in)):",
            "== relevance ==",
            "== search ==",
            "intent ok, relevance ok, search ok",
        ],
    );
    if e5_installed() {
        assert_contains(
            &out,
            &[
                "hybrid (BM25F fused with multilingual-e5-small",
                "ok    search hybrid cross_lingual nDCG@10",
                "all 14 search floors met\n",
            ],
        );
    }
    assert!(!out.contains("FAIL"), "{out}");
}

/// The committed lexical model is what `aurora train relevance` writes: same vocabulary,
/// training record and held-out numbers (the library tests compare every weight, and the
/// E5 model, to float tolerance).
#[test]
fn train_relevance_writes_the_committed_model() {
    let dir = tempfile::tempdir().unwrap();
    let o = run(aurora()
        .args(["train", "relevance", "--out"])
        .arg(dir.path()));
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(
        stdout(&o).contains("relevance-lexical.json (589 terms"),
        "{}",
        stdout(&o)
    );
    let read = |p: &Path| -> serde_json::Value {
        serde_json::from_str(&std::fs::read_to_string(p).unwrap()).unwrap()
    };
    let written = read(&dir.path().join("relevance-lexical.json"));
    let committed = read(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("../../data/guide/relevance-lexical.json"),
    );
    for key in ["format", "features", "training", "terms"] {
        assert_eq!(
            written[key], committed[key],
            "{key}: run `aurora train relevance` and commit data/guide/relevance-lexical.json"
        );
    }
    let aucs = |v: &serde_json::Value| -> Vec<f64> {
        v["heldout"]
            .as_array()
            .unwrap()
            .iter()
            .map(|d| d["auc"].as_f64().unwrap())
            .collect()
    };
    for (a, b) in aucs(&written).iter().zip(aucs(&committed)) {
        assert!((a - b).abs() < 1e-3, "held-out AUC {a} vs {b}");
    }
    assert_eq!(
        dir.path().join("relevance-e5.json").exists(),
        e5_installed(),
        "the E5 model is written exactly when the embedding model is installed"
    );

    let o = run(aurora()
        .args(["train", "relevance", "--workbook"])
        .arg(dir.path().join("missing.xlsx"))
        .arg("--out")
        .arg(dir.path()));
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stderr(&o).contains("cannot read the workbook"),
        "{}",
        stderr(&o)
    );
}
