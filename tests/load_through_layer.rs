//! Under load, through the companion layer, every request is counted once with the status the
//! client got: 100 000 requests on 64 keep-alive connections to the application of
//! `support/layered.rs` (both frameworks), a mix of what the layer exists for (metered and
//! unannotated handlers, unknown paths, a method no route serves, authentication before and after
//! routing, a rate limiter's 429, a status rewritten on the way out, a timeout's 408, an excluded
//! health check, and on axum panics behind `CatchPanicLayer`), while other clients hang up on a
//! slow handler 200 times. Afterwards `http_requests_total` grew, per status, by exactly the
//! responses the clients read, less the excluded ones, plus the aborts (as `499`); every histogram
//! `_count` equals its counter; nothing is in flight. Traffic goes to 127.0.0.1 only; the counts are fixed.

#[macro_use]
mod support;
#[path = "support/layered.rs"]
mod layered;

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::sync::Mutex;
use std::thread;
use std::time::Instant;

use handler_metrics::{testing, Outcome};
use support::quiet_expected_panics;
use support::{get, parse_exposition, send, wait_until, Connection, Framework, Sample};

const REQUESTS: u64 = 100_000;
const CONCURRENCY: u64 = 64;
const ABORTS: u64 = 200;

/// The requests each connection cycles through, relative to the framework's prefix, with their
/// extra header lines.
const MIX: &[(&str, &str, &str)] = &[
    ("GET", "/served", ""),
    ("GET", "/plain", ""),
    ("GET", "/nowhere", ""),
    ("POST", "/served", ""),
    ("GET", "/admin/users", ""),
    ("GET", "/private", ""),
    ("GET", "/rewritten", ""),
    ("GET", "/divide/5", ""),
    ("GET", "/served", "X-Throttle: 1\r\n"),
    ("GET", layered::EXCLUDED, ""),
];

/// On axum, one request in this many panics behind `CatchPanicLayer` (answered 500).
const PANIC_EVERY: u64 = 97;

/// One request in this many is a `/sleepy` one, answered 408 by the timeout after 100 ms.
const SLEEPY_EVERY: u64 = 250;

/// `http_requests_total` summed per status.
fn by_status(samples: &[Sample]) -> BTreeMap<u16, u64> {
    samples
        .iter()
        .filter(|s| s.name == "http_requests_total")
        .fold(BTreeMap::new(), |mut acc, s| {
            *acc.entry(s.label("status").parse().expect("a status"))
                .or_default() += s.value as u64;
            acc
        })
}

fn scrape(addr: SocketAddr) -> Vec<Sample> {
    let (status, text) = support::request(addr, "GET", "/metrics", None).expect("a scrape");
    assert_eq!(status, 200);
    parse_exposition(&text)
}

fn hundred_thousand_requests_and_aborts_through_the_layer_are_each_counted_once(
    framework: Framework,
) {
    // One framework at a time: the totals per status are the whole process's.
    static SERIAL: Mutex<()> = Mutex::new(());
    let _serial = SERIAL
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    quiet_expected_panics("divide by zero");
    let server = framework.serve_layered();
    let addr = server.addr;
    let before = by_status(&scrape(addr));

    let started = Instant::now();
    let slow = framework.path("/slow");
    let aborter = thread::spawn(move || {
        let slow_handler = testing::handler("slow").endpoint(&framework.endpoint("/slow"));
        let cancelled = slow_handler.clone().outcome(Outcome::Cancelled);
        let cancelled_before = cancelled.requests();
        // One at a time: each reaches its handler before the client hangs up, and is counted
        // before the next.
        for abort in 1..=ABORTS {
            let stream =
                send(addr, &format!("GET {slow} HTTP/1.1\r\nHost: test\r\n\r\n")).expect("connect");
            wait_until("the slow request is in flight", || {
                slow_handler.in_flight() == 1
            });
            drop(stream);
            wait_until("the abort is counted", || {
                cancelled.requests() == cancelled_before + abort
            });
        }
    });
    let workers: Vec<_> = (0..CONCURRENCY)
        .map(|worker| {
            let share = REQUESTS / CONCURRENCY + u64::from(worker < REQUESTS % CONCURRENCY);
            thread::spawn(move || {
                let mut connection = Connection::open(addr).expect("connect");
                let mut statuses: BTreeMap<u16, u64> = BTreeMap::new();
                let mut excluded = 0;
                for i in 0..share {
                    let n = worker * share + i;
                    let (method, path, headers) = if n.is_multiple_of(SLEEPY_EVERY) {
                        ("GET", "/sleepy", "")
                    } else if n.is_multiple_of(PANIC_EVERY) && framework == Framework::Axum {
                        ("GET", "/caught/divide/0", "")
                    } else {
                        MIX[((worker + i) % MIX.len() as u64) as usize]
                    };
                    let status = connection
                        .request_with_headers(method, &framework.path(path), headers, None)
                        .expect("a response");
                    *statuses.entry(status).or_default() += 1;
                    excluded += u64::from(path == layered::EXCLUDED);
                }
                (statuses, excluded)
            })
        })
        .collect();
    let mut read: BTreeMap<u16, u64> = BTreeMap::new();
    let mut excluded = 0;
    for worker in workers {
        let (statuses, excluded_by_worker) = worker.join().expect("worker finished");
        for (status, n) in statuses {
            *read.entry(status).or_default() += n;
        }
        excluded += excluded_by_worker;
    }
    aborter.join().expect("aborts sent");
    let elapsed = started.elapsed();

    let mut expected = read.clone();
    *expected.entry(499).or_default() += ABORTS;
    // The excluded health checks answer 200 and are not counted.
    *expected.get_mut(&200).expect("200s") -= excluded;
    let after_samples = scrape(addr);
    let after = by_status(&after_samples);
    let counted: BTreeMap<u16, u64> = after
        .iter()
        .map(|(status, n)| (*status, n - before.get(status).copied().unwrap_or(0)))
        .filter(|(_, n)| *n > 0)
        .collect();
    println!(
        "{framework:?} through the layer: {REQUESTS} requests on {CONCURRENCY} connections and \
         {ABORTS} aborts in {:.1} s (debug build); read by the clients {read:?} ({excluded} of the \
         200s excluded); counted {counted:?}",
        elapsed.as_secs_f64()
    );
    assert_eq!(
        read.values().sum::<u64>(),
        REQUESTS,
        "every request answered"
    );
    assert_eq!(
        counted, expected,
        "per status, counted == read by the clients + the aborts as 499"
    );

    let key = |s: &Sample| {
        let mut labels: Vec<String> = s
            .labels
            .iter()
            .filter(|(k, _)| k.as_str() != "le")
            .map(|(k, v)| format!("{k}={v}"))
            .collect();
        labels.sort();
        labels.join(",")
    };
    let counters: BTreeMap<String, f64> = after_samples
        .iter()
        .filter(|s| s.name == "http_requests_total")
        .map(|s| (key(s), s.value))
        .collect();
    let counts: BTreeMap<String, f64> = after_samples
        .iter()
        .filter(|s| s.name == "http_requests_duration_seconds_count")
        .map(|s| (key(s), s.value))
        .collect();
    assert_eq!(
        counts, counters,
        "histogram _count == counter, every series"
    );
    let in_flight: Vec<&Sample> = after_samples
        .iter()
        .filter(|s| s.name == "http_requests_in_flight" && s.value != 0.0)
        .collect();
    assert!(in_flight.is_empty(), "nothing in flight: {in_flight:?}");
    assert_eq!(get(addr, &framework.path("/served")), Some(200));
}

both_frameworks!(hundred_thousand_requests_and_aborts_through_the_layer_are_each_counted_once);
