//! The heap allocations `#[metered]` adds to a request once its series exist: the same handler,
//! bare and metered, called in process on this thread (the allocator counts per thread), after
//! the first requests created the series.
//!
//! axum: none (the recording lives in the future axum boxes for every handler). actix-web:
//! exactly what a plain handler that only calls `HttpRequest::match_pattern()` adds (actix walks
//! its resource map and builds the template `String` on every call): the route-template lookup
//! is the whole of it. Removing that lookup's cost is issue 10; this test then changes.

use std::future::Future;
use std::task::{Context, Poll, Waker};

use actix_web::{test as actix_test, web, App};
use axum::body::Body;
use axum::extract::Path;
use axum::http::Request;
use axum::routing::get;
use axum::Router;
use tower::ServiceExt;

const REQUESTS: u64 = 100;

async fn bare_axum(Path(id): Path<u32>) -> String {
    id.to_string()
}

#[handler_metrics::axum::metered]
async fn metered_axum(Path(id): Path<u32>) -> String {
    id.to_string()
}

async fn bare_actix(id: web::Path<u32>) -> String {
    id.to_string()
}

/// The bare handler plus the route-template lookup every template-labelled metric needs.
async fn pattern_actix(request: actix_web::HttpRequest, id: web::Path<u32>) -> String {
    std::hint::black_box(request.match_pattern());
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
        let app = actix_test::init_service(
            App::new()
                .route("/bare/{id}", web::get().to(bare_actix))
                .route("/metered/{id}", web::get().to(metered_actix))
                .route("/pattern/{id}", web::get().to(pattern_actix)),
        )
        .await;
        let mut counts = Vec::new();
        for path in ["/bare/7", "/metered/7", "/pattern/7"] {
            for _ in 0..3 {
                let request = actix_test::TestRequest::get().uri(path).to_request();
                assert_eq!(actix_test::call_service(&app, request).await.status(), 200);
            }
            let mut total = 0;
            for _ in 0..REQUESTS {
                let request = actix_test::TestRequest::get().uri(path).to_request();
                let info = allocation_counter::measure(|| {
                    // Polled to completion here, so that the measurement covers the handler.
                    let response = poll_to_completion(actix_test::call_service(&app, request));
                    assert_eq!(response.status(), 200);
                });
                total += info.count_total;
            }
            counts.push(total / REQUESTS);
        }
        let (bare, metered, pattern) = (counts[0], counts[1], counts[2]);
        println!(
            "actix-web: {bare} allocations per request bare, {metered} metered, \
             {pattern} bare + match_pattern()"
        );
        assert!(
            pattern > bare,
            "match_pattern() allocates: {pattern} vs {bare}"
        );
        assert_eq!(
            metered, pattern,
            "#[metered] adds only the template lookup's allocations"
        );
    });
}

/// Polls `future` on this thread until it completes: the handlers here never wait on I/O.
fn poll_to_completion<F: Future>(future: F) -> F::Output {
    let mut future = std::pin::pin!(future);
    let mut context = Context::from_waker(Waker::noop());
    loop {
        if let Poll::Ready(output) = future.as_mut().poll(&mut context) {
            return output;
        }
    }
}
