//! Reads: paging and totals, Finnish name order, single records, channels, organisations,
//! counts, and corrupt documents.

use aurora_model::{ChannelKind, Dimension, Lang, Meters, ServiceFilter};
use aurora_store::{CatalogStore, Error, ImportBatch, Page};

use crate::fixture::{self, short, uuid};
use crate::harness::TestDb;

pub async fn service_pages_are_ordered_with_totals(db: &TestDb) {
    fixture::load(db).await;
    // Finnish order: case-insensitive, and Ä/Ö after Z.
    let mut extra = vec![
        fixture::service("aa000001", "Ääninen palvelu"),
        fixture::service("aa000002", "öljyneuvonta"),
        fixture::service("aa000003", "zeta-palvelu"),
        // Same name: ordered by id.
        fixture::service("aa000005", "Harrastustoiminta"),
    ];
    extra.push(fixture::service("aa000004", "ahkera palvelu"));
    db.store
        .apply_batch(&ImportBatch {
            services: extra,
            ..ImportBatch::default()
        })
        .await
        .expect("apply");
    let all = ServiceFilter::default();
    let mut names = Vec::new();
    let mut offset = 0;
    loop {
        let page = db
            .store
            .services(&all, Page { limit: 3, offset })
            .await
            .expect("page");
        assert_eq!(page.total, 12);
        if page.items.is_empty() {
            break;
        }
        assert!(page.items.len() <= 3);
        names.extend(
            page.items
                .iter()
                .map(|s| (s.name.get(Lang::Fi).unwrap_or("").to_string(), short(&s.id))),
        );
        offset += 3;
    }
    let expected = [
        ("ahkera palvelu", "aa000004"),
        ("Harrastustoiminta", "aa000005"),
        ("Harrastustoiminta", "e7df7411"),
        ("Kansallinen palvelu luokissa 4.1 ja 10.2", "811c88b7"),
        ("Osallistu päätöksentekoon ja vaikuta", "07058248"),
        ("Palvelu luokassa 5.3", "b9e2ff7d"),
        ("Palvelu luokissa 5.1 ja 10.2", "909e5065"),
        ("Taideopetus kulttuurikeskuksissa", "d64476db"),
        ("Työnhakuvalmennus", "6c415cf0"),
        ("zeta-palvelu", "aa000003"),
        ("Ääninen palvelu", "aa000001"),
        ("öljyneuvonta", "aa000002"),
    ];
    let expected: Vec<(String, String)> = expected
        .iter()
        .map(|(n, i)| (n.to_string(), i.to_string()))
        .collect();
    assert_eq!(names, expected);

    // Past the end: no items, the total still told. Limit 0: only the total.
    let page = db
        .store
        .services(
            &all,
            Page {
                limit: 10,
                offset: 100,
            },
        )
        .await
        .expect("past end");
    assert!(page.items.is_empty());
    assert_eq!(page.total, 12);
    let page = db
        .store
        .services(&all, Page::first(0))
        .await
        .expect("limit 0");
    assert!(page.items.is_empty());
    assert_eq!(page.total, 12);
    // A filtered page.
    let municipal = ServiceFilter {
        include_national: false,
        ..ServiceFilter::default()
    };
    let page = db
        .store
        .services(
            &municipal,
            Page {
                limit: 2,
                offset: 1,
            },
        )
        .await
        .expect("filtered page");
    assert_eq!(page.total, 4);
    let ids: Vec<String> = page.items.iter().map(|s| short(&s.id)).collect();
    assert_eq!(ids, vec!["b9e2ff7d", "909e5065"]);
}

pub async fn page_limit_is_capped(db: &TestDb) {
    let n = Page::MAX_LIMIT as usize + 20;
    let services = (0..n)
        .map(|i| fixture::service(&format!("{i:08x}"), &format!("Palvelu {i:04}")))
        .collect();
    db.store
        .apply_batch(&ImportBatch {
            services,
            ..ImportBatch::default()
        })
        .await
        .expect("apply");
    let page = db
        .store
        .services(&ServiceFilter::default(), Page::first(u32::MAX))
        .await
        .expect("page");
    assert_eq!(page.items.len(), Page::MAX_LIMIT as usize);
    assert_eq!(page.total, n as u64);
    let rest = db
        .store
        .services(
            &ServiceFilter::default(),
            Page {
                limit: u32::MAX,
                offset: u64::from(Page::MAX_LIMIT),
            },
        )
        .await
        .expect("rest");
    assert_eq!(rest.items.len(), 20);
    assert_eq!(
        db.store
            .service_ids(&ServiceFilter::default())
            .await
            .expect("ids")
            .len(),
        n
    );
}

pub async fn service_returns_published_only_with_labels(db: &TestDb) {
    fixture::load(db).await;
    let d6 = db
        .store
        .service(&uuid("d64476db"))
        .await
        .expect("read")
        .expect("present");
    assert_eq!(d6, fixture::services()[0]);
    assert_eq!(d6.labels_3x10d, None);
    assert!(db
        .store
        .service(&uuid("d65dbaf8"))
        .await
        .expect("read")
        .is_none());
    assert!(db
        .store
        .service(&uuid("deadbeef"))
        .await
        .expect("read")
        .is_none());
    let m = Meters::from_pairs([(Dimension::Health, 1.0)]);
    db.store
        .set_labels(&[(uuid("d64476db"), m.clone())])
        .await
        .expect("labels");
    let d6 = db
        .store
        .service(&uuid("d64476db"))
        .await
        .expect("read")
        .expect("present");
    assert_eq!(d6.labels_3x10d, Some(m));
}

pub async fn all_services_returns_published_in_id_order(db: &TestDb) {
    fixture::load(db).await;
    let all = db.store.all_services().await.expect("all");
    let ids: Vec<String> = all.iter().map(|s| short(&s.id)).collect();
    assert_eq!(
        ids,
        vec!["07058248", "6c415cf0", "811c88b7", "909e5065", "b9e2ff7d", "d64476db", "e7df7411"]
    );
    // Documents round-trip exactly.
    let expected: Vec<_> = {
        let mut v: Vec<_> = fixture::services()
            .into_iter()
            .filter(|s| !s.is_archived())
            .collect();
        v.sort_by(|a, b| a.id.cmp(&b.id));
        v
    };
    assert_eq!(all, expected);
}

pub async fn channels_by_ids_keeps_order_and_skips_archived(db: &TestDb) {
    fixture::load(db).await;
    let ids = vec![
        uuid("d589d34d"),
        uuid("deadbeef"),
        uuid("f283c2dc"),
        uuid("0a7c7a1e"), // archived
        uuid("fadd4cc4"),
        uuid("f283c2dc"), // repeated
    ];
    let got: Vec<String> = db
        .store
        .channels_by_ids(&ids)
        .await
        .expect("by ids")
        .iter()
        .map(|c| short(&c.id))
        .collect();
    assert_eq!(got, vec!["d589d34d", "f283c2dc", "fadd4cc4"]);
    assert!(db
        .store
        .channels_by_ids(&[])
        .await
        .expect("none")
        .is_empty());
    assert!(db
        .store
        .channel(&uuid("0a7c7a1e"))
        .await
        .expect("read")
        .is_none());
    let e = db
        .store
        .channel(&uuid("f283c2dc"))
        .await
        .expect("read")
        .expect("present");
    assert_eq!(e.kind, ChannelKind::EChannel);
    assert_eq!(e, fixture::channels()[0]);
}

pub async fn channels_list_by_kind(db: &TestDb) {
    fixture::load(db).await;
    let all = db.store.channels(None, Page::first(10)).await.expect("all");
    assert_eq!(all.total, 3);
    let names: Vec<&str> = all
        .items
        .iter()
        .map(|c| c.name.get(Lang::Fi).unwrap_or(""))
        .collect();
    assert_eq!(names, vec!["Lomake", "Puhelinpalvelu", "Verkkoasiointi"]);
    let phones = db
        .store
        .channels(Some(ChannelKind::Phone), Page::first(10))
        .await
        .expect("phones");
    assert_eq!(phones.total, 1);
    assert_eq!(short(&phones.items[0].id), "fadd4cc4");
    let web = db
        .store
        .channels(Some(ChannelKind::WebPage), Page::first(10))
        .await
        .expect("web pages");
    assert_eq!((web.total, web.items.len()), (0, 0));
    let second = db
        .store
        .channels(
            None,
            Page {
                limit: 1,
                offset: 1,
            },
        )
        .await
        .expect("second");
    assert_eq!(second.total, 3);
    assert_eq!(short(&second.items[0].id), "fadd4cc4");
}

pub async fn organizations_list(db: &TestDb) {
    fixture::load(db).await;
    let page = db.store.organizations(Page::first(10)).await.expect("orgs");
    assert_eq!(page.total, 2);
    let ids: Vec<String> = page.items.iter().map(|o| short(&o.id)).collect();
    // "Helsingin kaupunki" before the Swedish-only "Åbo stad" (Å sorts after Z).
    assert_eq!(ids, vec!["7fe7fe7f", "5b5b5b5b"]);
    assert!(db
        .store
        .organization(&uuid("0e0e0e0e"))
        .await
        .expect("read")
        .is_none());
    let o = db
        .store
        .organization(&uuid("5b5b5b5b"))
        .await
        .expect("read")
        .expect("present");
    assert_eq!(o.name.get(Lang::Fi), Some("Åbo stad"));
    let p2 = db
        .store
        .organizations(Page {
            limit: 1,
            offset: 1,
        })
        .await
        .expect("page 2");
    assert_eq!((p2.total, p2.items.len()), (2, 1));
}

pub async fn counts_and_ping(db: &TestDb) {
    db.store.ping().await.expect("ping");
    assert_eq!(db.store.counts().await.expect("empty"), Default::default());
    fixture::load(db).await;
    db.store
        .set_labels(&[
            (
                uuid("d64476db"),
                Meters::from_pairs([(Dimension::Family, 1.0)]),
            ),
            // Labels of an archived service are kept but not counted.
            (
                uuid("d65dbaf8"),
                Meters::from_pairs([(Dimension::Family, 1.0)]),
            ),
        ])
        .await
        .expect("labels");
    let c = db.store.counts().await.expect("counts");
    assert_eq!(c.services, 7);
    assert_eq!(c.archived_services, 1);
    assert_eq!(c.channels, 3);
    assert_eq!(c.organizations, 2);
    assert_eq!(c.labelled_services, 1);
    assert_eq!(
        db.store.backend(),
        db.backend,
        "the store reports its backend"
    );
    // A closed pool is an unavailable database, not a bug.
    db.store.close().await;
    let err = db.store.ping().await.expect_err("closed");
    assert!(err.is_unavailable(), "{err:?}");
}

pub async fn corrupt_document_is_reported(db: &TestDb) {
    fixture::load(db).await;
    sqlx::query("UPDATE services SET doc = $1 WHERE id = $2")
        .bind("{not json")
        .bind(uuid("e7df7411"))
        .execute(db.raw())
        .await
        .expect("corrupt it");
    match db.store.service(&uuid("e7df7411")).await {
        Err(Error::Corrupt { kind, id, .. }) => {
            assert_eq!(kind, "service");
            assert_eq!(id, uuid("e7df7411"));
        }
        other => panic!("expected Corrupt, got {other:?}"),
    }
    assert!(matches!(
        db.store.all_services().await,
        Err(Error::Corrupt { .. })
    ));
    // Other records still read.
    assert!(db
        .store
        .service(&uuid("d64476db"))
        .await
        .expect("read")
        .is_some());
    // Corrupt labels too.
    sqlx::query("INSERT INTO service_labels (service_id, doc, updated_at) VALUES ($1, $2, $3)")
        .bind(uuid("d64476db"))
        .bind("[1, 2")
        .bind("2024-01-01T00:00:00Z")
        .execute(db.raw())
        .await
        .expect("corrupt labels");
    assert!(matches!(
        db.store.service(&uuid("d64476db")).await,
        Err(Error::Corrupt { kind: "labels", .. })
    ));
}
