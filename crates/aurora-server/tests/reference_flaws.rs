//! Regressions for the reference profile management's flaws (`reference-profile.md` §8) that
//! no area's own test file covers; the table in `docs/twin.md` says where each of the others
//! is tested.

#[path = "support/twin.rs"]
mod support;

use aurora_twin::oauth::client::{register, ClientRegistration};
use aurora_twin::oauth::{validate_authorization, AuthServer, AuthorizationRequest};
use axum::body::Body;
use axum::http::{header, Method, Request, StatusCode};
use serde_json::json;
use support::{Person, TwinApp};

const REDIRECT: &str = "https://service.example/callback";

/// A member service allowed to read `age` and `municipality_code`, and an access token for `person` through the real
/// engine (consent granted as on the consent screen).
async fn token_for(app: &TwinApp, person: &Person) -> (String, String) {
    let store = app.store.as_ref();
    let registry = aurora_twin::registry::AttributeRegistry::bundled();
    let client = register(
        store,
        &ClientRegistration {
            name_fi: "Palvelu".into(),
            name_sv: "Tjänst".into(),
            name_en: "Service".into(),
            organisation: "Testers".into(),
            redirect_uris: vec![REDIRECT.into()],
            allowed_scopes: vec!["openid".into(), "age".into(), "municipality_code".into()],
            allowed_purposes: vec!["service_delivery".into()],
            ..Default::default()
        },
        &|n| registry.get(n).is_some(),
    )
    .await
    .expect("register");
    let verifier = "v".repeat(50);
    let auth = validate_authorization(
        store,
        &AuthorizationRequest {
            client_id: Some(client.client.id.clone()),
            redirect_uri: Some(REDIRECT.into()),
            response_type: Some("code".into()),
            scope: Some("openid age municipality_code".into()),
            state: Some("s".into()),
            nonce: Some("n".into()),
            code_challenge: Some(aurora_twin::oauth::s256(&verifier)),
            code_challenge_method: Some("S256".into()),
            ..Default::default()
        },
    )
    .await
    .expect("a valid request");
    let server = AuthServer {
        oauth: store,
        consents: store,
        keys: &app.keys,
        issuer: "http://127.0.0.1:8080",
    };
    let now = time::OffsetDateTime::now_utc();
    let (consent, code) = server
        .approve(
            registry,
            &aurora_twin::consent::ConsentSettings::for_public_url("http://127.0.0.1:8080"),
            &auth,
            &person.id,
            now.unix_timestamp(),
            aurora_model::Lang::Fi,
            now,
        )
        .await
        .expect("approve");
    let tokens = server
        .exchange_code(
            &client.client,
            &code,
            REDIRECT,
            &verifier,
            now.unix_timestamp(),
        )
        .await
        .expect("store")
        .expect("tokens");
    support::remember_secret(&tokens.access_token);
    (tokens.access_token, consent.id)
}

async fn member_read(app: &TwinApp, token: &str) -> support::Resp {
    app.request(
        Request::builder()
            .uri("/api/v1/member/attributes")
            .header(header::AUTHORIZATION, format!("Bearer {token}"))
            .body(Body::empty())
            .unwrap(),
    )
    .await
}

/// §8.16: three overlapping withdrawal paths with different effects. Here the web page and the
/// API withdraw through one function: either way the service's token stops at once.
#[tokio::test]
async fn flaw_16_withdrawing_on_the_page_revokes_the_services_tokens_like_the_api() {
    let app = TwinApp::new().await;
    let p = app.new_person().await;
    let r = app
        .send(
            Method::PUT,
            "/api/v1/me/twin/age",
            Some(&p),
            Some(&json!({"value": 0})),
        )
        .await;
    assert!(r.status.is_success(), "{}", r.text());
    let (token, consent_id) = token_for(&app, &p).await;
    let r = member_read(&app, &token).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    let v = r.json();
    assert_eq!(v["attributes"]["age"], 0, "0 is a value (§8.11)");
    // §8.13: a consented attribute without a value is said to be missing, not left out.
    assert_eq!(v["missing"], json!(["municipality_code"]));
    assert_eq!(v["denied"], json!([]));

    let form = format!("csrf={}", p.csrf);
    let r = app
        .request(
            Request::builder()
                .method(Method::POST)
                .uri(format!("/fi/me/consents/{consent_id}/withdraw"))
                .header(header::COOKIE, &p.cookie)
                .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
                .body(Body::from(form))
                .unwrap(),
        )
        .await;
    assert!(r.status.is_redirection(), "{} {}", r.status, r.text());
    let r = member_read(&app, &token).await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED, "{}", r.text());
    // The token itself is revoked, not only refused: introspection-level state.
    let hash = aurora_twin::token::hash(&token);
    let record = aurora_store::oauth::OAuthStore::oauth_token(app.store.as_ref(), &hash)
        .await
        .unwrap()
        .expect("the token row");
    assert!(record.revoked_at_unix.is_some(), "{record:?}");
    support::assert_no_secret_in_logs();
}

/// §8.19: the session cookie's SameSite was left to a library default (lax). Here every
/// session cookie is `HttpOnly; SameSite=Strict; Path=/`, and `Secure` with the `__Host-`
/// prefix behind https.
#[tokio::test]
async fn flaw_19_session_cookies_are_strict_and_host_only() {
    let app = TwinApp::new().await;
    let password = "kolme pientä porsasta ja susi";
    support::remember_secret(password);
    let r = app
        .send(
            Method::POST,
            "/api/v1/account/signup",
            None,
            Some(&json!({"email": "strict@example.fi", "password": password})),
        )
        .await;
    assert!(r.status.is_success(), "{} {}", r.status, r.text());
    // Verify through the store's token (the mail itself is tested in account.rs).
    let person = aurora_store::accounts::AccountStore::account_by_email(
        app.store.as_ref(),
        "strict@example.fi",
    )
    .await
    .unwrap()
    .expect("the account");
    let token = aurora_twin::token::generate().unwrap();
    let now = time::OffsetDateTime::now_utc().unix_timestamp();
    aurora_store::accounts::AccountStore::create_email_token(
        app.store.as_ref(),
        &aurora_twin::token::hash(&token),
        &person.person_id,
        aurora_store::accounts::EmailPurpose::Verify,
        "strict@example.fi",
        now + 600,
    )
    .await
    .unwrap();
    let r = app
        .send(
            Method::POST,
            "/api/v1/account/verify",
            None,
            Some(&json!({"token": token})),
        )
        .await;
    assert!(r.status.is_success(), "{} {}", r.status, r.text());
    let r = app
        .send(
            Method::POST,
            "/api/v1/account/signin",
            None,
            Some(&json!({"email": "strict@example.fi", "password": password})),
        )
        .await;
    assert!(r.status.is_success(), "{} {}", r.status, r.text());
    let cookie = r.header("set-cookie").unwrap_or_default().to_string();
    assert!(cookie.starts_with("aurora_session="), "{cookie}");
    for part in ["HttpOnly", "SameSite=Strict", "Path=/"] {
        assert!(cookie.contains(part), "{part} missing: {cookie}");
    }
    support::assert_no_secret_in_logs();
}

/// §8.7: `/internal/cron/…` and the key-authenticated internal routes answered anyone on the
/// network. Aurora has no such routes: operator actions are CLI commands on the host.
#[tokio::test]
async fn flaw_7_there_are_no_internal_http_routes() {
    let app = TwinApp::new().await;
    for (method, path) in [
        (Method::POST, "/internal/cron/attribute-deletion-trigger"),
        (Method::POST, "/internal/add_service"),
        (Method::POST, "/internal/create_service_secret"),
        (Method::GET, "/internal/announcement"),
        (Method::POST, "/v1/session_attributes"),
    ] {
        let r = app.send(method.clone(), path, None, Some(&json!({}))).await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "{method} {path}");
    }
}
