//! OpenMetrics, negotiated, and gzip: the quickstart examples (actix-web and axum) scraped over
//! real HTTP by Python's `urllib` and parsed by the Python Prometheus client's OpenMetrics parser
//! (`prometheus_client` from PyPI, which validates the whole exposition: `# EOF`, `_total` and
//! `_created`, histograms, escaping), the service's own `prometheus` metrics included; the
//! classic format still answered to everyone else.

#[macro_use]
mod support;

use handler_metrics::{CONTENT_TYPE, OPENMETRICS_CONTENT_TYPE};
use support::python_parser::{scrape_and_parse, Parsed};
use support::{request, unix_now, ExampleServer, Framework};

/// The `Accept` header Prometheus 2.x sends by default.
const PROMETHEUS_ACCEPT: &str = "application/openmetrics-text;version=1.0.0,\
    application/openmetrics-text;version=0.0.1;q=0.75,text/plain;version=0.0.4;q=0.5,*/*;q=0.1";

/// Sends the example a known mix: 2 users created (201), 3 reads (200), 1 unknown user (404).
fn drive(example: &ExampleServer) {
    for name in ["ada", "grace"] {
        let body = format!(r#"{{"name":"{name}"}}"#);
        let (status, _) = request(example.addr, "POST", "/users", Some(&body)).expect("POST");
        assert_eq!(status, 201);
    }
    for path in ["/users/1", "/users/2", "/users/1", "/users/99"] {
        request(example.addr, "GET", path, None).expect("GET");
    }
}

/// The requests counted, but for the start-up probe's `/health`: those [`drive`] sent.
fn sent_by_drive(parsed: &Parsed) -> f64 {
    let all = parsed.sum("http_requests", "http_requests_total", &[]);
    all - parsed.sum(
        "http_requests",
        "http_requests_total",
        &[("handler", "health")],
    )
}

/// What both OpenMetrics scrapes (plain and gzipped) must show after [`drive`].
fn check_openmetrics(parsed: &Parsed) {
    assert_eq!(parsed.0["status"], 200);
    assert_eq!(
        parsed.header("content-type"),
        Some(OPENMETRICS_CONTENT_TYPE)
    );
    assert_eq!(parsed.header("vary"), Some("accept, accept-encoding"));

    // Our counter: a family without `_total`, samples with it, counting exactly.
    let requests = parsed.family("http_requests");
    assert_eq!(requests["type"], "counter");
    let count =
        |labels: &[(&str, &str)]| parsed.sum("http_requests", "http_requests_total", labels);
    assert_eq!(count(&[("handler", "create_user"), ("status", "201")]), 2.0);
    assert_eq!(count(&[("handler", "get_user"), ("status", "200")]), 3.0);
    assert_eq!(count(&[("handler", "get_user"), ("status", "404")]), 1.0);

    // The histogram with its unit, its count equal to the counter's.
    let duration = parsed.family("http_requests_duration_seconds");
    assert_eq!(duration["type"], "histogram");
    assert_eq!(duration["unit"], "seconds");
    let histogram_count = parsed.sum(
        "http_requests_duration_seconds",
        "http_requests_duration_seconds_count",
        &[("handler", "get_user")],
    );
    assert_eq!(histogram_count, 4.0);
    assert_eq!(parsed.family("http_requests_in_flight")["type"], "gauge");

    // The service's own `prometheus` metrics, in the same exposition.
    let created = parsed.family("quickstart_users_created");
    assert_eq!(created["type"], "counter");
    assert_eq!(
        parsed.sum(
            "quickstart_users_created",
            "quickstart_users_created_total",
            &[]
        ),
        2.0
    );
    assert_eq!(parsed.sum("quickstart_users", "quickstart_users", &[]), 2.0);

    // `_created` is off by default.
    assert!(
        parsed
            .families()
            .iter()
            .flat_map(|f| f["samples"].as_array().expect("samples"))
            .all(|s| !s["name"].as_str().unwrap_or_default().ends_with("_created")),
        "no _created sample by default"
    );
}

fn prometheus_accept_gets_openmetrics_that_an_independent_parser_accepts(framework: Framework) {
    let example = ExampleServer::start(framework.example(), &[]);
    drive(&example);
    let parsed = scrape_and_parse(example.addr, "/metrics", PROMETHEUS_ACCEPT, "");
    assert_eq!(parsed.header("content-encoding"), None);
    check_openmetrics(&parsed);
}

fn gzip_is_sent_to_who_accepts_it_in_either_format(framework: Framework) {
    let example = ExampleServer::start(framework.example(), &[]);
    drive(&example);

    let gzipped = scrape_and_parse(example.addr, "/metrics", PROMETHEUS_ACCEPT, "gzip");
    assert_eq!(gzipped.header("content-encoding"), Some("gzip"));
    check_openmetrics(&gzipped);
    let (raw, text) = (&gzipped.0["raw_bytes"], &gzipped.0["text_bytes"]);
    println!("{framework:?}: OpenMetrics {text} bytes, gzipped {raw} bytes");
    assert!(
        raw.as_u64() < text.as_u64().map(|t| t / 4),
        "{raw} < {text} / 4"
    );

    let classic = scrape_and_parse(
        example.addr,
        "/metrics",
        "text/plain",
        "deflate, gzip;q=0.8",
    );
    assert_eq!(classic.header("content-encoding"), Some("gzip"));
    assert_eq!(classic.header("content-type"), Some(CONTENT_TYPE));
    assert_eq!(
        sent_by_drive(&classic),
        6.0,
        "the classic parser reads the same counts"
    );

    let refused = scrape_and_parse(example.addr, "/metrics", "", "gzip;q=0, identity");
    assert_eq!(refused.header("content-encoding"), None);
}

fn other_clients_keep_the_classic_format(framework: Framework) {
    let example = ExampleServer::start(framework.example(), &[]);
    drive(&example);
    for accept in ["", "*/*", "text/plain;version=0.0.4", "application/json"] {
        let parsed = scrape_and_parse(example.addr, "/metrics", accept, "");
        assert_eq!(
            parsed.header("content-type"),
            Some(CONTENT_TYPE),
            "Accept: {accept:?}"
        );
        // The classic parser names the counter family without `_total` too; the samples keep it.
        assert_eq!(sent_by_drive(&parsed), 6.0);
    }
}

fn created_samples_when_switched_on(framework: Framework) {
    let before = unix_now();
    let example =
        ExampleServer::start(framework.example(), &[("METRICS_OPENMETRICS_CREATED", "1")]);
    drive(&example);
    let after = unix_now();

    let parsed = scrape_and_parse(example.addr, "/metrics", PROMETHEUS_ACCEPT, "");
    let counters: Vec<_> = parsed
        .samples("http_requests", "http_requests_total")
        .collect();
    let created: Vec<_> = parsed
        .samples("http_requests", "http_requests_created")
        .collect();
    assert_eq!(
        created.len(),
        counters.len(),
        "one _created per counter series"
    );
    for sample in &created {
        let at = sample["value"].as_f64().expect("seconds");
        assert!(
            (before..=after).contains(&at),
            "created at {at}, between {before} and {after}"
        );
        assert!(
            counters.iter().any(|c| c["labels"] == sample["labels"]),
            "_created has its counter's labels: {sample}"
        );
    }
    let histograms = parsed
        .samples(
            "http_requests_duration_seconds",
            "http_requests_duration_seconds_created",
        )
        .count();
    assert_eq!(
        histograms,
        counters.len(),
        "one _created per histogram series"
    );
    // Not on the gauge, and not in the classic format.
    assert_eq!(
        parsed
            .samples("http_requests_in_flight", "http_requests_in_flight_created")
            .count(),
        0
    );
    let classic = example.metrics();
    assert!(
        !classic
            .lines()
            .any(|line| line.starts_with("http_requests_created")
                || line.starts_with("http_requests_duration_seconds_created")),
        "{classic}"
    );
}

both_frameworks!(
    prometheus_accept_gets_openmetrics_that_an_independent_parser_accepts,
    gzip_is_sent_to_who_accepts_it_in_either_format,
    other_clients_keep_the_classic_format,
    created_samples_when_switched_on,
);
