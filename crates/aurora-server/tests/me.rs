//! The sign-in session surface (`/api/v1/me/session`): anonymous requests get 401, the CSRF
//! token is required for state changes, and signing out ends the session server-side.

#[path = "support/twin.rs"]
mod support;

use axum::http::{Method, StatusCode};
use support::TwinApp;

#[tokio::test]
async fn anonymous_requests_get_401_unauthenticated() {
    let app = TwinApp::new().await;
    let r = app
        .send(Method::GET, "/api/v1/me/session", None, None)
        .await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    assert_eq!(r.code(), "unauthenticated");
    assert_eq!(r.header("content-type"), Some("application/problem+json"));
}

#[tokio::test]
async fn a_session_tells_who_is_signed_in_and_its_csrf_token() {
    let app = TwinApp::new().await;
    let p = app.new_person().await;
    let r = app
        .send(Method::GET, "/api/v1/me/session", Some(&p), None)
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    let v = r.json();
    assert_eq!(v["person_id"], p.id.as_str());
    assert_eq!(v["csrf_token"], p.csrf.as_str());
    assert_eq!(r.header("cache-control"), Some("no-store"));
}

#[tokio::test]
async fn a_forged_or_foreign_cookie_is_not_a_session() {
    let app = TwinApp::new().await;
    let mut p = app.new_person().await;
    p.cookie = format!("aurora_session={}", aurora_twin::token::generate().unwrap());
    let r = app
        .send(Method::GET, "/api/v1/me/session", Some(&p), None)
        .await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn signing_out_needs_the_csrf_token_and_ends_the_session_on_the_server() {
    let app = TwinApp::new().await;
    let p = app.new_person().await;
    let r = app
        .send_without_csrf(Method::DELETE, "/api/v1/me/session", &p, None)
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert_eq!(r.code(), "csrf_failed");
    // Another session's CSRF token does not do either.
    let other = app.session_for(&p.id).await;
    let mut wrong = p.clone();
    wrong.csrf = other.csrf.clone();
    let r = app
        .send(Method::DELETE, "/api/v1/me/session", Some(&wrong), None)
        .await;
    assert_eq!(r.code(), "csrf_failed");

    let r = app
        .send(Method::DELETE, "/api/v1/me/session", Some(&p), None)
        .await;
    assert_eq!(r.status, StatusCode::NO_CONTENT);
    let cleared = r.header("set-cookie").unwrap_or_default().to_string();
    assert!(
        cleared.contains("Max-Age=0") && cleared.contains("SameSite=Strict"),
        "{cleared}"
    );
    // The same cookie, replayed, is no longer a session; the other session lives on.
    let r = app
        .send(Method::GET, "/api/v1/me/session", Some(&p), None)
        .await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    let r = app
        .send(Method::GET, "/api/v1/me/session", Some(&other), None)
        .await;
    assert_eq!(r.status, StatusCode::OK);
    support::assert_no_secret_in_logs();
}

#[tokio::test]
async fn erasing_a_person_ends_their_sessions() {
    let app = TwinApp::new().await;
    let p = app.new_person().await;
    assert!(
        aurora_store::people::PersonStore::erase_person(app.store.as_ref(), &p.id)
            .await
            .unwrap()
    );
    let r = app
        .send(Method::GET, "/api/v1/me/session", Some(&p), None)
        .await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn erasure_needs_confirmation_and_csrf_then_removes_everything_and_signs_a_receipt() {
    use serde_json::json;
    let app = TwinApp::new().await;
    let p = app.new_person().await;
    let other = app.new_person().await;
    // Something to erase: a twin value.
    let r = app
        .send(
            Method::PUT,
            "/api/v1/me/twin/age",
            Some(&p),
            Some(&json!({"value": 47})),
        )
        .await;
    assert!(r.status.is_success(), "{} {}", r.status, r.text());

    let r = app
        .send_without_csrf(
            Method::POST,
            "/api/v1/me/erase",
            &p,
            Some(&json!({"confirm": true})),
        )
        .await;
    assert_eq!(r.code(), "csrf_failed");
    let r = app
        .send(
            Method::POST,
            "/api/v1/me/erase",
            Some(&p),
            Some(&json!({"confirm": false})),
        )
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert_eq!(r.json()["errors"][0]["field"], "confirm");

    let r = app
        .send(
            Method::POST,
            "/api/v1/me/erase",
            Some(&p),
            Some(&json!({"confirm": true})),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    let v = r.json();
    assert!(r
        .header("set-cookie")
        .unwrap_or_default()
        .contains("Max-Age=0"));
    // The receipt verifies with the published key and names the erased person.
    let (header, payload) =
        aurora_twin::jws::verify_compact(v["receipt"].as_str().unwrap(), &app.keys.verifying_key())
            .expect("the receipt verifies");
    assert_eq!(header.kid.as_deref(), Some(app.keys.kid()));
    let claims: serde_json::Value = serde_json::from_slice(&payload).unwrap();
    assert_eq!(claims["sub"], p.id.as_str());
    assert_eq!(claims["jti"], v["receipt_id"]);

    // Nothing of the person is left; the session is gone; the other person is untouched.
    for table in ["persons", "sessions", "twin_values", "twin_history"] {
        let column = if table == "persons" {
            "id"
        } else {
            "person_id"
        };
        let n: i64 =
            sqlx::query_scalar(&format!("SELECT COUNT(*) FROM {table} WHERE {column} = $1"))
                .bind(&p.id)
                .fetch_one(app.store.pool())
                .await
                .unwrap_or_else(|e| panic!("{table}: {e}"));
        assert_eq!(n, 0, "{table} still holds the erased person");
    }
    let r = app
        .send(Method::GET, "/api/v1/me/session", Some(&p), None)
        .await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    let r = app
        .send(Method::GET, "/api/v1/me/session", Some(&other), None)
        .await;
    assert_eq!(r.status, StatusCode::OK);
}
