//! The import benchmark: 100,000 synthetic services (about 3 KB of JSON each, 5
//! municipalities, 2 classes, 2 target groups) in one batch, on SQLite and, when
//! `AURORA_TEST_DATABASE_URL` is set, on PostgreSQL. Targets: ≤ 20 s on SQLite, ≤ 60 s on
//! PostgreSQL (2 cores). Run in release:
//!
//! ```text
//! cargo test -p aurora-store --release --test conformance -- --ignored --nocapture import_100k
//! ```
//!
//! `AURORA_BENCH_SERVICES=N` changes the count.

use std::time::Instant;

use aurora_model::{
    Area, AreaKindPtv, AreaType, CodeLists, CodeRef, FundingType, Lang, LangValue, Localized,
    OntologyTerm, OrganizationRole, Origin, PublishingStatus, Service, ServiceChannelLink,
    ServiceFilter, ServiceOrganization,
};
use aurora_store::{CatalogStore, ImportBatch, Page};

use crate::fixture;
use crate::harness::TestDb;

/// A small deterministic generator (xorshift64*).
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

const WORDS: &[&str] = &[
    "palvelu",
    "asiakas",
    "kunta",
    "tuki",
    "hakemus",
    "neuvonta",
    "terveys",
    "asuminen",
    "perhe",
    "lapsi",
    "nuori",
    "ikäihminen",
    "työ",
    "koulutus",
    "opiskelu",
    "harrastus",
    "kulttuuri",
    "liikunta",
    "sosiaalityö",
    "toimeentulo",
    "ajanvaraus",
    "verkkoasiointi",
    "päätös",
    "maksu",
    "yhteystiedot",
    "kotihoito",
    "vammaispalvelu",
    "mielenterveys",
    "päihdetyö",
    "kirjasto",
    "ympäristö",
    "rakentaminen",
    "lupa",
    "ilmoitus",
    "rekisteri",
];

fn text(rng: &mut Rng, chars: usize) -> String {
    let mut s = String::with_capacity(chars + 16);
    while s.len() < chars {
        if !s.is_empty() {
            s.push(' ');
        }
        s.push_str(WORDS[rng.below(WORDS.len())]);
    }
    s
}

fn localized(rng: &mut Rng, chars: usize) -> Localized {
    Localized::new(&text(rng, chars), &text(rng, chars), &text(rng, chars))
}

fn code_refs(rng: &mut Rng, codes: &[&str], n: usize) -> Vec<CodeRef> {
    (0..n)
        .map(|_| CodeRef {
            code: codes[rng.below(codes.len())].to_string(),
            uri: None,
        })
        .collect()
}

/// `n` synthetic services, deterministic.
pub fn synthetic(n: usize) -> Vec<Service> {
    let lists = CodeLists::get();
    let municipalities: Vec<&str> = lists
        .municipalities()
        .iter()
        .map(|m| m.code.as_str())
        .collect();
    let classes: Vec<&str> = lists
        .service_classes()
        .iter()
        .map(|c| c.code.as_str())
        .collect();
    let groups: Vec<&str> = lists
        .target_groups()
        .iter()
        .map(|c| c.code.as_str())
        .collect();
    let events: Vec<&str> = lists
        .life_events()
        .iter()
        .map(|c| c.code.as_str())
        .collect();
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    (0..n)
        .map(|_| {
            let mut s = fixture::service("00000000", "");
            s.id = format!(
                "{:08x}-{:04x}-4{:03x}-8{:03x}-{:012x}",
                rng.next() as u32,
                rng.next() as u16,
                rng.next() as u16 & 0xfff,
                rng.next() as u16 & 0xfff,
                rng.next() & 0xffff_ffff_ffff
            );
            s.name = localized(&mut rng, 40);
            s.summary = localized(&mut rng, 150);
            s.description = localized(&mut rng, 450);
            s.user_instruction = localized(&mut rng, 60);
            s.origin = Origin::Synthetic;
            s.funding_type = Some(if rng.below(3) == 0 {
                FundingType::MarketFunded
            } else {
                FundingType::PubliclyFunded
            });
            if rng.below(5) == 0 {
                s.area_type = AreaType::Nationwide;
            } else {
                s.area_type = AreaType::LimitedType;
                s.areas = (0..5)
                    .map(|_| Area {
                        kind: AreaKindPtv::Municipality,
                        code: Some(municipalities[rng.below(municipalities.len())].to_string()),
                        name: Localized::default(),
                        municipalities: Vec::new(),
                    })
                    .collect();
            }
            s.languages = vec!["fi".into(), "sv".into(), "en".into()];
            s.service_classes = code_refs(&mut rng, &classes, 2);
            s.target_groups = code_refs(&mut rng, &groups, 2);
            if rng.below(4) == 0 {
                s.life_events = code_refs(&mut rng, &events, 1);
            }
            s.ontology_terms = (0..3)
                .map(|k| OntologyTerm {
                    uri: format!(
                        "http://www.yso.fi/onto/yso/p{}",
                        1000 + rng.below(30_000) + k
                    ),
                    name: Localized::one(Lang::Fi, WORDS[rng.below(WORDS.len())]),
                })
                .collect();
            s.keywords = (0..3)
                .map(|_| LangValue {
                    lang: Lang::Fi,
                    value: WORDS[rng.below(WORDS.len())].to_string(),
                })
                .collect();
            s.channels = (0..3)
                .map(|_| ServiceChannelLink {
                    channel_id: format!("{:032x}", rng.next()),
                    name: None,
                })
                .collect();
            s.organizations = vec![ServiceOrganization {
                organization_id: format!("{:032x}", rng.next()),
                name: None,
                role: OrganizationRole::Responsible,
                provision_type: Some("SelfProducedServices".into()),
            }];
            if rng.below(50) == 0 {
                s.publishing_status = PublishingStatus::Archived;
            }
            s.modified = Some("2024-05-01T10:00:00Z".into());
            s
        })
        .collect()
}

async fn bench(db: &TestDb, services: &[Service]) {
    let label = format!("{:?}", db.backend).to_lowercase();
    let batch = ImportBatch {
        services: services.to_vec(),
        ..ImportBatch::default()
    };
    let t = Instant::now();
    let out = db.store.apply_batch(&batch).await.expect("import");
    let import = t.elapsed();
    assert_eq!(out.services.inserted as usize, services.len());
    println!(
        "[{label}] import {} services: {:.2} s ({:.0}/s), archived {}",
        services.len(),
        import.as_secs_f64(),
        services.len() as f64 / import.as_secs_f64(),
        out.services.archived
    );

    let t = Instant::now();
    let out = db.store.apply_batch(&batch).await.expect("re-import");
    assert_eq!(out.services.unchanged as usize, services.len());
    println!(
        "[{label}] re-import, all unchanged: {:.2} s",
        t.elapsed().as_secs_f64()
    );

    let mut changed = batch.clone();
    for s in changed.services.iter_mut().step_by(10) {
        s.summary = Localized::one(Lang::Fi, "muutettu tiivistelmä");
    }
    let t = Instant::now();
    let out = db.store.apply_batch(&changed).await.expect("10% changed");
    assert_eq!(out.services.updated as usize, services.len().div_ceil(10));
    println!(
        "[{label}] re-import, 10% changed: {:.2} s",
        t.elapsed().as_secs_f64()
    );

    let filters = [
        (
            "helsinki + national",
            ServiceFilter {
                municipality_codes: vec!["091".into()],
                ..ServiceFilter::default()
            },
        ),
        (
            "region 01, class P5, no national",
            ServiceFilter {
                region_codes: vec!["01".into()],
                service_classes: vec!["P5".into()],
                include_national: false,
                ..ServiceFilter::default()
            },
        ),
        ("everything", ServiceFilter::default()),
    ];
    for (name, f) in &filters {
        let t = Instant::now();
        let page = db.store.services(f, Page::first(50)).await.expect("page");
        let first = t.elapsed();
        let t = Instant::now();
        let deep = db
            .store
            .services(
                f,
                Page {
                    limit: 50,
                    offset: page.total / 2,
                },
            )
            .await
            .expect("deep page");
        let deep_t = t.elapsed();
        let t = Instant::now();
        let ids = db.store.service_ids(f).await.expect("ids");
        println!(
            "[{label}] filter {name}: total {}, first page {:.1} ms, middle page {:.1} ms, ids {:.1} ms",
            page.total,
            first.as_secs_f64() * 1e3,
            deep_t.as_secs_f64() * 1e3,
            t.elapsed().as_secs_f64() * 1e3
        );
        assert_eq!(ids.len() as u64, page.total);
        assert!(deep.items.len() <= 50);
    }
    let t = Instant::now();
    let all = db.store.all_services().await.expect("all");
    println!(
        "[{label}] all_services ({}): {:.2} s",
        all.len(),
        t.elapsed().as_secs_f64()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "benchmark; run in release with --ignored --nocapture"]
async fn import_100k_services() {
    let n: usize = std::env::var("AURORA_BENCH_SERVICES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(100_000);
    let t = Instant::now();
    let services = synthetic(n);
    let bytes: usize = services
        .iter()
        .map(|s| serde_json::to_string(s).map(|j| j.len()).unwrap_or(0))
        .sum();
    println!(
        "generated {n} services in {:.2} s, {:.0} bytes of JSON each on average",
        t.elapsed().as_secs_f64(),
        bytes as f64 / n as f64
    );
    // AURORA_BENCH_KEEP=1 leaves the databases behind for inspection.
    let keep = std::env::var_os("AURORA_BENCH_KEEP").is_some();
    let db = TestDb::sqlite().await;
    bench(&db, &services).await;
    if keep {
        println!("kept {}", db.url);
        std::mem::forget(db);
    } else {
        drop(db);
    }
    if let Some(db) = TestDb::postgres("import_100k_services").await {
        bench(&db, &services).await;
        if keep {
            println!("kept {}", db.url);
            std::mem::forget(db);
        }
    }
}
