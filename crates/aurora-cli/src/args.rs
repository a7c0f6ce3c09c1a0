//! Command-line flags. Every flag also reads an `AURORA_*` environment variable; a flag given on
//! the command line wins over the environment, which wins over the default.

use std::net::SocketAddr;
use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

/// Aurora: a node of the AuroraAI network of public services.
#[derive(Debug, Parser)]
#[command(name = "aurora", version, about, long_about = None)]
pub struct Cli {
    #[command(flatten)]
    pub global: Global,
    #[command(subcommand)]
    pub command: Command,
}

/// Flags every command takes.
#[derive(Debug, Args)]
pub struct Global {
    /// Directory for Aurora's own files (the embedded SQLite database lives here).
    #[arg(
        long,
        global = true,
        env = "AURORA_DATA_DIR",
        default_value = "./aurora-data"
    )]
    pub data_dir: PathBuf,

    /// Database URL: sqlite://PATH or postgres://USER@HOST:PORT/DB.
    /// Default: SQLite at DATA_DIR/aurora.db.
    #[arg(long, global = true, env = "AURORA_DATABASE_URL")]
    pub database_url: Option<String>,

    /// Log filter (error, warn, info, debug, trace, or a tracing directive); AURORA_LOG overrides.
    #[arg(long, global = true, default_value = "info")]
    pub log_level: String,

    /// Write logs as JSON lines (for log collectors).
    #[arg(long, global = true, env = "AURORA_LOG_JSON")]
    pub log_json: bool,
}

impl Global {
    /// The twin key file: the flag, or DATA_DIR/twin-keys.json.
    pub fn twin_keys_path(&self, flag: Option<&std::path::Path>) -> PathBuf {
        flag.map(std::path::Path::to_path_buf)
            .unwrap_or_else(|| self.data_dir.join("twin-keys.json"))
    }

    /// The database URL to use, creating the data directory for the SQLite default.
    pub fn database_url(&self) -> anyhow::Result<String> {
        if let Some(url) = &self.database_url {
            return Ok(url.clone());
        }
        std::fs::create_dir_all(&self.data_dir).map_err(|e| {
            anyhow::anyhow!(
                "cannot create data directory {}: {e}",
                self.data_dir.display()
            )
        })?;
        Ok(format!(
            "sqlite://{}",
            self.data_dir.join("aurora.db").display()
        ))
    }
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run the HTTP server (loads the bundled dataset into an empty store on first start).
    Serve(ServeArgs),
    /// Import PTV data: files or directories (PTV v11 JSON, the PTV pilot format, a 3X10D
    /// label workbook .xlsx), or the live PTV API.
    Import(ImportArgs),
    /// Generate a synthetic PTV-shaped catalogue for scale work (every record marked synthetic).
    BenchData(BenchDataArgs),
    /// Analyse a free text: language, life events, service classes, target groups,
    /// municipalities, ages, dates, urgent danger (pretty JSON, as POST /api/v1/understand).
    Understand(UnderstandArgs),
    /// Evaluate an engine on its development set and check the quality floors; without a
    /// subcommand, every evaluation (intent, relevance, search) with the built-in floors.
    Eval(EvalArgs),
    /// Train a model from the bundled data and write it as files.
    #[command(subcommand)]
    Train(TrainCommand),
    /// Manage the recommender API's clients and session-transfer receivers.
    Client(crate::client::ClientArgs),
    /// Manage member services: the organisations' services that receive twin attributes
    /// through OAuth 2.1 / OpenID Connect and hand-overs, with the person's consent.
    Member(crate::member::MemberArgs),
    /// Digital-twin administration: master-key rotation, company twins.
    Twin(crate::twin::Args),
    /// Intent-engine data tools.
    #[command(subcommand)]
    Nlu(NluCommand),
}

#[derive(Debug, Args)]
pub struct UnderstandArgs {
    /// The text, e.g. "Muutan Tampereelle opiskelemaan".
    pub text: String,

    /// The language the text is probably in (fi, sv or en): a hint, not an override.
    #[arg(long, value_parser = parse_lang)]
    pub lang: Option<aurora_model::Lang>,
}

fn parse_lang(s: &str) -> Result<aurora_model::Lang, String> {
    s.parse()
        .map_err(|e: aurora_model::UnknownLang| e.to_string())
}

#[derive(Debug, Args)]
pub struct EvalArgs {
    #[command(subcommand)]
    pub command: Option<EvalCommand>,
}

#[derive(Debug, Subcommand)]
pub enum EvalCommand {
    /// Intent recognition on data/nlu/devset.jsonl: per-language life-event top-1 and
    /// service-class hit@3 (whole set, holdout and fresh splits); exits 1 below a floor.
    Intent(EvalIntentArgs),
    /// Learned 3X10D relevance on the held-out labelled services: per-dimension ROC AUC and
    /// precision@10; exits 1 below a floor of data/guide/floors.json.
    Relevance(EvalGuideArgs),
    /// Text search over the bundled catalogue on data/guide/search-devset.jsonl: nDCG@10 per
    /// query language; exits 1 below a floor of data/guide/floors.json.
    Search(EvalGuideArgs),
}

#[derive(Debug, Args)]
pub struct EvalGuideArgs {
    /// Floors to enforce (JSON, the format of data/guide/floors.json). Default: the
    /// data/guide/floors.json built into this binary.
    #[arg(long, value_name = "PATH")]
    pub floor_file: Option<PathBuf>,

    /// Skip what needs the E5 embedding model (the e5 relevance model, hybrid search; their
    /// floors are reported as skipped): seconds instead of about a minute.
    #[arg(long)]
    pub lexical_only: bool,
}

#[derive(Debug, Subcommand)]
pub enum TrainCommand {
    /// The 3X10D relevance models, from the label workbook: writes relevance-lexical.json
    /// (deterministic: the committed file is what this writes).
    Relevance(TrainRelevanceArgs),
}

#[derive(Debug, Args)]
pub struct TrainRelevanceArgs {
    /// Output directory.
    #[arg(long, value_name = "DIR", default_value = "data/guide")]
    pub out: PathBuf,

    /// Label workbook to learn from. Default: the data/labels workbook built into this binary.
    #[arg(long, value_name = "PATH")]
    pub workbook: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct EvalIntentArgs {
    /// Floors to enforce (JSON, the format of data/nlu/floors.json). Default: the
    /// data/nlu/floors.json built into this binary.
    #[arg(long, value_name = "PATH")]
    pub floor_file: Option<PathBuf>,

    /// Also evaluate with semantic label vectors (needs the E5 model; exit 2 without it) and
    /// report latency per utterance of both modes.
    #[arg(long)]
    pub vectors: bool,
}

#[derive(Debug, Subcommand)]
pub enum NluCommand {
    /// Embed the life-event and service-class prototypes with the E5 model into
    /// data/nlu/label-vectors.bin (compiled into the intent engine; rebuild afterwards).
    BuildVectors(NluBuildVectorsArgs),
}

#[derive(Debug, Args)]
pub struct NluBuildVectorsArgs {
    /// Output file.
    #[arg(
        long,
        value_name = "PATH",
        default_value = "data/nlu/label-vectors.bin"
    )]
    pub out: PathBuf,
}

#[derive(Debug, Args)]
pub struct ServeArgs {
    /// Address to listen on.
    #[arg(long, env = "AURORA_LISTEN", default_value = "127.0.0.1:8080")]
    pub listen: SocketAddr,

    /// Do not load the bundled dataset into an empty store.
    #[arg(long)]
    pub no_bundled_data: bool,

    /// Search and guidance without semantic vectors (lexical only), even when the embedding
    /// model is available.
    #[arg(long, env = "AURORA_NO_VECTORS")]
    pub no_vectors: bool,

    /// Let guidance now and then show a service from just below the cut (marked `explored`)
    /// so that outcome learning sees evidence it would otherwise never get; off by default.
    #[arg(long, env = "AURORA_EXPLORATION")]
    pub exploration: bool,

    /// The digital twin's key file (master keys, signing key, secret; JSON, mode 0600).
    /// Default: DATA_DIR/twin-keys.json, created with fresh keys on first start. Rotate the
    /// master key with `aurora twin rotate-key`.
    #[arg(long, env = "AURORA_TWIN_KEYS_FILE", value_name = "FILE")]
    pub twin_keys: Option<PathBuf>,

    /// Directory where outgoing mail (e-mail verification and change links) is written, one
    /// RFC 5322 `.eml` file per message, for the site's mail transfer agent to deliver.
    /// Default: DATA_DIR/outbox.
    #[arg(long, env = "AURORA_MAIL_OUTBOX", value_name = "DIR")]
    pub mail_outbox: Option<PathBuf>,

    /// The `From` address of outgoing mail. Default: `Aurora <no-reply@HOST>` of the public URL.
    #[arg(long, env = "AURORA_MAIL_FROM", value_name = "ADDRESS")]
    pub mail_from: Option<String>,

    /// Sign-in through an external OpenID Connect provider: its issuer URL. Register
    /// `<public URL>/{fi,sv,en}/account/oidc/callback` as redirect URIs there.
    #[arg(
        long,
        env = "AURORA_OIDC_ISSUER",
        value_name = "URL",
        requires = "oidc_client_id"
    )]
    pub oidc_issuer: Option<String>,

    /// Aurora's client id at the OpenID provider.
    #[arg(
        long,
        env = "AURORA_OIDC_CLIENT_ID",
        value_name = "ID",
        requires = "oidc_issuer"
    )]
    pub oidc_client_id: Option<String>,

    /// A file holding Aurora's client secret at the OpenID provider (or set
    /// AURORA_OIDC_CLIENT_SECRET; never pass secrets as arguments).
    #[arg(long, value_name = "FILE")]
    pub oidc_client_secret_file: Option<PathBuf>,

    /// The provider's name on the sign-in page.
    #[arg(long, env = "AURORA_OIDC_NAME", default_value = "Suomi.fi")]
    pub oidc_name: String,

    /// How long a sign-in session lasts, in minutes.
    #[arg(long, env = "AURORA_SESSION_MINUTES", default_value_t = 720, value_parser = clap::value_parser!(u32).range(5..=43200))]
    pub session_minutes: u32,

    #[command(flatten)]
    pub recommender: crate::client::RecommenderServeArgs,
}

#[derive(Debug, Args)]
pub struct ImportArgs {
    /// Files or directories to import, in order.
    #[arg(required_unless_present_any = ["from_ptv_api", "bundled"])]
    pub paths: Vec<PathBuf>,

    /// Import from a live PTV REST API (v11), e.g. https://api.palvelutietovaranto.suomi.fi
    #[arg(long, value_name = "URL", conflicts_with = "paths")]
    pub from_ptv_api: Option<String>,

    /// With --from-ptv-api: only items changed since this time (YYYY-MM-DDTHH:MM:SS).
    #[arg(long, requires = "from_ptv_api")]
    pub since: Option<String>,

    /// Import the dataset bundled with this binary.
    #[arg(long, conflicts_with_all = ["paths", "from_ptv_api"])]
    pub bundled: bool,

    /// Do not compute the semantic vectors of new and changed services after the import
    /// (`aurora serve` computes them in the background instead).
    #[arg(long, env = "AURORA_NO_VECTORS")]
    pub no_vectors: bool,

    /// Reject the whole import if any record is bad (default: import the good ones and report
    /// the rest).
    #[arg(long)]
    pub strict: bool,

    /// Print the summary as JSON on stdout.
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct BenchDataArgs {
    /// Number of synthetic services.
    #[arg(long, default_value_t = 100_000)]
    pub services: usize,

    /// Output directory for the PTV v11 JSON files (import them with `aurora import DIR`).
    #[arg(long, default_value = "./aurora-bench-data")]
    pub out: PathBuf,

    /// Random seed (the same seed gives the same catalogue).
    #[arg(long, default_value_t = 1)]
    pub seed: u64,

    /// Services per output file.
    #[arg(long, default_value_t = 1000)]
    pub per_file: usize,
}
