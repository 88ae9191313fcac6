//! Heap bytes per series, as threads record into it: `threads` threads (standing for a server
//! with that many cores' worth of workers) each record one request into a fresh series, and the
//! global allocator counts what the series took, net, across all threads. Reported for a route's
//! first request (its route series and first status series) and for one more status series on
//! the same route, before the first scrape and after it (the scrape renders label text once).
//!
//! Usage: `cargo run --release --manifest-path benches/Cargo.toml --bin series_memory [native]`
//! (`native`: with `Config::native_histograms(NativeHistograms::new())`).

use std::alloc::System;
use std::sync::atomic::{AtomicIsize, AtomicUsize, Ordering};
use std::sync::Arc;

use handler_metrics::{HandlerSite, Metrics};
use stats_alloc::{Region, StatsAlloc, INSTRUMENTED_SYSTEM};

#[global_allocator]
static GLOBAL: &StatsAlloc<System> = &INSTRUMENTED_SYSTEM;

/// Net bytes allocated while `threads` threads, all alive, each record one request with
/// `status` into `site`'s series for `/items/{id}`. The threads take turns, and each counts only
/// its own recording, so that nothing else (thread start-up, waking) is counted.
fn bytes_recorded(site: &'static HandlerSite, threads: usize, status: u16) -> isize {
    let turn = Arc::new(AtomicUsize::new(0));
    let total = Arc::new(AtomicIsize::new(0));
    let workers: Vec<_> = (0..threads)
        .map(|index| {
            let (turn, total) = (turn.clone(), total.clone());
            std::thread::spawn(move || {
                while turn.load(Ordering::Acquire) != index {
                    std::hint::spin_loop();
                }
                let region = Region::new(GLOBAL);
                Metrics::global()
                    .begin(site, Some("/items/{id}"), "GET")
                    .finish(status);
                total.fetch_add(net(region.change()), Ordering::Relaxed);
                turn.store(index + 1, Ordering::Release);
                // Stay alive until every thread has recorded, as a server's workers do.
                while turn.load(Ordering::Acquire) != threads {
                    std::thread::yield_now();
                }
            })
        })
        .collect();
    for worker in workers {
        worker.join().expect("a recording thread");
    }
    total.load(Ordering::Relaxed)
}

fn net(change: stats_alloc::Stats) -> isize {
    change.bytes_allocated as isize - change.bytes_deallocated as isize + change.bytes_reallocated
}

fn scrape_bytes() -> isize {
    let region = Region::new(GLOBAL);
    let text = Metrics::global().encode_text().expect("a scrape");
    let kept = net(region.change());
    // The scrape's own output is freed when it is dropped; what stays is the rendered labels.
    kept - text.capacity() as isize
}

fn main() {
    let mut config = handler_metrics::Config::new();
    if std::env::args().nth(1).as_deref() == Some("native") {
        config = config.native_histograms(handler_metrics::NativeHistograms::new());
    }
    config.install().expect("the configuration installs");
    // Warm up everything global (the registry, the clock, thread-local state) once.
    let warm: &'static HandlerSite = Box::leak(Box::new(HandlerSite::new("warm", &[], &[])));
    bytes_recorded(warm, 2, 200);
    scrape_bytes();

    println!("| threads recording | first request of a route (route series + status series) | each further status series | label text rendered by the first scrape |");
    println!("|---|---|---|---|");
    for threads in [1, 2, 16, 64] {
        let name: &'static str = Box::leak(format!("handler_{threads}").into_boxed_str());
        let site: &'static HandlerSite = Box::leak(Box::new(HandlerSite::new(name, &[], &[])));
        let first = bytes_recorded(site, threads, 200);
        let status = bytes_recorded(site, threads, 404);
        let scraped = scrape_bytes();
        println!("| {threads} | {first} B | {status} B | +{scraped} B for its 3 series |");
    }
}
