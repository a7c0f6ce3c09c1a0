//! The real PTV data: everything imports, re-imports change nothing, and only published
//! records are ever served.

use aurora_catalog::{import_path, ImportOptions, NoProgress};
use aurora_model::PublishingStatus;
use aurora_store::CatalogStore;

use crate::common::{counts, data_ptv, store};

#[tokio::test]
async fn services_then_channels_then_again_changes_nothing() {
    let (store, _dir) = store().await;
    let opts = ImportOptions { strict: true };
    let services = import_path(&store, &data_ptv().join("services"), &opts, &NoProgress)
        .await
        .unwrap();
    assert_eq!(services.services.inserted, 31);
    assert_eq!(services.changes(), 31);
    let channels = import_path(&store, &data_ptv().join("channels"), &opts, &NoProgress)
        .await
        .unwrap();
    assert_eq!(channels.channels.inserted, 43);
    let c = counts(&store).await;
    assert_eq!((c.services, c.channels), (31, 43));

    for sub in ["services", "channels"] {
        let again = import_path(&store, &data_ptv().join(sub), &opts, &NoProgress)
            .await
            .unwrap();
        assert_eq!(again.changes(), 0, "{sub}: {}", again.summary());
        assert!(again.services.unchanged + again.channels.unchanged > 0);
    }
}

#[tokio::test]
async fn the_whole_folder_imports_in_one_batch() {
    let (store, _dir) = store().await;
    let report = import_path(
        &store,
        &data_ptv(),
        &ImportOptions { strict: true },
        &NoProgress,
    )
    .await
    .unwrap();
    // 31 service files plus the id-map sample.
    assert_eq!(report.services.inserted, 32);
    assert_eq!(report.channels.inserted, 43);
    assert_eq!(report.organizations.inserted, 3);
    let id = serde_json::from_str::<serde_json::Value>(
        &std::fs::read_to_string(data_ptv().join("services/3668d250-etalukio.json")).unwrap(),
    )
    .unwrap()["id"]
        .as_str()
        .unwrap()
        .to_string();
    let etalukio = store.service(&id).await.unwrap().expect("etalukio");
    assert_eq!(etalukio.name.fi.as_deref(), Some("Nettilukio aikuisille"));
    let summary = report.summary();
    assert!(summary.contains("services       32 new"), "{summary}");
    assert!(summary.contains("rejected: none"), "{summary}");
}

#[tokio::test]
async fn non_published_services_are_archived_and_never_served() {
    let (store, dir) = store().await;
    let original = std::fs::read_to_string(
        data_ptv().join("services/610325e0-f485-4caa-bd3b-5bf74d5480c5.json"),
    )
    .unwrap();
    let id = "610325e0-f485-4caa-bd3b-5bf74d5480c5";
    let path = dir.path().join("nimipalvelu.json");
    std::fs::write(&path, &original).unwrap();
    let opts = ImportOptions::default();
    import_path(&store, &path, &opts, &NoProgress)
        .await
        .unwrap();
    assert!(store.service(id).await.unwrap().is_some());

    for status in ["Archived", "Withdrawn", "Draft", "Deleted", "Modified"] {
        let changed = original.replace(
            "\"publishingStatus\": \"Published\"",
            &format!("\"publishingStatus\": \"{status}\""),
        );
        assert_ne!(changed, original);
        std::fs::write(&path, &changed).unwrap();
        let report = import_path(&store, &path, &opts, &NoProgress)
            .await
            .unwrap();
        assert!(report.rejected.is_empty());
        assert!(store.service(id).await.unwrap().is_none(), "{status}");
        let c = counts(&store).await;
        assert_eq!((c.services, c.archived_services), (0, 1), "{status}");
        assert!(PublishingStatus::parse(status).unwrap().is_archived());
    }
    // Re-published: served again.
    std::fs::write(&path, &original).unwrap();
    import_path(&store, &path, &opts, &NoProgress)
        .await
        .unwrap();
    assert!(store.service(id).await.unwrap().is_some());
}
