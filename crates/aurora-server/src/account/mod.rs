//! Accounts and sign-in (issue 5, see `docs/twin-design.md`): local accounts with Argon2id
//! passwords and verified e-mail addresses, a sign-in throttle shared by every replica,
//! sign-out (here and everywhere), password change, password reset by a mailed link (no
//! enumeration; every session ends), e-mail change bound to the signed-in person, and
//! sign-in through an external OpenID Connect provider.
//!
//! - JSON API under `/api/v1/account/…` ([`api`]), web pages under `/{lang}/account/…`
//!   ([`web`]); both run the same flows ([`flows`]).
//! - Mail goes through a [`Mailer`] ([`OutboxMailer`]: `.eml` files for the operator's MTA).
//! - OpenID Connect: [`oidc`] (discovery and JWKS cached, code flow with state, nonce and
//!   PKCE S256; the rules are `aurora_twin::oidc`).
//!
//! Settings: [`AccountSettings`], given with [`AppState::with_account_settings`] **after**
//! `with_twin` (they belong to that twin state; without them mail is dropped with a warning
//! and OpenID sign-in is off). The account state is kept here, in a registry keyed by the
//! twin state (so `state.rs` needs no field for it).
//!
//! No password, link token, state, nonce or code is ever logged.

use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

use aurora_model::Lang;

use crate::error::ApiError;
use crate::me::TwinState;
use crate::state::AppState;

mod api;
pub(crate) mod flows;
mod mail;
pub(crate) mod oidc;
mod web;

pub use mail::{MailMessage, Mailer, MemoryMailer, OutboxMailer};

/// How accounts are set up.
#[derive(Clone, Default)]
pub struct AccountSettings {
    /// Where outgoing mail is written (one `.eml` file per message). `None`: mail is dropped
    /// (with a warning), so addresses cannot be verified.
    pub outbox_dir: Option<PathBuf>,
    /// The `From` of outgoing mail; default `Aurora <no-reply@HOST>` from the public URL.
    pub mail_from: Option<String>,
    /// Sign-in through an external OpenID Connect provider, if configured.
    pub oidc: Option<OidcSettings>,
    /// A mailer to use instead of the outbox (tests, or an operator's own transport).
    pub mailer: Option<Arc<dyn Mailer>>,
}

impl std::fmt::Debug for AccountSettings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AccountSettings")
            .field("outbox_dir", &self.outbox_dir)
            .field("mail_from", &self.mail_from)
            .field("oidc", &self.oidc)
            .field("custom_mailer", &self.mailer.is_some())
            .finish()
    }
}

/// An external OpenID Connect provider. The redirect URIs to register there are
/// `<public URL>/{fi,sv,en}/account/oidc/callback`.
#[derive(Clone, PartialEq, Eq)]
pub struct OidcSettings {
    /// The issuer (its discovery document is `<issuer>/.well-known/openid-configuration`).
    pub issuer: String,
    /// Our client id at the provider.
    pub client_id: String,
    /// Our client secret (sent with HTTP Basic to the token endpoint).
    pub client_secret: String,
    /// The provider's name on the sign-in page.
    pub display_name: String,
}

impl std::fmt::Debug for OidcSettings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("OidcSettings")
            .field("issuer", &self.issuer)
            .field("client_id", &self.client_id)
            .field("client_secret", &"***")
            .field("display_name", &self.display_name)
            .finish()
    }
}

/// What the account handlers share beyond the twin state.
pub(crate) struct AccountState {
    pub(crate) settings: AccountSettings,
    pub(crate) mailer: Option<Arc<dyn Mailer>>,
    pub(crate) provider: oidc::ProviderCache,
    /// Whether the task that deletes expired tokens and throttle rows runs.
    purger: AtomicBool,
}

/// How often expired account state is deleted.
const PURGE_EVERY: Duration = Duration::from_secs(10 * 60);

/// Deletes expired link tokens, login attempts, pending links and old throttle rows every
/// [`PURGE_EVERY`] while the twin state lives (each replica does; the deletes are idempotent).
fn start_purger(twin: &Arc<TwinState>) {
    let Ok(runtime) = tokio::runtime::Handle::try_current() else {
        return;
    };
    let weak = Arc::downgrade(twin);
    runtime.spawn(async move {
        loop {
            tokio::time::sleep(PURGE_EVERY).await;
            let Some(twin) = weak.upgrade() else {
                return;
            };
            let now = crate::me::auth::unix_now();
            let before = now - flows::THROTTLE_WINDOW_SECS - 60 * 60;
            match aurora_store::accounts::AccountStore::purge_expired_account_state(
                twin.store.as_ref(),
                now,
                before,
            )
            .await
            {
                Ok(n) => tracing::debug!(removed = n, "expired account state purged"),
                Err(e) => tracing::warn!(
                    error = %crate::error::redact_credentials(&e.to_string()),
                    "purging expired account state failed"
                ),
            }
        }
    });
}

impl AccountState {
    fn new(settings: AccountSettings, twin: &TwinState) -> Self {
        let mailer: Option<Arc<dyn Mailer>> = match (&settings.mailer, &settings.outbox_dir) {
            (Some(m), _) => Some(m.clone()),
            (None, Some(dir)) => {
                let from = settings.mail_from.clone().unwrap_or_else(|| {
                    let host = twin
                        .settings
                        .public_url
                        .split("://")
                        .nth(1)
                        .unwrap_or("localhost")
                        .split(['/', ':'])
                        .next()
                        .unwrap_or("localhost")
                        .to_string();
                    format!("Aurora <no-reply@{host}>")
                });
                Some(Arc::new(OutboxMailer::new(dir.clone(), from)))
            }
            (None, None) => None,
        };
        AccountState {
            settings,
            mailer,
            provider: oidc::ProviderCache::default(),
            purger: AtomicBool::new(false),
        }
    }
}

fn register(twin: &Arc<TwinState>, settings: AccountSettings) {
    let state = Arc::new(AccountState::new(settings, twin));
    *twin.accounts.write().unwrap_or_else(|e| e.into_inner()) = Some(state);
}

fn lookup(twin: &Arc<TwinState>) -> Option<Arc<AccountState>> {
    twin.accounts
        .read()
        .unwrap_or_else(|e| e.into_inner())
        .clone()
}

impl AppState {
    /// The same state with these account settings (outbox, OpenID provider). Call after
    /// `with_twin`; without a twin state there are no accounts and this does nothing.
    pub fn with_account_settings(self, settings: AccountSettings) -> Self {
        match self.twin_state() {
            Some(twin) => register(twin, settings),
            None => tracing::warn!("account settings given without the twin surfaces; ignored"),
        }
        self
    }

    /// Shorthand for tests and simple setups: mail to `.eml` files in `dir`.
    pub fn with_account_outbox(self, dir: impl Into<PathBuf>) -> Self {
        let mut settings = self.account_settings();
        settings.outbox_dir = Some(dir.into());
        settings.mailer = None;
        self.with_account_settings(settings)
    }

    /// Shorthand: sign-in through the OpenID provider `issuer` as `client_id`.
    pub fn with_account_oidc(self, issuer: &str, client_id: &str, client_secret: &str) -> Self {
        let mut settings = self.account_settings();
        settings.oidc = Some(OidcSettings {
            issuer: issuer.to_string(),
            client_id: client_id.to_string(),
            client_secret: client_secret.to_string(),
            display_name: "OpenID".to_string(),
        });
        self.with_account_settings(settings)
    }

    fn account_settings(&self) -> AccountSettings {
        self.twin_state()
            .and_then(lookup)
            .map(|s| s.settings.clone())
            .unwrap_or_default()
    }

    /// The twin and account states (503 without the twin surfaces).
    pub(crate) fn accounts(&self) -> Result<(Arc<TwinState>, Arc<AccountState>), ApiError> {
        let twin = self.twin()?.clone();
        let account = match lookup(&twin) {
            Some(a) => a,
            None => {
                register(&twin, AccountSettings::default());
                lookup(&twin).ok_or_else(|| ApiError::internal(&"account state missing"))?
            }
        };
        if !account.purger.swap(true, Ordering::Relaxed) {
            start_purger(&twin);
        }
        Ok((twin, account))
    }
}

/// Parses a page language code.
pub(crate) fn lang_of(code: &str) -> Option<Lang> {
    match code {
        "fi" => Some(Lang::Fi),
        "sv" => Some(Lang::Sv),
        "en" => Some(Lang::En),
        _ => None,
    }
}

/// The `/api/v1/account/…` and `/{lang}/account/…` routes.
pub(crate) fn routes() -> axum::Router<AppState> {
    axum::Router::new()
        .merge(api::routes())
        .merge(web::routes())
}
