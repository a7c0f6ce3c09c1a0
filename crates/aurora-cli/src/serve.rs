//! `aurora serve`.

use std::process::ExitCode;
use std::sync::Arc;
use std::time::Instant;

use anyhow::Context;
use aurora_catalog::{ImportOptions, NoProgress};
use aurora_store::{CatalogStore, SqlStore};

use crate::args::{Global, ServeArgs};

/// Hourly housekeeping of the twin tables: deletes expired sign-in sessions (a live check
/// never accepts them anyway; this keeps the table small) and records the `expired` event of
/// consents whose validity ended (decisions never need it: they compare the validity).
async fn twin_housekeeping(store: Arc<SqlStore>) {
    use aurora_store::people::PersonStore;
    let mut tick = tokio::time::interval(std::time::Duration::from_secs(3600));
    loop {
        tick.tick().await;
        let now = time::OffsetDateTime::now_utc();
        match store.purge_expired_sessions(now.unix_timestamp()).await {
            Ok(n) if n > 0 => tracing::info!(sessions = n, "purged expired sessions"),
            Ok(_) => {}
            Err(e) => tracing::warn!(error = %e, "cannot purge expired sessions"),
        }
        match aurora_twin::consent::expire_due(store.as_ref(), now).await {
            Ok(n) if n > 0 => tracing::info!(consents = n, "recorded expired consents"),
            Ok(_) => {}
            Err(e) => tracing::warn!(error = %e, "cannot record expired consents"),
        }
    }
}

/// Mail and the external OpenID provider, from the flags.
fn account_settings(
    global: &Global,
    args: &ServeArgs,
) -> anyhow::Result<aurora_server::AccountSettings> {
    let oidc = match (&args.oidc_issuer, &args.oidc_client_id) {
        (Some(issuer), Some(client_id)) => {
            let secret = match (&args.oidc_client_secret_file, std::env::var("AURORA_OIDC_CLIENT_SECRET")) {
                (Some(path), _) => std::fs::read_to_string(path)
                    .with_context(|| format!("cannot read the OpenID client secret file {}", path.display()))?
                    .trim()
                    .to_string(),
                (None, Ok(secret)) => secret.trim().to_string(),
                (None, Err(_)) => anyhow::bail!(
                    "--oidc-issuer needs the client secret: --oidc-client-secret-file or AURORA_OIDC_CLIENT_SECRET"
                ),
            };
            if !issuer.starts_with("https://")
                && !issuer.starts_with("http://127.0.0.1")
                && !issuer.starts_with("http://localhost")
            {
                anyhow::bail!(
                    "--oidc-issuer must be an https URL (http only on loopback), got {issuer:?}"
                );
            }
            Some(aurora_server::OidcSettings {
                issuer: issuer.trim_end_matches('/').to_string(),
                client_id: client_id.clone(),
                client_secret: secret,
                display_name: args.oidc_name.clone(),
            })
        }
        _ => None,
    };
    Ok(aurora_server::AccountSettings {
        outbox_dir: Some(
            args.mail_outbox
                .clone()
                .unwrap_or_else(|| global.data_dir.join("outbox")),
        ),
        mail_from: args.mail_from.clone(),
        oidc,
        mailer: None,
    })
}

pub async fn run(global: &Global, args: &ServeArgs) -> anyhow::Result<ExitCode> {
    let started = Instant::now();
    let url = global.database_url()?;
    let compat = args.recommender.config()?;
    let sql = Arc::new(
        SqlStore::open(&url)
            .await
            .with_context(|| format!("cannot open the store at {}", redact(&url)))?,
    );
    let store: Arc<dyn CatalogStore> = sql.clone();
    let listener = tokio::net::TcpListener::bind(args.listen)
        .await
        .with_context(|| format!("cannot listen on {}", args.listen))?;
    let keys_path = global.twin_keys_path(args.twin_keys.as_deref());
    let (keys, created) = aurora_twin::keys::TwinKeys::load_or_create(&keys_path)
        .context("cannot load the digital twin's keys")?;
    if created {
        tracing::warn!(
            path = %keys_path.display(),
            "created a new twin key file; back it up: without it no twin value can be read"
        );
    }
    let twin_settings = aurora_server::TwinSettings {
        public_url: compat
            .service_host
            .clone()
            .unwrap_or_else(|| format!("http://{}", args.listen)),
        session_ttl_secs: i64::from(args.session_minutes) * 60,
    };
    let mut state = aurora_server::AppState::new(store.clone())
        .with_recommendation_store(sql.clone())
        .with_compat_config(compat)
        .with_twin(sql.clone(), keys, twin_settings);
    state = state.with_account_settings(account_settings(global, args)?);
    tokio::spawn(twin_housekeeping(sql.clone()));
    // Deletion notices to member services (erasures, withdrawals), retried for 3 days.
    aurora_server::start_deletion_notice_worker(
        &state,
        aurora_server::NoticeWorkerConfig::default(),
    );
    if args.exploration {
        state = state.with_learner_config(aurora_guide::learning::LearnerConfig {
            exploration: true,
            ..aurora_guide::learning::LearnerConfig::default()
        });
    }
    if !args.no_vectors {
        if let Some(model) = crate::vectors::load_model().await {
            state = state.with_embeddings(model, sql);
        }
    }
    // Build the intent engine in the background so the first /understand is fast.
    let warm = state.clone();
    tokio::task::spawn_blocking(move || {
        let started = Instant::now();
        warm.understander();
        tracing::info!(
            elapsed_ms = started.elapsed().as_millis() as u64,
            "intent engine ready"
        );
    });
    let server = tokio::spawn(aurora_server::serve(
        listener,
        state.clone(),
        shutdown_signal(),
    ));
    tracing::info!(listen = %args.listen, backend = ?store.backend(), "listening");

    let counts = store.counts().await.context("cannot read the catalogue")?;
    if counts.services + counts.archived_services == 0 && !args.no_bundled_data {
        let report =
            aurora_catalog::import_bundled(store.as_ref(), &ImportOptions::default(), &NoProgress)
                .await
                .context("cannot load the bundled dataset")?;
        tracing::info!(
            services = report.services.inserted,
            channels = report.channels.inserted,
            organizations = report.organizations.inserted,
            rejected = report.rejected.len(),
            "loaded the bundled dataset into the empty store"
        );
    }
    // The search index is built from the loaded catalogue (on a blocking thread); /readyz
    // stays 503 until it is in place.
    let indexed = state
        .rebuild_search_index()
        .await
        .context("cannot build the search index")?;
    tracing::info!(services = indexed, "search index ready");
    let replayed = state
        .replay_learning()
        .await
        .map_err(|e| anyhow::anyhow!("cannot read the outcome history: {}", e.detail))?;
    tracing::info!(
        recommendations = replayed,
        "outcome learner rebuilt from the stored history"
    );
    state.set_ready(true);
    tracing::info!(elapsed_ms = started.elapsed().as_millis() as u64, "ready");
    // Vectors of services imported without them are computed in the background; the index
    // is swapped for one with vectors when they are done.
    let refresher = state.clone();
    tokio::spawn(async move {
        if let Err(e) = refresher.refresh_vectors().await {
            tracing::error!(error = %e.detail, "computing service vectors failed; search stays lexical for them");
        }
    });

    server
        .await
        .context("the server task failed")?
        .context("the server stopped with an error")?;
    tracing::info!("stopped");
    Ok(ExitCode::SUCCESS)
}

/// Hides the password of a database URL before it is shown or logged.
pub fn redact(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(scheme_end), Some(at)) if at > scheme_end => {
            let userinfo = &url[scheme_end + 3..at];
            match userinfo.find(':') {
                Some(colon) => format!(
                    "{}{}:***{}",
                    &url[..scheme_end + 3],
                    &userinfo[..colon],
                    &url[at..]
                ),
                None => url.to_string(),
            }
        }
        _ => url.to_string(),
    }
}

async fn shutdown_signal() {
    let ctrl_c = async {
        if tokio::signal::ctrl_c().await.is_err() {
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {}
        _ = term => {}
    }
    tracing::info!("shutting down: draining in-flight requests");
}

#[cfg(test)]
mod tests {
    use super::redact;

    #[test]
    fn passwords_are_hidden() {
        assert_eq!(
            redact("postgres://aurora:s3cret@db:5432/aurora"),
            "postgres://aurora:***@db:5432/aurora"
        );
        assert_eq!(
            redact("postgres://postgres@127.0.0.1/test"),
            "postgres://postgres@127.0.0.1/test"
        );
        assert_eq!(redact("sqlite://./a.db"), "sqlite://./a.db");
    }
}
