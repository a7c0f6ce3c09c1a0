//! The guidance page in a real headless Chromium, end to end, when `AURORA_CHROMIUM` names
//! its binary (skipped otherwise, saying so; `.ci/run` sets it): type a description, move two
//! sliders with the keyboard, choose a municipality, submit, read the results and their
//! reasons, switch language, give feedback and see the thank-you status. axe-core
//! (`AURORA_AXE_JS`: the path of `axe.min.js`, which `.ci/run` installs from npm) checks the
//! form page and the results page in fi, sv and en against the WCAG 2.0/2.1 A and AA rules,
//! and there must be no violation. Without axe-core the test fails under `CI=true` and skips
//! the accessibility checks (saying so) elsewhere.
//!
//! Chromium is driven over the DevTools protocol through a pipe: `tests/support/browser.rs`.

use std::time::{Duration, Instant};

use serde_json::json;

use crate::browser_support::{axe_source, Browser};
use crate::common::nlu_app;

#[tokio::test]
async fn chromium_uses_the_guide_page_and_axe_finds_no_violations() {
    let Some(chromium) = std::env::var_os("AURORA_CHROMIUM") else {
        eprintln!("browser guide test skipped: set AURORA_CHROMIUM to a chromium binary to run it");
        return;
    };
    let axe_js = axe_source();
    let t = nlu_app().await;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(aurora_server::serve(listener, t.state.clone(), async {
        let _ = stopped.await;
    }));
    let learner_before = format!("{:?}", t.state.learner().read().unwrap());

    let base = format!("http://127.0.0.1:{port}");
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

        // The empty form in each language.
        for lang in ["fi", "sv", "en"] {
            b.goto(&format!("{base}/{lang}/guide"));
            assert_eq!(b.eval("document.documentElement.lang"), json!(lang));
            check(&mut b, &format!("the form in {lang}"));
            b.screenshot(&format!("guide-form-{lang}.png"));
        }
        // axe-core does find violations: an unlabelled field and faint text.
        if let Some(axe_js) = &axe_js {
            b.eval(
                "document.querySelector('main').insertAdjacentHTML('beforeend', \
                 '<input type=text id=unlabelled><p style=\"color:#bbb\">faint</p>')",
            );
            let found = b.axe(axe_js).join("\n");
            assert!(
                found.contains("label (") && found.contains("color-contrast ("),
                "axe-core missed planted violations: {found}"
            );
        }

        // Fill it in as a person would, in Finnish.
        b.goto(&format!("{base}/fi/guide"));
        b.focus("#text");
        b.call(
            "Input.insertText",
            json!({"text": "Muutan Vaasaan opiskelemaan"}),
        );
        for (id, presses, expected) in [("m-housing", 2, "3"), ("m-finance", 1, "4")] {
            b.focus(&format!("#{id}"));
            for _ in 0..presses {
                b.press("ArrowLeft", 37, None);
            }
            let state = b.eval(&format!(
                "[document.getElementById('{id}').value, \
                  document.getElementById('{id}-skip').checked, \
                  document.getElementById('{id}-out').textContent]"
            ));
            assert_eq!(state, json!([expected, false, expected]), "{id}");
        }
        assert_eq!(
            b.eval("document.getElementById('m-health-out').textContent"),
            json!("—"),
            "an untouched slider stays unanswered"
        );
        b.focus("#municipality");
        b.eval(
            "(() => { const s = document.getElementById('municipality'); s.value = '905'; \
             s.dispatchEvent(new Event('change', {bubbles: true})); return s.value; })()",
        );
        b.focus("#guide-form button[type=submit]");
        b.mark();
        b.press("Enter", 13, Some("\r"));
        b.wait_for_new_page("the results");
        assert_eq!(
            b.eval("location.search"),
            json!("?text=Muutan+Vaasaan+opiskelemaan&housing=3&finance=4&municipality=905&age="),
            "only answered sliders are sent"
        );
        assert_eq!(
            b.eval("location.hash"),
            json!("#results"),
            "the page opens at the results"
        );
        let results = b.eval(
            "[...document.querySelectorAll('.guide-result')].map(li => \
             [li.querySelector('h3').textContent, li.querySelectorAll('.reasons li').length])",
        );
        let results = results.as_array().expect("results");
        assert!(!results.is_empty(), "no results");
        for r in results {
            assert!(
                r[1].as_u64().unwrap_or(0) >= 1,
                "a result without reasons: {r}"
            );
        }
        assert!(b
            .eval("document.getElementById('results-heading').textContent")
            .as_str()
            .unwrap_or_default()
            .ends_with("tilanteeseesi"));
        assert_eq!(
            b.eval("document.querySelector('.reasons li').textContent.length > 0"),
            json!(true)
        );
        check(&mut b, "the results in fi");
        b.screenshot("guide-results-fi.png");

        // The language switcher keeps the answers.
        let results_fi = b.eval("location.href").as_str().unwrap().to_string();
        for lang in ["sv", "en"] {
            b.mark();
            b.eval(&format!(
                "document.querySelector('.lang-switcher a[hreflang={lang}]').click()"
            ));
            b.wait_for_new_page(&format!("the results in {lang}"));
            assert_eq!(
                b.eval(
                    "[document.documentElement.lang, document.getElementById('text').value, \
                     document.getElementById('m-housing').value, \
                     document.getElementById('m-housing-skip').checked, \
                     document.querySelectorAll('.guide-result').length > 0]"
                ),
                json!([lang, "Muutan Vaasaan opiskelemaan", "3", false, true])
            );
            check(&mut b, &format!("the results in {lang}"));
        }

        // Urgent help, first on the page.
        b.goto(&format!("{base}/en/guide?text=my+dad+is+unconscious"));
        assert_eq!(
            b.eval("document.querySelector('main').firstElementChild.nextElementSibling.className"),
            json!("urgent")
        );
        check(&mut b, "urgent help in en");

        // Feedback with the keyboard: the thank-you status appears.
        b.goto(&results_fi);
        b.focus(".feedback button[value=up]");
        b.mark();
        b.press("Enter", 13, Some("\r"));
        b.wait_for_new_page("the thank-you page");
        assert_eq!(
            b.eval(
                "[location.search.endsWith('&thanks=1'), location.hash, \
                 document.querySelector('#guide-status[role=status]').textContent]"
            ),
            json!([true, "#guide-status", "Kiitos palautteestasi."])
        );
        check(&mut b, "the thank-you page in fi");
        b.screenshot("guide-thanks-fi.png");
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
    // The vote was stored with the page view's (anonymous) recommendation, and, anonymous,
    // taught the outcome learner nothing.
    let rated: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM recommendation_services WHERE feedback_score = 1")
            .fetch_one(t.store.pool())
            .await
            .expect("count");
    assert_eq!(rated, 1, "the feedback was stored");
    assert_eq!(
        format!("{:?}", t.state.learner().read().unwrap()),
        learner_before,
        "anonymous feedback does not reach the learner"
    );
    eprintln!(
        "browser guide test: {} pages checked with axe-core, {:.1} s",
        checked.len(),
        started.elapsed().as_secs_f32()
    );
}
