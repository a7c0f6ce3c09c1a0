//! `apply_batch`, `archive_services` and `set_labels`: outcomes, idempotence, atomicity, and
//! labels surviving re-imports.

use aurora_model::{Dimension, Meters, PublishingStatus, ServiceFilter, ServiceKind};
use aurora_store::{BatchCounts, CatalogStore, ImportBatch, Page};

use crate::fixture::{self, matching, set, uuid};
use crate::harness::TestDb;
use aurora_store::Backend;

fn counts(inserted: u64, updated: u64, unchanged: u64, archived: u64) -> BatchCounts {
    BatchCounts {
        inserted,
        updated,
        unchanged,
        archived,
    }
}

async fn catalog_version(db: &TestDb) -> i64 {
    db.store.catalog_version().await.expect("catalog_version")
}

pub async fn first_import_inserts_and_counts_archived(db: &TestDb) {
    let out = db
        .store
        .apply_batch(&fixture::batch())
        .await
        .expect("apply");
    assert_eq!(out.services, counts(8, 0, 0, 1));
    assert_eq!(out.channels, counts(4, 0, 0, 1));
    assert_eq!(out.organizations, counts(3, 0, 0, 1));
    let c = db.store.counts().await.expect("counts");
    assert_eq!(
        (c.services, c.archived_services, c.channels, c.organizations),
        (7, 1, 3, 2)
    );
    assert_eq!(catalog_version(db).await, 1);
    // An empty batch changes nothing.
    let out = db
        .store
        .apply_batch(&ImportBatch::default())
        .await
        .expect("empty");
    assert_eq!(out.services.changed() + out.channels.changed(), 0);
    assert_eq!(catalog_version(db).await, 1);
}

pub async fn reapplying_identical_content_changes_nothing(db: &TestDb) {
    fixture::load(db).await;
    let version = catalog_version(db).await;
    let before = updated_at_snapshot(db).await;
    let out = db
        .store
        .apply_batch(&fixture::batch())
        .await
        .expect("re-apply");
    assert_eq!(out.services, counts(0, 0, 8, 0));
    assert_eq!(out.channels, counts(0, 0, 4, 0));
    assert_eq!(out.organizations, counts(0, 0, 3, 0));
    assert_eq!(out.services.changed(), 0);
    // Nothing written: not even the version counter or a timestamp moved.
    assert_eq!(catalog_version(db).await, version);
    assert_eq!(updated_at_snapshot(db).await, before);
}

async fn updated_at_snapshot(db: &TestDb) -> Vec<(String, String)> {
    use sqlx::Row;
    sqlx::query("SELECT id, updated_at FROM services ORDER BY id")
        .fetch_all(db.raw())
        .await
        .expect("snapshot")
        .iter()
        .map(|r| (r.get::<String, _>(0), r.get::<String, _>(1)))
        .collect()
}

pub async fn changed_content_is_updated_and_children_replaced(db: &TestDb) {
    fixture::load(db).await;
    let mut batch = fixture::batch();
    let b9 = batch
        .services
        .iter_mut()
        .find(|s| s.id == uuid("b9e2ff7d"))
        .expect("b9e2ff7d");
    b9.service_classes = fixture::codes(&["P1.1"]);
    b9.areas = fixture::in_municipality(b9.clone(), "638").areas;
    b9.kind = ServiceKind::PermitOrObligation;
    batch.channels[1].name = aurora_model::Localized::one(aurora_model::Lang::Fi, "Uusi nimi");
    let out = db.store.apply_batch(&batch).await.expect("apply changed");
    assert_eq!(out.services, counts(0, 1, 7, 0));
    assert_eq!(out.channels, counts(0, 1, 3, 0));
    assert_eq!(out.organizations, counts(0, 0, 3, 0));

    // The old child rows are gone and the new ones answer.
    let p53 = ServiceFilter {
        service_classes: vec!["P5.3".into()],
        ..ServiceFilter::default()
    };
    assert_eq!(matching(db, &p53).await, set(&[]));
    let p1 = ServiceFilter {
        service_classes: vec!["P1".into()],
        ..ServiceFilter::default()
    };
    assert_eq!(matching(db, &p1).await, set(&["b9e2ff7d"]));
    let helsinki = ServiceFilter {
        municipality_codes: vec!["091".into()],
        include_national: false,
        ..ServiceFilter::default()
    };
    assert_eq!(
        matching(db, &helsinki).await,
        set(&["d64476db", "e7df7411"])
    );
    let stored = db
        .store
        .service(&uuid("b9e2ff7d"))
        .await
        .expect("read")
        .expect("present");
    assert_eq!(stored.kind, ServiceKind::PermitOrObligation);
    let ch = db
        .store
        .channel(&uuid("fadd4cc4"))
        .await
        .expect("read")
        .expect("present");
    assert_eq!(ch.name.get(aurora_model::Lang::Fi), Some("Uusi nimi"));
}

pub async fn status_change_archives_and_republication_restores(db: &TestDb) {
    fixture::load(db).await;
    let mut batch = fixture::batch();
    let e7 = batch
        .services
        .iter_mut()
        .find(|s| s.id == uuid("e7df7411"))
        .expect("e7df7411");
    e7.publishing_status = PublishingStatus::Withdrawn;
    let out = db.store.apply_batch(&batch).await.expect("withdraw");
    assert_eq!(out.services, counts(0, 1, 7, 1));
    assert!(db
        .store
        .service(&uuid("e7df7411"))
        .await
        .expect("read")
        .is_none());
    assert!(!matching(db, &ServiceFilter::default())
        .await
        .contains("e7df7411"));
    let c = db.store.counts().await.expect("counts");
    assert_eq!((c.services, c.archived_services), (6, 2));

    // Published again: back.
    let out = db
        .store
        .apply_batch(&fixture::batch())
        .await
        .expect("republish");
    assert_eq!(out.services, counts(0, 1, 7, 0));
    assert!(db
        .store
        .service(&uuid("e7df7411"))
        .await
        .expect("read")
        .is_some());
    assert_eq!(db.store.counts().await.expect("counts").services, 7);
}

/// A batch that fails in the middle (a trigger rejects the last organisation, after services
/// and channels were written) leaves nothing behind.
pub async fn batch_is_atomic(db: &TestDb) {
    fixture::load(db).await;
    let trigger = match db.backend {
        Backend::Sqlite => {
            "CREATE TRIGGER reject_boom BEFORE INSERT ON organizations \
             WHEN NEW.id = 'boom' BEGIN SELECT RAISE(ABORT, 'boom rejected'); END;"
        }
        Backend::Postgres => {
            "CREATE FUNCTION reject_boom() RETURNS trigger LANGUAGE plpgsql AS $$ \
             BEGIN IF NEW.id = 'boom' THEN RAISE EXCEPTION 'boom rejected'; END IF; \
             RETURN NEW; END $$; \
             CREATE TRIGGER reject_boom BEFORE INSERT ON organizations \
             FOR EACH ROW EXECUTE FUNCTION reject_boom();"
        }
    };
    sqlx::raw_sql(trigger)
        .execute(db.raw())
        .await
        .expect("trigger");
    let version = catalog_version(db).await;

    let mut batch = fixture::batch();
    batch
        .services
        .push(fixture::service("aaaaaaaa", "Uusi palvelu"));
    batch.services[0].name = aurora_model::Localized::one(aurora_model::Lang::Fi, "Muutettu");
    batch.channels.push(fixture::channel(
        "cccccccc",
        aurora_model::ChannelKind::Phone,
        "Uusi kanava",
    ));
    let mut boom = fixture::organization("00000000", "Räjähtävä");
    boom.id = "boom".into();
    batch.organizations.push(boom);
    let err = db
        .store
        .apply_batch(&batch)
        .await
        .expect_err("the trigger must fail the batch");
    assert!(err.to_string().contains("boom rejected"), "{err}");

    assert!(db
        .store
        .service(&uuid("aaaaaaaa"))
        .await
        .expect("read")
        .is_none());
    assert_eq!(
        db.store
            .service(&batch.services[0].id)
            .await
            .expect("read")
            .expect("kept")
            .name,
        fixture::services()[0].name
    );
    assert!(db
        .store
        .channel(&uuid("cccccccc"))
        .await
        .expect("read")
        .is_none());
    let c = db.store.counts().await.expect("counts");
    assert_eq!((c.services, c.channels, c.organizations), (7, 3, 2));
    assert_eq!(catalog_version(db).await, version);
    // The store is usable afterwards and the fixture is intact.
    let out = db
        .store
        .apply_batch(&fixture::batch())
        .await
        .expect("apply after failure");
    assert_eq!(out.services, counts(0, 0, 8, 0));
}

pub async fn duplicate_ids_in_a_batch_keep_the_last(db: &TestDb) {
    let mut first = fixture::service("abcdef01", "Ensimmäinen versio");
    first.service_classes = fixture::codes(&["P5.1"]);
    let mut second = fixture::service("abcdef01", "Toinen versio");
    second.service_classes = fixture::codes(&["P4.1"]);
    let batch = ImportBatch {
        services: vec![first, second],
        ..ImportBatch::default()
    };
    let out = db.store.apply_batch(&batch).await.expect("apply");
    assert_eq!(out.services, counts(1, 0, 0, 0));
    let s = db
        .store
        .service(&uuid("abcdef01"))
        .await
        .expect("read")
        .expect("present");
    assert_eq!(s.name.get(aurora_model::Lang::Fi), Some("Toinen versio"));
    let p4 = ServiceFilter {
        service_classes: vec!["P4".into()],
        ..ServiceFilter::default()
    };
    assert_eq!(matching(db, &p4).await, set(&["abcdef01"]));
}

fn meters(pairs: &[(Dimension, f32)]) -> Meters {
    Meters::from_pairs(pairs.iter().copied())
}

pub async fn labels_survive_reimport(db: &TestDb) {
    fixture::load(db).await;
    let d6 = meters(&[
        (Dimension::Resilience, 1.0),
        (Dimension::Family, 1.0),
        (Dimension::SelfEsteem, 0.5),
    ]);
    let e7 = meters(&[(Dimension::Housing, 1.0), (Dimension::SelfEsteem, 1.0)]);
    let labels = vec![
        (uuid("d64476db"), d6.clone()),
        (uuid("e7df7411"), e7.clone()),
        (uuid("deadbeef"), e7.clone()),
    ];
    let out = db.store.set_labels(&labels).await.expect("set labels");
    assert_eq!(out.applied, 2);
    assert_eq!(out.unchanged, 0);
    assert_eq!(out.unknown_ids, vec![uuid("deadbeef")]);
    let again = db
        .store
        .set_labels(&labels)
        .await
        .expect("set labels again");
    assert_eq!((again.applied, again.unchanged), (0, 2));

    // Re-import identical content, then changed content: labels stay.
    let out = db
        .store
        .apply_batch(&fixture::batch())
        .await
        .expect("re-import");
    assert_eq!(out.services.changed(), 0);
    let mut batch = fixture::batch();
    batch.services[0].summary =
        aurora_model::Localized::one(aurora_model::Lang::Fi, "Uusi tiivistelmä");
    let out = db.store.apply_batch(&batch).await.expect("changed import");
    assert_eq!(out.services.updated, 1);
    let s = db
        .store
        .service(&uuid("d64476db"))
        .await
        .expect("read")
        .expect("present");
    assert_eq!(s.labels_3x10d, Some(d6.clone()));
    assert_eq!(
        s.summary.get(aurora_model::Lang::Fi),
        Some("Uusi tiivistelmä")
    );
    let page = db
        .store
        .services(&ServiceFilter::default(), Page::first(50))
        .await
        .expect("page");
    let labelled = page
        .items
        .iter()
        .filter(|s| s.labels_3x10d.is_some())
        .count();
    assert_eq!(labelled, 2);
    let all = db.store.all_services().await.expect("all");
    assert_eq!(all.iter().filter(|s| s.labels_3x10d.is_some()).count(), 2);
    assert_eq!(
        db.store.counts().await.expect("counts").labelled_services,
        2
    );

    // Changing one label value is applied.
    let changed = vec![(uuid("e7df7411"), meters(&[(Dimension::Housing, 0.25)]))];
    let out = db.store.set_labels(&changed).await.expect("change label");
    assert_eq!((out.applied, out.unchanged), (1, 0));
    let s = db
        .store
        .service(&uuid("e7df7411"))
        .await
        .expect("read")
        .expect("present");
    assert_eq!(
        s.labels_3x10d.and_then(|m| m.get(Dimension::Housing)),
        Some(0.25)
    );
}

pub async fn labels_carried_in_a_batch_are_stored(db: &TestDb) {
    let mut batch = fixture::batch();
    let m = meters(&[(Dimension::Health, 1.0)]);
    batch.services[0].labels_3x10d = Some(m.clone());
    let out = db.store.apply_batch(&batch).await.expect("apply");
    assert_eq!(out.services.inserted, 8);
    let s = db
        .store
        .service(&uuid("d64476db"))
        .await
        .expect("read")
        .expect("present");
    assert_eq!(s.labels_3x10d, Some(m.clone()));
    // The same again: unchanged. Without labels: unchanged, labels kept.
    assert_eq!(
        db.store
            .apply_batch(&batch)
            .await
            .expect("again")
            .services
            .changed(),
        0
    );
    assert_eq!(
        db.store
            .apply_batch(&fixture::batch())
            .await
            .expect("no labels")
            .services
            .changed(),
        0
    );
    // Different labels only: the service counts as updated.
    batch.services[0].labels_3x10d = Some(meters(&[(Dimension::Finance, 1.0)]));
    let out = db.store.apply_batch(&batch).await.expect("new labels");
    assert_eq!(out.services, counts(0, 1, 7, 0));
    let s = db
        .store
        .service(&uuid("d64476db"))
        .await
        .expect("read")
        .expect("present");
    assert_eq!(
        s.labels_3x10d.and_then(|m| m.get(Dimension::Finance)),
        Some(1.0)
    );
}

pub async fn archive_services_by_id(db: &TestDb) {
    fixture::load(db).await;
    let ids = vec![
        uuid("d64476db"),
        uuid("d64476db"),
        uuid("d65dbaf8"), // already archived
        uuid("deadbeef"), // unknown
        uuid("811c88b7"),
    ];
    assert_eq!(db.store.archive_services(&ids).await.expect("archive"), 2);
    assert_eq!(
        db.store
            .archive_services(&ids)
            .await
            .expect("archive again"),
        0
    );
    assert_eq!(db.store.archive_services(&[]).await.expect("nothing"), 0);
    assert!(db
        .store
        .service(&uuid("d64476db"))
        .await
        .expect("read")
        .is_none());
    assert_eq!(
        matching(db, &ServiceFilter::default()).await,
        set(&["e7df7411", "6c415cf0", "07058248", "b9e2ff7d", "909e5065"])
    );
    let c = db.store.counts().await.expect("counts");
    assert_eq!((c.services, c.archived_services), (5, 3));
    // The stored document says Archived.
    use sqlx::Row;
    let doc: String = sqlx::query("SELECT doc FROM services WHERE id = $1")
        .bind(uuid("d64476db"))
        .fetch_one(db.raw())
        .await
        .expect("doc")
        .get(0);
    let stored: aurora_model::Service = serde_json::from_str(&doc).expect("json");
    assert_eq!(stored.publishing_status, PublishingStatus::Archived);
    // Re-importing the published version brings them back as updates.
    let out = db
        .store
        .apply_batch(&fixture::batch())
        .await
        .expect("republish");
    assert_eq!(out.services, counts(0, 2, 6, 0));
    assert_eq!(db.store.counts().await.expect("counts").services, 7);
}
