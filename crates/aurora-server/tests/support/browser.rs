//! A headless Chromium driven over the DevTools protocol through a pipe
//! (`--remote-debugging-pipe`: commands on its fd 3, answers on fd 4, NUL-terminated JSON), so
//! no port, websocket or driver binary is involved; and axe-core run in its pages. Shared by
//! the browser tests of the `http` and `me_pages` binaries (include it with
//! `#[path = "support/browser.rs"] mod browser;`).
//!
//! `AURORA_CHROMIUM` names the Chromium binary (tests skip without it, saying so);
//! `AURORA_AXE_JS` the path of axe-core's `axe.min.js` (`.ci/run` installs both). Without
//! axe-core the accessibility checks fail under `CI=true` and are skipped elsewhere.
#![allow(dead_code)]

use std::ffi::OsString;
use std::io::{BufRead, BufReader, Write};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use serde_json::{json, Value};

/// The axe-core rule tags of WCAG 2.1 level AA (2.0 A and AA included).
pub const WCAG_TAGS: &str = "['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']";
pub const CALL_TIMEOUT: Duration = Duration::from_secs(30);

pub struct Browser {
    child: Child,
    input: ChildStdin,
    answers: mpsc::Receiver<Value>,
    next_id: u64,
    session: Option<String>,
    _profile: tempfile::TempDir,
}

impl Browser {
    pub fn launch(chromium: &OsString) -> Browser {
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
    pub fn call(&mut self, method: &str, params: Value) -> Value {
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
    pub fn eval(&mut self, expression: &str) -> Value {
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
    pub fn wait_for(&mut self, condition: &str, what: &str) {
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
    pub fn mark(&mut self) {
        self.eval("window.__old = true");
    }

    pub fn wait_for_new_page(&mut self, what: &str) {
        self.wait_for(
            "window.__old !== true && document.readyState === 'complete'",
            what,
        );
    }

    pub fn goto(&mut self, url: &str) {
        self.mark();
        self.call("Page.navigate", json!({"url": url}));
        self.wait_for_new_page(url);
    }

    /// A key press on the focused element, as a person's keyboard sends it.
    pub fn press(&mut self, key: &str, code: u32, text: Option<&str>) {
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

    pub fn focus(&mut self, selector: &str) {
        let found = self.eval(&format!(
            "(() => {{ const e = document.querySelector({}); if (!e) return false; e.focus(); \
             return document.activeElement === e; }})()",
            json!(selector)
        ));
        assert_eq!(found, json!(true), "cannot focus {selector}");
    }

    /// Saves a full-page PNG into `AURORA_SCREENSHOT_DIR`, when set, for a person to look at.
    pub fn screenshot(&mut self, name: &str) {
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
    pub fn axe(&mut self, axe_js: &str) -> Vec<String> {
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

pub fn decode_base64(s: &str) -> Vec<u8> {
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
pub fn axe_source() -> Option<String> {
    let path = std::env::var_os("AURORA_AXE_JS");
    let source = path.as_ref().and_then(|p| std::fs::read_to_string(p).ok());
    if source.is_none() {
        let ci = std::env::var("CI").is_ok_and(|v| v == "true");
        assert!(
            !ci,
            "AURORA_AXE_JS ({path:?}) does not name axe-core's axe.min.js; .ci/run installs it"
        );
        eprintln!(
            "browser test: accessibility checks skipped: set AURORA_AXE_JS to axe-core's \
             axe.min.js (npm install axe-core@4) to run them"
        );
    }
    source
}

impl Browser {
    /// Sets a cookie for `http://127.0.0.1:<port>` (a signed-in session without driving the
    /// sign-in form).
    pub fn set_cookie(&mut self, base: &str, name: &str, value: &str) {
        let ok = self.call(
            "Network.setCookie",
            json!({"name": name, "value": value, "url": base, "httpOnly": true,
                   "sameSite": "Strict", "path": "/"}),
        );
        assert_eq!(ok["success"], json!(true), "Network.setCookie: {ok}");
    }

    /// Types text into the focused element, as a keyboard's input method would.
    pub fn type_text(&mut self, text: &str) {
        self.call("Input.insertText", json!({"text": text}));
    }

    /// Presses Enter on the focused element and waits for the page it loads.
    pub fn enter_and_wait(&mut self, what: &str) {
        self.mark();
        self.press("Enter", 13, Some("\r"));
        self.wait_for_new_page(what);
    }

    /// Tabs from the current focus until `selector` has it (at most `max` presses); proves the
    /// element is reachable with the keyboard in document order.
    pub fn tab_to(&mut self, selector: &str, max: usize) {
        for _ in 0..max {
            let here = self.eval(&format!(
                "document.activeElement && document.activeElement.matches({})",
                json!(selector)
            ));
            if here == json!(true) {
                return;
            }
            self.press("Tab", 9, None);
        }
        panic!("{selector} was not reached with {max} presses of Tab");
    }
}
