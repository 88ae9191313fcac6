//! What the allocation tests share: the request count, the bare handlers, and the measurements
//! on both frameworks.

#![allow(dead_code)]

use std::future::Future;
use std::sync::atomic::{AtomicU64, Ordering};
use std::task::{Context, Poll, Waker};

use actix_web::{test as actix_test, web, App};
use axum::body::Body;
use axum::extract::Path;
use axum::http::Request;
use axum::routing::get;
use axum::Router;
use tower::ServiceExt;

/// Requests measured per handler.
pub(crate) const REQUESTS: u64 = 100;

/// The axum handler without the attribute.
pub(crate) async fn bare_axum(Path(id): Path<u32>) -> String {
    id.to_string()
}

/// The actix-web handler without the attribute.
pub(crate) async fn bare_actix(id: web::Path<u32>) -> String {
    id.to_string()
}

/// Allocations of one `HttpRequest::match_pattern()` call, as measured by the last request to
/// `pattern_actix`.
static LOOKUP_ALLOCATIONS: AtomicU64 = AtomicU64::new(0);

/// Measures what the route-template lookup every template-labelled metric needs allocates.
async fn pattern_actix(request: actix_web::HttpRequest, id: web::Path<u32>) -> String {
    let info = allocation_counter::measure(|| {
        std::hint::black_box(request.match_pattern());
    });
    LOOKUP_ALLOCATIONS.store(info.count_total, Ordering::Relaxed);
    id.to_string()
}

/// What one `match_pattern()` call allocates for `/items/7` routed by `/items/{id}`, measured
/// inside a handler (inside an actix system).
pub(crate) async fn match_pattern_allocations() -> u64 {
    let pattern =
        actix_test::init_service(App::new().route("/items/{id}", web::get().to(pattern_actix)))
            .await;
    let request = actix_test::TestRequest::get().uri("/items/7").to_request();
    assert_eq!(
        actix_test::call_service(&pattern, request).await.status(),
        200
    );
    LOOKUP_ALLOCATIONS.load(Ordering::Relaxed)
}

/// What one actix-web request allocates: the bare handler, `metered` (the same handler with the
/// attribute), and one `match_pattern()` call. Each handler runs alone in an app of its own at the
/// same path, since actix's routing allocates more for a route further down the list. Runs inside
/// an actix system.
pub(crate) struct ActixAllocations {
    pub(crate) bare: u64,
    pub(crate) metered: u64,
    pub(crate) lookup: u64,
}

pub(crate) async fn actix_allocations<F, Args>(metered: F) -> ActixAllocations
where
    F: actix_web::Handler<Args>,
    Args: actix_web::FromRequest + 'static,
    F::Output: actix_web::Responder + 'static,
{
    let lookup = match_pattern_allocations().await;
    let bare =
        actix_test::init_service(App::new().route("/items/{id}", web::get().to(bare_actix))).await;
    let metered =
        actix_test::init_service(App::new().route("/items/{id}", web::get().to(metered))).await;
    ActixAllocations {
        bare: actix_per_request(&bare),
        metered: actix_per_request(&metered),
        lookup,
    }
}

/// What one axum request allocates: the bare handler at `/bare/{id}` and `metered` (the same
/// handler with the attribute) at `/metered/{id}`, routes of one router called in process
/// (`oneshot`, on a current-thread runtime on this thread).
pub(crate) struct AxumAllocations {
    pub(crate) bare: u64,
    pub(crate) metered: u64,
}

pub(crate) fn axum_allocations<H, T>(metered: H) -> AxumAllocations
where
    H: axum::handler::Handler<T, ()>,
    T: 'static,
{
    let runtime = tokio::runtime::Builder::new_current_thread()
        .build()
        .expect("a tokio runtime");
    let app: Router = Router::new()
        .route("/bare/{id}", get(bare_axum))
        .route("/metered/{id}", get(metered));
    let call = |path: &str| {
        let request = Request::get(path).body(Body::empty()).expect("a request");
        let response = runtime
            .block_on(app.clone().oneshot(request))
            .expect("a response");
        assert_eq!(response.status(), 200);
    };
    AxumAllocations {
        bare: per_request(call, "/bare/7"),
        metered: per_request(call, "/metered/7"),
    }
}

/// Allocations per request made by `request(path)`, after three requests to warm up.
pub(crate) fn per_request(mut request: impl FnMut(&str), path: &str) -> u64 {
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

/// Allocations per request to `/items/7` on `app`, after three requests to warm up.
pub(crate) fn actix_per_request<S, B>(app: &S) -> u64
where
    S: actix_web::dev::Service<
        actix_http::Request,
        Response = actix_web::dev::ServiceResponse<B>,
        Error = actix_web::Error,
    >,
{
    let call = || {
        let request = actix_test::TestRequest::get().uri("/items/7").to_request();
        // Polled to completion here, so that a measurement covers the handler.
        let response = poll_to_completion(actix_test::call_service(app, request));
        assert_eq!(response.status(), 200);
    };
    for _ in 0..3 {
        call();
    }
    let mut total = 0;
    for _ in 0..REQUESTS {
        total += allocation_counter::measure(call).count_total;
    }
    total / REQUESTS
}

/// Polls `future` on this thread until it completes: the handlers here never wait on I/O.
pub(crate) fn poll_to_completion<F: Future>(future: F) -> F::Output {
    let mut future = std::pin::pin!(future);
    let mut context = Context::from_waker(Waker::noop());
    loop {
        if let Poll::Ready(output) = future.as_mut().poll(&mut context) {
            return output;
        }
    }
}
