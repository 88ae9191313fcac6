//! actix-web integration: the wrapper `#[metered]` handlers run in, and the `/metrics` route.

use actix_web::dev::Payload;
use actix_web::http::header::{HeaderValue, ACCEPT, ACCEPT_ENCODING};
use std::convert::Infallible;
use std::future::{ready, Future, Ready};
use std::pin::Pin;
use std::task::{ready, Context, Poll};

use actix_web::{web, FromRequest, Handler, HttpRequest, HttpResponse, Resource, Responder};
use pin_project_lite::pin_project;

mod middleware;

pub use crate::hot_path::layer::MeteredBody;
pub use middleware::{middleware, Middleware, MiddlewareService, ResponseFuture};

use crate::hot_path::recording::{Recording, UnwindGuard};
use crate::hot_path::site::HandlerSite;
use crate::registry::metrics::Metrics;
use crate::vocabulary::naming::Scheme;

/// The exposition route at `GET /metrics`: everything in the configured registry, in the format
/// the scraper's `Accept` header asks for (OpenMetrics 1.0, with exemplars under the
/// `opentelemetry` feature, or the classic text format, as in the example without one), gzipped
/// when its `Accept-Encoding` allows; the answer of [`Metrics::scrape`](crate::Metrics::scrape).
/// Add it to the `App` with `.service(...)`.
///
/// It is a plain [`Resource`], so it can be guarded like any other (see [`metrics_at`]) or served
/// by a separate `HttpServer` on an internal listener. The route itself is not metered.
///
/// # Examples
///
/// ```
/// use actix_web::{test, App};
///
/// # actix_web::rt::System::new().block_on(async {
/// let app = test::init_service(App::new().service(handler_metrics_runtime::actix::metrics())).await;
/// let res = test::call_service(&app, test::TestRequest::get().uri("/metrics").to_request()).await;
/// assert_eq!(res.headers().get("content-type").unwrap(), "text/plain; version=0.0.4");
/// # });
/// ```
pub fn metrics() -> Resource {
    metrics_at("/metrics")
}

/// The exposition route at another path, e.g. `/internal/metrics`.
///
/// # Examples
///
/// Serve it only to requests carrying a token (others get `404`):
///
/// ```
/// use actix_web::{guard, test, App};
///
/// # actix_web::rt::System::new().block_on(async {
/// let route = handler_metrics_runtime::actix::metrics_at("/internal/metrics")
///     .guard(guard::Header("authorization", "Bearer s3cret"));
/// let app = test::init_service(App::new().service(route)).await;
///
/// let anonymous = test::TestRequest::get().uri("/internal/metrics").to_request();
/// assert_eq!(test::call_service(&app, anonymous).await.status(), 404);
/// # });
/// ```
pub fn metrics_at(path: &str) -> Resource {
    web::resource(path).route(web::get().to(expose))
}

async fn expose(request: HttpRequest) -> HttpResponse {
    let header = |name| {
        request
            .headers()
            .get(name)
            .and_then(|value: &HeaderValue| value.to_str().ok())
    };
    match Metrics::global().scrape(header(ACCEPT), header(ACCEPT_ENCODING)) {
        Ok(scrape) => {
            let mut response = HttpResponse::Ok();
            // With `content-encoding` set, actix's `Compress` middleware, if the app has it,
            // leaves the already encoded body alone.
            for (name, value) in scrape.headers() {
                response.insert_header((name, HeaderValue::from_static(value)));
            }
            response.body(scrape.into_body())
        }
        Err(err) => HttpResponse::InternalServerError().body(err.to_string()),
    }
}

/// A request handed to a `#[metered]` handler, its arguments not yet extracted.
///
/// It is the one argument of the function the macro generates: actix-web takes it from the
/// request at once (this never fails), and [`serve`] then runs the real extraction inside the
/// recording, so that a rejection is counted as the handler's response. The payload is taken
/// untouched, so extraction sees exactly what actix would have given it.
pub struct UnextractedRequest {
    request: HttpRequest,
    payload: Payload,
}

impl FromRequest for UnextractedRequest {
    type Error = Infallible;
    type Future = Ready<Result<Self, Infallible>>;

    #[inline]
    fn from_request(request: &HttpRequest, payload: &mut Payload) -> Self::Future {
        ready(Ok(UnextractedRequest {
            request: request.clone(),
            payload: payload.take(),
        }))
    }
}

/// Serves one request the way actix-web's own handler service does — extract the arguments,
/// call the handler, turn its output into a response — while recording it under `site`.
///
/// Doing the extraction here rather than in actix is what lets a handler attribute see requests
/// its extractors reject, and turning the output into a response here is what gives the exact
/// status for every `Responder`. The response, its headers and the error it carries are the ones
/// actix would have produced.
#[inline]
pub fn serve<H, Args>(
    site: &'static HandlerSite,
    unextracted: UnextractedRequest,
    handler: H,
) -> Serve<H, Args>
where
    H: Handler<Args>,
    H::Output: Responder,
    Args: FromRequest,
{
    let (extraction, exchange) = start(site, unextracted);
    Serve {
        stage: Stage::Extracting {
            extraction,
            handler,
        },
        exchange,
    }
}

/// The part of [`serve`] that does not depend on the handler: it begins the recording and the
/// extraction, compiled once per argument types.
fn start<Args: FromRequest>(
    site: &'static HandlerSite,
    unextracted: UnextractedRequest,
) -> (Extraction<Args>, Exchange) {
    let UnextractedRequest {
        request,
        mut payload,
    } = unextracted;
    let recording = begin(site, &request);
    let future = Args::from_request(&request, &mut payload);
    (
        Extraction { future },
        Exchange {
            request,
            _payload: payload,
            recording,
        },
    )
}

/// The recording's start, out of line: the same code for every handler.
#[inline(never)]
fn begin(site: &'static HandlerSite, request: &HttpRequest) -> Recording {
    Metrics::global().begin_reading_scheme(
        site,
        route_template(request).as_deref(),
        request.method().as_str(),
        // Whether the listener that accepted the connection is TLS (`HttpServer::bind_rustls`
        // and the like): what actix knows of the scheme, without parsing forwarded headers.
        || {
            if request.app_config().secure() {
                Scheme::Https
            } else {
                Scheme::Http
            }
        },
    )
}

/// The template of the resource that routed `request`, or `None` when a default service serves
/// it. Routing consumes the path of the resource it picks; a default service gets a request
/// whose path is not consumed to the end, even when a resource's template matches the path but
/// its guard refused the request (`match_pattern()` alone would then name that resource).
#[inline(always)]
fn route_template(request: &HttpRequest) -> Option<String> {
    if request.match_info().unprocessed().is_empty() {
        request.match_pattern()
    } else {
        None
    }
}

/// [`route_template`] for the companion middleware, once the response is there. Here, beside
/// [`begin`], rather than in `actix/middleware.rs`: a caller in another module lands in another
/// codegen unit, which makes the compiler call actix's path check out of line in `begin` too,
/// 19 instructions more per metered request (`scripts/bench-instructions-before-after.sh`).
#[inline(never)]
fn answered_template(request: &HttpRequest) -> Option<String> {
    route_template(request)
}

pin_project! {
    /// The future of a `#[metered]` actix-web handler ([`serve`]): the extraction of its
    /// arguments, then the handler's own future, inside the recording.
    ///
    /// Written by hand rather than as an `async` block, and without boxing the handler's future:
    /// per handler, the compiler builds only this `poll`; the extraction is shared by every
    /// handler of the same arguments, the response by every handler of the same output type.
    /// Dropped before it completes (the client went away), the recording counts a cancellation;
    /// a panic while it is polled counts a panic.
    pub struct Serve<H, Args>
    where
        H: Handler<Args>,
        Args: FromRequest,
    {
        #[pin]
        stage: Stage<H, Args>,
        exchange: Exchange,
    }
}

/// What [`Serve`] holds whatever the handler: the request, its payload, the recording.
struct Exchange {
    request: HttpRequest,
    // Kept, unread, until the handler has answered, as actix's own handler service keeps it.
    _payload: Payload,
    recording: Recording,
}

pin_project! {
    #[project = StageProjection]
    enum Stage<H, Args>
    where
        H: Handler<Args>,
        Args: FromRequest,
    {
        Extracting { #[pin] extraction: Extraction<Args>, handler: H },
        Running { #[pin] handler: H::Future },
    }
}

impl<H, Args> Future for Serve<H, Args>
where
    H: Handler<Args>,
    H::Output: Responder,
    Args: FromRequest,
{
    type Output = HttpResponse;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<HttpResponse> {
        let mut this = self.project();
        let mut recording = UnwindGuard::new(&mut this.exchange.recording);
        loop {
            match this.stage.as_mut().project() {
                StageProjection::Extracting {
                    extraction,
                    handler,
                } => match extraction.poll(cx) {
                    Poll::Ready(Err(response)) => return Poll::Ready(reject(recording, response)),
                    Poll::Ready(Ok(args)) => {
                        let handler = handler.call(args);
                        this.stage.set(Stage::Running { handler });
                    }
                    Poll::Pending => break,
                },
                StageProjection::Running { handler } => {
                    match recording.poll_handler(|| handler.poll(cx)) {
                        Poll::Ready(output) => {
                            return Poll::Ready(respond(recording, output, &this.exchange.request))
                        }
                        Poll::Pending => break,
                    }
                }
            }
        }
        recording.pending();
        Poll::Pending
    }
}

pin_project! {
    /// The extraction of a handler's arguments, the same for every handler of those arguments.
    struct Extraction<Args>
    where
        Args: FromRequest,
    {
        #[pin]
        future: Args::Future,
    }
}

impl<Args> Future for Extraction<Args>
where
    Args: FromRequest,
{
    /// The arguments, or the response of the extractor that rejected the request.
    type Output = Result<Args, HttpResponse>;

    #[inline(never)]
    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let args = ready!(self.project().future.poll(cx));
        Poll::Ready(args.map_err(|err| HttpResponse::from_error(err.into())))
    }
}

/// The response of the handler's output, as actix builds it, recorded: out of line, compiled
/// once per output type.
#[inline(never)]
fn respond<Output: Responder>(
    recording: UnwindGuard<'_>,
    output: Output,
    request: &HttpRequest,
) -> HttpResponse {
    let response = output.respond_to(request).map_into_boxed_body();
    // Not through `reject`, which is out of line: every answered request would pay a second call
    // (15 instructions, `scripts/bench-instructions.sh`).
    recording.finish(response.status().as_u16());
    response
}

/// The response of an extractor's rejection, recorded. Out of line: not generic, so compiled
/// once in this crate rather than in every handler's `poll`.
#[inline(never)]
fn reject(recording: UnwindGuard<'_>, response: HttpResponse) -> HttpResponse {
    recording.finish(response.status().as_u16());
    response
}
