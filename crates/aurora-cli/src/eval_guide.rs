//! `aurora eval relevance`, `aurora eval search`, plain `aurora eval`, and
//! `aurora train relevance`.
//!
//! * `eval relevance`: the shipped 3X10D relevance models (`lexical`, `e5`) on the held-out
//!   part of the label workbook (`aurora_guide::eval::evaluate_relevance`), one table per
//!   model, and the cross-validated numbers recorded at training.
//! * `eval search`: the search index over the bundled catalogue on
//!   `data/guide/search-devset.jsonl` (`aurora_guide::eval::evaluate_search`), nDCG@10 per
//!   query language, lexical and hybrid (E5 vectors of every bundled service).
//! * `eval`: intent recognition (`aurora eval intent`), then both of the above, with the
//!   built-in floors; exit 1 if any part fails.
//! * `train relevance`: re-trains the models from the bundled (or given) workbook and writes
//!   `relevance-lexical.json` and, with the E5 model, `relevance-e5.json` to `--out`
//!   (default `data/guide`).
//!
//! What needs the E5 embedding model runs only where it is installed (or not at all with
//! `--lexical-only`); its floors are then reported as skipped. Floors come from
//! `data/guide/floors.json` (compiled in) or `--floor-file`. Exit 0 when all are met; 1 with
//! one `error:` line per metric below its floor, or when the floor file or the data cannot be
//! used.

use std::path::Path;
use std::process::ExitCode;
use std::sync::Arc;

use anyhow::{bail, Context};
use aurora_embed::{passage_text, Embedder};
use aurora_guide::eval::{
    bundled_search_devset, evaluate_relevance, evaluate_search, mean_auc, RelevanceReport,
    SearchQuery, SearchReport,
};
use aurora_guide::relevance::{
    bundled_training_set, embed_examples, read_training_set, train, RelevanceModel, TrainOptions,
};
use aurora_guide::vectors::EmbedScorer;
use aurora_model::{Dimension, Lang};
use aurora_search::SearchIndex;
use aurora_store::CatalogStore;
use serde::Deserialize;

use crate::args::{EvalGuideArgs, EvalIntentArgs, TrainRelevanceArgs};

/// The committed floors.
const DEFAULT_FLOORS: &str = include_str!("../../../data/guide/floors.json");

/// A floor file.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct FloorFile {
    /// Free text for humans.
    #[serde(rename = "$comment", default)]
    _comment: Option<String>,
    #[serde(default)]
    relevance: Vec<RelevanceFloor>,
    #[serde(default)]
    search: Vec<SearchFloor>,
}

/// Floors of one relevance model on one dimension (an API key, or `mean` for the means).
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RelevanceFloor {
    model: String,
    dimension: String,
    auc: Option<f64>,
    precision_at_10: Option<f64>,
}

/// Floors of one group of search queries: a language (`fi`, `sv`, `en`), `cross_lingual`
/// or `all`, searched `lexical` (the default) or `hybrid` (with E5 vectors).
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct SearchFloor {
    #[serde(default = "lexical_mode")]
    mode: String,
    queries: String,
    ndcg_at_10: Option<f64>,
    mrr_at_10: Option<f64>,
}

fn lexical_mode() -> String {
    "lexical".into()
}

fn read_floors(path: Option<&Path>) -> anyhow::Result<(String, FloorFile)> {
    let (name, text) = match path {
        Some(p) => (
            p.display().to_string(),
            std::fs::read_to_string(p)
                .with_context(|| format!("cannot read the floor file {}", p.display()))?,
        ),
        None => (
            "data/guide/floors.json (built in)".to_string(),
            DEFAULT_FLOORS.to_string(),
        ),
    };
    let floors: FloorFile = serde_json::from_str(&text)
        .with_context(|| format!("the floor file {name} is not valid"))?;
    for f in &floors.relevance {
        if f.dimension != "mean" && Dimension::from_key(&f.dimension).is_none() {
            bail!(
                "the floor file {name}: unknown dimension {:?} (expected an API key such as \
                 \"health\", or \"mean\")",
                f.dimension
            );
        }
        if shipped_model(&f.model).is_none() {
            bail!(
                "the floor file {name}: unknown model {:?} (expected \"lexical\" or \"e5\")",
                f.model
            );
        }
    }
    for f in &floors.search {
        if !matches!(f.mode.as_str(), "lexical" | "hybrid") {
            bail!(
                "the floor file {name}: unknown search mode {:?} (expected lexical or hybrid)",
                f.mode
            );
        }
        if !matches!(f.queries.as_str(), "all" | "cross_lingual")
            && Lang::parse(&f.queries).is_none()
        {
            bail!(
                "the floor file {name}: unknown query group {:?} (expected fi, sv, en, \
                 cross_lingual or all)",
                f.queries
            );
        }
    }
    Ok((name, floors))
}

/// The shipped model of a name.
fn shipped_model(name: &str) -> Option<&'static RelevanceModel> {
    match name {
        "lexical" => Some(RelevanceModel::lexical()),
        "e5" => Some(RelevanceModel::e5()),
        _ => None,
    }
}

/// Floor checks, printed as they run; failures collected.
#[derive(Default)]
struct Checks {
    checked: usize,
    skipped: usize,
    failures: Vec<String>,
}

impl Checks {
    fn check(&mut self, what: String, value: f64, floor: f64) {
        self.checked += 1;
        if value + 1e-9 < floor {
            println!("  FAIL  {what} {value:.3} < floor {floor:.3}");
            self.failures
                .push(format!("{what} {value:.3} is below its floor {floor:.3}"));
        } else {
            println!("  ok    {what} {value:.3} >= {floor:.3}");
        }
    }

    fn fail(&mut self, what: String) {
        self.checked += 1;
        println!("  FAIL  {what}");
        self.failures.push(what);
    }

    /// A floor of `metrics` metrics that cannot be checked here (no embedding model).
    fn skip(&mut self, what: String, metrics: usize) {
        self.skipped += metrics;
        println!("  SKIP  {what}: no E5 embedding model (not installed, or --lexical-only)");
    }

    /// Prints the verdict; `true` when every checked floor is met.
    fn finish(self, what: &str, source: &str) -> bool {
        let skipped = match self.skipped {
            0 => String::new(),
            n => format!(" ({n} skipped without the E5 model)"),
        };
        if self.failures.is_empty() {
            println!("all {} {what} floors met{skipped}", self.checked);
            return true;
        }
        for f in &self.failures {
            eprintln!("error: below the floor: {f}");
        }
        eprintln!(
            "error: {} of {} {what} floors not met ({source}){skipped}",
            self.failures.len(),
            self.checked
        );
        false
    }
}

fn exit(ok: bool) -> ExitCode {
    if ok {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    }
}

/// The E5 model unless `--lexical-only` (or not installed).
async fn embedder(args: &EvalGuideArgs) -> Option<Arc<dyn Embedder>> {
    if args.lexical_only {
        return None;
    }
    crate::vectors::load_model().await
}

pub async fn run_relevance(args: &EvalGuideArgs) -> anyhow::Result<ExitCode> {
    let (source, floors) = read_floors(args.floor_file.as_deref())?;
    let e5 = embedder(args).await;
    Ok(exit(relevance(&source, &floors, e5.as_deref())?))
}

fn relevance(source: &str, floors: &FloorFile, e5: Option<&dyn Embedder>) -> anyhow::Result<bool> {
    let examples = bundled_training_set().context("cannot read the bundled label workbook")?;
    let mut reports: Vec<RelevanceReport> = Vec::new();
    for model in [RelevanceModel::lexical(), RelevanceModel::e5()] {
        let (name, t) = (model.name(), model.training());
        if model.embedding().is_some() && e5.is_none() {
            println!("\n3X10D relevance, model {name}: skipped (no E5 embedding model)");
            continue;
        }
        let report = evaluate_relevance(model, &examples, e5)
            .with_context(|| format!("cannot evaluate the {name} relevance model"))?;
        println!(
            "\n3X10D relevance, model {name}: held-out {} of {} labelled services \
             (trained on {}, λ = {})",
            report.examples, t.examples, t.trained_on, t.lambda
        );
        print!("{report}");
        let cv = RelevanceReport {
            model: name.to_string(),
            examples: t.trained_on,
            dimensions: model.cross_validated_metrics().to_vec(),
        };
        println!(
            "cross-validated on the training part ({} folds, out-of-fold, measured at training):",
            t.folds
        );
        print!("{cv}");
        reports.push(report);
    }
    println!("\nFloors ({source}):");
    let mut checks = Checks::default();
    for f in &floors.relevance {
        let what = |m: &str| format!("relevance {} {} {m}", f.model, f.dimension);
        let Some(report) = reports.iter().find(|r| r.model == f.model) else {
            let metrics = usize::from(f.auc.is_some()) + usize::from(f.precision_at_10.is_some());
            checks.skip(what("").trim_end().to_string(), metrics);
            continue;
        };
        let (auc, p10) = if f.dimension == "mean" {
            (Some(report.mean_auc()), report.mean_precision_at_10())
        } else {
            match report
                .dimensions
                .iter()
                .find(|d| d.dimension.key() == f.dimension)
            {
                Some(d) => (d.auc, d.precision_at_10),
                None => {
                    checks.fail(what("not measured"));
                    continue;
                }
            }
        };
        if let Some(floor) = f.auc {
            match auc {
                Some(v) => checks.check(what("ROC AUC"), v, floor),
                None => checks.fail(format!("{}: undefined (one class only)", what("ROC AUC"))),
            }
        }
        if let Some(floor) = f.precision_at_10 {
            checks.check(what("P@10"), p10, floor);
        }
    }
    Ok(checks.finish("relevance", source))
}

pub async fn run_search(args: &EvalGuideArgs) -> anyhow::Result<ExitCode> {
    let (source, floors) = read_floors(args.floor_file.as_deref())?;
    let e5 = embedder(args).await;
    Ok(exit(search(&source, &floors, e5).await?))
}

/// The bundled catalogue, imported into an in-memory store.
async fn bundled_services() -> anyhow::Result<Vec<aurora_model::Service>> {
    let store = aurora_store::SqlStore::open("sqlite::memory:")
        .await
        .context("cannot open an in-memory store")?;
    aurora_catalog::import_bundled(
        &store,
        &aurora_catalog::ImportOptions::default(),
        &aurora_catalog::NoProgress,
    )
    .await
    .context("cannot import the bundled catalogue")?;
    Ok(store.all_services().await?)
}

/// Prints a search report and the queries it answers badly.
fn print_search(title: &str, devset: &[SearchQuery], report: &SearchReport) {
    println!("\n{title}");
    print!("{report}");
    let weak: Vec<String> = devset
        .iter()
        .zip(&report.queries)
        .filter(|(_, o)| o.ndcg_at_10 < 0.5)
        .map(|(q, o)| format!("{} {:?} {:.2}", q.id, q.query, o.ndcg_at_10))
        .collect();
    if !weak.is_empty() {
        println!("queries below nDCG@10 0.5: {}", weak.join("; "));
    }
}

async fn search(
    source: &str,
    floors: &FloorFile,
    e5: Option<Arc<dyn Embedder>>,
) -> anyhow::Result<bool> {
    let services = bundled_services().await?;
    let mut index = SearchIndex::build(&services);
    let devset = bundled_search_devset();
    println!(
        "Text search on data/guide/search-devset.jsonl: {} queries over the bundled catalogue \
         ({} services)",
        devset.len(),
        services.len()
    );
    let lexical = evaluate_search(&index, &devset, None);
    print_search("lexical (BM25F):", &devset, &lexical);
    let hybrid = match &e5 {
        Some(model) => {
            let texts: Vec<String> = services.iter().map(passage_text).collect();
            let refs: Vec<&str> = texts.iter().map(String::as_str).collect();
            let vectors = model
                .embed_passages(&refs)
                .context("cannot embed the bundled services")?;
            for (s, v) in services.iter().zip(vectors) {
                index
                    .set_vector(&s.id, v)
                    .with_context(|| format!("cannot store the vector of {}", s.id))?;
            }
            let scorer = EmbedScorer(model.clone());
            let report = evaluate_search(&index, &devset, Some(&scorer));
            print_search(
                &format!("hybrid (BM25F fused with {}):", model.model_id()),
                &devset,
                &report,
            );
            Some(report)
        }
        None => {
            println!("\nhybrid: skipped (no E5 embedding model)");
            None
        }
    };
    println!("\nFloors ({source}):");
    let mut checks = Checks::default();
    if !lexical.missing_ids.is_empty() {
        checks.fail(format!(
            "search: {} judged service(s) are not in the catalogue: {}",
            lexical.missing_ids.len(),
            lexical.missing_ids.join(", ")
        ));
    }
    for f in &floors.search {
        let what = |m: &str| format!("search {} {} {m}", f.mode, f.queries);
        let report = match f.mode.as_str() {
            "hybrid" => match &hybrid {
                Some(r) => r,
                None => {
                    let metrics =
                        usize::from(f.ndcg_at_10.is_some()) + usize::from(f.mrr_at_10.is_some());
                    checks.skip(what("").trim_end().to_string(), metrics);
                    continue;
                }
            },
            _ => &lexical,
        };
        let m = match f.queries.as_str() {
            "all" => report.by_lang(None),
            "cross_lingual" => report.cross_lingual(),
            lang => report.by_lang(Lang::parse(lang)),
        };
        if m.queries == 0 {
            checks.fail(what("has no queries"));
            continue;
        }
        if let Some(floor) = f.ndcg_at_10 {
            checks.check(what("nDCG@10"), m.ndcg_at_10, floor);
        }
        if let Some(floor) = f.mrr_at_10 {
            checks.check(what("MRR@10"), m.mrr_at_10, floor);
        }
    }
    Ok(checks.finish("search", source))
}

/// Plain `aurora eval`: every evaluation with its built-in floors.
pub async fn run_all() -> anyhow::Result<ExitCode> {
    println!("== intent ==");
    let intent = crate::eval_intent::run(&EvalIntentArgs {
        floor_file: None,
        vectors: false,
    })?;
    let (source, floors) = read_floors(None)?;
    let e5 = crate::vectors::load_model().await;
    println!("\n== relevance ==");
    let relevance = relevance(&source, &floors, e5.as_deref())?;
    println!("\n== search ==");
    let search = search(&source, &floors, e5).await?;
    let ok = intent == ExitCode::SUCCESS && relevance && search;
    println!(
        "\nintent {}, relevance {}, search {}",
        verdict(intent == ExitCode::SUCCESS),
        verdict(relevance),
        verdict(search)
    );
    Ok(exit(ok))
}

fn verdict(ok: bool) -> &'static str {
    if ok {
        "ok"
    } else {
        "FAILED"
    }
}

/// `aurora train relevance`: the lexical model always; the E5 model when the embedding
/// model is installed (otherwise the existing `relevance-e5.json` is left as it is).
pub async fn run_train(args: &TrainRelevanceArgs) -> anyhow::Result<ExitCode> {
    let (examples, source) = match &args.workbook {
        Some(p) => {
            let bytes = std::fs::read(p)
                .with_context(|| format!("cannot read the workbook {}", p.display()))?;
            let name = p.display().to_string();
            (read_training_set(&name, &bytes)?, name)
        }
        None => (bundled_training_set()?, TrainOptions::default().source),
    };
    std::fs::create_dir_all(&args.out)
        .with_context(|| format!("cannot create {}", args.out.display()))?;
    let lexical = TrainOptions {
        source: source.clone(),
        ..TrainOptions::default()
    };
    write_model(&args.out, &train(&examples, None, &lexical)?)?;
    let Some(e5) = crate::vectors::load_model().await else {
        println!(
            "the E5 embedding model is not installed: relevance-e5.json not written \
             (scripts/fetch-models.sh installs it)"
        );
        return Ok(ExitCode::SUCCESS);
    };
    let vectors = embed_examples(e5.as_ref(), &examples)?;
    let opts = TrainOptions {
        source,
        ..TrainOptions::e5()
    };
    write_model(&args.out, &train(&examples, Some(&vectors), &opts)?)?;
    Ok(ExitCode::SUCCESS)
}

/// Writes `relevance-NAME.json` and says what it holds.
fn write_model(dir: &Path, model: &RelevanceModel) -> anyhow::Result<()> {
    let path = dir.join(format!("relevance-{}.json", model.name()));
    std::fs::write(&path, model.to_json())
        .with_context(|| format!("cannot write {}", path.display()))?;
    let embedding = model
        .embedding()
        .map(|e| format!(" + {} ({} dimensions)", e.model_id, e.dim))
        .unwrap_or_default();
    println!(
        "wrote {} ({} terms{embedding}, λ = {}; mean ROC AUC held-out {:.3}, \
         cross-validated {:.3})",
        path.display(),
        model.vocabulary_len(),
        model.training().lambda,
        mean_auc(model.heldout_metrics()),
        mean_auc(model.cross_validated_metrics())
    );
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_committed_floor_file_is_valid() {
        let (_, floors) = read_floors(None).unwrap();
        for model in ["lexical", "e5"] {
            let n = floors.relevance.iter().filter(|f| f.model == model).count();
            assert_eq!(n, 11, "{model}: the mean and every dimension");
        }
        for mode in ["lexical", "hybrid"] {
            let n = floors.search.iter().filter(|f| f.mode == mode).count();
            assert_eq!(n, 5, "{mode}: fi, sv, en, cross_lingual, all");
        }
    }

    #[test]
    fn bad_floor_files_are_refused_with_the_reason() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("f.json");
        std::fs::write(
            &p,
            r#"{"relevance": [{"model": "lexical", "dimension": "wealth", "auc": 0.5}]}"#,
        )
        .unwrap();
        let e = read_floors(Some(&p)).unwrap_err().to_string();
        assert!(e.contains("unknown dimension \"wealth\""), "{e}");
        std::fs::write(&p, r#"{"search": [{"queries": "de", "ndcg_at_10": 0.5}]}"#).unwrap();
        let e = read_floors(Some(&p)).unwrap_err().to_string();
        assert!(e.contains("unknown query group \"de\""), "{e}");
        std::fs::write(
            &p,
            r#"{"search": [{"mode": "semantic", "queries": "fi", "ndcg_at_10": 0.5}]}"#,
        )
        .unwrap();
        let e = read_floors(Some(&p)).unwrap_err().to_string();
        assert!(e.contains("unknown search mode \"semantic\""), "{e}");
        std::fs::write(&p, r#"{"search": [{"queries": "fi", "ndcg": 0.5}]}"#).unwrap();
        let e = format!("{:#}", read_floors(Some(&p)).unwrap_err());
        assert!(e.contains("unknown field `ndcg`"), "{e}");
    }
}
