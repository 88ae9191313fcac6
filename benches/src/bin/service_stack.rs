//! What `#[metered]` adds to a request through the framework's own service stack, in one
//! process: a bare handler, the same handler with `#[metered]`, the same handler recording the
//! same way by hand (the runtime's public API, the template and method from the framework's own
//! extractors), and, on actix-web, a bare handler that also takes the `HttpRequest` and calls
//! `match_pattern()`; each served by an app of 4 to 203 routes and called in process (actix-web:
//! `TestRequest` + `Service::call`; axum: `tower::ServiceExt::oneshot`).
//! The variants alternate within every round; the table shows medians over the rounds.
//!
//! Usage:
//! - `service_stack [rounds, default 15] [requests per variant and round, default 20000]`
//! - `service_stack one <framework>-<variant>-<routes> <requests> [traced|native]`: only that many
//!   requests of one variant (`bare`, `metered`, `byhand`, `pattern` (actix), `forward` (a layer
//!   that only forwards), `layered` (the companion layer around `#[metered]`), `layerbare` (the
//!   companion layer around the bare handler), `outer` (axum: the companion layer around the whole
//!   router), `peer` (actix-web-prom / axum-prometheus)), for counting instructions under valgrind
//!   (`scripts/bench-instructions.sh`); `traced` (feature `opentelemetry`) runs them inside a
//!   sampled OpenTelemetry context (`scripts/bench-exemplars.sh`); `native` installs a
//!   configuration with native histograms first (`scripts/bench-instructions.sh`).

use std::future::Future;
use std::hint::black_box;
use std::task::{Context, Poll, Waker};
use std::time::Instant;

use actix_web::dev::Service;
use actix_web::{test as actix_test, web, App, HttpRequest, HttpResponse, Responder};
use axum::body::Body;
use axum::extract::{MatchedPath, Path};
use axum::http::{Method, Request};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use handler_metrics::{HandlerSite, Metrics};
use tower::ServiceExt;

const ROUTE_COUNTS: [usize; 4] = [4, 13, 53, 203];

/// Polls `future` on this thread until it completes: nothing here waits on I/O.
fn poll_to_completion<F: Future>(future: F) -> F::Output {
    let mut future = std::pin::pin!(future);
    let mut context = Context::from_waker(Waker::noop());
    loop {
        if let Poll::Ready(output) = future.as_mut().poll(&mut context) {
            return output;
        }
    }
}

async fn bare_actix(id: web::Path<u32>) -> String {
    id.to_string()
}

async fn pattern_actix(request: HttpRequest, id: web::Path<u32>) -> String {
    black_box(request.match_pattern());
    id.to_string()
}

#[handler_metrics::actix::metered]
async fn metered_actix(id: web::Path<u32>) -> String {
    id.to_string()
}

/// The recording `#[metered]` makes, written by hand: the template and the method from the
/// `HttpRequest`, the status from the response (an extractor's rejection is not counted).
async fn by_hand_actix(request: HttpRequest, id: web::Path<u32>) -> HttpResponse {
    static SITE: HandlerSite = HandlerSite::new("by_hand_actix", &[], &[]);
    let template = request.match_pattern();
    let recording = Metrics::global().begin(&SITE, template.as_deref(), request.method().as_str());
    let response = id.to_string().respond_to(&request).map_into_boxed_body();
    recording.finish(response.status().as_u16());
    response
}

async fn bare_axum(Path(id): Path<u32>) -> String {
    id.to_string()
}

#[handler_metrics::axum::metered]
async fn metered_axum(Path(id): Path<u32>) -> String {
    id.to_string()
}

/// The recording `#[metered]` makes, written by hand: the template and the method from axum's
/// extractors, the status from the response (an extractor's rejection is not counted).
async fn by_hand_axum(template: MatchedPath, method: Method, Path(id): Path<u32>) -> Response {
    static SITE: HandlerSite = HandlerSite::new("by_hand_axum", &[], &[]);
    let recording = Metrics::global().begin(&SITE, Some(template.as_str()), method.as_str());
    let response = id.to_string().into_response();
    recording.finish(response.status().as_u16());
    response
}

/// The measured route: the last of the app, so a router that tries routes in order tries them
/// all, and the same in every variant's app.
const TARGET: &str = "/target/{id}";
const PATH: &str = "/target/7";

/// Route templates that are not the measured one, so that the app has `routes` routes in all.
fn fillers(routes: usize) -> impl Iterator<Item = String> {
    (0..routes.saturating_sub(1)).map(|i| format!("/filler{i}/items"))
}

/// Calls `path` on the app: one request through the framework's whole service stack.
type Caller = Box<dyn Fn(&'static str)>;

/// A middleware that passes every request on and every response back.
async fn forward(
    request: actix_web::dev::ServiceRequest,
    next: actix_web::middleware::Next<impl actix_web::body::MessageBody>,
) -> Result<actix_web::dev::ServiceResponse<impl actix_web::body::MessageBody>, actix_web::Error> {
    next.call(request).await
}

/// The caller of an actix-web `App`, whatever its middleware made of its body type.
macro_rules! actix_caller {
    ($app:expr) => {{
        let app = poll_to_completion(actix_test::init_service($app));
        Box::new(move |path| {
            let request = actix_test::TestRequest::get().uri(path).to_request();
            let response = poll_to_completion(app.call(request)).expect("a response");
            assert!(response.status().is_success());
            black_box(response);
        }) as Caller
    }};
}

fn actix_app(routes: usize, variant: &str) -> Caller {
    let mut app = App::new();
    for filler in fillers(routes) {
        app = app.route(&filler, web::get().to(bare_actix));
    }
    let route = web::get();
    let route = match variant {
        "bare" | "layerbare" | "peer" | "forward" => route.to(bare_actix),
        "pattern" => route.to(pattern_actix),
        "metered" | "layered" => route.to(metered_actix),
        "byhand" => route.to(by_hand_actix),
        other => panic!("unknown variant {other}"),
    };
    let app = app.route(TARGET, route);
    match variant {
        // The companion middleware, around a metered handler or a bare one (unmetered).
        "layered" | "layerbare" => actix_caller!(app.wrap(handler_metrics::actix::middleware())),
        // What any middleware costs: one that only passes the request on.
        "forward" => actix_caller!(app.wrap(actix_web::middleware::from_fn(forward))),
        // actix-web-prom's middleware, its defaults, around the bare handler.
        "peer" => {
            let peer = actix_web_prom::PrometheusMetricsBuilder::new("")
                .endpoint("/metrics")
                .build()
                .expect("actix-web-prom builds");
            actix_caller!(app.wrap(peer))
        }
        _ => actix_caller!(app),
    }
}

fn axum_app(routes: usize, variant: &str) -> Caller {
    let mut app = Router::new();
    for filler in fillers(routes) {
        app = app.route(&filler, get(bare_axum));
    }
    let app: Router = match variant {
        "bare" | "outer" => app.route(TARGET, get(bare_axum)),
        "metered" => app.route(TARGET, get(metered_axum)),
        "byhand" => app.route(TARGET, get(by_hand_axum)),
        // The companion layer, around a metered handler or a bare one (unmetered).
        "layered" => app
            .route(TARGET, get(metered_axum))
            .layer(handler_metrics::axum::layer()),
        "layerbare" => app
            .route(TARGET, get(bare_axum))
            .layer(handler_metrics::axum::layer()),
        // What `Router::layer` costs any layer: a service that only forwards.
        "forward" => app
            .route(TARGET, get(bare_axum))
            .layer(tower::layer::layer_fn(|inner| Forward { inner })),
        // axum-prometheus's layer, its defaults, around the bare handler.
        "peer" => {
            let (layer, _handle) = axum_prometheus::PrometheusMetricLayer::pair();
            app.route(TARGET, get(bare_axum)).layer(layer)
        }
        other => panic!("unknown variant {other}"),
    };
    // As `axum::serve` does once (`into_make_service`): the handlers become routes, with every
    // layer applied, before the first request rather than at each.
    let app = app.with_state(());
    if variant == "outer" {
        // The companion layer around the whole router instead of `Router::layer`.
        use tower::Layer as _;
        return axum_caller(handler_metrics::axum::layer().layer(app));
    }
    axum_caller(app)
}

/// The caller of an axum service.
fn axum_caller<S, B>(app: S) -> Caller
where
    S: tower::Service<
            Request<Body>,
            Response = axum::http::Response<B>,
            Error = std::convert::Infallible,
        > + Clone
        + 'static,
{
    Box::new(move |path| {
        let request = Request::get(path).body(Body::empty()).expect("a request");
        let response = poll_to_completion(app.clone().oneshot(request)).expect("infallible");
        assert!(response.status().is_success());
        black_box(response);
    })
}

/// A tower service that forwards every request and response unchanged.
#[derive(Clone)]
struct Forward<S> {
    inner: S,
}

impl<S: tower::Service<R>, R> tower::Service<R> for Forward<S> {
    type Response = S::Response;
    type Error = S::Error;
    type Future = S::Future;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), S::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, request: R) -> S::Future {
        self.inner.call(request)
    }
}

/// One framework's app, called in process.
struct Stack {
    call: Caller,
}

impl Stack {
    /// The app of `framework` with `routes` routes, the measured one served by `variant`.
    fn new(framework: &str, routes: usize, variant: &str) -> Stack {
        let call = match framework {
            "actix" => actix_app(routes, variant),
            "axum" => axum_app(routes, variant),
            other => panic!("unknown framework {other}"),
        };
        Stack { call }
    }

    fn call(&self) {
        (self.call)(PATH);
    }

    /// Nanoseconds per request over `requests` calls of `path`.
    fn time(&self, requests: u32) -> f64 {
        let started = Instant::now();
        for _ in 0..requests {
            self.call();
        }
        started.elapsed().as_nanos() as f64 / f64::from(requests)
    }
}

/// The requests whose instructions `scripts/bench-instructions.sh` counts: callgrind collects
/// inside this function only (`--toggle-collect`), so start-up and warm-up are left out.
#[inline(never)]
fn counted_requests(stack: &Stack, requests: u32) {
    for _ in 0..requests {
        stack.call();
    }
}

/// Attaches a sampled trace as the current OpenTelemetry context until the guard drops.
#[cfg(feature = "opentelemetry")]
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

#[cfg(not(feature = "opentelemetry"))]
fn traced() {
    panic!("`traced` needs the `opentelemetry` feature of the benches");
}

fn median(mut values: Vec<f64>) -> f64 {
    values.sort_by(f64::total_cmp);
    values[values.len() / 2]
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    // The runtime actix's test helpers expect, on this thread.
    let system = actix_web::rt::System::new();
    let _guard = system.runtime().tokio_runtime().enter();

    if args.first().map(String::as_str) == Some("one") {
        let spec = args.get(1).expect("<framework>-<variant>-<routes>");
        let requests: u32 = args
            .get(2)
            .and_then(|n| n.parse().ok())
            .expect("<requests>");
        let mut parts = spec.splitn(3, '-');
        let (framework, variant, routes) = (
            parts.next().expect("framework"),
            parts.next().expect("variant"),
            parts.next().and_then(|r| r.parse().ok()).expect("routes"),
        );
        if args.get(3).map(String::as_str) == Some("native") {
            handler_metrics::Config::new()
                .native_histograms(handler_metrics::NativeHistograms::new())
                .install()
                .expect("native histograms install");
        }
        let stack = Stack::new(framework, routes, variant);
        // `traced` (with the `opentelemetry` feature): every request runs inside a sampled
        // OpenTelemetry context, as under a traced middleware, so each one offers an exemplar.
        let _trace = (args.get(3).map(String::as_str) == Some("traced")).then(traced);
        stack.call(); // the series exist, and the clock is calibrated, before counting starts
        counted_requests(&stack, requests);
        return;
    }

    let rounds: usize = args.first().and_then(|r| r.parse().ok()).unwrap_or(15);
    let requests: u32 = args.get(1).and_then(|r| r.parse().ok()).unwrap_or(20_000);
    println!(
        "{rounds} rounds of {requests} requests per variant, variants alternated within each round; {} cores, {}; the measured route is the last of the app",
        std::thread::available_parallelism().map_or(0, |n| n.get()),
        std::fs::read_to_string("/proc/cpuinfo")
            .ok()
            .and_then(|c| c.lines().find(|l| l.starts_with("model name")).map(|l| l.split(':').nth(1).unwrap_or("").trim().to_owned()))
            .unwrap_or_default(),
    );
    println!();
    println!("| framework | routes | bare handler (ns) | `#[metered]` (ns) | `#[metered]` adds (ns) | the same by hand adds (ns) | `HttpRequest` + `match_pattern()` alone adds (ns) |");
    println!("|---|---|---|---|---|---|---|");
    for framework in ["actix", "axum"] {
        let variants: &[&str] = if framework == "actix" {
            &["bare", "metered", "byhand", "pattern"]
        } else {
            &["bare", "metered", "byhand"]
        };
        for routes in ROUTE_COUNTS {
            let stacks: Vec<Stack> = variants
                .iter()
                .map(|variant| Stack::new(framework, routes, variant))
                .collect();
            for stack in &stacks {
                for _ in 0..1000 {
                    stack.call();
                }
            }
            let mut times: Vec<Vec<f64>> = vec![Vec::new(); variants.len()];
            // Paired differences: each round's added cost against the same round's bare time.
            let mut added: Vec<Vec<f64>> = vec![Vec::new(); variants.len()];
            for round in 0..rounds {
                let mut this_round = vec![0.0; variants.len()];
                // Alternate the order too, so that no variant always runs first.
                let order: Vec<usize> = if round % 2 == 0 {
                    (0..variants.len()).collect()
                } else {
                    (0..variants.len()).rev().collect()
                };
                for i in order {
                    this_round[i] = stacks[i].time(requests);
                }
                for i in 0..variants.len() {
                    times[i].push(this_round[i]);
                    added[i].push(this_round[i] - this_round[0]);
                }
            }
            let pattern = match variants.iter().position(|v| *v == "pattern") {
                Some(i) => format!("{:.0}", median(added[i].clone())),
                None => "— (none needed: `MatchedPath`)".to_owned(),
            };
            println!(
                "| {framework} | {routes} | {:.0} | {:.0} | **{:.0}** | {:.0} | {pattern} |",
                median(times[0].clone()),
                median(times[1].clone()),
                median(added[1].clone()),
                median(added[2].clone()),
            );
        }
    }
}
