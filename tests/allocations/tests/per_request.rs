//! The heap allocations `#[metered]` adds to a request once its series exist: the same handler,
//! bare and metered, called in process on this thread (the allocator counts per thread), after
//! the first requests created the series.
//!
//! axum: none (the recording lives in the future axum boxes for every handler). actix-web:
//! exactly the allocations of one `HttpRequest::match_pattern()` call (actix walks its resource
//! map and builds the template `String` on every call; its public API has no allocation-free
//! way to the template, see BENCHMARKS.md): the wrapper itself, its future included, allocates
//! nothing.

mod support;

use actix_web::web;
use axum::body::Body;
use axum::extract::Path;
use axum::http::Request;
use axum::routing::get;
use axum::Router;
use tower::ServiceExt;

use support::{actix_allocations, bare_axum, ActixAllocations, REQUESTS};

#[handler_metrics::axum::metered]
async fn metered_axum(Path(id): Path<u32>) -> String {
    id.to_string()
}

#[handler_metrics::metered]
async fn metered_actix(id: web::Path<u32>) -> String {
    id.to_string()
}

/// Allocations per request made by `request(path)`, after three requests to warm up.
fn per_request(mut request: impl FnMut(&str), path: &str) -> u64 {
    for _ in 0..3 {
        request(path);
    }
    let info = allocation_counter::measure(|| {
        for _ in 0..REQUESTS {
            request(path);
        }
    });
    info.count_total / REQUESTS
}

#[test]
fn axum_wrapper_adds_no_allocation_per_request() {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .build()
        .expect("a tokio runtime");
    let app: Router = Router::new()
        .route("/bare/{id}", get(bare_axum))
        .route("/metered/{id}", get(metered_axum));
    let call = |path: &str| {
        let request = Request::get(path).body(Body::empty()).expect("a request");
        let response = runtime
            .block_on(app.clone().oneshot(request))
            .expect("a response");
        assert_eq!(response.status(), 200);
    };
    let bare = per_request(call, "/bare/7");
    let metered = per_request(call, "/metered/7");
    println!("axum: {bare} allocations per request bare, {metered} metered");
    assert_eq!(metered, bare, "allocations added by #[metered] on axum");
    let q = handler_metrics::testing::handler("metered_axum").endpoint("/metered/{id}");
    assert_eq!(q.requests(), 3 + REQUESTS, "every request recorded");
}

#[test]
fn actix_wrapper_adds_only_what_match_pattern_allocates() {
    actix_web::rt::System::new().block_on(async {
        let ActixAllocations {
            bare,
            metered,
            lookup,
        } = actix_allocations(metered_actix).await;
        println!(
            "actix-web: {bare} allocations per request bare, {metered} metered; \
             match_pattern() alone makes {lookup}"
        );
        assert!(lookup > 0, "match_pattern() allocates");
        assert_eq!(
            metered,
            bare + lookup,
            "#[metered] adds only the template lookup's allocations"
        );
        let q = handler_metrics::testing::handler("metered_actix").endpoint("/items/{id}");
        assert_eq!(q.requests(), 3 + REQUESTS, "every request recorded");
    });
}
