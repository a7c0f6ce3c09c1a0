//! Consents, receipts, the access log and hand-over through the router (issue 5): every
//! decision, including the denials.

#[path = "support/twin.rs"]
mod support;

use aurora_store::oauth::{OAuthClient, OAuthStore};
use aurora_twin::access::{self, Via};
use aurora_twin::consent::{Names, Recipient, RecipientKind};
use aurora_twin::registry::AttributeRegistry;
use aurora_twin::twin::{Actor, Twin};
use axum::body::Body;
use axum::http::{header, Method, Request, StatusCode};
use base64::Engine as _;
use serde_json::{json, Value};
use support::{remember_secret, Person, Resp, TwinApp};
use time::OffsetDateTime;

const SECRET_A: &str = "secret-of-service-a-0123456789abcdef";
const SECRET_B: &str = "secret-of-service-b-0123456789abcdef";

/// Registers two member services: both may receive age and municipality for guidance; both
/// take hand-overs of age and life situation meters.
async fn services(app: &TwinApp) {
    for (id, secret) in [("svc-a", SECRET_A), ("svc-b", SECRET_B)] {
        remember_secret(secret);
        let client = OAuthClient {
            id: id.into(),
            name_fi: format!("Palvelu {id}"),
            name_sv: format!("Tjänst {id}"),
            name_en: format!("Service {id}"),
            organisation: "Test".into(),
            redirect_uris: vec![format!("https://{id}.example/cb")],
            allowed_scopes: vec!["openid".into(), "age".into(), "municipality_code".into()],
            handover_attributes: vec!["age".into(), "life_situation_meters".into()],
            handover_url: Some(format!("https://{id}.example/start")),
            allowed_purposes: vec!["guidance".into(), "service_delivery".into()],
            deletion_callback_url: None,
            pairwise_sector: id.into(),
            disabled: false,
            created_at: "2026-01-01T00:00:00Z".into(),
        };
        OAuthStore::create_oauth_client(app.store.as_ref(), &client, secret)
            .await
            .expect("register service");
    }
}

fn in_days(days: i64) -> String {
    (OffsetDateTime::now_utc() + time::Duration::days(days))
        .format(&time::format_description::well_known::Rfc3339)
        .unwrap()
}

fn grant_body(recipient: &str, attributes: &[&str]) -> Value {
    json!({
        "recipient": {"kind": "service", "id": recipient},
        "purpose": "guidance",
        "attributes": attributes,
        "valid_until": in_days(30),
        "lang": "fi",
    })
}

async fn grant(app: &TwinApp, p: &Person, recipient: &str, attributes: &[&str]) -> Value {
    let r = app
        .send(
            Method::POST,
            "/api/v1/me/consents",
            Some(p),
            Some(&grant_body(recipient, attributes)),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
    r.json()
}

fn reader(id: &str) -> Recipient {
    Recipient {
        kind: RecipientKind::Service,
        id: id.into(),
        names: Names {
            fi: format!("Palvelu {id}"),
            sv: format!("Tjänst {id}"),
            en: format!("Service {id}"),
        },
        allowed_attributes: ["age", "municipality_code"]
            .iter()
            .map(|s| s.to_string())
            .collect(),
        allowed_purposes: ["guidance".to_string()].into_iter().collect(),
        handover: None,
    }
}

async fn set_values(app: &TwinApp, p: &Person) {
    let twin = Twin::new(
        app.store.as_ref(),
        app.store.as_ref(),
        &app.keys,
        AttributeRegistry::bundled(),
    );
    let me = Actor::Person(p.id.clone());
    twin.set(&p.id, "age", &json!(41), None, &me).await.unwrap();
    twin.set(&p.id, "municipality_code", &json!("837"), None, &me)
        .await
        .unwrap();
    twin.set(
        &p.id,
        "life_situation_meters",
        &json!({"housing": [2]}),
        None,
        &me,
    )
    .await
    .unwrap();
}

/// A consented read by `service` at `at` (what the OAuth resource endpoint does).
async fn read_as(
    app: &TwinApp,
    p: &Person,
    service: &str,
    at: OffsetDateTime,
) -> access::ConsentedRead {
    access::read(
        app.store.as_ref(),
        &app.keys,
        &reader(service),
        &p.id,
        &["age", "municipality_code"],
        "guidance",
        Via::Oauth,
        at,
    )
    .await
    .unwrap()
}

fn basic(id: &str, secret: &str) -> String {
    let raw = format!("{id}:{secret}");
    format!(
        "Basic {}",
        base64::engine::general_purpose::STANDARD.encode(raw)
    )
}

async fn redeem(app: &TwinApp, id: &str, secret: &str, token: &str) -> Resp {
    let req = Request::builder()
        .method(Method::POST)
        .uri("/api/v1/handover/redeem")
        .header(header::AUTHORIZATION, basic(id, secret))
        .header(header::CONTENT_TYPE, "application/json")
        .body(Body::from(json!({"token": token}).to_string()))
        .unwrap();
    app.request(req).await
}

fn token_of(url: &str) -> String {
    let (_, fragment) = url.split_once('#').expect("fragment");
    let token = fragment
        .strip_prefix("aurora_handover=")
        .expect("token parameter")
        .to_string();
    remember_secret(&token);
    token
}

#[tokio::test]
async fn anonymous_requests_get_401() {
    let app = TwinApp::new().await;
    for path in [
        "/api/v1/me/consents",
        "/api/v1/me/access-log",
        "/api/v1/me/consents/x/receipt",
    ] {
        let r = app.send(Method::GET, path, None, None).await;
        assert_eq!(r.status, StatusCode::UNAUTHORIZED, "{path}");
        assert_eq!(r.code(), "unauthenticated");
    }
    let r = app
        .send(
            Method::POST,
            "/api/v1/me/consents",
            None,
            Some(&grant_body("svc-a", &["age"])),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn a_grant_gives_a_receipt_that_verifies_with_the_published_key() {
    let app = TwinApp::new().await;
    services(&app).await;
    let p = app.new_person().await;
    let v = grant(&app, &p, "svc-a", &["age", "municipality_code"]).await;
    assert_eq!(v["state"], "active");
    assert_eq!(v["legal_basis"], "consent");
    assert_eq!(v["recipient"]["name"], "Palvelu svc-a");
    assert_eq!(v["purpose"]["code"], "guidance");
    assert_eq!(v["attributes"][0]["name"], "age");
    assert_eq!(v["version"], 1);
    let id = v["id"].as_str().unwrap();
    // The receipt as its own resource, application/jose.
    let r = app
        .send(
            Method::GET,
            &format!("/api/v1/me/consents/{id}/receipt"),
            Some(&p),
            None,
        )
        .await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(r.header("content-type"), Some("application/jose"));
    let jws = r.text();
    assert_eq!(jws, v["receipt"].as_str().unwrap());
    // Verified with the published JWK Set, found by the header's kid.
    let keys = app
        .send(Method::GET, "/api/v1/consent-receipts/keys", None, None)
        .await;
    assert_eq!(keys.status, StatusCode::OK);
    let jwks = keys.json();
    let header: Value = serde_json::from_slice(
        &base64::engine::general_purpose::URL_SAFE_NO_PAD
            .decode(jws.split('.').next().unwrap())
            .unwrap(),
    )
    .unwrap();
    let jwk = jwks["keys"]
        .as_array()
        .unwrap()
        .iter()
        .find(|k| k["kid"] == header["kid"])
        .expect("the receipt's kid is published");
    let key = aurora_twin::receipt::decode_public_key(jwk["x"].as_str().unwrap()).unwrap();
    let receipt = aurora_twin::receipt::verify(&jws, &key).unwrap();
    assert_eq!(receipt.consent_receipt_id, id);
    // Kantara v1.1 required fields, by name, in the signed payload.
    let payload: Value = serde_json::from_slice(
        &base64::engine::general_purpose::URL_SAFE_NO_PAD
            .decode(jws.split('.').nth(1).unwrap())
            .unwrap(),
    )
    .unwrap();
    for field in [
        "version",
        "jurisdiction",
        "consentTimestamp",
        "collectionMethod",
        "consentReceiptID",
        "language",
        "piiPrincipalId",
        "piiControllers",
        "policyUrl",
        "services",
        "sensitive",
        "spiCat",
    ] {
        assert!(payload.get(field).is_some(), "receipt lacks {field}");
    }
    assert_eq!(payload["version"], "KI-CR-v1.1.0");
    let purpose = &payload["services"][0]["purposes"][0];
    for field in [
        "purpose",
        "purposeCategory",
        "consentType",
        "piiCategory",
        "primaryPurpose",
        "termination",
        "thirdPartyDisclosure",
        "thirdPartyName",
    ] {
        assert!(purpose.get(field).is_some(), "purpose lacks {field}");
    }
    for field in ["piiController", "contact", "address", "email", "phone"] {
        assert!(
            payload["piiControllers"][0].get(field).is_some(),
            "controller lacks {field}"
        );
    }
    // Listed, with the receipt link.
    let list = app
        .send(Method::GET, "/api/v1/me/consents?lang=en", Some(&p), None)
        .await
        .json();
    assert_eq!(list["consents"][0]["id"], id);
    assert_eq!(list["consents"][0]["recipient"]["name"], "Service svc-a");
    assert_eq!(list["consents"][0]["state_label"], "Active");
}

#[tokio::test]
async fn nothing_beyond_the_services_registration_can_be_consented() {
    let app = TwinApp::new().await;
    services(&app).await;
    let p = app.new_person().await;
    let post = |body: Value| {
        let app = &app;
        let p = &p;
        async move {
            app.send(Method::POST, "/api/v1/me/consents", Some(p), Some(&body))
                .await
        }
    };
    // `student` exists in the registry but is not among svc-a's allowed scopes.
    let r = post(grant_body("svc-a", &["age", "student"])).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.text());
    assert_eq!(r.code(), "forbidden");
    assert_eq!(r.json()["errors"][0]["field"], "attributes");
    let r = post(grant_body("svc-a", &["shoe_size"])).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert_eq!(r.json()["errors"][0]["field"], "attributes");
    let r = post(grant_body("svc-x", &["age"])).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert_eq!(r.json()["errors"][0]["field"], "recipient");
    let mut b = grant_body("svc-a", &["age"]);
    b["purpose"] = json!("eligibility_check");
    let r = post(b).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert_eq!(r.json()["errors"][0]["field"], "purpose");
    for until in [
        json!(in_days(-1)),
        json!(in_days(400)),
        json!("tomorrow"),
        Value::Null,
    ] {
        let mut b = grant_body("svc-a", &["age"]);
        b["valid_until"] = until.clone();
        let r = post(b).await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{until}");
        assert_eq!(r.json()["errors"][0]["field"], "valid_until", "{until}");
    }
    let mut b = grant_body("svc-a", &["age"]);
    b["extra"] = json!(1);
    assert_eq!(post(b).await.code(), "unknown_field");
    let list = app
        .send(Method::GET, "/api/v1/me/consents", Some(&p), None)
        .await
        .json();
    assert_eq!(list["consents"], json!([]));
}

#[tokio::test]
async fn state_changes_without_the_csrf_header_are_refused() {
    let app = TwinApp::new().await;
    services(&app).await;
    let p = app.new_person().await;
    let r = app
        .send_without_csrf(
            Method::POST,
            "/api/v1/me/consents",
            &p,
            Some(&grant_body("svc-a", &["age"])),
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert_eq!(r.code(), "csrf_failed");
    let v = grant(&app, &p, "svc-a", &["age"]).await;
    let path = format!("/api/v1/me/consents/{}", v["id"].as_str().unwrap());
    let r = app.send_without_csrf(Method::DELETE, &path, &p, None).await;
    assert_eq!(r.code(), "csrf_failed");
    // Still active.
    let r = app.send(Method::GET, &path, Some(&p), None).await;
    assert_eq!(r.json()["state"], "active");
    // A hand-over with a session cookie needs the header too.
    let r = app
        .send_without_csrf(
            Method::POST,
            "/api/v1/handover",
            &p,
            Some(&json!({"service": "svc-a", "attributes": ["age"]})),
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert_eq!(r.code(), "csrf_failed");
}

#[tokio::test]
async fn another_persons_consent_is_404_like_an_unknown_one() {
    let app = TwinApp::new().await;
    services(&app).await;
    let owner = app.new_person().await;
    let other = app.new_person().await;
    let v = grant(&app, &owner, "svc-a", &["age"]).await;
    let id = v["id"].as_str().unwrap();
    for id in [id, "00000000-0000-4000-8000-000000000000"] {
        for (method, path, body) in [
            (Method::GET, format!("/api/v1/me/consents/{id}"), None),
            (
                Method::GET,
                format!("/api/v1/me/consents/{id}/receipt"),
                None,
            ),
            (Method::DELETE, format!("/api/v1/me/consents/{id}"), None),
            (
                Method::POST,
                format!("/api/v1/me/consents/{id}/renew"),
                Some(json!({"valid_until": in_days(60)})),
            ),
        ] {
            let r = app
                .send(method.clone(), &path, Some(&other), body.as_ref())
                .await;
            assert_eq!(r.status, StatusCode::NOT_FOUND, "{method} {path}");
            assert_eq!(r.json()["detail"], "no such consent");
        }
    }
    // The owner's consent is untouched.
    let r = app
        .send(
            Method::GET,
            &format!("/api/v1/me/consents/{id}"),
            Some(&owner),
            None,
        )
        .await;
    assert_eq!(r.json()["state"], "active");
}

#[tokio::test]
async fn no_consent_no_data_and_withdrawal_is_immediate() {
    let app = TwinApp::new().await;
    services(&app).await;
    let p = app.new_person().await;
    set_values(&app, &p).await;
    let now = OffsetDateTime::now_utc();
    // No consent: no data.
    let got = read_as(&app, &p, "svc-a", now).await;
    assert!(got.values.is_empty());
    let v = grant(&app, &p, "svc-a", &["age"]).await;
    let got = read_as(&app, &p, "svc-a", OffsetDateTime::now_utc()).await;
    assert_eq!(got.values.get("age"), Some(&json!(41)));
    // municipality_code was not consented.
    assert!(!got.values.contains_key("municipality_code"));
    // Another service: nothing.
    assert!(read_as(&app, &p, "svc-b", OffsetDateTime::now_utc())
        .await
        .values
        .is_empty());
    let path = format!("/api/v1/me/consents/{}", v["id"].as_str().unwrap());
    let r = app.send(Method::DELETE, &path, Some(&p), None).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    assert_eq!(r.json()["state"], "withdrawn");
    assert!(r.json()["withdrawn_at"].is_string());
    // The very next read gets nothing.
    let got = read_as(&app, &p, "svc-a", OffsetDateTime::now_utc()).await;
    assert!(got.values.is_empty());
    assert_eq!(got.denied[0].1.as_str(), "withdrawn");
    // Events: granted, withdrawn.
    let r = app.send(Method::GET, &path, Some(&p), None).await.json();
    let events: Vec<&str> = r["events"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["event"].as_str().unwrap())
        .collect();
    assert_eq!(events, vec!["granted", "withdrawn"]);
    // A withdrawn consent cannot be renewed.
    let r = app
        .send(
            Method::POST,
            &format!("{path}/renew"),
            Some(&p),
            Some(&json!({"valid_until": in_days(60)})),
        )
        .await;
    assert_eq!(r.status, StatusCode::CONFLICT);
}

#[tokio::test]
async fn an_expired_consent_gives_no_data_and_renewal_restores_it() {
    let app = TwinApp::new().await;
    services(&app).await;
    let p = app.new_person().await;
    set_values(&app, &p).await;
    let v = grant(&app, &p, "svc-a", &["age"]).await;
    // Past its validity (read as of 31 days from now).
    let later = OffsetDateTime::now_utc() + time::Duration::days(31);
    let got = read_as(&app, &p, "svc-a", later).await;
    assert!(got.values.is_empty());
    assert_eq!(got.denied[0].1.as_str(), "expired");
    let id = v["id"].as_str().unwrap();
    let r = app
        .send(
            Method::POST,
            &format!("/api/v1/me/consents/{id}/renew"),
            Some(&p),
            Some(&json!({"valid_until": in_days(60)})),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    assert_eq!(r.json()["version"], 2);
    assert_ne!(r.json()["receipt"], v["receipt"]);
    assert_eq!(read_as(&app, &p, "svc-a", later).await.values.len(), 1);
}

#[tokio::test]
async fn the_access_log_lists_every_read_with_who_what_when_why() {
    let app = TwinApp::new().await;
    services(&app).await;
    let p = app.new_person().await;
    let other = app.new_person().await;
    set_values(&app, &p).await;
    let c = grant(&app, &p, "svc-a", &["age", "municipality_code"]).await;
    read_as(&app, &p, "svc-a", OffsetDateTime::now_utc()).await;
    access::log_self_read(
        app.store.as_ref(),
        &p.id,
        &["age".to_string()],
        Via::Web,
        OffsetDateTime::now_utc() + time::Duration::seconds(1),
    )
    .await
    .unwrap();
    let r = app
        .send(Method::GET, "/api/v1/me/access-log?lang=sv", Some(&p), None)
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    assert_eq!(r.header("cache-control"), Some("no-store"));
    let log = r.json();
    assert_eq!(log["total"], 2);
    let newest = &log["entries"][0];
    assert_eq!(newest["reader"]["kind"], "self");
    assert_eq!(newest["reader"]["name"], "Du själv");
    let read = &log["entries"][1];
    assert_eq!(read["reader"]["kind"], "service");
    assert_eq!(read["reader"]["id"], "svc-a");
    assert_eq!(read["reader"]["name"], "Tjänst svc-a");
    assert_eq!(read["attributes"][0]["name"], "age");
    assert_eq!(read["attributes"][0]["title"], "Ålder");
    assert_eq!(read["attributes"][1]["name"], "municipality_code");
    assert_eq!(read["purpose"]["code"], "guidance");
    assert_eq!(read["purpose"]["name"], "Servicehandledning");
    assert_eq!(read["consent_ids"][0], c["id"]);
    assert_eq!(read["via"], "oauth");
    assert!(read["at"].is_string());
    // Values never appear in the log.
    assert!(!r.text().contains("\"837\""));
    // Paging and the other person's (empty) log.
    let page = app
        .send(
            Method::GET,
            "/api/v1/me/access-log?limit=1&offset=1",
            Some(&p),
            None,
        )
        .await
        .json();
    assert_eq!(page["entries"].as_array().unwrap().len(), 1);
    assert_eq!(page["entries"][0]["reader"]["id"], "svc-a");
    let theirs = app
        .send(Method::GET, "/api/v1/me/access-log", Some(&other), None)
        .await
        .json();
    assert_eq!(theirs["total"], 0);
    let r = app
        .send(Method::GET, "/api/v1/me/access-log?limit=0", Some(&p), None)
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn an_anonymous_hand_over_is_single_use_and_only_for_its_service() {
    let app = TwinApp::new().await;
    services(&app).await;
    let body = json!({
        "service": "svc-a",
        "values": {"age": 19, "municipality_code": "091", "life_situation_meters": {"family": [6]}},
    });
    let r = app
        .send(Method::POST, "/api/v1/handover", None, Some(&body))
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
    assert_eq!(r.header("cache-control"), Some("no-store"));
    assert!(r.header("access-control-allow-origin").is_none());
    let v = r.json();
    // Not declared by the service: dropped.
    assert_eq!(v["attributes"], json!(["age", "life_situation_meters"]));
    assert_eq!(v["dropped"], json!(["municipality_code"]));
    let url = v["url"].as_str().unwrap();
    assert!(
        url.starts_with("https://svc-a.example/start#aurora_handover="),
        "{url}"
    );
    assert!(!url.contains('?'));
    let token = token_of(url);
    let expires = OffsetDateTime::parse(
        v["expires_at"].as_str().unwrap(),
        &time::format_description::well_known::Rfc3339,
    )
    .unwrap();
    assert!(expires - OffsetDateTime::now_utc() <= time::Duration::minutes(10));
    // Another service, even authenticated, gets the same 404 as for nothing at all.
    let r = redeem(&app, "svc-b", SECRET_B, &token).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    // Wrong credentials: 401 before anything else.
    let r = redeem(&app, "svc-a", SECRET_B, &token).await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    assert!(r.header("www-authenticate").is_some());
    let r = app
        .send(
            Method::POST,
            "/api/v1/handover/redeem",
            None,
            Some(&json!({"token": token})),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    // The audience redeems it, once.
    let r = redeem(&app, "svc-a", SECRET_A, &token).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    // Values in the registry's canonical form.
    assert_eq!(
        r.json()["attributes"],
        json!({"age": 19, "life_situation_meters": {"family": 6}})
    );
    let replay = redeem(&app, "svc-a", SECRET_A, &token).await;
    assert_eq!(replay.status, StatusCode::NOT_FOUND);
    let unknown = redeem(
        &app,
        "svc-a",
        SECRET_A,
        &aurora_twin::token::generate().unwrap(),
    )
    .await;
    assert_eq!(unknown.status, replay.status);
    assert_eq!(unknown.json(), replay.json());
    // No cross-origin reading (the reference served the bag with CORS `*`).
    let preflight = Request::builder()
        .method(Method::OPTIONS)
        .uri("/api/v1/handover/redeem")
        .header(header::ORIGIN, "https://evil.example")
        .header("access-control-request-method", "POST")
        .body(Body::empty())
        .unwrap();
    let r = app.request(preflight).await;
    assert!(r.header("access-control-allow-origin").is_none());
    let r = app
        .send(Method::GET, "/api/v1/handover/redeem", None, None)
        .await;
    assert_eq!(r.status, StatusCode::METHOD_NOT_ALLOWED);
    support::assert_no_secret_in_logs();
}

#[tokio::test]
async fn an_expired_hand_over_token_is_refused() {
    let app = TwinApp::new().await;
    services(&app).await;
    let store = app.store.as_ref();
    // Made eleven minutes ago, with the longest lifetime.
    let offer = aurora_twin::handover::create(
        store,
        &aurora_twin::oauth::ClientDirectory(store),
        AttributeRegistry::bundled(),
        &app.keys,
        &aurora_twin::consent::ConsentSettings::for_public_url("http://127.0.0.1:8080"),
        aurora_twin::handover::HandoverRequest {
            audience: "svc-a",
            approved: [("age".to_string(), json!(30))].into_iter().collect(),
            person_id: None,
            language: aurora_model::Lang::Fi,
            ttl_secs: aurora_twin::handover::MAX_TTL_SECS,
        },
        OffsetDateTime::now_utc() - time::Duration::minutes(11),
    )
    .await
    .unwrap();
    remember_secret(&offer.token);
    let r = redeem(&app, "svc-a", SECRET_A, &offer.token).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn a_signed_in_hand_over_uses_twin_values_and_is_logged() {
    let app = TwinApp::new().await;
    services(&app).await;
    let p = app.new_person().await;
    set_values(&app, &p).await;
    let r = app
        .send(
            Method::POST,
            "/api/v1/handover",
            Some(&p),
            Some(&json!({"service": "svc-b", "attributes": ["age", "municipality_code"], "lang": "en"})),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
    let v = r.json();
    assert_eq!(v["attributes"], json!(["age"]));
    assert_eq!(v["dropped"], json!(["municipality_code"]));
    let consent_id = v["consent_id"].as_str().unwrap().to_string();
    let token = token_of(v["url"].as_str().unwrap());
    // The hand-over consent is the person's, with its receipt.
    let c = app
        .send(
            Method::GET,
            &format!("/api/v1/me/consents/{consent_id}"),
            Some(&p),
            None,
        )
        .await
        .json();
    assert_eq!(c["purpose"]["code"], "handover");
    let r = redeem(&app, "svc-b", SECRET_B, &token).await;
    assert_eq!(r.json()["attributes"], json!({"age": 41}));
    let log = app
        .send(Method::GET, "/api/v1/me/access-log?lang=en", Some(&p), None)
        .await
        .json();
    assert_eq!(log["total"], 1);
    assert_eq!(log["entries"][0]["via"], "handover");
    assert_eq!(log["entries"][0]["reader"]["name"], "Service svc-b");
    assert_eq!(log["entries"][0]["consent_ids"][0], consent_id.as_str());
    // Twin values need a session.
    let r = app
        .send(
            Method::POST,
            "/api/v1/handover",
            None,
            Some(&json!({"service": "svc-b", "attributes": ["age"]})),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    // Withdrawing the hand-over consent before redemption cancels it.
    let r = app
        .send(
            Method::POST,
            "/api/v1/handover",
            Some(&p),
            Some(&json!({"service": "svc-b", "attributes": ["age"]})),
        )
        .await
        .json();
    let token = token_of(r["url"].as_str().unwrap());
    app.send(
        Method::DELETE,
        &format!("/api/v1/me/consents/{}", r["consent_id"].as_str().unwrap()),
        Some(&p),
        None,
    )
    .await;
    assert_eq!(
        redeem(&app, "svc-b", SECRET_B, &token).await.status,
        StatusCode::NOT_FOUND
    );
    support::assert_no_secret_in_logs();
}

#[tokio::test]
async fn bad_hand_over_requests_name_their_field() {
    let app = TwinApp::new().await;
    services(&app).await;
    for (body, field) in [
        (json!({"service": "nope", "values": {"age": 3}}), "service"),
        (json!({"values": {"age": 3}}), "service"),
        (
            json!({"service": "svc-a", "values": {"age": -3}}),
            "values.age",
        ),
        (json!({"service": "svc-a", "values": [1]}), "values"),
    ] {
        let r = app
            .send(Method::POST, "/api/v1/handover", None, Some(&body))
            .await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{body}");
        assert_eq!(r.json()["errors"][0]["field"], field, "{body}");
        assert!(!r.text().contains("-3"));
    }
}

/// Anonymous hand-overs cost a stored row each, so one client may make only a bounded
/// number per window (counted in the database, so across replicas); another client is not
/// affected, and a signed-in person is not counted as anonymous.
#[tokio::test]
async fn anonymous_hand_overs_are_throttled_per_client() {
    let app = TwinApp::new().await;
    services(&app).await;
    let body = json!({"service": "svc-a", "values": {"age": 19}});
    let from = |ip: &str| {
        axum::http::Request::builder()
            .method(Method::POST)
            .uri("/api/v1/handover")
            .header("content-type", "application/json")
            .header("x-forwarded-for", ip)
            .body(axum::body::Body::from(body.to_string()))
            .unwrap()
    };
    for i in 0..60 {
        let r = app.request(from("203.0.113.7")).await;
        assert_eq!(r.status, StatusCode::CREATED, "request {i}: {}", r.text());
    }
    let r = app.request(from("203.0.113.7")).await;
    assert_eq!(r.status, StatusCode::TOO_MANY_REQUESTS, "{}", r.text());
    assert_eq!(r.code(), "too_many_requests");
    assert!(r.header("retry-after").is_some());
    let r = app.request(from("198.51.100.2")).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
}
