//! Native histograms against a real Prometheus (Debian's 2.42): four quickstart instances, two on
//! actix-web and two on axum, run with `METRICS_NATIVE_HISTOGRAMS=1`. One Prometheus started
//! with `--enable-feature=native-histograms` scrapes them over protobuf and stores the duration
//! histograms as native ones only (2.42 keeps no classic buckets beside them), whose
//! `histogram_count` equals the requests sent, exactly, and whose `histogram_quantile` puts a
//! 300 ms handler within the bucket factor of 0.3 s; a second Prometheus, without the flag,
//! scrapes the same instances at the same time in OpenMetrics and stores the classic buckets,
//! unchanged.
//!
//! Every process started here is stopped when the test ends, pass or fail.

#[macro_use]
mod support;

use std::net::SocketAddr;
use std::thread;

use support::prometheus::Prometheus;
use support::{request, wait_until, ExampleServer, Framework};

const INSTANCES: [Framework; 4] = [
    Framework::Actix,
    Framework::Axum,
    Framework::Actix,
    Framework::Axum,
];

/// The quickstart of each framework with `env`, and a Prometheus that reads native histograms
/// scraping them all as the job `quickstart`.
fn native_scrape(
    frameworks: &[Framework],
    env: &[(&str, &str)],
) -> (Vec<ExampleServer>, Vec<SocketAddr>, Prometheus) {
    let instances: Vec<ExampleServer> = frameworks
        .iter()
        .map(|framework| ExampleServer::start(framework.example(), env))
        .collect();
    let targets: Vec<SocketAddr> = instances.iter().map(|i| i.addr).collect();
    let native = Prometheus::start_with(
        "quickstart",
        &targets,
        None,
        &["--enable-feature=native-histograms"],
    );
    (instances, targets, native)
}

/// Slow requests per instance: 3, 4, 5 and 6, so the sum is not a multiple of one instance's.
fn slow_requests(instance: usize) -> usize {
    3 + instance
}

#[test]
fn prometheus_reads_native_histograms_over_protobuf_and_classic_ones_without_the_flag() {
    let (instances, targets, native) =
        native_scrape(&INSTANCES, &[("METRICS_NATIVE_HISTOGRAMS", "1")]);
    let classic = Prometheus::start("quickstart", &targets);
    for prometheus in [&native, &classic] {
        wait_until("all four targets are up", || {
            let up = prometheus.query(r#"up{job="quickstart"}"#);
            up.len() == INSTANCES.len() && up.iter().all(|(_, v)| *v == 1.0)
        });
    }

    // Each instance serves its slow requests one after another; the instances run at once.
    let senders: Vec<_> = instances
        .iter()
        .enumerate()
        .map(|(i, instance)| {
            let addr = instance.addr;
            thread::spawn(move || {
                for _ in 0..slow_requests(i) {
                    let (status, body) =
                        request(addr, "GET", "/slow?ms=300", None).expect("a response");
                    assert_eq!(status, 200, "{body}");
                }
            })
        })
        .collect();
    for sender in senders {
        sender.join().expect("the sender");
    }
    let sent: usize = (0..INSTANCES.len()).map(slow_requests).sum();

    // Native: the count is exact across the four instances.
    let slow = r#"http_requests_duration_seconds{job="quickstart",handler="slow"}"#;
    let count = format!("histogram_count(sum({slow}))");
    wait_until(
        "the native Prometheus has scraped every slow request",
        || native.scalar(&count) == sent as f64,
    );
    assert_eq!(native.scalar(&count), sent as f64);
    let per_instance = native.query(&format!("histogram_count({slow})"));
    assert_eq!(per_instance.len(), INSTANCES.len(), "{per_instance:?}");
    let mut counts: Vec<f64> = per_instance.iter().map(|(_, v)| *v).collect();
    counts.sort_by(f64::total_cmp);
    assert_eq!(counts, [3.0, 4.0, 5.0, 6.0]);

    // The median of a 300 ms handler, within the bucket factor (1.1) of 0.3 s: classic buckets
    // can only say "between 0.25 and 0.5".
    let median = native.scalar(&format!("histogram_quantile(0.5, sum({slow}))"));
    assert!(
        (0.3 / 1.1..=0.3 * 1.1).contains(&median),
        "histogram_quantile(0.5) = {median}"
    );
    println!("native: histogram_count {sent} requests, histogram_quantile(0.5) = {median} s");
    // The latency SLI of the generated rules: the share within a threshold, by
    // `histogram_fraction` over the native buckets.
    let fraction = |threshold: f64| {
        native.scalar(&format!(
            "histogram_fraction(0, {threshold}, sum(rate({slow}[1m])))"
        ))
    };
    assert_eq!(fraction(0.25), 0.0, "no 300 ms request is within 250 ms");
    assert_eq!(fraction(0.6), 1.0, "every one is within 600 ms");
    let sum = native.scalar(&format!("histogram_sum(sum({slow}))"));
    assert!(sum >= 0.3 * sent as f64, "histogram_sum = {sum}");
    // 2.42 keeps the native form only: no `_bucket` series for a family sent with both.
    let buckets =
        native.query(r#"http_requests_duration_seconds_bucket{job="quickstart",handler="slow"}"#);
    assert!(
        buckets.is_empty(),
        "classic buckets stored too: {buckets:?}"
    );
    // The request counter is a plain counter either way.
    let requests = r#"sum(http_requests_total{job="quickstart",handler="slow"})"#;
    assert_eq!(native.scalar(requests), sent as f64);

    // Without the flag: OpenMetrics, classic buckets, the same counts.
    let le = |bound: &str| {
        format!(
            r#"sum(http_requests_duration_seconds_bucket{{job="quickstart",handler="slow",le="{bound}"}})"#
        )
    };
    wait_until(
        "the classic Prometheus has scraped every slow request",
        || classic.scalar(&le("+Inf")) == sent as f64,
    );
    assert_eq!(classic.scalar(&le("0.25")), 0.0);
    assert_eq!(classic.scalar(&le("0.5")), sent as f64);
    assert_eq!(classic.scalar(requests), sent as f64);
    let no_native = classic.query(&format!("histogram_count(sum({slow}))"));
    assert!(
        no_native.iter().all(|(_, v)| *v == 0.0),
        "no native histogram without the flag: {no_native:?}"
    );
}

#[test]
fn under_the_opentelemetry_naming_requests_are_the_native_histograms_count() {
    let env = [
        ("METRICS_NATIVE_HISTOGRAMS", "1"),
        ("METRICS_NAMING", "opentelemetry"),
    ];
    let (instances, _, native) = native_scrape(&[Framework::Actix, Framework::Axum], &env);
    for instance in &instances {
        for _ in 0..3 {
            let (status, _) =
                request(instance.addr, "GET", "/slow?ms=300", None).expect("a response");
            assert_eq!(status, 200);
        }
    }
    let slow = r#"http_server_request_duration_seconds{job="quickstart",handler="slow"}"#;
    let count = format!("histogram_count(sum({slow}))");
    wait_until(
        "the native Prometheus has scraped every slow request",
        || native.scalar(&count) == 6.0,
    );
    let median = native.scalar(&format!("histogram_quantile(0.5, sum({slow}))"));
    assert!(
        (0.3 / 1.1..=0.3 * 1.1).contains(&median),
        "histogram_quantile(0.5) = {median}"
    );
    // No `_count` series: the generated rules read `histogram_count` under this naming.
    let classic_count = native
        .query(r#"http_server_request_duration_seconds_count{job="quickstart",handler="slow"}"#);
    assert!(classic_count.is_empty(), "{classic_count:?}");
}
