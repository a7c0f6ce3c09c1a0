//! `aurora nlu build-vectors`: embeds the intent engine's label prototypes with the E5 model
//! into `data/nlu/label-vectors.bin`, which `aurora-nlu` compiles in (rebuild afterwards).

use std::process::ExitCode;
use std::time::Instant;

use anyhow::Context;
use aurora_embed::{E5Embedder, Embedder};
use aurora_nlu::LabelVectors;

use crate::args::NluBuildVectorsArgs;

/// The E5 model, or a message and exit 2 when it is not installed.
pub fn load_e5() -> Result<E5Embedder, ExitCode> {
    E5Embedder::load_default().map_err(|e| {
        eprintln!("error: the E5 model is needed for label vectors: {e}");
        ExitCode::from(2)
    })
}

pub fn run(args: &NluBuildVectorsArgs) -> anyhow::Result<ExitCode> {
    let e5 = match load_e5() {
        Ok(e5) => e5,
        Err(code) => return Ok(code),
    };
    let n = aurora_nlu::prototype_texts().len();
    eprintln!("embedding {n} label prototypes with {} …", e5.model_id());
    let start = Instant::now();
    let vectors = LabelVectors::build(&e5).context("embedding the label prototypes")?;
    let bytes = vectors.to_bytes();
    std::fs::write(&args.out, &bytes)
        .with_context(|| format!("cannot write {}", args.out.display()))?;
    println!(
        "wrote {} ({} prototypes, {} KB) in {:.1} s; rebuild to compile them in",
        args.out.display(),
        vectors.len(),
        bytes.len() / 1024,
        start.elapsed().as_secs_f32()
    );
    Ok(ExitCode::SUCCESS)
}
