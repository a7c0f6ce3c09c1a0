//! The person's pages in a real headless Chromium (only with `AURORA_CHROMIUM`): signed in by
//! a session cookie set with `Network.setCookie`, every page is walked in fi, sv and en
//! (plus the sign-in page and the OAuth consent screen), a value is edited with the keyboard
//! only, and axe-core (`AURORA_AXE_JS`) must find **no** WCAG 2.0/2.1 A or AA violation on
//! any of them (a failure under `CI=true` when axe-core is missing).

use std::time::{Duration, Instant};

use aurora_twin::oauth::client::{register, ClientRegistration};
use aurora_twin::registry::AttributeRegistry;
use serde_json::json;

use crate::browser_support::{axe_source, Browser};
use crate::support::TwinApp;
use crate::{company_of, consent, service, set, LANGS};

#[tokio::test]
async fn chromium_walks_the_persons_pages_and_axe_finds_no_violations() {
    let Some(chromium) = std::env::var_os("AURORA_CHROMIUM") else {
        eprintln!("me pages browser test skipped: set AURORA_CHROMIUM to a chromium binary");
        return;
    };
    let axe_js = axe_source();
    let app = TwinApp::new().await;
    let p = app.new_person().await;
    service(&app).await;
    set(&app, &p.id, "age", json!(41)).await;
    set(
        &app,
        &p.id,
        "life_situation_meters",
        json!({"family": 8, "health": 5}),
    )
    .await;
    set(
        &app,
        &p.id,
        "life_events",
        json!([{"code": "KE1", "date": "2026-03-05"}]),
    )
    .await;
    set(
        &app,
        &p.id,
        "household",
        json!({"adults": 2, "children": [{"birth_year": 2015}]}),
    )
    .await;
    let company = company_of(&app, &p).await;
    let cid = consent(&app, &p).await;
    // A member service for the OAuth consent screen.
    let is_attribute = |a: &str| AttributeRegistry::bundled().get(a).is_some();
    let client = register(
        app.store.as_ref(),
        &ClientRegistration {
            name_fi: "Asumispalvelu".into(),
            name_sv: "Boendetjänst".into(),
            name_en: "Housing service".into(),
            organisation: "Kaupunki".into(),
            redirect_uris: vec!["https://svc.example/cb".into()],
            allowed_scopes: vec!["openid".into(), "age".into(), "municipality_code".into()],
            allowed_purposes: vec!["service_delivery".into()],
            ..ClientRegistration::default()
        },
        &is_attribute,
    )
    .await
    .expect("register a service");
    crate::support::remember_secret(&client.secret);
    let authorize: String = form_urlencoded::Serializer::new(String::new())
        .append_pair("response_type", "code")
        .append_pair("client_id", &client.client.id)
        .append_pair("redirect_uri", "https://svc.example/cb")
        .append_pair("scope", "openid age municipality_code")
        .append_pair("state", "st")
        .append_pair("nonce", "n")
        .append_pair(
            "code_challenge",
            &aurora_twin::oauth::s256("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"),
        )
        .append_pair("code_challenge_method", "S256")
        .finish();

    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(aurora_server::serve(listener, app.state.clone(), async {
        let _ = stopped.await;
    }));
    let base = format!("http://127.0.0.1:{port}");
    let token = p
        .cookie
        .strip_prefix("aurora_session=")
        .expect("a session cookie")
        .to_string();
    let started = Instant::now();
    let run = tokio::task::spawn_blocking(move || {
        let mut b = Browser::launch(&chromium);
        let mut checked = Vec::new();
        let mut check = |b: &mut Browser, what: &str| {
            if let Some(axe_js) = &axe_js {
                let violations = b.axe(axe_js);
                assert!(
                    violations.is_empty(),
                    "axe-core: {what}:\n{}",
                    violations.join("\n")
                );
                checked.push(what.to_string());
            }
        };
        // Before signing in: the sign-in page (where the pages send an anonymous visitor).
        for lang in LANGS {
            b.goto(&format!("{base}/{lang}/me"));
            assert_eq!(
                b.eval("location.pathname"),
                json!(format!("/{lang}/account/login")),
                "anonymous → sign-in"
            );
            assert_eq!(b.eval("document.documentElement.lang"), json!(lang));
            check(&mut b, &format!("the sign-in page in {lang}"));
        }
        b.set_cookie(&base, "aurora_session", &token);

        let pages = [
            "me".to_string(),
            format!("me/companies/{company}"),
            "me/consents".into(),
            format!("me/consents/{cid}/receipt"),
            format!("me/consents/{cid}/withdraw"),
            "me/access-log".into(),
            "me/export".into(),
            "me/delete".into(),
        ];
        for lang in LANGS {
            for page in &pages {
                b.goto(&format!("{base}/{lang}/{page}"));
                assert_eq!(
                    b.eval("[location.pathname, document.documentElement.lang]"),
                    json!([format!("/{lang}/{page}"), lang]),
                    "{page} in {lang}"
                );
                // Open every edit form, so that axe-core checks them too.
                b.eval("document.querySelectorAll('details').forEach(d => d.open = true)");
                check(&mut b, &format!("{page} in {lang}"));
                b.screenshot(&format!("me-{}-{lang}.png", page.replace('/', "-")));
            }
            b.goto(&format!(
                "{base}/oauth/authorize?{authorize}&ui_locales={lang}"
            ));
            assert_eq!(
                b.eval(
                    "[document.documentElement.lang, !!document.getElementById('oauth-purpose'), \
                     document.querySelectorAll('form[method=post]').length > 0]"
                ),
                json!([lang, true, true]),
                "the consent screen in {lang}"
            );
            b.screenshot(&format!("oauth-consent-{lang}.png"));
            check(&mut b, &format!("the OAuth consent screen ({lang})"));
        }

        // Edit the age with the keyboard only: Tab to the disclosure, open it with Enter,
        // Tab into the field, type, Tab to the button, Enter.
        b.goto(&format!("{base}/en/me"));
        b.focus("#attr-age summary");
        b.press("Enter", 13, Some("\r"));
        assert_eq!(
            b.eval("document.querySelector('#attr-age details').open"),
            json!(true)
        );
        b.tab_to("#attr-age-value", 5);
        b.eval("document.getElementById('attr-age-value').select()");
        b.type_text("42");
        b.tab_to("#attr-age form button[type=submit]", 5);
        b.enter_and_wait("the saved page");
        assert_eq!(b.eval("location.search"), json!("?saved=age"));
        assert_eq!(
            b.eval("document.querySelector('#attr-age .attr-value').textContent"),
            json!("42 years")
        );
        assert_eq!(
            b.eval("document.querySelector('#attr-age [role=status]').textContent"),
            json!("Saved.")
        );
        check(&mut b, "the saved page");

        // A wrong value: the summary links to the field, and the field says why.
        b.focus("#attr-age summary");
        b.press("Enter", 13, Some("\r"));
        b.tab_to("#attr-age-value", 5);
        b.eval("document.getElementById('attr-age-value').select()");
        b.type_text("200");
        b.tab_to("#attr-age form button[type=submit]", 5);
        b.enter_and_wait("the error page");
        assert_eq!(
            b.eval(
                "[document.querySelector('.error-summary a').getAttribute('href'), \
                 document.getElementById('attr-age-value').getAttribute('aria-invalid'), \
                 document.getElementById('attr-age-value-error').textContent]"
            ),
            json!([
                "#attr-age-value",
                "true",
                "Enter a whole number from 0 to 150."
            ])
        );
        check(&mut b, "a form with an error");
        b.screenshot("me-error-en.png");

        // A company the person has no mandate for: the denial page.
        b.goto(&format!("{base}/sv/me/companies/no-such-company"));
        assert_eq!(
            b.eval("document.querySelector('h1').textContent"),
            json!("Du får inte företräda det här företaget")
        );
        check(&mut b, "the denial page in sv");

        // Erase the account with the keyboard: tick the box with Space, submit with Enter.
        b.goto(&format!("{base}/fi/me/delete"));
        b.focus("#delete-confirm");
        b.press(" ", 32, Some(" "));
        assert_eq!(
            b.eval("document.getElementById('delete-confirm').checked"),
            json!(true)
        );
        b.tab_to("form.danger-zone button[type=submit]", 3);
        b.enter_and_wait("the erasure receipt");
        assert_eq!(
            b.eval(
                "[document.querySelector('h1').textContent, !!document.querySelector('pre.jws')]"
            ),
            json!(["Tilisi on poistettu", true])
        );
        check(&mut b, "the erasure receipt in fi");
        b.screenshot("me-erased-fi.png");
        // Signed out: the pages send the visitor to sign in again.
        b.goto(&format!("{base}/fi/me"));
        assert_eq!(b.eval("location.pathname"), json!("/fi/account/login"));
        checked
    })
    .await;

    stop.send(()).unwrap();
    tokio::time::timeout(Duration::from_secs(10), server)
        .await
        .expect("server stops")
        .unwrap()
        .unwrap();
    let checked = match run {
        Ok(checked) => checked,
        Err(e) if e.is_panic() => std::panic::resume_unwind(e.into_panic()),
        Err(e) => panic!("browser task: {e}"),
    };
    // The keyboard edit was stored (the page showed "42 years"); the erasure removed the person.
    assert!(
        aurora_store::people::PersonStore::person(app.store.as_ref(), &p.id)
            .await
            .unwrap()
            .is_none(),
        "the account was erased"
    );
    eprintln!(
        "me pages browser test: {} pages checked with axe-core, {:.1} s",
        checked.len(),
        started.elapsed().as_secs_f32()
    );
}
