//! `aurora twin …`: operator commands of the digital twin.
//!
//! `aurora twin rotate-key` rotates the master key that wraps every person's data key:
//!
//! 1. writes a fresh master into the key file as the current one, keeping the old one as
//!    retired (the file is replaced atomically);
//! 2. re-wraps every data key with the new master (`aurora_twin::person::rotate_master`;
//!    values are sealed with the data keys, which do not change, so no value is touched);
//! 3. drops the retired master from the key file.
//!
//! Interrupted at any point, running it again resumes: a key file that still has a retired
//! master means a rotation is under way, and no new master is made. Servers hold the keys in
//! memory: stop them first, or rotate with `--keep-retired`, restart the servers on the new
//! file, and run the command again to finish (it re-wraps what the old servers created
//! meanwhile, then drops the retired master).

use std::process::ExitCode;
use std::sync::Arc;

use anyhow::Context as _;
use aurora_store::people::PersonStore;
use aurora_store::SqlStore;
use aurora_twin::keys::TwinKeys;

use crate::args::Global;

/// `aurora twin …`
#[derive(Debug, clap::Args)]
pub struct Args {
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// The twin commands.
#[derive(Debug, clap::Subcommand)]
pub enum Command {
    /// Rotate the master key: new master, re-wrap every data key, drop the old master.
    RotateKey(RotateKeyArgs),
    /// Create a company twin and give its legal representative a full mandate.
    CreateCompany(CreateCompanyArgs),
    /// Give a person a mandate for a company as the operator (e.g. a new legal representative).
    GrantMandate(GrantMandateArgs),
}

/// `aurora twin grant-mandate`
#[derive(Debug, clap::Args)]
pub struct GrantMandateArgs {
    /// The company's id (the business id also works).
    #[arg(long)]
    pub company: String,

    /// The person id of the agent.
    #[arg(long, value_name = "PERSON_ID")]
    pub agent: String,

    /// Matters, comma-separated: twin_read, twin_write, mandates. Default: all three.
    #[arg(
        long,
        value_delimiter = ',',
        default_value = "twin_read,twin_write,mandates"
    )]
    pub matters: Vec<String>,
}

/// `aurora twin create-company`
#[derive(Debug, clap::Args)]
pub struct CreateCompanyArgs {
    /// The twin key file. Default: DATA_DIR/twin-keys.json.
    #[arg(long, env = "AURORA_TWIN_KEYS_FILE", value_name = "FILE")]
    pub twin_keys: Option<std::path::PathBuf>,

    /// Finnish business id (Y-tunnus), e.g. 1234567-8.
    #[arg(long)]
    pub business_id: String,

    /// The company's registered name.
    #[arg(long)]
    pub name: String,

    /// The person id of its legal representative (who may then grant mandates to others).
    #[arg(long, value_name = "PERSON_ID")]
    pub representative: String,
}

/// `aurora twin rotate-key`
#[derive(Debug, clap::Args)]
pub struct RotateKeyArgs {
    /// The twin key file. Default: DATA_DIR/twin-keys.json.
    #[arg(long, env = "AURORA_TWIN_KEYS_FILE", value_name = "FILE")]
    pub twin_keys: Option<std::path::PathBuf>,

    /// Keep the old master in the key file after re-wrapping (for servers still running on
    /// it); run the command again after restarting them to finish.
    #[arg(long)]
    pub keep_retired: bool,
}

/// Runs `aurora twin …`.
pub async fn run(global: &Global, args: &Args) -> anyhow::Result<ExitCode> {
    match &args.command {
        Command::RotateKey(a) => rotate_key(global, a).await,
        Command::CreateCompany(a) => create_company(global, a).await,
        Command::GrantMandate(a) => grant_mandate(global, a).await,
    }
}

async fn grant_mandate(global: &Global, args: &GrantMandateArgs) -> anyhow::Result<ExitCode> {
    use aurora_store::twin::TwinStore as _;
    use aurora_twin::company::{grant_by_operator, Matter, NewMandate};
    let matters = args
        .matters
        .iter()
        .map(|m| {
            Matter::parse(m.trim()).ok_or_else(|| {
                anyhow::anyhow!("--matters: unknown matter {m:?} (twin_read, twin_write, mandates)")
            })
        })
        .collect::<anyhow::Result<Vec<_>>>()?;
    let store = SqlStore::open(&global.database_url()?)
        .await
        .context("cannot open the database")?;
    let company = match store.company_by_business_id(args.company.trim()).await? {
        Some(c) => c.id,
        None => args.company.trim().to_string(),
    };
    let now = time::OffsetDateTime::now_utc().unix_timestamp();
    let mandate = grant_by_operator(
        &store,
        &store,
        &company,
        &NewMandate {
            agent_id: args.agent.trim(),
            matters: &matters,
            valid_from: None,
            valid_until: None,
        },
        now,
    )
    .await
    .context("cannot grant the mandate")?;
    println!(
        "mandate {} for company {company}: {}",
        mandate.id,
        mandate.matters.join(", ")
    );
    Ok(ExitCode::SUCCESS)
}

async fn create_company(global: &Global, args: &CreateCompanyArgs) -> anyhow::Result<ExitCode> {
    let path = global.twin_keys_path(args.twin_keys.as_deref());
    let keys = TwinKeys::load(&path).context("cannot load the twin key file")?;
    let store = SqlStore::open(&global.database_url()?)
        .await
        .context("cannot open the database")?;
    let now = time::OffsetDateTime::now_utc().unix_timestamp();
    let (company, mandate) = aurora_twin::company::create_company(
        &store,
        &store,
        &keys,
        args.business_id.trim(),
        &args.name,
        args.representative.trim(),
        now,
    )
    .await
    .context("cannot create the company")?;
    println!(
        "company {} ({}) created; mandate {} for its representative",
        company.id, company.business_id, mandate.id
    );
    Ok(ExitCode::SUCCESS)
}

async fn rotate_key(global: &Global, args: &RotateKeyArgs) -> anyhow::Result<ExitCode> {
    let path = global.twin_keys_path(args.twin_keys.as_deref());
    let url = global.database_url()?;
    let store = Arc::new(
        SqlStore::open(&url)
            .await
            .context("cannot open the database")?,
    );
    let summary = rotate(store.as_ref(), &path, args.keep_retired).await?;
    println!("{summary}");
    Ok(ExitCode::SUCCESS)
}

/// The rotation itself (see the module docs); returns a one-line summary.
pub async fn rotate(
    store: &dyn PersonStore,
    path: &std::path::Path,
    keep_retired: bool,
) -> anyhow::Result<String> {
    let keys = TwinKeys::load(path).context("cannot load the twin key file")?;
    let (keys, resumed) = if keys.retired_ids().is_empty() {
        let rotated = keys
            .with_new_master()
            .context("cannot make a new master key")?;
        // The new master is on disk before any data key depends on it.
        rotated
            .save(path)
            .context("cannot write the twin key file")?;
        (rotated, false)
    } else {
        (keys, true)
    };
    let done = aurora_twin::person::rotate_master(store, &keys)
        .await
        .context("re-wrapping the data keys failed; run the command again to resume")?;
    let current = keys.master().key_id();
    let left = store
        .persons_not_wrapped_by(current.as_str(), 1)
        .await
        .context("cannot check the rotation")?;
    anyhow::ensure!(
        left.is_empty(),
        "some data keys are still wrapped by an old master; run the command again"
    );
    let retired = keys.retired_ids().len();
    if !keep_retired {
        keys.without_retired()
            .save(path)
            .context("cannot write the twin key file")?;
    }
    Ok(format!(
        "{} master key {current}: {} data keys re-wrapped{}",
        if resumed {
            "resumed rotation to"
        } else {
            "rotated to"
        },
        done.rewrapped,
        if keep_retired {
            format!("; {retired} retired master(s) kept: restart the servers, then run again")
        } else {
            format!("; {retired} retired master(s) removed")
        }
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use aurora_store::people::PersonKind;
    use aurora_store::twin::TwinStore as _;
    use aurora_twin::registry::AttributeRegistry;
    use aurora_twin::twin::{read_values, Actor, Twin};
    use serde_json::json;

    #[tokio::test]
    async fn rotation_rewraps_everything_and_can_be_resumed() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("twin-keys.json");
        let store = SqlStore::open("sqlite::memory:").await.unwrap();
        let (keys, _) = TwinKeys::load_or_create(&path).unwrap();
        let mut people = Vec::new();
        for i in 0..3 {
            let p = aurora_twin::person::create(&store, &keys, PersonKind::Person)
                .await
                .unwrap()
                .id;
            Twin::new(&store, &store, &keys, AttributeRegistry::bundled())
                .set(&p, "age", &json!(i), None, &Actor::Operator)
                .await
                .unwrap();
            people.push(p);
        }
        let old = keys.master().key_id();

        // Keep the retired master, then finish with a second run.
        let s = rotate(&store, &path, true).await.unwrap();
        assert!(s.contains("3 data keys re-wrapped"), "{s}");
        let mid = TwinKeys::load(&path).unwrap();
        assert_eq!(mid.retired_ids(), vec![old.clone()]);
        let s = rotate(&store, &path, false).await.unwrap();
        assert!(s.starts_with("resumed"), "{s}");
        let after = TwinKeys::load(&path).unwrap();
        assert!(after.retired_ids().is_empty());
        assert_ne!(after.master().key_id(), old);
        for (i, p) in people.iter().enumerate() {
            let v = read_values(&store, &store, &after, p, &["age"])
                .await
                .unwrap();
            assert_eq!(v["age"], json!(i));
        }
        assert_eq!(store.twin_values(&people[0]).await.unwrap().len(), 1);
        // A fresh rotation again.
        let s = rotate(&store, &path, false).await.unwrap();
        assert!(s.starts_with("rotated"), "{s}");
    }
}
