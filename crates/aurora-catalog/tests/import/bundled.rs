//! The dataset compiled into the binary.

use aurora_catalog::{import_bundled, ImportOptions, NoProgress};
use aurora_store::CatalogStore;

use crate::common::{counts, store};

#[tokio::test]
async fn bundled_imports_and_a_second_run_changes_nothing() {
    let (store, _dir) = store().await;
    let first = import_bundled(&store, &ImportOptions::default(), &NoProgress)
        .await
        .unwrap();
    assert!(first.services.inserted >= 32, "{}", first.summary());
    assert!(first.organizations.inserted >= 3);
    assert!(first.channels.inserted >= 43);
    assert!(
        first
            .rejected
            .iter()
            .all(|r| r.reason == "no such service in the catalogue"
                || !r.source.starts_with("bundled:data/ptv/")),
        "{}",
        first.summary()
    );
    assert!(first.sources.iter().any(|s| s == "bundled:data/ptv"));
    let c = counts(&store).await;
    assert!(c.services >= 32);

    let second = import_bundled(&store, &ImportOptions::default(), &NoProgress)
        .await
        .unwrap();
    assert_eq!(second.changes(), 0, "{}", second.summary());
    assert_eq!(counts(&store).await, c);
    if let Some(labels) = &first.labels {
        assert_eq!(c.labelled_services, labels.applied);
        assert_eq!(second.labels.as_ref().unwrap().unchanged, labels.applied);
    }
    assert!(store
        .service("6c00d407-d3fd-4c7e-a373-57be9f3b2cff")
        .await
        .unwrap()
        .is_some());
}
