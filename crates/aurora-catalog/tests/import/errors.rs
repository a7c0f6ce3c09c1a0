//! Bad inputs: the precise message (file, position or pointer, reason), strict mode writing
//! nothing, skip mode writing the good records, and garbage giving errors instead of panics.

use aurora_catalog::{import_path, ImportError, ImportOptions, NoProgress};

use crate::common::{counts, dir_with, fixture, store};

const STRICT: ImportOptions = ImportOptions { strict: true };

#[tokio::test]
async fn each_bad_file_names_file_position_and_reason() {
    // (fixture, location, reason fragment)
    let cases = [
        (
            "bad/malformed.json",
            "line 4, column 23",
            "malformed JSON: expected `:`",
        ),
        (
            "bad/truncated.json",
            "line 67, column ",
            "malformed JSON: EOF while parsing",
        ),
        (
            "bad/wrong-type.json",
            "/areaType",
            "expected one of Nationwide, NationwideExceptAlandIslands, LimitedType, found 5",
        ),
        (
            "bad/unknown-code.json",
            "/serviceClasses/0/code",
            "unknown service class \"P99.9\": not in the ptvserclass2 code list (P1–P28.x)",
        ),
    ];
    for (rel, location, reason) in cases {
        let path = fixture(rel);
        // Skip mode: reported, nothing to write.
        let (store, _dir) = store().await;
        let report = import_path(&store, &path, &ImportOptions::default(), &NoProgress)
            .await
            .unwrap_or_else(|e| panic!("{rel}: {e}"));
        assert_eq!(report.rejected.len(), 1, "{rel}: {:?}", report.rejected);
        let r = &report.rejected[0];
        assert_eq!(r.source, path.display().to_string(), "{rel}");
        assert!(r.location.starts_with(location), "{rel}: {r}");
        assert!(r.reason.contains(reason), "{rel}: {r}");
        let text = r.to_string();
        assert!(
            text.contains(rel.rsplit('/').next().unwrap()) && text.contains(location),
            "{text}"
        );

        // Strict mode: the error says the same, and nothing is written.
        let err = import_path(&store, &path, &STRICT, &NoProgress)
            .await
            .expect_err(rel);
        let msg = err.to_string();
        assert!(msg.contains(&path.display().to_string()), "{rel}: {msg}");
        if location.starts_with('/') {
            assert!(matches!(err, ImportError::Strict { .. }), "{rel}: {err:?}");
            assert!(
                msg.contains(location) && msg.contains(reason),
                "{rel}: {msg}"
            );
        } else {
            assert!(matches!(err, ImportError::Json { .. }), "{rel}: {err:?}");
            assert!(msg.contains(location), "{rel}: {msg}");
        }
        let c = counts(&store).await;
        assert_eq!(
            (c.services, c.channels, c.archived_services),
            (0, 0, 0),
            "{rel}"
        );
    }
}

#[tokio::test]
async fn wrong_type_rejection_carries_the_record_id() {
    let (store, _dir) = store().await;
    let report = import_path(
        &store,
        &fixture("bad/wrong-type.json"),
        &ImportOptions::default(),
        &NoProgress,
    )
    .await
    .unwrap();
    assert_eq!(
        report.rejected[0].id.as_deref(),
        Some("47e7c82b-9d67-4a7e-93f7-c6ff87adf2fa")
    );
}

fn mixed_dir() -> tempfile::TempDir {
    dir_with(&[
        ("a-good.json", fixture("shapes/object.json")),
        ("b-good-channels.json", fixture("shapes/array.json")),
        ("c-malformed.json", fixture("bad/malformed.json")),
        ("d-truncated.json", fixture("bad/truncated.json")),
        ("e-unknown-code.json", fixture("bad/unknown-code.json")),
        ("f-wrong-type.json", fixture("bad/wrong-type.json")),
    ])
}

#[tokio::test]
async fn skip_mode_writes_the_good_and_reports_the_bad() {
    let (store, _dir) = store().await;
    let dir = mixed_dir();
    let report = import_path(&store, dir.path(), &ImportOptions::default(), &NoProgress)
        .await
        .unwrap();
    assert_eq!(report.services.inserted, 1);
    assert_eq!(report.channels.inserted, 2);
    let sources: Vec<&str> = report
        .rejected
        .iter()
        .map(|r| r.source.rsplit('/').next().unwrap())
        .collect();
    assert_eq!(
        sources,
        vec![
            "c-malformed.json",
            "d-truncated.json",
            "e-unknown-code.json",
            "f-wrong-type.json"
        ]
    );
    let c = counts(&store).await;
    assert_eq!((c.services, c.channels), (1, 2));
    let summary = report.summary();
    assert!(summary.contains("rejected: 4"), "{summary}");
    assert!(summary.contains("f-wrong-type.json: /areaType (id 47e7c82b-9d67-4a7e-93f7-c6ff87adf2fa): expected one of"), "{summary}");
}

#[tokio::test]
async fn strict_mode_writes_nothing() {
    let (store, _dir) = store().await;
    // With malformed JSON in the directory, strict stops at it.
    let err = import_path(&store, mixed_dir().path(), &STRICT, &NoProgress)
        .await
        .unwrap_err();
    assert!(matches!(err, ImportError::Json { line: 4, .. }), "{err:?}");
    assert!(
        err.to_string()
            .contains("c-malformed.json: line 4, column 23"),
        "{err}"
    );

    // With only bad records, strict lists them all.
    let dir = dir_with(&[
        ("a-good.json", fixture("shapes/object.json")),
        ("e-unknown-code.json", fixture("bad/unknown-code.json")),
        ("f-wrong-type.json", fixture("bad/wrong-type.json")),
    ]);
    let err = import_path(&store, dir.path(), &STRICT, &NoProgress)
        .await
        .unwrap_err();
    assert_eq!(err.rejections().len(), 2, "{err}");
    let msg = err.to_string();
    assert!(
        msg.starts_with("2 record(s) rejected; nothing was imported (strict mode)"),
        "{msg}"
    );
    assert!(
        msg.contains("e-unknown-code.json: /serviceClasses/0/code"),
        "{msg}"
    );
    let c = counts(&store).await;
    assert_eq!((c.services, c.channels, c.organizations), (0, 0, 0));
}

#[tokio::test]
async fn garbage_gives_errors_not_panics() {
    let deep_array = format!("{}{}", "[".repeat(100_000), "]".repeat(100_000));
    let deep_object = format!("{}1{}", "{\"a\":".repeat(50_000), "}".repeat(50_000));
    let cases: Vec<(&str, Vec<u8>)> = vec![
        ("empty", Vec::new()),
        ("whitespace", b"  \n ".to_vec()),
        ("null", b"null".to_vec()),
        ("number", b"42".to_vec()),
        ("string", b"\"services\"".to_vec()),
        ("numbers", b"[1,2]".to_vec()),
        ("nulls", b"[null]".to_vec()),
        ("empty object", b"{}".to_vec()),
        ("unclosed", b"{\"id\":".to_vec()),
        ("binary", vec![0xff, 0xfe, 0x00, 0x01]),
        ("deep array", deep_array.into_bytes()),
        ("deep object", deep_object.into_bytes()),
        ("page without list", br#"{"pageNumber": 1, "itemList": 5}"#.to_vec()),
        ("service with null fields", br#"{"serviceNames": null, "id": null, "areas": [null, 1, {}]}"#.to_vec()),
        ("channel of wrong shapes", br#"{"serviceChannelType": [], "phoneNumbers": {}, "serviceHours": [{"openingHour": [1]}]}"#.to_vec()),
    ];
    for (name, bytes) in cases {
        let (store, dir) = store().await;
        let path = dir.path().join("garbage.json");
        std::fs::write(&path, &bytes).unwrap();
        let err = import_path(&store, &path, &STRICT, &NoProgress).await;
        assert!(err.is_err(), "{name}: strict accepted garbage");
        let report = import_path(&store, &path, &ImportOptions::default(), &NoProgress)
            .await
            .unwrap_or_else(|e| panic!("{name}: {e}"));
        assert!(
            !report.rejected.is_empty() || bytes == b"[]",
            "{name}: nothing reported"
        );
        assert_eq!(report.changes(), 0, "{name}");
    }
}

#[tokio::test]
async fn missing_paths_and_empty_directories_are_errors() {
    let (store, dir) = store().await;
    let err = import_path(&store, &dir.path().join("nope.json"), &STRICT, &NoProgress)
        .await
        .unwrap_err();
    assert!(matches!(err, ImportError::Io { .. }), "{err:?}");
    let empty = tempfile::tempdir().unwrap();
    let err = import_path(&store, empty.path(), &STRICT, &NoProgress)
        .await
        .unwrap_err();
    assert!(
        err.to_string()
            .contains("no *.json files in this directory"),
        "{err}"
    );
}
