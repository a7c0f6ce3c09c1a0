//! `import_path` recognises the pilot directory and the label workbook.

use std::path::{Path, PathBuf};

use aurora_catalog::{import_path, labels, ImportError, ImportOptions, NoProgress};
use aurora_store::CatalogStore;

use crate::common::{counts, fixture, store};

fn data(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../data")
        .join(rel)
}

#[tokio::test]
async fn the_pilot_directory_is_recognised() {
    let (store, _dir) = store().await;
    let opts = ImportOptions::default();
    let first = import_path(&store, &data("ptv-pilot"), &opts, &NoProgress)
        .await
        .unwrap();
    assert!(first.services.inserted > 100, "{}", first.summary());
    assert!(first.organizations.inserted > 100, "{}", first.summary());
    let again = import_path(&store, &data("ptv-pilot"), &opts, &NoProgress)
        .await
        .unwrap();
    assert_eq!(again.changes(), 0, "{}", again.summary());
}

/// A store holding one real service re-identified as the first service of the workbook.
async fn store_with_labelled_service() -> (aurora_store::SqlStore, tempfile::TempDir, String) {
    let workbook = data("labels/3x10d_labelled_233.xlsx");
    let (labels, _) = labels::read_workbook(&workbook).unwrap();
    let id = labels
        .iter()
        .find(|(_, m)| !m.is_empty())
        .map(|(id, _)| id.clone())
        .unwrap();
    let (store, dir) = store().await;
    let text = std::fs::read_to_string(fixture("shapes/object.json"))
        .unwrap()
        .replace("610325e0-f485-4caa-bd3b-5bf74d5480c5", &id);
    let path = dir.path().join("service.json");
    std::fs::write(&path, text).unwrap();
    import_path(&store, &path, &ImportOptions { strict: true }, &NoProgress)
        .await
        .unwrap();
    (store, dir, id)
}

#[tokio::test]
async fn a_workbook_labels_existing_services_and_reports_the_rest() {
    let workbook = data("labels/3x10d_labelled_233.xlsx");
    let (store, dir, id) = store_with_labelled_service().await;
    let report = import_path(&store, &workbook, &ImportOptions::default(), &NoProgress)
        .await
        .unwrap();
    let outcome = report.labels.clone().unwrap();
    assert_eq!(outcome.applied, 1, "{}", report.summary());
    assert_eq!(report.changes(), 1);
    assert_eq!(report.rejected.len(), outcome.unknown_ids.len());
    let r = &report.rejected[0];
    assert_eq!(r.reason, "no such service in the catalogue");
    assert_eq!(r.source, workbook.display().to_string());
    assert!(store
        .service(&id)
        .await
        .unwrap()
        .unwrap()
        .labels_3x10d
        .is_some());

    // Applying again changes nothing; re-importing the service keeps its labels.
    let again = import_path(&store, &workbook, &ImportOptions::default(), &NoProgress)
        .await
        .unwrap();
    assert_eq!(again.changes(), 0, "{}", again.summary());
    let reimport = import_path(
        &store,
        &dir.path().join("service.json"),
        &ImportOptions::default(),
        &NoProgress,
    )
    .await
    .unwrap();
    assert_eq!(reimport.changes(), 0);
    assert!(store
        .service(&id)
        .await
        .unwrap()
        .unwrap()
        .labels_3x10d
        .is_some());
}

#[tokio::test]
async fn a_strict_workbook_import_with_unknown_services_writes_nothing() {
    let workbook = data("labels/3x10d_labelled_233.xlsx");
    let (store, _dir, id) = store_with_labelled_service().await;
    let err = import_path(
        &store,
        &workbook,
        &ImportOptions { strict: true },
        &NoProgress,
    )
    .await
    .unwrap_err();
    assert!(matches!(err, ImportError::Strict { .. }), "{err:?}");
    assert!(err
        .rejections()
        .iter()
        .all(|r| r.reason == "no such service in the catalogue" && r.id.as_deref() != Some(&id)));
    assert_eq!(counts(&store).await.labelled_services, 0);
}
