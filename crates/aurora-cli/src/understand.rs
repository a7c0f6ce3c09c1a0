//! `aurora understand`.

use std::process::ExitCode;

use aurora_nlu::{UnderstandOptions, Understander};

use crate::args::UnderstandArgs;

pub fn run(args: &UnderstandArgs) -> anyhow::Result<ExitCode> {
    let understander = Understander::new();
    let opts = UnderstandOptions {
        lang_hint: args.lang,
        ..UnderstandOptions::default()
    };
    match understander.understand(&args.text, &opts) {
        Ok(out) => {
            println!("{}", serde_json::to_string_pretty(&out)?);
            Ok(ExitCode::SUCCESS)
        }
        Err(e) => {
            eprintln!("error: {e}");
            Ok(ExitCode::from(2))
        }
    }
}
