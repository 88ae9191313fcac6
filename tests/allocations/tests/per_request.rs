//! The heap allocations `#[metered]` adds to a request once its series exist: the same handler,
//! bare and metered, called in process on this thread (the allocator counts per thread), after
//! the first requests created the series.
//!
//! axum: none (the recording lives in the future axum boxes for every handler). actix-web:
//! exactly the allocations of one `HttpRequest::match_pattern()` call (actix walks its resource
//! map and builds the template `String` on every call; its public API has no allocation-free
//! way to the template, see BENCHMARKS.md): the wrapper itself, its future included, allocates
//! nothing.
//!
//! Behind the companion layer: on axum, at most the one box axum makes of the wrapped response
//! body (`axum::body::Body` is boxed) over what `Router::layer` costs any layer (measured with a
//! layer whose service forwards everything: axum clones the route's boxed service and boxes its
//! future once more per request), the routers run as `axum::serve` runs them, whether a metered handler serves the request or not; on actix-web, nothing more
//! for a metered handler, and for an unmetered one the template lookup that names its series.

mod support;

use actix_web::{test as actix_test, web, App};
use axum::body::Body;
use axum::extract::Path;
use axum::http::Request;
use axum::routing::get;
use axum::Router;
use tower::ServiceExt;

use support::{
    actix_allocations, actix_per_request, axum_allocations, bare_axum, per_request,
    ActixAllocations, AxumAllocations, REQUESTS,
};

#[handler_metrics::axum::metered]
async fn metered_axum(Path(id): Path<u32>) -> String {
    id.to_string()
}

#[handler_metrics::metered]
async fn metered_actix(id: web::Path<u32>) -> String {
    id.to_string()
}

#[test]
fn axum_wrapper_adds_no_allocation_per_request() {
    let AxumAllocations { bare, metered } = axum_allocations(metered_axum);
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

#[test]
fn axum_layer_adds_at_most_the_body_box() {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .build()
        .expect("a tokio runtime");
    let plain: Router = Router::new()
        .route("/bare/{id}", get(bare_axum))
        .route("/metered/{id}", get(metered_axum_layered));
    // Each router as `axum::serve` runs it (`into_make_service` calls `with_state` once): its
    // handlers already routes, every layer applied, rather than at each request.
    let layered = plain
        .clone()
        .layer(handler_metrics::axum::layer())
        .with_state(());
    // What `Router::layer` costs any layer: a service that only forwards, and tower's `MapResponse`
    // with the identity (both clone the route's boxed service and box its future per request).
    let forwarding = plain
        .clone()
        .layer(tower::layer::layer_fn(|inner| Forward { inner }))
        .with_state(());
    let map_response = plain
        .clone()
        .layer(tower::util::MapResponseLayer::new(
            |response: axum::response::Response| response,
        ))
        .with_state(());
    let plain = plain.with_state(());
    let call = |app: &Router| {
        let app = app.clone();
        let runtime = &runtime;
        move |path: &str| {
            let request = Request::get(path).body(Body::empty()).expect("a request");
            let response = runtime
                .block_on(app.clone().oneshot(request))
                .expect("a response");
            assert_eq!(response.status(), 200);
        }
    };
    let bare = per_request(call(&plain), "/bare/7");
    let metered = per_request(call(&plain), "/metered/7");
    let any_layer = per_request(call(&forwarding), "/bare/7");
    let tower_map = per_request(call(&map_response), "/bare/7");
    let layered_metered = per_request(call(&layered), "/metered/7");
    let layered_bare = per_request(call(&layered), "/bare/7");
    println!(
        "axum: {bare} allocations per request bare, {metered} metered; bare behind a forwarding \
         layer {any_layer}, behind tower's MapResponse {tower_map}; behind the companion layer \
         {layered_metered} metered, {layered_bare} unmetered"
    );
    assert_eq!(metered, bare, "#[metered] alone adds none");
    assert!(
        layered_metered <= any_layer + 1 && layered_bare <= any_layer + 1,
        "the companion layer: at most the body's box over a forwarding layer"
    );
    assert_eq!(
        layered_metered, layered_bare,
        "the slot a metered handler claims costs no allocation"
    );
    let q = handler_metrics::testing::handler(handler_metrics::UNMETERED_HANDLER)
        .endpoint("/bare/{id}");
    assert_eq!(
        q.requests(),
        3 + REQUESTS,
        "every unmetered request recorded"
    );
}

#[test]
fn actix_middleware_adds_nothing_to_a_metered_request() {
    actix_web::rt::System::new().block_on(async {
        let lookup = support::match_pattern_allocations().await;
        let metered = actix_test::init_service(
            App::new().route("/items/{id}", web::get().to(metered_actix_layered)),
        )
        .await;
        let layered = actix_test::init_service(
            App::new()
                .route("/items/{id}", web::get().to(metered_actix_layered))
                .wrap(handler_metrics::actix::middleware()),
        )
        .await;
        let bare = actix_test::init_service(
            App::new().route("/items/{id}", web::get().to(support::bare_actix)),
        )
        .await;
        let layered_bare = actix_test::init_service(
            App::new()
                .route("/items/{id}", web::get().to(support::bare_actix))
                .wrap(handler_metrics::actix::middleware()),
        )
        .await;
        let metered = actix_per_request(&metered);
        let layered = actix_per_request(&layered);
        let bare = actix_per_request(&bare);
        let layered_bare = actix_per_request(&layered_bare);
        println!(
            "actix-web: {metered} allocations per request metered, {layered} behind the \
             middleware; {bare} bare, {layered_bare} unmetered behind the middleware"
        );
        assert_eq!(
            layered, metered,
            "the middleware adds nothing to #[metered]"
        );
        assert_eq!(
            layered_bare,
            bare + lookup,
            "an unmetered request: only the template lookup that names its series"
        );
    });
}

#[handler_metrics::axum::metered]
async fn metered_axum_layered(Path(id): Path<u32>) -> String {
    id.to_string()
}

#[handler_metrics::metered]
async fn metered_actix_layered(id: web::Path<u32>) -> String {
    id.to_string()
}

/// A tower service that forwards every request and response unchanged: what any layer costs.
#[derive(Clone)]
struct Forward<S> {
    inner: S,
}

impl<S, R> tower::Service<R> for Forward<S>
where
    S: tower::Service<R>,
{
    type Response = S::Response;
    type Error = S::Error;
    type Future = S::Future;

    fn poll_ready(
        &mut self,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<Result<(), Self::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, request: R) -> Self::Future {
        self.inner.call(request)
    }
}
