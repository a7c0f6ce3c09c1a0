//! The deletion-notice worker: delivers the queued notices of `deletion_notices` (account
//! erased, consent withdrawn; queued by `aurora_twin::oauth::notice`) to each member
//! service's deletion callback URL.
//!
//! Each attempt `POST`s the notice as a signed Security Event Token (`Content-Type:
//! application/secevent+jwt`, RFC 8935 push delivery); any 2xx is delivery. Otherwise the
//! notice is retried with exponential backoff until its give-up time (three days after it was
//! queued). Delivery is at least once: a notice is claimed (its next attempt moved past a
//! lease) before the attempt, so replicas do not send it at the same moment, but a crash after
//! sending and before recording sends it again; services deduplicate by `jti` (the notice id).
//! Redirects are not followed, and no token, URL or answer body is logged. The same worker
//! purges expired codes and tokens hourly.

use std::sync::Arc;
use std::time::Duration;

use aurora_store::oauth::{DeletionNotice, OAuthStore};
use aurora_twin::oauth::notice::{backoff_secs, notice_jwt};
use aurora_twin::oauth::now_unix;

use super::issuer;
use crate::me::TwinState;
use crate::state::AppState;

/// How often the worker also purges expired codes and tokens.
const PURGE_EVERY: Duration = Duration::from_secs(60 * 60);

/// How the worker runs.
#[derive(Debug, Clone)]
pub struct NoticeWorkerConfig {
    /// Pause between passes over the queue.
    pub poll_interval: Duration,
    /// The first retry's delay in seconds (doubling after each failure, at most six hours).
    pub base_backoff_secs: i64,
    /// Timeout of one delivery.
    pub timeout: Duration,
    /// Notices per pass.
    pub batch: u32,
}

impl Default for NoticeWorkerConfig {
    fn default() -> Self {
        NoticeWorkerConfig {
            poll_interval: Duration::from_secs(10),
            base_backoff_secs: 30,
            timeout: Duration::from_secs(10),
            batch: 50,
        }
    }
}

/// What one pass did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct PassStats {
    /// Delivered.
    pub delivered: u64,
    /// Failed and rescheduled.
    pub retried: u64,
    /// Failed for the last time.
    pub given_up: u64,
}

fn agent(timeout: Duration) -> ureq::Agent {
    ureq::Agent::config_builder()
        .timeout_global(Some(timeout))
        .http_status_as_error(false)
        .max_redirects(0)
        .user_agent(concat!("aurora/", env!("CARGO_PKG_VERSION")))
        .build()
        .into()
}

/// One delivery attempt: `Ok` on 2xx, else a short reason (status or error kind; never the
/// URL or the body).
fn post(agent: &ureq::Agent, url: &str, jwt: &str) -> Result<(), String> {
    match agent
        .post(url)
        .header("Content-Type", "application/secevent+jwt")
        .header("Accept", "application/json")
        .send(jwt)
    {
        Ok(response) if response.status().is_success() => Ok(()),
        Ok(response) => Err(format!("HTTP {}", response.status().as_u16())),
        Err(ureq::Error::Timeout(_)) => Err("timeout".into()),
        Err(ureq::Error::ConnectionFailed | ureq::Error::Io(_)) => Err("connection failed".into()),
        Err(_) => Err("request failed".into()),
    }
}

async fn attempt(
    twin: &TwinState,
    agent: &ureq::Agent,
    notice: &DeletionNotice,
    config: &NoticeWorkerConfig,
    now: i64,
) -> Result<PassStats, aurora_store::Error> {
    let store: &dyn OAuthStore = twin.store.as_ref();
    let lease = now + config.timeout.as_secs() as i64 + 30;
    if !store
        .claim_deletion_notice(&notice.id, notice.next_attempt_unix, lease)
        .await?
    {
        return Ok(PassStats::default());
    }
    let url = store
        .oauth_client(&notice.client_id)
        .await?
        .and_then(|c| c.deletion_callback_url);
    let outcome = match (&url, notice_jwt(&twin.keys, &issuer(twin), notice, now)) {
        (None, _) => Err("no deletion callback URL registered".to_string()),
        (_, Err(e)) => Err(format!("signing failed: {e}")),
        (Some(url), Ok(jwt)) => {
            let agent = agent.clone();
            let url = url.clone();
            tokio::task::spawn_blocking(move || post(&agent, &url, &jwt))
                .await
                .unwrap_or_else(|_| Err("delivery task failed".into()))
        }
    };
    let mut stats = PassStats::default();
    match outcome {
        Ok(()) => {
            store.deletion_notice_delivered(&notice.id, now).await?;
            stats.delivered = 1;
        }
        Err(reason) => {
            let attempts = notice.attempts + 1;
            let next = now + backoff_secs(attempts, config.base_backoff_secs);
            let give_up = next > notice.give_up_at_unix;
            store
                .deletion_notice_failed(&notice.id, &reason, next, give_up, now)
                .await?;
            tracing::warn!(
                notice = %notice.id,
                client = %notice.client_id,
                attempts,
                give_up,
                reason = %reason,
                "deletion notice not delivered"
            );
            if give_up {
                stats.given_up = 1;
            } else {
                stats.retried = 1;
            }
        }
    }
    Ok(stats)
}

/// One pass over the notices due at `now`.
pub(crate) async fn deliver_due(
    twin: &TwinState,
    config: &NoticeWorkerConfig,
    now: i64,
) -> Result<PassStats, aurora_store::Error> {
    let agent = agent(config.timeout);
    let due = OAuthStore::due_deletion_notices(twin.store.as_ref(), now, config.batch).await?;
    let mut total = PassStats::default();
    for notice in due {
        let s = attempt(twin, &agent, &notice, config, now).await?;
        total.delivered += s.delivered;
        total.retried += s.retried;
        total.given_up += s.given_up;
    }
    Ok(total)
}

/// Starts the worker on the current Tokio runtime (call once per process, from `serve`);
/// `None` when the server runs without the twin surfaces. Every replica may run one.
pub fn start_deletion_notice_worker(
    state: &AppState,
    config: NoticeWorkerConfig,
) -> Option<tokio::task::JoinHandle<()>> {
    let twin: Arc<TwinState> = state.twin().ok()?.clone();
    Some(tokio::spawn(async move {
        let mut last_purge: Option<std::time::Instant> = None;
        loop {
            // Hourly, codes and tokens that expired more than a day ago go (a replayed code
            // is still recognised meanwhile).
            if last_purge.is_none_or(|t| t.elapsed() >= PURGE_EVERY) {
                last_purge = Some(std::time::Instant::now());
                let before = now_unix() - 24 * 60 * 60;
                match OAuthStore::purge_expired_grants(twin.store.as_ref(), before).await {
                    Ok(n) if n > 0 => tracing::info!(removed = n, "expired OAuth grants purged"),
                    Ok(_) => {}
                    Err(e) => tracing::warn!(error = %e, "purging expired OAuth grants failed"),
                }
            }
            match deliver_due(&twin, &config, now_unix()).await {
                Ok(s) if s.delivered + s.retried + s.given_up > 0 => tracing::info!(
                    delivered = s.delivered,
                    retried = s.retried,
                    given_up = s.given_up,
                    "deletion notices"
                ),
                Ok(_) => {}
                Err(e) => tracing::warn!(error = %e, "deletion-notice pass failed"),
            }
            tokio::time::sleep(config.poll_interval).await;
        }
    }))
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::sync::Mutex;

    use aurora_store::people::PersonKind;
    use aurora_store::SqlStore;
    use aurora_twin::jws::verify_compact;
    use aurora_twin::keys::TwinKeys;
    use aurora_twin::oauth::client::{register, ClientRegistration};
    use aurora_twin::oauth::notice::queue_erasure_notices;
    use aurora_twin::registry::AttributeRegistry;
    use axum::http::StatusCode;
    use axum::routing::post;

    use super::*;
    use crate::me::TwinSettings;

    /// A loopback receiver that fails twice, then accepts; it keeps what it was sent.
    async fn receiver() -> (String, Arc<Mutex<Vec<String>>>, Arc<AtomicUsize>) {
        let got = Arc::new(Mutex::new(Vec::new()));
        let calls = Arc::new(AtomicUsize::new(0));
        let (g, c) = (got.clone(), calls.clone());
        let app = axum::Router::new().route(
            "/deleted",
            post(move |headers: axum::http::HeaderMap, body: String| {
                let (g, c) = (g.clone(), c.clone());
                async move {
                    assert_eq!(
                        headers.get("content-type").and_then(|v| v.to_str().ok()),
                        Some("application/secevent+jwt")
                    );
                    g.lock().unwrap().push(body);
                    if c.fetch_add(1, Ordering::SeqCst) < 2 {
                        StatusCode::SERVICE_UNAVAILABLE
                    } else {
                        StatusCode::ACCEPTED
                    }
                }
            }),
        );
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        tokio::spawn(async move {
            let _ = axum::serve(listener, app).await;
        });
        (format!("http://{addr}/deleted"), got, calls)
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn notices_are_retried_with_backoff_until_delivered_and_outlive_the_person() {
        let (url, got, calls) = receiver().await;
        let dir = tempfile::tempdir().unwrap();
        let db = format!("sqlite://{}", dir.path().join("a.db").display());
        let store = Arc::new(SqlStore::open(&db).await.unwrap());
        let keys = TwinKeys::generate().unwrap();
        let twin = TwinState::new(store.clone(), keys.clone(), TwinSettings::default());
        let is_attribute = |a: &str| AttributeRegistry::bundled().get(a).is_some();
        let client = register(
            store.as_ref(),
            &ClientRegistration {
                name_fi: "P".into(),
                name_sv: "T".into(),
                name_en: "S".into(),
                organisation: "O".into(),
                redirect_uris: vec!["https://svc.example/cb".into()],
                allowed_scopes: vec!["openid".into(), "age".into()],
                allowed_purposes: vec!["service_delivery".into()],
                deletion_callback_url: Some(url),
                ..ClientRegistration::default()
            },
            &is_attribute,
        )
        .await
        .unwrap()
        .client;
        let person = aurora_twin::person::create(store.as_ref(), &keys, PersonKind::Person)
            .await
            .unwrap();
        // A code gives the client a relationship with the person.
        let scopes = vec!["openid".to_string(), "age".to_string()];
        store
            .create_code(&aurora_store::oauth::NewCode {
                code_hash: "h",
                client_id: &client.id,
                person_id: &person.id,
                consent_id: "c",
                redirect_uri: "https://svc.example/cb",
                code_challenge: "x",
                scopes: &scopes,
                nonce: None,
                auth_time_unix: 0,
                created_at_unix: 0,
                expires_at_unix: 0,
            })
            .await
            .unwrap();
        let now = now_unix();
        let queued = queue_erasure_notices(store.as_ref(), store.as_ref(), &keys, &person.id, now)
            .await
            .unwrap();
        assert_eq!(queued, 1);
        assert!(
            aurora_store::people::PersonStore::erase_person(store.as_ref(), &person.id)
                .await
                .unwrap()
        );
        let config = NoticeWorkerConfig {
            base_backoff_secs: 10,
            timeout: Duration::from_secs(5),
            ..NoticeWorkerConfig::default()
        };
        let s1 = deliver_due(&twin, &config, now).await.unwrap();
        assert_eq!(
            s1,
            PassStats {
                retried: 1,
                ..PassStats::default()
            }
        );
        // Not due again before the backoff.
        let s = deliver_due(&twin, &config, now + 9).await.unwrap();
        assert_eq!(s, PassStats::default());
        let s2 = deliver_due(&twin, &config, now + 10).await.unwrap();
        assert_eq!(
            s2,
            PassStats {
                retried: 1,
                ..PassStats::default()
            }
        );
        // Second failure: 20 s.
        assert_eq!(
            deliver_due(&twin, &config, now + 29).await.unwrap(),
            PassStats::default()
        );
        let s3 = deliver_due(&twin, &config, now + 30).await.unwrap();
        assert_eq!(
            s3,
            PassStats {
                delivered: 1,
                ..PassStats::default()
            }
        );
        assert_eq!(
            deliver_due(&twin, &config, now + 10_000).await.unwrap(),
            PassStats::default()
        );
        assert_eq!(calls.load(Ordering::SeqCst), 3);
        // Every attempt sent the same notice (same jti): idempotent for the receiver.
        let bodies = got.lock().unwrap().clone();
        let mut jtis = Vec::new();
        for jwt in &bodies {
            let (_, payload) = verify_compact(jwt, &keys.verifying_key()).unwrap();
            let claims: serde_json::Value = serde_json::from_slice(&payload).unwrap();
            assert_eq!(claims["aud"], client.id.as_str());
            assert_eq!(
                claims["sub"],
                aurora_twin::oauth::subject_for(&keys, &client, &person.id).as_str()
            );
            assert_ne!(claims["sub"], person.id.as_str());
            jtis.push(claims["jti"].as_str().unwrap().to_string());
        }
        jtis.dedup();
        assert_eq!(jtis.len(), 1);
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn notices_are_given_up_after_the_retry_window() {
        let dir = tempfile::tempdir().unwrap();
        let db = format!("sqlite://{}", dir.path().join("a.db").display());
        let store = Arc::new(SqlStore::open(&db).await.unwrap());
        let keys = TwinKeys::generate().unwrap();
        let twin = TwinState::new(store.clone(), keys.clone(), TwinSettings::default());
        let is_attribute = |a: &str| AttributeRegistry::bundled().get(a).is_some();
        // Nothing listens on port 9 of loopback (discard): every attempt fails.
        let client = register(
            store.as_ref(),
            &ClientRegistration {
                name_fi: "P".into(),
                name_sv: "T".into(),
                name_en: "S".into(),
                organisation: "O".into(),
                redirect_uris: vec!["https://svc.example/cb".into()],
                allowed_scopes: vec!["age".into()],
                allowed_purposes: vec!["service_delivery".into()],
                deletion_callback_url: Some("http://127.0.0.1:9/deleted".into()),
                ..ClientRegistration::default()
            },
            &is_attribute,
        )
        .await
        .unwrap()
        .client;
        let now = now_unix();
        OAuthStore::queue_deletion_notice(
            store.as_ref(),
            &DeletionNotice {
                id: "n".into(),
                client_id: client.id,
                subject: "s".into(),
                reason: "account_erased".into(),
                created_at_unix: now,
                next_attempt_unix: now,
                give_up_at_unix: now + 3 * 86_400,
                attempts: 0,
                delivered_at_unix: None,
                gave_up_at_unix: None,
                last_error: None,
            },
        )
        .await
        .unwrap();
        let config = NoticeWorkerConfig {
            base_backoff_secs: 3600,
            timeout: Duration::from_secs(2),
            ..NoticeWorkerConfig::default()
        };
        let mut t = now;
        let mut given_up = 0;
        for _ in 0..40 {
            let s = deliver_due(&twin, &config, t).await.unwrap();
            given_up += s.given_up;
            if given_up > 0 {
                break;
            }
            t += 6 * 3600;
        }
        assert_eq!(given_up, 1);
        assert!(t <= now + 3 * 86_400 + 6 * 3600);
        let n = OAuthStore::deletion_notice(store.as_ref(), "n")
            .await
            .unwrap()
            .unwrap();
        assert!(n.gave_up_at_unix.is_some() && n.delivered_at_unix.is_none());
        assert_eq!(n.last_error.as_deref(), Some("connection failed"));
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn the_worker_delivers_queued_notices_in_the_background() {
        let (url, _got, calls) = receiver().await;
        let dir = tempfile::tempdir().unwrap();
        let db = format!("sqlite://{}", dir.path().join("a.db").display());
        let store = Arc::new(SqlStore::open(&db).await.unwrap());
        let keys = TwinKeys::generate().unwrap();
        let state = AppState::new(store.clone() as Arc<dyn aurora_store::CatalogStore>).with_twin(
            store.clone(),
            keys.clone(),
            TwinSettings::default(),
        );
        let is_attribute = |a: &str| AttributeRegistry::bundled().get(a).is_some();
        let client = register(
            store.as_ref(),
            &ClientRegistration {
                name_fi: "P".into(),
                name_sv: "T".into(),
                name_en: "S".into(),
                organisation: "O".into(),
                redirect_uris: vec!["https://svc.example/cb".into()],
                allowed_scopes: vec!["age".into()],
                allowed_purposes: vec!["service_delivery".into()],
                deletion_callback_url: Some(url),
                ..ClientRegistration::default()
            },
            &is_attribute,
        )
        .await
        .unwrap()
        .client;
        // The receiver fails twice first; with a 1 s base the third attempt is ~3 s later.
        let now = now_unix();
        OAuthStore::queue_deletion_notice(
            store.as_ref(),
            &DeletionNotice {
                id: "bg".into(),
                client_id: client.id,
                subject: "s".into(),
                reason: "consent_withdrawn".into(),
                created_at_unix: now,
                next_attempt_unix: now,
                give_up_at_unix: now + 3 * 86_400,
                attempts: 0,
                delivered_at_unix: None,
                gave_up_at_unix: None,
                last_error: None,
            },
        )
        .await
        .unwrap();
        let worker = start_deletion_notice_worker(
            &state,
            NoticeWorkerConfig {
                poll_interval: Duration::from_millis(100),
                base_backoff_secs: 1,
                ..NoticeWorkerConfig::default()
            },
        )
        .unwrap();
        let mut delivered = false;
        for _ in 0..100 {
            tokio::time::sleep(Duration::from_millis(100)).await;
            let n = OAuthStore::deletion_notice(store.as_ref(), "bg")
                .await
                .unwrap()
                .unwrap();
            if n.delivered_at_unix.is_some() {
                delivered = true;
                break;
            }
        }
        worker.abort();
        assert!(delivered);
        assert_eq!(calls.load(Ordering::SeqCst), 3);
    }
}
