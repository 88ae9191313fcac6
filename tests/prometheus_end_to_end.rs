//! Against a real Prometheus server (Debian's `prometheus` package): four instances of the
//! quickstart API, two on actix-web (`quickstart`) and two on axum (`quickstart_axum`), are
//! scraped side by side every second as one job, and what Prometheus stores and answers through
//! its query API matches, request for request, the traffic sent: scanned paths and refused
//! methods, which no handler serves, included (the quickstarts wrap the companion layer around
//! everything). Prometheus asks for OpenMetrics
//! and gets it (its target metadata shows the `# UNIT` and counter family names only OpenMetrics
//! carries), the service's own `prometheus` counter included. `promtool check metrics`
//! accepts the exposition of both, with and without a namespace and constant labels.
//!
//! Every process started here is stopped when the test ends, pass or fail. A missing binary fails
//! the test with a message saying how to install it; `scripts/test-all.sh` installs it.

#[macro_use]
mod support;

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::thread;

use support::prometheus::{percent_encode, promtool, require_binary, Prometheus};
use support::{request, wait_until, ExampleServer, Framework};

/// Requests sent and counted per (handler, status).
#[derive(Default)]
struct Sent(BTreeMap<(String, String), u64>);

impl Sent {
    /// Sends a request, checks the status the example answers with, and counts it.
    fn send(
        &mut self,
        addr: SocketAddr,
        method: &str,
        path: &str,
        json: Option<&str>,
        handler: &str,
        status: u16,
    ) {
        let (got, body) = request(addr, method, path, json).expect("a response");
        assert_eq!(got, status, "{method} {path} -> {body}");
        *self
            .0
            .entry((handler.to_owned(), status.to_string()))
            .or_default() += 1;
    }

    fn total(&self) -> u64 {
        self.0.values().sum()
    }
}

/// The known mix one instance gets; `n` varies it per instance so the sum across instances
/// is not three times one instance's count.
fn drive_mix(sent: &mut Sent, framework: Framework, addr: SocketAddr, n: usize) {
    for _ in 0..n {
        sent.send(
            addr,
            "POST",
            "/users",
            Some(r#"{"name":"ada"}"#),
            "create_user",
            201,
        );
        sent.send(addr, "GET", "/users/999", None, "get_user", 404); // the error type
        sent.send(addr, "GET", "/reports/archive", None, "get_report", 503); // the error type, 5xx
    }
    sent.send(addr, "GET", "/users/1", None, "get_user", 200);
    sent.send(addr, "GET", "/users/1", None, "get_user", 200);
    let rejected = framework.path_rejection_status();
    sent.send(addr, "GET", "/users/abc", None, "get_user", rejected); // path extractor rejection
    sent.send(
        addr,
        "POST",
        "/users",
        Some("{not json"),
        "create_user",
        400,
    ); // JSON rejection
    sent.send(addr, "GET", "/slow", None, "slow", 400); // missing query field
    sent.send(addr, "GET", "/reports/daily", None, "get_report", 200);
    sent.send(addr, "GET", "/slow?ms=300", None, "slow", 200);
    // What a scanner sends, and a method no route serves: no handler sees them, the companion
    // layer the quickstarts wrap around everything counts them.
    let unmetered = handler_metrics::UNMETERED_HANDLER;
    sent.send(addr, "GET", "/wp-login.php", None, unmetered, 404);
    sent.send(addr, "GET", "/.env", None, unmetered, 404);
    let refused = match framework {
        Framework::Actix => 404, // actix's resource refuses it like a guard: the default 404
        Framework::Axum => 405,
    };
    sent.send(addr, "DELETE", "/reports/daily", None, unmetered, refused);
}

/// The instances: two of each framework's quickstart.
const INSTANCES: [Framework; 4] = [
    Framework::Actix,
    Framework::Axum,
    Framework::Actix,
    Framework::Axum,
];

#[test]
fn prometheus_scrapes_actix_and_axum_instances_and_counts_exactly_what_was_sent() {
    let instances: Vec<(Framework, ExampleServer)> = INSTANCES
        .iter()
        .map(|&framework| (framework, ExampleServer::start(framework.example(), &[])))
        .collect();
    let targets: Vec<SocketAddr> = instances.iter().map(|(_, i)| i.addr).collect();
    let prometheus = Prometheus::start("quickstart", &targets);

    wait_until("all four targets are up", || {
        let up = prometheus.query(r#"up{job="quickstart"}"#);
        up.len() == INSTANCES.len() && up.iter().all(|(_, v)| *v == 1.0)
    });

    let mut sent = Sent::default();
    for (i, (framework, instance)) in instances.iter().enumerate() {
        drive_mix(&mut sent, *framework, instance.addr, i + 1);
    }
    // `/health` was answered once per instance by the start-up probe; it is not part of the mix.
    let selector = r#"{job="quickstart",handler!="health"}"#;
    let total = |p: &Prometheus| p.scalar(&format!("sum(http_requests_total{selector})"));
    wait_until("prometheus has scraped the first wave", || {
        total(&prometheus) == sent.total() as f64
    });

    // A second wave of slow requests after the series exist, so `rate` sees them increase.
    let second_wave: Vec<_> = instances
        .iter()
        .map(|(_, instance)| {
            let addr = instance.addr;
            thread::spawn(move || {
                let mut sent = Sent::default();
                for _ in 0..4 {
                    sent.send(addr, "GET", "/slow?ms=300", None, "slow", 200);
                }
                sent
            })
        })
        .collect();
    for wave in second_wave {
        for (key, n) in wave.join().expect("slow requests").0 {
            *sent.0.entry(key).or_default() += n;
        }
    }
    wait_until("prometheus has scraped the second wave", || {
        total(&prometheus) == sent.total() as f64
    });

    // up == 1 on every target.
    let up = prometheus.query(r#"up{job="quickstart"}"#);
    assert_eq!(up.len(), INSTANCES.len(), "{up:?}");
    assert!(up.iter().all(|(_, v)| *v == 1.0), "{up:?}");

    // sum without(instance, job) equals, per handler and status, exactly the requests sent.
    let mut counted: BTreeMap<(String, String), u64> = BTreeMap::new();
    for (labels, value) in prometheus.query(&format!(
        "sum without(instance, job) (http_requests_total{selector})"
    )) {
        assert!(!labels.contains_key("instance") && !labels.contains_key("job"));
        let key = (labels["handler"].clone(), labels["status"].clone());
        *counted.entry(key).or_default() += value as u64;
    }
    println!("handler         status   sent  counted by prometheus");
    for ((handler, status), n) in &sent.0 {
        let got = counted
            .get(&(handler.clone(), status.clone()))
            .copied()
            .unwrap_or(0);
        println!("{handler:<15} {status:>6} {n:>6} {got:>8}");
    }
    assert_eq!(counted, sent.0, "prometheus's sums equal the requests sent");

    // Prometheus asked for OpenMetrics and got it: its target metadata has what only
    // OpenMetrics carries, the duration's `# UNIT` and the counter family named without
    // `_total`, on every target.
    let metadata = |metric: &str| {
        prometheus.api(&format!(
            "/api/v1/targets/metadata?match_target={}&metric={metric}",
            percent_encode(r#"{job="quickstart"}"#)
        ))
    };
    let duration = metadata("http_requests_duration_seconds");
    let duration = duration.as_array().expect("metadata");
    assert_eq!(duration.len(), INSTANCES.len(), "{duration:?}");
    assert!(duration
        .iter()
        .all(|m| m["unit"] == "seconds" && m["type"] == "histogram"));
    let requests = metadata("http_requests");
    let requests = requests.as_array().expect("metadata");
    assert_eq!(requests.len(), INSTANCES.len(), "{requests:?}");
    assert!(
        requests.iter().all(|m| m["type"] == "counter"),
        "{requests:?}"
    );

    // The service's own `prometheus` counter, scraped from the same route, counts exactly too.
    let users_created =
        prometheus.scalar(r#"sum(quickstart_users_created_total{job="quickstart"})"#);
    let created_sent = sent.0[&("create_user".to_owned(), "201".to_owned())];
    assert_eq!(
        users_created, created_sent as f64,
        "the service's own counter"
    );

    // p99 of the slow handler (300 ms sleeps) lies in its bucket, (0.25, 0.5].
    let p99 = prometheus.scalar(
        r#"histogram_quantile(0.99, sum by (le, handler) (rate(http_requests_duration_seconds_bucket{job="quickstart",handler="slow",status="200"}[1m])))"#,
    );
    println!("p99 of slow (300 ms sleeps): {p99:.3} s");
    assert!(p99 > 0.25 && p99 <= 0.5, "p99 {p99} outside (0.25, 0.5]");

    // Nothing in flight on any instance once traffic stops.
    let in_flight =
        prometheus.query(r#"sum by (instance) (http_requests_in_flight{job="quickstart"})"#);
    assert_eq!(in_flight.len(), INSTANCES.len(), "{in_flight:?}");
    assert!(in_flight.iter().all(|(_, v)| *v == 0.0), "{in_flight:?}");
}

fn lint_after_traffic(framework: Framework, env: &[(&str, &str)], expect_series: &str) {
    let example = ExampleServer::start(framework.example(), env);
    let mut sent = Sent::default();
    drive_mix(&mut sent, framework, example.addr, 2);
    let text = example.metrics();
    assert!(
        text.contains(&format!("{expect_series}{{")),
        "configured names in use:\n{text}"
    );
    let (ok, report) = promtool(&std::env::temp_dir(), &["check", "metrics"], &text);
    println!(
        "promtool check metrics ({framework:?}, {env:?}): {}",
        if report.is_empty() {
            "no findings"
        } else {
            &report
        }
    );
    assert!(
        ok && report.trim().is_empty(),
        "promtool check metrics found problems:\n{report}\n{text}"
    );
}

fn promtool_finds_no_problem_in_the_default_exposition(framework: Framework) {
    lint_after_traffic(framework, &[], "http_requests_total");
}

fn promtool_finds_no_problem_under_the_opentelemetry_naming(framework: Framework) {
    lint_after_traffic(
        framework,
        &[("METRICS_NAMING", "opentelemetry")],
        "http_server_request_duration_seconds_count",
    );
}

fn promtool_finds_no_problem_with_namespace_and_constant_labels(framework: Framework) {
    lint_after_traffic(
        framework,
        &[
            ("METRICS_NAMESPACE", "api"),
            ("METRICS_CONST_LABELS", "service=users,region=eu"),
        ],
        "api_http_requests_total",
    );
}

both_frameworks!(
    promtool_finds_no_problem_in_the_default_exposition,
    promtool_finds_no_problem_with_namespace_and_constant_labels,
    promtool_finds_no_problem_under_the_opentelemetry_naming,
);

#[test]
fn missing_binary_is_a_clear_failure() {
    support::quiet_expected_panics("handler-metrics-no-such-binary");
    let result = std::panic::catch_unwind(|| require_binary("handler-metrics-no-such-binary"));
    let message = *result
        .expect_err("fails")
        .downcast::<String>()
        .expect("a message");
    assert!(message.contains("apt-get install prometheus"), "{message}");
}
