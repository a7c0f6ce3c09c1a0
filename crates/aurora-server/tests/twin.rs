//! The person's twin, the attribute registry, export and company twins over HTTP (issue 5):
//! what the person sees and changes, and every denial (anonymous, CSRF, another person's
//! company, expired or revoked mandates, invalid values), plus encryption at rest checked on
//! the SQLite file's bytes.

#[path = "support/twin.rs"]
mod support;

use aurora_store::people::PersonKind;
use axum::http::{Method, StatusCode};
use serde_json::{json, Value};
use support::{Person, TwinApp};

async fn put(app: &TwinApp, p: &Person, attr: &str, body: Value) -> support::Resp {
    app.send(
        Method::PUT,
        &format!("/api/v1/me/twin/{attr}"),
        Some(p),
        Some(&body),
    )
    .await
}

fn now() -> i64 {
    time::OffsetDateTime::now_utc().unix_timestamp()
}

/// A company with `boss` as its legal representative (operator action).
async fn company(app: &TwinApp, boss: &Person, business_id: &str) -> (String, String) {
    let (c, m) = aurora_twin::company::create_company(
        app.store.as_ref(),
        app.store.as_ref(),
        &app.keys,
        business_id,
        "Oy Testi Ab",
        &boss.id,
        now(),
    )
    .await
    .expect("create company");
    (c.id, m.id)
}

#[tokio::test]
async fn anonymous_requests_get_401_on_every_me_endpoint() {
    let app = TwinApp::new().await;
    for (method, path) in [
        (Method::GET, "/api/v1/me/twin"),
        (Method::DELETE, "/api/v1/me/twin"),
        (Method::PUT, "/api/v1/me/twin/age"),
        (Method::DELETE, "/api/v1/me/twin/age"),
        (Method::GET, "/api/v1/me/twin/history"),
        (Method::GET, "/api/v1/me/export"),
        (Method::POST, "/api/v1/me/export/encrypted"),
        (Method::GET, "/api/v1/me/companies"),
        (Method::GET, "/api/v1/me/companies/x/twin"),
        (Method::GET, "/api/v1/me/companies/x/mandates"),
    ] {
        let body = json!({"value": 1, "passphrase": "x"});
        let r = app.send(method.clone(), path, None, Some(&body)).await;
        assert_eq!(r.status, StatusCode::UNAUTHORIZED, "{method} {path}");
        assert_eq!(r.code(), "unauthenticated", "{method} {path}");
    }
}

#[tokio::test]
async fn the_registry_is_public_and_localised() {
    let app = TwinApp::new().await;
    let r = app
        .send(Method::GET, "/api/v1/attributes?lang=sv", None, None)
        .await;
    assert_eq!(r.status, StatusCode::OK);
    let v = r.json();
    let age = v["attributes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["name"] == "age")
        .unwrap()
        .clone();
    assert_eq!(age["title"], "Ålder");
    assert_eq!(age["schema"]["maximum"], 150);
    let r = app
        .send(Method::GET, "/api/v1/attributes", None, None)
        .await;
    assert_eq!(r.json()["attributes"][0]["title"]["fi"], "Ikä");
    let r = app
        .send(Method::GET, "/api/v1/attributes?lang=de", None, None)
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn the_person_sets_reads_and_deletes_their_values() {
    let app = TwinApp::new().await;
    let p = app.new_person().await;
    // §8.11: 0 and false are values.
    let r = put(&app, &p, "age", json!({"value": 0})).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    assert_eq!(r.json()["version"], 1);
    put(&app, &p, "student", json!({"value": false})).await;
    // The reference's one-element arrays are stored as plain numbers.
    let r = put(
        &app,
        &p,
        "life_situation_meters",
        json!({"value": {"family": [8], "health": 0}}),
    )
    .await;
    assert_eq!(r.json()["value"], json!({"family": 8, "health": 0}));

    let r = app
        .send(Method::GET, "/api/v1/me/twin?lang=en", Some(&p), None)
        .await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(r.header("cache-control"), Some("no-store"));
    let v = r.json();
    let values = v["values"].as_array().unwrap();
    assert_eq!(values.len(), 3);
    assert_eq!(values[0]["attribute"], "age");
    assert_eq!(values[0]["value"], 0);
    assert_eq!(values[0]["title"], "Age");
    assert_eq!(values[0]["updated_by"]["kind"], "person");
    assert_eq!(values[1]["sensitive"], true);
    assert_eq!(values[2]["value"], false);

    // A distinctive value that must never reach the logs.
    support::remember_secret("2019-03-14");
    let r = put(
        &app,
        &p,
        "life_events",
        json!({"value": [{"code": "KE1", "date": "2019-03-14"}]}),
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    app.send(
        Method::DELETE,
        "/api/v1/me/twin/life_events",
        Some(&p),
        None,
    )
    .await;

    // Optimistic concurrency.
    let r = put(&app, &p, "age", json!({"value": 30, "expected_version": 1})).await;
    assert_eq!(r.json()["version"], 2);
    let r = put(&app, &p, "age", json!({"value": 31, "expected_version": 1})).await;
    assert_eq!(r.status, StatusCode::CONFLICT);
    assert_eq!(r.code(), "conflict");

    // History, newest first.
    let r = app
        .send(
            Method::GET,
            "/api/v1/me/twin/history?limit=2",
            Some(&p),
            None,
        )
        .await;
    let h = r.json();
    assert_eq!(h["history"].as_array().unwrap().len(), 2);
    assert_eq!(h["history"][0]["value"], 30);
    let before = h["next_before"].as_i64().unwrap();
    let r = app
        .send(
            Method::GET,
            &format!("/api/v1/me/twin/history?before={before}"),
            Some(&p),
            None,
        )
        .await;
    assert_eq!(r.json()["history"].as_array().unwrap().len(), 4);

    // Delete one, then everything.
    let r = app
        .send(Method::DELETE, "/api/v1/me/twin/age", Some(&p), None)
        .await;
    assert_eq!(r.status, StatusCode::NO_CONTENT);
    let r = app
        .send(Method::DELETE, "/api/v1/me/twin/age", Some(&p), None)
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    let r = app
        .send(Method::DELETE, "/api/v1/me/twin", Some(&p), None)
        .await;
    assert_eq!(r.json()["deleted"], 2);
    let r = app
        .send(Method::GET, "/api/v1/me/twin", Some(&p), None)
        .await;
    assert!(r.json()["values"].as_array().unwrap().is_empty());
    // Deleted values are gone from the history too.
    let r = app
        .send(Method::GET, "/api/v1/me/twin/history", Some(&p), None)
        .await;
    assert!(r.json()["history"]
        .as_array()
        .unwrap()
        .iter()
        .all(|h| h.get("value").is_none()));
    support::assert_no_secret_in_logs();
}

#[tokio::test]
async fn invalid_values_get_400_naming_the_field_not_the_value() {
    let app = TwinApp::new().await;
    let p = app.new_person().await;
    let r = put(&app, &p, "age", json!({"value": 151})).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert_eq!(r.code(), "invalid_field");
    assert_eq!(r.json()["errors"][0]["field"], "value");
    assert!(!r.text().contains("151"));
    let r = put(
        &app,
        &p,
        "life_situation_meters",
        json!({"value": {"family": 11}}),
    )
    .await;
    assert_eq!(r.json()["errors"][0]["field"], "value/family");
    let r = put(&app, &p, "municipality_code", json!({"value": "998"})).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert!(!r.text().contains("998"));
    let r = put(&app, &p, "age", json!({})).await;
    assert_eq!(r.json()["errors"][0]["field"], "value");
    let r = put(&app, &p, "age", json!({"value": 3, "colour": 1})).await;
    assert_eq!(r.code(), "unknown_field");
    let r = put(
        &app,
        &p,
        "age",
        json!({"value": 3, "expected_version": "x"}),
    )
    .await;
    assert_eq!(r.json()["errors"][0]["field"], "expected_version");
    // Unknown attributes; company attributes on a person.
    let r = put(&app, &p, "shoe_size", json!({"value": 44})).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    let r = put(&app, &p, "business_id", json!({"value": "0112038-9"})).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert_eq!(r.json()["errors"][0]["field"], "attribute");
    let r = app
        .send(Method::GET, "/api/v1/me/twin", Some(&p), None)
        .await;
    assert!(r.json()["values"].as_array().unwrap().is_empty());
}

#[tokio::test]
async fn changes_without_the_csrf_token_are_refused() {
    let app = TwinApp::new().await;
    let p = app.new_person().await;
    put(&app, &p, "age", json!({"value": 40})).await;
    for (method, path, body) in [
        (
            Method::PUT,
            "/api/v1/me/twin/age",
            Some(json!({"value": 41})),
        ),
        (Method::DELETE, "/api/v1/me/twin/age", None),
        (Method::DELETE, "/api/v1/me/twin", None),
        (
            Method::POST,
            "/api/v1/me/export/encrypted",
            Some(json!({"passphrase": "long enough passphrase"})),
        ),
        (
            Method::POST,
            "/api/v1/me/companies/x/mandates",
            Some(json!({"agent_id": "x", "matters": ["twin_read"]})),
        ),
        (Method::DELETE, "/api/v1/me/companies/x/mandates/y", None),
        (
            Method::PUT,
            "/api/v1/me/companies/x/twin/size",
            Some(json!({"value": "small"})),
        ),
    ] {
        let r = app
            .send_without_csrf(method.clone(), path, &p, body.as_ref())
            .await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{method} {path}");
        assert_eq!(r.code(), "csrf_failed", "{method} {path}");
    }
    let r = app
        .send(Method::GET, "/api/v1/me/twin", Some(&p), None)
        .await;
    assert_eq!(r.json()["values"][0]["value"], 40);
}

#[tokio::test]
async fn one_person_never_sees_another_persons_twin() {
    let app = TwinApp::new().await;
    let a = app.new_person().await;
    let b = app.new_person().await;
    put(&app, &a, "age", json!({"value": 52})).await;
    let r = app
        .send(Method::GET, "/api/v1/me/twin", Some(&b), None)
        .await;
    assert!(r.json()["values"].as_array().unwrap().is_empty());
    let r = app
        .send(Method::GET, "/api/v1/me/export", Some(&b), None)
        .await;
    assert_eq!(r.json()["person"]["id"], b.id.as_str());
    assert!(!r.text().contains(&a.id));
}

#[tokio::test]
async fn values_are_not_readable_in_the_database_file() {
    let app = TwinApp::new().await;
    let p = app.new_person().await;
    // Distinctive values: a municipality code and a household with birth years.
    put(&app, &p, "municipality_code", json!({"value": "698"})).await;
    put(
        &app,
        &p,
        "household",
        json!({"value": {"adults": 2, "children": [{"birth_year": 2017}, {"birth_year": 2019}]}}),
    )
    .await;
    let r = app
        .send(Method::GET, "/api/v1/me/twin", Some(&p), None)
        .await;
    assert_eq!(r.json()["values"].as_array().unwrap().len(), 2);
    // Checkpoint the WAL so the file holds everything, then read every byte of it.
    sqlx::query("PRAGMA wal_checkpoint(TRUNCATE)")
        .execute(app.store.pool())
        .await
        .unwrap();
    let mut bytes = Vec::new();
    for entry in std::fs::read_dir(app.dir.path()).unwrap() {
        bytes.extend(std::fs::read(entry.unwrap().path()).unwrap());
    }
    let hay = String::from_utf8_lossy(&bytes);
    assert!(
        hay.contains("municipality_code"),
        "attribute names are stored in clear"
    );
    for needle in ["\"698\"", "birth_year", "2017", "\"adults\""] {
        assert!(!hay.contains(needle), "{needle} found in the database file");
    }
}

#[tokio::test]
async fn the_export_has_everything_and_the_archive_decrypts_only_with_the_passphrase() {
    let app = TwinApp::new().await;
    let p = app.new_person().await;
    put(&app, &p, "age", json!({"value": 33})).await;
    let r = app
        .send(Method::GET, "/api/v1/me/export", Some(&p), None)
        .await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r
        .header("content-disposition")
        .unwrap_or_default()
        .starts_with("attachment"));
    let doc = r.json();
    assert_eq!(doc["format"], "aurora-export");
    assert_eq!(doc["version"], 1);
    assert_eq!(doc["twin"]["values"][0]["value"], 33);
    assert_eq!(doc["twin"]["history"].as_array().unwrap().len(), 1);

    let passphrase = "correct horse battery staple";
    support::remember_secret(passphrase);
    let r = app
        .send(
            Method::POST,
            "/api/v1/me/export/encrypted",
            Some(&p),
            Some(&json!({"passphrase": passphrase})),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    assert_eq!(r.header("content-type"), Some("application/octet-stream"));
    assert_eq!(&r.body[..8], b"AURXPRT1");
    let back = aurora_twin::export::decrypt_archive(&r.body, passphrase).unwrap();
    assert_eq!(back["twin"]["values"][0]["value"], 33);
    assert!(aurora_twin::export::decrypt_archive(&r.body, "wrong horse battery staple").is_err());
    let r = app
        .send(
            Method::POST,
            "/api/v1/me/export/encrypted",
            Some(&p),
            Some(&json!({"passphrase": "short"})),
        )
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert_eq!(r.json()["errors"][0]["field"], "passphrase");
    support::assert_no_secret_in_logs();
}

#[tokio::test]
async fn a_company_twin_is_managed_under_mandates() {
    let app = TwinApp::new().await;
    let boss = app.new_person().await;
    let clerk = app.new_person().await;
    let (c, full) = company(&app, &boss, "0112038-9").await;

    let r = app
        .send(Method::GET, "/api/v1/me/companies", Some(&boss), None)
        .await;
    let v = r.json();
    assert_eq!(v["companies"][0]["id"], c.as_str());
    assert_eq!(v["companies"][0]["business_id"], "0112038-9");
    let r = app
        .send(Method::GET, "/api/v1/me/companies", Some(&clerk), None)
        .await;
    assert!(r.json()["companies"].as_array().unwrap().is_empty());

    let base = format!("/api/v1/me/companies/{c}");
    let r = app
        .send(
            Method::PUT,
            &format!("{base}/twin/industry_class"),
            Some(&boss),
            Some(&json!({"value": "62010"})),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    let r = app
        .send(
            Method::PUT,
            &format!("{base}/twin/industry_class"),
            Some(&boss),
            Some(&json!({"value": "04000"})),
        )
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    let r = app
        .send(
            Method::PUT,
            &format!("{base}/twin/age"),
            Some(&boss),
            Some(&json!({"value": 3})),
        )
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    let r = app
        .send(
            Method::GET,
            &format!("{base}/twin/history"),
            Some(&boss),
            None,
        )
        .await;
    let h = r.json();
    assert_eq!(h["history"][0]["actor"]["kind"], "agent");
    assert_eq!(h["history"][0]["actor"]["id"], boss.id.as_str());
    assert_eq!(h["history"][0]["actor"]["mandate_id"], full.as_str());

    // The clerk has no mandate: 403 everywhere.
    for (method, path) in [
        (Method::GET, format!("{base}/twin")),
        (Method::GET, format!("{base}/twin/history")),
        (Method::PUT, format!("{base}/twin/size")),
        (Method::DELETE, format!("{base}/twin/industry_class")),
        (Method::GET, format!("{base}/mandates")),
        (Method::POST, format!("{base}/mandates")),
        (Method::DELETE, format!("{base}/mandates/{full}")),
    ] {
        let body = if path.ends_with("/mandates") {
            json!({"agent_id": clerk.id, "matters": ["mandates"]})
        } else {
            json!({"value": "small"})
        };
        let r = app
            .send(method.clone(), &path, Some(&clerk), Some(&body))
            .await;
        assert_eq!(
            r.status,
            StatusCode::FORBIDDEN,
            "{method} {path}: {}",
            r.text()
        );
        assert_eq!(r.code(), "forbidden");
    }

    // The boss grants the clerk a read mandate.
    let r = app
        .send(
            Method::POST,
            &format!("{base}/mandates"),
            Some(&boss),
            Some(&json!({"agent_id": clerk.id, "matters": ["twin_read"]})),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
    let read = r.json()["id"].as_str().unwrap().to_string();
    let r = app
        .send(Method::GET, &format!("{base}/twin"), Some(&clerk), None)
        .await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.text().contains("62010"));
    let r = app
        .send(
            Method::PUT,
            &format!("{base}/twin/size"),
            Some(&clerk),
            Some(&json!({"value": "large"})),
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "wrong matter");
    // Bad mandate requests name the field.
    for (body, field) in [
        (json!({"agent_id": clerk.id, "matters": ["fly"]}), "matters"),
        (json!({"agent_id": clerk.id, "matters": []}), "matters"),
        (
            json!({"agent_id": "nobody", "matters": ["twin_read"]}),
            "agent_id",
        ),
        (
            json!({"agent_id": clerk.id, "matters": ["twin_read"], "valid_until": "yesterday"}),
            "valid_until",
        ),
    ] {
        let r = app
            .send(
                Method::POST,
                &format!("{base}/mandates"),
                Some(&boss),
                Some(&body),
            )
            .await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{body}");
        assert_eq!(r.json()["errors"][0]["field"], field, "{body}");
    }
    // Revoked: the clerk is refused at once.
    let r = app
        .send(
            Method::DELETE,
            &format!("{base}/mandates/{read}"),
            Some(&boss),
            None,
        )
        .await;
    assert_eq!(r.status, StatusCode::NO_CONTENT);
    let r = app
        .send(Method::GET, &format!("{base}/twin"), Some(&clerk), None)
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert!(r.text().contains("revoked"));
    // The last manager cannot revoke themself out.
    let r = app
        .send(
            Method::DELETE,
            &format!("{base}/mandates/{full}"),
            Some(&boss),
            None,
        )
        .await;
    assert_eq!(r.status, StatusCode::CONFLICT);
    let r = app
        .send(Method::GET, &format!("{base}/mandates"), Some(&boss), None)
        .await;
    assert_eq!(r.json()["mandates"].as_array().unwrap().len(), 2);
}

#[tokio::test]
async fn another_persons_company_and_expired_mandates_are_403() {
    let app = TwinApp::new().await;
    let boss = app.new_person().await;
    let other = app.new_person().await;
    let (c, _) = company(&app, &boss, "0112038-9").await;
    let (c2, _) = company(&app, &other, "1572860-0").await;
    // Neither reaches the other's company; a made-up id is the same 403.
    for path in [
        format!("/api/v1/me/companies/{c2}/twin"),
        "/api/v1/me/companies/00000000-0000-4000-8000-000000000000/twin".to_string(),
    ] {
        let r = app.send(Method::GET, &path, Some(&boss), None).await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{path}");
    }
    let r = app
        .send(
            Method::GET,
            &format!("/api/v1/me/companies/{c}/twin"),
            Some(&other),
            None,
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    // A mandate that has ended.
    let clerk = app.new_person().await;
    let mut m = aurora_store::twin::MandateRecord {
        id: "expired-1".into(),
        company_id: c.clone(),
        agent_id: clerk.id.clone(),
        matters: vec!["twin_read".into()],
        valid_from: now() - 7200,
        valid_until: Some(now() - 3600),
        granted_by: boss.id.clone(),
        granted_under: None,
        created_at: "2026-01-01T00:00:00Z".into(),
        revoked_at: None,
        revoked_by: None,
        revoked_under: None,
    };
    aurora_store::twin::TwinStore::create_mandate(app.store.as_ref(), &m)
        .await
        .unwrap();
    let r = app
        .send(
            Method::GET,
            &format!("/api/v1/me/companies/{c}/twin"),
            Some(&clerk),
            None,
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert!(r.text().contains("expired"));
    // One that has not started.
    m.id = "future-1".into();
    m.valid_from = now() + 3600;
    m.valid_until = None;
    aurora_store::twin::TwinStore::create_mandate(app.store.as_ref(), &m)
        .await
        .unwrap();
    let r = app
        .send(
            Method::GET,
            &format!("/api/v1/me/companies/{c}/twin"),
            Some(&clerk),
            None,
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    // A company cannot sign in as a person to act on itself either: it holds no mandate.
    let kind = aurora_store::people::PersonStore::person(app.store.as_ref(), &c)
        .await
        .unwrap()
        .unwrap()
        .kind;
    assert_eq!(kind, PersonKind::Company);
}

/// Reference flaws §8.11 and §8.12: `0` and `false` were dropped as "missing", and writes were
/// acknowledged before they were committed. Here a value acknowledged with 200 is in the
/// database (read through a second store on the same file), falsy values included.
#[tokio::test]
async fn reference_8_11_and_8_12_acknowledged_falsy_values_are_committed() {
    let app = TwinApp::new().await;
    let p = app.new_person().await;
    for (attr, value) in [("age", json!(0)), ("student", json!(false))] {
        let r = put(&app, &p, attr, json!({ "value": value })).await;
        assert_eq!(r.status, StatusCode::OK);
    }
    let url = format!("sqlite://{}", app.dir.path().join("aurora.db").display());
    let other = aurora_store::SqlStore::open(&url).await.unwrap();
    let read = aurora_twin::twin::read_values(
        &other,
        &other,
        &app.keys,
        &p.id,
        &["age", "student", "language"],
    )
    .await
    .unwrap();
    assert_eq!(read.get("age"), Some(&json!(0)));
    assert_eq!(read.get("student"), Some(&json!(false)));
    assert!(!read.contains_key("language"));
}
