//! In-process search benchmark at national scale: 100,000 **synthetic** services.
//!
//! Run: `cargo bench -p aurora-search --bench search -- --quick`
//! (`AURORA_SEARCH_BENCH_SERVICES=20000` for a smaller catalogue).
//!
//! Prints, before criterion's own measurements:
//! * build time and the index's estimated heap size (and the process RSS growth);
//! * lexical query latency p50/p95/p99/max over 56 realistic fi/sv/en queries, unfiltered
//!   and with five kinds of filter (targets: p50 ≤ 1 ms, p99 ≤ 5 ms);
//! * hybrid latency with 384-dimensional vectors on every service, excluding the query
//!   embedding itself (the model is not part of this crate).
//!
//! Every query must return hits (asserted), so a fast wrong change fails.
//!
//! The catalogue is generated here, deterministically, from the built-in code lists (class
//! labels and descriptions in fi/sv/en, municipality names, life events, target groups) and a
//! pool of service sentences; every name ends with "(synteettinen)", "(syntetisk)" or
//! "(synthetic)" and every id starts with `aurora-synthetic-`.

use std::time::{Duration, Instant};

use aurora_model::{
    AreaType, CodeLists, CodeRef, FundingType, LangValue, Localized, PublishingStatus, Service,
    ServiceFilter, ServiceKind,
};
use aurora_search::{IndexOptions, Query, SearchIndex, SearchMode, VectorPrecision, VectorScorer};
use criterion::Criterion;

/// xorshift64*: deterministic and dependency-free.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
    fn chance(&mut self, p: f64) -> bool {
        ((self.next() >> 11) as f64 / (1u64 << 53) as f64) < p
    }
    fn pick<'a, T>(&mut self, v: &'a [T]) -> &'a T {
        &v[self.below(v.len())]
    }
}

const FI_SENTENCES: &[&str] = &[
    "Asumistukea voi hakea Kelasta, kun ruokakunnan tulot ovat pienet.",
    "Hae päivähoitopaikkaa viimeistään neljä kuukautta ennen tarvetta.",
    "Toimeentulotuki on viimesijainen taloudellinen tuki.",
    "Tilaa uusi verokortti OmaVerossa.",
    "Kotihoito tukee ikäihmisten asumista omassa kodissaan.",
    "Ota yhteyttä sosiaalipäivystykseen kiireellisissä tilanteissa.",
    "Palvelu on maksuton kunnan asukkaille.",
    "Ajanvaraus onnistuu puhelimitse tai verkossa.",
    "Hakemukseen tarvitaan tiedot tuloista ja asumismenoista.",
    "Kirjastosta voi lainata kirjoja, elokuvia ja musiikkia.",
    "Uimahallin aukioloajat vaihtelevat kesällä.",
    "Rakennuslupaa haetaan sähköisesti Lupapisteessä.",
    "Mielenterveyspalvelut ovat täysi-ikäisille kuntalaisille.",
    "Lastensuojelun avohuollon tukitoimet auttavat perheitä.",
    "Hammashoitolaan varataan aika terveyskeskuksen kautta.",
    "Hammashoito on aikuisille maksullista.",
    "Omaishoidon tuki on kokonaisuus, joka sisältää palkkion ja palveluita.",
    "Työttömyysturvaa haetaan työttömyyskassasta tai Kelasta.",
    "Opintotukea voi saada toisen asteen ja korkea-asteen opintoihin.",
    "Maahanmuuttajan alkukartoitus tehdään kolmen kuukauden kuluessa.",
    "Yrityksen perustamisessa neuvoo seudun yrityspalvelupiste.",
    "Jätehuolto järjestää jätteiden keräyksen kiinteistöiltä.",
    "Joukkoliikenteen kausilippu ladataan matkakortille.",
    "Vammaispalvelut tukevat vammaisen henkilön itsenäistä elämää.",
    "Velkaneuvonta on maksutonta ja luottamuksellista.",
    "Lapsilisää maksetaan alle 17-vuotiaista lapsista.",
];

const SV_SENTENCES: &[&str] = &[
    "Bostadsbidrag kan sökas hos FPA när hushållets inkomster är små.",
    "Ansök om dagvårdsplats senast fyra månader innan behovet.",
    "Utkomststöd är ett ekonomiskt stöd i sista hand.",
    "Beställ ett nytt skattekort i MinSkatt.",
    "Hemvården stöder äldre att bo kvar hemma.",
    "Tjänsten är avgiftsfri för kommunens invånare.",
    "Tidsbokning sker per telefon eller på nätet.",
    "Biblioteket lånar ut böcker, filmer och musik.",
    "Simhallens öppettider varierar på sommaren.",
    "Bygglov söks elektroniskt.",
    "Barnskyddets stödåtgärder hjälper familjer.",
    "Daghemmen erbjuder småbarnspedagogik för barn under skolåldern.",
    "Ansök om plats på ett daghem via kommunens e-tjänst.",
];

const EN_SENTENCES: &[&str] = &[
    "You can apply for housing allowance from Kela when your household income is low.",
    "Apply for a day care place at least four months before you need it.",
    "Social assistance is a last-resort financial benefit.",
    "Order a new tax card in MyTax.",
    "Home care helps older people to live at home.",
    "The service is free of charge for residents of the municipality.",
    "You can book an appointment by phone or online.",
    "The library lends books, films and music.",
    "Opening hours of the swimming hall vary in summer.",
    "Building permits are applied for online.",
];

const FI_NAME_TAILS: &[&str] = &[
    "palvelut",
    "neuvonta",
    "tuki",
    "hakemus",
    "palvelu",
    "asiakasohjaus",
    "ajanvaraus",
];

fn code(c: &str) -> CodeRef {
    CodeRef {
        code: c.to_string(),
        uri: None,
    }
}

fn sentences(rng: &mut Rng, pool: &[&str], n: usize) -> String {
    (0..n)
        .map(|_| *rng.pick(pool))
        .collect::<Vec<_>>()
        .join(" ")
}

/// `n` synthetic services, deterministic.
fn synthetic(n: usize) -> Vec<Service> {
    let codes = CodeLists::get();
    let classes: Vec<_> = codes
        .service_classes()
        .iter()
        .filter(|c| c.parent.is_some())
        .collect();
    let munis = codes.municipalities();
    let targets = codes.target_groups();
    let events = codes.life_events();
    let mut rng = Rng(0x5EED_A0A0_2026);
    let template: Service = serde_json::from_value(serde_json::json!({
        "id": "x", "kind": "Service", "name": {"fi": "x"}, "area_type": "Nationwide",
        "publishing_status": "Published"
    }))
    .expect("template");
    (0..n)
        .map(|i| {
            let class = *rng.pick(&classes);
            let parent = class.parent.as_deref().and_then(|p| codes.service_class(p));
            let muni = rng.pick(munis);
            let national = rng.chance(0.3);
            let lbl = |l: &Localized, lang| l.get(lang).unwrap_or_default().to_string();
            let fi_label = lbl(&class.label, aurora_model::Lang::Fi);
            let muni_fi = muni.name.get(aurora_model::Lang::Fi).unwrap_or_default();
            let mut s = template.clone();
            s.id = format!("aurora-synthetic-{i}");
            s.kind = ServiceKind::Service;
            s.publishing_status = PublishingStatus::Published;
            let place = if national {
                String::new()
            } else {
                format!("{muni_fi}: ")
            };
            s.name = Localized::one(
                aurora_model::Lang::Fi,
                &format!(
                    "{place}{fi_label} {} (synteettinen)",
                    rng.pick(FI_NAME_TAILS)
                ),
            );
            let mut summary = format!("{} {}", fi_label, sentences(&mut rng, FI_SENTENCES, 1));
            if !national {
                summary.push_str(&format!(" Palvelua tarjoaa {muni_fi}n kunta."));
            }
            s.summary = Localized::one(aurora_model::Lang::Fi, &summary);
            let mut desc = lbl(&class.description, aurora_model::Lang::Fi);
            if let Some(p) = parent {
                desc.push(' ');
                desc.push_str(&lbl(&p.description, aurora_model::Lang::Fi));
            }
            desc.push(' ');
            let k = 2 + rng.below(4);
            desc.push_str(&sentences(&mut rng, FI_SENTENCES, k));
            desc.push_str(&format!(
                " Puhelin 0{} {}.",
                100 + rng.below(900),
                1000 + rng.below(9000)
            ));
            s.description = Localized::one(aurora_model::Lang::Fi, &desc);
            s.user_instruction = Localized::one(
                aurora_model::Lang::Fi,
                &sentences(&mut rng, FI_SENTENCES, 1),
            );
            if rng.chance(0.4) {
                s.name.set(
                    aurora_model::Lang::Sv,
                    &format!("{} (syntetisk)", lbl(&class.label, aurora_model::Lang::Sv)),
                );
                s.summary.set(
                    aurora_model::Lang::Sv,
                    &sentences(&mut rng, SV_SENTENCES, 2),
                );
                s.description.set(
                    aurora_model::Lang::Sv,
                    &format!(
                        "{} {}",
                        lbl(&class.description, aurora_model::Lang::Sv),
                        sentences(&mut rng, SV_SENTENCES, 2)
                    ),
                );
            }
            if rng.chance(0.2) {
                s.name.set(
                    aurora_model::Lang::En,
                    &format!("{} (synthetic)", lbl(&class.label, aurora_model::Lang::En)),
                );
                s.summary.set(
                    aurora_model::Lang::En,
                    &sentences(&mut rng, EN_SENTENCES, 2),
                );
                s.description.set(
                    aurora_model::Lang::En,
                    &format!(
                        "{} {}",
                        lbl(&class.description, aurora_model::Lang::En),
                        sentences(&mut rng, EN_SENTENCES, 2)
                    ),
                );
            }
            s.keywords = fi_label
                .split_whitespace()
                .take(2)
                .map(|w| LangValue {
                    lang: aurora_model::Lang::Fi,
                    value: w.to_lowercase(),
                })
                .collect();
            s.service_classes = vec![code(&class.code)];
            if rng.chance(0.3) {
                s.service_classes.push(code(&rng.pick(&classes).code));
            }
            s.target_groups = vec![code(&rng.pick(targets).code)];
            if rng.chance(0.2) {
                s.life_events = vec![code(&rng.pick(events).code)];
            }
            s.funding_type = Some(if rng.chance(0.85) {
                FundingType::PubliclyFunded
            } else {
                FundingType::MarketFunded
            });
            if national {
                s.area_type = AreaType::Nationwide;
            } else {
                s.area_type = AreaType::LimitedType;
                s.areas = vec![serde_json::from_value(
                    serde_json::json!({"kind": "Municipality", "code": muni.code}),
                )
                .expect("area")];
            }
            s
        })
        .collect()
}

/// Realistic queries in the three languages.
const QUERIES: &[(&str, aurora_model::Lang)] = {
    use aurora_model::Lang::{En, Fi, Sv};
    &[
        ("asumistuki", Fi),
        ("miten haen asumistukea", Fi),
        ("päivähoitopaikka Tampereelle", Fi),
        ("toimeentulotuki", Fi),
        ("työttömyysturva", Fi),
        ("verokortti", Fi),
        ("kotihoito vanhuksille", Fi),
        ("lastensuojelu", Fi),
        ("mielenterveyspalvelut", Fi),
        ("hammashoito", Fi),
        ("terveyskeskus Helsingissä", Fi),
        ("kirjasto", Fi),
        ("uimahalli Turussa", Fi),
        ("rakennuslupa", Fi),
        ("jätehuolto", Fi),
        ("joukkoliikenne kausilippu", Fi),
        ("opintotuki", Fi),
        ("perusopetus", Fi),
        ("esiopetus", Fi),
        ("vammaispalvelut", Fi),
        ("omaishoidon tuki", Fi),
        ("kuntoutus", Fi),
        ("maahanmuuttajan palvelut", Fi),
        ("yrityksen perustaminen", Fi),
        ("avoimet työpaikat", Fi),
        ("eläke", Fi),
        ("velkaneuvonta", Fi),
        ("lapsilisä", Fi),
        ("sosiaalipäivystys", Fi),
        ("ajanvaraus hammaslääkärille", Fi),
        ("bostadsbidrag", Sv),
        ("daghem", Sv),
        ("dagvård för barn", Sv),
        ("utkomststöd", Sv),
        ("skattekort", Sv),
        ("hemvård för äldre", Sv),
        ("hälsovård i Helsingfors", Sv),
        ("bibliotek", Sv),
        ("simhall i Åbo", Sv),
        ("bygglov", Sv),
        ("arbetslöshet", Sv),
        ("barnskydd", Sv),
        ("housing allowance", En),
        ("day care", En),
        ("social assistance", En),
        ("tax card", En),
        ("home care for elderly people", En),
        ("health care", En),
        ("library", En),
        ("swimming hall", En),
        ("building permit", En),
        ("unemployment", En),
        ("student financial aid", En),
        ("moving to Finland", En),
        ("mental health services", En),
        ("waste management", En),
    ]
};

fn filters() -> Vec<(&'static str, ServiceFilter)> {
    let s = |v: &[&str]| v.iter().map(|x| x.to_string()).collect::<Vec<_>>();
    vec![
        (
            "municipality 837 + national",
            ServiceFilter {
                municipality_codes: s(&["837"]),
                ..ServiceFilter::default()
            },
        ),
        (
            "region 06, no national",
            ServiceFilter {
                region_codes: s(&["06"]),
                include_national: false,
                ..ServiceFilter::default()
            },
        ),
        (
            "class P3 (parent)",
            ServiceFilter {
                service_classes: s(&["P3"]),
                ..ServiceFilter::default()
            },
        ),
        (
            "target group KR1.2",
            ServiceFilter {
                target_groups: s(&["KR1.2"]),
                ..ServiceFilter::default()
            },
        ),
        (
            "only national + public",
            ServiceFilter {
                only_national: true,
                funding_types: vec![FundingType::PubliclyFunded],
                ..ServiceFilter::default()
            },
        ),
    ]
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i]
}

fn report(label: &str, mut samples: Vec<Duration>) {
    samples.sort();
    println!(
        "{label:<34} n={:<5} p50={:>8.3} ms  p95={:>8.3} ms  p99={:>8.3} ms  max={:>8.3} ms",
        samples.len(),
        percentile(&samples, 0.50).as_secs_f64() * 1e3,
        percentile(&samples, 0.95).as_secs_f64() * 1e3,
        percentile(&samples, 0.99).as_secs_f64() * 1e3,
        samples.last().unwrap().as_secs_f64() * 1e3,
    );
}

fn rss_kib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmRSS:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

/// A scorer that embeds nothing (the bench passes query vectors itself).
struct NoModel;
impl VectorScorer for NoModel {
    fn dim(&self) -> usize {
        384
    }
    fn embed_query(&self, _: &str) -> Option<Vec<f32>> {
        None
    }
}

/// Multilingual E5 as the query embedder.
struct E5Scorer(aurora_embed::E5Embedder);
impl VectorScorer for E5Scorer {
    fn dim(&self) -> usize {
        aurora_embed::Embedder::dim(&self.0)
    }
    fn embed_query(&self, text: &str) -> Option<Vec<f32>> {
        aurora_embed::Embedder::embed_query(&self.0, text).ok()
    }
}

fn random_vector(rng: &mut Rng, dim: usize) -> Vec<f32> {
    (0..dim)
        .map(|_| (rng.next() >> 40) as f32 / (1u64 << 24) as f32 - 0.5)
        .collect()
}

fn main() {
    let n: usize = std::env::var("AURORA_SEARCH_BENCH_SERVICES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(100_000);
    let t = Instant::now();
    let services = synthetic(n);
    println!(
        "generated {n} synthetic services in {:.2} s",
        t.elapsed().as_secs_f64()
    );

    let rss_before = rss_kib();
    let t = Instant::now();
    let precision = if std::env::var_os("AURORA_SEARCH_BENCH_F32").is_some() {
        VectorPrecision::F32
    } else {
        VectorPrecision::Int8
    };
    let options = IndexOptions {
        vector_precision: precision,
        ..IndexOptions::default()
    };
    let mut index = SearchIndex::build_with(&services, options);
    let build = t.elapsed();
    let rss_after = rss_kib();
    let stats = index.stats();
    println!(
        "build: {:.2} s for {} services",
        build.as_secs_f64(),
        stats.num_services
    );
    println!(
        "index: {} terms, {} postings, estimated {:.1} MiB heap; process RSS grew {:.1} MiB during the build",
        stats.num_terms,
        stats.num_postings,
        stats.estimated_bytes as f64 / 1048576.0,
        match (rss_before, rss_after) {
            (Some(a), Some(b)) => (b.saturating_sub(a)) as f64 / 1024.0,
            _ => f64::NAN,
        }
    );
    drop(services);

    // Warm up the per-thread scratch buffer and caches.
    for (q, lang) in QUERIES {
        let _ = index.search(&Query::new(*q).lang(*lang));
    }
    let rounds = 20;
    let mut unfiltered = Vec::new();
    let mut auto = Vec::new();
    for _ in 0..rounds {
        for (q, lang) in QUERIES {
            let t = Instant::now();
            let r = index.search(&Query::new(*q).lang(*lang));
            unfiltered.push(t.elapsed());
            assert!(!r.hits.is_empty(), "no hits for {q:?}");
            let t = Instant::now();
            let r = index.search(&Query::new(*q));
            auto.push(t.elapsed());
            assert!(!r.hits.is_empty(), "no hits for {q:?} (auto)");
        }
    }
    if std::env::var_os("AURORA_SEARCH_BENCH_SLOWEST").is_some() {
        let mut per_query: Vec<(Duration, &str)> = QUERIES
            .iter()
            .map(|(q, lang)| {
                let t = Instant::now();
                for _ in 0..5 {
                    let _ = index.search(&Query::new(*q).lang(*lang));
                }
                (t.elapsed() / 5, *q)
            })
            .collect();
        per_query.sort();
        for (d, q) in per_query.iter().rev().take(8) {
            println!("  slow: {:>7.3} ms  {q}", d.as_secs_f64() * 1e3);
        }
    }
    report("lexical, no filter, lang given", unfiltered);
    report("lexical, no filter, auto lang", auto);
    let mut all_filtered = Vec::new();
    for (label, f) in filters() {
        let mut samples = Vec::new();
        let mut hits = 0;
        for _ in 0..rounds / 4 {
            for (q, lang) in QUERIES {
                let query = Query::new(*q).lang(*lang).filter(f.clone());
                let t = Instant::now();
                let r = index.search(&query);
                samples.push(t.elapsed());
                hits += r.hits.len();
            }
        }
        // A filter may exclude every match of one query, never of all of them.
        assert!(hits > 0, "no hits at all with the filter {label}");
        all_filtered.extend(samples.iter().copied());
        report(&format!("lexical, {label}"), samples);
    }
    report("lexical, all filters", all_filtered);

    // Hybrid: 384-dim vectors on every service; the query vector is given (no model here).
    let mut rng = Rng(42);
    let t = Instant::now();
    for i in 0..n {
        index
            .set_vector(
                &format!("aurora-synthetic-{i}"),
                random_vector(&mut rng, 384),
            )
            .expect("vector");
    }
    let stats = index.stats();
    println!(
        "vectors ({precision:?}): {} × {} set in {:.2} s; index now estimated {:.1} MiB",
        stats.num_vectors,
        stats.vector_dim,
        t.elapsed().as_secs_f64(),
        stats.estimated_bytes as f64 / 1048576.0
    );
    index.set_vector_scorer(std::sync::Arc::new(NoModel));
    let mut hybrid = Vec::new();
    let mut hybrid_filtered = Vec::new();
    let f = &filters()[0].1;
    for (q, lang) in QUERIES.iter().take(20) {
        let v = random_vector(&mut rng, 384);
        let query = Query::new(*q).lang(*lang).vector(v);
        let t = Instant::now();
        let r = index.search(&query);
        hybrid.push(t.elapsed());
        assert_eq!(r.mode, SearchMode::Hybrid);
        assert!(!r.hits.is_empty());
        let t = Instant::now();
        let r = index.search(&query.clone().filter(f.clone()));
        hybrid_filtered.push(t.elapsed());
        assert!(!r.hits.is_empty());
    }
    report("hybrid (no embedding), no filter", hybrid);
    report("hybrid (no embedding), municipality", hybrid_filtered);

    // The whole hybrid path: the query embedded by multilingual E5 on each search.
    match aurora_embed::E5Embedder::load_default() {
        Ok(e5) => {
            index.set_vector_scorer(std::sync::Arc::new(E5Scorer(e5)));
            let mut with_embedding = Vec::new();
            for _ in 0..3 {
                for (q, lang) in QUERIES {
                    let t = Instant::now();
                    let r = index.search(&Query::new(*q).lang(*lang));
                    with_embedding.push(t.elapsed());
                    assert_eq!(r.mode, SearchMode::Hybrid);
                }
            }
            report(
                "hybrid including E5 query embedding, no filter",
                with_embedding,
            );
        }
        Err(e) => println!("hybrid including E5 query embedding: skipped ({e})"),
    }

    // Criterion's reports go under the workspace's target directory, not the crate's.
    let mut c = Criterion::default()
        .output_directory(&std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("criterion"))
        .configure_from_args();
    let lexical_q = Query::new("miten haen asumistukea")
        .lang(aurora_model::Lang::Fi)
        .lexical_only();
    c.bench_function("lexical_fi_asumistuki", |b| {
        b.iter(|| index.search(&lexical_q))
    });
    let filtered_q = lexical_q.clone().filter(filters()[0].1.clone());
    c.bench_function("lexical_fi_asumistuki_filtered", |b| {
        b.iter(|| index.search(&filtered_q))
    });
    let auto_q = Query::new("day care").lexical_only();
    c.bench_function("lexical_auto_day_care", |b| {
        b.iter(|| index.search(&auto_q))
    });
    let hybrid_q = Query::new("day care").vector(random_vector(&mut rng, 384));
    c.bench_function("hybrid_day_care_no_embedding", |b| {
        b.iter(|| index.search(&hybrid_q))
    });
    c.final_summary();
}
