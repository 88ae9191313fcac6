//! Every kind of family the `prometheus` crate's model can hold, from a collector of the user's
//! own (counter with and without `_total`, gauge, untyped, summary, histogram, a timestamp),
//! reads back the same from our OpenMetrics as from the classic format (the `prometheus` crate's
//! own `TextEncoder`): both parsed by the Python Prometheus client's parsers, no one's here. An
//! untyped family, on which that encoder panics, is written in the classic format too.
//!
//! Our OpenMetrics writer reads `prometheus::proto` itself; that model changes with the
//! `prometheus` crate's `protobuf` feature, which the runtime now always turns on. The user's
//! metrics made with `register_*!` are counters, gauges and histograms only; this pins the rest.

mod support;

use handler_metrics::{Config, CONTENT_TYPE, OPENMETRICS_CONTENT_TYPE};
use prometheus::core::{Collector, Desc};
use prometheus::proto::{
    Bucket, Counter, Gauge, Histogram, LabelPair, Metric, MetricFamily, MetricType, Quantile,
    Summary, Untyped,
};
use prometheus::Registry;
use support::python_parser::parse;

/// A collector that returns [`every_kind`].
struct EveryKind {
    desc: Vec<Desc>,
}

fn metric(value: &str) -> Metric {
    let mut label = LabelPair::default();
    label.set_name("queue".to_owned());
    label.set_value(value.to_owned());
    let mut metric = Metric::default();
    metric.set_label(vec![label]);
    metric
}

fn family(name: &str, kind: MetricType, metric: Metric) -> MetricFamily {
    let mut family = MetricFamily::default();
    family.set_name(name.to_owned());
    family.set_help(format!("The {name} family."));
    family.set_field_type(kind);
    family.set_metric(vec![metric]);
    family
}

impl Collector for EveryKind {
    fn desc(&self) -> Vec<&Desc> {
        self.desc.iter().collect()
    }

    fn collect(&self) -> Vec<MetricFamily> {
        every_kind()
    }
}

/// One family of each kind, with fixed values.
fn every_kind() -> Vec<MetricFamily> {
    let mut counter = Counter::default();
    counter.set_value(7.0);
    let mut jobs = metric("a");
    jobs.set_counter(counter.clone());
    // Registered without `_total`: OpenMetrics names its sample `retries_total`.
    let mut retries = metric("b");
    retries.set_counter(counter);
    retries.set_timestamp_ms(1_700_000_000_250);

    let mut gauge = Gauge::default();
    gauge.set_value(-2.5);
    let mut depth = metric("c");
    depth.set_gauge(gauge);

    let mut untyped = Untyped::default();
    untyped.set_value(42.0);
    let mut legacy = metric("d");
    legacy.untyped = Some(untyped).into();

    let quantiles = [(0.5, 0.125), (0.99, 0.75)].map(|(q, v)| {
        let mut quantile = Quantile::default();
        quantile.set_quantile(q);
        quantile.set_value(v);
        quantile
    });
    let mut summary = Summary::default();
    summary.set_quantile(quantiles.to_vec());
    summary.set_sample_count(12);
    summary.set_sample_sum(3.5);
    let mut wait = metric("e");
    wait.set_summary(summary);

    let buckets = [(0.1, 2), (1.0, 5)].map(|(le, count)| {
        let mut bucket = Bucket::default();
        bucket.set_upper_bound(le);
        bucket.set_cumulative_count(count);
        bucket
    });
    let mut histogram = Histogram::default();
    histogram.set_bucket(buckets.to_vec());
    histogram.set_sample_count(6);
    histogram.set_sample_sum(4.25);
    let mut size = metric("f");
    size.set_histogram(histogram);

    vec![
        family("jobs_total", MetricType::COUNTER, jobs),
        family("retries", MetricType::COUNTER, retries),
        family("depth", MetricType::GAUGE, depth),
        family("legacy", MetricType::UNTYPED, legacy),
        family("wait_seconds", MetricType::SUMMARY, wait),
        family("size_bytes", MetricType::HISTOGRAM, size),
    ]
}

/// (family as the parsers name it, sample, value, timestamp) of every sample in `parsed`,
/// sorted.
fn samples(parsed: &support::python_parser::Parsed) -> Vec<(String, String, String, String)> {
    let mut all: Vec<_> = parsed
        .families()
        .iter()
        .filter(|f| {
            !f["name"]
                .as_str()
                .unwrap_or("")
                .starts_with("http_requests")
        })
        .flat_map(|f| {
            f["samples"].as_array().expect("samples").iter().map(|s| {
                (
                    f["name"].to_string(),
                    format!("{}{}", s["name"], s["labels"]),
                    s["value"].to_string(),
                    s["timestamp"].to_string(),
                )
            })
        })
        .collect();
    all.sort();
    all
}

#[test]
fn every_kind_of_family_says_the_same_in_openmetrics_as_in_the_classic_format() {
    let desc = every_kind()
        .iter()
        .map(|family| {
            let (name, help) = (family.name().to_owned(), family.help().to_owned());
            Desc::new(name, help, vec![], Default::default()).expect("a valid desc")
        })
        .collect();
    let registry = Registry::new();
    registry
        .register(Box::new(EveryKind { desc }))
        .expect("registers");
    let metrics = Config::new()
        .registry(registry)
        .install()
        .expect("installs");

    let openmetrics = metrics.encode_openmetrics().expect("OpenMetrics");
    let classic = metrics.encode_text().expect("classic");
    let from_openmetrics = parse(&openmetrics, OPENMETRICS_CONTENT_TYPE);
    let from_classic = parse(&classic, CONTENT_TYPE);

    let kinds: Vec<_> = [
        "jobs",
        "retries",
        "depth",
        "legacy",
        "wait_seconds",
        "size_bytes",
    ]
    .map(|name| {
        from_openmetrics.family(name)["type"]
            .as_str()
            .unwrap()
            .to_owned()
    })
    .to_vec();
    assert_eq!(
        kinds,
        [
            "counter",
            "counter",
            "gauge",
            "unknown",
            "summary",
            "histogram"
        ],
        "{openmetrics}"
    );
    // The classic parser reads `# TYPE legacy untyped` as it reads OpenMetrics' `unknown`.
    assert_eq!(
        from_classic.family("legacy")["type"],
        "unknown",
        "{classic}"
    );
    assert!(
        classic.contains("\n# TYPE legacy untyped\nlegacy{queue=\"d\"} 42\n"),
        "{classic}"
    );
    assert_eq!(
        from_openmetrics.sum("legacy", "legacy", &[("queue", "d")]),
        42.0,
        "{openmetrics}"
    );
    assert_eq!(
        from_openmetrics.sum("retries", "retries_total", &[("queue", "b")]),
        7.0,
        "{openmetrics}"
    );
    assert_eq!(
        from_openmetrics.sum("size_bytes", "size_bytes_bucket", &[("le", "+Inf")]),
        6.0,
        "the +Inf bucket the model leaves out:\n{openmetrics}"
    );
    assert_eq!(
        samples(&from_openmetrics),
        samples(&from_classic),
        "OpenMetrics:\n{openmetrics}\nclassic:\n{classic}"
    );
}
