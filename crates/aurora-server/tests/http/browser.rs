//! Renders the Swedish page in a real headless Chromium when `AURORA_CHROMIUM` names its
//! binary (e.g. `/usr/bin/chromium`); skipped otherwise, saying so. With
//! `AURORA_SCREENSHOT_DIR` also set, PNG screenshots of the list and a service page are saved
//! there for a person to look at.

use std::process::Command;
use std::time::Duration;

use crate::common::app;

#[tokio::test]
async fn chromium_renders_the_swedish_page() {
    let Some(chromium) = std::env::var_os("AURORA_CHROMIUM") else {
        eprintln!("browser test skipped: set AURORA_CHROMIUM to a chromium binary to run it");
        return;
    };
    let t = app().await;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(aurora_server::serve(listener, t.state.clone(), async {
        let _ = stopped.await;
    }));

    let base = format!("http://127.0.0.1:{port}");
    let run = move |args: Vec<String>| {
        let chromium = chromium.clone();
        async move {
            tokio::task::spawn_blocking(move || {
                let profile = tempfile::tempdir().unwrap();
                Command::new(chromium)
                    .args([
                        "--headless",
                        "--no-sandbox",
                        "--disable-gpu",
                        "--disable-background-networking",
                        "--disable-component-update",
                        "--disable-sync",
                        "--no-first-run",
                    ])
                    .arg(format!("--user-data-dir={}", profile.path().display()))
                    .args(args)
                    .output()
                    .expect("run chromium")
            })
            .await
            .unwrap()
        }
    };
    let output = run(vec!["--dump-dom".into(), format!("{base}/sv/")]).await;
    if let Some(dir) = std::env::var_os("AURORA_SCREENSHOT_DIR") {
        let dir = std::path::PathBuf::from(dir);
        for (name, path) in [
            ("list-sv.png", "/sv/".to_string()),
            ("search-en.png", "/en/?q=housing+benefits".to_string()),
            (
                "service-fi.png",
                format!("/fi/services/{}", crate::fixtures::UIMAHALLI),
            ),
        ] {
            let shot = run(vec![
                "--window-size=1000,1400".into(),
                format!("--screenshot={}", dir.join(name).display()),
                format!("{base}{path}"),
            ])
            .await;
            assert!(shot.status.success(), "screenshot {name} failed");
        }
    }
    stop.send(()).unwrap();
    tokio::time::timeout(Duration::from_secs(10), server)
        .await
        .expect("server stops")
        .unwrap()
        .unwrap();

    let dom = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "chromium failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(dom.contains("<html lang=\"sv\">"), "{dom}");
    assert!(dom.contains("<h1>Tjänster</h1>"), "{dom}");
    assert!(dom.contains("Simhallen"), "{dom}");
}
