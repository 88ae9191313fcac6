//! Under load nothing is lost: 100 000 requests from 64 concurrent keep-alive connections across
//! several handlers of each quickstart example (actix-web and axum), through the companion layer
//! the examples wrap around everything, including unknown paths and methods no handler serves;
//! afterwards `http_requests_total` grew by exactly the number of responses the client read, per
//! status, every histogram `_count` equals its counter, and nothing is in flight. Traffic goes to 127.0.0.1 only; the count is fixed.

#[macro_use]
mod support;

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::thread;
use std::time::Instant;

use support::{parse_exposition, request, Connection, ExampleServer, Framework, Sample};

const REQUESTS: u64 = 100_000;
const CONCURRENCY: u64 = 64;

/// The requests each connection cycles through: several handlers, successes and errors.
const MIX: &[(&str, &str, Option<&str>)] = &[
    ("GET", "/users/1", None),
    ("GET", "/users/999", None),
    ("GET", "/reports/daily", None),
    ("GET", "/reports/archive", None),
    ("GET", "/users/1/items", None),
    ("POST", "/users", Some("{broken")),
    ("GET", "/health", None),
    ("GET", "/users/abc", None),
    // No handler serves these: counted by the layer, `handler="unmetered"`.
    ("GET", "/no/such/path", None),
    ("DELETE", "/reports/daily", None),
];

fn total_requests(samples: &[Sample]) -> f64 {
    samples
        .iter()
        .filter(|s| s.name == "http_requests_total")
        .map(|s| s.value)
        .sum()
}

/// `http_requests_total` summed per status.
fn by_status(samples: &[Sample]) -> BTreeMap<u16, f64> {
    samples
        .iter()
        .filter(|s| s.name == "http_requests_total")
        .fold(BTreeMap::new(), |mut acc, s| {
            let status = s.label("status").parse().expect("a numeric status");
            *acc.entry(status).or_default() += s.value;
            acc
        })
}

fn series_key(sample: &Sample) -> String {
    let labels: Vec<String> = sample
        .labels
        .iter()
        .filter(|(k, _)| k.as_str() != "le")
        .map(|(k, v)| format!("{k}={v}"))
        .collect();
    labels.join(",")
}

fn hundred_thousand_requests_at_concurrency_64_are_all_counted(framework: Framework) {
    let example = ExampleServer::start(framework.example(), &[]);
    let addr = example.addr;
    let (status, _) = request(addr, "POST", "/users", Some(r#"{"name":"load"}"#)).expect("setup");
    assert_eq!(status, 201);

    let before = parse_exposition(&example.metrics());
    let series_before = before
        .iter()
        .filter(|s| s.name == "http_requests_total")
        .count();

    let completed = Arc::new(AtomicU64::new(0));
    let started = Instant::now();
    let workers: Vec<_> = (0..CONCURRENCY)
        .map(|worker| {
            let completed = completed.clone();
            let share = REQUESTS / CONCURRENCY + u64::from(worker < REQUESTS % CONCURRENCY);
            thread::spawn(move || {
                let mut connection = Connection::open(addr).expect("connect");
                let mut statuses: BTreeMap<u16, u64> = BTreeMap::new();
                for i in 0..share {
                    let (method, path, body) = MIX[((worker + i) % MIX.len() as u64) as usize];
                    let status = connection.request(method, path, body).expect("a response");
                    *statuses.entry(status).or_default() += 1;
                    completed.fetch_add(1, Ordering::Relaxed);
                }
                statuses
            })
        })
        .collect();
    let mut statuses: BTreeMap<u16, u64> = BTreeMap::new();
    for worker in workers {
        for (status, n) in worker.join().expect("worker finished") {
            *statuses.entry(status).or_default() += n;
        }
    }
    let elapsed = started.elapsed();
    let completed = completed.load(Ordering::Relaxed);

    let after = parse_exposition(&example.metrics());
    let counted = total_requests(&after) - total_requests(&before);
    let series_after = after
        .iter()
        .filter(|s| s.name == "http_requests_total")
        .count();
    println!(
        "{framework:?} load: {REQUESTS} requests sent on {CONCURRENCY} connections in {:.1} s ({:.0} req/s, debug build)",
        elapsed.as_secs_f64(),
        completed as f64 / elapsed.as_secs_f64()
    );
    println!(
        "{framework:?} load: client completed {completed}, http_requests_total grew by {counted}"
    );
    println!("{framework:?} load: statuses seen by the client {statuses:?}");
    println!("{framework:?} load: request series before {series_before}, after {series_after}");

    assert_eq!(completed, REQUESTS, "every request got a response");
    assert_eq!(counted, completed as f64, "counted == completed");
    let before_by_status = by_status(&before);
    let counted_by_status: BTreeMap<u16, u64> = by_status(&after)
        .into_iter()
        .map(|(status, n)| {
            let grown = n - before_by_status.get(&status).copied().unwrap_or(0.0);
            (status, grown as u64)
        })
        .filter(|(_, n)| *n > 0)
        .collect();
    assert_eq!(
        counted_by_status, statuses,
        "per status, counted == what the client read"
    );
    assert!(
        after.iter().any(|s| s.name == "http_requests_total"
            && s.label("handler") == handler_metrics::UNMETERED_HANDLER),
        "the requests no handler served are counted"
    );

    let counters: BTreeMap<String, f64> = after
        .iter()
        .filter(|s| s.name == "http_requests_total")
        .map(|s| (series_key(s), s.value))
        .collect();
    let counts: BTreeMap<String, f64> = after
        .iter()
        .filter(|s| s.name == "http_requests_duration_seconds_count")
        .map(|s| (series_key(s), s.value))
        .collect();
    assert_eq!(
        counts, counters,
        "histogram _count == counter for every series"
    );

    let in_flight: Vec<&Sample> = after
        .iter()
        .filter(|s| s.name == "http_requests_in_flight")
        .collect();
    assert!(!in_flight.is_empty());
    assert!(
        in_flight.iter().all(|s| s.value == 0.0),
        "nothing in flight after the load: {in_flight:?}"
    );
}

both_frameworks!(hundred_thousand_requests_at_concurrency_64_are_all_counted);
