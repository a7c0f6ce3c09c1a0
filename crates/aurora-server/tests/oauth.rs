//! The authorization server end to end on the router: discovery, the consent screen, the
//! token, revocation and introspection endpoints, userinfo and the member-service data API,
//! with every denial, and regressions for the reference's flaws (profile §8.2, §8.3, §8.4,
//! §8.6, §8.7).

#[path = "support/twin.rs"]
mod support;

use aurora_store::oauth::{OAuthClient, OAuthStore};
use aurora_store::people::PersonStore;
use aurora_twin::oauth::client::{register, ClientRegistration};
use aurora_twin::oauth::{notice::queue_erasure_notices, s256, subject_for};
use aurora_twin::registry::AttributeRegistry;
use aurora_twin::twin::{Actor, Twin};
use axum::body::Body;
use axum::http::{header, Method, Request, StatusCode};
use base64::engine::general_purpose::STANDARD;
use base64::Engine as _;
use serde_json::{json, Value};
use sqlx::Row;
use support::{assert_no_secret_in_logs, remember_secret, Person, Resp, TwinApp};

const CB: &str = "https://svc.example/cb";
const VERIFIER: &str = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";

struct Client {
    c: OAuthClient,
    secret: String,
}

async fn client(app: &TwinApp, scopes: &[&str]) -> Client {
    let is_attribute = |a: &str| AttributeRegistry::bundled().get(a).is_some();
    let r = register(
        app.store.as_ref(),
        &ClientRegistration {
            name_fi: "Asumispalvelu".into(),
            name_sv: "Boendetjänst".into(),
            name_en: "Housing service".into(),
            organisation: "Kaupunki".into(),
            redirect_uris: vec![CB.into(), "http://127.0.0.1:9000/cb".into()],
            allowed_scopes: scopes.iter().map(|s| s.to_string()).collect(),
            allowed_purposes: vec!["service_delivery".into()],
            deletion_callback_url: Some("https://svc.example/deleted".into()),
            ..ClientRegistration::default()
        },
        &is_attribute,
    )
    .await
    .expect("register");
    remember_secret(&r.secret);
    Client {
        c: r.client,
        secret: r.secret,
    }
}

fn authorize_query(c: &OAuthClient, scope: &str, extra: &[(&str, &str)]) -> String {
    let mut qs = form_urlencoded::Serializer::new(String::new());
    qs.append_pair("response_type", "code")
        .append_pair("client_id", &c.id)
        .append_pair("redirect_uri", CB)
        .append_pair("scope", scope)
        .append_pair("state", "st-1")
        .append_pair("nonce", "n-1")
        .append_pair("code_challenge", &s256(VERIFIER))
        .append_pair("code_challenge_method", "S256");
    for (k, v) in extra {
        qs.append_pair(k, v);
    }
    qs.finish()
}

/// The query parameters of a redirect's `Location` (and its part before `?`).
fn location(r: &Resp) -> (String, Vec<(String, String)>) {
    let loc = r.header("location").unwrap_or_default().to_string();
    let (base, query) = loc.split_once('?').unwrap_or((&loc, ""));
    (
        base.to_string(),
        form_urlencoded::parse(query.as_bytes())
            .map(|(k, v)| (k.into_owned(), v.into_owned()))
            .collect(),
    )
}

fn get(params: &[(String, String)], name: &str) -> Option<String> {
    params
        .iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.clone())
}

async fn get_page(app: &TwinApp, query: &str, person: Option<&Person>) -> Resp {
    let mut req = Request::builder().uri(format!("/oauth/authorize?{query}"));
    if let Some(p) = person {
        req = req.header(header::COOKIE, &p.cookie);
    }
    app.request(req.body(Body::empty()).unwrap()).await
}

async fn post_form(
    app: &TwinApp,
    path: &str,
    form: &str,
    cookie: Option<&str>,
    basic: Option<(&str, &str)>,
) -> Resp {
    let mut req = Request::builder()
        .method(Method::POST)
        .uri(path)
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded");
    if let Some(c) = cookie {
        req = req.header(header::COOKIE, c);
    }
    if let Some((id, secret)) = basic {
        req = req.header(
            header::AUTHORIZATION,
            format!("Basic {}", STANDARD.encode(format!("{id}:{secret}"))),
        );
    }
    app.request(req.body(Body::from(form.to_string())).unwrap())
        .await
}

/// Approves the consent screen for `query`; the redirect's parameters.
async fn approve(app: &TwinApp, person: &Person, query: &str) -> Vec<(String, String)> {
    let page = get_page(app, query, Some(person)).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.text());
    let form = format!("{query}&csrf={}&decision=approve", person.csrf);
    let r = post_form(app, "/oauth/authorize", &form, Some(&person.cookie), None).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text());
    let (base, params) = location(&r);
    assert_eq!(base, CB);
    if let Some(code) = get(&params, "code") {
        remember_secret(&code);
    }
    params
}

async fn exchange(app: &TwinApp, c: &Client, code: &str, verifier: &str, redirect: &str) -> Resp {
    let form = form_urlencoded::Serializer::new(String::new())
        .append_pair("grant_type", "authorization_code")
        .append_pair("code", code)
        .append_pair("redirect_uri", redirect)
        .append_pair("code_verifier", verifier)
        .finish();
    post_form(app, "/oauth/token", &form, None, Some((&c.c.id, &c.secret))).await
}

/// Consent, code and tokens: the token response.
async fn tokens(app: &TwinApp, c: &Client, person: &Person, scope: &str) -> Value {
    let params = approve(app, person, &authorize_query(&c.c, scope, &[])).await;
    let code = get(&params, "code").expect("a code");
    let r = exchange(app, c, &code, VERIFIER, CB).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    assert_eq!(r.header("cache-control"), Some("no-store"));
    let v = r.json();
    for k in ["access_token", "refresh_token", "id_token"] {
        if let Some(s) = v[k].as_str() {
            remember_secret(s);
        }
    }
    v
}

async fn bearer(app: &TwinApp, path: &str, token: &str) -> Resp {
    let req = Request::builder()
        .uri(path)
        .header(header::AUTHORIZATION, format!("Bearer {token}"))
        .body(Body::empty())
        .unwrap();
    app.request(req).await
}

async fn put_bearer(app: &TwinApp, path: &str, token: &str, body: &Value) -> Resp {
    let req = Request::builder()
        .method(Method::PUT)
        .uri(path)
        .header(header::AUTHORIZATION, format!("Bearer {token}"))
        .header(header::CONTENT_TYPE, "application/json")
        .body(Body::from(body.to_string()))
        .unwrap();
    app.request(req).await
}

async fn refresh(app: &TwinApp, c: &Client, token: &str) -> Resp {
    let form = form_urlencoded::Serializer::new(String::new())
        .append_pair("grant_type", "refresh_token")
        .append_pair("refresh_token", token)
        .finish();
    post_form(app, "/oauth/token", &form, None, Some((&c.c.id, &c.secret))).await
}

async fn set_value(app: &TwinApp, person: &str, attribute: &str, value: Value) {
    Twin::new(
        app.store.as_ref(),
        app.store.as_ref(),
        &app.keys,
        AttributeRegistry::bundled(),
    )
    .set(
        person,
        attribute,
        &value,
        None,
        &Actor::Person(person.to_string()),
    )
    .await
    .expect("set value");
}

fn s(v: &Value) -> &str {
    v.as_str().unwrap_or_default()
}

#[tokio::test]
async fn discovery_and_jwks_describe_a_code_flow_server_with_pkce_and_pairwise_subjects() {
    let app = TwinApp::new().await;
    let r = app
        .send(Method::GET, "/.well-known/openid-configuration", None, None)
        .await;
    assert_eq!(r.status, StatusCode::OK);
    let d = r.json();
    assert_eq!(d["issuer"], "http://127.0.0.1:8080");
    assert_eq!(
        d["authorization_endpoint"],
        "http://127.0.0.1:8080/oauth/authorize"
    );
    assert_eq!(d["response_types_supported"], json!(["code"]));
    assert_eq!(d["code_challenge_methods_supported"], json!(["S256"]));
    assert_eq!(
        d["token_endpoint_auth_methods_supported"],
        json!(["client_secret_basic"])
    );
    assert_eq!(d["subject_types_supported"], json!(["pairwise"]));
    assert_eq!(d["id_token_signing_alg_values_supported"], json!(["EdDSA"]));
    assert_eq!(
        d["grant_types_supported"],
        json!(["authorization_code", "refresh_token"])
    );
    for k in [
        "revocation_endpoint",
        "introspection_endpoint",
        "userinfo_endpoint",
        "jwks_uri",
    ] {
        assert!(s(&d[k]).starts_with("http://127.0.0.1:8080/oauth/"), "{k}");
    }
    let scopes: Vec<&str> = d["scopes_supported"]
        .as_array()
        .unwrap()
        .iter()
        .map(s)
        .collect();
    assert!(scopes.contains(&"openid") && scopes.contains(&"age") && scopes.contains(&"store:age"));
    let j = app
        .send(Method::GET, "/oauth/jwks.json", None, None)
        .await
        .json();
    assert_eq!(j, app.keys.jwks());
}

#[tokio::test]
async fn the_consent_screen_lists_what_goes_where_and_approval_gives_data_through_the_consented_path(
) {
    let app = TwinApp::new().await;
    let c = client(
        &app,
        &[
            "openid",
            "age",
            "municipality_code",
            "store:municipality_code",
        ],
    )
    .await;
    let p = app.new_person().await;
    set_value(&app, &p.id, "age", json!(0)).await;
    set_value(&app, &p.id, "municipality_code", json!("091")).await;
    let scope = "openid age store:municipality_code";
    // The page in each language, naming the service, organisation, purpose and attributes.
    for (lang, words) in [
        (
            "fi",
            ["Asumispalvelu", "Kaupunki", "Palvelun tuottaminen", "Salli"],
        ),
        (
            "sv",
            [
                "Boendetjänst",
                "Kaupunki",
                "Tillhandahållande av tjänsten",
                "Tillåt",
            ],
        ),
        (
            "en",
            ["Housing service", "Kaupunki", "Service delivery", "Allow"],
        ),
    ] {
        let q = authorize_query(&c.c, scope, &[("ui_locales", lang)]);
        let page = get_page(&app, &q, Some(&p)).await;
        assert_eq!(page.status, StatusCode::OK);
        assert_eq!(page.header("content-language"), Some(lang));
        assert_eq!(page.header("x-frame-options"), Some("DENY"));
        assert_eq!(page.header("cache-control"), Some("no-store"));
        let html = page.text();
        for w in words {
            assert!(html.contains(w), "{lang}: {w}");
        }
        let age = AttributeRegistry::bundled().get("age").unwrap();
        let lang_ = aurora_model::Lang::parse(lang).unwrap();
        assert!(html.contains(age.title.get(lang_)), "{lang}");
        assert!(html.contains(&format!("value=\"{}\"", p.csrf)));
        assert!(html.contains(&format!("<html lang=\"{lang}\"")));
    }
    let v = tokens(&app, &c, &p, scope).await;
    assert_eq!(v["token_type"], "Bearer");
    assert_eq!(v["scope"], scope);
    assert!(v["expires_in"].as_i64().unwrap() <= 300);
    let at = s(&v["access_token"]).to_string();
    // userinfo: the pairwise sub and the consented read attribute (age 0 is a value).
    let r = bearer(&app, "/oauth/userinfo", &at).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    let u = r.json();
    assert_eq!(u["sub"], subject_for(&app.keys, &c.c, &p.id).as_str());
    assert_eq!(u["age"], 0);
    assert!(u.get("municipality_code").is_none(), "store: is not read");
    let r = bearer(&app, "/api/v1/member/attributes", &at).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    assert_eq!(r.json()["attributes"], json!({"age": 0}));
    // Every read is in the person's access log, as read by the service via OAuth.
    let (log, total) =
        aurora_store::consent::ConsentStore::access_log(app.store.as_ref(), &p.id, 10, 0)
            .await
            .unwrap();
    assert_eq!(total, 2);
    assert_eq!(log[0].reader.id, c.c.id);
    assert_eq!(log[0].via.as_str(), "oauth");
    assert_eq!(log[0].attributes, vec!["age"]);
    // A read scope beyond the token: 403 insufficient_scope.
    let r = bearer(
        &app,
        "/api/v1/member/attributes?attributes=municipality_code",
        &at,
    )
    .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert!(r
        .header("www-authenticate")
        .unwrap()
        .contains("insufficient_scope"));
    // A store: scope is not a read scope.
    let r = bearer(
        &app,
        "/api/v1/member/attributes?attributes=store:municipality_code",
        &at,
    )
    .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    // Writing with store: works; writing without it is refused.
    let r = put_bearer(
        &app,
        "/api/v1/member/attributes/municipality_code",
        &at,
        &json!({"value": "837"}),
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    let r = put_bearer(
        &app,
        "/api/v1/member/attributes/age",
        &at,
        &json!({"value": 40}),
    )
    .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert!(r.header("www-authenticate").unwrap().contains("store:age"));
    let history = Twin::new(
        app.store.as_ref(),
        app.store.as_ref(),
        &app.keys,
        AttributeRegistry::bundled(),
    )
    .values(&p.id)
    .await
    .unwrap();
    let m = history
        .iter()
        .find(|v| v.attribute == "municipality_code")
        .unwrap();
    assert_eq!(m.value, json!("837"));
    assert_eq!(m.updated_by.kind, "service");
    assert_no_secret_in_logs();
}

#[tokio::test]
async fn unregistered_redirect_uris_and_unknown_clients_are_shown_never_redirected() {
    let app = TwinApp::new().await;
    let c = client(&app, &["openid", "age"]).await;
    let p = app.new_person().await;
    for uri in [
        "https://svc.example/cb/",
        "https://svc.example:444/cb",
        "https://svc.example/cb?x=1",
        "https://evil.example/cb",
        "http://127.0.0.1:9001/cb",
    ] {
        let q = authorize_query(&c.c, "openid age", &[]).replace(
            &form_urlencoded::Serializer::new(String::new())
                .append_pair("redirect_uri", CB)
                .finish(),
            &form_urlencoded::Serializer::new(String::new())
                .append_pair("redirect_uri", uri)
                .finish(),
        );
        for who in [Some(&p), None] {
            let r = get_page(&app, &q, who).await;
            assert_eq!(r.status, StatusCode::BAD_REQUEST, "{uri}");
            assert!(
                r.header("location").is_none(),
                "{uri} must not be redirected to"
            );
            assert!(r.text().contains("paluuosoite"), "{uri}");
        }
    }
    let mut bad = c.c.clone();
    bad.id = "unknown-client".into();
    let r = get_page(&app, &authorize_query(&bad, "openid age", &[]), Some(&p)).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert!(r.header("location").is_none());
    // A repeated parameter is not redirected either.
    let q = format!(
        "{}&redirect_uri=https%3A%2F%2Fevil.example%2Fcb",
        authorize_query(&c.c, "openid age", &[])
    );
    let r = get_page(&app, &q, Some(&p)).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert!(r.header("location").is_none());
}

/// Reference §8.6: PKCE (S256 only), nonce, atomic single-use codes.
#[tokio::test]
async fn regression_8_6_pkce_is_required_and_codes_are_single_use() {
    let app = TwinApp::new().await;
    let c = client(&app, &["openid", "age"]).await;
    let p = app.new_person().await;
    // Missing PKCE and plain PKCE: invalid_request to the redirect URI, with state.
    for q in [
        authorize_query(&c.c, "openid age", &[]).replace("&code_challenge_method=S256", ""),
        authorize_query(&c.c, "openid age", &[])
            .replace("code_challenge_method=S256", "code_challenge_method=plain"),
        authorize_query(&c.c, "openid age", &[])
            .replace(&format!("&code_challenge={}", s256(VERIFIER)), ""),
    ] {
        let r = get_page(&app, &q, Some(&p)).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER);
        let (base, params) = location(&r);
        assert_eq!(base, CB);
        assert_eq!(get(&params, "error").as_deref(), Some("invalid_request"));
        assert_eq!(get(&params, "state").as_deref(), Some("st-1"));
        assert_eq!(
            get(&params, "iss").as_deref(),
            Some("http://127.0.0.1:8080")
        );
    }
    // A wrong verifier: invalid_grant (and the code is burnt).
    let params = approve(&app, &p, &authorize_query(&c.c, "openid age", &[])).await;
    assert_eq!(get(&params, "state").as_deref(), Some("st-1"));
    let code = get(&params, "code").unwrap();
    let r = exchange(&app, &c, &code, &"w".repeat(43), CB).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert_eq!(r.json()["error"], "invalid_grant");
    let r = exchange(&app, &c, &code, VERIFIER, CB).await;
    assert_eq!(r.json()["error"], "invalid_grant");
    // No verifier at all.
    let params = approve(&app, &p, &authorize_query(&c.c, "openid age", &[])).await;
    let form = format!(
        "grant_type=authorization_code&code={}&redirect_uri={}",
        get(&params, "code").unwrap(),
        form_urlencoded::byte_serialize(CB.as_bytes()).collect::<String>()
    );
    let r = post_form(
        &app,
        "/oauth/token",
        &form,
        None,
        Some((&c.c.id, &c.secret)),
    )
    .await;
    assert_eq!(r.json()["error"], "invalid_request");
    // The ID token carries the nonce.
    let v = tokens(&app, &c, &p, "openid age").await;
    let (_, payload) =
        aurora_twin::jws::verify_compact(s(&v["id_token"]), &app.keys.verifying_key()).unwrap();
    let claims: Value = serde_json::from_slice(&payload).unwrap();
    assert_eq!(claims["nonce"], "n-1");
    assert_eq!(claims["aud"], c.c.id.as_str());
    assert_eq!(claims["iss"], "http://127.0.0.1:8080");
    assert_no_secret_in_logs();
}

#[tokio::test]
async fn a_replayed_code_is_refused_and_revokes_the_tokens_issued_from_it() {
    let app = TwinApp::new().await;
    let c = client(&app, &["openid", "age"]).await;
    let p = app.new_person().await;
    let params = approve(&app, &p, &authorize_query(&c.c, "openid age", &[])).await;
    let code = get(&params, "code").unwrap();
    let first = exchange(&app, &c, &code, VERIFIER, CB).await.json();
    remember_secret(s(&first["access_token"]));
    remember_secret(s(&first["refresh_token"]));
    let at = s(&first["access_token"]).to_string();
    assert_eq!(
        bearer(&app, "/oauth/userinfo", &at).await.status,
        StatusCode::OK
    );
    let again = exchange(&app, &c, &code, VERIFIER, CB).await;
    assert_eq!(again.status, StatusCode::BAD_REQUEST);
    assert_eq!(again.json()["error"], "invalid_grant", "{}", again.text());
    let r = bearer(&app, "/oauth/userinfo", &at).await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    assert!(r
        .header("www-authenticate")
        .unwrap()
        .contains("invalid_token"));
    let r = refresh(&app, &c, s(&first["refresh_token"])).await;
    assert_eq!(
        r.json()["error"],
        "invalid_grant",
        "{} {}",
        r.status,
        r.text()
    );
}

#[tokio::test]
async fn an_expired_access_token_is_refused() {
    let app = TwinApp::new().await;
    let c = client(&app, &["openid", "age"]).await;
    let p = app.new_person().await;
    let v = tokens(&app, &c, &p, "openid age").await;
    let at = s(&v["access_token"]);
    sqlx::query("UPDATE oauth_tokens SET expires_at_unix = 1 WHERE token_hash = $1")
        .bind(aurora_twin::token::hash(at))
        .execute(app.store.pool())
        .await
        .unwrap();
    let r = bearer(&app, "/api/v1/member/attributes", at).await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    assert!(r
        .header("www-authenticate")
        .unwrap()
        .contains("error=\"invalid_token\""));
}

#[tokio::test]
async fn refresh_tokens_rotate_and_reuse_revokes_the_whole_family() {
    let app = TwinApp::new().await;
    let c = client(&app, &["openid", "age"]).await;
    let p = app.new_person().await;
    let v = tokens(&app, &c, &p, "openid age").await;
    let r1 = s(&v["refresh_token"]).to_string();
    let second = refresh(&app, &c, &r1).await;
    assert_eq!(second.status, StatusCode::OK, "{}", second.text());
    let second = second.json();
    remember_secret(s(&second["access_token"]));
    remember_secret(s(&second["refresh_token"]));
    assert_ne!(second["refresh_token"], v["refresh_token"]);
    let at2 = s(&second["access_token"]).to_string();
    assert_eq!(
        bearer(&app, "/oauth/userinfo", &at2).await.status,
        StatusCode::OK
    );
    // The old refresh token again: refused, and every token of the family is dead.
    let reuse = refresh(&app, &c, &r1).await;
    assert_eq!(reuse.json()["error"], "invalid_grant");
    assert_eq!(
        bearer(&app, "/oauth/userinfo", &at2).await.status,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        refresh(&app, &c, s(&second["refresh_token"])).await.json()["error"],
        "invalid_grant"
    );
    // Another client cannot use a refresh token.
    let other = client(&app, &["openid", "age"]).await;
    let v = tokens(&app, &c, &p, "openid age").await;
    assert_eq!(
        refresh(&app, &other, s(&v["refresh_token"])).await.json()["error"],
        "invalid_grant"
    );
    assert_no_secret_in_logs();
}

/// Reference §8.2: scope changes were not constrained by the service's allowed scopes.
#[tokio::test]
async fn regression_8_2_a_scope_beyond_the_clients_allowed_scopes_is_refused() {
    let app = TwinApp::new().await;
    let c = client(&app, &["openid", "age"]).await;
    let p = app.new_person().await;
    for scope in [
        "openid age municipality_code",
        "openid store:age",
        "openid age life_events",
    ] {
        let q = authorize_query(&c.c, scope, &[]);
        let r = get_page(&app, &q, Some(&p)).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{scope}");
        assert_eq!(
            get(&location(&r).1, "error").as_deref(),
            Some("invalid_scope")
        );
        // Posting the decision directly does not get around it.
        let form = format!("{q}&csrf={}&decision=approve", p.csrf);
        let r = post_form(&app, "/oauth/authorize", &form, Some(&p.cookie), None).await;
        assert_eq!(
            get(&location(&r).1, "error").as_deref(),
            Some("invalid_scope")
        );
        assert!(get(&location(&r).1, "code").is_none());
    }
    // Nor does asking the refresh grant for more.
    let v = tokens(&app, &c, &p, "openid age").await;
    let form = form_urlencoded::Serializer::new(String::new())
        .append_pair("grant_type", "refresh_token")
        .append_pair("refresh_token", s(&v["refresh_token"]))
        .append_pair("scope", "openid age municipality_code")
        .finish();
    let r = post_form(
        &app,
        "/oauth/token",
        &form,
        None,
        Some((&c.c.id, &c.secret)),
    )
    .await;
    assert_eq!(r.json()["error"], "invalid_scope");
    // No consent record beyond the cap exists.
    let consents = aurora_store::consent::ConsentStore::consents_of(app.store.as_ref(), &p.id)
        .await
        .unwrap();
    assert!(consents.iter().all(|r| r.attributes == vec!["age"]));
}

#[tokio::test]
async fn withdrawing_consent_denies_the_bearer_read_at_once() {
    let app = TwinApp::new().await;
    let c = client(&app, &["openid", "age"]).await;
    let p = app.new_person().await;
    set_value(&app, &p.id, "age", json!(33)).await;
    remember_secret("33");
    let v = tokens(&app, &c, &p, "openid age").await;
    let at = s(&v["access_token"]);
    assert_eq!(
        bearer(&app, "/api/v1/member/attributes", at).await.status,
        StatusCode::OK
    );
    let consents = aurora_store::consent::ConsentStore::consents_of(app.store.as_ref(), &p.id)
        .await
        .unwrap();
    let r = app
        .send(
            Method::DELETE,
            &format!("/api/v1/me/consents/{}", consents[0].id),
            Some(&p),
            None,
        )
        .await;
    assert!(r.status.is_success(), "{} {}", r.status, r.text());
    let r = bearer(&app, "/api/v1/member/attributes", at).await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    assert!(r
        .header("www-authenticate")
        .unwrap()
        .contains("invalid_token"));
    assert_eq!(
        refresh(&app, &c, s(&v["refresh_token"])).await.json()["error"],
        "invalid_grant"
    );
}

#[tokio::test]
async fn introspection_and_revocation_only_touch_the_clients_own_tokens() {
    let app = TwinApp::new().await;
    let c = client(&app, &["openid", "age"]).await;
    let other = client(&app, &["openid", "age"]).await;
    let p = app.new_person().await;
    let v = tokens(&app, &c, &p, "openid age").await;
    let at = s(&v["access_token"]).to_string();
    let form = format!("token={at}");
    let own = post_form(
        &app,
        "/oauth/introspect",
        &form,
        None,
        Some((&c.c.id, &c.secret)),
    )
    .await
    .json();
    assert_eq!(own["active"], true);
    assert_eq!(own["client_id"], c.c.id.as_str());
    assert_eq!(own["sub"], subject_for(&app.keys, &c.c, &p.id).as_str());
    let foreign = post_form(
        &app,
        "/oauth/introspect",
        &form,
        None,
        Some((&other.c.id, &other.secret)),
    )
    .await;
    assert_eq!(foreign.json(), json!({"active": false}));
    let r = post_form(
        &app,
        "/oauth/revoke",
        &form,
        None,
        Some((&other.c.id, &other.secret)),
    )
    .await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(
        bearer(&app, "/oauth/userinfo", &at).await.status,
        StatusCode::OK
    );
    let r = post_form(
        &app,
        "/oauth/revoke",
        &format!(
            "token={}&token_type_hint=refresh_token",
            s(&v["refresh_token"])
        ),
        None,
        Some((&c.c.id, &c.secret)),
    )
    .await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(
        bearer(&app, "/oauth/userinfo", &at).await.status,
        StatusCode::UNAUTHORIZED
    );
    let gone = post_form(
        &app,
        "/oauth/introspect",
        &form,
        None,
        Some((&c.c.id, &c.secret)),
    )
    .await;
    assert_eq!(gone.json()["active"], false);
}

#[tokio::test]
async fn a_bearer_reads_only_its_own_person_and_subjects_are_pairwise() {
    let app = TwinApp::new().await;
    let a = client(&app, &["openid", "age"]).await;
    let b = client(&app, &["openid", "age"]).await;
    let p1 = app.new_person().await;
    let p2 = app.new_person().await;
    set_value(&app, &p1.id, "age", json!(21)).await;
    set_value(&app, &p2.id, "age", json!(64)).await;
    let t1 = tokens(&app, &a, &p1, "openid age").await;
    let t2 = tokens(&app, &a, &p2, "openid age").await;
    let t3 = tokens(&app, &b, &p1, "openid age").await;
    let u1 = bearer(&app, "/oauth/userinfo", s(&t1["access_token"]))
        .await
        .json();
    let u2 = bearer(&app, "/oauth/userinfo", s(&t2["access_token"]))
        .await
        .json();
    let u3 = bearer(&app, "/oauth/userinfo", s(&t3["access_token"]))
        .await
        .json();
    assert_eq!(
        (u1["age"].clone(), u2["age"].clone()),
        (json!(21), json!(64))
    );
    assert_ne!(u1["sub"], u2["sub"]);
    // The same person is someone else to another service; neither sees the real id.
    assert_ne!(u1["sub"], u3["sub"]);
    for u in [&u1, &u2, &u3] {
        assert!(s(&u["sub"]) != p1.id && s(&u["sub"]) != p2.id);
    }
    // Nothing in the member API names a person: the token decides whose data it is.
    let r = bearer(
        &app,
        &format!("/api/v1/member/attributes?person={}", p2.id),
        s(&t1["access_token"]),
    )
    .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn prompt_none_without_a_session_is_login_required_and_otherwise_the_sign_in_page() {
    let app = TwinApp::new().await;
    let c = client(&app, &["openid", "age"]).await;
    let r = get_page(
        &app,
        &authorize_query(&c.c, "openid age", &[("prompt", "none")]),
        None,
    )
    .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let (base, params) = location(&r);
    assert_eq!(base, CB);
    assert_eq!(get(&params, "error").as_deref(), Some("login_required"));
    assert_eq!(get(&params, "state").as_deref(), Some("st-1"));
    let r = get_page(
        &app,
        &authorize_query(&c.c, "openid age", &[("ui_locales", "sv")]),
        None,
    )
    .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let (base, params) = location(&r);
    assert_eq!(base, "/sv/account/login");
    let back = get(&params, "return").unwrap();
    assert!(
        back.starts_with("/oauth/authorize?") && back.contains(&c.c.id),
        "{back}"
    );
    // With a session but no consent yet: consent_required; after consenting: a code.
    let p = app.new_person().await;
    let q = authorize_query(&c.c, "openid age", &[("prompt", "none")]);
    let r = get_page(&app, &q, Some(&p)).await;
    assert_eq!(
        get(&location(&r).1, "error").as_deref(),
        Some("consent_required")
    );
    tokens(&app, &c, &p, "openid age").await;
    let r = get_page(&app, &q, Some(&p)).await;
    let code = get(&location(&r).1, "code");
    assert!(code.is_some());
    remember_secret(&code.unwrap());
}

#[tokio::test]
async fn the_decision_needs_the_session_csrf_and_denial_is_access_denied() {
    let app = TwinApp::new().await;
    let c = client(&app, &["openid", "age"]).await;
    let p = app.new_person().await;
    let q = authorize_query(&c.c, "openid age", &[]);
    for csrf in ["", "wrong"] {
        let form = format!("{q}&csrf={csrf}&decision=approve");
        let r = post_form(&app, "/oauth/authorize", &form, Some(&p.cookie), None).await;
        assert_eq!(r.status, StatusCode::FORBIDDEN);
        assert!(r.header("location").is_none());
    }
    let r = post_form(
        &app,
        "/oauth/authorize",
        &format!("{q}&csrf={}&decision=approve", p.csrf),
        None,
        None,
    )
    .await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    let r = post_form(
        &app,
        "/oauth/authorize",
        &format!("{q}&csrf={}&decision=deny", p.csrf),
        Some(&p.cookie),
        None,
    )
    .await;
    let (base, params) = location(&r);
    assert_eq!(base, CB);
    assert_eq!(get(&params, "error").as_deref(), Some("access_denied"));
    assert!(get(&params, "code").is_none());
    let consents = aurora_store::consent::ConsentStore::consents_of(app.store.as_ref(), &p.id)
        .await
        .unwrap();
    assert!(consents.is_empty());
}

/// Reference §8.3: tokens stayed valid after the account was deleted.
#[tokio::test]
async fn regression_8_3_tokens_stop_working_when_the_account_is_erased() {
    let app = TwinApp::new().await;
    let c = client(&app, &["openid", "age"]).await;
    let p = app.new_person().await;
    let v = tokens(&app, &c, &p, "openid age").await;
    let at = s(&v["access_token"]);
    assert_eq!(
        bearer(&app, "/oauth/userinfo", at).await.status,
        StatusCode::OK
    );
    let now = aurora_twin::oauth::now_unix();
    let queued = queue_erasure_notices(
        app.store.as_ref(),
        app.store.as_ref(),
        &app.keys,
        &p.id,
        now,
    )
    .await
    .unwrap();
    assert_eq!(queued, 1);
    assert!(PersonStore::erase_person(app.store.as_ref(), &p.id)
        .await
        .unwrap());
    assert_eq!(
        bearer(&app, "/oauth/userinfo", at).await.status,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        bearer(&app, "/api/v1/member/attributes", at).await.status,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        refresh(&app, &c, s(&v["refresh_token"])).await.json()["error"],
        "invalid_grant"
    );
    let r = put_bearer(
        &app,
        "/api/v1/member/attributes/age",
        at,
        &json!({"value": 1}),
    )
    .await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    let notices = OAuthStore::due_deletion_notices(app.store.as_ref(), now, 10)
        .await
        .unwrap();
    assert_eq!(notices.len(), 1);
    assert_eq!(notices[0].subject, subject_for(&app.keys, &c.c, &p.id));
}

/// Reference §8.4: tokens were stored raw.
#[tokio::test]
async fn regression_8_4_tokens_codes_and_secrets_are_hashed_at_rest() {
    let app = TwinApp::new().await;
    let c = client(&app, &["openid", "age"]).await;
    let p = app.new_person().await;
    let params = approve(&app, &p, &authorize_query(&c.c, "openid age", &[])).await;
    let code = get(&params, "code").unwrap();
    let v = exchange(&app, &c, &code, VERIFIER, CB).await.json();
    let mut stored = String::new();
    for table in ["oauth_clients", "oauth_codes", "oauth_tokens"] {
        for row in sqlx::query(&format!("SELECT * FROM {table}"))
            .fetch_all(app.store.pool())
            .await
            .unwrap()
        {
            for i in 0..row.len() {
                if let Ok(Some(text)) = row.try_get::<Option<String>, _>(i) {
                    stored.push_str(&text);
                    stored.push('\n');
                }
            }
        }
    }
    for secret in [
        c.secret.as_str(),
        code.as_str(),
        s(&v["access_token"]),
        s(&v["refresh_token"]),
    ] {
        assert!(!secret.is_empty() && !stored.contains(secret));
    }
    assert!(stored.contains(&aurora_twin::token::hash(s(&v["access_token"]))));
}

/// Reference §8.7: internal endpoints answered without authentication.
#[tokio::test]
async fn regression_8_7_no_endpoint_answers_without_authentication() {
    let app = TwinApp::new().await;
    let c = client(&app, &["openid", "age"]).await;
    let p = app.new_person().await;
    let v = tokens(&app, &c, &p, "openid age").await;
    let at = s(&v["access_token"]).to_string();
    for path in ["/oauth/token", "/oauth/introspect", "/oauth/revoke"] {
        let form = format!(
            "token={at}&grant_type=refresh_token&refresh_token={}",
            s(&v["refresh_token"])
        );
        for basic in [
            None,
            Some((c.c.id.as_str(), "wrong-secret")),
            Some(("nobody", c.secret.as_str())),
        ] {
            let r = post_form(&app, path, &form, None, basic).await;
            assert_eq!(r.status, StatusCode::UNAUTHORIZED, "{path} {basic:?}");
            assert_eq!(r.json()["error"], "invalid_client");
            assert!(r.header("www-authenticate").unwrap().starts_with("Basic"));
        }
        // The secret in the body is refused too (client_secret_basic only).
        let r = post_form(
            &app,
            path,
            &format!("{form}&client_id={}&client_secret={}", c.c.id, c.secret),
            None,
            None,
        )
        .await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST);
    }
    for path in ["/oauth/userinfo", "/api/v1/member/attributes"] {
        let r = app.send(Method::GET, path, None, None).await;
        assert_eq!(r.status, StatusCode::UNAUTHORIZED, "{path}");
        assert_eq!(
            r.header("www-authenticate"),
            Some("Bearer realm=\"aurora\"")
        );
        // A token in the query string is never accepted.
        let r = app
            .send(
                Method::GET,
                &format!("{path}?access_token={at}"),
                None,
                None,
            )
            .await;
        assert_ne!(r.status, StatusCode::OK, "{path}");
        // A session cookie is not a bearer token.
        let r = app.send(Method::GET, path, Some(&p), None).await;
        assert_eq!(r.status, StatusCode::UNAUTHORIZED, "{path}");
    }
    // A disabled client's tokens stop at once.
    OAuthStore::set_oauth_client_disabled(app.store.as_ref(), &c.c.id, true)
        .await
        .unwrap();
    assert_eq!(
        bearer(&app, "/oauth/userinfo", &at).await.status,
        StatusCode::UNAUTHORIZED
    );
    assert_no_secret_in_logs();
}

#[tokio::test]
async fn prompt_login_and_an_old_sign_in_send_the_person_to_sign_in_again() {
    let app = TwinApp::new().await;
    let c = client(&app, &["openid", "age"]).await;
    let p = app.new_person().await;
    let r = get_page(
        &app,
        &authorize_query(&c.c, "openid age", &[("prompt", "login")]),
        Some(&p),
    )
    .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let (base, params) = location(&r);
    assert_eq!(base, "/fi/account/login");
    let back = get(&params, "return").unwrap();
    // The return path no longer asks for a sign-in, only for a recent one.
    assert!(
        !back.contains("prompt=login") && back.contains("max_age=600"),
        "{back}"
    );
    // The session was just made: max_age=600 is met, so the return shows the consent screen.
    let r = get_page(&app, &back["/oauth/authorize?".len()..], Some(&p)).await;
    assert_eq!(r.status, StatusCode::OK);
    // max_age=0 with a sign-in some seconds old: sign in again (or login_required with none).
    sqlx::query("UPDATE sessions SET auth_time_unix = auth_time_unix - 100")
        .execute(app.store.pool())
        .await
        .unwrap();
    let r = get_page(
        &app,
        &authorize_query(&c.c, "openid age", &[("max_age", "10")]),
        Some(&p),
    )
    .await;
    assert_eq!(location(&r).0, "/fi/account/login");
    let r = get_page(
        &app,
        &authorize_query(&c.c, "openid age", &[("max_age", "10"), ("prompt", "none")]),
        Some(&p),
    )
    .await;
    assert_eq!(
        get(&location(&r).1, "error").as_deref(),
        Some("login_required")
    );
}
