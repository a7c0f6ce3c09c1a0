//! The guidance page in a real headless Chromium, end to end, when `AURORA_CHROMIUM` names
//! its binary (skipped otherwise, saying so; `.ci/run` sets it): type a description, move two
//! sliders with the keyboard, choose a municipality, submit, read the results and their
//! reasons, switch language, give feedback and see the thank-you status. axe-core
//! (`AURORA_AXE_JS`: the path of `axe.min.js`, which `.ci/run` installs from npm) checks the
//! form page and the results page in fi, sv and en against the WCAG 2.0/2.1 A and AA rules,
//! and there must be no violation. Without axe-core the test fails under `CI=true` and skips
//! the accessibility checks (saying so) elsewhere.
//!
//! Chromium is driven over the DevTools protocol through a pipe (`--remote-debugging-pipe`:
//! commands on its fd 3, answers on fd 4, NUL-terminated JSON), so no port, websocket or
//! driver binary is involved.

use std::ffi::OsString;
use std::io::{BufRead, BufReader, Write};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use serde_json::{json, Value};

use crate::common::nlu_app;

/// The axe-core rule tags of WCAG 2.1 level AA (2.0 A and AA included).
const WCAG_TAGS: &str = "['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']";
const CALL_TIMEOUT: Duration = Duration::from_secs(30);

struct Browser {
    child: Child,
    input: ChildStdin,
    answers: mpsc::Receiver<Value>,
    next_id: u64,
    session: Option<String>,
    _profile: tempfile::TempDir,
}

impl Browser {
    fn launch(chromium: &OsString) -> Browser {
        let profile = tempfile::tempdir().expect("profile dir");
        // The shell hands this process's pipes to Chromium as fds 3 (in) and 4 (out).
        let mut child = Command::new("sh")
            .arg("-c")
            .arg(r#"exec "$0" "$@" 3<&0 4>&1 0</dev/null 1>/dev/null"#)
            .arg(chromium)
            .args([
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--disable-extensions",
                "--no-first-run",
                "--window-size=1200,900",
                "--remote-debugging-pipe",
            ])
            .arg(format!("--user-data-dir={}", profile.path().display()))
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("start chromium");
        let input = child.stdin.take().expect("chromium's command pipe");
        let output = child.stdout.take().expect("chromium's answer pipe");
        let (tx, answers) = mpsc::channel();
        std::thread::spawn(move || {
            let mut reader = BufReader::new(output);
            let mut message = Vec::new();
            while reader.read_until(0, &mut message).unwrap_or(0) > 0 {
                if message.last() == Some(&0) {
                    message.pop();
                }
                if let Ok(v) = serde_json::from_slice::<Value>(&message) {
                    if tx.send(v).is_err() {
                        break;
                    }
                }
                message.clear();
            }
        });
        let mut browser = Browser {
            child,
            input,
            answers,
            next_id: 0,
            session: None,
            _profile: profile,
        };
        let target = browser.call("Target.createTarget", json!({"url": "about:blank"}));
        let attached = browser.call(
            "Target.attachToTarget",
            json!({"targetId": target["targetId"], "flatten": true}),
        );
        browser.session = Some(
            attached["sessionId"]
                .as_str()
                .expect("a session id")
                .to_string(),
        );
        browser
    }

    /// Sends a command (to the page once attached) and waits for its answer.
    fn call(&mut self, method: &str, params: Value) -> Value {
        self.next_id += 1;
        let id = self.next_id;
        let mut command = json!({"id": id, "method": method, "params": params});
        if let Some(s) = &self.session {
            command["sessionId"] = json!(s);
        }
        let mut bytes = serde_json::to_vec(&command).unwrap();
        bytes.push(0);
        self.input.write_all(&bytes).expect("write to chromium");
        self.input.flush().expect("flush to chromium");
        let deadline = Instant::now() + CALL_TIMEOUT;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            let message = self
                .answers
                .recv_timeout(left)
                .unwrap_or_else(|e| panic!("no answer to {method} from chromium: {e}"));
            if message["id"] == id {
                if let Some(error) = message.get("error") {
                    panic!("{method} failed: {error}");
                }
                return message["result"].clone();
            }
        }
    }

    /// Evaluates a JavaScript expression (awaiting a promise) and returns its JSON value.
    fn eval(&mut self, expression: &str) -> Value {
        let out = self.call(
            "Runtime.evaluate",
            json!({"expression": expression, "returnByValue": true, "awaitPromise": true}),
        );
        if let Some(e) = out.get("exceptionDetails") {
            panic!("{expression:.200}… threw: {e}");
        }
        out["result"]["value"].clone()
    }

    /// Waits until `condition` (a JavaScript expression) is true.
    fn wait_for(&mut self, condition: &str, what: &str) {
        let deadline = Instant::now() + CALL_TIMEOUT;
        loop {
            let ok = self.call(
                "Runtime.evaluate",
                json!({"expression": condition, "returnByValue": true}),
            );
            if ok["result"]["value"] == json!(true) {
                return;
            }
            assert!(Instant::now() < deadline, "timed out waiting for {what}");
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// Marks the current document, so that [`Browser::wait_for_new_page`] can tell it apart.
    fn mark(&mut self) {
        self.eval("window.__old = true");
    }

    fn wait_for_new_page(&mut self, what: &str) {
        self.wait_for(
            "window.__old !== true && document.readyState === 'complete'",
            what,
        );
    }

    fn goto(&mut self, url: &str) {
        self.mark();
        self.call("Page.navigate", json!({"url": url}));
        self.wait_for_new_page(url);
    }

    /// A key press on the focused element, as a person's keyboard sends it.
    fn press(&mut self, key: &str, code: u32, text: Option<&str>) {
        let mut down = json!({
            "type": if text.is_some() { "keyDown" } else { "rawKeyDown" },
            "key": key,
            "code": key,
            "windowsVirtualKeyCode": code,
            "nativeVirtualKeyCode": code,
        });
        if let Some(t) = text {
            down["text"] = json!(t);
            down["unmodifiedText"] = json!(t);
        }
        self.call("Input.dispatchKeyEvent", down);
        self.call(
            "Input.dispatchKeyEvent",
            json!({"type": "keyUp", "key": key, "code": key,
                   "windowsVirtualKeyCode": code, "nativeVirtualKeyCode": code}),
        );
    }

    fn focus(&mut self, selector: &str) {
        let found = self.eval(&format!(
            "(() => {{ const e = document.querySelector({}); if (!e) return false; e.focus(); \
             return document.activeElement === e; }})()",
            json!(selector)
        ));
        assert_eq!(found, json!(true), "cannot focus {selector}");
    }

    /// Saves a full-page PNG into `AURORA_SCREENSHOT_DIR`, when set, for a person to look at.
    fn screenshot(&mut self, name: &str) {
        let Some(dir) = std::env::var_os("AURORA_SCREENSHOT_DIR") else {
            return;
        };
        let shot = self.call(
            "Page.captureScreenshot",
            json!({"format": "png", "captureBeyondViewport": true}),
        );
        let png = decode_base64(shot["data"].as_str().expect("image data"));
        std::fs::write(std::path::Path::new(&dir).join(name), png).expect("write screenshot");
    }

    /// Runs axe-core on the current page; returns the violations, one line per node.
    fn axe(&mut self, axe_js: &str) -> Vec<String> {
        if self.eval("typeof window.axe") != json!("object") {
            self.eval(&format!("{axe_js}\n;true"));
        }
        let found = self.eval(&format!(
            "axe.run(document, {{runOnly: {{type: 'tag', values: {WCAG_TAGS}}}, \
             resultTypes: ['violations']}}).then(r => r.violations.flatMap(v => \
             v.nodes.map(n => v.id + ' (' + v.impact + '): ' + v.help + ' at ' + \
             n.target.join(' ') + ' – ' + n.failureSummary)))"
        ));
        found
            .as_array()
            .expect("axe answers a list")
            .iter()
            .map(|v| v.as_str().unwrap_or_default().to_string())
            .collect()
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn decode_base64(s: &str) -> Vec<u8> {
    let value = |c: u8| match c {
        b'A'..=b'Z' => c - b'A',
        b'a'..=b'z' => c - b'a' + 26,
        b'0'..=b'9' => c - b'0' + 52,
        b'+' => 62,
        _ => 63,
    };
    let mut out = Vec::with_capacity(s.len() / 4 * 3);
    for chunk in s.as_bytes().chunks(4) {
        let n = chunk.iter().filter(|c| **c != b'=').count();
        let mut acc = 0u32;
        for (i, c) in chunk.iter().enumerate() {
            let v = if *c == b'=' { 0 } else { u32::from(value(*c)) };
            acc |= v << (18 - 6 * i);
        }
        out.extend_from_slice(&acc.to_be_bytes()[1..n.max(1)]);
    }
    out
}

/// axe-core's source, or `None` (and a note) where it is not installed; under CI it must be.
fn axe_source() -> Option<String> {
    let path = std::env::var_os("AURORA_AXE_JS");
    let source = path.as_ref().and_then(|p| std::fs::read_to_string(p).ok());
    if source.is_none() {
        let ci = std::env::var("CI").is_ok_and(|v| v == "true");
        assert!(
            !ci,
            "AURORA_AXE_JS ({path:?}) does not name axe-core's axe.min.js; .ci/run installs it"
        );
        eprintln!(
            "browser guide test: accessibility checks skipped: set AURORA_AXE_JS to axe-core's \
             axe.min.js (npm install axe-core@4) to run them"
        );
    }
    source
}

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
