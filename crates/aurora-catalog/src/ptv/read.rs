//! From inputs to an [`ImportBatch`]: parse every input, split it into records, map them, collect
//! rejections, and drop duplicate ids.
//!
//! Two ways to use both cores, chosen by the number of inputs:
//!
//! * many inputs (a directory, the synthetic benchmark's 201 files): whole inputs are handed out
//!   to worker threads, each reading, parsing and mapping one file at a time, so only the files
//!   in flight are in memory;
//! * few inputs (one large array): each input is parsed on one thread, which hands every record,
//!   as soon as it is parsed, to mapping threads.
//!
//! Either way an input is parsed in one pass and only a few records' JSON trees are alive at a
//! time (`shapes::stream`).
//!
//! Results are put back in input order, so the batch and the rejection list are the same on
//! every run.

use std::borrow::Cow;
use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{mpsc, Mutex};

use aurora_model::{Channel, CodeLists, Organization, Service};
use aurora_store::ImportBatch;

use super::walk::{describe, quote, Ptr};
use crate::error::{ImportError, Rejection, Result};
use crate::pipeline::Progress;
use crate::shapes::{classify, stream, utf8, Item, Kind};

/// Records of one or more inputs, and what was rejected.
#[derive(Debug, Default)]
pub(crate) struct Parsed {
    pub(crate) batch: ImportBatch,
    pub(crate) rejections: Vec<Rejection>,
}

/// One input: a file to read, or bytes already in memory (bundled data, HTTP responses).
#[derive(Debug)]
pub(crate) enum Input<'a> {
    File(PathBuf),
    Bytes(String, &'a [u8]),
}

impl Input<'_> {
    fn name(&self) -> String {
        match self {
            Input::File(path) => path.display().to_string(),
            Input::Bytes(name, _) => name.clone(),
        }
    }

    fn load(&self) -> Result<Cow<'_, [u8]>> {
        match self {
            Input::File(path) => {
                std::fs::read(path)
                    .map(Cow::Owned)
                    .map_err(|source| ImportError::Io {
                        path: path.clone(),
                        source,
                    })
            }
            Input::Bytes(_, bytes) => Ok(Cow::Borrowed(bytes)),
        }
    }
}

enum Outcome {
    Service(Box<Service>),
    Channel(Box<Channel>),
    Organization(Box<Organization>),
    Rejected(Vec<Rejection>),
}

/// Parses PTV v11 inputs.
///
/// In strict mode the first input (in input order) that cannot be read, is not JSON or is in
/// no known shape is returned as the error; otherwise such an input becomes a rejection and the
/// other inputs still count (an unreadable file always stops the import). Record problems are
/// always rejections: the caller decides what strict means for them.
pub(crate) fn parse_inputs(
    inputs: &[Input<'_>],
    strict: bool,
    progress: &dyn Progress,
) -> Result<Parsed> {
    let codes = CodeLists::get();
    let per_input: Vec<Result<Vec<Outcome>>> = if inputs.len() >= 2 * worker_threads() {
        progress.start("parse", Some(inputs.len() as u64));
        let out = par_map(inputs, 1, 1, progress, |input| {
            parse_one(input, codes, None)
        });
        progress.finish();
        out
    } else {
        inputs
            .iter()
            .map(|input| parse_one(input, codes, Some(progress)))
            .collect()
    };

    let mut parsed = Parsed::default();
    for result in per_input {
        let outcomes = match result {
            Ok(outcomes) => outcomes,
            Err(e) if strict => return Err(e),
            Err(e) => match e.to_rejection() {
                Some(r) => vec![Outcome::Rejected(vec![r])],
                None => return Err(e),
            },
        };
        for outcome in outcomes {
            match outcome {
                Outcome::Service(s) => parsed.batch.services.push(*s),
                Outcome::Channel(c) => parsed.batch.channels.push(*c),
                Outcome::Organization(o) => parsed.batch.organizations.push(*o),
                Outcome::Rejected(r) => parsed.rejections.extend(r),
            }
        }
    }
    dedupe_batch(&mut parsed.batch);
    Ok(parsed)
}

/// Reads, parses and maps one input. With `parallel`, this thread parses and hands records
/// to [`worker_threads`] mappers over a bounded channel; otherwise it maps them itself.
fn parse_one(
    input: &Input<'_>,
    codes: &CodeLists,
    parallel: Option<&dyn Progress>,
) -> Result<Vec<Outcome>> {
    let source = input.name();
    let bytes = input.load()?;
    let text = utf8(&source, &bytes)?;
    // Below this size the threads would cost more than they save (API details pages).
    const PARALLEL_FROM_BYTES: usize = 1 << 20;
    let parallel = parallel.filter(|_| text.len() >= PARALLEL_FROM_BYTES && worker_threads() > 1);
    let Some(progress) = parallel else {
        let mut out = Vec::new();
        stream(&source, text, &mut |item| {
            out.push(map_record(&source, &item, codes))
        })?;
        return Ok(out);
    };
    progress.start("parse", None);
    let (tx, rx) = mpsc::sync_channel::<(usize, Item<'_>)>(256);
    let rx = Mutex::new(rx);
    let (shape, mut mapped) = std::thread::scope(|s| {
        let workers: Vec<_> = (0..worker_threads())
            .map(|_| {
                s.spawn(|| {
                    let mut mine = Vec::new();
                    loop {
                        let next = rx.lock().unwrap_or_else(|e| e.into_inner()).recv();
                        let Ok((i, item)) = next else { break };
                        mine.push((i, map_record(&source, &item, codes)));
                        progress.advance(1);
                    }
                    mine
                })
            })
            .collect();
        let mut n = 0;
        let shape = stream(&source, text, &mut |item| {
            // A send fails only if every worker is gone, i.e. panicked: join reports that.
            let _ = tx.send((n, item));
            n += 1;
        });
        drop(tx);
        let mut mapped = Vec::new();
        for w in workers {
            match w.join() {
                Ok(mine) => mapped.extend(mine),
                Err(panic) => std::panic::resume_unwind(panic),
            }
        }
        (shape, mapped)
    });
    progress.finish();
    shape?;
    mapped.sort_by_key(|(i, _)| *i);
    Ok(mapped.into_iter().map(|(_, o)| o).collect())
}

/// Maps one record.
fn map_record(source: &str, record: &Item<'_>, codes: &CodeLists) -> Outcome {
    let reject = |location: String, id: Option<String>, reason: String| {
        Outcome::Rejected(vec![Rejection {
            source: source.to_string(),
            location,
            id,
            reason,
        }])
    };
    let at = Ptr::root(&record.pointer);
    let value = &record.value;
    let id = super::record_id(value);
    let Some(obj) = value.as_object() else {
        return reject(
            at.render(),
            None,
            format!("expected a PTV v11 object, found {}", describe(value)),
        );
    };
    let kind = match classify(obj) {
        Ok(kind) => kind,
        Err(reason) => return reject(at.render(), id, reason),
    };
    if let (Some(key), Some(id)) = (&record.map_key, &id) {
        if !key.eq_ignore_ascii_case(id.trim()) {
            return reject(
                at.key("id").render(),
                Some(id.clone()),
                format!("id {} differs from its map key {}", quote(id), quote(key)),
            );
        }
    }
    let result = match kind {
        Kind::Service => super::service(value, &at, codes).map(|s| Outcome::Service(Box::new(s))),
        Kind::Channel => super::channel(value, &at, codes).map(|c| Outcome::Channel(Box::new(c))),
        Kind::Organization => {
            super::organization(value, &at, codes).map(|o| Outcome::Organization(Box::new(o)))
        }
    };
    result.unwrap_or_else(|problems| {
        Outcome::Rejected(
            problems
                .into_iter()
                .map(|(location, reason)| Rejection {
                    source: source.to_string(),
                    location,
                    id: id.clone(),
                    reason,
                })
                .collect(),
        )
    })
}

/// Keeps one record per id and kind: the one with the latest `modified`, and on a tie the
/// later one in input order (a later file is a later export). It takes the place of the first.
pub(crate) fn dedupe_batch(batch: &mut ImportBatch) {
    dedupe(&mut batch.services, |s| &s.id, |s| s.modified.as_deref());
    dedupe(&mut batch.channels, |c| &c.id, |c| c.modified.as_deref());
    dedupe(
        &mut batch.organizations,
        |o| &o.id,
        |o| o.modified.as_deref(),
    );
}

fn dedupe<T>(
    items: &mut Vec<T>,
    id: impl Fn(&T) -> &String,
    modified: impl Fn(&T) -> Option<&str>,
) {
    let mut first: HashMap<String, usize> = HashMap::with_capacity(items.len());
    let mut keep: Vec<Option<T>> = Vec::with_capacity(items.len());
    for item in items.drain(..) {
        match first.get(id(&item)) {
            Some(&at) => {
                let old = keep[at].as_ref().expect("kept slot");
                if modified(&item) >= modified(old) {
                    keep[at] = Some(item);
                }
            }
            None => {
                first.insert(id(&item).clone(), keep.len());
                keep.push(Some(item));
            }
        }
    }
    items.extend(keep.into_iter().flatten());
}

/// Threads for parsing: the available parallelism, at most 8.
fn worker_threads() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get().min(8))
}

/// Maps `items` with `f` on [`worker_threads`] threads, keeping the order. Threads take chunks
/// of `chunk` items from a shared counter, so uneven items (a large file among small ones)
/// still keep every thread busy. Progress is reported every `report_every` items.
pub(crate) fn par_map<T: Sync, R: Send>(
    items: &[T],
    chunk: usize,
    report_every: usize,
    progress: &dyn Progress,
    f: impl Fn(&T) -> R + Sync,
) -> Vec<R> {
    let chunk = chunk.max(1);
    let report_every = report_every.max(1);
    let threads = worker_threads().min(items.len().div_ceil(chunk));
    let next = AtomicUsize::new(0);
    let done: Mutex<Vec<(usize, Vec<R>)>> = Mutex::new(Vec::new());
    let work = || {
        let mut mine = Vec::new();
        let mut since_report = 0;
        loop {
            let start = next.fetch_add(chunk, Ordering::Relaxed);
            if start >= items.len() {
                break;
            }
            let end = (start + chunk).min(items.len());
            let mut out = Vec::with_capacity(end - start);
            for item in &items[start..end] {
                out.push(f(item));
                since_report += 1;
                if since_report == report_every {
                    progress.advance(since_report as u64);
                    since_report = 0;
                }
            }
            mine.push((start, out));
        }
        progress.advance(since_report as u64);
        done.lock().unwrap_or_else(|e| e.into_inner()).extend(mine);
    };
    if threads <= 1 {
        work();
    } else {
        std::thread::scope(|s| {
            let handles: Vec<_> = (0..threads).map(|_| s.spawn(work)).collect();
            for h in handles {
                if let Err(panic) = h.join() {
                    std::panic::resume_unwind(panic);
                }
            }
        });
    }
    let mut done = done.into_inner().unwrap_or_else(|e| e.into_inner());
    done.sort_by_key(|(start, _)| *start);
    done.into_iter().flat_map(|(_, out)| out).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pipeline::NoProgress;

    #[test]
    fn par_map_keeps_order() {
        let items: Vec<u32> = (0..10_000).collect();
        let out = par_map(&items, 16, 512, &NoProgress, |x| x * 2);
        assert_eq!(out, items.iter().map(|x| x * 2).collect::<Vec<_>>());
        assert!(par_map(&Vec::<u32>::new(), 1, 1, &NoProgress, |x| *x).is_empty());
    }

    /// A single input over the parallel threshold: `n` copies of a real service with ids
    /// `…-{i:012}`, the one at `bad` with an unknown area type.
    fn big_array(n: usize, bad: usize) -> Vec<u8> {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../../data/ptv/services/610325e0-f485-4caa-bd3b-5bf74d5480c5.json");
        let one = std::fs::read_to_string(path).unwrap();
        let mut out = String::from("[");
        for i in 0..n {
            if i > 0 {
                out.push(',');
            }
            let mut copy = one.replace(
                "610325e0-f485-4caa-bd3b-5bf74d5480c5",
                &format!("00000000-0000-4000-8000-{i:012}"),
            );
            if i == bad {
                copy = copy.replace(
                    "\"areaType\": \"Nationwide\"",
                    "\"areaType\": \"Everywhere\"",
                );
            }
            out.push_str(&copy);
        }
        out.push(']');
        out.into_bytes()
    }

    #[test]
    fn one_large_input_is_mapped_in_parallel_and_in_order() {
        let bytes = big_array(400, 123);
        assert!(bytes.len() > 1 << 20);
        let input = [Input::Bytes("big.json".into(), &bytes)];
        let parsed = parse_inputs(&input, false, &NoProgress).unwrap();
        assert_eq!(parsed.batch.services.len(), 399);
        let expected: Vec<String> = (0..400)
            .filter(|i| *i != 123)
            .map(|i| format!("00000000-0000-4000-8000-{i:012}"))
            .collect();
        let ids: Vec<&String> = parsed.batch.services.iter().map(|s| &s.id).collect();
        assert_eq!(ids, expected.iter().collect::<Vec<_>>());
        assert_eq!(parsed.rejections.len(), 1);
        assert_eq!(parsed.rejections[0].location, "/123/areaType");
        // The same input cut short: the whole input is one JSON error, nothing is kept.
        let cut = [Input::Bytes("cut.json".into(), &bytes[..bytes.len() - 10])];
        let parsed = parse_inputs(&cut, false, &NoProgress).unwrap();
        assert!(parsed.batch.services.is_empty());
        assert!(
            parsed.rejections[0]
                .reason
                .starts_with("malformed JSON: EOF"),
            "{:?}",
            parsed.rejections
        );
        assert!(parse_inputs(&cut, true, &NoProgress).is_err());
    }

    #[test]
    fn duplicates_keep_the_latest_modified_in_place_of_the_first() {
        let mut v = vec![
            ("a", Some("2020")),
            ("b", None),
            ("a", Some("2021")),
            ("a", Some("2019")),
        ];
        let mut items: Vec<(String, Option<String>)> = v
            .drain(..)
            .map(|(a, b)| (a.to_string(), b.map(str::to_string)))
            .collect();
        dedupe(&mut items, |x| &x.0, |x| x.1.as_deref());
        assert_eq!(
            items,
            vec![
                ("a".to_string(), Some("2021".to_string())),
                ("b".to_string(), None)
            ]
        );
    }
}

#[cfg(test)]
mod speed {
    use super::super::json::J;
    use super::*;
    use crate::pipeline::NoProgress;

    /// CPU seconds used by this process so far (user + system), from `/proc/self/stat`; wall
    /// time is meaningless on a shared machine.
    fn cpu_seconds() -> f64 {
        let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
        let after = stat.rsplit_once(')').map_or("", |(_, rest)| rest);
        let fields: Vec<&str> = after.split_whitespace().collect();
        let ticks: f64 = fields.get(11..13).map_or(0.0, |f| {
            f.iter().filter_map(|t| t.parse::<f64>().ok()).sum()
        });
        ticks / 100.0
    }

    /// Parse speed on a synthetic catalogue (ignored; run in release):
    /// `cargo test -p aurora-catalog --release --lib -- --ignored --nocapture parse_speed`.
    #[test]
    #[ignore = "timing; run in release"]
    fn parse_speed() {
        let dir = tempfile::tempdir().unwrap();
        let n = 20_000;
        crate::synthetic::write_catalog(
            dir.path(),
            &crate::synthetic::SyntheticOptions {
                services: n,
                ..Default::default()
            },
        )
        .unwrap();
        let files = crate::shapes::json_files(dir.path()).unwrap();
        let inputs: Vec<(String, Vec<u8>)> = files
            .iter()
            .map(|f| (f.display().to_string(), std::fs::read(f).unwrap()))
            .collect();
        let files: Vec<Input<'_>> = files.into_iter().map(Input::File).collect();
        let bytes: usize = inputs.iter().map(|(_, b)| b.len()).sum();
        if std::env::var_os("AURORA_PARSE_ONLY").is_some() {
            // For profiling parse_inputs alone.
            for _ in 0..3 {
                let t = std::time::Instant::now();
                let cpu = cpu_seconds();
                let parsed = parse_inputs(&files, false, &NoProgress).unwrap();
                eprintln!(
                    "parse_inputs {:.2?} wall, {:.2} s CPU: {} services",
                    t.elapsed(),
                    cpu_seconds() - cpu,
                    parsed.batch.services.len()
                );
            }
            // One input: parsed on this thread, mapped on the others.
            let one = [Input::Bytes("all.json".into(), &inputs[0].1)];
            let t = std::time::Instant::now();
            let parsed = parse_inputs(&one, false, &NoProgress).unwrap();
            eprintln!(
                "one input of {} MB: {:.2?}, {} records",
                inputs[0].1.len() / 1_000_000,
                t.elapsed(),
                parsed.batch.services.len() + parsed.batch.channels.len()
            );
            return;
        }
        let t = std::time::Instant::now();
        let mut values = 0;
        for (_, b) in &inputs {
            let v: serde_json::Value = serde_json::from_slice(b).unwrap();
            values += v.as_array().map_or(1, Vec::len);
        }
        let plain = t.elapsed();
        let t = std::time::Instant::now();
        for (_, b) in &inputs {
            let v: J<'_> = serde_json::from_slice(b).unwrap();
            assert!(matches!(v, J::Arr(_)));
        }
        let light = t.elapsed();
        let t = std::time::Instant::now();
        let parsed = parse_inputs(&files, false, &NoProgress).unwrap();
        let ours = t.elapsed();
        assert!(
            parsed.rejections.is_empty(),
            "{:?}",
            &parsed.rejections[..1]
        );
        eprintln!(
            "{} MB, {values} records: serde_json Value alone {plain:.2?}, light tree alone {light:.2?} (1 thread); parse_inputs {ours:.2?} ({} threads) = {:.0} records/s",
            bytes / 1_000_000,
            std::thread::available_parallelism().map_or(1, |n| n.get()),
            values as f64 / ours.as_secs_f64()
        );
    }
}
