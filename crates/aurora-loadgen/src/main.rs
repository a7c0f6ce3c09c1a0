//! `aurora-loadgen`: a closed-loop HTTP/1.1 load generator for Aurora's API.
//!
//! It owns nothing but measurement: `--connections` keep-alive connections each send a
//! request, wait for the whole response and send the next, for `--duration` after a
//! `--warmup`; it reports throughput, latency percentiles and status counts as JSON. Closed
//! loop means the reported p99 is what a client saw at the throughput reached, not at an
//! offered rate; it is the right tool for "how many requests per second at what latency" on
//! loopback, where the generator must stay light (it parses only the status line and the
//! length of each response).
//!
//! Scenarios build realistic, varied request bodies from a fixed seed:
//! * `recommend`: `POST /service-recommender/v1/recommend_service` with random 3X10D
//!   meters, half of them with a municipality filter, some with a service-class filter;
//! * `search`: `GET /api/v1/search?q=…` over fi/sv/en queries;
//! * `understand`: `POST /api/v1/understand` over fi/sv/en texts;
//! * `mix`: 50 % recommend, 30 % search, 20 % understand.

use std::time::{Duration, Instant};

use anyhow::{bail, Context, Result};
use clap::{Parser, ValueEnum};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Scenario {
    Recommend,
    Search,
    Understand,
    Mix,
    /// `GET /api/v1/member/attributes` with `--bearer`: a member service reading the twin
    /// attributes a person consented to.
    MemberAttributes,
}

/// HTTP load generator for Aurora: closed loop (as fast as answered), or open loop at a
/// fixed rate (`--rate`).
#[derive(Debug, Parser)]
#[command(name = "aurora-loadgen", version)]
struct Args {
    /// Server address (host:port, loopback).
    #[arg(long, default_value = "127.0.0.1:8080")]
    addr: String,
    /// What to send.
    #[arg(long, value_enum, default_value = "recommend")]
    scenario: Scenario,
    /// Concurrent keep-alive connections.
    #[arg(long, default_value_t = 32)]
    connections: usize,
    /// Measured seconds.
    #[arg(long, default_value_t = 20)]
    duration: u64,
    /// Unmeasured seconds first.
    #[arg(long, default_value_t = 3)]
    warmup: u64,
    /// `client_id:secret` for the reference API's Basic auth.
    #[arg(long, env = "AURORA_LOADGEN_AUTH")]
    auth: Option<String>,
    /// Municipality codes to draw filters from (comma-separated).
    #[arg(long, default_value = "091,837,853,564,491,049,092,179")]
    municipalities: String,
    /// Seed of the request generator.
    #[arg(long, default_value_t = 7)]
    seed: u64,
    /// Open loop: send this many requests per second in total, on a fixed schedule, instead
    /// of as fast as the server answers. Latency is measured from each request's scheduled
    /// time, so a stalled server shows as latency (no coordinated omission).
    #[arg(long)]
    rate: Option<f64>,
    /// An OAuth access token for `--scenario member-attributes`.
    #[arg(long, env = "AURORA_LOADGEN_BEARER")]
    bearer: Option<String>,
}

const METERS: [&str; 10] = [
    "working_studying",
    "family",
    "friends",
    "health",
    "improvement_of_strengths",
    "housing",
    "finance",
    "self_esteem",
    "resilience",
    "life_satisfaction",
];

const QUERIES: [&str; 12] = [
    "asumistuki",
    "toimeentulotuki hakemus",
    "päivähoito lapselle",
    "työttömyysturva",
    "bostadsbidrag",
    "dagvård för barn",
    "arbetslöshetsersättning",
    "housing allowance",
    "daycare for my child",
    "unemployment benefit",
    "mielenterveyspalvelut nuorille",
    "mental health services",
];

const TEXTS: [&str; 6] = [
    "Muutan Tampereelle opiskelemaan ja tarvitsen asunnon",
    "Jäin työttömäksi ja rahat ovat loppumassa",
    "Jag flyttar till Åbo och behöver dagvård för mitt barn",
    "Jag är 19 år och söker studiebidrag",
    "I'm moving to Oulu for work and need housing",
    "My parents are divorcing and I need someone to talk to",
];

struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

/// Standard base64 (for the Basic credential).
fn base64(input: &[u8]) -> String {
    const T: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(input.len().div_ceil(3) * 4);
    for chunk in input.chunks(3) {
        let b = [
            chunk[0],
            *chunk.get(1).unwrap_or(&0),
            *chunk.get(2).unwrap_or(&0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(T[(n >> (18 - 6 * i) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

fn percent_encode(s: &str) -> String {
    let mut out = String::new();
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b"-_.~".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// Builds request bytes for one scenario step.
struct Requests {
    rng: Rng,
    scenario: Scenario,
    auth: Option<String>,
    bearer: Option<String>,
    municipalities: Vec<String>,
    host: String,
}

impl Requests {
    fn next(&mut self) -> Vec<u8> {
        let scenario = match self.scenario {
            Scenario::Mix => match self.rng.below(10) {
                0..=4 => Scenario::Recommend,
                5..=7 => Scenario::Search,
                _ => Scenario::Understand,
            },
            s => s,
        };
        match scenario {
            Scenario::Recommend => {
                let mut meters = serde_json::Map::new();
                for m in METERS {
                    if self.rng.below(10) < 8 {
                        meters.insert(m.into(), serde_json::json!([self.rng.below(11)]));
                    }
                }
                if meters.is_empty() {
                    meters.insert("health".into(), serde_json::json!([3]));
                }
                let mut body = serde_json::json!({
                    "life_situation_meters": meters,
                    "limit": 5 + self.rng.below(6),
                });
                if self.rng.below(2) == 0 && !self.municipalities.is_empty() {
                    let m = &self.municipalities[self.rng.below(self.municipalities.len())];
                    body["service_filters"] = serde_json::json!({"municipality_codes": [m]});
                }
                self.post(
                    "/service-recommender/v1/recommend_service",
                    &body.to_string(),
                    true,
                )
            }
            Scenario::Search => {
                let q = QUERIES[self.rng.below(QUERIES.len())];
                format!(
                    "GET /api/v1/search?q={}&limit=10 HTTP/1.1\r\nHost: {}\r\n\r\n",
                    percent_encode(q),
                    self.host
                )
                .into_bytes()
            }
            Scenario::Understand => {
                let t = TEXTS[self.rng.below(TEXTS.len())];
                self.post(
                    "/api/v1/understand",
                    &serde_json::json!({"text": t}).to_string(),
                    false,
                )
            }
            Scenario::MemberAttributes => format!(
                "GET /api/v1/member/attributes HTTP/1.1\r\nHost: {}\r\nAuthorization: Bearer {}\r\n\r\n",
                self.host,
                self.bearer.as_deref().unwrap_or_default()
            )
            .into_bytes(),
            Scenario::Mix => unreachable!("resolved above"),
        }
    }

    fn post(&self, path: &str, body: &str, auth: bool) -> Vec<u8> {
        let mut head = format!(
            "POST {path} HTTP/1.1\r\nHost: {}\r\nContent-Type: application/json\r\nContent-Length: {}\r\n",
            self.host,
            body.len()
        );
        if auth {
            if let Some(a) = &self.auth {
                head.push_str(&format!(
                    "Authorization: Basic {}\r\n",
                    base64(a.as_bytes())
                ));
            }
        }
        head.push_str("\r\n");
        let mut out = head.into_bytes();
        out.extend_from_slice(body.as_bytes());
        out
    }
}

/// Reads one response; returns its status.
async fn read_response(stream: &mut TcpStream, buf: &mut Vec<u8>) -> Result<u16> {
    buf.clear();
    let mut chunk = [0u8; 16 * 1024];
    let header_end = loop {
        if let Some(p) = find(buf, b"\r\n\r\n") {
            break p + 4;
        }
        let n = stream.read(&mut chunk).await?;
        if n == 0 {
            bail!("connection closed before the response headers");
        }
        buf.extend_from_slice(&chunk[..n]);
    };
    let head = std::str::from_utf8(&buf[..header_end]).context("response head is not UTF-8")?;
    let status: u16 = head
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .context("no status code")?;
    let lower = head.to_ascii_lowercase();
    let length = lower
        .lines()
        .find_map(|l| l.strip_prefix("content-length:"))
        .and_then(|v| v.trim().parse::<usize>().ok());
    if let Some(len) = length {
        while buf.len() < header_end + len {
            let n = stream.read(&mut chunk).await?;
            if n == 0 {
                bail!("connection closed inside the body");
            }
            buf.extend_from_slice(&chunk[..n]);
        }
    } else if lower.contains("transfer-encoding: chunked") {
        while find(&buf[header_end..], b"0\r\n\r\n").is_none() {
            let n = stream.read(&mut chunk).await?;
            if n == 0 {
                bail!("connection closed inside a chunked body");
            }
            buf.extend_from_slice(&chunk[..n]);
        }
    }
    Ok(status)
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

#[derive(Default)]
struct Tally {
    latencies_us: Vec<u32>,
    statuses: std::collections::BTreeMap<u16, u64>,
    io_errors: u64,
}

async fn worker(
    args_addr: String,
    mut requests: Requests,
    measure_from: Instant,
    stop_at: Instant,
    interval: Option<Duration>,
) -> Tally {
    let mut tally = Tally::default();
    let mut buf = Vec::with_capacity(64 * 1024);
    let mut stream: Option<TcpStream> = None;
    let mut next_at = Instant::now();
    while Instant::now() < stop_at {
        // Open loop: wait for the slot; a late answer eats into the next slots rather than
        // postponing them, and the latency counts from the slot.
        let scheduled = match interval {
            Some(every) => {
                tokio::time::sleep_until(next_at.into()).await;
                let slot = next_at;
                next_at += every;
                slot
            }
            None => Instant::now(),
        };
        let s = match stream.as_mut() {
            Some(s) => s,
            None => match TcpStream::connect(&args_addr).await {
                Ok(s) => {
                    let _ = s.set_nodelay(true);
                    stream.insert(s)
                }
                Err(_) => {
                    tally.io_errors += 1;
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            },
        };
        let req = requests.next();
        let started = scheduled;
        let result = async {
            s.write_all(&req).await?;
            read_response(s, &mut buf).await
        }
        .await;
        match result {
            Ok(status) => {
                if started >= measure_from {
                    tally
                        .latencies_us
                        .push(started.elapsed().as_micros().min(u32::MAX as u128) as u32);
                    *tally.statuses.entry(status).or_default() += 1;
                }
            }
            Err(_) => {
                if started >= measure_from {
                    tally.io_errors += 1;
                }
                stream = None;
            }
        }
    }
    tally
}

#[tokio::main]
async fn main() -> Result<()> {
    let args = Args::parse();
    let start = Instant::now();
    let measure_from = start + Duration::from_secs(args.warmup);
    let stop_at = measure_from + Duration::from_secs(args.duration);
    let municipalities: Vec<String> = args
        .municipalities
        .split(',')
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty())
        .collect();
    if args.scenario == Scenario::MemberAttributes && args.bearer.is_none() {
        bail!("--scenario member-attributes needs --bearer");
    }
    let interval = match args.rate {
        Some(r) if r.is_finite() && r > 0.0 => {
            Some(Duration::from_secs_f64(args.connections as f64 / r))
        }
        Some(r) => bail!("--rate must be a positive number, got {r}"),
        None => None,
    };
    let mut handles = Vec::new();
    for c in 0..args.connections {
        let requests = Requests {
            rng: Rng(args.seed.wrapping_mul(1000).wrapping_add(c as u64)),
            scenario: args.scenario,
            auth: args.auth.clone(),
            bearer: args.bearer.clone(),
            municipalities: municipalities.clone(),
            host: args.addr.clone(),
        };
        handles.push(tokio::spawn(worker(
            args.addr.clone(),
            requests,
            measure_from,
            stop_at,
            interval,
        )));
    }
    let mut all = Tally::default();
    for h in handles {
        let t = h.await?;
        all.latencies_us.extend(t.latencies_us);
        for (k, v) in t.statuses {
            *all.statuses.entry(k).or_default() += v;
        }
        all.io_errors += t.io_errors;
    }
    all.latencies_us.sort_unstable();
    let n = all.latencies_us.len();
    let pct = |p: f64| -> f64 {
        if n == 0 {
            return 0.0;
        }
        let i = ((p / 100.0) * (n as f64 - 1.0)).round() as usize;
        f64::from(all.latencies_us[i.min(n - 1)]) / 1000.0
    };
    let seconds = args.duration as f64;
    let summary = serde_json::json!({
        "scenario": format!("{:?}", args.scenario).to_lowercase(),
        "connections": args.connections,
        "target_rate_per_s": args.rate,
        "duration_s": args.duration,
        "requests": n,
        "requests_per_s": (n as f64 / seconds * 10.0).round() / 10.0,
        "latency_ms": {"p50": pct(50.0), "p90": pct(90.0), "p99": pct(99.0), "max": pct(100.0)},
        "statuses": all.statuses.iter().map(|(k, v)| (k.to_string(), serde_json::json!(v))).collect::<serde_json::Map<_, _>>(),
        "io_errors": all.io_errors,
    });
    println!("{}", serde_json::to_string_pretty(&summary)?);
    let non_2xx: u64 = all
        .statuses
        .iter()
        .filter(|(k, _)| !(200..300).contains(*k))
        .map(|(_, v)| v)
        .sum();
    if n == 0 || non_2xx > 0 || all.io_errors > 0 {
        std::process::exit(1);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64_matches_rfc4648_vectors() {
        for (i, o) in [
            ("", ""),
            ("f", "Zg=="),
            ("fo", "Zm8="),
            ("foo", "Zm9v"),
            ("foob", "Zm9vYg=="),
            ("fooba", "Zm9vYmE="),
            ("foobar", "Zm9vYmFy"),
        ] {
            assert_eq!(base64(i.as_bytes()), o);
        }
    }

    #[test]
    fn requests_are_well_formed_http() {
        let mut r = Requests {
            rng: Rng(1),
            scenario: Scenario::Mix,
            auth: Some("id:secret".into()),
            bearer: None,
            municipalities: vec!["091".into()],
            host: "127.0.0.1:8080".into(),
        };
        for _ in 0..50 {
            let req = String::from_utf8(r.next()).expect("utf-8");
            let (head, body) = req.split_once("\r\n\r\n").expect("head and body");
            if head.starts_with("POST") {
                let len: usize = head
                    .lines()
                    .find_map(|l| l.strip_prefix("Content-Length: "))
                    .and_then(|v| v.parse().ok())
                    .expect("length");
                assert_eq!(len, body.len());
                serde_json::from_str::<serde_json::Value>(body).expect("JSON body");
            } else {
                assert!(head.starts_with("GET /api/v1/search?q="));
                assert!(body.is_empty());
            }
        }
        r.scenario = Scenario::MemberAttributes;
        r.bearer = Some("tok".into());
        let req = String::from_utf8(r.next()).expect("utf-8");
        assert!(req.starts_with("GET /api/v1/member/attributes HTTP/1.1\r\n"));
        assert!(req.contains("\r\nAuthorization: Bearer tok\r\n") && req.ends_with("\r\n\r\n"));
    }
}
