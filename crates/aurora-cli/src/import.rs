//! `aurora import`.

use std::process::ExitCode;
use std::time::Instant;

use anyhow::Context;
use aurora_catalog::{ImportError, ImportOptions, ImportReport};
use aurora_store::SqlStore;

use crate::args::{Global, ImportArgs};
use crate::progress::Bar;
use crate::serve::redact;

pub async fn run(global: &Global, args: &ImportArgs) -> anyhow::Result<ExitCode> {
    let url = global.database_url()?;
    let store = SqlStore::open(&url)
        .await
        .with_context(|| format!("cannot open the store at {}", redact(&url)))?;
    let opts = ImportOptions {
        strict: args.strict,
    };
    let bar = Bar::new();
    let started = Instant::now();
    let mut reports = Vec::new();
    let outcome: Result<(), ImportError> = async {
        if args.bundled {
            reports.push(aurora_catalog::import_bundled(&store, &opts, &bar).await?);
        } else if let Some(api) = &args.from_ptv_api {
            reports.push(
                aurora_catalog::import_from_ptv_api(
                    &store,
                    api,
                    args.since.as_deref(),
                    &opts,
                    &bar,
                )
                .await?,
            );
        } else {
            for path in &args.paths {
                reports.push(aurora_catalog::import_path(&store, path, &opts, &bar).await?);
            }
        }
        Ok(())
    }
    .await;
    let elapsed = started.elapsed();

    for report in &reports {
        print_report(report, args.json);
    }
    match outcome {
        Ok(()) => {
            let rejected: usize = reports.iter().map(|r| r.rejected.len()).sum();
            if !args.json {
                println!("finished in {:.2} s", elapsed.as_secs_f64());
            }
            if !args.no_vectors {
                match crate::vectors::after_import(&store).await? {
                    Some(v) if !args.json => println!(
                        "vectors ({}): {} computed, {} reused, {} failed in {:.2} s",
                        v.model,
                        v.computed,
                        v.reused,
                        v.failed,
                        v.elapsed.as_secs_f64()
                    ),
                    Some(_) => {}
                    None if !args.json => {
                        println!("vectors: no embedding model installed; search stays lexical")
                    }
                    None => {}
                }
            }
            Ok(if rejected > 0 {
                ExitCode::from(3)
            } else {
                ExitCode::SUCCESS
            })
        }
        Err(ImportError::Strict { rejections }) => {
            for r in &rejections {
                eprintln!("rejected: {r}");
            }
            eprintln!(
                "error: {} record(s) rejected; nothing was imported (--strict)",
                rejections.len()
            );
            Ok(ExitCode::from(1))
        }
        Err(e) if args.strict => {
            eprintln!("error: {e}");
            eprintln!("error: nothing from this input was imported (--strict)");
            Ok(ExitCode::from(1))
        }
        Err(e) => Err(e.into()),
    }
}

fn print_report(report: &ImportReport, json: bool) {
    if json {
        match serde_json::to_string_pretty(report) {
            Ok(s) => println!("{s}"),
            Err(e) => eprintln!("error: cannot print the report: {e}"),
        }
    } else {
        println!("{}", report.summary());
    }
}
