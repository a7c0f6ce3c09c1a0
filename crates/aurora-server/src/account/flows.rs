//! The account flows shared by the JSON API and the web pages: sign-up, verification,
//! sign-in with the throttle, password change, password reset ("forgot password"), e-mail
//! change and sign-out everywhere.
//!
//! Every decision about who may do what is here, so both surfaces make it the same way.

use std::net::SocketAddr;
use std::sync::Arc;

use aurora_model::Lang;
use aurora_store::accounts::{
    AccountStore, ChangeOutcome, EmailPurpose, PendingLink, ResetOutcome, VerifyOutcome,
};
use aurora_store::people::{PersonKind, PersonStore};
use aurora_twin::password;
use aurora_twin::token;
use axum::extract::ConnectInfo;
use axum::http::{HeaderMap, HeaderValue};

use super::mail::MailMessage;
use super::AccountState;
use crate::error::{ApiError, ErrorCode};
use crate::i18n::Tr;
use crate::me::auth::{start_session, unix_now, SignedIn};
use crate::me::TwinState;

/// The throttle window.
pub(crate) const THROTTLE_WINDOW_SECS: i64 = 15 * 60;
/// Failed sign-ins per account (address) in the window before 429.
pub(crate) const ACCOUNT_LIMIT: u32 = 5;
/// Failed sign-ins per client address in the window before 429 (higher: shared NATs).
pub(crate) const CLIENT_LIMIT: u32 = 20;
/// Sign-ups per client address in the window (each sends mail: no mail bombing).
pub(crate) const SIGNUP_LIMIT: u32 = 10;
/// E-mail change requests per person in the window (each sends mail).
pub(crate) const EMAIL_CHANGE_LIMIT: u32 = 5;
/// How long a verification link works.
pub(crate) const VERIFY_TTL_SECS: i64 = 24 * 60 * 60;
/// How long an e-mail change link works.
pub(crate) const CHANGE_TTL_SECS: i64 = 60 * 60;
/// A sign-in this recent stands in for the current password (e-mail change).
pub(crate) const RECENT_AUTH_SECS: i64 = 10 * 60;
/// How long a password reset link works.
pub(crate) const RESET_TTL_SECS: i64 = 30 * 60;
/// Password reset requests per address in the window (each may send mail).
pub(crate) const RESET_ACCOUNT_LIMIT: u32 = 3;
/// Password reset requests per client address in the window.
pub(crate) const RESET_CLIENT_LIMIT: u32 = 10;
/// How long an identity waits to be linked to a local account.
pub(crate) const LINK_TTL_SECS: i64 = 10 * 60;

/// Why a sign-in failed.
#[derive(Debug)]
pub(crate) enum SignInError {
    /// Too many failures; retry after this many seconds.
    Throttled(i64),
    /// Unknown address or wrong password (never said which).
    BadCredentials,
    /// The password is right but the address is not confirmed yet.
    Unverified,
    /// Something else (store, internal).
    Other(ApiError),
}

impl From<ApiError> for SignInError {
    fn from(e: ApiError) -> Self {
        SignInError::Other(e)
    }
}

impl From<aurora_store::Error> for SignInError {
    fn from(e: aurora_store::Error) -> Self {
        SignInError::Other(e.into())
    }
}

impl SignInError {
    /// The problem response.
    pub(crate) fn into_api(self) -> (ApiError, Option<i64>) {
        match self {
            SignInError::Throttled(secs) => (
                ApiError::new(
                    ErrorCode::TooManyRequests,
                    format!("too many failed sign-ins; try again in {secs} seconds"),
                ),
                Some(secs),
            ),
            SignInError::BadCredentials => (
                ApiError::new(
                    ErrorCode::Unauthenticated,
                    "the e-mail address or the password is wrong",
                ),
                None,
            ),
            SignInError::Unverified => (
                ApiError::new(
                    ErrorCode::Forbidden,
                    "confirm your e-mail address first with the link we sent",
                ),
                None,
            ),
            SignInError::Other(e) => (e, None),
        }
    }
}

/// Runs CPU-bound work (Argon2) off the async threads.
pub(crate) async fn blocking<T: Send + 'static>(
    f: impl FnOnce() -> T + Send + 'static,
) -> Result<T, ApiError> {
    tokio::task::spawn_blocking(f)
        .await
        .map_err(|e| ApiError::internal(&format!("blocking task failed: {e}")))
}

fn store(twin: &TwinState) -> &aurora_store::SqlStore {
    twin.store.as_ref()
}

/// The TCP peer, when the server was started with connection info.
pub(crate) struct Peer(pub(crate) Option<SocketAddr>);

impl<S: Send + Sync> axum::extract::FromRequestParts<S> for Peer {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(
        parts: &mut axum::http::request::Parts,
        _: &S,
    ) -> Result<Self, Self::Rejection> {
        Ok(Peer(
            parts
                .extensions
                .get::<ConnectInfo<SocketAddr>>()
                .map(|c| c.0),
        ))
    }
}

/// The client's address for the throttle. `X-Forwarded-For` is believed only from a proxy on
/// this host (a loopback TCP peer), whose last hop is the address it saw; a client talking to
/// Aurora directly cannot pick its own address. Without connection info (in-process tests)
/// the header is used as a proxy's would be.
pub(crate) fn client_address(headers: &HeaderMap, peer: &Peer) -> String {
    let proxied = peer.0.is_none_or(|p| p.ip().is_loopback());
    if proxied {
        if let Some(last) = headers
            .get_all("x-forwarded-for")
            .iter()
            .filter_map(|v| v.to_str().ok())
            .flat_map(|v| v.split(','))
            .map(str::trim)
            .rfind(|s| !s.is_empty())
        {
            return last.to_string();
        }
    }
    peer.0
        .map_or_else(|| "unknown".to_string(), |a| a.ip().to_string())
}

fn account_key(email: &str) -> String {
    format!("account:{}", token::hash(email))
}

fn client_key(address: &str) -> String {
    format!("client:{}", token::hash(address))
}

/// The seconds to wait when `key` is over `limit`, else `None`.
async fn throttled(
    twin: &TwinState,
    key: &str,
    limit: u32,
    now: i64,
) -> Result<Option<i64>, ApiError> {
    let (count, earliest) = store(twin)
        .signin_failures(key, now - THROTTLE_WINDOW_SECS)
        .await?;
    if count < limit {
        return Ok(None);
    }
    let earliest = earliest.unwrap_or(now);
    Ok(Some((earliest + THROTTLE_WINDOW_SECS - now).max(1)))
}

async fn record_failure(twin: &TwinState, keys: &[&str], now: i64) -> Result<(), ApiError> {
    for key in keys {
        store(twin).record_signin_failure(key, now).await?;
    }
    Ok(())
}

/// Counts one request of `client` against `limit` per throttle window under `kind` (across
/// replicas: the count is in the database); `too_many_requests` once over it.
pub(crate) async fn rate_limit(
    twin: &TwinState,
    kind: &str,
    client: &str,
    limit: u32,
) -> Result<(), ApiError> {
    let now = unix_now();
    let key = format!("{kind}:{}", token::hash(client));
    if let Some(wait) = throttled(twin, &key, limit, now).await? {
        return Err(too_many(wait));
    }
    record_failure(twin, &[&key], now).await
}

/// 429 with the wait in the detail (the API puts it in `Retry-After` too).
pub(crate) fn too_many(wait: i64) -> ApiError {
    ApiError::new(
        ErrorCode::TooManyRequests,
        format!("too many attempts; try again in {wait} seconds"),
    )
}

/// A link to a page of this site, for mail.
fn link(twin: &TwinState, lang: Lang, path: &str, token: &str) -> String {
    format!(
        "{}/{}/{path}?token={token}",
        twin.settings.public_url.trim_end_matches('/'),
        lang.code()
    )
}

/// Sends one message off the async threads. Failures are logged (without the message) and
/// not reported to the caller: the answer must not depend on whether the address exists.
pub(crate) async fn send_mail(account: &AccountState, message: MailMessage) {
    let Some(mailer) = account.mailer.clone() else {
        tracing::warn!(subject = %message.subject, "no mail outbox is configured: message dropped");
        return;
    };
    let subject = message.subject.clone();
    match tokio::task::spawn_blocking(move || mailer.send(&message)).await {
        Ok(Ok(())) => tracing::info!(%subject, "mail queued"),
        Ok(Err(e)) => tracing::error!(error = %e, %subject, "mail could not be queued"),
        Err(e) => tracing::error!(error = %e, "mail task failed"),
    }
}

fn mail(tr: &Tr, to: &str, subject: &str, lines: &[String]) -> MailMessage {
    let mut body = lines.join("\n\n");
    body.push_str("\n\n");
    body.push_str(&tr.t("account-mail-signature"));
    body.push('\n');
    MailMessage {
        to: to.to_string(),
        subject: tr.t(subject),
        body,
    }
}

/// A mail carrying a single-use link.
struct LinkMail<'a> {
    person_id: &'a str,
    purpose: EmailPurpose,
    to: &'a str,
    ttl_secs: i64,
    subject: &'static str,
    body: &'static str,
    /// The page the link opens, under `/{lang}/`.
    path: &'static str,
}

/// Stores a fresh link token (its hash) and mails the link; the token itself goes nowhere
/// else.
async fn mail_link(
    twin: &TwinState,
    account: &AccountState,
    m: LinkMail<'_>,
    lang: Lang,
) -> Result<(), ApiError> {
    let t = token::generate().map_err(|e| ApiError::internal(&e))?;
    store(twin)
        .create_email_token(
            &token::hash(&t),
            m.person_id,
            m.purpose,
            m.to,
            unix_now() + m.ttl_secs,
        )
        .await?;
    let tr = Tr::new(lang);
    let message = mail(
        &tr,
        m.to,
        m.subject,
        &[
            tr.t(m.body),
            link(twin, lang, m.path, &t),
            tr.t("account-mail-not-you"),
        ],
    );
    send_mail(account, message).await;
    Ok(())
}

async fn send_verification(
    twin: &TwinState,
    account: &AccountState,
    person_id: &str,
    email: &str,
    lang: Lang,
) -> Result<(), ApiError> {
    mail_link(
        twin,
        account,
        LinkMail {
            person_id,
            purpose: EmailPurpose::Verify,
            to: email,
            ttl_secs: VERIFY_TTL_SECS,
            subject: "account-mail-verify-subject",
            body: "account-mail-verify-body",
            path: "account/verify",
        },
        lang,
    )
    .await?;
    Ok(())
}

/// The normalised address, or `invalid_field` naming `field`.
pub(crate) fn email_field(field: &str, raw: &str) -> Result<String, ApiError> {
    password::normalize_email(raw)
        .ok_or_else(|| ApiError::invalid_field(field, "not an e-mail address (name@example.fi)"))
}

/// The policy check, as `invalid_field` naming `field`.
pub(crate) fn policy_field(field: &str, pw: &str, email: &str) -> Result<(), ApiError> {
    password::check_policy(pw, email).map_err(|e| ApiError::invalid_field(field, e.to_string()))
}

/// Sign-up. Answers the same whether or not the address has an account: a new address gets
/// an account and a verification link, a known one a "someone tried to register" notice.
pub(crate) async fn sign_up(
    twin: &TwinState,
    account: &AccountState,
    raw_email: &str,
    pw: &str,
    lang: Lang,
    client: &str,
) -> Result<(), ApiError> {
    let email = email_field("email", raw_email)?;
    policy_field("password", pw, &email)?;
    let now = unix_now();
    let key = format!("signup:{}", token::hash(client));
    if let Some(wait) = throttled(twin, &key, SIGNUP_LIMIT, now).await? {
        return Err(too_many(wait));
    }
    record_failure(twin, &[&key], now).await?;
    // Hash before looking the address up, so both answers cost the same.
    let owned = pw.to_string();
    let hash = blocking(move || password::hash(&owned))
        .await?
        .map_err(|e| ApiError::internal(&e))?;
    if store(twin).account_by_email(&email).await?.is_some() {
        notify_existing(account, &email, lang).await;
        return Ok(());
    }
    let person = aurora_twin::person::create(store(twin), &twin.keys, PersonKind::Person)
        .await
        .map_err(|e| ApiError::internal(&e))?;
    if store(twin)
        .create_account(&person.id, &email, Some(&hash), false)
        .await?
        .is_none()
    {
        // Someone registered the address meanwhile: undo our person, answer the same.
        store(twin).erase_person(&person.id).await?;
        notify_existing(account, &email, lang).await;
        return Ok(());
    }
    tracing::info!(person_id = %person.id, "account created");
    send_verification(twin, account, &person.id, &email, lang).await
}

async fn notify_existing(account: &AccountState, email: &str, lang: Lang) {
    let tr = Tr::new(lang);
    let message = mail(
        &tr,
        email,
        "account-mail-exists-subject",
        &[
            tr.t("account-mail-exists-body"),
            tr.t("account-mail-not-you"),
        ],
    );
    send_mail(account, message).await;
}

/// Redeems a verification link. True when the address is now confirmed.
pub(crate) async fn verify(twin: &TwinState, link_token: &str) -> Result<bool, ApiError> {
    if !token::well_formed(link_token) {
        return Ok(false);
    }
    match store(twin)
        .redeem_verification(&token::hash(link_token), unix_now())
        .await?
    {
        VerifyOutcome::Verified { person_id } => {
            tracing::info!(%person_id, "e-mail address verified");
            Ok(true)
        }
        VerifyOutcome::Invalid => Ok(false),
    }
}

/// Checks a password sign-in. On success: the person (the caller starts the session),
/// after linking a pending external identity when `link_token` names one of this person.
pub(crate) async fn check_sign_in(
    twin: &TwinState,
    raw_email: &str,
    pw: &str,
    client: &str,
    link_token: Option<&str>,
) -> Result<String, SignInError> {
    let now = unix_now();
    let email = password::normalize_email(raw_email).unwrap_or_default();
    let akey = account_key(&email);
    let ckey = client_key(client);
    for (key, limit) in [(&akey, ACCOUNT_LIMIT), (&ckey, CLIENT_LIMIT)] {
        if let Some(wait) = throttled(twin, key, limit, now).await? {
            tracing::warn!("sign-in throttled");
            return Err(SignInError::Throttled(wait));
        }
    }
    let found = if email.is_empty() {
        None
    } else {
        store(twin).account_by_email(&email).await?
    };
    let owned = pw.to_string();
    let hash = found.as_ref().and_then(|a| a.password_hash.clone());
    let ok = blocking(move || match hash {
        Some(h) if owned.chars().count() <= password::MAX_CHARS => password::verify(&owned, &h),
        _ => {
            password::verify_dummy(&owned);
            false
        }
    })
    .await?;
    let Some(found) = found.filter(|_| ok) else {
        record_failure(twin, &[&akey, &ckey], now).await?;
        tracing::info!("sign-in failed");
        return Err(SignInError::BadCredentials);
    };
    if found.verified_at.is_none() {
        return Err(SignInError::Unverified);
    }
    store(twin).clear_signin_failures(&akey).await?;
    if let Some(t) = link_token.filter(|t| token::well_formed(t)) {
        if let Some(PendingLink {
            person_id,
            issuer,
            subject,
        }) = store(twin).take_pending_link(&token::hash(t), now).await?
        {
            // Only the account the provider's address pointed at can take the link.
            if person_id == found.person_id {
                store(twin)
                    .link_identity(&issuer, &subject, &person_id)
                    .await?;
                tracing::info!(%person_id, %issuer, "external identity linked");
            }
        }
    }
    tracing::info!(person_id = %found.person_id, "signed in");
    Ok(found.person_id)
}

/// Checks the signed-in person's current password (throttled like sign-in).
async fn check_current_password(
    twin: &TwinState,
    signed: &SignedIn,
    current: &str,
    field: &str,
) -> Result<(), ApiError> {
    let now = unix_now();
    let acct = store(twin)
        .account(&signed.person_id)
        .await?
        .ok_or_else(|| ApiError::new(ErrorCode::Conflict, "this person has no local account"))?;
    let key = account_key(&acct.email);
    if let Some(wait) = throttled(twin, &key, ACCOUNT_LIMIT, now).await? {
        return Err(too_many(wait));
    }
    let owned = current.to_string();
    let hash = acct.password_hash.clone();
    let ok = blocking(move || match hash {
        Some(h) if owned.chars().count() <= password::MAX_CHARS => password::verify(&owned, &h),
        _ => {
            password::verify_dummy(&owned);
            false
        }
    })
    .await?;
    if !ok {
        record_failure(twin, &[&key], now).await?;
        return Err(ApiError::for_field(
            ErrorCode::Forbidden,
            field,
            "the current password is wrong",
        ));
    }
    Ok(())
}

/// Changes the password (needs the current one; an account without a password, signed in
/// through a provider in the last 10 minutes, may set one). Ends every session of the person
/// and starts a new one for this browser: the new cookie and session.
pub(crate) async fn change_password(
    twin: &TwinState,
    signed: &SignedIn,
    current: Option<&str>,
    new: &str,
) -> Result<(HeaderValue, SignedIn), ApiError> {
    let acct = store(twin)
        .account(&signed.person_id)
        .await?
        .ok_or_else(|| ApiError::new(ErrorCode::Conflict, "this person has no local account"))?;
    match (&acct.password_hash, current) {
        (Some(_), Some(c)) => check_current_password(twin, signed, c, "current_password").await?,
        (Some(_), None) => {
            return Err(ApiError::invalid_field(
                "current_password",
                "required: the current password",
            ))
        }
        (None, _) if signed.auth_age_secs() <= RECENT_AUTH_SECS => {}
        (None, _) => {
            return Err(ApiError::for_field(
                ErrorCode::Forbidden,
                "current_password",
                "sign in again first (within the last 10 minutes)",
            ))
        }
    }
    policy_field("new_password", new, &acct.email)?;
    let owned = new.to_string();
    let hash = blocking(move || password::hash(&owned))
        .await?
        .map_err(|e| ApiError::internal(&e))?;
    store(twin)
        .set_password_hash(&signed.person_id, &hash)
        .await?;
    store(twin).delete_sessions_of(&signed.person_id).await?;
    tracing::info!(person_id = %signed.person_id, "password changed; other sessions ended");
    start_session(
        twin,
        &signed.person_id,
        &signed.auth_method,
        signed.auth_time_unix,
    )
    .await
}

/// Asks for a password reset link ("forgot password"). The answer is the same whether or not
/// the address has an account: after the throttle (per address and per client, counting
/// every request) the caller answers at once, and the lookup, the token and the mail happen
/// in a task of their own, so neither the answer nor its timing depends on the address.
/// Only a confirmed account gets a link.
pub(crate) async fn request_password_reset(
    twin: &Arc<TwinState>,
    account: &Arc<AccountState>,
    raw_email: &str,
    lang: Lang,
    client: &str,
) -> Result<(), ApiError> {
    let email = email_field("email", raw_email)?;
    let now = unix_now();
    let akey = format!("reset:{}", token::hash(&email));
    let ckey = format!("reset-client:{}", token::hash(client));
    for (key, limit) in [(&akey, RESET_ACCOUNT_LIMIT), (&ckey, RESET_CLIENT_LIMIT)] {
        if let Some(wait) = throttled(twin, key, limit, now).await? {
            tracing::warn!("password reset request throttled");
            return Err(too_many(wait));
        }
    }
    record_failure(twin, &[&akey, &ckey], now).await?;
    let (twin, account) = (twin.clone(), account.clone());
    tokio::spawn(async move {
        if let Err(e) = send_reset_link(&twin, &account, &email, lang).await {
            tracing::error!(error = %e, "password reset link could not be sent");
        }
    });
    Ok(())
}

async fn send_reset_link(
    twin: &TwinState,
    account: &AccountState,
    email: &str,
    lang: Lang,
) -> Result<(), ApiError> {
    let Some(acct) = store(twin).account_by_email(email).await? else {
        return Ok(());
    };
    if acct.verified_at.is_none() {
        return Ok(());
    }
    mail_link(
        twin,
        account,
        LinkMail {
            person_id: &acct.person_id,
            purpose: EmailPurpose::Reset,
            to: email,
            ttl_secs: RESET_TTL_SECS,
            subject: "account-mail-reset-subject",
            body: "account-mail-reset-body",
            path: "account/reset",
        },
        lang,
    )
    .await?;
    tracing::info!(person_id = %acct.person_id, "password reset link sent");
    Ok(())
}

/// The refusal of a used, expired, unknown or malformed reset link (always the same).
pub(crate) fn invalid_reset_link() -> ApiError {
    ApiError::invalid_field(
        "token",
        "the link is not valid, or it was used or has expired",
    )
}

/// The address a live reset link was sent to, without spending it (`None`: the link does
/// not work).
pub(crate) async fn reset_link_email(
    twin: &TwinState,
    link_token: &str,
) -> Result<Option<String>, ApiError> {
    if !token::well_formed(link_token) {
        return Ok(None);
    }
    Ok(store(twin)
        .password_reset_email(&token::hash(link_token), unix_now())
        .await?)
}

/// Sets a new password with a reset link: the policy is checked before the link is spent,
/// the Argon2id hash is computed off the async threads, then one transaction spends the link
/// (a single `UPDATE … RETURNING`), sets the hash and ends every session of the person. The
/// address is told that the password changed.
pub(crate) async fn confirm_password_reset(
    twin: &TwinState,
    account: &AccountState,
    link_token: &str,
    new: &str,
    lang: Lang,
) -> Result<(), ApiError> {
    let Some(email) = reset_link_email(twin, link_token).await? else {
        return Err(invalid_reset_link());
    };
    policy_field("new_password", new, &email)?;
    let owned = new.to_string();
    let hash = blocking(move || password::hash(&owned))
        .await?
        .map_err(|e| ApiError::internal(&e))?;
    match store(twin)
        .redeem_password_reset(&token::hash(link_token), &hash, unix_now())
        .await?
    {
        ResetOutcome::Reset {
            person_id,
            email,
            sessions_ended,
        } => {
            tracing::info!(%person_id, sessions = sessions_ended, "password reset; every session ended");
            // The person proved the address is theirs: failed sign-ins before do not count.
            store(twin)
                .clear_signin_failures(&account_key(&email))
                .await?;
            let tr = Tr::new(lang);
            let message = mail(
                &tr,
                &email,
                "account-mail-password-changed-subject",
                &[tr.t("account-mail-password-changed-body")],
            );
            send_mail(account, message).await;
            Ok(())
        }
        ResetOutcome::Invalid => Err(invalid_reset_link()),
    }
}

/// Asks to move the signed-in person's own account to `raw_new`: needs the current password
/// or a sign-in in the last 10 minutes; mails a link to the new address. The answer is the
/// same whether or not the new address is taken (a taken one gets a notice instead).
pub(crate) async fn request_email_change(
    twin: &TwinState,
    account: &AccountState,
    signed: &SignedIn,
    raw_new: &str,
    current: Option<&str>,
    lang: Lang,
) -> Result<(), ApiError> {
    let new = email_field("new_email", raw_new)?;
    let acct = store(twin)
        .account(&signed.person_id)
        .await?
        .ok_or_else(|| ApiError::new(ErrorCode::Conflict, "this person has no local account"))?;
    match current {
        Some(c) => check_current_password(twin, signed, c, "current_password").await?,
        None if signed.auth_age_secs() <= RECENT_AUTH_SECS => {}
        None => {
            return Err(ApiError::for_field(
                ErrorCode::Forbidden,
                "current_password",
                "required: the current password (or sign in again first)",
            ))
        }
    }
    let now = unix_now();
    let key = format!("email-change:{}", token::hash(&signed.person_id));
    if let Some(wait) = throttled(twin, &key, EMAIL_CHANGE_LIMIT, now).await? {
        return Err(too_many(wait));
    }
    record_failure(twin, &[&key], now).await?;
    if new == acct.email {
        return Err(ApiError::invalid_field(
            "new_email",
            "this is already the account's address",
        ));
    }
    if store(twin).account_by_email(&new).await?.is_some() {
        notify_existing(account, &new, lang).await;
        return Ok(());
    }
    mail_link(
        twin,
        account,
        LinkMail {
            person_id: &signed.person_id,
            purpose: EmailPurpose::Change,
            to: &new,
            ttl_secs: CHANGE_TTL_SECS,
            subject: "account-mail-change-subject",
            body: "account-mail-change-body",
            path: "account/email/confirm",
        },
        lang,
    )
    .await?;
    tracing::info!(person_id = %signed.person_id, "e-mail change requested");
    Ok(())
}

/// Redeems an e-mail change link in the signed-in person's session: only a link issued to
/// this same person works. Tells the old address. The new address.
pub(crate) async fn confirm_email_change(
    twin: &TwinState,
    account: &AccountState,
    signed: &SignedIn,
    link_token: &str,
    lang: Lang,
) -> Result<String, ApiError> {
    let invalid = || {
        ApiError::invalid_field(
            "token",
            "the link is not valid for this account, or it was used or has expired",
        )
    };
    if !token::well_formed(link_token) {
        return Err(invalid());
    }
    match store(twin)
        .redeem_email_change(&token::hash(link_token), &signed.person_id, unix_now())
        .await?
    {
        ChangeOutcome::Changed {
            old_email,
            new_email,
        } => {
            tracing::info!(person_id = %signed.person_id, "e-mail address changed");
            let tr = Tr::new(lang);
            let message = mail(
                &tr,
                &old_email,
                "account-mail-changed-subject",
                &[
                    tr.t("account-mail-changed-body"),
                    tr.t("account-mail-not-you"),
                ],
            );
            send_mail(account, message).await;
            Ok(new_email)
        }
        ChangeOutcome::Invalid => Err(invalid()),
        ChangeOutcome::Taken => Err(ApiError::new(
            ErrorCode::Conflict,
            "another account has taken that address meanwhile",
        )),
    }
}

/// Ends every session of the signed-in person.
pub(crate) async fn sign_out_everywhere(
    twin: &TwinState,
    signed: &SignedIn,
) -> Result<(), ApiError> {
    let n = store(twin).delete_sessions_of(&signed.person_id).await?;
    tracing::info!(person_id = %signed.person_id, sessions = n, "signed out everywhere");
    Ok(())
}

/// A person for a verified external identity: the linked one, else (when the provider's
/// verified address belongs to a local account) `Err(link token)` to confirm with the
/// password, else a new person (with an account when the provider's address is verified and
/// free).
pub(crate) async fn person_for_identity(
    twin: &TwinState,
    claims: &aurora_twin::oidc::IdClaims,
) -> Result<Result<String, String>, ApiError> {
    let s = store(twin);
    if let Some(p) = s.identity_person(&claims.issuer, &claims.subject).await? {
        return Ok(Ok(p));
    }
    let email = claims
        .email
        .as_deref()
        .filter(|_| claims.email_verified)
        .and_then(password::normalize_email);
    if let Some(email) = &email {
        if let Some(existing) = s.account_by_email(email).await? {
            let t = token::generate().map_err(|e| ApiError::internal(&e))?;
            s.create_pending_link(
                &token::hash(&t),
                &PendingLink {
                    person_id: existing.person_id,
                    issuer: claims.issuer.clone(),
                    subject: claims.subject.clone(),
                },
                unix_now() + LINK_TTL_SECS,
            )
            .await?;
            return Ok(Err(t));
        }
    }
    let person = aurora_twin::person::create(s, &twin.keys, PersonKind::Person)
        .await
        .map_err(|e| ApiError::internal(&e))?;
    if !s
        .link_identity(&claims.issuer, &claims.subject, &person.id)
        .await?
    {
        // Linked meanwhile by a parallel callback: use that person.
        s.erase_person(&person.id).await?;
        return s
            .identity_person(&claims.issuer, &claims.subject)
            .await?
            .map(Ok)
            .ok_or_else(|| ApiError::internal(&"identity vanished"));
    }
    if let Some(email) = &email {
        s.create_account(&person.id, email, None, true).await?;
    }
    tracing::info!(person_id = %person.id, issuer = %claims.issuer, "person created from an external identity");
    Ok(Ok(person.id))
}
