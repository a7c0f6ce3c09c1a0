//! The person's own web pages (`/{lang}/me…`) through the router: every page in fi, sv and
//! en, the sign-in redirect, CSRF on every form (nothing changes without the session's
//! token), the edit, delete, withdraw, mandate, export and erasure flows, and the denials
//! (another person's company, a read-only mandate, another person's consent). The Chromium +
//! axe-core walk through the same pages is `me_pages/browser.rs`.

#[path = "support/twin.rs"]
mod support;

#[path = "support/browser.rs"]
mod browser_support;

#[path = "me_pages/browser.rs"]
mod browser;

use aurora_store::consent::ConsentStore;
use aurora_store::oauth::{OAuthClient, OAuthStore};
use aurora_store::people::PersonStore;
use aurora_twin::company::{self, Matter, NewMandate};
use aurora_twin::registry::AttributeRegistry;
use aurora_twin::twin::{Actor, Twin};
use axum::body::Body;
use axum::http::{header, Method, Request, StatusCode};
use serde_json::{json, Value};
use support::{remember_secret, Person, Resp, TwinApp};
use time::OffsetDateTime;

pub const LANGS: [&str; 3] = ["fi", "sv", "en"];
pub const BUSINESS_ID: &str = "1234567-1";

pub async fn get(app: &TwinApp, path: &str, person: Option<&Person>) -> Resp {
    let mut req = Request::builder().uri(path);
    if let Some(p) = person {
        req = req.header(header::COOKIE, &p.cookie);
    }
    app.request(req.body(Body::empty()).unwrap()).await
}

/// Posts a form with the person's cookie; `csrf` is added as the `csrf` field when given.
pub async fn post(
    app: &TwinApp,
    path: &str,
    person: Option<&Person>,
    csrf: Option<&str>,
    fields: &[(&str, &str)],
) -> Resp {
    let mut body = form_urlencoded::Serializer::new(String::new());
    if let Some(c) = csrf {
        body.append_pair("csrf", c);
    }
    for (k, v) in fields {
        body.append_pair(k, v);
    }
    let mut req = Request::builder()
        .method(Method::POST)
        .uri(path)
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded");
    if let Some(p) = person {
        req = req.header(header::COOKIE, &p.cookie);
    }
    app.request(req.body(Body::from(body.finish())).unwrap())
        .await
}

/// A post as the signed-in person would send it (the session's CSRF token).
pub async fn submit(app: &TwinApp, path: &str, p: &Person, fields: &[(&str, &str)]) -> Resp {
    post(app, path, Some(p), Some(&p.csrf), fields).await
}

pub fn twin(app: &TwinApp) -> Twin<'_> {
    Twin::new(
        app.store.as_ref(),
        app.store.as_ref(),
        &app.keys,
        AttributeRegistry::bundled(),
    )
}

pub async fn values(app: &TwinApp, id: &str) -> Value {
    let mut out = serde_json::Map::new();
    for v in twin(app).values(id).await.unwrap() {
        out.insert(v.attribute, v.value);
    }
    Value::Object(out)
}

pub async fn set(app: &TwinApp, id: &str, attribute: &str, value: Value) {
    twin(app)
        .set(id, attribute, &value, None, &Actor::Person(id.into()))
        .await
        .unwrap();
}

/// A company represented by `p` (a full mandate).
pub async fn company_of(app: &TwinApp, p: &Person) -> String {
    let now = OffsetDateTime::now_utc().unix_timestamp();
    let (c, _) = company::create_company(
        app.store.as_ref(),
        app.store.as_ref(),
        &app.keys,
        BUSINESS_ID,
        "Testi Oy",
        &p.id,
        now,
    )
    .await
    .unwrap();
    c.id
}

pub async fn mandate(app: &TwinApp, by: &Person, company: &str, to: &Person, matters: &[Matter]) {
    let now = OffsetDateTime::now_utc().unix_timestamp();
    company::grant(
        app.store.as_ref(),
        app.store.as_ref(),
        &by.id,
        company,
        &NewMandate {
            agent_id: &to.id,
            matters,
            valid_from: None,
            valid_until: None,
        },
        now,
    )
    .await
    .unwrap();
}

/// A member service that may receive age and municipality for guidance.
pub async fn service(app: &TwinApp) {
    let secret = "secret-of-the-pages-service-0123456789";
    remember_secret(secret);
    let client = OAuthClient {
        id: "svc-pages".into(),
        name_fi: "Asumisneuvonta".into(),
        name_sv: "Boenderådgivning".into(),
        name_en: "Housing advice".into(),
        organisation: "Testikaupunki".into(),
        redirect_uris: vec!["https://svc.example/cb".into()],
        allowed_scopes: vec!["openid".into(), "age".into(), "municipality_code".into()],
        handover_attributes: vec![],
        handover_url: None,
        allowed_purposes: vec!["guidance".into()],
        deletion_callback_url: None,
        pairwise_sector: "svc-pages".into(),
        disabled: false,
        created_at: "2026-01-01T00:00:00Z".into(),
    };
    OAuthStore::create_oauth_client(app.store.as_ref(), &client, secret)
        .await
        .unwrap();
}

/// Gives consent through the API; the consent's id.
pub async fn consent(app: &TwinApp, p: &Person) -> String {
    let until = (OffsetDateTime::now_utc() + time::Duration::days(30))
        .format(&time::format_description::well_known::Rfc3339)
        .unwrap();
    let r = app
        .send(
            Method::POST,
            "/api/v1/me/consents",
            Some(p),
            Some(&json!({
                "recipient": {"kind": "service", "id": "svc-pages"},
                "purpose": "guidance",
                "attributes": ["age", "municipality_code"],
                "valid_until": until,
                "lang": "fi",
            })),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
    r.json()["id"].as_str().unwrap().to_string()
}

fn assert_page(r: &Resp, lang: &str, what: &str) {
    assert_eq!(r.status, StatusCode::OK, "{what}: {}", r.text());
    let html = r.text();
    assert!(
        html.contains(&format!("<html lang=\"{lang}\">")),
        "{what}: no lang attribute"
    );
    assert_eq!(r.header("content-language"), Some(lang), "{what}");
    assert_eq!(r.header("cache-control"), Some("no-store"), "{what}");
    assert_eq!(html.matches("<h1").count(), 1, "{what}: one h1");
    assert!(html.contains("class=\"me-nav\""), "{what}: navigation");
    assert!(html.contains("/me/sign-out"), "{what}: sign-out form");
}

#[tokio::test]
async fn every_page_renders_in_fi_sv_and_en() {
    let app = TwinApp::new().await;
    let p = app.new_person().await;
    service(&app).await;
    set(&app, &p.id, "age", json!(41)).await;
    set(
        &app,
        &p.id,
        "life_events",
        json!([{"code": "KE1", "date": "2026-03-05"}]),
    )
    .await;
    set(&app, &p.id, "life_situation_meters", json!({"family": 8})).await;
    let c = company_of(&app, &p).await;
    let cid = consent(&app, &p).await;
    for lang in LANGS {
        for path in [
            format!("/{lang}/me"),
            format!("/{lang}/me/companies/{c}"),
            format!("/{lang}/me/consents"),
            format!("/{lang}/me/consents/{cid}/receipt"),
            format!("/{lang}/me/consents/{cid}/withdraw"),
            format!("/{lang}/me/access-log"),
            format!("/{lang}/me/export"),
            format!("/{lang}/me/delete"),
        ] {
            let r = get(&app, &path, Some(&p)).await;
            assert_page(&r, lang, &path);
        }
    }
    // Names from the registry and readable values, in the page language.
    let fi = get(&app, "/fi/me", Some(&p)).await.text();
    assert!(
        fi.contains("Ikä") && fi.contains("41 vuotta"),
        "age in Finnish"
    );
    assert!(fi.contains("Perhe</dt><dd>8 / 10"), "a 3X10D meter by name");
    assert!(
        fi.contains("5.3.2026</dt><dd>Lapsen saaminen"),
        "a life event with its date"
    );
    let en = get(&app, "/en/me", Some(&p)).await.text();
    assert!(en.contains("Age") && en.contains("41 years"));
    assert!(en.contains("Testi Oy"), "the company I may act for");
    let sv = get(&app, "/sv/me/consents", Some(&p)).await.text();
    assert!(
        sv.contains("Boenderådgivning") && sv.contains("Ålder"),
        "{sv}"
    );
    let receipt = get(&app, &format!("/en/me/consents/{cid}/receipt"), Some(&p))
        .await
        .text();
    assert!(
        receipt.contains("The signature is valid"),
        "receipt verified"
    );
    assert!(receipt.contains("KI-CR-v1.1.0"), "Kantara fields shown");
    let jws = get(
        &app,
        &format!("/en/me/consents/{cid}/receipt.jws"),
        Some(&p),
    )
    .await;
    assert_eq!(jws.status, StatusCode::OK);
    assert_eq!(jws.header("content-type"), Some("application/jose"));
    assert!(jws
        .header("content-disposition")
        .unwrap_or_default()
        .starts_with("attachment"));
    assert_eq!(jws.text().split('.').count(), 3, "a compact JWS");
}

#[tokio::test]
async fn anonymous_visitors_are_sent_to_sign_in_with_a_relative_return_path() {
    let app = TwinApp::new().await;
    let p = app.new_person().await;
    let c = company_of(&app, &p).await;
    for lang in LANGS {
        for path in [
            "me".to_string(),
            format!("me/companies/{c}"),
            "me/consents".into(),
            "me/access-log".into(),
            "me/export".into(),
            "me/delete".into(),
        ] {
            let r = get(&app, &format!("/{lang}/{path}"), None).await;
            assert_eq!(r.status, StatusCode::SEE_OTHER, "{path}");
            let back: String = form_urlencoded::Serializer::new(String::new())
                .append_pair("return", &format!("/{lang}/{path}"))
                .finish();
            assert_eq!(
                r.header("location"),
                Some(format!("/{lang}/account/login?{back}").as_str()),
                "{path}"
            );
        }
        // A post without a session changes nothing and goes to sign-in too.
        let r = post(
            &app,
            &format!("/{lang}/me/twin/age"),
            None,
            Some(&p.csrf),
            &[("value", "3")],
        )
        .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER);
        assert!(r
            .header("location")
            .unwrap()
            .starts_with(&format!("/{lang}/account/login?")));
    }
    assert_eq!(values(&app, &p.id).await, json!({}));
    // An unknown language is not a page.
    let r = get(&app, "/de/me", Some(&p)).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn forms_without_or_with_a_wrong_csrf_field_are_refused_and_change_nothing() {
    let app = TwinApp::new().await;
    let p = app.new_person().await;
    let other = app.session_for(&p.id).await; // the same person's other session
    service(&app).await;
    set(&app, &p.id, "age", json!(41)).await;
    let c = company_of(&app, &p).await;
    let cid = consent(&app, &p).await;
    let forms: Vec<(String, Vec<(&str, &str)>)> = vec![
        (
            "/fi/me/twin/age".into(),
            vec![("value", "50"), ("version", "1")],
        ),
        ("/fi/me/twin/age/delete".into(), vec![("version", "1")]),
        ("/fi/me/twin/delete-all".into(), vec![("confirm", "yes")]),
        (
            format!("/fi/me/companies/{c}/twin/size"),
            vec![("value", "small"), ("version", "0")],
        ),
        (
            format!("/fi/me/companies/{c}/mandates"),
            vec![("agent_id", &p.id), ("matters", "twin_read")],
        ),
        (format!("/fi/me/consents/{cid}/withdraw"), vec![]),
        (
            "/fi/me/export/encrypted".into(),
            vec![
                ("passphrase", "a long passphrase"),
                ("passphrase_confirm", "a long passphrase"),
            ],
        ),
        ("/fi/me/delete".into(), vec![("confirm", "yes")]),
        ("/fi/me/sign-out".into(), vec![]),
    ];
    for (path, fields) in &forms {
        for csrf in [None, Some(""), Some(other.csrf.as_str()), Some("x")] {
            let r = post(&app, path, Some(&p), csrf, fields).await;
            assert_eq!(
                r.status,
                StatusCode::FORBIDDEN,
                "{path} with {csrf:?}: {}",
                r.text()
            );
            assert!(
                r.text().contains("<html lang=\"fi\">"),
                "a page, in Finnish"
            );
            assert!(r.header("set-cookie").is_none(), "{path}: no cookie change");
        }
    }
    // Nothing changed: the value, the company, the mandates, the consent, the session.
    assert_eq!(values(&app, &p.id).await, json!({"age": 41}));
    assert_eq!(
        values(&app, &c).await,
        json!({"business_id": BUSINESS_ID}),
        "company twin untouched"
    );
    let mandates = aurora_store::twin::TwinStore::mandates_of_company(app.store.as_ref(), &c)
        .await
        .unwrap();
    assert_eq!(mandates.len(), 1, "no mandate granted");
    let record = ConsentStore::consent(app.store.as_ref(), &p.id, &cid)
        .await
        .unwrap()
        .unwrap();
    assert!(record.withdrawn_at.is_none(), "consent not withdrawn");
    assert!(PersonStore::person(app.store.as_ref(), &p.id)
        .await
        .unwrap()
        .is_some());
    assert_eq!(
        get(&app, "/fi/me", Some(&p)).await.status,
        StatusCode::OK,
        "still signed in"
    );
}

#[tokio::test]
async fn editing_values_through_the_forms_changes_them_and_the_history_shows_it() {
    let app = TwinApp::new().await;
    let p = app.new_person().await;
    let r = submit(
        &app,
        "/en/me/twin/age",
        &p,
        &[("value", "34"), ("version", "0")],
    )
    .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text());
    assert_eq!(r.header("location"), Some("/en/me?saved=age#attr-age"));
    let r = submit(
        &app,
        "/en/me/twin/life_situation_meters",
        &p,
        &[
            ("m_family", "8"),
            ("m_health", "0"),
            ("m_housing", ""),
            ("version", "0"),
        ],
    )
    .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text());
    let r = submit(
        &app,
        "/en/me/twin/life_events",
        &p,
        &[
            ("rows", "2"),
            ("ev_code_0", "KE1"),
            ("ev_date_0", "2026-03-05"),
            ("ev_code_1", ""),
            ("ev_date_1", ""),
            ("version", "0"),
        ],
    )
    .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text());
    let r = submit(
        &app,
        "/en/me/twin/household",
        &p,
        &[
            ("adults", "2"),
            ("children", "2015, 2019"),
            ("version", "0"),
        ],
    )
    .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text());
    for (attr, value) in [
        ("student", "yes"),
        ("employment_status", "student"),
        ("municipality_code", "091"),
        ("language", "sv"),
    ] {
        let r = submit(
            &app,
            &format!("/en/me/twin/{attr}"),
            &p,
            &[("value", value), ("version", "0")],
        )
        .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{attr}: {}", r.text());
    }
    assert_eq!(
        values(&app, &p.id).await,
        json!({
            "age": 34,
            "employment_status": "student",
            "household": {"adults": 2, "children": [{"birth_year": 2015}, {"birth_year": 2019}]},
            "language": "sv",
            "life_events": [{"code": "KE1", "date": "2026-03-05"}],
            "life_situation_meters": {"family": 8, "health": 0},
            "municipality_code": "091",
            "student": true,
        })
    );
    // A change of a value carries its version.
    let r = submit(
        &app,
        "/en/me/twin/age",
        &p,
        &[("value", "35"), ("version", "1")],
    )
    .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text());
    let page = get(&app, "/en/me?saved=age", Some(&p)).await.text();
    assert!(page.contains("35 years"));
    assert!(page.contains("role=\"status\">Saved."), "the saved notice");
    assert!(page.contains("Helsinki (091)"));
    assert!(page.contains("2 children, born 2015, 2019"));
    // The history: newest first, who and which attribute, the value shown to the owner.
    let history = &page[page.find("id=\"history\"").unwrap()..];
    let first_row = &history[history.find("<tbody>").unwrap()..];
    assert!(
        first_row.contains(">Age</th><td>Saved</td><td>35 years</td><td>You</td>"),
        "{first_row:.400}"
    );
}

#[tokio::test]
async fn bad_values_are_shown_next_to_their_field_and_nothing_is_stored() {
    let app = TwinApp::new().await;
    let p = app.new_person().await;
    let r = submit(
        &app,
        "/fi/me/twin/age",
        &p,
        &[("value", "kolme"), ("version", "0")],
    )
    .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    let html = r.text();
    assert!(html.contains("class=\"error-summary\""), "an error summary");
    assert!(
        html.contains("<a href=\"#attr-age-value\">Anna kokonaisluku väliltä 0–150.</a>"),
        "linked to the field"
    );
    assert!(html.contains("id=\"attr-age-value-error\""));
    assert!(html.contains("aria-invalid=\"true\""));
    assert!(html.contains("value=\"kolme\""), "the input is kept");
    assert!(
        html.contains("<details class=\"attr-edit\" open>"),
        "the form is open"
    );
    // The engine's own validation (an unknown municipality), next to the field too.
    let r = submit(
        &app,
        "/fi/me/twin/municipality_code",
        &p,
        &[("value", "999"), ("version", "0")],
    )
    .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert!(r.text().contains("href=\"#attr-municipality-code-value\""));
    // A date that does not exist, on its row.
    let r = submit(
        &app,
        "/en/me/twin/life_events",
        &p,
        &[
            ("rows", "1"),
            ("ev_code_0", "KE1"),
            ("ev_date_0", "2026-02-30"),
            ("version", "0"),
        ],
    )
    .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert!(r.text().contains("href=\"#attr-life-events-ev-date-0\""));
    // An attribute of companies only, or none at all.
    let r = submit(&app, "/en/me/twin/size", &p, &[("value", "micro")]).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    assert_eq!(values(&app, &p.id).await, json!({}));
}

#[tokio::test]
async fn a_stale_form_is_refused_instead_of_overwriting_a_newer_value() {
    let app = TwinApp::new().await;
    let p = app.new_person().await;
    set(&app, &p.id, "age", json!(41)).await;
    set(&app, &p.id, "age", json!(42)).await; // version 2, made elsewhere
    let r = submit(
        &app,
        "/en/me/twin/age",
        &p,
        &[("value", "50"), ("version", "1")],
    )
    .await;
    assert_eq!(r.status, StatusCode::CONFLICT);
    assert!(r.text().contains("changed meanwhile"));
    let r = submit(&app, "/en/me/twin/age/delete", &p, &[("version", "1")]).await;
    assert_eq!(r.status, StatusCode::CONFLICT);
    assert_eq!(values(&app, &p.id).await, json!({"age": 42}));
}

#[tokio::test]
async fn deleting_one_value_and_all_values() {
    let app = TwinApp::new().await;
    let p = app.new_person().await;
    set(&app, &p.id, "age", json!(41)).await;
    set(&app, &p.id, "student", json!(false)).await;
    set(&app, &p.id, "language", json!("fi")).await;
    let r = submit(&app, "/sv/me/twin/student/delete", &p, &[("version", "1")]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(
        values(&app, &p.id).await,
        json!({"age": 41, "language": "fi"})
    );
    // Deleting everything needs the confirmation box.
    let r = submit(&app, "/sv/me/twin/delete-all", &p, &[]).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert!(r.text().contains("href=\"#delete-all-confirm\""));
    assert_eq!(
        values(&app, &p.id).await,
        json!({"age": 41, "language": "fi"})
    );
    let r = submit(&app, "/sv/me/twin/delete-all", &p, &[("confirm", "yes")]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(r.header("location"), Some("/sv/me?cleared=2"));
    assert_eq!(values(&app, &p.id).await, json!({}));
    let page = get(&app, "/sv/me?cleared=2", Some(&p)).await.text();
    assert!(page.contains("2 värden raderades."));
}

#[tokio::test]
async fn another_persons_company_is_denied_and_a_read_only_mandate_cannot_write() {
    let app = TwinApp::new().await;
    let owner = app.new_person().await;
    let stranger = app.new_person().await;
    let reader = app.new_person().await;
    let c = company_of(&app, &owner).await;
    mandate(&app, &owner, &c, &reader, &[Matter::TwinRead]).await;
    // A stranger: the denial page for the company and for an unknown id alike.
    for path in [
        format!("/en/me/companies/{c}"),
        "/en/me/companies/no-such-company".into(),
    ] {
        let r = get(&app, &path, Some(&stranger)).await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{path}");
        let html = r.text();
        assert!(html.contains("You have no mandate to act for this company."));
        assert!(
            !html.contains("Testi Oy"),
            "nothing of the company is shown"
        );
    }
    for (path, fields) in [
        (
            format!("/en/me/companies/{c}/twin/size"),
            vec![("value", "small"), ("version", "0")],
        ),
        (
            format!("/en/me/companies/{c}/twin/size"),
            vec![("value", "nonsense")],
        ),
        (
            format!("/en/me/companies/{c}/twin/business_id/delete"),
            vec![],
        ),
        (
            format!("/en/me/companies/{c}/mandates"),
            vec![("agent_id", stranger.id.as_str()), ("matters", "mandates")],
        ),
        (format!("/en/me/companies/{c}/mandates"), vec![]),
    ] {
        let r = submit(&app, &path, &stranger, &fields).await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{path}: {}", r.text());
        let r = submit(&app, &path, &reader, &fields).await;
        assert_eq!(
            r.status,
            StatusCode::FORBIDDEN,
            "{path} (read-only): {}",
            r.text()
        );
        assert!(r.text().contains("does not cover this matter"));
    }
    // The reader sees the twin but no edit forms and no mandates.
    let r = get(&app, &format!("/en/me/companies/{c}"), Some(&reader)).await;
    assert_eq!(r.status, StatusCode::OK);
    let html = r.text();
    assert!(html.contains("Testi Oy") && html.contains(BUSINESS_ID));
    assert!(!html.contains("/twin/size\""), "no edit form");
    assert!(!html.contains("Grant a mandate"));
    // Nothing changed.
    assert_eq!(values(&app, &c).await, json!({"business_id": BUSINESS_ID}));
    let mandates = aurora_store::twin::TwinStore::mandates_of_company(app.store.as_ref(), &c)
        .await
        .unwrap();
    assert_eq!(mandates.len(), 2);
}

#[tokio::test]
async fn a_representative_edits_the_company_and_grants_and_revokes_mandates() {
    let app = TwinApp::new().await;
    let owner = app.new_person().await;
    let helper = app.new_person().await;
    let c = company_of(&app, &owner).await;
    let base = format!("/fi/me/companies/{c}");
    let r = submit(
        &app,
        &format!("{base}/twin/size"),
        &owner,
        &[("value", "small"), ("version", "0")],
    )
    .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text());
    let r = submit(
        &app,
        &format!("{base}/twin/business_events"),
        &owner,
        &[
            ("rows", "1"),
            ("ev_code_0", "first_employee"),
            ("ev_date_0", "2026-01-15"),
            ("version", "0"),
        ],
    )
    .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text());
    assert_eq!(
        values(&app, &c).await,
        json!({
            "business_events": [{"code": "first_employee", "date": "2026-01-15"}],
            "business_id": BUSINESS_ID,
            "size": "small",
        })
    );
    let page = get(&app, &base, Some(&owner)).await.text();
    assert!(page.contains("Pieni (10–49 työntekijää)"));
    assert!(
        page.contains("Sinä valtuutuksella"),
        "history says who acted under a mandate"
    );
    // Grant: errors by field first.
    let r = submit(
        &app,
        &format!("{base}/mandates"),
        &owner,
        &[("agent_id", "nobody"), ("valid_until", "2001-01-01")],
    )
    .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    let html = r.text();
    assert!(html.contains("href=\"#grant-matter-twin_read\""));
    assert!(html.contains("href=\"#grant-valid-until\""));
    let r = submit(
        &app,
        &format!("{base}/mandates"),
        &owner,
        &[("agent_id", "nobody"), ("matters", "twin_read")],
    )
    .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert!(r.text().contains("href=\"#grant-agent\""));
    let r = submit(
        &app,
        &format!("{base}/mandates"),
        &owner,
        &[
            ("agent_id", &helper.id),
            ("matters", "twin_read"),
            ("matters", "twin_write"),
            ("valid_until", "2099-12-31"),
        ],
    )
    .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text());
    let r = get(&app, &base, Some(&helper)).await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.text().contains("/twin/size\""), "the helper may edit");
    // Revoke it; the helper is denied at once.
    let mandates = aurora_store::twin::TwinStore::mandates_of_company(app.store.as_ref(), &c)
        .await
        .unwrap();
    let m = mandates.iter().find(|m| m.agent_id == helper.id).unwrap();
    let r = submit(
        &app,
        &format!("{base}/mandates/{}/revoke", m.id),
        &owner,
        &[],
    )
    .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let r = get(&app, &base, Some(&helper)).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert!(r.text().contains("peruttu"));
    // The last manager cannot revoke their own mandate.
    let mine = mandates.iter().find(|m| m.agent_id == owner.id).unwrap();
    let r = submit(
        &app,
        &format!("{base}/mandates/{}/revoke", mine.id),
        &owner,
        &[],
    )
    .await;
    assert_eq!(r.status, StatusCode::CONFLICT);
}

#[tokio::test]
async fn withdrawing_a_consent_through_the_page_withdraws_it() {
    let app = TwinApp::new().await;
    let p = app.new_person().await;
    let stranger = app.new_person().await;
    service(&app).await;
    let cid = consent(&app, &p).await;
    // Another person's consent is "not found", and cannot be withdrawn.
    for path in [
        format!("/en/me/consents/{cid}/receipt"),
        format!("/en/me/consents/{cid}/withdraw"),
        format!("/en/me/consents/{cid}/receipt.jws"),
    ] {
        let r = get(&app, &path, Some(&stranger)).await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "{path}");
    }
    let r = submit(
        &app,
        &format!("/en/me/consents/{cid}/withdraw"),
        &stranger,
        &[],
    )
    .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    // The confirmation page, then the post.
    let page = get(&app, &format!("/en/me/consents/{cid}/withdraw"), Some(&p))
        .await
        .text();
    assert!(page.contains("You are withdrawing this consent") && page.contains("Housing advice"));
    let r = submit(&app, &format!("/en/me/consents/{cid}/withdraw"), &p, &[]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(
        r.header("location"),
        Some(format!("/en/me/consents?withdrawn={cid}").as_str())
    );
    let record = ConsentStore::consent(app.store.as_ref(), &p.id, &cid)
        .await
        .unwrap()
        .unwrap();
    assert!(record.withdrawn_at.is_some());
    let list = get(&app, &format!("/en/me/consents?withdrawn={cid}"), Some(&p))
        .await
        .text();
    assert!(list.contains("Consent withdrawn: Housing advice"));
    assert!(list.contains("No consents in force."));
    assert!(
        list.contains("<td>Withdrawn ("),
        "listed among the past ones"
    );
    // A withdrawn consent has no withdrawal page any more.
    let r = get(&app, &format!("/en/me/consents/{cid}/withdraw"), Some(&p)).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
}

#[tokio::test]
async fn the_access_log_lists_reads_newest_first_in_pages() {
    let app = TwinApp::new().await;
    let p = app.new_person().await;
    service(&app).await;
    set(&app, &p.id, "age", json!(41)).await;
    consent(&app, &p).await;
    let reader = aurora_twin::consent::Recipient {
        kind: aurora_twin::consent::RecipientKind::Service,
        id: "svc-pages".into(),
        names: aurora_twin::consent::Names {
            fi: "Asumisneuvonta".into(),
            sv: "Boenderådgivning".into(),
            en: "Housing advice".into(),
        },
        allowed_attributes: ["age".to_string()].into_iter().collect(),
        allowed_purposes: ["guidance".to_string()].into_iter().collect(),
        handover: None,
    };
    for _ in 0..30 {
        aurora_twin::access::read(
            app.store.as_ref(),
            &app.keys,
            &reader,
            &p.id,
            &["age"],
            "guidance",
            aurora_twin::access::Via::Oauth,
            OffsetDateTime::now_utc(),
        )
        .await
        .unwrap();
    }
    let r = get(&app, "/en/me/access-log", Some(&p)).await;
    let html = r.text();
    assert!(html.contains("<caption id=\"log-caption\">Reads of your information, newest first (page 1 of 2, 30 reads)</caption>"), "{html}");
    assert_eq!(html.matches("<tr><th scope=\"row\">").count(), 25);
    assert!(html.contains("Housing advice (service)"));
    assert!(html.contains("<td>Age</td>"));
    assert!(html.contains("href=\"/en/me/access-log?page=2\""));
    let html = get(&app, "/en/me/access-log?page=2", Some(&p)).await.text();
    assert_eq!(html.matches("<tr><th scope=\"row\">").count(), 5);
    assert!(html.contains("href=\"/en/me/access-log?page=1\""));
}

#[tokio::test]
async fn the_encrypted_export_opens_with_its_passphrase() {
    let app = TwinApp::new().await;
    let p = app.new_person().await;
    set(&app, &p.id, "age", json!(41)).await;
    let r = submit(
        &app,
        "/en/me/export/encrypted",
        &p,
        &[("passphrase", "short"), ("passphrase_confirm", "short")],
    )
    .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert!(r.text().contains("href=\"#passphrase\""));
    let r = submit(
        &app,
        "/en/me/export/encrypted",
        &p,
        &[
            ("passphrase", "a long passphrase"),
            ("passphrase_confirm", "another passphrase"),
        ],
    )
    .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert!(r.text().contains("href=\"#passphrase-confirm\""));
    let phrase = "correct horse battery staple";
    remember_secret(phrase);
    let r = submit(
        &app,
        "/en/me/export/encrypted",
        &p,
        &[("passphrase", phrase), ("passphrase_confirm", phrase)],
    )
    .await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(r.header("content-type"), Some("application/octet-stream"));
    let doc = aurora_twin::export::decrypt_archive(&r.body, phrase).unwrap();
    assert_eq!(doc["twin"]["values"][0]["value"], json!(41));
    assert!(aurora_twin::export::decrypt_archive(&r.body, "wrong passphrase!").is_err());
    // The JSON download the page links to.
    let html = get(&app, "/en/me/export", Some(&p)).await.text();
    assert!(html.contains("href=\"/api/v1/me/export\""));
}

#[tokio::test]
async fn erasing_the_account_needs_confirmation_and_shows_the_receipt() {
    let app = TwinApp::new().await;
    let p = app.new_person().await;
    set(&app, &p.id, "age", json!(41)).await;
    let r = submit(&app, "/fi/me/delete", &p, &[]).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert!(r.text().contains("href=\"#delete-confirm\""));
    assert!(PersonStore::person(app.store.as_ref(), &p.id)
        .await
        .unwrap()
        .is_some());
    let r = submit(&app, "/fi/me/delete", &p, &[("confirm", "yes")]).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    let html = r.text();
    assert!(html.contains("Tilisi on poistettu"));
    assert!(html.contains("class=\"jws\""), "the signed receipt");
    assert!(r
        .header("set-cookie")
        .unwrap_or_default()
        .contains("Max-Age=0"));
    assert!(PersonStore::person(app.store.as_ref(), &p.id)
        .await
        .unwrap()
        .is_none());
    // The session is gone with the account.
    let r = get(&app, "/fi/me", Some(&p)).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
}

#[tokio::test]
async fn signing_out_ends_the_session() {
    let app = TwinApp::new().await;
    let p = app.new_person().await;
    let r = submit(&app, "/sv/me/sign-out", &p, &[]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(r.header("location"), Some("/sv/"));
    assert!(r
        .header("set-cookie")
        .unwrap_or_default()
        .contains("Max-Age=0"));
    let r = get(&app, "/sv/me", Some(&p)).await;
    assert_eq!(
        r.status,
        StatusCode::SEE_OTHER,
        "the old cookie no longer signs in"
    );
}

#[tokio::test]
async fn no_secret_or_value_reaches_the_logs() {
    let app = TwinApp::new().await;
    let p = app.new_person().await;
    let secret_value = "Erittäin salainen arvo 9f3k";
    remember_secret(secret_value);
    remember_secret(&p.csrf);
    let r = submit(
        &app,
        "/fi/me/twin/language",
        &p,
        &[("value", secret_value), ("version", "0")],
    )
    .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    let _ = post(
        &app,
        "/fi/me/twin/age",
        Some(&p),
        Some("wrong"),
        &[("value", secret_value)],
    )
    .await;
    support::assert_no_secret_in_logs();
}
