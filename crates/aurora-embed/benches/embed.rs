//! Embedding speed: query latency and passage throughput of the real model.
//!
//! Run: `cargo bench -p aurora-embed --bench embed -- --quick`
//!
//! Prints, before criterion's own measurements: the model load time, the kernel in use,
//! query latency p50/p90/max over 90 short fi/sv/en queries on one thread, the same with
//! two threads querying at once (the server's situation on a 2-core machine), and passage
//! throughput for a batch of 64 service texts with 1 thread and with all cores. Set
//! `AURORA_E5_PORTABLE=1` to measure the portable (non-AVX2) kernel.
//!
//! Without the model file only the [`HashEmbedder`] is measured (and a line says so).

use std::hint::black_box;
use std::time::{Duration, Instant};

use aurora_embed::{E5Embedder, Embedder, HashEmbedder};
use criterion::{Criterion, Throughput};

const QUERIES: [&str; 9] = [
    "miten haen asumistukea",
    "päivähoitopaikka lapselle",
    "tarvitsen uuden verokortin",
    "hur ansöker jag om bostadsbidrag",
    "dagvårdsplats för mitt barn",
    "jag behöver ett nytt skattekort",
    "how do I apply for housing allowance",
    "daycare place for my child",
    "I need a new tax card",
];

/// A typical service passage: name, summary and a description paragraph (~150 tokens).
const PASSAGE: &str = "Yleinen asumistuki\nKela maksaa yleistä asumistukea pienituloisille \
ruokakunnille asumismenojen vähentämiseksi.\nAsumistukea voi saada vuokra-asuntoon, \
osaomistusasuntoon tai omistusasuntoon. Tuen määrään vaikuttavat ruokakunnan kaikkien \
jäsenten bruttotulot, asumismenot, ruokakunnan koko ja asunnon sijaintikunta. Hae tukea \
verkossa OmaKelassa tai lähetä hakemus liitteineen postitse. Ilmoita Kelaan muutoksista, \
jotka vaikuttavat tukeen, esimerkiksi tulojen kasvusta tai muutosta uuteen asuntoon.";

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i]
}

fn latencies(e: &E5Embedder, rounds: usize) -> Vec<Duration> {
    let mut v = Vec::with_capacity(rounds * QUERIES.len());
    for _ in 0..rounds {
        for q in QUERIES {
            let t = Instant::now();
            black_box(e.embed_query(q).expect("query embeds"));
            v.push(t.elapsed());
        }
    }
    v
}

fn report(label: &str, mut v: Vec<Duration>) {
    v.sort();
    println!(
        "{label}: p50 {:.1} ms, p90 {:.1} ms, max {:.1} ms ({} queries)",
        percentile(&v, 0.5).as_secs_f64() * 1e3,
        percentile(&v, 0.9).as_secs_f64() * 1e3,
        v[v.len() - 1].as_secs_f64() * 1e3,
        v.len()
    );
}

fn summary(e: &E5Embedder) {
    let _ = latencies(e, 1); // warm the page cache and the allocator
    report("query latency, 1 thread", latencies(e, 10));
    let both: Vec<Duration> = std::thread::scope(|s| {
        let hs: Vec<_> = (0..2).map(|_| s.spawn(|| latencies(e, 5))).collect();
        hs.into_iter()
            .flat_map(|h| h.join().expect("bench thread"))
            .collect()
    });
    report("query latency, 2 threads at once", both);

    let batch: Vec<&str> = vec![PASSAGE; 64];
    println!(
        "passage: {} tokens with prefix and specials",
        e.passage_token_count(PASSAGE)
    );
    let cores = e.threads();
    for threads in [1, cores] {
        let e1 = E5Embedder::load(e.path())
            .expect("reload")
            .with_threads(threads);
        let t = Instant::now();
        black_box(e1.embed_passages(&batch).expect("passages embed"));
        let s = t.elapsed().as_secs_f64();
        println!(
            "passages, batch of 64, {threads} thread(s): {:.1} passages/s",
            64.0 / s
        );
    }
}

fn main() {
    let mut c = Criterion::default().configure_from_args();

    let hash = HashEmbedder::default();
    c.bench_function("hash/query", |b| {
        b.iter(|| hash.embed_query(black_box(QUERIES[3])))
    });

    let t = Instant::now();
    match E5Embedder::load_default() {
        Ok(e) => {
            println!(
                "model {} loaded in {:.1} ms from {} (kernel {}, {} threads for batches)",
                e.model_id(),
                t.elapsed().as_secs_f64() * 1e3,
                e.path().display(),
                e.kernel(),
                e.threads()
            );
            summary(&e);
            let mut g = c.benchmark_group("e5");
            g.sample_size(20);
            for (lang, q) in [("fi", QUERIES[0]), ("sv", QUERIES[3]), ("en", QUERIES[6])] {
                g.bench_function(format!("query/{lang}"), |b| {
                    b.iter(|| e.embed_query(black_box(q)).expect("query embeds"))
                });
            }
            let batch: Vec<&str> = vec![PASSAGE; 16];
            g.throughput(Throughput::Elements(batch.len() as u64));
            g.sample_size(10);
            g.bench_function("passages/16", |b| {
                b.iter(|| e.embed_passages(black_box(&batch)).expect("passages embed"))
            });
            g.finish();
        }
        Err(err) => println!("SKIP e5 benchmarks: {err}"),
    }
    c.final_summary();
}
