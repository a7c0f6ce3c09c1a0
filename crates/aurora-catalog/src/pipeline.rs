//! The import pipeline: what the CLI and the server call.
//!
//! Every import reads and checks all of its input first and then writes once:
//!
//! 1. read the input (files, the bundled dataset, or the live PTV API) and map every record;
//! 2. in strict mode ([`ImportOptions::strict`]), stop with [`ImportError::Strict`] if anything
//!    was rejected: nothing has been written;
//! 3. otherwise write all good services, channels and organisations with one
//!    [`CatalogStore::apply_batch`], which is atomic, and report the rejections;
//! 4. apply labels (workbooks) and archive ids listed by an API delta.
//!
//! Re-importing identical data writes nothing and reports `changes() == 0`, because the store
//! compares content and the mapping is deterministic.

use std::collections::HashSet;
use std::fmt::Write as _;
use std::path::Path;

use aurora_model::{Meters, ServiceFilter};
use aurora_store::{BatchCounts, CatalogStore, ImportBatch, LabelOutcome};
use serde::Serialize;

use crate::error::{ImportError, Rejection, Result};
use crate::ptv::read::{dedupe_batch, parse_inputs, Input, Parsed};
use crate::{bundled, labels, pilot, shapes};

/// How an import treats bad records.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ImportOptions {
    /// Abort on the first rejection, before anything is written. Default `false`: import the
    /// good records and report the rejected ones.
    pub strict: bool,
}

/// Progress of a long import, for a progress bar. Phases are named (`"read"`, `"scan"`,
/// `"parse"`, `"write"`, `"fetch services"` …); `total` is in items when known.
///
/// `advance` may be called from several threads at once.
pub trait Progress: Send + Sync {
    /// A new phase begins.
    fn start(&self, phase: &str, total: Option<u64>);
    /// `n` more items of the current phase are done.
    fn advance(&self, n: u64);
    /// The current phase is over.
    fn finish(&self);
}

/// A [`Progress`] that shows nothing.
#[derive(Debug, Clone, Copy, Default)]
pub struct NoProgress;

impl Progress for NoProgress {
    fn start(&self, _phase: &str, _total: Option<u64>) {}
    fn advance(&self, _n: u64) {}
    fn finish(&self) {}
}

/// What an import did.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct ImportReport {
    /// What was read: paths, `bundled:` names or API URLs.
    pub sources: Vec<String>,
    /// Services written, unchanged and archived.
    pub services: BatchCounts,
    /// Channels.
    pub channels: BatchCounts,
    /// Organisations.
    pub organizations: BatchCounts,
    /// Labels applied from a workbook, if one was read.
    pub labels: Option<LabelOutcome>,
    /// Published services archived because the PTV API listed them as Archived or Withdrawn.
    pub archived_by_delta: u64,
    /// Records that were not imported, and why.
    pub rejected: Vec<Rejection>,
}

impl ImportReport {
    /// Records written: inserted and updated records, services archived by a delta and labels
    /// applied. Zero when the import found the store already up to date.
    pub fn changes(&self) -> u64 {
        self.services.changed()
            + self.channels.changed()
            + self.organizations.changed()
            + self.archived_by_delta
            + self.labels.as_ref().map_or(0, |l| l.applied)
    }

    /// A multi-line summary for people: counts per kind, then every rejection with its reason.
    pub fn summary(&self) -> String {
        let mut out = String::new();
        let _ = writeln!(out, "Imported from {}", self.sources.join(", "));
        for (label, c) in [
            ("services", &self.services),
            ("channels", &self.channels),
            ("organisations", &self.organizations),
        ] {
            let _ = writeln!(
                out,
                "  {label:<14} {} new, {} updated, {} unchanged, {} archived",
                c.inserted, c.updated, c.unchanged, c.archived
            );
        }
        if let Some(l) = &self.labels {
            let _ = writeln!(
                out,
                "  {:<14} {} applied, {} unchanged, {} for unknown services",
                "labels",
                l.applied,
                l.unchanged,
                l.unknown_ids.len()
            );
        }
        if self.archived_by_delta > 0 {
            let _ = writeln!(
                out,
                "  archived by the PTV delta (Archived/Withdrawn): {}",
                self.archived_by_delta
            );
        }
        if self.rejected.is_empty() {
            let _ = writeln!(out, "  rejected: none");
        } else {
            let _ = writeln!(out, "  rejected: {}", self.rejected.len());
            for r in &self.rejected {
                let _ = writeln!(out, "    - {r}");
            }
        }
        out
    }

    fn add_batch(&mut self, outcome: aurora_store::BatchOutcome) {
        self.services.add(outcome.services);
        self.channels.add(outcome.channels);
        self.organizations.add(outcome.organizations);
    }
}

/// Imports a file or directory, recognised by what it is:
///
/// * a `.xlsx` file: the AuroraAI 3X10D label workbook, applied as labels on existing services;
/// * a directory holding the pilot's `services.json` and `organizations.json`: the PTV pilot
///   format;
/// * any other file or directory: PTV v11 JSON in any of the shapes of [`crate`] (a directory
///   is read recursively, `*.json` in sorted order).
pub async fn import_path(
    store: &dyn CatalogStore,
    path: &Path,
    opts: &ImportOptions,
    progress: &dyn Progress,
) -> Result<ImportReport> {
    let meta = std::fs::metadata(path).map_err(|source| ImportError::Io {
        path: path.to_path_buf(),
        source,
    })?;
    let mut report = ImportReport {
        sources: vec![path.display().to_string()],
        ..ImportReport::default()
    };
    let is_xlsx = path
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("xlsx"));
    if meta.is_file() && is_xlsx {
        let (labels, rejections) = labels::read_workbook(path)?;
        apply_labels(
            store,
            &path.display().to_string(),
            labels,
            rejections,
            opts,
            UnknownLabels::Reject,
            progress,
            &mut report,
        )
        .await?;
        return Ok(report);
    }
    if meta.is_dir() && pilot::is_pilot_dir(path) {
        let (batch, rejections) = pilot::parse_dir(path)?;
        let parsed = Parsed { batch, rejections };
        write_batch(store, parsed, opts, progress, &mut report).await?;
        return Ok(report);
    }
    let files = if meta.is_dir() {
        let files = shapes::json_files(path)?;
        if files.is_empty() {
            return Err(ImportError::Format {
                source: path.display().to_string(),
                reason: "no *.json files in this directory (expected PTV v11 JSON, the pilot's \
                         services.json and organizations.json, or give a .xlsx label workbook)"
                    .to_string(),
            });
        }
        files
    } else {
        vec![path.to_path_buf()]
    };
    let inputs: Vec<Input<'_>> = files.into_iter().map(Input::File).collect();
    let parsed = parse_inputs(&inputs, opts.strict, progress)?;
    write_batch(store, parsed, opts, progress, &mut report).await?;
    Ok(report)
}

/// Imports the dataset compiled into the binary: the real PTV v11 services, channels and
/// organisations of `data/ptv`, the pilot catalogue of `data/ptv-pilot` (both in one batch),
/// then the 3X10D label workbook of `data/labels`.
///
/// The workbook labels 233 real services of Oulu, Mikkeli, Turku and national agencies, most of
/// which are not in the bundled catalogue: labels for services that are absent are counted in
/// the summary ("for unknown services") rather than rejected, since the bundle is known to be
/// a sample. They apply once those services are imported (from the live API) and the workbook
/// is imported again with `aurora import data/labels/…xlsx`.
pub async fn import_bundled(
    store: &dyn CatalogStore,
    opts: &ImportOptions,
    progress: &dyn Progress,
) -> Result<ImportReport> {
    let mut report = ImportReport::default();
    let ptv_inputs: Vec<Input<'_>> = bundled::PTV_FILES
        .iter()
        .map(|(name, bytes)| Input::Bytes(format!("bundled:{name}"), bytes))
        .collect();
    report.sources.push("bundled:data/ptv".to_string());
    let mut parsed = parse_inputs(&ptv_inputs, opts.strict, progress)?;

    if !bundled::PILOT_FILES.is_empty() {
        let files: Vec<(String, Vec<u8>)> = bundled::PILOT_FILES
            .iter()
            .map(|(name, bytes)| (format!("bundled:{name}"), bytes.to_vec()))
            .collect();
        let (pilot_batch, pilot_rejections) = pilot::parse_files(&files)?;
        report.sources.push("bundled:data/ptv-pilot".to_string());
        merge_keep_first(&mut parsed.batch, pilot_batch);
        parsed.rejections.extend(pilot_rejections);
    }

    let workbook = match bundled::LABEL_WORKBOOK {
        Some((name, bytes)) => {
            let source = format!("bundled:{name}");
            let (labels, rejections) = labels::read_workbook_bytes(&source, bytes)?;
            report.sources.push(source.clone());
            Some((source, labels, rejections))
        }
        None => None,
    };

    if opts.strict {
        // Check everything, labels included, before the first write.
        let mut all = parsed.rejections.clone();
        if let Some((_, _, rejections)) = &workbook {
            all.extend(rejections.iter().cloned());
        }
        if !all.is_empty() {
            return Err(ImportError::Strict { rejections: all });
        }
    }
    write_batch(store, parsed, opts, progress, &mut report).await?;
    if let Some((source, labels, rejections)) = workbook {
        // Strictness was checked above; absent services are expected in the bundled sample.
        let lenient = ImportOptions { strict: false };
        apply_labels(
            store,
            &source,
            labels,
            rejections,
            &lenient,
            UnknownLabels::Count,
            progress,
            &mut report,
        )
        .await?;
    }
    Ok(report)
}

/// Imports the live PTV REST API v11 at `base_url` (e.g.
/// `https://api.palvelutietovaranto.suomi.fi`); `since` (`YYYY-MM-DDTHH:MM:SS`, or a date
/// `YYYY-MM-DD` meaning midnight) limits it to items changed since then.
///
/// For `Organization`, `ServiceChannel` and `Service` in turn, it pages through
/// `GET {base}/api/v11/{Kind}?page=N[&date=SINCE]` up to the `pageCount` of that same filtered
/// query, then fetches details with `GET {base}/api/v11/{Kind}/list?guids=…` (at most 99 ids
/// per call). Ids a listing names but the details leave out become rejections. Everything is
/// written in one batch; then the services listed with `&status=Archived` and
/// `&status=Withdrawn` (since `since`, or ever on a full run) are archived, counted in
/// [`ImportReport::archived_by_delta`].
///
/// Requests run one at a time on tokio's blocking pool, with a 120 s timeout each; connection
/// failures, timeouts and 5xx answers are retried 3 times (0.5 s, 1 s, 2 s backoff), anything
/// else fails with [`ImportError::Http`] naming the URL.
pub async fn import_from_ptv_api(
    store: &dyn CatalogStore,
    base_url: &str,
    since: Option<&str>,
    opts: &ImportOptions,
    progress: &dyn Progress,
) -> Result<ImportReport> {
    crate::api_client::import(store, base_url, since, opts, progress).await
}

/// Adds `more` to `batch`, skipping ids `batch` already has (the first source wins).
fn merge_keep_first(batch: &mut ImportBatch, more: ImportBatch) {
    fn merge<T>(into: &mut Vec<T>, more: Vec<T>, id: impl Fn(&T) -> &str) {
        let seen: HashSet<String> = into.iter().map(|x| id(x).to_string()).collect();
        into.extend(more.into_iter().filter(|x| !seen.contains(id(x))));
    }
    merge(&mut batch.services, more.services, |s| &s.id);
    merge(&mut batch.channels, more.channels, |c| &c.id);
    merge(&mut batch.organizations, more.organizations, |o| &o.id);
    dedupe_batch(batch);
}

fn published_ids(batch: &ImportBatch) -> Vec<String> {
    batch
        .services
        .iter()
        .filter(|s| !s.is_archived())
        .map(|s| s.id.clone())
        .collect()
}

/// Writes a parsed batch: strict mode refuses any rejection first.
pub(crate) async fn write_batch(
    store: &dyn CatalogStore,
    parsed: Parsed,
    opts: &ImportOptions,
    progress: &dyn Progress,
    report: &mut ImportReport,
) -> Result<()> {
    if opts.strict && !parsed.rejections.is_empty() {
        return Err(ImportError::Strict {
            rejections: parsed.rejections,
        });
    }
    let batch = parsed.batch;
    let total = (batch.services.len() + batch.channels.len() + batch.organizations.len()) as u64;
    if total > 0 {
        progress.start("write", Some(total));
        let outcome = store.apply_batch(&batch).await?;
        progress.advance(total);
        progress.finish();
        report.add_batch(outcome);
    }
    report.rejected.extend(parsed.rejections);
    // Freeing a national-size batch (millions of small strings) takes a second or two; the
    // caller need not wait for it.
    if total > 10_000 {
        std::thread::spawn(move || drop(batch));
    }
    Ok(())
}

/// Label ids that are neither published services in the store nor in the batch about to be
/// written, as rejections.
async fn unknown_label_ids(
    store: &dyn CatalogStore,
    source: &str,
    labels: &[(String, Meters)],
    batch: &ImportBatch,
) -> Result<Vec<Rejection>> {
    let mut known: HashSet<String> = store
        .service_ids(&ServiceFilter::default())
        .await?
        .into_iter()
        .collect();
    known.extend(published_ids(batch));
    Ok(labels
        .iter()
        .filter(|(id, _)| !known.contains(id))
        .map(|(id, _)| unknown_label(source, id))
        .collect())
}

fn unknown_label(source: &str, id: &str) -> Rejection {
    Rejection {
        source: source.to_string(),
        location: "label row".to_string(),
        id: Some(id.to_string()),
        reason: "no such service in the catalogue".to_string(),
    }
}

/// How labels for services absent from the catalogue are reported.
#[derive(Clone, Copy, PartialEq, Eq)]
enum UnknownLabels {
    /// As rejections (a workbook the user imports explicitly).
    Reject,
    /// Only counted in the label outcome (the bundled sample).
    Count,
}

/// Applies workbook labels; strict mode refuses workbook rejections and unknown ids first.
#[allow(clippy::too_many_arguments)]
async fn apply_labels(
    store: &dyn CatalogStore,
    source: &str,
    labels: Vec<(String, Meters)>,
    mut rejections: Vec<Rejection>,
    opts: &ImportOptions,
    unknown: UnknownLabels,
    progress: &dyn Progress,
    report: &mut ImportReport,
) -> Result<()> {
    if opts.strict {
        rejections
            .extend(unknown_label_ids(store, source, &labels, &ImportBatch::default()).await?);
        if !rejections.is_empty() {
            return Err(ImportError::Strict { rejections });
        }
    }
    progress.start("labels", Some(labels.len() as u64));
    let outcome = store.set_labels(&labels).await?;
    progress.advance(labels.len() as u64);
    progress.finish();
    if unknown == UnknownLabels::Reject {
        rejections.extend(
            outcome
                .unknown_ids
                .iter()
                .map(|id| unknown_label(source, id)),
        );
    }
    report.labels = Some(outcome);
    report.rejected.extend(rejections);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn changes_count_writes_only() {
        let mut r = ImportReport::default();
        assert_eq!(r.changes(), 0);
        r.services.unchanged = 10;
        r.channels.inserted = 2;
        r.organizations.updated = 1;
        r.archived_by_delta = 3;
        r.labels = Some(LabelOutcome {
            applied: 4,
            unchanged: 5,
            unknown_ids: vec!["x".into()],
        });
        assert_eq!(r.changes(), 10);
    }

    #[test]
    fn summary_lists_counts_and_every_rejection() {
        let r = ImportReport {
            sources: vec!["data/ptv".into()],
            services: BatchCounts {
                inserted: 30,
                updated: 1,
                unchanged: 0,
                archived: 2,
            },
            rejected: vec![Rejection {
                source: "bad.json".into(),
                location: "/areaType".into(),
                id: Some("0739289c-cc26-4097-b029-fa9c58c8d4e9".into()),
                reason:
                    "expected one of Nationwide, NationwideExceptAlandIslands, LimitedType, found 5"
                        .into(),
            }],
            ..ImportReport::default()
        };
        let s = r.summary();
        assert!(s.starts_with("Imported from data/ptv\n"), "{s}");
        assert!(
            s.contains("services       30 new, 1 updated, 0 unchanged, 2 archived"),
            "{s}"
        );
        assert!(s.contains("rejected: 1\n    - bad.json: /areaType (id 0739289c-cc26-4097-b029-fa9c58c8d4e9): expected one of"), "{s}");
    }
}
