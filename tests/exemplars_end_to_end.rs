//! Exemplars end to end: both quickstart examples, built with the `opentelemetry` feature (the
//! tests enable it), serve each request in an OpenTelemetry span that continues the caller's W3C
//! `traceparent`; a real Prometheus started with `--enable-feature=exemplar-storage` scrapes
//! their OpenMetrics; and its `/api/v1/query_exemplars` returns, on the slow handler's bucket,
//! the trace id this test sent.
//!
//! Every process started here is stopped when the test ends, pass or fail.

#[macro_use]
mod support;

use support::prometheus::{percent_encode, Prometheus};
use support::{request_with_headers, unix_now, wait_until, ExampleServer, Framework};

/// A trace id no other run uses: the time in nanoseconds and the framework, in 32 hex digits.
fn trace_id(framework: Framework) -> String {
    let nanos = (unix_now() * 1e9) as u64;
    format!("{nanos:016x}{:016x}", framework as u64 + 1)
}

fn prometheus_stores_the_trace_id_of_a_slow_request_as_an_exemplar(framework: Framework) {
    let example = ExampleServer::start(framework.example(), &[]);
    let job = format!("exemplars_{framework:?}").to_lowercase();
    let prometheus = Prometheus::start_with(
        &job,
        &[example.addr],
        None,
        &["--enable-feature=exemplar-storage"],
    );
    wait_until("the target is up", || {
        prometheus.scalar(&format!(r#"up{{job="{job}"}}"#)) == 1.0
    });

    let start = unix_now() - 1.0;
    let trace = trace_id(framework);
    let traceparent = format!("traceparent: 00-{trace}-00f067aa0ba902b7-01\r\n");
    let (status, body) =
        request_with_headers(example.addr, "GET", "/slow?ms=300", &traceparent, None)
            .expect("a response");
    assert_eq!(status, 200, "{body}");

    let query = format!(r#"http_requests_duration_seconds_bucket{{job="{job}",handler="slow"}}"#);
    let mut found = None;
    wait_until("prometheus has the exemplar", || {
        let data = prometheus.api(&format!(
            "/api/v1/query_exemplars?query={}&start={start}&end={}",
            percent_encode(&query),
            unix_now() + 1.0
        ));
        found = data.as_array().into_iter().flatten().find_map(|series| {
            let exemplar = series["exemplars"]
                .as_array()?
                .iter()
                .find(|e| e["labels"]["trace_id"] == trace.as_str())?;
            Some((series["seriesLabels"].clone(), exemplar.clone()))
        });
        found.is_some()
    });
    let (series, exemplar) = found.expect("found");
    println!("{framework:?}: {series} {exemplar}");
    assert_eq!(
        series["le"], "0.5",
        "the bucket the 300 ms request fell in: {series}"
    );
    let value: f64 = exemplar["value"]
        .as_str()
        .expect("value")
        .parse()
        .expect("number");
    assert!(value > 0.25 && value <= 0.5, "exemplar value {value}");
    let span_id = exemplar["labels"]["span_id"].as_str().expect("span id");
    assert_eq!(span_id.len(), 16, "the server span's id");
    assert_ne!(
        span_id, "00f067aa0ba902b7",
        "the server's own span, child of the caller's"
    );
}

both_frameworks!(prometheus_stores_the_trace_id_of_a_slow_request_as_an_exemplar);
