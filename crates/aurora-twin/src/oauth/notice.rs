//! Deletion notices to member services: when a person erases the account or withdraws a
//! consent, every affected service with a deletion callback URL is told to delete what it
//! holds of that person.
//!
//! Notices are queued in the database (`deletion_notices`, which does not reference the
//! person: it must outlive the erasure, so it holds only the pairwise subject the service
//! knows) and delivered by a background worker (the server's) at least once, retried with
//! exponential backoff ([`backoff_secs`]) for [`RETRY_WINDOW_SECS`]. Each notice is a Security
//! Event Token (RFC 8417) signed with EdDSA ([`notice_jwt`]): `iss`, `aud` (the client id),
//! `sub` (its pairwise id), `iat`, `jti` (the notice id, by which the service deduplicates)
//! and `events`.
//!
//! Unlike the reference (profile §8.2, §8.3), withdrawal and erasure never depend on the
//! service answering: tokens are revoked first, in the database, and the notice waits in the
//! queue.

use std::collections::BTreeSet;

use aurora_store::consent::{ConsentRecord, ConsentStore, RecipientKind};
use aurora_store::oauth::{DeletionNotice, OAuthClient, OAuthStore};
use serde::Serialize;

use super::{subject_for, OAuthError};
use crate::jws::{sign_compact, JwsError, JwsHeader};
use crate::keys::TwinKeys;

/// How long a notice is retried before it is given up.
pub const RETRY_WINDOW_SECS: i64 = 3 * 24 * 60 * 60;
/// The longest wait between two attempts.
pub const MAX_BACKOFF_SECS: i64 = 6 * 60 * 60;
/// The event of an erased account (OpenID RISC "account purged").
pub const EVENT_ACCOUNT_PURGED: &str =
    "https://schemas.openid.net/secevent/risc/event-type/account-purged";
/// The event of a withdrawn consent: delete what you received under it.
pub const EVENT_CONSENT_WITHDRAWN: &str = "https://aurora.example/secevent/consent-withdrawn";

/// Why a notice is sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NoticeReason {
    /// The person erased the account.
    AccountErased,
    /// The person withdrew the consent under which the service received data.
    ConsentWithdrawn,
}

impl NoticeReason {
    /// The stored spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            NoticeReason::AccountErased => "account_erased",
            NoticeReason::ConsentWithdrawn => "consent_withdrawn",
        }
    }

    /// The SET event URI.
    pub fn event(reason: &str) -> &'static str {
        if reason == NoticeReason::ConsentWithdrawn.as_str() {
            EVENT_CONSENT_WITHDRAWN
        } else {
            EVENT_ACCOUNT_PURGED
        }
    }
}

/// Seconds to wait after `attempts` failed attempts: `base · 2^(attempts−1)`, at most
/// [`MAX_BACKOFF_SECS`].
pub fn backoff_secs(attempts: i64, base_secs: i64) -> i64 {
    let exp = attempts.clamp(1, 30) - 1;
    base_secs
        .max(1)
        .saturating_mul(1i64 << exp)
        .min(MAX_BACKOFF_SECS)
}

async fn queue_for(
    oauth: &dyn OAuthStore,
    keys: &TwinKeys,
    client: &OAuthClient,
    person_id: &str,
    reason: NoticeReason,
    now: i64,
) -> Result<bool, OAuthError> {
    if client.deletion_callback_url.is_none() {
        return Ok(false);
    }
    oauth
        .queue_deletion_notice(&DeletionNotice {
            id: uuid::Uuid::new_v4().to_string(),
            client_id: client.id.clone(),
            subject: subject_for(keys, client, person_id),
            reason: reason.as_str().to_string(),
            created_at_unix: now,
            next_attempt_unix: now,
            give_up_at_unix: now + RETRY_WINDOW_SECS,
            attempts: 0,
            delivered_at_unix: None,
            gave_up_at_unix: None,
            last_error: None,
        })
        .await?;
    Ok(true)
}

/// Before an erasure (`PersonStore::erase_person`): revokes every code and token of the
/// person and queues a notice to every member service that holds or held a grant or a
/// consent of the person and takes deletion notices. Returns how many notices were queued.
pub async fn queue_erasure_notices(
    oauth: &dyn OAuthStore,
    consents: &dyn ConsentStore,
    keys: &TwinKeys,
    person_id: &str,
    now: i64,
) -> Result<u64, OAuthError> {
    oauth.revoke_person_grants(person_id, now).await?;
    let mut clients: BTreeSet<String> = oauth
        .clients_of_person(person_id)
        .await?
        .into_iter()
        .collect();
    for c in consents.consents_of(person_id).await? {
        if c.recipient_kind == RecipientKind::Service {
            clients.insert(c.recipient_id);
        }
    }
    let mut queued = 0;
    for id in clients {
        if let Some(client) = oauth.oauth_client(&id).await? {
            if queue_for(
                oauth,
                keys,
                &client,
                person_id,
                NoticeReason::AccountErased,
                now,
            )
            .await?
            {
                queued += 1;
            }
        }
    }
    Ok(queued)
}

/// After a consent was withdrawn: revokes every code and token carrying it out and, when the
/// recipient is a member service that takes deletion notices, queues one. True when a notice
/// was queued.
pub async fn consent_withdrawn(
    oauth: &dyn OAuthStore,
    keys: &TwinKeys,
    consent: &ConsentRecord,
    now: i64,
) -> Result<bool, OAuthError> {
    oauth.revoke_consent_grants(&consent.id, now).await?;
    if consent.recipient_kind != RecipientKind::Service {
        return Ok(false);
    }
    let Some(client) = oauth.oauth_client(&consent.recipient_id).await? else {
        return Ok(false);
    };
    queue_for(
        oauth,
        keys,
        &client,
        &consent.person_id,
        NoticeReason::ConsentWithdrawn,
        now,
    )
    .await
}

#[derive(Serialize)]
struct NoticeClaims<'a> {
    iss: &'a str,
    aud: &'a str,
    sub: &'a str,
    iat: i64,
    jti: &'a str,
    events: serde_json::Value,
}

/// The signed notice (`typ: secevent+jwt`) for one delivery attempt.
pub fn notice_jwt(
    keys: &TwinKeys,
    issuer: &str,
    notice: &DeletionNotice,
    now: i64,
) -> Result<String, OAuthError> {
    let mut event = serde_json::Map::new();
    event.insert(
        NoticeReason::event(&notice.reason).to_string(),
        serde_json::json!({
            "subject": {"format": "iss_sub", "iss": issuer, "sub": notice.subject},
            "reason": notice.reason,
        }),
    );
    let claims = NoticeClaims {
        iss: issuer,
        aud: &notice.client_id,
        sub: &notice.subject,
        iat: now,
        jti: &notice.id,
        events: serde_json::Value::Object(event),
    };
    let payload = serde_json::to_vec(&claims).map_err(|e| JwsError::Serialise(e.to_string()))?;
    Ok(sign_compact(
        keys.signing_key(),
        &JwsHeader::eddsa(Some("secevent+jwt"), Some(keys.kid())),
        &payload,
    )?)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::jws::verify_compact;

    #[test]
    fn backoff_doubles_and_is_capped() {
        assert_eq!(backoff_secs(1, 30), 30);
        assert_eq!(backoff_secs(2, 30), 60);
        assert_eq!(backoff_secs(3, 30), 120);
        assert_eq!(backoff_secs(40, 30), MAX_BACKOFF_SECS);
        assert_eq!(backoff_secs(0, 0), 1);
    }

    #[test]
    fn notices_are_signed_set_jwts_with_the_pairwise_subject() {
        let keys = TwinKeys::generate().unwrap();
        let notice = DeletionNotice {
            id: "n-1".into(),
            client_id: "c1".into(),
            subject: "pairwise".into(),
            reason: "account_erased".into(),
            created_at_unix: 1,
            next_attempt_unix: 1,
            give_up_at_unix: 2,
            attempts: 0,
            delivered_at_unix: None,
            gave_up_at_unix: None,
            last_error: None,
        };
        let jwt = notice_jwt(&keys, "https://aurora.example", &notice, 100).unwrap();
        let (header, payload) = verify_compact(&jwt, &keys.verifying_key()).unwrap();
        assert_eq!(header.typ.as_deref(), Some("secevent+jwt"));
        let claims: serde_json::Value = serde_json::from_slice(&payload).unwrap();
        assert_eq!(claims["aud"], "c1");
        assert_eq!(claims["sub"], "pairwise");
        assert_eq!(claims["jti"], "n-1");
        assert!(claims["events"][EVENT_ACCOUNT_PURGED].is_object());
    }
}
