//! `aurora client`: the registry of the recommender API (`/service-recommender/v1`): API
//! clients and the channels that accept anonymous session transfer. Also the `serve` flags
//! of that API.
//!
//! Aurora is its own registry (the reference asked a profile-management service that is no
//! longer hosted): `aurora client add` prints a client's secret once; the store keeps only a
//! salted hash of it.

use std::process::ExitCode;

use anyhow::{bail, Context};
use aurora_guide::threex10d::RankingMode;
use aurora_server::CompatConfig;
use aurora_store::{RecommendationStore, SqlStore, TransferAttribute};
use clap::{Args, Subcommand};

use crate::args::Global;

/// `aurora client …`.
#[derive(Debug, Args)]
pub struct ClientArgs {
    #[command(subcommand)]
    pub command: ClientCommand,
}

#[derive(Debug, Subcommand)]
pub enum ClientCommand {
    /// Register an API client; prints its id and secret (the secret only this once).
    Add {
        /// The calling service's name (stored with its recommendations).
        #[arg(long)]
        name: String,
        /// The organisation running it.
        #[arg(long)]
        organization: String,
    },
    /// List the registered clients (never their secrets).
    List,
    /// Stop a client from authenticating.
    Disable {
        /// Client id.
        id: String,
    },
    /// Let a disabled client authenticate again.
    Enable {
        /// Client id.
        id: String,
    },
    /// Register a PTV service channel as a receiver of session transfer, with the
    /// attributes it may receive (replaces an earlier registration).
    AllowTransfer {
        /// The PTV service channel id.
        #[arg(long)]
        channel: String,
        /// Comma-separated: age, municipality_code, life_situation_meters.
        #[arg(long, value_delimiter = ',', required = true)]
        attributes: Vec<String>,
    },
    /// Unregister a receiver of session transfer.
    DenyTransfer {
        /// The PTV service channel id.
        #[arg(long)]
        channel: String,
    },
}

/// The `serve` flags of the recommender API.
#[derive(Debug, Args)]
pub struct RecommenderServeArgs {
    /// Public base URL of this node, prefixed to the recommender API's tracking links
    /// (e.g. https://aurora.example.fi). Default: links relative to the node.
    #[arg(long, env = "AURORA_PUBLIC_URL", value_name = "URL")]
    pub public_url: Option<String>,

    /// Require HTTP Basic client credentials on the recommender API (the reference's
    /// require_api_auth).
    #[arg(
        long,
        env = "AURORA_RECOMMENDER_AUTH",
        default_value_t = true,
        action = clap::ArgAction::Set,
        value_name = "BOOL"
    )]
    pub recommender_auth: bool,

    /// How recommend_service ranks: aurora (every service; hand labels, else learned
    /// relevance) or compat (the reference's cosine over hand-labelled services).
    #[arg(long, env = "AURORA_RECOMMENDER_RANKING", default_value = "aurora", value_parser = parse_ranking)]
    pub recommender_ranking: RankingMode,

    /// Recommendation tasks running at once before the next is answered 503 Server busy.
    #[arg(long, env = "AURORA_RECOMMENDER_MAX_TASKS", default_value_t = 64)]
    pub recommender_max_tasks: usize,
}

fn parse_ranking(s: &str) -> Result<RankingMode, String> {
    RankingMode::parse(s).ok_or_else(|| format!("expected aurora or compat, got {s:?}"))
}

impl RecommenderServeArgs {
    /// The server's settings; a public URL must be an absolute http(s) URL.
    pub fn config(&self) -> anyhow::Result<CompatConfig> {
        let service_host = match self.public_url.as_deref().map(str::trim) {
            None | Some("") => None,
            Some(url) if url.starts_with("https://") || url.starts_with("http://") => {
                Some(url.trim_end_matches('/').to_string())
            }
            Some(url) => bail!("--public-url must start with https:// or http://, got {url:?}"),
        };
        if self.recommender_max_tasks == 0 {
            bail!("--recommender-max-tasks must be at least 1");
        }
        if !self.recommender_auth {
            tracing::warn!("the recommender API runs without authentication");
        }
        Ok(CompatConfig {
            require_api_auth: self.recommender_auth,
            service_host,
            max_concurrent_tasks: self.recommender_max_tasks,
            ranking: self.recommender_ranking,
        })
    }
}

pub async fn run(global: &Global, args: &ClientArgs) -> anyhow::Result<ExitCode> {
    let url = global.database_url()?;
    let store = SqlStore::open(&url)
        .await
        .with_context(|| format!("cannot open the store at {}", crate::serve::redact(&url)))?;
    let result = command(&store, &args.command).await;
    store.close().await;
    result
}

async fn command(store: &SqlStore, command: &ClientCommand) -> anyhow::Result<ExitCode> {
    match command {
        ClientCommand::Add { name, organization } => {
            let (name, organization) = (name.trim(), organization.trim());
            if name.is_empty() || organization.is_empty() {
                bail!("--name and --organization must not be empty");
            }
            let issued = store.create_client(name, organization).await?;
            println!("client_id:     {}", issued.client.id);
            println!("client_secret: {}", issued.secret);
            println!();
            println!("The secret is shown only now: Aurora keeps only a hash of it.");
            println!(
                "Use HTTP Basic authentication, e.g. curl -u {}:<secret> …",
                issued.client.id
            );
        }
        ClientCommand::List => {
            let clients = store.clients().await?;
            if clients.is_empty() {
                println!("no API clients; add one with `aurora client add`");
            }
            for c in clients {
                println!(
                    "{}  {}  {}  {}{}",
                    c.id,
                    c.created_at,
                    c.organization,
                    c.name,
                    if c.disabled { "  (disabled)" } else { "" }
                );
            }
        }
        ClientCommand::Disable { id } | ClientCommand::Enable { id } => {
            let disable = matches!(command, ClientCommand::Disable { .. });
            if !store.set_client_disabled(id, disable).await? {
                bail!("no API client with id {id:?}");
            }
            println!("{} {id}", if disable { "disabled" } else { "enabled" });
        }
        ClientCommand::AllowTransfer {
            channel,
            attributes,
        } => {
            let parsed = attributes
                .iter()
                .map(|a| {
                    TransferAttribute::parse(a).with_context(|| {
                        format!(
                            "unknown attribute {a:?}: expected age, municipality_code or \
                             life_situation_meters"
                        )
                    })
                })
                .collect::<anyhow::Result<Vec<_>>>()?;
            let channel = channel.trim().to_ascii_lowercase();
            store.set_session_receiver(&channel, &parsed).await?;
            let keys: Vec<&str> = parsed.iter().map(|a| a.key()).collect();
            println!("{channel} receives {}", keys.join(", "));
        }
        ClientCommand::DenyTransfer { channel } => {
            let channel = channel.trim().to_ascii_lowercase();
            if !store.remove_session_receiver(&channel).await? {
                bail!("channel {channel} was not registered for session transfer");
            }
            println!("{channel} no longer receives session transfer");
        }
    }
    Ok(ExitCode::SUCCESS)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn serve_args(public_url: Option<&str>, tasks: usize) -> RecommenderServeArgs {
        RecommenderServeArgs {
            public_url: public_url.map(str::to_string),
            recommender_auth: true,
            recommender_ranking: RankingMode::Compat,
            recommender_max_tasks: tasks,
        }
    }

    #[test]
    fn serve_flags_become_the_servers_settings() {
        let c = serve_args(Some("https://aurora.example.fi/"), 8)
            .config()
            .expect("valid");
        assert_eq!(c.service_host.as_deref(), Some("https://aurora.example.fi"));
        assert_eq!(
            (c.max_concurrent_tasks, c.ranking),
            (8, RankingMode::Compat)
        );
        assert!(c.require_api_auth);
        assert_eq!(
            serve_args(None, 1).config().expect("valid").service_host,
            None
        );
        assert!(serve_args(Some("aurora.example.fi"), 1).config().is_err());
        assert!(serve_args(None, 0).config().is_err());
        assert_eq!(parse_ranking("AURORA"), Ok(RankingMode::Aurora));
        assert!(parse_ranking("xgboost").is_err());
    }

    #[tokio::test]
    async fn clients_and_receivers_are_managed() {
        let store = SqlStore::open("sqlite::memory:").await.expect("store");
        let add = ClientCommand::Add {
            name: "Palveluohjain".into(),
            organization: "Kunta".into(),
        };
        command(&store, &add).await.expect("add");
        let clients = store.clients().await.expect("list");
        assert_eq!(clients.len(), 1);
        let id = clients[0].id.clone();
        command(&store, &ClientCommand::List).await.expect("list");
        command(&store, &ClientCommand::Disable { id: id.clone() })
            .await
            .expect("disable");
        assert!(store.clients().await.expect("list")[0].disabled);
        command(&store, &ClientCommand::Enable { id })
            .await
            .expect("enable");
        assert!(command(
            &store,
            &ClientCommand::Disable {
                id: "nobody".into()
            }
        )
        .await
        .is_err());
        let blank = ClientCommand::Add {
            name: " ".into(),
            organization: "Kunta".into(),
        };
        assert!(command(&store, &blank).await.is_err());

        let channel = "F283C2DC-8223-408A-8A73-1D62489E1F58".to_string();
        let allow = ClientCommand::AllowTransfer {
            channel: channel.clone(),
            attributes: vec!["age".into(), "life_situation_meters".into()],
        };
        command(&store, &allow).await.expect("allow");
        assert_eq!(
            store
                .session_receiver("f283c2dc-8223-408a-8a73-1d62489e1f58")
                .await
                .expect("receiver"),
            Some(vec![
                TransferAttribute::Age,
                TransferAttribute::LifeSituationMeters
            ])
        );
        let bad = ClientCommand::AllowTransfer {
            channel: channel.clone(),
            attributes: vec!["shoe_size".into()],
        };
        assert!(command(&store, &bad).await.is_err());
        command(
            &store,
            &ClientCommand::DenyTransfer {
                channel: channel.clone(),
            },
        )
        .await
        .expect("deny");
        assert!(command(&store, &ClientCommand::DenyTransfer { channel })
            .await
            .is_err());
    }
}
