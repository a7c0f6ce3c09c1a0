//! Anonymous hand-over to a member service: the reference's session transfer, made safe.
//!
//! The reference put a bearer token in the URL query, valid for 24 hours, usable many times,
//! by anyone, and readable without authentication (profile §8.5). Here:
//!
//! * the token travels in the landing URL's **fragment** (never sent to a server, so never in
//!   Referer headers or access logs);
//! * it is **single-use** (redemption deletes the row in one statement), **audience-bound**
//!   (only the service it was made for can redeem it, authenticated with its client
//!   credentials) and short-lived (at most [`MAX_TTL_SECS`]);
//! * the bag holds only the attributes the service **declared** it receives ∩ those the
//!   person **approved**; everything else is dropped before anything is stored;
//! * the bag is sealed (XChaCha20-Poly1305) with a key derived from the token
//!   (`keys.mac("handover", token)`), and only `token::hash(token)` is stored, so neither the
//!   database alone nor the key file alone can read a pending bag;
//! * when a signed-in person hands over, a consent record of purpose `handover` (valid until
//!   the token expires) is made with its receipt, withdrawing it cancels the hand-over, and
//!   the redemption writes the person's access log.
//!
//! Every failure to redeem is the same [`HandoverError::NotRedeemable`]: a replayed token,
//! an expired one, one for another service and a made-up one are indistinguishable.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

use aurora_model::Lang;
use aurora_store::consent::{ConsentStore, HandoverRecord, RecipientKind, Via};
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};
use serde_json::Value;
use time::OffsetDateTime;
use zeroize::Zeroizing;

use crate::access::{log_entry, reader_of};
use crate::consent::{
    record_checked, rfc3339, ConsentError, ConsentSettings, NewRecord, Recipient,
    RecipientDirectory, HANDOVER_PURPOSE,
};
use crate::keys::TwinKeys;
use crate::registry::{AttributeRegistry, RegistryError, Subject};
use crate::token;

/// The longest a hand-over token lives: 10 minutes.
pub const MAX_TTL_SECS: i64 = 10 * 60;
/// The fragment parameter that carries the token on the landing URL.
pub const FRAGMENT_PARAM: &str = "aurora_handover";
/// Most bytes of a sealed bag's plaintext.
pub const MAX_BAG_BYTES: usize = 64 * 1024;

const BAG_VERSION: &str = "v1";
const BAG_DOMAIN: &[u8] = b"aurora-handover-bag-v1\0";

/// Why a hand-over could not be made or redeemed. Never carries a token or a value.
#[derive(Debug, thiserror::Error)]
pub enum HandoverError {
    /// No such (enabled) member service.
    #[error("unknown service")]
    UnknownService,
    /// The service does not take hand-overs.
    #[error("the service does not take hand-overs")]
    NotReceiving,
    /// An approved value was refused by the registry (names the attribute, not the value).
    #[error(transparent)]
    Invalid(#[from] RegistryError),
    /// The bag is too large.
    #[error("the values are too large to hand over")]
    TooLarge,
    /// The lifetime asked is not in `1..=MAX_TTL_SECS`.
    #[error("a hand-over lives at most {MAX_TTL_SECS} seconds")]
    BadTtl,
    /// Redemption failed (replayed, expired, another audience, withdrawn, unknown): no
    /// detail, on purpose.
    #[error("no such hand-over")]
    NotRedeemable,
    /// A stored bag did not open (tampering or a bug).
    #[error("the hand-over could not be opened")]
    Unreadable,
    /// Randomness or encryption failed.
    #[error("encryption failed")]
    Crypto,
    /// Making the consent record failed.
    #[error(transparent)]
    Consent(#[from] ConsentError),
    /// The store failed.
    #[error(transparent)]
    Store(#[from] aurora_store::Error),
}

/// A request to hand over.
pub struct HandoverRequest<'a> {
    /// The member service (client id) that will receive it.
    pub audience: &'a str,
    /// The values the person approved (their own twin values, or given in the request).
    pub approved: BTreeMap<String, Value>,
    /// The signed-in person, if any (then a consent record is made and the redemption is
    /// logged).
    pub person_id: Option<&'a str>,
    /// The language of the page the person approved on.
    pub language: Lang,
    /// Lifetime in seconds (at most [`MAX_TTL_SECS`]).
    pub ttl_secs: i64,
}

impl fmt::Debug for HandoverRequest<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("HandoverRequest")
            .field("audience", &self.audience)
            .field("attributes", &self.approved.keys().collect::<Vec<_>>())
            .field("signed_in", &self.person_id.is_some())
            .finish_non_exhaustive()
    }
}

/// A made hand-over: where to send the person.
#[derive(Clone, PartialEq, Eq)]
pub struct Offer {
    /// The token (also in `url`'s fragment). Shown once.
    pub token: String,
    /// The service's landing URL with `#aurora_handover=<token>`.
    pub url: String,
    /// RFC 3339.
    pub expires_at: String,
    /// Unix seconds.
    pub expires_at_unix: i64,
    /// The attributes in the bag.
    pub attributes: Vec<String>,
    /// The approved attributes the service does not declare (dropped).
    pub dropped: Vec<String>,
    /// The consent record made for a signed-in person.
    pub consent_id: Option<String>,
}

impl fmt::Debug for Offer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Offer")
            .field("token", &"***")
            .field("expires_at", &self.expires_at)
            .field("attributes", &self.attributes)
            .field("dropped", &self.dropped)
            .finish_non_exhaustive()
    }
}

/// What the service gets when it redeems.
#[derive(Clone, PartialEq)]
pub struct Redeemed {
    /// The values.
    pub values: BTreeMap<String, Value>,
}

impl fmt::Debug for Redeemed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Redeemed")
            .field("attributes", &self.values.keys().collect::<Vec<_>>())
            .finish()
    }
}

fn bag_key(keys: &TwinKeys, token: &str) -> Zeroizing<[u8; 32]> {
    Zeroizing::new(keys.mac("handover", token.as_bytes()))
}

fn bag_aad(audience: &str) -> Vec<u8> {
    let mut aad = BAG_DOMAIN.to_vec();
    aad.extend_from_slice(audience.as_bytes());
    aad
}

fn seal_bag(
    keys: &TwinKeys,
    token: &str,
    audience: &str,
    values: &BTreeMap<String, Value>,
) -> Result<String, HandoverError> {
    let plain = Zeroizing::new(serde_json::to_vec(values).map_err(|_| HandoverError::Crypto)?);
    if plain.len() > MAX_BAG_BYTES {
        return Err(HandoverError::TooLarge);
    }
    let key = bag_key(keys, token);
    let cipher =
        XChaCha20Poly1305::new_from_slice(key.as_slice()).map_err(|_| HandoverError::Crypto)?;
    let mut nonce = [0u8; 24];
    getrandom::fill(&mut nonce).map_err(|_| HandoverError::Crypto)?;
    let aad = bag_aad(audience);
    let ct = cipher
        .encrypt(
            XNonce::from_slice(&nonce),
            Payload {
                msg: &plain,
                aad: &aad,
            },
        )
        .map_err(|_| HandoverError::Crypto)?;
    Ok(format!(
        "{BAG_VERSION}.{}.{}",
        URL_SAFE_NO_PAD.encode(nonce),
        URL_SAFE_NO_PAD.encode(ct)
    ))
}

fn open_bag(
    keys: &TwinKeys,
    token: &str,
    audience: &str,
    sealed: &str,
) -> Result<BTreeMap<String, Value>, HandoverError> {
    let parts: Vec<&str> = sealed.split('.').collect();
    let [BAG_VERSION, nonce, ct] = parts.as_slice() else {
        return Err(HandoverError::Unreadable);
    };
    let nonce: [u8; 24] = URL_SAFE_NO_PAD
        .decode(nonce)
        .ok()
        .and_then(|n| n.try_into().ok())
        .ok_or(HandoverError::Unreadable)?;
    let ct = URL_SAFE_NO_PAD
        .decode(ct)
        .map_err(|_| HandoverError::Unreadable)?;
    let key = bag_key(keys, token);
    let cipher =
        XChaCha20Poly1305::new_from_slice(key.as_slice()).map_err(|_| HandoverError::Unreadable)?;
    let aad = bag_aad(audience);
    let plain = Zeroizing::new(
        cipher
            .decrypt(
                XNonce::from_slice(&nonce),
                Payload {
                    msg: &ct,
                    aad: &aad,
                },
            )
            .map_err(|_| HandoverError::Unreadable)?,
    );
    serde_json::from_slice(&plain).map_err(|_| HandoverError::Unreadable)
}

/// The landing URL with the token in its fragment (any fragment of the registered URL is
/// replaced).
fn landing(url: &str, token: &str) -> String {
    let base = url.split('#').next().unwrap_or(url);
    format!("{base}#{FRAGMENT_PARAM}={token}")
}

/// Makes a hand-over to `request.audience`: keeps the approved attributes the service
/// declared (checking each value against the registry), seals them, stores the token's hash.
#[allow(clippy::too_many_arguments)]
pub async fn create(
    store: &dyn ConsentStore,
    directory: &dyn RecipientDirectory,
    registry: &AttributeRegistry,
    keys: &TwinKeys,
    settings: &ConsentSettings,
    request: HandoverRequest<'_>,
    now: OffsetDateTime,
) -> Result<Offer, HandoverError> {
    if !(1..=MAX_TTL_SECS).contains(&request.ttl_secs) {
        return Err(HandoverError::BadTtl);
    }
    let service: Recipient = directory
        .recipient(RecipientKind::Service, request.audience)
        .await?
        .ok_or(HandoverError::UnknownService)?;
    let target = service
        .handover
        .clone()
        .ok_or(HandoverError::NotReceiving)?;
    let mut kept = BTreeMap::new();
    let mut dropped = Vec::new();
    for (name, value) in request.approved {
        // Declared by the service, known to the registry: kept, in its canonical form.
        if target.attributes.contains(&name) && registry.get(&name).is_some() {
            let value = registry.validate(&name, Subject::Person, &value)?;
            kept.insert(name, value);
        } else {
            dropped.push(name);
        }
    }
    let attributes: Vec<String> = kept.keys().cloned().collect();
    let expires_at_unix = now.unix_timestamp() + request.ttl_secs;
    let consent_id = match request.person_id {
        Some(person_id) if !attributes.is_empty() => {
            let record = record_checked(
                store,
                keys,
                settings,
                registry,
                NewRecord {
                    person_id,
                    recipient: &service,
                    purpose: HANDOVER_PURPOSE,
                    attributes: attributes.clone(),
                    valid_until_unix: expires_at_unix,
                    language: request.language,
                    collection_method: "hand-over page",
                },
                now,
            )
            .await?;
            Some(record.id)
        }
        _ => None,
    };
    let token = token::generate().map_err(|_| HandoverError::Crypto)?;
    let sealed = seal_bag(keys, &token, &service.id, &kept)?;
    store
        .create_handover(&HandoverRecord {
            token_hash: token::hash(&token),
            audience: service.id.clone(),
            person_id: request.person_id.map(str::to_string),
            consent_id: consent_id.clone(),
            attributes: attributes.clone(),
            sealed,
            created_at: rfc3339(now),
            expires_at_unix,
        })
        .await?;
    let expires_at = OffsetDateTime::from_unix_timestamp(expires_at_unix)
        .map(rfc3339)
        .unwrap_or_default();
    Ok(Offer {
        url: landing(&target.landing_url, &token),
        token,
        expires_at,
        expires_at_unix,
        attributes,
        dropped,
        consent_id,
    })
}

/// Redeems `token` for the authenticated `service`, once. Every failure is
/// [`HandoverError::NotRedeemable`].
pub async fn redeem(
    store: &dyn ConsentStore,
    keys: &TwinKeys,
    service: &Recipient,
    token: &str,
    now: OffsetDateTime,
) -> Result<Redeemed, HandoverError> {
    if !token::well_formed(token) {
        return Err(HandoverError::NotRedeemable);
    }
    // The store fills in whose log, which attributes and which consent from the record.
    let log = log_entry(
        "",
        reader_of(service),
        Vec::new(),
        HANDOVER_PURPOSE,
        Vec::new(),
        Via::Handover,
        now,
    );
    let record = store
        .redeem_handover(&token::hash(token), &service.id, now.unix_timestamp(), &log)
        .await?
        .ok_or(HandoverError::NotRedeemable)?;
    let values = open_bag(keys, token, &record.audience, &record.sealed)?;
    Ok(Redeemed { values })
}

/// The attributes a service would receive of `approved` (declared ∩ approved), for showing
/// the person before they confirm.
pub fn receivable(service: &Recipient, approved: &BTreeSet<String>) -> Vec<String> {
    service
        .handover
        .as_ref()
        .map(|t| t.attributes.intersection(approved).cloned().collect())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::consent::testkit::*;
    use crate::consent::{withdraw, StaticDirectory};
    use serde_json::json;

    fn approved() -> BTreeMap<String, Value> {
        [
            ("age".to_string(), json!(34)),
            ("life_situation_meters".to_string(), json!({"family": [7]})),
            ("municipality_code".to_string(), json!("091")),
        ]
        .into_iter()
        .collect()
    }

    async fn make(kit: &Kit, audience: &str, person: Option<&str>, now: i64) -> Offer {
        create(
            &kit.store,
            &kit.directory,
            AttributeRegistry::bundled(),
            &kit.keys,
            &kit.settings,
            HandoverRequest {
                audience,
                approved: approved(),
                person_id: person,
                language: Lang::En,
                ttl_secs: MAX_TTL_SECS,
            },
            at(now),
        )
        .await
        .unwrap()
    }

    async fn redeem_as(
        kit: &Kit,
        service_id: &str,
        token: &str,
        now: i64,
    ) -> Result<Redeemed, HandoverError> {
        redeem(&kit.store, &kit.keys, &service(service_id), token, at(now)).await
    }

    #[tokio::test]
    async fn only_declared_and_approved_attributes_go_once_to_their_audience() {
        let kit = Kit::new().await;
        let offer = make(&kit, "svc-a", None, T0).await;
        // municipality_code is approved but not declared by the service: dropped.
        assert_eq!(offer.attributes, vec!["age", "life_situation_meters"]);
        assert_eq!(offer.dropped, vec!["municipality_code"]);
        assert_eq!(offer.expires_at_unix, T0 + 600);
        // The token travels in the fragment, never in the query.
        assert_eq!(
            offer.url,
            format!(
                "https://svc-a.example/start#aurora_handover={}",
                offer.token
            )
        );
        assert!(!format!("{offer:?}").contains(&offer.token));
        // Another service cannot redeem it, and its attempt does not burn it.
        assert!(matches!(
            redeem_as(&kit, "svc-b", &offer.token, T0 + 1).await,
            Err(HandoverError::NotRedeemable)
        ));
        let got = redeem_as(&kit, "svc-a", &offer.token, T0 + 1)
            .await
            .unwrap();
        assert_eq!(got.values.get("age"), Some(&json!(34)));
        assert_eq!(got.values.len(), 2);
        assert!(!format!("{got:?}").contains("34"));
        // Replayed: refused, exactly like a made-up token.
        for token in [
            offer.token.as_str(),
            &crate::token::generate().unwrap(),
            "short",
        ] {
            assert!(matches!(
                redeem_as(&kit, "svc-a", token, T0 + 2).await,
                Err(HandoverError::NotRedeemable)
            ));
        }
    }

    #[tokio::test]
    async fn an_expired_token_is_refused() {
        let kit = Kit::new().await;
        let offer = make(&kit, "svc-a", None, T0).await;
        assert!(matches!(
            redeem_as(&kit, "svc-a", &offer.token, T0 + MAX_TTL_SECS).await,
            Err(HandoverError::NotRedeemable)
        ));
    }

    #[tokio::test]
    async fn the_database_alone_cannot_read_a_pending_bag() {
        let kit = Kit::new().await;
        let offer = make(&kit, "svc-a", None, T0).await;
        let sealed = stored_bag(&kit, &crate::token::hash(&offer.token)).await;
        assert!(!sealed.contains("family"), "{sealed}");
        assert!(!sealed.contains(&offer.token));
        // Without the token, the key file alone does not open it either.
        let wrong = crate::token::generate().unwrap();
        assert!(matches!(
            open_bag(&kit.keys, &wrong, "svc-a", &sealed),
            Err(HandoverError::Unreadable)
        ));
        // Bound to its audience too.
        assert!(open_bag(&kit.keys, &offer.token, "svc-b", &sealed).is_err());
        assert!(open_bag(&kit.keys, &offer.token, "svc-a", &sealed).is_ok());
    }

    /// The stored sealed bag of a token hash (read back by redeeming with a log entry that is
    /// never written: anonymous hand-overs have no person).
    async fn stored_bag(kit: &Kit, hash: &str) -> String {
        let log = crate::access::log_entry(
            "",
            crate::access::reader_of(&service("svc-a")),
            Vec::new(),
            "handover",
            Vec::new(),
            Via::Handover,
            at(T0),
        );
        let record = kit
            .store
            .redeem_handover(hash, "svc-a", T0, &log)
            .await
            .unwrap()
            .unwrap();
        // Put it back for the caller's further checks.
        kit.store.create_handover(&record).await.unwrap();
        assert_eq!(record.token_hash, hash);
        record.sealed
    }

    #[tokio::test]
    async fn bad_requests_are_refused() {
        let kit = Kit::new().await;
        let mut not_receiving = service("svc-c");
        not_receiving.handover = None;
        let directory = StaticDirectory::new([service("svc-a"), not_receiving]);
        let run = |audience: &'static str, approved: BTreeMap<String, Value>, ttl: i64| {
            let kit = &kit;
            let directory = &directory;
            async move {
                create(
                    &kit.store,
                    directory,
                    AttributeRegistry::bundled(),
                    &kit.keys,
                    &kit.settings,
                    HandoverRequest {
                        audience,
                        approved,
                        person_id: None,
                        language: Lang::Fi,
                        ttl_secs: ttl,
                    },
                    at(T0),
                )
                .await
            }
        };
        assert!(matches!(
            run("svc-x", approved(), 60).await,
            Err(HandoverError::UnknownService)
        ));
        assert!(matches!(
            run("svc-c", approved(), 60).await,
            Err(HandoverError::NotReceiving)
        ));
        assert!(matches!(
            run("svc-a", approved(), MAX_TTL_SECS + 1).await,
            Err(HandoverError::BadTtl)
        ));
        assert!(matches!(
            run("svc-a", approved(), 0).await,
            Err(HandoverError::BadTtl)
        ));
        let bad: BTreeMap<String, Value> = [("age".to_string(), json!(-4))].into_iter().collect();
        let e = run("svc-a", bad, 60).await.unwrap_err();
        assert!(matches!(&e, HandoverError::Invalid(_)));
        assert!(!e.to_string().contains("-4"), "{e}");
    }

    #[tokio::test]
    async fn a_signed_in_hand_over_is_consented_logged_and_cancelled_by_withdrawal() {
        let kit = Kit::new().await;
        let p = kit.person().await;
        let offer = make(&kit, "svc-a", Some(&p), T0).await;
        let consent_id = offer.consent_id.clone().unwrap();
        let record = kit.store.consent(&p, &consent_id).await.unwrap().unwrap();
        assert_eq!(record.purpose, "handover");
        assert_eq!(record.attributes, vec!["age", "life_situation_meters"]);
        assert_eq!(record.valid_until_unix, T0 + MAX_TTL_SECS);
        crate::receipt::verify(&record.receipt, &kit.keys.verifying_key()).unwrap();
        redeem_as(&kit, "svc-a", &offer.token, T0 + 3)
            .await
            .unwrap();
        let (log, _) = kit.store.access_log(&p, 10, 0).await.unwrap();
        assert_eq!(log.len(), 1);
        assert_eq!(log[0].via, Via::Handover);
        assert_eq!(log[0].reader.id, "svc-a");
        assert_eq!(log[0].attributes, vec!["age", "life_situation_meters"]);
        assert_eq!(log[0].consent_ids, vec![consent_id]);
        assert_eq!(log[0].purpose, "handover");
        // Withdrawn before redemption: nothing to redeem.
        let offer = make(&kit, "svc-a", Some(&p), T0 + 10).await;
        withdraw(
            &kit.store,
            &p,
            offer.consent_id.as_deref().unwrap(),
            at(T0 + 11),
        )
        .await
        .unwrap();
        assert!(matches!(
            redeem_as(&kit, "svc-a", &offer.token, T0 + 12).await,
            Err(HandoverError::NotRedeemable)
        ));
        assert_eq!(kit.store.access_log(&p, 10, 0).await.unwrap().1, 1);
    }

    #[test]
    fn receivable_is_declared_intersect_approved() {
        let approved = set(&["age", "municipality_code"]);
        assert_eq!(receivable(&service("svc-a"), &approved), vec!["age"]);
        let mut s = service("svc-a");
        s.handover = None;
        assert!(receivable(&s, &approved).is_empty());
    }
}
