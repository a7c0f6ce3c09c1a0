//! The OpenID Connect relying party's HTTP side: the provider's discovery document and JWKS
//! (fetched with `ureq` on a blocking thread with timeouts, cached for an hour; the JWKS is
//! fetched again at most once a minute when a token names an unknown key, for rotation), and
//! the code exchange (HTTP Basic client authentication, PKCE verifier).
//!
//! The rules (metadata, ID token, return paths) are `aurora_twin::oidc`.

use std::time::{Duration, Instant};

use aurora_twin::oidc::{JwkSet, ProviderMetadata};
use base64::engine::general_purpose::STANDARD;
use base64::Engine as _;
use serde::de::DeserializeOwned;

use super::OidcSettings;
use crate::error::{ApiError, ErrorCode};

/// How long discovery and keys are trusted before they are fetched again.
const CACHE_TTL: Duration = Duration::from_secs(60 * 60);
/// The least time between two JWKS fetches prompted by unknown keys.
const JWKS_REFRESH_MIN: Duration = Duration::from_secs(60);
/// Timeout of every request to the provider.
const HTTP_TIMEOUT: Duration = Duration::from_secs(10);
/// Largest response read from the provider.
const MAX_RESPONSE: u64 = 1024 * 1024;

struct Cached {
    meta: ProviderMetadata,
    jwks: JwkSet,
    fetched: Instant,
    jwks_fetched: Instant,
}

/// The provider's cached documents.
#[derive(Default)]
pub(crate) struct ProviderCache {
    inner: tokio::sync::Mutex<Option<Cached>>,
}

fn unavailable(what: &str) -> ApiError {
    ApiError::new(
        ErrorCode::Unavailable,
        format!("the sign-in provider could not be reached ({what}); try again later"),
    )
}

fn agent() -> ureq::Agent {
    ureq::Agent::config_builder()
        .timeout_global(Some(HTTP_TIMEOUT))
        .max_redirects(0)
        .build()
        .into()
}

async fn get_json<T: DeserializeOwned + Send + 'static>(
    url: String,
    what: &'static str,
) -> Result<T, ApiError> {
    tokio::task::spawn_blocking(move || {
        let mut response = agent().get(&url).call().map_err(|e| e.to_string())?;
        response
            .body_mut()
            .with_config()
            .limit(MAX_RESPONSE)
            .read_json::<T>()
            .map_err(|e| e.to_string())
    })
    .await
    .map_err(|e| ApiError::internal(&e))?
    .map_err(|e| {
        tracing::warn!(error = %e, what, "OpenID provider request failed");
        unavailable(what)
    })
}

impl ProviderCache {
    /// The provider's metadata and keys; `refresh_keys` fetches the JWKS again (rate-limited).
    pub(crate) async fn get(
        &self,
        settings: &OidcSettings,
        refresh_keys: bool,
    ) -> Result<(ProviderMetadata, JwkSet), ApiError> {
        let mut guard = self.inner.lock().await;
        let stale = guard
            .as_ref()
            .is_none_or(|c| c.fetched.elapsed() > CACHE_TTL);
        if stale {
            let meta: ProviderMetadata = get_json(
                aurora_twin::oidc::discovery_url(&settings.issuer),
                "discovery",
            )
            .await?;
            meta.check(&settings.issuer).map_err(|e| {
                tracing::warn!(error = %e, "OpenID provider metadata refused");
                unavailable("metadata")
            })?;
            let jwks: JwkSet = get_json(meta.jwks_uri.clone(), "jwks").await?;
            let now = Instant::now();
            *guard = Some(Cached {
                meta,
                jwks,
                fetched: now,
                jwks_fetched: now,
            });
        } else if refresh_keys {
            if let Some(c) = guard.as_mut() {
                if c.jwks_fetched.elapsed() > JWKS_REFRESH_MIN {
                    c.jwks = get_json(c.meta.jwks_uri.clone(), "jwks").await?;
                    c.jwks_fetched = Instant::now();
                }
            }
        }
        let c = guard
            .as_ref()
            .ok_or_else(|| ApiError::internal(&"provider cache empty"))?;
        Ok((c.meta.clone(), c.jwks.clone()))
    }
}

#[derive(serde::Deserialize)]
struct TokenResponse {
    id_token: Option<String>,
}

/// Exchanges an authorization code for the ID token (the access token is not used).
pub(crate) async fn exchange_code(
    settings: &OidcSettings,
    meta: &ProviderMetadata,
    code: &str,
    verifier: &str,
    redirect_uri: &str,
) -> Result<String, ApiError> {
    let enc = |s: &str| aurora_twin::oidc::form_pairs(&[("x", s)])[2..].to_string();
    let basic = format!(
        "Basic {}",
        STANDARD.encode(format!(
            "{}:{}",
            enc(&settings.client_id),
            enc(&settings.client_secret)
        ))
    );
    let url = meta.token_endpoint.clone();
    let form = vec![
        ("grant_type".to_string(), "authorization_code".to_string()),
        ("code".to_string(), code.to_string()),
        ("redirect_uri".to_string(), redirect_uri.to_string()),
        ("code_verifier".to_string(), verifier.to_string()),
    ];
    let result = tokio::task::spawn_blocking(move || {
        let mut response = agent()
            .post(&url)
            .header("Authorization", &basic)
            .header("Accept", "application/json")
            .send_form(form)
            .map_err(|e| e.to_string())?;
        response
            .body_mut()
            .with_config()
            .limit(MAX_RESPONSE)
            .read_json::<TokenResponse>()
            .map_err(|e| e.to_string())
    })
    .await
    .map_err(|e| ApiError::internal(&e))?;
    match result {
        Ok(TokenResponse { id_token: Some(t) }) => Ok(t),
        Ok(TokenResponse { id_token: None }) => Err(ApiError::new(
            ErrorCode::Unauthenticated,
            "the provider sent no ID token",
        )),
        Err(e) => {
            // ureq's errors name the status or the I/O failure, never the form.
            tracing::warn!(error = %e, "OpenID code exchange failed");
            Err(ApiError::new(
                ErrorCode::Unauthenticated,
                "the provider did not accept the sign-in",
            ))
        }
    }
}
