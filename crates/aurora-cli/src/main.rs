//! The `aurora` binary: one command-line entry point to an Aurora node.
//!
//! It is glue: flags are parsed here, and every command calls into the engine crates.
//! Exit codes: 0 success; 1 error (nothing or, for `import --strict`, nothing at all was
//! written; for `eval`, a metric below its floor); 2 usage error (also a text
//! `understand` refuses: empty or too long); 3 `import` finished but rejected some records
//! (the rest were imported and the rejections printed).

mod args;
mod bench_data;
mod client;
mod eval_guide;
mod eval_intent;
mod import;
mod member;
mod nlu_vectors;
mod progress;
mod serve;
mod twin;
mod understand;
mod vectors;

use std::process::ExitCode;

use clap::Parser;

use crate::args::{Cli, Command, EvalArgs, EvalCommand, NluCommand, TrainCommand};

fn main() -> ExitCode {
    let cli = Cli::parse();
    init_tracing(&cli);
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("error: cannot start the async runtime: {e}");
            return ExitCode::from(1);
        }
    };
    let result = runtime.block_on(async {
        match &cli.command {
            Command::Serve(a) => serve::run(&cli.global, a).await,
            Command::Import(a) => import::run(&cli.global, a).await,
            Command::BenchData(a) => bench_data::run(&cli.global, a).await,
            Command::Understand(a) => understand::run(a),
            Command::Eval(EvalArgs { command: None }) => eval_guide::run_all().await,
            Command::Eval(EvalArgs {
                command: Some(EvalCommand::Intent(a)),
            }) => eval_intent::run(a),
            Command::Eval(EvalArgs {
                command: Some(EvalCommand::Relevance(a)),
            }) => eval_guide::run_relevance(a).await,
            Command::Eval(EvalArgs {
                command: Some(EvalCommand::Search(a)),
            }) => eval_guide::run_search(a).await,
            Command::Train(TrainCommand::Relevance(a)) => eval_guide::run_train(a).await,
            Command::Client(a) => client::run(&cli.global, a).await,
            Command::Member(a) => member::run(&cli.global, a).await,
            Command::Twin(a) => twin::run(&cli.global, a).await,
            Command::Nlu(NluCommand::BuildVectors(a)) => nlu_vectors::run(a),
        }
    });
    match result {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::from(1)
        }
    }
}

fn init_tracing(cli: &Cli) {
    use tracing_subscriber::EnvFilter;
    let filter = EnvFilter::try_from_env("AURORA_LOG")
        .unwrap_or_else(|_| EnvFilter::new(cli.global.log_level.as_str()));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    if cli.global.log_json {
        builder.json().init();
    } else {
        builder.init();
    }
}
