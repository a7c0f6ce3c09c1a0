//! `aurora bench-data`.

use std::process::ExitCode;
use std::time::Instant;

use anyhow::Context;
use aurora_catalog::synthetic::{write_catalog, SyntheticOptions};

use crate::args::{BenchDataArgs, Global};

pub async fn run(_global: &Global, args: &BenchDataArgs) -> anyhow::Result<ExitCode> {
    if args.per_file == 0 {
        anyhow::bail!("--per-file must be at least 1");
    }
    let opts = SyntheticOptions {
        services: args.services,
        seed: args.seed,
        services_per_file: args.per_file,
    };
    let out = args.out.clone();
    let started = Instant::now();
    let summary = tokio::task::spawn_blocking(move || write_catalog(&out, &opts))
        .await
        .context("the generator task failed")?
        .with_context(|| {
            format!(
                "cannot write the synthetic catalogue to {}",
                args.out.display()
            )
        })?;
    println!(
        "wrote {} synthetic services, {} channels and {} organisations in {} files to {} ({:.2} s)\n\
         every record is marked synthetic; import with: aurora import {}",
        summary.services,
        summary.channels,
        summary.organizations,
        summary.files,
        args.out.display(),
        started.elapsed().as_secs_f64(),
        args.out.display()
    );
    Ok(ExitCode::SUCCESS)
}
