//! Per-call cost of recording one request, against the alternatives a user has, in one run:
//!
//! - `bare`: the handler body alone;
//! - `two_instant_now`: the two clock reads any duration measurement needs (std);
//! - `ideal_prometheus`: hand-written with the `prometheus` crate and cached handles — clock,
//!   in-flight gauge up and down, counter, histogram;
//! - `naive_with_label_values`: the same with `with_label_values` on every call;
//! - `autometrics`: `#[autometrics]` 3 on its prometheus-0.14 backend;
//! - `metered`: what `#[metered]` adds per request (the recording the generated wrapper does);
//! - `*_2_threads`: two threads on the same series at once, time per call per thread.
//!
//! Run: `cargo bench --manifest-path benches/Cargo.toml --bench per_call`; with
//! `PER_CALL_NATIVE=1` in the environment, `#[metered]` records native histograms too
//! (`Config::native_histograms`).

use std::hint::black_box;
use std::sync::{Arc, Barrier};
use std::thread;
use std::time::{Duration, Instant};

use criterion::{criterion_group, criterion_main, Criterion};
use handler_metrics::HandlerSite;
use prometheus::{
    Histogram, HistogramOpts, HistogramVec, IntCounter, IntCounterVec, IntGauge, IntGaugeVec, Opts,
};

const LABELS: [&str; 5] = ["/users/{id}", "GET", "200", "get_user", "success"];

fn handler_body() -> u64 {
    black_box(42)
}

/// Hand-written instrumentation with cached handles: the best a user writes with `prometheus`.
struct Ideal {
    in_flight: IntGauge,
    requests: IntCounter,
    duration: Histogram,
}

struct Naive {
    in_flight: IntGaugeVec,
    requests: IntCounterVec,
    duration: HistogramVec,
}

fn naive() -> Naive {
    let names = ["endpoint", "method", "status", "handler", "outcome"];
    Naive {
        in_flight: IntGaugeVec::new(Opts::new("bench_in_flight", "h"), &names[..3]).unwrap(),
        requests: IntCounterVec::new(Opts::new("bench_requests_total", "h"), &names).unwrap(),
        duration: HistogramVec::new(HistogramOpts::new("bench_duration_seconds", "h"), &names)
            .unwrap(),
    }
}

fn ideal(naive: &Naive) -> Ideal {
    Ideal {
        in_flight: naive.in_flight.with_label_values(&LABELS[..3]),
        requests: naive.requests.with_label_values(&LABELS),
        duration: naive.duration.with_label_values(&LABELS),
    }
}

impl Ideal {
    fn call(&self) -> u64 {
        self.in_flight.inc();
        let started = Instant::now();
        let result = handler_body();
        self.requests.inc();
        self.duration.observe(started.elapsed().as_secs_f64());
        self.in_flight.dec();
        result
    }
}

impl Naive {
    fn call(&self) -> u64 {
        self.in_flight.with_label_values(&LABELS[..3]).inc();
        let started = Instant::now();
        let result = handler_body();
        self.requests.with_label_values(&LABELS).inc();
        self.duration
            .with_label_values(&LABELS)
            .observe(started.elapsed().as_secs_f64());
        self.in_flight.with_label_values(&LABELS[..3]).dec();
        result
    }
}

#[autometrics::autometrics]
fn autometrics_handler() -> u64 {
    handler_body()
}

static SITE: HandlerSite = HandlerSite::new("get_user", &[], &[]);

fn metered_call() -> u64 {
    let recording = handler_metrics::Metrics::global().begin(&SITE, Some("/users/{id}"), "GET");
    let result = handler_body();
    recording.finish(200);
    result
}

/// Runs `call` on two threads at once, `iters` times each; the time per call per thread.
fn two_threads(iters: u64, call: impl Fn() -> u64 + Send + Sync + 'static) -> Duration {
    let call = Arc::new(call);
    let barrier = Arc::new(Barrier::new(3));
    let workers: Vec<_> = (0..2)
        .map(|_| {
            let (call, barrier) = (call.clone(), barrier.clone());
            thread::spawn(move || {
                barrier.wait();
                for _ in 0..iters {
                    black_box(call());
                }
            })
        })
        .collect();
    barrier.wait();
    let started = Instant::now();
    for worker in workers {
        worker.join().unwrap();
    }
    started.elapsed()
}

fn per_call(c: &mut Criterion) {
    if std::env::var("PER_CALL_NATIVE").is_ok_and(|v| v == "1") {
        handler_metrics::Config::new()
            .native_histograms(handler_metrics::NativeHistograms::new())
            .install()
            .expect("native histograms install");
    }
    let naive = Arc::new(naive());
    let ideal = Arc::new(ideal(&naive));
    // Create the series before measuring, as a running service has.
    ideal.call();
    naive.call();
    autometrics_handler();
    metered_call();

    let mut group = c.benchmark_group("per_call");
    group.bench_function("bare", |b| b.iter(handler_body));
    group.bench_function("two_instant_now", |b| {
        b.iter(|| {
            let started = Instant::now();
            black_box(started);
            Instant::now()
        })
    });
    group.bench_function("ideal_prometheus", |b| b.iter(|| ideal.call()));
    group.bench_function("naive_with_label_values", |b| b.iter(|| naive.call()));
    group.bench_function("autometrics", |b| b.iter(autometrics_handler));
    group.bench_function("metered", |b| b.iter(metered_call));

    let i = ideal.clone();
    group.bench_function("ideal_prometheus_2_threads", move |b| {
        let i = i.clone();
        b.iter_custom(move |iters| {
            let i = i.clone();
            two_threads(iters, move || i.call())
        })
    });
    let n = naive.clone();
    group.bench_function("naive_with_label_values_2_threads", move |b| {
        let n = n.clone();
        b.iter_custom(move |iters| {
            let n = n.clone();
            two_threads(iters, move || n.call())
        })
    });
    group.bench_function("autometrics_2_threads", |b| {
        b.iter_custom(|iters| two_threads(iters, autometrics_handler))
    });
    group.bench_function("metered_2_threads", |b| {
        b.iter_custom(|iters| two_threads(iters, metered_call))
    });
    group.finish();
}

criterion_group!(benches, per_call);
criterion_main!(benches);
