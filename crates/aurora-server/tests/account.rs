//! Accounts and sign-in against the real router: sign-up, verification, sign-in and the
//! throttle, sign-out (server-side), CSRF, e-mail change (reference flaw §8.1), no account
//! enumeration (§8.9), no open redirect (§8.8), sign-in through an OpenID Connect provider
//! that the test runs on loopback (with its denials), and no secret in the logs.

#[path = "support/twin.rs"]
mod support;

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use aurora_store::accounts::{AccountStore, EmailPurpose};
use aurora_twin::jws::{sign_compact, JwsHeader};
use aurora_twin::keys::TwinKeys;
use axum::body::Body;
use axum::http::{header, Method, Request, StatusCode};
use base64::Engine as _;
use serde_json::{json, Value};
use support::{assert_no_secret_in_logs, remember_secret, Resp, TwinApp};

const PASSWORD: &str = "kolme pientä porsasta";

async fn app() -> TwinApp {
    let mut app = TwinApp::new().await;
    let outbox = app.dir.path().join("outbox");
    app.state = app.state.clone().with_account_outbox(outbox);
    app.rebuild();
    app
}

/// A JSON POST with `Content-Type`, optionally in a session (cookie + CSRF header).
async fn post(app: &TwinApp, path: &str, body: Value, session: Option<&Session>) -> Resp {
    let mut req = Request::builder()
        .method(Method::POST)
        .uri(path)
        .header(header::CONTENT_TYPE, "application/json");
    if let Some(s) = session {
        req = req
            .header(header::COOKIE, &s.cookie)
            .header("x-csrf-token", &s.csrf);
    }
    app.request(req.body(Body::from(body.to_string())).unwrap())
        .await
}

async fn get(app: &TwinApp, path: &str, cookie: Option<&str>) -> Resp {
    let mut req = Request::builder().uri(path);
    if let Some(c) = cookie {
        req = req.header(header::COOKIE, c);
    }
    app.request(req.body(Body::empty()).unwrap()).await
}

#[derive(Debug, Clone)]
struct Session {
    cookie: String,
    csrf: String,
}

fn session_cookie(r: &Resp) -> String {
    let c = r
        .headers
        .get_all(header::SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|c| c.starts_with("aurora_session=") && !c.starts_with("aurora_session=;"))
        .unwrap_or_else(|| panic!("no session cookie in {:?}", r.headers));
    let pair = c.split(';').next().unwrap().to_string();
    remember_secret(pair.trim_start_matches("aurora_session="));
    pair
}

/// Messages in the outbox: (to, subject, decoded body), oldest first.
fn mails(app: &TwinApp) -> Vec<(String, String, String)> {
    let dir = app.dir.path().join("outbox");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .map(|d| d.filter_map(|e| e.ok()).map(|e| e.path()).collect())
        .unwrap_or_default();
    files.retain(|p| p.extension().is_some_and(|e| e == "eml"));
    files.sort_by_key(|p| std::fs::metadata(p).and_then(|m| m.modified()).ok());
    files
        .iter()
        .map(|p| {
            let text = std::fs::read_to_string(p).unwrap();
            let (head, body) = text.split_once("\r\n\r\n").unwrap();
            let field = |name: &str| {
                head.split("\r\n")
                    .find_map(|l| l.strip_prefix(name))
                    .unwrap_or("")
                    .to_string()
            };
            let body: String = body.split("\r\n").collect();
            let body = String::from_utf8(
                base64::engine::general_purpose::STANDARD
                    .decode(body)
                    .unwrap(),
            )
            .unwrap();
            (
                field("To: ").trim_matches(['<', '>']).to_string(),
                field("Subject: "),
                body,
            )
        })
        .collect()
}

fn mails_to(app: &TwinApp, to: &str) -> Vec<String> {
    mails(app)
        .into_iter()
        .filter(|(t, _, _)| t == to)
        .map(|(_, _, b)| b)
        .collect()
}

/// The token of the last link in `body`.
fn link_token(body: &str) -> String {
    let at = body.rfind("token=").expect("a link") + "token=".len();
    let t = body[at..at + 43].to_string();
    remember_secret(&t);
    t
}

async fn sign_up(app: &TwinApp, email: &str) -> Resp {
    remember_secret(PASSWORD);
    post(
        app,
        "/api/v1/account/signup",
        json!({"email": email, "password": PASSWORD, "lang": "en"}),
        None,
    )
    .await
}

async fn sign_in(app: &TwinApp, email: &str, password: &str) -> Resp {
    post(
        app,
        "/api/v1/account/signin",
        json!({"email": email, "password": password}),
        None,
    )
    .await
}

/// Signs up, verifies and signs in.
async fn account(app: &TwinApp, email: &str) -> Session {
    assert_eq!(sign_up(app, email).await.status, StatusCode::ACCEPTED);
    let body = mails_to(app, email).pop().expect("verification mail");
    let t = link_token(&body);
    let r = post(app, "/api/v1/account/verify", json!({"token": t}), None).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    let r = sign_in(app, email, PASSWORD).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    Session {
        cookie: session_cookie(&r),
        csrf: r.json()["csrf_token"].as_str().unwrap().to_string(),
    }
}

#[tokio::test]
async fn sign_up_verify_sign_in_and_sign_out_ends_the_session_server_side() {
    let app = app().await;
    let r = sign_up(&app, "Matti@Example.fi").await;
    assert_eq!(r.status, StatusCode::ACCEPTED);
    let body = mails_to(&app, "matti@example.fi").pop().expect("mail");
    assert!(body.contains("/en/account/verify?token="), "{body}");
    // Not before the address is confirmed, and only after the right password.
    let r = sign_in(&app, "matti@example.fi", PASSWORD).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let t = link_token(&body);
    let r = get(&app, &format!("/en/account/verify?token={t}"), None).await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(r.header("referrer-policy"), Some("no-referrer"));
    // The link works once.
    let r = post(&app, "/api/v1/account/verify", json!({"token": t}), None).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert_eq!(r.code(), "invalid_field");

    let r = sign_in(&app, "MATTI@example.fi ", PASSWORD).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    let set = r.header("set-cookie").unwrap().to_string();
    assert!(set.contains("HttpOnly") && set.contains("SameSite=Strict") && set.contains("Path=/"));
    let s = Session {
        cookie: session_cookie(&r),
        csrf: r.json()["csrf_token"].as_str().unwrap().to_string(),
    };
    let r = get(&app, "/api/v1/account", Some(&s.cookie)).await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(r.json()["email"], "matti@example.fi");
    assert_eq!(r.json()["email_verified"], true);

    let r = post(&app, "/api/v1/account/signout", json!({}), Some(&s)).await;
    assert_eq!(r.status, StatusCode::NO_CONTENT);
    assert!(r.header("set-cookie").unwrap().contains("Max-Age=0"));
    // The copied cookie no longer works: the session is gone from the database.
    let r = get(&app, "/api/v1/account", Some(&s.cookie)).await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    assert_no_secret_in_logs();
}

#[tokio::test]
async fn sign_out_everywhere_and_password_change_end_the_other_sessions() {
    let app = app().await;
    let a = account(&app, "a@example.fi").await;
    let r = sign_in(&app, "a@example.fi", PASSWORD).await;
    let b = Session {
        cookie: session_cookie(&r),
        csrf: r.json()["csrf_token"].as_str().unwrap().to_string(),
    };
    // Wrong current password.
    let r = post(
        &app,
        "/api/v1/account/password",
        json!({"current_password": "not the password", "new_password": "uusi salasana tähän"}),
        Some(&a),
    )
    .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    // A weak new password is refused, naming the field.
    let r = post(
        &app,
        "/api/v1/account/password",
        json!({"current_password": PASSWORD, "new_password": "short"}),
        Some(&a),
    )
    .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert_eq!(r.json()["errors"][0]["field"], "new_password");
    remember_secret("uusi salasana tähän");
    let r = post(
        &app,
        "/api/v1/account/password",
        json!({"current_password": PASSWORD, "new_password": "uusi salasana tähän"}),
        Some(&a),
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    let a2 = Session {
        cookie: session_cookie(&r),
        csrf: r.json()["csrf_token"].as_str().unwrap().to_string(),
    };
    assert_eq!(
        get(&app, "/api/v1/account", Some(&b.cookie)).await.status,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        get(&app, "/api/v1/account", Some(&a.cookie)).await.status,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        get(&app, "/api/v1/account", Some(&a2.cookie)).await.status,
        StatusCode::OK
    );
    assert_eq!(
        sign_in(&app, "a@example.fi", PASSWORD).await.status,
        StatusCode::UNAUTHORIZED
    );
    let r = sign_in(&app, "a@example.fi", "uusi salasana tähän").await;
    let c = Session {
        cookie: session_cookie(&r),
        csrf: r.json()["csrf_token"].as_str().unwrap().to_string(),
    };
    let r = post(
        &app,
        "/api/v1/account/signout-everywhere",
        json!({}),
        Some(&c),
    )
    .await;
    assert_eq!(r.status, StatusCode::NO_CONTENT);
    assert_eq!(
        get(&app, "/api/v1/account", Some(&a2.cookie)).await.status,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        get(&app, "/api/v1/account", Some(&c.cookie)).await.status,
        StatusCode::UNAUTHORIZED
    );
    assert_no_secret_in_logs();
}

/// Reference flaw §8.9: no answer tells whether an address has an account.
#[tokio::test]
async fn sign_up_and_sign_in_do_not_reveal_whether_an_account_exists() {
    let app = app().await;
    let _ = account(&app, "known@example.fi").await;
    let again = sign_up(&app, "known@example.fi").await;
    let fresh = sign_up(&app, "fresh@example.fi").await;
    assert_eq!(again.status, fresh.status);
    assert_eq!(again.body, fresh.body);
    // The owner of the known address is told; no new link is sent to it.
    let known = mails_to(&app, "known@example.fi");
    assert_eq!(known.len(), 2);
    assert!(!known[1].contains("token="), "{}", known[1]);

    let wrong = sign_in(&app, "known@example.fi", "wrong password!!").await;
    let unknown = sign_in(&app, "nobody@example.fi", "wrong password!!").await;
    assert_eq!(wrong.status, StatusCode::UNAUTHORIZED);
    assert_eq!(wrong.status, unknown.status);
    assert_eq!(wrong.body, unknown.body);
    assert_no_secret_in_logs();
}

#[tokio::test]
async fn sign_in_is_throttled_per_account_and_per_client() {
    let app = app().await;
    let _ = account(&app, "t@example.fi").await;
    for _ in 0..5 {
        let r = sign_in(&app, "t@example.fi", "wrong password!!").await;
        assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    }
    // Even the right password waits now.
    let r = sign_in(&app, "t@example.fi", PASSWORD).await;
    assert_eq!(r.status, StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(r.code(), "too_many_requests");
    let wait: i64 = r.header("retry-after").unwrap().parse().unwrap();
    assert!(wait > 800 && wait <= 900, "{wait}");

    // One client trying many addresses is stopped too; another client is not.
    let from = |ip: &'static str, email: String| {
        let app = &app;
        async move {
            let req = Request::builder()
                .method(Method::POST)
                .uri("/api/v1/account/signin")
                .header(header::CONTENT_TYPE, "application/json")
                .header("x-forwarded-for", ip)
                .body(Body::from(
                    json!({"email": email, "password": "wrong password!!"}).to_string(),
                ))
                .unwrap();
            app.request(req).await.status
        }
    };
    for i in 0..20 {
        assert_eq!(
            from("198.51.100.7", format!("u{i}@example.fi")).await,
            StatusCode::UNAUTHORIZED
        );
    }
    assert_eq!(
        from("198.51.100.7", "another@example.fi".into()).await,
        StatusCode::TOO_MANY_REQUESTS
    );
    assert_eq!(
        from("198.51.100.8", "another@example.fi".into()).await,
        StatusCode::UNAUTHORIZED
    );

    // Sign-ups send mail: at most 10 per client address in the window.
    let signup = |i: usize| {
        let app = &app;
        async move {
            let req = Request::builder()
                .method(Method::POST)
                .uri("/api/v1/account/signup")
                .header(header::CONTENT_TYPE, "application/json")
                .header("x-forwarded-for", "203.0.113.9")
                .body(Body::from(
                    json!({"email": format!("s{i}@example.fi"), "password": PASSWORD}).to_string(),
                ))
                .unwrap();
            app.request(req).await
        }
    };
    for i in 0..10 {
        assert_eq!(signup(i).await.status, StatusCode::ACCEPTED);
    }
    let r = signup(10).await;
    assert_eq!(r.status, StatusCode::TOO_MANY_REQUESTS);
    assert!(r.header("retry-after").is_some());
    assert_no_secret_in_logs();
}

#[tokio::test]
async fn state_changes_need_csrf_tokens() {
    let app = app().await;
    let s = account(&app, "c@example.fi").await;
    // API: the session cookie without X-CSRF-Token.
    let req = Request::builder()
        .method(Method::POST)
        .uri("/api/v1/account/signout")
        .header(header::COOKIE, &s.cookie)
        .body(Body::empty())
        .unwrap();
    let r = app.request(req).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert_eq!(r.code(), "csrf_failed");
    assert_eq!(
        get(&app, "/api/v1/account", Some(&s.cookie)).await.status,
        StatusCode::OK
    );
    // Pre-sign-in JSON endpoints take only declared JSON (no body-only cross-site posts).
    let req = Request::builder()
        .method(Method::POST)
        .uri("/api/v1/account/signin")
        .body(Body::from(
            json!({"email": "c@example.fi", "password": PASSWORD}).to_string(),
        ))
        .unwrap();
    assert_eq!(
        app.request(req).await.status,
        StatusCode::UNSUPPORTED_MEDIA_TYPE
    );
    // Web: the sign-in form without the double-submit cookie, and with a wrong field.
    let form = |cookie: Option<&str>, csrf: &str| {
        let mut req = Request::builder()
            .method(Method::POST)
            .uri("/fi/account/login")
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded");
        if let Some(c) = cookie {
            req = req.header(header::COOKIE, c);
        }
        req.body(Body::from(format!(
            "csrf={csrf}&email=c%40example.fi&password=kolme+pient%C3%A4+porsasta"
        )))
        .unwrap()
    };
    let good = "a".repeat(64);
    assert_eq!(
        app.request(form(None, &good)).await.status,
        StatusCode::FORBIDDEN
    );
    let cookie = format!("aurora_csrf={good}");
    assert_eq!(
        app.request(form(Some(&cookie), &"b".repeat(64)))
            .await
            .status,
        StatusCode::FORBIDDEN
    );
    let r = app.request(form(Some(&cookie), &good)).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    // Web, signed in: sign-out without the session's token is refused.
    let req = Request::builder()
        .method(Method::POST)
        .uri("/fi/account/logout")
        .header(header::COOKIE, &s.cookie)
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(Body::from("csrf=nope"))
        .unwrap();
    assert_eq!(app.request(req).await.status, StatusCode::FORBIDDEN);
    assert_eq!(
        get(&app, "/api/v1/account", Some(&s.cookie)).await.status,
        StatusCode::OK
    );
    assert_no_secret_in_logs();
}

/// Reference flaw §8.1: the e-mail change is bound to the session's own person.
#[tokio::test]
async fn another_person_cannot_move_a_victims_email() {
    let app = app().await;
    let victim = account(&app, "victim@example.fi").await;
    let attacker = account(&app, "attacker@example.fi").await;

    // The body cannot name whose account to change.
    let r = post(
        &app,
        "/api/v1/account/email",
        json!({"email": "victim@example.fi", "new_email": "evil@example.fi", "current_password": PASSWORD}),
        Some(&attacker),
    )
    .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert_eq!(r.code(), "unknown_field");
    // A wrong current password is refused.
    let r = post(
        &app,
        "/api/v1/account/email",
        json!({"new_email": "new@example.fi", "current_password": "wrong password!!"}),
        Some(&victim),
    )
    .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);

    let r = post(
        &app,
        "/api/v1/account/email",
        json!({"new_email": "new@example.fi", "current_password": PASSWORD}),
        Some(&victim),
    )
    .await;
    assert_eq!(r.status, StatusCode::ACCEPTED, "{}", r.text());
    let link = mails_to(&app, "new@example.fi")
        .pop()
        .expect("link to the new address");
    let t = link_token(&link);

    // The victim's link used in the attacker's session: refused, nothing changes.
    let r = post(
        &app,
        "/api/v1/account/email/confirm",
        json!({"token": t}),
        Some(&attacker),
    )
    .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    let me = |s: &Session| {
        let s = s.clone();
        let app = &app;
        async move { get(app, "/api/v1/account", Some(&s.cookie)).await.json()["email"].clone() }
    };
    assert_eq!(me(&attacker).await, "attacker@example.fi");
    assert_eq!(me(&victim).await, "victim@example.fi");
    // Without a session at all: 401.
    let r = post(
        &app,
        "/api/v1/account/email/confirm",
        json!({"token": t}),
        None,
    )
    .await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    // The web page sends a signed-out visitor to sign in first, back to the link.
    let r = get(&app, &format!("/fi/account/email/confirm?token={t}"), None).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert!(r
        .header("location")
        .unwrap()
        .starts_with("/fi/account/login?return=%2Ffi%2Faccount%2Femail%2Fconfirm"));

    // The victim's own session: changed, and the old address is told.
    let r = post(
        &app,
        "/api/v1/account/email/confirm",
        json!({"token": t, "lang": "en"}),
        Some(&victim),
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    assert_eq!(me(&victim).await, "new@example.fi");
    let told = mails_to(&app, "victim@example.fi");
    assert!(told.last().unwrap().contains("changed"), "{told:?}");
    // A used link fails.
    let r = post(
        &app,
        "/api/v1/account/email/confirm",
        json!({"token": t}),
        Some(&victim),
    )
    .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    // An expired link fails.
    let expired = aurora_twin::token::generate().unwrap();
    remember_secret(&expired);
    let victim_id = get(&app, "/api/v1/account", Some(&victim.cookie))
        .await
        .json()["person_id"]
        .as_str()
        .unwrap()
        .to_string();
    app.store
        .create_email_token(
            &aurora_twin::token::hash(&expired),
            &victim_id,
            EmailPurpose::Change,
            "later@example.fi",
            time::OffsetDateTime::now_utc().unix_timestamp() - 1,
        )
        .await
        .unwrap();
    let r = post(
        &app,
        "/api/v1/account/email/confirm",
        json!({"token": expired}),
        Some(&victim),
    )
    .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert_eq!(me(&victim).await, "new@example.fi");
    // A session whose sign-in is older than 10 minutes must give the current password.
    let stale = aurora_twin::token::generate().unwrap();
    remember_secret(&stale);
    let now = time::OffsetDateTime::now_utc().unix_timestamp();
    aurora_store::people::PersonStore::create_session(
        app.store.as_ref(),
        &aurora_store::people::SessionRecord {
            token_hash: aurora_twin::token::hash(&stale),
            person_id: victim_id.clone(),
            auth_method: "password".into(),
            auth_time_unix: now - 3600,
            expires_at_unix: now + 3600,
        },
    )
    .await
    .unwrap();
    let stale = Session {
        cookie: format!("aurora_session={stale}"),
        csrf: app.keys.mac_b64("session-csrf", stale.as_bytes()),
    };
    let r = post(
        &app,
        "/api/v1/account/email",
        json!({"new_email": "stale@example.fi"}),
        Some(&stale),
    )
    .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert_eq!(r.json()["errors"][0]["field"], "current_password");
    assert!(mails_to(&app, "stale@example.fi").is_empty());
    // And the victim signs in with the new address.
    assert_eq!(
        sign_in(&app, "new@example.fi", PASSWORD).await.status,
        StatusCode::OK
    );
    assert_no_secret_in_logs();
}

/// Reference flaw §8.8: return paths after sign-in stay on this site.
#[tokio::test]
async fn sign_in_never_redirects_off_the_site() {
    let app = app().await;
    let _ = account(&app, "r@example.fi").await;
    let csrf = "c".repeat(64);
    for (ret, expected) in [
        ("%2Ffi%2Fme", "/fi/me"),
        ("%2F%2Fevil.example%2F", "/fi/account"),
        ("https%3A%2F%2Fevil.example%2F", "/fi/account"),
        ("%2F%5Cevil.example", "/fi/account"),
        ("%2F%252F%2Fevil.example", "/fi/account"),
    ] {
        let req = Request::builder()
            .method(Method::POST)
            .uri("/fi/account/login")
            .header(header::COOKIE, format!("aurora_csrf={csrf}"))
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(Body::from(format!(
                "csrf={csrf}&return={ret}&email=r%40example.fi&password=kolme+pient%C3%A4+porsasta"
            )))
            .unwrap();
        let r = app.request(req).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{ret}");
        assert_eq!(r.header("location"), Some(expected), "{ret}");
        let _ = session_cookie(&r);
    }
    // The sign-in page carries only a safe return path into its form.
    let r = get(
        &app,
        "/fi/account/login?return=https%3A%2F%2Fevil.example",
        None,
    )
    .await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(!r.text().contains("evil.example"));
    assert_no_secret_in_logs();
}

#[tokio::test]
async fn pages_render_in_three_languages_with_labels() {
    let app = app().await;
    for (lang, word) in [("fi", "Salasana"), ("sv", "Lösenord"), ("en", "Password")] {
        for page in ["login", "signup"] {
            let r = get(&app, &format!("/{lang}/account/{page}"), None).await;
            assert_eq!(r.status, StatusCode::OK, "{lang} {page}");
            let html = r.text();
            assert!(html.contains(&format!("<html lang=\"{lang}\"")), "{lang}");
            assert!(html.contains(word), "{lang} {page}");
            assert!(html.contains("<label for=\""), "{lang} {page}");
            assert!(r.header("set-cookie").unwrap().starts_with("aurora_csrf="));
        }
    }
    // A bad sign-up gets an error summary linked to the field.
    let csrf = "d".repeat(64);
    let req = Request::builder()
        .method(Method::POST)
        .uri("/en/account/signup")
        .header(header::COOKIE, format!("aurora_csrf={csrf}"))
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(Body::from(format!(
            "csrf={csrf}&email=x%40example.fi&password=short"
        )))
        .unwrap();
    let r = app.request(req).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    let html = r.text();
    assert!(html.contains("class=\"error-summary\""));
    assert!(html.contains("href=\"#signup-password\""));
    assert!(html.contains("aria-invalid=\"true\""));
    // The account page needs a session.
    let r = get(&app, "/en/account", None).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);

    // Signed in: the forms carry the session's CSRF token; an error lands in its own form.
    let s = account(&app, "page@example.fi").await;
    let r = get(&app, "/sv/account", Some(&s.cookie)).await;
    assert_eq!(r.status, StatusCode::OK);
    let html = r.text();
    assert!(html.contains("page@example.fi"));
    assert!(html.contains(&format!("name=\"csrf\" value=\"{}\"", s.csrf)));
    assert!(html.contains("Byt e-postadress"));
    let req = Request::builder()
        .method(Method::POST)
        .uri("/en/account/email")
        .header(header::COOKIE, &s.cookie)
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(Body::from(format!(
            "csrf={}&new_email=other%40example.fi&current_password=wrong+password+here",
            s.csrf
        )))
        .unwrap();
    let r = app.request(req).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert!(r.text().contains("href=\"#email-current-password\""));
    // The web confirmation page of a change link shows a form, posting the token.
    let req = Request::builder()
        .method(Method::POST)
        .uri("/en/account/email")
        .header(header::COOKIE, &s.cookie)
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(Body::from(format!(
            "csrf={}&new_email=other%40example.fi",
            s.csrf
        )))
        .unwrap();
    assert_eq!(app.request(req).await.status, StatusCode::OK);
    let t = link_token(&mails_to(&app, "other@example.fi").pop().unwrap());
    let r = get(
        &app,
        &format!("/en/account/email/confirm?token={t}"),
        Some(&s.cookie),
    )
    .await;
    assert_eq!(r.status, StatusCode::OK);
    let req = Request::builder()
        .method(Method::POST)
        .uri("/en/account/email/confirm")
        .header(header::COOKIE, &s.cookie)
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(Body::from(format!("csrf={}&token={t}", s.csrf)))
        .unwrap();
    let r = app.request(req).await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.text().contains("other@example.fi"));
    assert_no_secret_in_logs();
}

// ------------------------------------------------------------------------------------------
// OpenID Connect, against a provider on loopback
// ------------------------------------------------------------------------------------------

const CLIENT_ID: &str = "aurora-test";
const CLIENT_SECRET: &str = "s3cret-client-for-tests";

#[derive(Debug, Clone, Copy, PartialEq)]
enum Mode {
    Good,
    WrongNonce,
    WrongAudience,
    Expired,
    BadSignature,
}

struct Issued {
    nonce: String,
    challenge: String,
    redirect_uri: String,
}

struct Provider {
    issuer: String,
    keys: TwinKeys,
    other: TwinKeys,
    mode: Mutex<Mode>,
    subject: Mutex<String>,
    email: Mutex<Option<(String, bool)>>,
    codes: Mutex<HashMap<String, Issued>>,
}

async fn provider() -> Arc<Provider> {
    use axum::extract::{Form, Query, State};
    use axum::response::{IntoResponse, Redirect, Response};
    use axum::routing::{get, post};

    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let issuer = format!("http://{}", listener.local_addr().unwrap());
    let p = Arc::new(Provider {
        issuer: issuer.clone(),
        keys: TwinKeys::generate().unwrap(),
        other: TwinKeys::generate().unwrap(),
        mode: Mutex::new(Mode::Good),
        subject: Mutex::new("subject-1".into()),
        email: Mutex::new(None),
        codes: Mutex::new(HashMap::new()),
    });

    async fn discovery(State(p): State<Arc<Provider>>) -> Response {
        axum::Json(json!({
            "issuer": p.issuer,
            "authorization_endpoint": format!("{}/authorize", p.issuer),
            "token_endpoint": format!("{}/token", p.issuer),
            "jwks_uri": format!("{}/jwks", p.issuer),
            "code_challenge_methods_supported": ["S256"],
            "id_token_signing_alg_values_supported": ["EdDSA"],
        }))
        .into_response()
    }
    async fn jwks(State(p): State<Arc<Provider>>) -> Response {
        axum::Json(p.keys.jwks()).into_response()
    }
    async fn authorize(
        State(p): State<Arc<Provider>>,
        Query(q): Query<HashMap<String, String>>,
    ) -> Response {
        assert_eq!(q["client_id"], CLIENT_ID);
        assert_eq!(q["code_challenge_method"], "S256");
        assert_eq!(q["response_type"], "code");
        let code = aurora_twin::token::generate().unwrap();
        remember_secret(&code);
        p.codes.lock().unwrap().insert(
            code.clone(),
            Issued {
                nonce: q["nonce"].clone(),
                challenge: q["code_challenge"].clone(),
                redirect_uri: q["redirect_uri"].clone(),
            },
        );
        Redirect::to(&format!(
            "{}?code={code}&state={}",
            q["redirect_uri"], q["state"]
        ))
        .into_response()
    }
    async fn token(
        State(p): State<Arc<Provider>>,
        headers: axum::http::HeaderMap,
        Form(f): Form<HashMap<String, String>>,
    ) -> Response {
        let basic = format!(
            "Basic {}",
            base64::engine::general_purpose::STANDARD
                .encode(format!("{CLIENT_ID}:{CLIENT_SECRET}"))
        );
        if headers.get("authorization").and_then(|v| v.to_str().ok()) != Some(basic.as_str()) {
            return (
                StatusCode::UNAUTHORIZED,
                axum::Json(json!({"error": "invalid_client"})),
            )
                .into_response();
        }
        let Some(issued) = p.codes.lock().unwrap().remove(&f["code"]) else {
            return (
                StatusCode::BAD_REQUEST,
                axum::Json(json!({"error": "invalid_grant"})),
            )
                .into_response();
        };
        if aurora_twin::oidc::pkce_challenge(&f["code_verifier"]) != issued.challenge
            || f["redirect_uri"] != issued.redirect_uri
            || f["grant_type"] != "authorization_code"
        {
            return (
                StatusCode::BAD_REQUEST,
                axum::Json(json!({"error": "invalid_grant"})),
            )
                .into_response();
        }
        let mode = *p.mode.lock().unwrap();
        let now = time::OffsetDateTime::now_utc().unix_timestamp();
        let mut claims = json!({
            "iss": p.issuer, "sub": *p.subject.lock().unwrap(), "aud": CLIENT_ID,
            "exp": now + 300, "iat": now, "nonce": issued.nonce,
        });
        if let Some((email, verified)) = p.email.lock().unwrap().clone() {
            claims["email"] = json!(email);
            claims["email_verified"] = json!(verified);
        }
        match mode {
            Mode::Good | Mode::BadSignature => {}
            Mode::WrongNonce => claims["nonce"] = json!("another-nonce"),
            Mode::WrongAudience => claims["aud"] = json!("someone-else"),
            Mode::Expired => {
                claims["exp"] = json!(now - 600);
                claims["iat"] = json!(now - 900);
            }
        }
        let signer = if mode == Mode::BadSignature {
            &p.other
        } else {
            &p.keys
        };
        let id_token = sign_compact(
            signer.signing_key(),
            &JwsHeader::eddsa(Some("JWT"), Some(p.keys.kid())),
            &serde_json::to_vec(&claims).unwrap(),
        )
        .unwrap();
        remember_secret(&id_token);
        axum::Json(json!({"access_token": "unused-access-token", "token_type": "Bearer", "id_token": id_token}))
            .into_response()
    }

    let router = axum::Router::new()
        .route("/.well-known/openid-configuration", get(discovery))
        .route("/jwks", get(jwks))
        .route("/authorize", get(authorize))
        .route("/token", post(token))
        .with_state(p.clone());
    tokio::spawn(async move {
        let _ = axum::serve(listener, router).await;
    });
    p
}

async fn oidc_app(p: &Provider) -> TwinApp {
    remember_secret(CLIENT_SECRET);
    let mut app = app().await;
    app.state = app
        .state
        .clone()
        .with_account_oidc(&p.issuer, CLIENT_ID, CLIENT_SECRET);
    app.rebuild();
    app
}

/// Starts a sign-in, lets the provider authorize it, returns the callback path.
async fn authorize(app: &TwinApp, ret: &str) -> String {
    let r = get(app, &format!("/fi/account/oidc/start?return={ret}"), None).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text());
    let to_provider = r.header("location").unwrap().to_string();
    let location = tokio::task::spawn_blocking(move || {
        let agent: ureq::Agent = ureq::Agent::config_builder()
            .max_redirects(0)
            .build()
            .into();
        let resp = agent.get(&to_provider).call().unwrap();
        resp.headers()["location"].to_str().unwrap().to_string()
    })
    .await
    .unwrap();
    let path = location
        .strip_prefix("http://127.0.0.1:8080")
        .expect("our redirect URI");
    assert!(
        path.starts_with("/fi/account/oidc/callback?code="),
        "{path}"
    );
    let state = path.rsplit("state=").next().unwrap();
    remember_secret(state);
    path.to_string()
}

#[tokio::test]
async fn openid_sign_in_creates_a_person_once_and_signs_them_in() {
    let p = provider().await;
    let app = oidc_app(&p).await;
    let login = get(&app, "/fi/account/login", None).await;
    assert!(login.text().contains("/fi/account/oidc/start"));

    let callback = authorize(&app, "%2Ffi%2Fme").await;
    let r = get(&app, &callback, None).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text());
    assert_eq!(r.header("location"), Some("/fi/me"));
    let cookie = session_cookie(&r);
    let me = get(&app, "/api/v1/me/session", Some(&cookie)).await;
    assert_eq!(me.status, StatusCode::OK);
    assert_eq!(me.json()["auth_method"], format!("oidc:{}", p.issuer));
    let first = me.json()["person_id"].clone();

    // Replayed state (the same callback again): refused.
    let r = get(&app, &callback, None).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);

    // The same subject again: the same person. An off-site return path falls back.
    let callback = authorize(&app, "https%3A%2F%2Fevil.example%2F").await;
    let r = get(&app, &callback, None).await;
    assert_eq!(r.header("location"), Some("/fi/account"));
    let again = get(&app, "/api/v1/me/session", Some(&session_cookie(&r))).await;
    assert_eq!(again.json()["person_id"], first);
    assert_no_secret_in_logs();
}

#[tokio::test]
async fn openid_id_tokens_that_fail_a_check_are_refused() {
    let p = provider().await;
    let app = oidc_app(&p).await;
    for mode in [
        Mode::WrongNonce,
        Mode::WrongAudience,
        Mode::Expired,
        Mode::BadSignature,
    ] {
        *p.mode.lock().unwrap() = mode;
        let callback = authorize(&app, "%2Ffi%2Fme").await;
        let r = get(&app, &callback, None).await;
        assert_eq!(r.status, StatusCode::UNAUTHORIZED, "{mode:?}");
        assert!(r.header("set-cookie").is_none(), "{mode:?}");
    }
    // A state that was never issued.
    let r = get(
        &app,
        &format!("/fi/account/oidc/callback?code=x&state={}", "A".repeat(43)),
        None,
    )
    .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert_no_secret_in_logs();
}

#[tokio::test]
async fn an_openid_identity_joins_a_local_account_only_after_its_password() {
    let p = provider().await;
    let app = oidc_app(&p).await;
    let local = account(&app, "both@example.fi").await;
    let local_id = get(&app, "/api/v1/account", Some(&local.cookie))
        .await
        .json()["person_id"]
        .clone();
    *p.subject.lock().unwrap() = "subject-both".into();
    *p.email.lock().unwrap() = Some(("both@example.fi".into(), true));
    let callback = authorize(&app, "%2Ffi%2Fme").await;
    let r = get(&app, &callback, None).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert!(
        r.header("set-cookie").is_none(),
        "no session before the password"
    );
    let location = r.header("location").unwrap().to_string();
    assert!(location.starts_with("/fi/account/login?"), "{location}");
    let link = location.rsplit("link=").next().unwrap().to_string();
    remember_secret(&link);
    // Signing in with the password links the identity.
    let r = post(
        &app,
        "/api/v1/account/signin",
        json!({"email": "both@example.fi", "password": PASSWORD, "link_token": link}),
        None,
    )
    .await;
    assert_eq!(r.status, StatusCode::OK);
    let callback = authorize(&app, "%2Ffi%2Fme").await;
    let r = get(&app, &callback, None).await;
    let me = get(&app, "/api/v1/me/session", Some(&session_cookie(&r))).await;
    assert_eq!(me.json()["person_id"], local_id);

    // An unverified provider address never joins an account: a new person instead.
    *p.subject.lock().unwrap() = "subject-other".into();
    *p.email.lock().unwrap() = Some(("both@example.fi".into(), false));
    let callback = authorize(&app, "%2Ffi%2Fme").await;
    let r = get(&app, &callback, None).await;
    let me = get(&app, "/api/v1/me/session", Some(&session_cookie(&r))).await;
    assert_ne!(me.json()["person_id"], local_id);
    assert_no_secret_in_logs();
}

// ------------------------------------------------------------------------------------------
// Password reset ("forgot password")
// ------------------------------------------------------------------------------------------

const NEW_PASSWORD: &str = "ein ganz neues passwort";

/// `POST /api/v1/account/password-reset`, from `ip` (`X-Forwarded-For`) when given.
async fn reset_request(app: &TwinApp, email: &str, ip: Option<&str>) -> Resp {
    let mut req = Request::builder()
        .method(Method::POST)
        .uri("/api/v1/account/password-reset")
        .header(header::CONTENT_TYPE, "application/json");
    if let Some(ip) = ip {
        req = req.header("x-forwarded-for", ip);
    }
    app.request(
        req.body(Body::from(
            json!({"email": email, "lang": "en"}).to_string(),
        ))
        .unwrap(),
    )
    .await
}

async fn reset_confirm(app: &TwinApp, token: &str, new_password: &str) -> Resp {
    post(
        app,
        "/api/v1/account/password-reset/confirm",
        json!({"token": token, "new_password": new_password}),
        None,
    )
    .await
}

/// The newest mail to `to` whose body contains `needle`; the link is sent after the answer,
/// so this waits for it (up to 5 s).
async fn wait_for_mail(app: &TwinApp, to: &str, needle: &str) -> String {
    for _ in 0..100 {
        if let Some(b) = mails_to(app, to)
            .into_iter()
            .rev()
            .find(|b| b.contains(needle))
        {
            return b;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    panic!("no mail to {to} containing {needle}");
}

fn reset_mails(app: &TwinApp, to: &str) -> usize {
    mails_to(app, to)
        .iter()
        .filter(|b| b.contains("/account/reset?token="))
        .count()
}

async fn person_id(app: &TwinApp, s: &Session) -> String {
    get(app, "/api/v1/account", Some(&s.cookie)).await.json()["person_id"]
        .as_str()
        .unwrap()
        .to_string()
}

#[tokio::test]
async fn password_reset_sets_a_new_password_once_and_ends_every_session() {
    let app = app().await;
    remember_secret(NEW_PASSWORD);
    let a = account(&app, "resetme@example.fi").await;
    let r = sign_in(&app, "resetme@example.fi", PASSWORD).await;
    let b = Session {
        cookie: session_cookie(&r),
        csrf: r.json()["csrf_token"].as_str().unwrap().to_string(),
    };
    let r = reset_request(&app, "ResetMe@Example.fi ", None).await;
    assert_eq!(r.status, StatusCode::ACCEPTED, "{}", r.text());
    assert_eq!(r.header("cache-control"), Some("no-store"));
    let body = wait_for_mail(&app, "resetme@example.fi", "/en/account/reset?token=").await;
    assert!(body.contains("30 minutes"), "{body}");
    let t = link_token(&body);

    // The page of the link: the token in a hidden field, never leaked through Referer.
    let r = get(&app, &format!("/en/account/reset?token={t}"), None).await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(r.header("referrer-policy"), Some("no-referrer"));
    assert_eq!(r.header("cache-control"), Some("no-store"));
    assert!(r
        .text()
        .contains(&format!("type=\"hidden\" name=\"token\" value=\"{t}\"")));

    // A weak new password is refused, naming the field; the link is not spent by it.
    let r = reset_confirm(&app, &t, "short").await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert_eq!(r.json()["errors"][0]["field"], "new_password");
    let r = reset_confirm(&app, &t, "ResetMe is my password").await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert_eq!(r.json()["errors"][0]["field"], "new_password");
    // A missing new password names the field too.
    let r = post(
        &app,
        "/api/v1/account/password-reset/confirm",
        json!({"token": t}),
        None,
    )
    .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert_eq!(r.json()["errors"][0]["field"], "new_password");

    let r = reset_confirm(&app, &t, NEW_PASSWORD).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    assert_eq!(r.json()["password_changed"], true);
    // Every session of the person ended.
    for s in [&a, &b] {
        assert_eq!(
            get(&app, "/api/v1/account", Some(&s.cookie)).await.status,
            StatusCode::UNAUTHORIZED
        );
    }
    // The old password stops working; the new one works.
    assert_eq!(
        sign_in(&app, "resetme@example.fi", PASSWORD).await.status,
        StatusCode::UNAUTHORIZED
    );
    let r = sign_in(&app, "resetme@example.fi", NEW_PASSWORD).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    session_cookie(&r);
    // The address is told, without any link (in Finnish: the request had no `lang`).
    let (_, subject, notice) = mails(&app)
        .into_iter()
        .rfind(|(to, _, _)| to == "resetme@example.fi")
        .unwrap();
    assert_eq!(subject, "Salasanasi vaihdettiin");
    assert!(!notice.contains("token="), "{notice}");

    // The link works once: a replay gets the same 400 as an unknown link.
    let replay = reset_confirm(&app, &t, "yet another password").await;
    assert_eq!(replay.status, StatusCode::BAD_REQUEST);
    assert_eq!(replay.code(), "invalid_field");
    assert_eq!(replay.json()["errors"][0]["field"], "token");
    let unknown = aurora_twin::token::generate().unwrap();
    remember_secret(&unknown);
    let unknown = reset_confirm(&app, &unknown, "yet another password").await;
    assert_eq!(unknown.status, replay.status);
    assert_eq!(unknown.body, replay.body);
    let r = get(&app, &format!("/en/account/reset?token={t}"), None).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert_eq!(r.header("referrer-policy"), Some("no-referrer"));
    let r = sign_in(&app, "resetme@example.fi", NEW_PASSWORD).await;
    assert_eq!(r.status, StatusCode::OK);
    session_cookie(&r);
    assert_no_secret_in_logs();
}

/// Reference flaw §8.9 for the reset: unknown, unconfirmed and confirmed addresses get the
/// same status and body in the same time class (no lookup, token or mail before the answer);
/// only the confirmed one gets a link.
#[tokio::test]
async fn password_reset_does_not_reveal_whether_an_account_exists() {
    let app = app().await;
    let _ = account(&app, "known@example.fi").await;
    assert_eq!(
        sign_up(&app, "unverified@example.fi").await.status,
        StatusCode::ACCEPTED
    );
    let addresses = [
        "nobody@example.fi",
        "unverified@example.fi",
        "known@example.fi",
    ];
    let mut bodies = Vec::new();
    let mut fastest = [u128::MAX; 3];
    for _ in 0..3 {
        for (i, email) in addresses.iter().enumerate() {
            let started = std::time::Instant::now();
            let r = reset_request(&app, email, None).await;
            fastest[i] = fastest[i].min(started.elapsed().as_micros());
            assert_eq!(r.status, StatusCode::ACCEPTED, "{email}");
            bodies.push(r.body);
        }
    }
    assert!(bodies.windows(2).all(|w| w[0] == w[1]), "identical answers");
    // The same class: none of them does work the others skip. The slack is wide because the
    // test machine is shared (CI runs test binaries in parallel); what it must catch, a
    // lookup-dependent Argon2 hash in the request path, costs hundreds of milliseconds in a
    // debug build.
    let (lo, hi) = (fastest.iter().min().unwrap(), fastest.iter().max().unwrap());
    assert!(hi - lo < 100_000 + lo * 3, "timings differ: {fastest:?} µs");

    let link = wait_for_mail(&app, "known@example.fi", "/account/reset?token=").await;
    link_token(&link);
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    assert_eq!(reset_mails(&app, "known@example.fi"), 3);
    assert_eq!(reset_mails(&app, "unverified@example.fi"), 0);
    assert!(mails_to(&app, "nobody@example.fi").is_empty());
    for b in mails_to(&app, "known@example.fi") {
        if b.contains("/account/reset?token=") {
            link_token(&b);
        }
    }
    assert_no_secret_in_logs();
}

#[tokio::test]
async fn password_reset_requests_are_throttled_per_address_and_per_client() {
    let app = app().await;
    let _ = account(&app, "t@example.fi").await;
    for _ in 0..3 {
        assert_eq!(
            reset_request(&app, "t@example.fi", Some("198.51.100.1"))
                .await
                .status,
            StatusCode::ACCEPTED
        );
    }
    // The fourth request for the address waits, from any client; other addresses do not.
    let r = reset_request(&app, "t@example.fi", Some("198.51.100.2")).await;
    assert_eq!(r.status, StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(r.code(), "too_many_requests");
    let wait: i64 = r.header("retry-after").unwrap().parse().unwrap();
    assert!(wait > 800 && wait <= 900, "{wait}");
    // The same for an address without an account (the throttle reveals nothing either).
    for _ in 0..3 {
        reset_request(&app, "none@example.fi", Some("198.51.100.3")).await;
    }
    let r = reset_request(&app, "none@example.fi", Some("198.51.100.4")).await;
    assert_eq!(r.status, StatusCode::TOO_MANY_REQUESTS);
    // One client asking for many addresses is stopped; another client is not.
    for i in 0..10 {
        assert_eq!(
            reset_request(&app, &format!("x{i}@example.fi"), Some("203.0.113.5"))
                .await
                .status,
            StatusCode::ACCEPTED
        );
    }
    assert_eq!(
        reset_request(&app, "y@example.fi", Some("203.0.113.5"))
            .await
            .status,
        StatusCode::TOO_MANY_REQUESTS
    );
    assert_eq!(
        reset_request(&app, "y@example.fi", Some("203.0.113.6"))
            .await
            .status,
        StatusCode::ACCEPTED
    );
    // Bad input names the field; the body must be declared JSON.
    let r = reset_request(&app, "not an address", Some("203.0.113.7")).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert_eq!(r.json()["errors"][0]["field"], "email");
    let req = Request::builder()
        .method(Method::POST)
        .uri("/api/v1/account/password-reset")
        .body(Body::from(json!({"email": "t@example.fi"}).to_string()))
        .unwrap();
    assert_eq!(
        app.request(req).await.status,
        StatusCode::UNSUPPORTED_MEDIA_TYPE
    );
    let req = Request::builder()
        .method(Method::POST)
        .uri("/api/v1/account/password-reset/confirm")
        .body(Body::from(
            json!({"token": "x", "new_password": NEW_PASSWORD}).to_string(),
        ))
        .unwrap();
    assert_eq!(
        app.request(req).await.status,
        StatusCode::UNSUPPORTED_MEDIA_TYPE
    );
    // Let the links of the accepted requests go out before the log check.
    wait_for_mail(&app, "t@example.fi", "/account/reset?token=").await;
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    for b in mails_to(&app, "t@example.fi") {
        if b.contains("/account/reset?token=") {
            link_token(&b);
        }
    }
    assert_no_secret_in_logs();
}

#[tokio::test]
async fn reset_links_that_are_expired_unknown_or_of_another_purpose_are_refused() {
    let app = app().await;
    let s = account(&app, "e@example.fi").await;
    let pid = person_id(&app, &s).await;
    let now = time::OffsetDateTime::now_utc().unix_timestamp();
    let mut refused = Vec::new();
    for (purpose, email, expires) in [
        (EmailPurpose::Reset, "e@example.fi", now - 1),
        (EmailPurpose::Verify, "e@example.fi", now + 600),
        (EmailPurpose::Change, "other@example.fi", now + 600),
    ] {
        let t = aurora_twin::token::generate().unwrap();
        remember_secret(&t);
        app.store
            .create_email_token(&aurora_twin::token::hash(&t), &pid, purpose, email, expires)
            .await
            .unwrap();
        let r = reset_confirm(&app, &t, NEW_PASSWORD).await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{purpose:?}");
        assert_eq!(r.json()["errors"][0]["field"], "token");
        refused.push(r.body);
        let r = get(&app, &format!("/en/account/reset?token={t}"), None).await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{purpose:?}");
    }
    let unknown = aurora_twin::token::generate().unwrap();
    remember_secret(&unknown);
    refused.push(reset_confirm(&app, &unknown, NEW_PASSWORD).await.body);
    refused.push(reset_confirm(&app, "not-a-token", NEW_PASSWORD).await.body);
    assert!(refused.windows(2).all(|w| w[0] == w[1]), "the same 400");
    // Nothing changed: the session lives and the old password works.
    assert_eq!(
        get(&app, "/api/v1/account", Some(&s.cookie)).await.status,
        StatusCode::OK
    );
    let r = sign_in(&app, "e@example.fi", PASSWORD).await;
    assert_eq!(r.status, StatusCode::OK);
    session_cookie(&r);

    // A reset link is not a verification link, and trying it as one does not spend it.
    assert_eq!(
        reset_request(&app, "e@example.fi", None).await.status,
        StatusCode::ACCEPTED
    );
    let t = link_token(&wait_for_mail(&app, "e@example.fi", "/account/reset?token=").await);
    let r = post(&app, "/api/v1/account/verify", json!({"token": t}), None).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    // Nor an e-mail change link, even in the person's own session.
    let r = post(
        &app,
        "/api/v1/account/email/confirm",
        json!({"token": t}),
        Some(&s),
    )
    .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    let r = reset_confirm(&app, &t, NEW_PASSWORD).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    assert_no_secret_in_logs();
}

#[tokio::test]
async fn password_reset_pages_work_in_three_languages_with_csrf() {
    let app = app().await;
    remember_secret(NEW_PASSWORD);
    for (lang, word) in [
        ("fi", "Unohditko salasanasi?"),
        ("sv", "Har du glömt ditt lösenord?"),
        ("en", "Forgot your password?"),
    ] {
        let r = get(&app, &format!("/{lang}/account/login"), None).await;
        let html = r.text();
        assert!(html.contains(word), "{lang}");
        assert!(html.contains(&format!("href=\"/{lang}/account/forgot\"")));
        let r = get(&app, &format!("/{lang}/account/forgot"), None).await;
        assert_eq!(r.status, StatusCode::OK, "{lang}");
        assert_eq!(r.header("referrer-policy"), Some("no-referrer"));
        assert!(r.header("set-cookie").unwrap().starts_with("aurora_csrf="));
        assert!(r.text().contains("<label for=\"forgot-email\""));
    }
    let _ = account(&app, "w@example.fi").await;
    let csrf = "e".repeat(64);
    let form = |path: &str, cookie: Option<&str>, body: String| {
        let mut req = Request::builder()
            .method(Method::POST)
            .uri(path)
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded");
        if let Some(c) = cookie {
            req = req.header(header::COOKIE, c);
        }
        req.body(Body::from(body)).unwrap()
    };
    let cookie = format!("aurora_csrf={csrf}");
    // Without the double-submit cookie, or with another token: refused, no mail.
    let r = app
        .request(form(
            "/en/account/forgot",
            None,
            format!("csrf={csrf}&email=w%40example.fi"),
        ))
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let r = app
        .request(form(
            "/en/account/forgot",
            Some(&cookie),
            format!("csrf={}&email=w%40example.fi", "f".repeat(64)),
        ))
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    assert_eq!(reset_mails(&app, "w@example.fi"), 0);
    let r = app
        .request(form(
            "/sv/account/forgot",
            Some(&cookie),
            format!("csrf={csrf}&email=w%40example.fi"),
        ))
        .await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.text().contains("Kontrollera din e-post"));
    let body = wait_for_mail(&app, "w@example.fi", "/sv/account/reset?token=").await;
    let t = link_token(&body);
    let r = get(&app, &format!("/sv/account/reset?token={t}"), None).await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(r.header("referrer-policy"), Some("no-referrer"));
    // The reset form needs the CSRF pair too.
    let r = app
        .request(form(
            "/sv/account/reset",
            None,
            format!("csrf={csrf}&token={t}&new_password=ein+ganz+neues+passwort"),
        ))
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    // A weak password: the form again, the error at its field, the token still in it.
    let r = app
        .request(form(
            "/sv/account/reset",
            Some(&cookie),
            format!("csrf={csrf}&token={t}&new_password=short"),
        ))
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    let html = r.text();
    assert!(html.contains("href=\"#reset-new-password\""), "{html}");
    assert!(html.contains(&format!("name=\"token\" value=\"{t}\"")));
    let r = app
        .request(form(
            "/sv/account/reset",
            Some(&cookie),
            format!("csrf={csrf}&token={t}&new_password=ein+ganz+neues+passwort"),
        ))
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    assert_eq!(r.header("referrer-policy"), Some("no-referrer"));
    assert!(r.text().contains("Ditt lösenord har bytts"));
    assert_eq!(
        sign_in(&app, "w@example.fi", PASSWORD).await.status,
        StatusCode::UNAUTHORIZED
    );
    let r = sign_in(&app, "w@example.fi", NEW_PASSWORD).await;
    assert_eq!(r.status, StatusCode::OK);
    session_cookie(&r);
    // Posting the used link again: the failure page.
    let r = app
        .request(form(
            "/sv/account/reset",
            Some(&cookie),
            format!("csrf={csrf}&token={t}&new_password=ein+ganz+neues+passwort"),
        ))
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert!(r.text().contains("href=\"/sv/account/forgot\""));
    assert_no_secret_in_logs();
}
