//! Every input shape imports, with the records it holds.

use aurora_catalog::{import_path, ImportOptions, NoProgress};

use crate::common::{counts, fixture, store};

#[tokio::test]
async fn every_shape_imports() {
    // (fixture, services, channels, organisations)
    let cases = [
        ("shapes/object.json", 1, 0, 0),
        ("shapes/array.json", 0, 2, 0),
        ("shapes/map.json", 1, 0, 0),
        ("shapes/page.json", 1, 1, 1),
        ("shapes/dir", 1, 1, 0),
    ];
    for (rel, services, channels, organizations) in cases {
        let (store, _dir) = store().await;
        let report = import_path(
            &store,
            &fixture(rel),
            &ImportOptions { strict: true },
            &NoProgress,
        )
        .await
        .unwrap_or_else(|e| panic!("{rel}: {e}"));
        assert!(report.rejected.is_empty(), "{rel}: {:?}", report.rejected);
        assert_eq!(
            (
                report.services.inserted,
                report.channels.inserted,
                report.organizations.inserted
            ),
            (services, channels, organizations),
            "{rel}"
        );
        let c = counts(&store).await;
        assert_eq!(
            (c.services, c.channels, c.organizations),
            (services, channels, organizations),
            "{rel}"
        );
        assert_eq!(report.sources, vec![fixture(rel).display().to_string()]);
    }
}

#[tokio::test]
async fn id_only_list_pages_ask_for_the_api() {
    let (store, _dir) = store().await;
    let path = fixture("shapes/page-ids-only.json");
    let report = import_path(&store, &path, &ImportOptions::default(), &NoProgress)
        .await
        .unwrap();
    assert_eq!(report.rejected.len(), 2);
    let r = &report.rejected[0];
    assert_eq!(r.location, "/itemList/0");
    assert_eq!(
        r.id.as_deref(),
        Some("47e7c82b-9d67-4a7e-93f7-c6ff87adf2fa")
    );
    assert_eq!(
        r.reason,
        "id-only list item; fetch details with --from-ptv-api"
    );
    assert_eq!(counts(&store).await.services, 0);
}

#[tokio::test]
async fn map_keys_must_match_record_ids() {
    let (store, dir) = store().await;
    let text = std::fs::read_to_string(fixture("shapes/map.json"))
        .unwrap()
        .replacen(
            "\"6c00d407-d3fd-4c7e-a373-57be9f3b2cff\": {",
            "\"11111111-d3fd-4c7e-a373-57be9f3b2cff\": {",
            1,
        );
    let path = dir.path().join("map.json");
    std::fs::write(&path, text).unwrap();
    let report = import_path(&store, &path, &ImportOptions::default(), &NoProgress)
        .await
        .unwrap();
    assert_eq!(report.rejected.len(), 1);
    assert_eq!(
        report.rejected[0].location,
        "/11111111-d3fd-4c7e-a373-57be9f3b2cff/id"
    );
    assert_eq!(
        report.rejected[0].reason,
        "id \"6c00d407-d3fd-4c7e-a373-57be9f3b2cff\" differs from its map key \"11111111-d3fd-4c7e-a373-57be9f3b2cff\""
    );
}
