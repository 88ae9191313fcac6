//! Native histograms in the protobuf exposition, read by an independent decoder (Google's
//! protobuf runtime for Python on client_model's `metrics.proto`, compiled by grpcio-tools'
//! `protoc`) and checked field by field: our histograms carry classic and native buckets in one
//! message, exemplars travel in both, the user's own families come as the `prometheus` crate
//! writes them, gzip applies, and text scrapes are what they were without the switch.

#[macro_use]
mod support;

use std::sync::OnceLock;
use std::time::Duration;

use handler_metrics::{
    testing, Config, Format, HandlerSite, Metrics, NativeHistograms, DEFAULT_BUCKETS,
    PROTOBUF_CONTENT_TYPE,
};
use serde_json::Value;
use support::python_parser::{decode_protobuf, parse};

/// What Prometheus 2.42 sends with `--enable-feature=native-histograms`.
const PROMETHEUS_NATIVE_ACCEPT: &str = "application/vnd.google.protobuf;\
    proto=io.prometheus.client.MetricFamily;encoding=delimited,\
    application/openmetrics-text;version=1.0.0;q=0.8,\
    application/openmetrics-text;version=0.0.1;q=0.75,text/plain;version=0.0.4;q=0.5,*/*;q=0.1";

static SLOW: HandlerSite = HandlerSite::new("slow_report", &[], &[]);
static FAST: HandlerSite = HandlerSite::new("fast_ping", &[], &[]);
/// A handler with its own buckets: the custom-buckets family, native too.
static UPLOAD: HandlerSite = HandlerSite::new("upload", &[], &[1.0, 10.0]);

/// Installs native histograms in a registry of this binary's own, with one family of the user's
/// (a counter at 7), and records 3 requests of 300 ms and 4 immediate ones, once.
fn recorded() -> &'static Metrics {
    static METRICS: OnceLock<Metrics> = OnceLock::new();
    METRICS.get_or_init(|| {
        let registry = prometheus::Registry::new();
        let jobs = prometheus::IntCounter::new("user_jobs_total", "Jobs processed.").unwrap();
        jobs.inc_by(7);
        registry.register(Box::new(jobs)).unwrap();
        let metrics = Config::new()
            .registry(registry)
            .native_histograms(NativeHistograms::new())
            .install()
            .expect("installs");
        let slow: Vec<_> = (0..3)
            .map(|_| {
                std::thread::spawn(|| {
                    // Inside a sampled OpenTelemetry context: the request's exemplar.
                    let _trace = traced();
                    let recording = Metrics::global().begin(&SLOW, Some("/reports"), "GET");
                    std::thread::sleep(Duration::from_millis(300));
                    recording.finish(200);
                })
            })
            .collect();
        for _ in 0..4 {
            Metrics::global()
                .begin(&FAST, Some("/ping"), "GET")
                .finish(200);
        }
        for _ in 0..2 {
            Metrics::global()
                .begin(&UPLOAD, Some("/upload"), "POST")
                .finish(201);
        }
        for thread in slow {
            thread.join().unwrap();
        }
        metrics
    })
}

/// The trace every slow request is recorded in.
const TRACE_ID: &str = "07070707070707070707070707070707";

fn traced() -> opentelemetry::ContextGuard {
    use opentelemetry::trace::{
        SpanContext, SpanId, TraceContextExt, TraceFlags, TraceId, TraceState,
    };
    let span = SpanContext::new(
        TraceId::from_bytes([7; 16]),
        SpanId::from_bytes([9; 8]),
        TraceFlags::SAMPLED,
        true,
        TraceState::default(),
    );
    opentelemetry::Context::new()
        .with_remote_span_context(span)
        .attach()
}

fn family<'a>(decoded: &'a Value, name: &str) -> &'a Value {
    decoded["families"]
        .as_array()
        .expect("families")
        .iter()
        .find(|f| f["name"] == name)
        .unwrap_or_else(|| panic!("no family {name} in {decoded}"))
}

/// The metric of `family` whose labels include `handler`.
fn metric<'a>(family: &'a Value, handler: &str) -> &'a Value {
    family["metric"]
        .as_array()
        .expect("metrics")
        .iter()
        .find(|m| {
            m["label"].as_array().is_some_and(|l| {
                l.iter()
                    .any(|p| p["name"] == "handler" && p["value"] == handler)
            })
        })
        .unwrap_or_else(|| panic!("no metric of {handler} in {family}"))
}

/// A 64-bit integer field (protobuf's JSON writes them as strings), 0 when absent.
fn int(value: &Value) -> u64 {
    match value {
        Value::Null => 0,
        Value::String(s) => s.parse().expect("an integer"),
        other => other.as_u64().expect("an integer"),
    }
}

fn native_buckets(histogram: &Value) -> Vec<(i32, u64)> {
    histogram["native_buckets"]
        .as_array()
        .expect("native buckets")
        .iter()
        .map(|pair| (pair[0].as_i64().unwrap() as i32, pair[1].as_u64().unwrap()))
        .collect()
}

#[test]
fn histograms_carry_classic_and_native_buckets_in_one_message() {
    let scrape = recorded()
        .scrape(Some(PROMETHEUS_NATIVE_ACCEPT), None)
        .unwrap();
    assert_eq!(scrape.format(), Format::Protobuf);
    assert_eq!(scrape.content_type(), PROTOBUF_CONTENT_TYPE);
    let decoded = decode_protobuf(scrape.body());

    let duration = family(&decoded, "http_requests_duration_seconds");
    assert_eq!(duration["type"], "HISTOGRAM");
    assert!(duration["help"].as_str().is_some_and(|h| !h.is_empty()));
    let slow = &metric(duration, "slow_report")["histogram"];
    let labels: Vec<(&str, &str)> = metric(duration, "slow_report")["label"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| (p["name"].as_str().unwrap(), p["value"].as_str().unwrap()))
        .collect();
    for label in [
        ("endpoint", "/reports"),
        ("method", "GET"),
        ("status", "200"),
        ("outcome", "success"),
    ] {
        assert!(labels.contains(&label), "{label:?} in {labels:?}");
    }

    // The native part: schema 3 (factor 1.1), the Go client's zero threshold, every request in
    // a bucket that holds 300 ms (and, on a busy machine, a little more).
    assert_eq!(int(&slow["sample_count"]), 3);
    let sum = slow["sample_sum"].as_f64().unwrap();
    assert!((0.9..1.5).contains(&sum), "sum {sum}");
    assert_eq!(slow["schema"], 3);
    assert_eq!(slow["zero_threshold"].as_f64(), Some(2f64.powi(-128)));
    assert_eq!(int(&slow["zero_count"]), 0);
    let buckets = native_buckets(slow);
    assert_eq!(buckets.iter().map(|b| b.1).sum::<u64>(), 3, "{buckets:?}");
    for &(key, _) in &buckets {
        let (lower, upper) = (
            2f64.powf((key - 1) as f64 / 8.0),
            2f64.powf(key as f64 / 8.0),
        );
        assert!(
            lower < 0.5 && upper >= 0.3,
            "bucket {key} = ({lower}, {upper}] cannot hold a 300 ms request"
        );
    }
    // The same buckets `testing` reads without a scrape.
    let native = testing::handler("slow_report")
        .native()
        .expect("configured");
    assert_eq!(native.buckets(), buckets.as_slice());
    assert_eq!(native.schema(), 3);
    assert_eq!(native.count(), 3);
    let median = native.quantile(0.5).unwrap();
    assert!((0.3 / 1.1..=0.5).contains(&median), "median {median}");

    // The classic part, in the same message: every configured bound, cumulative counts.
    let classic = slow["bucket"].as_array().expect("classic buckets");
    let bounds: Vec<f64> = classic
        .iter()
        .map(|b| b["upper_bound"].as_f64().unwrap())
        .collect();
    assert_eq!(bounds, DEFAULT_BUCKETS, "no +Inf: the count implies it");
    let cumulative = |bound: f64| {
        int(&classic[bounds.iter().position(|&b| b == bound).unwrap()]["cumulative_count"])
    };
    assert_eq!(cumulative(0.25), 0);
    assert_eq!(cumulative(0.75), 3);

    // Exemplars: on the classic bucket the requests landed in, and among the native ones, with
    // their timestamp.
    let with_exemplar: Vec<f64> = classic
        .iter()
        .filter(|b| !b["exemplar"].is_null())
        .map(|b| b["upper_bound"].as_f64().unwrap())
        .collect();
    assert_eq!(with_exemplar, [0.5], "{classic:?}");
    let exemplar = &classic[bounds.iter().position(|&b| b == 0.5).unwrap()]["exemplar"];
    let trace = |exemplar: &Value| {
        exemplar["label"]
            .as_array()
            .unwrap()
            .iter()
            .find(|l| l["name"] == "trace_id")
            .map(|l| l["value"].as_str().unwrap().to_owned())
    };
    assert_eq!(trace(exemplar).as_deref(), Some(TRACE_ID));
    assert!((0.3..0.5).contains(&exemplar["value"].as_f64().unwrap()));
    let natives = slow["exemplars"].as_array().expect("native exemplars");
    assert_eq!(natives.len(), 1, "{natives:?}");
    assert_eq!(trace(&natives[0]).as_deref(), Some(TRACE_ID));
    assert!(
        natives[0]["timestamp"]
            .as_str()
            .is_some_and(|t| t.starts_with("20")),
        "an RFC 3339 timestamp: {}",
        natives[0]["timestamp"]
    );

    // Immediate requests: native buckets far below a millisecond.
    let fast = &metric(duration, "fast_ping")["histogram"];
    assert_eq!(int(&fast["sample_count"]), 4);
    let fast_buckets = native_buckets(fast);
    assert_eq!(fast_buckets.iter().map(|b| b.1).sum::<u64>(), 4);
    assert!(
        fast_buckets.iter().all(|&(key, _)| key < -80),
        "2^(-80/8) s ≈ 1 ms: {fast_buckets:?}"
    );

    // The custom-buckets family: its own classic bounds, native buckets as the other's.
    let custom = family(&decoded, "http_requests_custom_duration_seconds");
    let upload = &metric(custom, "upload")["histogram"];
    let bounds: Vec<f64> = upload["bucket"]
        .as_array()
        .unwrap()
        .iter()
        .map(|b| b["upper_bound"].as_f64().unwrap())
        .collect();
    assert_eq!(bounds, [1.0, 10.0]);
    assert_eq!(upload["schema"], 3);
    assert_eq!(native_buckets(upload).iter().map(|b| b.1).sum::<u64>(), 2);

    // The counter and the gauge.
    let requests = family(&decoded, "http_requests_total");
    assert_eq!(requests["type"], "COUNTER");
    assert_eq!(metric(requests, "slow_report")["counter"]["value"], 3.0);
    let in_flight = family(&decoded, "http_requests_in_flight");
    assert_eq!(in_flight["type"], "GAUGE");
    assert_eq!(
        metric(in_flight, "fast_ping")["gauge"]["value"]
            .as_f64()
            .unwrap_or(0.0),
        0.0
    );

    // The user's family, as the `prometheus` crate writes it.
    let jobs = family(&decoded, "user_jobs_total");
    assert_eq!(jobs["type"], "COUNTER");
    assert_eq!(jobs["help"], "Jobs processed.");
    assert_eq!(jobs["metric"][0]["counter"]["value"], 7.0);
}

#[test]
fn protobuf_is_gzipped_when_asked() {
    let scrape = recorded()
        .scrape(Some(PROMETHEUS_NATIVE_ACCEPT), Some("gzip"))
        .unwrap();
    assert_eq!(scrape.format(), Format::Protobuf);
    assert_eq!(scrape.content_encoding(), Some("gzip"));
    assert_eq!(&scrape.body()[..2], [0x1f, 0x8b]);
    let decoded = decode_protobuf(scrape.body());
    let duration = family(&decoded, "http_requests_duration_seconds");
    assert_eq!(
        int(&metric(duration, "slow_report")["histogram"]["sample_count"]),
        3
    );
}

#[test]
fn text_scrapes_keep_classic_buckets_only() {
    let metrics = recorded();
    let openmetrics = metrics
        .scrape(Some("application/openmetrics-text;version=1.0.0"), None)
        .unwrap();
    assert_eq!(openmetrics.format(), Format::OpenMetrics);
    let text = String::from_utf8(openmetrics.into_body()).unwrap();
    let parsed = parse(&text, handler_metrics::OPENMETRICS_CONTENT_TYPE);
    let le: Vec<&str> = parsed
        .samples(
            "http_requests_duration_seconds",
            "http_requests_duration_seconds_bucket",
        )
        .filter(|s| s["labels"]["handler"] == "slow_report")
        .map(|s| s["labels"]["le"].as_str().unwrap())
        .collect();
    assert_eq!(le.len(), DEFAULT_BUCKETS.len() + 1, "{le:?}");
    assert_eq!(le.last(), Some(&"+Inf"));

    let classic = metrics.scrape(Some("*/*"), None).unwrap();
    assert_eq!(classic.format(), Format::Text);
    // Not asked for by name: a wildcard keeps text even with native histograms on.
    assert_eq!(metrics.scrape(None, None).unwrap().format(), Format::Text);
}
