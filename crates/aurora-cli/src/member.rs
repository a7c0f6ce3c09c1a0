//! `aurora member`: the registry of member services, the OAuth clients of the twin's
//! authorization server (`aurora_twin::oauth`). Registration is an operator action: `add`
//! validates the registration (exact https redirect URIs, scopes from the attribute registry)
//! and prints the client secret once; the store keeps only a salted hash of it.
//!
//! Hooked into `aurora` as `Command::Member(crate::member::MemberArgs)` →
//! `crate::member::run(&global, &args)`.

use std::process::ExitCode;

use anyhow::Context;
use aurora_store::oauth::{OAuthClient, OAuthStore};
use aurora_store::SqlStore;
use aurora_twin::oauth::client::{register, rotate_secret, ClientRegistration};
use aurora_twin::registry::AttributeRegistry;
use clap::{Args, Subcommand};

use crate::args::Global;

/// `aurora member …`.
#[derive(Debug, Args)]
pub struct MemberArgs {
    #[command(subcommand)]
    pub command: MemberCommand,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum MemberCommand {
    /// Register a member service; prints its client id and secret (the secret only this
    /// once) as JSON.
    Add(Box<AddArgs>),
    /// List the member services (never their secrets) as JSON lines.
    List,
    /// Disable a service: it can no longer authenticate, and its tokens stop working at once.
    Disable {
        /// Client id.
        id: String,
    },
    /// Enable a disabled service again.
    Enable {
        /// Client id.
        id: String,
    },
    /// Give a service a new client secret (the old one stops working at once); prints it once.
    RotateSecret {
        /// Client id.
        id: String,
    },
}

/// `aurora member add`.
#[derive(Debug, Args)]
pub struct AddArgs {
    /// Name in Finnish.
    #[arg(long)]
    pub name_fi: String,
    /// Name in Swedish.
    #[arg(long)]
    pub name_sv: String,
    /// Name in English.
    #[arg(long)]
    pub name_en: String,
    /// The organisation running the service.
    #[arg(long)]
    pub organisation: String,
    /// Redirect URI (repeatable; compared exactly; https, or http on loopback).
    #[arg(long = "redirect-uri", required = true)]
    pub redirect_uris: Vec<String>,
    /// Allowed scopes, comma-separated: attribute names, store:<attribute>; `openid` is
    /// added unless --no-openid. They cap what any consent can grant the service.
    #[arg(long, value_delimiter = ',', required = true)]
    pub scopes: Vec<String>,
    /// Do not add the `openid` scope.
    #[arg(long)]
    pub no_openid: bool,
    /// Purpose codes the service may ask consent for (data/twin/purposes.json), comma-separated;
    /// the first is the default.
    #[arg(long, value_delimiter = ',', default_value = "service_delivery")]
    pub purposes: Vec<String>,
    /// Attributes the service receives through anonymous hand-over, comma-separated.
    #[arg(long, value_delimiter = ',')]
    pub handover_attributes: Vec<String>,
    /// The landing page that receives hand-overs.
    #[arg(long)]
    pub handover_url: Option<String>,
    /// Where deletion notices are posted (account erased, consent withdrawn).
    #[arg(long)]
    pub deletion_callback_url: Option<String>,
    /// The pairwise subject sector (default: the client id; services sharing a sector see
    /// the same subject for a person).
    #[arg(long)]
    pub pairwise_sector: Option<String>,
}

/// Runs `aurora member …`.
pub async fn run(global: &Global, args: &MemberArgs) -> anyhow::Result<ExitCode> {
    let url = global.database_url()?;
    let store = SqlStore::open(&url)
        .await
        .with_context(|| format!("cannot open the store at {}", crate::serve::redact(&url)))?;
    let result = command(&store, &args.command).await;
    store.close().await;
    result
}

fn summary(c: &OAuthClient) -> serde_json::Value {
    serde_json::json!({
        "client_id": c.id,
        "name": {"fi": c.name_fi, "sv": c.name_sv, "en": c.name_en},
        "organisation": c.organisation,
        "redirect_uris": c.redirect_uris,
        "allowed_scopes": c.allowed_scopes,
        "allowed_purposes": c.allowed_purposes,
        "handover_attributes": c.handover_attributes,
        "handover_url": c.handover_url,
        "deletion_callback_url": c.deletion_callback_url,
        "pairwise_sector": c.pairwise_sector,
        "disabled": c.disabled,
        "created_at": c.created_at,
    })
}

fn registration(add: &AddArgs) -> ClientRegistration {
    let mut scopes: Vec<String> = add
        .scopes
        .iter()
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty())
        .collect();
    if !add.no_openid && !scopes.iter().any(|s| s == "openid") {
        scopes.insert(0, "openid".into());
    }
    let list = |v: &[String]| -> Vec<String> {
        v.iter()
            .map(|s| s.trim().to_string())
            .filter(|s| !s.is_empty())
            .collect()
    };
    ClientRegistration {
        name_fi: add.name_fi.clone(),
        name_sv: add.name_sv.clone(),
        name_en: add.name_en.clone(),
        organisation: add.organisation.clone(),
        redirect_uris: list(&add.redirect_uris),
        allowed_scopes: scopes,
        handover_attributes: list(&add.handover_attributes),
        handover_url: add.handover_url.clone(),
        allowed_purposes: list(&add.purposes),
        deletion_callback_url: add.deletion_callback_url.clone(),
        pairwise_sector: add.pairwise_sector.clone(),
    }
}

async fn command(store: &SqlStore, command: &MemberCommand) -> anyhow::Result<ExitCode> {
    match command {
        MemberCommand::Add(add) => {
            let registry = AttributeRegistry::bundled();
            let is_attribute = |a: &str| registry.get(a).is_some();
            let reg = registration(add);
            for p in &reg.allowed_purposes {
                if aurora_twin::consent::Purposes::bundled().get(p).is_none() {
                    anyhow::bail!(
                        "--purposes: unknown purpose {p:?} (see data/twin/purposes.json)"
                    );
                }
            }
            let registered = register(store, &reg, &is_attribute)
                .await
                .map_err(|e| anyhow::anyhow!("{e}"))?;
            let mut out = summary(&registered.client);
            out["client_secret"] = serde_json::Value::String(registered.secret.clone());
            println!("{}", serde_json::to_string_pretty(&out)?);
            eprintln!("The client secret is shown only now; Aurora keeps only a hash of it.");
            Ok(ExitCode::SUCCESS)
        }
        MemberCommand::List => {
            for c in store.oauth_clients().await? {
                println!("{}", summary(&c));
            }
            Ok(ExitCode::SUCCESS)
        }
        MemberCommand::Disable { id } | MemberCommand::Enable { id } => {
            let disable = matches!(command, MemberCommand::Disable { .. });
            if store.set_oauth_client_disabled(id, disable).await? {
                eprintln!(
                    "member service {id} {}",
                    if disable { "disabled" } else { "enabled" }
                );
                Ok(ExitCode::SUCCESS)
            } else {
                eprintln!("no member service {id}");
                Ok(ExitCode::FAILURE)
            }
        }
        MemberCommand::RotateSecret { id } => match rotate_secret(store, id)
            .await
            .map_err(|e| anyhow::anyhow!("{e}"))?
        {
            Some(secret) => {
                println!(
                    "{}",
                    serde_json::to_string_pretty(
                        &serde_json::json!({"client_id": id, "client_secret": secret})
                    )?
                );
                eprintln!("The new secret is shown only now; the old one no longer works.");
                Ok(ExitCode::SUCCESS)
            }
            None => {
                eprintln!("no member service {id}");
                Ok(ExitCode::FAILURE)
            }
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::Parser;

    #[derive(Debug, Parser)]
    struct Cli {
        #[command(subcommand)]
        command: MemberCommand,
    }

    #[tokio::test]
    async fn add_validates_and_registers_list_and_rotate_work() {
        let store = SqlStore::open("sqlite::memory:").await.unwrap();
        let cli = Cli::try_parse_from([
            "member",
            "add",
            "--name-fi",
            "Palvelu",
            "--name-sv",
            "Tjänst",
            "--name-en",
            "Service",
            "--organisation",
            "Org",
            "--redirect-uri",
            "https://svc.example/cb",
            "--scopes",
            "age,store:age",
        ])
        .unwrap();
        let MemberCommand::Add(add) = &cli.command else {
            panic!()
        };
        assert_eq!(
            registration(add).allowed_scopes,
            vec!["openid", "age", "store:age"]
        );
        assert_eq!(
            command(&store, &cli.command).await.unwrap(),
            ExitCode::SUCCESS
        );
        let clients = store.oauth_clients().await.unwrap();
        assert_eq!(clients.len(), 1);
        let id = clients[0].id.clone();
        let rotate = Cli::try_parse_from(["member", "rotate-secret", &id]).unwrap();
        assert_eq!(
            command(&store, &rotate.command).await.unwrap(),
            ExitCode::SUCCESS
        );
        let disable = Cli::try_parse_from(["member", "disable", &id]).unwrap();
        assert_eq!(
            command(&store, &disable.command).await.unwrap(),
            ExitCode::SUCCESS
        );
        assert!(store.oauth_client(&id).await.unwrap().unwrap().disabled);
        // An http redirect URI off loopback, or an unknown scope, is refused.
        for (flag, value) in [
            ("--redirect-uri", "http://svc.example/cb"),
            ("--scopes", "email"),
        ] {
            let mut argv = vec![
                "member",
                "add",
                "--name-fi",
                "P",
                "--name-sv",
                "T",
                "--name-en",
                "S",
                "--organisation",
                "O",
            ];
            if flag == "--redirect-uri" {
                argv.extend(["--redirect-uri", value, "--scopes", "age"]);
            } else {
                argv.extend([
                    "--redirect-uri",
                    "https://svc.example/cb",
                    "--scopes",
                    value,
                ]);
            }
            let cli = Cli::try_parse_from(argv).unwrap();
            assert!(
                command(&store, &cli.command).await.is_err(),
                "{flag} {value}"
            );
        }
    }
}
