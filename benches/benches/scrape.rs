//! Scrape cost: 200 and then 10 000 status series (each a histogram and a counter: 20 and then
//! 1 000 handlers × 10 statuses), encoded.
//!
//! - `prometheus_gather_text_encoder`: the same series as `prometheus` vectors in a registry,
//!   `gather()` + `TextEncoder` — what a hand-written or middleware exporter does;
//! - `metered`: the series `#[metered]` handlers create, through `Metrics::encode_text`;
//! - `metered_openmetrics`: the same in OpenMetrics, `Metrics::encode_openmetrics` (what
//!   Prometheus asks for);
//! - `metered_openmetrics_gzip`: the same gzipped, `Metrics::scrape` with `Accept-Encoding: gzip`
//!   (what Prometheus gets).
//!
//! Run: `cargo bench --manifest-path benches/Cargo.toml --bench scrape`.

use std::hint::black_box;

use criterion::{criterion_group, criterion_main, Criterion};
use handler_metrics::HandlerSite;
use prometheus::{
    Encoder, HistogramOpts, HistogramVec, IntCounterVec, Opts, Registry, TextEncoder,
};

/// Statuses per handler.
const STATUSES: usize = 10;

fn scrape(c: &mut Criterion) {
    let registry = Registry::new();
    let names = ["endpoint", "method", "status", "handler", "outcome"];
    let requests = IntCounterVec::new(Opts::new("http_requests_total", "h"), &names).unwrap();
    let duration = HistogramVec::new(
        HistogramOpts::new("http_requests_duration_seconds", "h"),
        &names,
    )
    .unwrap();
    registry.register(Box::new(requests.clone())).unwrap();
    registry.register(Box::new(duration.clone())).unwrap();

    let metrics = handler_metrics::Config::new()
        .registry(Registry::new())
        .install()
        .expect("install");
    let mut handlers = 0;
    for series in [200, 10_000] {
        // Add handlers until there are `series` (handler, endpoint, status) combinations.
        for h in handlers..series / STATUSES {
            let name: &'static str = Box::leak(format!("handler_{h}").into_boxed_str());
            let site: &'static HandlerSite = Box::leak(Box::new(HandlerSite::new(name, &[], &[])));
            let endpoint = format!("/resource_{h}/{{id}}");
            for s in 0..STATUSES {
                let status = 200 + s as u16;
                let status_text = status.to_string();
                let labels = [
                    endpoint.as_str(),
                    "GET",
                    status_text.as_str(),
                    site.name(),
                    "success",
                ];
                requests.with_label_values(&labels).inc();
                duration.with_label_values(&labels).observe(0.042);
                handler_metrics::Metrics::global()
                    .begin(site, Some(&endpoint), "GET")
                    .finish(status);
            }
        }
        handlers = series / STATUSES;

        let mut group = c.benchmark_group(format!("scrape_{series}_histograms_{series}_counters"));
        if series > 1000 {
            group.sample_size(20);
        }
        group.bench_function("prometheus_gather_text_encoder", |b| {
            b.iter(|| {
                let mut buffer = Vec::with_capacity(128 * 1024);
                TextEncoder::new()
                    .encode(&registry.gather(), &mut buffer)
                    .unwrap();
                black_box(buffer)
            })
        });
        group.bench_function("metered", |b| {
            b.iter(|| black_box(metrics.encode_text().unwrap()))
        });
        group.bench_function("metered_openmetrics", |b| {
            b.iter(|| black_box(metrics.encode_openmetrics().unwrap()))
        });
        group.bench_function("metered_openmetrics_gzip", |b| {
            b.iter(|| {
                let accept = Some("application/openmetrics-text");
                black_box(metrics.scrape(accept, Some("gzip")).unwrap())
            })
        });
        group.finish();
    }
}

criterion_group!(benches, scrape);
criterion_main!(benches);
