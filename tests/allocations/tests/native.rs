//! With native histograms on (`Config::native_histograms`), `#[metered]` still adds no heap
//! allocation to a request once its series and the chunks of buckets its durations land in
//! exist: on axum none, on actix-web only what `match_pattern()` allocates, as without them
//! (`per_request.rs`). The first requests create the series and the chunks.

mod support;

use axum::extract::Path;

use support::{actix_allocations, axum_allocations, ActixAllocations, AxumAllocations, REQUESTS};

#[handler_metrics::axum::metered]
async fn native_axum(Path(id): Path<u32>) -> String {
    id.to_string()
}

#[handler_metrics::metered]
async fn native_actix(id: actix_web::web::Path<u32>) -> String {
    id.to_string()
}

/// Native histograms, installed once for this binary's tests.
fn install() {
    static INSTALLED: std::sync::Once = std::sync::Once::new();
    INSTALLED.call_once(|| {
        handler_metrics::Config::new()
            .native_histograms(handler_metrics::NativeHistograms::new())
            .install()
            .expect("native histograms install");
    });
}

#[test]
fn axum_native_recording_adds_no_allocation_per_request() {
    install();
    let AxumAllocations { bare, metered } = axum_allocations(native_axum);
    println!("axum, native histograms: {bare} allocations per request bare, {metered} metered");
    assert_eq!(
        metered, bare,
        "allocations added by #[metered] with native histograms"
    );
    let native = handler_metrics::testing::handler("native_axum")
        .native()
        .expect("native histograms are on");
    assert_eq!(
        native.count(),
        3 + REQUESTS,
        "every request in the native buckets"
    );
}

#[test]
fn actix_native_recording_adds_only_what_match_pattern_allocates() {
    install();
    actix_web::rt::System::new().block_on(async {
        let ActixAllocations {
            bare,
            metered,
            lookup,
        } = actix_allocations(native_actix).await;
        println!(
            "actix-web, native histograms: {bare} allocations per request bare, {metered} \
             metered; match_pattern() alone makes {lookup}"
        );
        assert_eq!(metered, bare + lookup);
        let native = handler_metrics::testing::handler("native_actix")
            .native()
            .expect("native histograms are on");
        assert_eq!(native.count(), 3 + REQUESTS);
    });
}
