//! The authorization server's decisions, without HTTP, on an in-memory SQLite store.

use aurora_model::Lang;
use aurora_store::oauth::{OAuthClient, OAuthStore};
use aurora_store::people::{PersonKind, PersonStore};
use aurora_store::SqlStore;
use sqlx::Row;

use super::client::{register, ClientRegistration};
use super::notice::{consent_withdrawn, queue_erasure_notices};
use super::*;
use crate::consent::ConsentSettings;
use crate::jws::verify_compact;
use crate::registry::AttributeRegistry;

const ISSUER: &str = "https://aurora.example";
const VERIFIER: &str = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";

struct Env {
    store: SqlStore,
    keys: TwinKeys,
}

impl Env {
    async fn new() -> Env {
        Env {
            store: SqlStore::open("sqlite::memory:").await.unwrap(),
            keys: TwinKeys::generate().unwrap(),
        }
    }

    fn server(&self) -> AuthServer<'_> {
        AuthServer {
            oauth: &self.store,
            consents: &self.store,
            keys: &self.keys,
            issuer: ISSUER,
        }
    }

    async fn client(&self, scopes: &[&str]) -> (OAuthClient, String) {
        let reg = ClientRegistration {
            name_fi: "Palvelu".into(),
            name_sv: "Tjänst".into(),
            name_en: "Service".into(),
            organisation: "Org".into(),
            redirect_uris: vec![
                "https://svc.example/cb".into(),
                "http://127.0.0.1:9000/cb".into(),
            ],
            allowed_scopes: scopes.iter().map(|s| s.to_string()).collect(),
            handover_attributes: vec![],
            handover_url: None,
            allowed_purposes: vec!["service_delivery".into()],
            deletion_callback_url: Some("https://svc.example/deleted".into()),
            pairwise_sector: None,
        };
        let is_attribute = |a: &str| AttributeRegistry::bundled().get(a).is_some();
        let r = register(&self.store, &reg, &is_attribute).await.unwrap();
        (r.client, r.secret)
    }

    async fn person(&self) -> String {
        crate::person::create(&self.store, &self.keys, PersonKind::Person)
            .await
            .unwrap()
            .id
    }

    async fn approve(&self, auth: &ValidAuthorization, person: &str) -> (ConsentRecord, String) {
        self.server()
            .approve(
                AttributeRegistry::bundled(),
                &ConsentSettings::for_public_url(ISSUER),
                auth,
                person,
                now_unix() - 5,
                Lang::En,
                time::OffsetDateTime::now_utc(),
            )
            .await
            .unwrap()
    }

    /// Authorize, approve and exchange: the token response.
    async fn tokens(
        &self,
        client: &OAuthClient,
        scope: &str,
        person: &str,
    ) -> (ConsentRecord, TokenResponse) {
        let auth = validate_authorization(&self.store, &request(client, scope))
            .await
            .unwrap();
        let (consent, code) = self.approve(&auth, person).await;
        let tokens = self
            .server()
            .exchange_code(
                client,
                &code,
                "https://svc.example/cb",
                VERIFIER,
                now_unix(),
            )
            .await
            .unwrap()
            .unwrap();
        (consent, tokens)
    }

    async fn bearer_ok(&self, token: &str, now: i64) -> bool {
        self.server()
            .authenticate_bearer(token, now)
            .await
            .unwrap()
            .is_ok()
    }
}

fn request(client: &OAuthClient, scope: &str) -> AuthorizationRequest {
    AuthorizationRequest {
        client_id: Some(client.id.clone()),
        redirect_uri: Some("https://svc.example/cb".into()),
        response_type: Some("code".into()),
        scope: Some(scope.into()),
        state: Some("st".into()),
        nonce: Some("nonce-1".into()),
        code_challenge: Some(s256(VERIFIER)),
        code_challenge_method: Some("S256".into()),
        ..AuthorizationRequest::default()
    }
}

fn redirect_error(r: Result<ValidAuthorization, AuthorizeError>) -> &'static str {
    match r {
        Err(AuthorizeError::Redirect(e)) => e.error,
        other => panic!("expected a redirect error, got {other:?}"),
    }
}

#[test]
fn pkce_s256_matches_rfc7636_appendix_b() {
    assert_eq!(
        s256(VERIFIER),
        "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"
    );
    assert!(valid_verifier(VERIFIER));
    assert!(!valid_verifier("short"));
    assert!(!valid_verifier(&"a".repeat(129)));
    assert!(!valid_verifier(&format!("{}!", &VERIFIER[..43])));
}

#[test]
fn pairwise_subjects_are_per_sector_stable_and_not_the_id() {
    let keys = TwinKeys::generate().unwrap();
    let a = pairwise_subject(&keys, "client-a", "person-1");
    assert_eq!(a, pairwise_subject(&keys, "client-a", "person-1"));
    assert_ne!(a, pairwise_subject(&keys, "client-b", "person-1"));
    assert_ne!(a, pairwise_subject(&keys, "client-a", "person-2"));
    // No concatenation ambiguity: ("ab","c") and ("a","bc") differ.
    assert_ne!(
        pairwise_subject(&keys, "ab", "c"),
        pairwise_subject(&keys, "a", "bc")
    );
    assert!(!a.contains("person-1"));
    // Other keys, other subjects: nothing to reverse without the key file.
    let other = TwinKeys::generate().unwrap();
    assert_ne!(a, pairwise_subject(&other, "client-a", "person-1"));
}

#[tokio::test]
async fn client_and_redirect_uri_errors_are_never_redirected() {
    let env = Env::new().await;
    let (client, _) = env.client(&["openid", "age"]).await;
    let mut req = request(&client, "openid age");
    req.client_id = Some("unknown".into());
    assert_eq!(
        validate_authorization(&env.store, &req).await,
        Err(AuthorizeError::UnknownClient)
    );
    req.client_id = None;
    assert_eq!(
        validate_authorization(&env.store, &req).await,
        Err(AuthorizeError::UnknownClient)
    );
    // Exact match only: trailing slash, other port, extra query, other scheme, case, missing.
    for uri in [
        Some("https://svc.example/cb/"),
        Some("https://svc.example:8443/cb"),
        Some("https://svc.example/cb?x=1"),
        Some("http://svc.example/cb"),
        Some("https://SVC.example/cb"),
        Some("https://svc.example/cb#f"),
        Some("https://evil.example/cb"),
        Some("http://127.0.0.1:9001/cb"),
        None,
    ] {
        let mut req = request(&client, "openid age");
        req.redirect_uri = uri.map(str::to_string);
        assert_eq!(
            validate_authorization(&env.store, &req).await,
            Err(AuthorizeError::BadRedirectUri),
            "{uri:?}"
        );
    }
    // A disabled client is unknown.
    env.store
        .set_oauth_client_disabled(&client.id, true)
        .await
        .unwrap();
    assert_eq!(
        validate_authorization(&env.store, &request(&client, "openid age")).await,
        Err(AuthorizeError::UnknownClient)
    );
}

#[tokio::test]
async fn pkce_s256_is_required_and_plain_refused() {
    let env = Env::new().await;
    let (client, _) = env.client(&["openid", "age"]).await;
    let mut req = request(&client, "openid age");
    req.code_challenge = None;
    assert_eq!(
        redirect_error(validate_authorization(&env.store, &req).await),
        "invalid_request"
    );
    let mut req = request(&client, "openid age");
    req.code_challenge_method = Some("plain".into());
    assert_eq!(
        redirect_error(validate_authorization(&env.store, &req).await),
        "invalid_request"
    );
    let mut req = request(&client, "openid age");
    req.code_challenge_method = None;
    assert_eq!(
        redirect_error(validate_authorization(&env.store, &req).await),
        "invalid_request"
    );
    let mut req = request(&client, "openid age");
    req.code_challenge = Some("too-short".into());
    assert_eq!(
        redirect_error(validate_authorization(&env.store, &req).await),
        "invalid_request"
    );
    let mut req = request(&client, "openid age");
    req.response_type = Some("token".into());
    assert_eq!(
        redirect_error(validate_authorization(&env.store, &req).await),
        "unsupported_response_type"
    );
    let mut req = request(&client, "openid age");
    req.prompt = Some("select_account".into());
    assert_eq!(
        redirect_error(validate_authorization(&env.store, &req).await),
        "invalid_request"
    );
    let ok = validate_authorization(&env.store, &request(&client, "openid age age"))
        .await
        .unwrap();
    assert_eq!(ok.scopes, vec!["openid", "age"]);
    assert_eq!(ok.purpose, "service_delivery");
    assert_eq!(ok.state.as_deref(), Some("st"));
}

/// Reference §8.2: a scope change was not constrained by the service's allowed scopes. Here
/// nothing beyond the registered scopes can be requested, approved or refreshed into.
#[tokio::test]
async fn regression_8_2_scopes_beyond_the_client_registration_are_refused() {
    let env = Env::new().await;
    let (client, _) = env.client(&["openid", "age"]).await;
    for scope in [
        "openid age municipality_code",
        "openid store:age",
        "openid age admin",
        "openid",
    ] {
        assert_eq!(
            redirect_error(validate_authorization(&env.store, &request(&client, scope)).await),
            "invalid_scope",
            "{scope}"
        );
    }
    // Even a hand-made authorization (bypassing validation) cannot get a consent beyond
    // the cap: the consent engine refuses it.
    let person = env.person().await;
    let mut auth = validate_authorization(&env.store, &request(&client, "openid age"))
        .await
        .unwrap();
    auth.scopes.push("municipality_code".into());
    let refused = env
        .server()
        .approve(
            AttributeRegistry::bundled(),
            &ConsentSettings::for_public_url(ISSUER),
            &auth,
            &person,
            now_unix(),
            Lang::Fi,
            time::OffsetDateTime::now_utc(),
        )
        .await;
    assert!(
        matches!(refused, Err(ApproveError::Consent(_))),
        "{refused:?}"
    );
    // A refresh cannot widen the scope either.
    let (_, tokens) = env.tokens(&client, "openid age", &person).await;
    let out = env
        .server()
        .refresh(
            &client,
            tokens.refresh_token.as_deref().unwrap(),
            Some("age municipality_code"),
            now_unix(),
        )
        .await
        .unwrap();
    assert_eq!(out.unwrap_err().error, "invalid_scope");
}

/// Reference §8.6: PKCE, nonce, atomic single-use codes, short ID tokens.
#[tokio::test]
async fn regression_8_6_codes_are_single_use_pkce_bound_and_id_tokens_carry_the_nonce() {
    let env = Env::new().await;
    let (client, _) = env.client(&["openid", "age"]).await;
    let (other, _) = env.client(&["openid", "age"]).await;
    let person = env.person().await;
    let auth = validate_authorization(&env.store, &request(&client, "openid age"))
        .await
        .unwrap();
    let (consent, code) = env.approve(&auth, &person).await;
    assert_eq!(consent.attributes, vec!["age"]);
    let server = env.server();
    let now = now_unix();
    // Another client cannot redeem it.
    let e = server
        .exchange_code(&other, &code, "https://svc.example/cb", VERIFIER, now)
        .await
        .unwrap()
        .unwrap_err();
    assert_eq!(e.error, "invalid_grant");
    // No verifier: invalid_request; a wrong verifier burns the code.
    let e = server
        .exchange_code(&client, &code, "https://svc.example/cb", "", now)
        .await
        .unwrap()
        .unwrap_err();
    assert_eq!(e.error, "invalid_request");
    let wrong = "x".repeat(43);
    let e = server
        .exchange_code(&client, &code, "https://svc.example/cb", &wrong, now)
        .await
        .unwrap()
        .unwrap_err();
    assert_eq!(e.error, "invalid_grant");
    let e = server
        .exchange_code(&client, &code, "https://svc.example/cb", VERIFIER, now)
        .await
        .unwrap()
        .unwrap_err();
    assert_eq!(e.error, "invalid_grant", "a burnt code stays burnt");

    // A good exchange, then a replay revokes what it issued.
    let (_, code) = env.approve(&auth, &person).await;
    let tokens = server
        .exchange_code(&client, &code, "https://svc.example/cb", VERIFIER, now)
        .await
        .unwrap()
        .unwrap();
    assert!(env.bearer_ok(&tokens.access_token, now + 1).await);
    let id_token = tokens.id_token.clone().unwrap();
    let (header, payload) = verify_compact(&id_token, &env.keys.verifying_key()).unwrap();
    assert_eq!(header.kid.as_deref(), Some(env.keys.kid()));
    let claims: IdTokenClaims = serde_json::from_slice(&payload).unwrap();
    assert_eq!(claims.iss, ISSUER);
    assert_eq!(claims.aud, client.id);
    assert_eq!(claims.sub, subject_for(&env.keys, &client, &person));
    assert_ne!(claims.sub, person);
    assert_eq!(claims.nonce.as_deref(), Some("nonce-1"));
    assert_eq!(claims.at_hash, at_hash(&tokens.access_token));
    assert!(claims.exp - claims.iat <= ID_TOKEN_TTL_SECS);
    assert!(tokens.expires_in <= ACCESS_TTL_SECS);
    let e = server
        .exchange_code(&client, &code, "https://svc.example/cb", VERIFIER, now + 2)
        .await
        .unwrap()
        .unwrap_err();
    assert_eq!(e.error, "invalid_grant");
    assert!(!env.bearer_ok(&tokens.access_token, now + 3).await);
    let refreshed = server
        .refresh(
            &client,
            tokens.refresh_token.as_deref().unwrap(),
            None,
            now + 3,
        )
        .await
        .unwrap();
    assert!(refreshed.is_err());

    // Wrong redirect URI and an expired code.
    let (_, code) = env.approve(&auth, &person).await;
    let e = server
        .exchange_code(&client, &code, "https://svc.example/cb/", VERIFIER, now)
        .await
        .unwrap()
        .unwrap_err();
    assert_eq!(e.error, "invalid_grant");
    let (_, code) = env.approve(&auth, &person).await;
    let e = server
        .exchange_code(
            &client,
            &code,
            "https://svc.example/cb",
            VERIFIER,
            now + CODE_TTL_SECS + 1,
        )
        .await
        .unwrap()
        .unwrap_err();
    assert_eq!(e.error, "invalid_grant");
}

#[tokio::test]
async fn access_tokens_expire_and_refresh_tokens_rotate_with_reuse_detection() {
    let env = Env::new().await;
    let (client, _) = env.client(&["openid", "age"]).await;
    let person = env.person().await;
    let (_, t1) = env.tokens(&client, "openid age", &person).await;
    let now = now_unix();
    assert!(env.bearer_ok(&t1.access_token, now).await);
    assert!(
        !env.bearer_ok(&t1.access_token, now + ACCESS_TTL_SECS + 1)
            .await
    );
    let server = env.server();
    let r1 = t1.refresh_token.clone().unwrap();
    // Refresh tokens are not bearer tokens for resources.
    assert!(!env.bearer_ok(&r1, now).await);
    let t2 = server
        .refresh(&client, &r1, None, now + 1)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(t2.scope, "openid age");
    assert!(env.bearer_ok(&t2.access_token, now + 2).await);
    // The rotated token again: the whole family is revoked, including t2's tokens.
    let e = server
        .refresh(&client, &r1, None, now + 2)
        .await
        .unwrap()
        .unwrap_err();
    assert_eq!(e.error, "invalid_grant");
    assert!(!env.bearer_ok(&t2.access_token, now + 3).await);
    let e = server
        .refresh(&client, t2.refresh_token.as_deref().unwrap(), None, now + 3)
        .await
        .unwrap()
        .unwrap_err();
    assert_eq!(e.error, "invalid_grant");
}

#[tokio::test]
async fn withdrawing_consent_stops_every_token_at_once() {
    let env = Env::new().await;
    let (client, _) = env.client(&["openid", "age"]).await;
    let person = env.person().await;
    let (consent, tokens) = env.tokens(&client, "openid age", &person).await;
    let now = now_unix();
    let grant = env
        .server()
        .authenticate_bearer(&tokens.access_token, now)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(grant.readable_attributes(), vec!["age"]);
    assert!(!grant.may_store("age"));
    // The consent engine's withdrawal alone (no token revocation) already denies.
    crate::consent::withdraw(
        &env.store,
        &person,
        &consent.id,
        time::OffsetDateTime::now_utc(),
    )
    .await
    .unwrap();
    assert!(!env.bearer_ok(&tokens.access_token, now).await);
    let e = env
        .server()
        .refresh(&client, tokens.refresh_token.as_deref().unwrap(), None, now)
        .await
        .unwrap()
        .unwrap_err();
    assert_eq!(e.error, "invalid_grant");
    // And the withdrawal hook revokes and queues a deletion notice.
    let withdrawn = env
        .store
        .consent(&person, &consent.id)
        .await
        .unwrap()
        .unwrap();
    assert!(consent_withdrawn(&env.store, &env.keys, &withdrawn, now)
        .await
        .unwrap());
    let due = env.store.due_deletion_notices(now, 10).await.unwrap();
    assert_eq!(due.len(), 1);
    assert_eq!(due[0].reason, "consent_withdrawn");
    assert_eq!(due[0].subject, subject_for(&env.keys, &client, &person));
}

#[tokio::test]
async fn introspection_and_revocation_are_limited_to_the_clients_own_tokens() {
    let env = Env::new().await;
    let (client, _) = env.client(&["openid", "age"]).await;
    let (other, _) = env.client(&["openid", "age"]).await;
    let person = env.person().await;
    let (_, tokens) = env.tokens(&client, "openid age", &person).await;
    let server = env.server();
    let now = now_unix();
    let own = server
        .introspect(&client, &tokens.access_token, now)
        .await
        .unwrap();
    assert_eq!(own["active"], true);
    assert_eq!(own["sub"], subject_for(&env.keys, &client, &person));
    assert_eq!(own["scope"], "openid age");
    let foreign = server
        .introspect(&other, &tokens.access_token, now)
        .await
        .unwrap();
    assert_eq!(foreign, serde_json::json!({"active": false}));
    assert!(!server
        .revoke(&other, &tokens.access_token, now)
        .await
        .unwrap());
    assert!(env.bearer_ok(&tokens.access_token, now).await);
    assert!(!server.revoke(&client, "not-a-token", now).await.unwrap());
    // Revoking the refresh token takes the access token with it.
    assert!(server
        .revoke(&client, tokens.refresh_token.as_deref().unwrap(), now)
        .await
        .unwrap());
    assert!(!env.bearer_ok(&tokens.access_token, now).await);
    let gone = server
        .introspect(&client, &tokens.access_token, now)
        .await
        .unwrap();
    assert_eq!(gone["active"], false);
}

/// Reference §8.3: account deletion left OAuth grants alive. Here the erasure hook revokes
/// them and the erasure deletes them; a refresh after it fails.
#[tokio::test]
async fn regression_8_3_tokens_die_with_the_account() {
    let env = Env::new().await;
    let (client, _) = env.client(&["openid", "age", "store:age"]).await;
    let person = env.person().await;
    let (_, tokens) = env.tokens(&client, "openid age store:age", &person).await;
    let now = now_unix();
    let grant = env
        .server()
        .authenticate_bearer(&tokens.access_token, now)
        .await
        .unwrap()
        .unwrap();
    assert!(grant.may_store("age"));
    let queued = queue_erasure_notices(&env.store, &env.store, &env.keys, &person, now)
        .await
        .unwrap();
    assert_eq!(queued, 1);
    assert!(!env.bearer_ok(&tokens.access_token, now).await);
    assert!(env.store.erase_person(&person).await.unwrap());
    assert!(!env.bearer_ok(&tokens.access_token, now).await);
    let e = env
        .server()
        .refresh(&client, tokens.refresh_token.as_deref().unwrap(), None, now)
        .await
        .unwrap()
        .unwrap_err();
    assert_eq!(e.error, "invalid_grant");
    // The notice outlives the person, with only the pairwise subject.
    let due = env.store.due_deletion_notices(now, 10).await.unwrap();
    assert_eq!(due.len(), 1);
    assert_eq!(due[0].reason, "account_erased");
    assert_ne!(due[0].subject, person);
}

/// Reference §8.4: tokens at rest. Only hashes are in the tables.
#[tokio::test]
async fn regression_8_4_codes_and_tokens_are_hashed_at_rest() {
    let env = Env::new().await;
    let (client, secret) = env.client(&["openid", "age"]).await;
    let person = env.person().await;
    let auth = validate_authorization(&env.store, &request(&client, "openid age"))
        .await
        .unwrap();
    let (_, code) = env.approve(&auth, &person).await;
    let tokens = env
        .server()
        .exchange_code(
            &client,
            &code,
            "https://svc.example/cb",
            VERIFIER,
            now_unix(),
        )
        .await
        .unwrap()
        .unwrap();
    let mut dump = String::new();
    for table in ["oauth_clients", "oauth_codes", "oauth_tokens"] {
        for row in sqlx::query(&format!("SELECT * FROM {table}"))
            .fetch_all(env.store.pool())
            .await
            .unwrap()
        {
            for i in 0..row.len() {
                if let Ok(Some(s)) = row.try_get::<Option<String>, _>(i) {
                    dump.push_str(&s);
                    dump.push('\n');
                }
            }
        }
    }
    for secret_value in [
        secret.as_str(),
        code.as_str(),
        tokens.access_token.as_str(),
        tokens.refresh_token.as_deref().unwrap(),
    ] {
        assert!(!dump.contains(secret_value));
    }
    assert!(dump.contains(&token::hash(&tokens.access_token)));
}

#[tokio::test]
async fn prompt_none_uses_only_an_existing_covering_consent() {
    let env = Env::new().await;
    let (client, _) = env.client(&["openid", "age", "municipality_code"]).await;
    let person = env.person().await;
    let auth = validate_authorization(&env.store, &request(&client, "openid age"))
        .await
        .unwrap();
    let now = now_unix();
    assert_eq!(
        env.server()
            .silent_code(&auth, &person, now, now)
            .await
            .unwrap(),
        None
    );
    env.approve(&auth, &person).await;
    assert!(env
        .server()
        .silent_code(&auth, &person, now, now)
        .await
        .unwrap()
        .is_some());
    let wider = validate_authorization(
        &env.store,
        &request(&client, "openid age municipality_code"),
    )
    .await
    .unwrap();
    assert_eq!(
        env.server()
            .silent_code(&wider, &person, now, now)
            .await
            .unwrap(),
        None
    );
}

#[test]
fn redirects_encode_parameters_and_keep_the_registered_query() {
    let e = RedirectError {
        redirect_uri: "https://svc.example/cb?a=1".into(),
        error: "access_denied",
        description: "the person declined".into(),
        state: Some("s t&x".into()),
    };
    assert_eq!(
        e.location(ISSUER),
        "https://svc.example/cb?a=1&error=access_denied&error_description=the%20person%20declined&state=s%20t%26x&iss=https%3A%2F%2Faurora.example"
    );
}
