//! The person's own surfaces (issue 5): the signed-in session ([`auth`]) and, under
//! `/api/v1/me/…`, the twin, companies, consents and the access log. See
//! `docs/twin-design.md` for how the parts fit.

use std::sync::Arc;

use aurora_store::SqlStore;
use aurora_twin::keys::TwinKeys;
use axum::Router;

use crate::error::{ApiError, ErrorCode};
use crate::state::AppState;

pub(crate) mod auth;
pub(crate) mod company;
pub(crate) mod consent;
pub(crate) mod erase;
pub(crate) mod pages;
pub(crate) mod twin;

/// How the twin surfaces are set up.
#[derive(Debug, Clone)]
pub struct TwinSettings {
    /// The public base URL (`https://aurora.example.fi`), the OAuth issuer and the origin of
    /// links in e-mails. Cookies are `Secure` when it is https.
    pub public_url: String,
    /// How long a sign-in session lasts (seconds).
    pub session_ttl_secs: i64,
}

impl Default for TwinSettings {
    fn default() -> Self {
        TwinSettings {
            public_url: "http://127.0.0.1:8080".into(),
            session_ttl_secs: 12 * 60 * 60,
        }
    }
}

/// What the twin handlers share: the keys, the store (one `SqlStore` implements every twin
/// store trait on both backends) and the settings.
pub(crate) struct TwinState {
    pub(crate) keys: TwinKeys,
    pub(crate) store: Arc<SqlStore>,
    pub(crate) settings: TwinSettings,
    /// Accounts: mail, the external OpenID provider (set by `with_account_settings`).
    pub(crate) accounts: std::sync::RwLock<Option<Arc<crate::account::AccountState>>>,
}

impl TwinState {
    pub(crate) fn new(store: Arc<SqlStore>, keys: TwinKeys, settings: TwinSettings) -> Self {
        TwinState {
            keys,
            store,
            settings,
            accounts: std::sync::RwLock::new(None),
        }
    }

    /// Whether cookies must carry `Secure` (the public URL is https).
    pub(crate) fn secure_cookies(&self) -> bool {
        self.settings.public_url.starts_with("https://")
    }
}

impl AppState {
    /// The twin surfaces, or 503 when this server runs without them.
    pub(crate) fn twin(&self) -> Result<&Arc<TwinState>, ApiError> {
        self.twin_state().ok_or_else(|| {
            ApiError::new(
                ErrorCode::Unavailable,
                "the digital twin is not enabled on this server",
            )
        })
    }
}

/// The `/api/v1/me/…` routes.
pub(crate) fn routes() -> Router<AppState> {
    Router::new()
        .merge(auth::routes())
        .merge(twin::routes())
        .merge(company::routes())
        .merge(consent::routes())
        .merge(erase::routes())
        .merge(pages::routes())
}
