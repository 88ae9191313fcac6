//! axum integration: the extractors and the future of the function `#[metered]` generates, and
//! the `/metrics` router.
//!
//! The generated function is an ordinary axum handler, registered as the user's was, whose
//! arguments are [`Begin`] and one [`Extracted`] per argument of the user's function. axum
//! extracts them in order with the router's state, whatever it is: `Begin` first, which reads
//! the route template ([`MatchedPath`], set by the router, nest prefixes included) and the
//! method and begins the recording, so that extraction is timed; then each `Extracted`, which
//! never fails but keeps the user's extractor's rejection as the response axum would have sent.
//! [`run`] finishes the recording with the status of the response. axum boxes every handler's
//! future itself; this adds no allocation of its own.

use std::convert::Infallible;
use std::future::Future;
use std::marker::PhantomData;

use axum::extract::{FromRequest, FromRequestParts, MatchedPath, Request};
use axum::http::header::{HeaderValue, CONTENT_TYPE as CONTENT_TYPE_HEADER};
use axum::http::request::Parts;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;

use crate::hot_path::recording::Recording;
use crate::hot_path::site::HandlerSite;
use crate::registry::exposition::CONTENT_TYPE;
use crate::registry::metrics::Metrics;

/// The exposition route at `GET /metrics`: everything in the configured registry, in the text
/// format. A `Router<S>` for any state `S`, so it merges into any application router.
///
/// It is an ordinary router: put it behind an authentication layer with `route_layer`, or serve
/// it from a second listener on an internal address. The route itself is not metered.
///
/// # Examples
///
/// ```
/// use axum::{routing::get, Router};
///
/// let app: Router = Router::new()
///     .route("/", get(|| async { "hello" }))
///     .merge(handler_metrics_runtime::axum::metrics());
/// # let _ = app;
/// ```
pub fn metrics<S>() -> Router<S>
where
    S: Clone + Send + Sync + 'static,
{
    metrics_at("/metrics")
}

/// The exposition route at another path, e.g. `/internal/metrics`.
///
/// # Panics
///
/// As axum's `Router::route`, at start-up, if `path` is not a valid route (it must start with
/// `/`).
///
/// # Examples
///
/// ```
/// use axum::Router;
///
/// let app: Router = Router::new().merge(handler_metrics_runtime::axum::metrics_at("/internal/metrics"));
/// # let _ = app;
/// ```
pub fn metrics_at<S>(path: &str) -> Router<S>
where
    S: Clone + Send + Sync + 'static,
{
    Router::new().route(path, get(expose))
}

async fn expose() -> Response {
    match Metrics::global().encode_text() {
        Ok(text) => (
            [(CONTENT_TYPE_HEADER, HeaderValue::from_static(CONTENT_TYPE))],
            text,
        )
            .into_response(),
        Err(err) => (StatusCode::INTERNAL_SERVER_ERROR, err.to_string()).into_response(),
    }
}

/// The handler site of one `#[metered]` axum handler, named by a type: the macro emits an empty
/// enum implementing it next to the handler, so that [`Begin`] knows whose request it begins.
pub trait SiteOf {
    /// The handler's site.
    fn site() -> &'static HandlerSite;
}

/// The first argument of a `#[metered]` axum handler: extracted before the user's extractors,
/// it begins the recording of the request for the handler `Site`.
pub struct Begin<Site> {
    recording: Recording,
    site: PhantomData<fn() -> Site>,
}

impl<S, Site> FromRequestParts<S> for Begin<Site>
where
    S: Send + Sync,
    Site: SiteOf,
{
    type Rejection = Infallible;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Infallible> {
        Ok(Begin {
            recording: begin(Site::site(), parts),
            site: PhantomData,
        })
    }
}

/// The recording's start, out of line: the same code for every handler.
#[inline(never)]
fn begin(site: &'static HandlerSite, parts: &Parts) -> Recording {
    let endpoint = parts
        .extensions
        .get::<MatchedPath>()
        .map(MatchedPath::as_str);
    Metrics::global().begin(site, endpoint, parts.method.as_str())
}

/// An argument of the user's function, extracted by axum with the router's state: the value,
/// or the response the extractor's rejection turns into. Never rejected itself, so that the
/// handler runs, and records, for every request its route receives.
pub struct Extracted<T>(Result<T, Response>);

impl<T> Extracted<T> {
    /// The value, or the rejection's response.
    #[inline]
    #[allow(
        clippy::result_large_err,
        reason = "the error is the response the handler returns: boxing it would allocate"
    )]
    pub fn into_inner(self) -> Result<T, Response> {
        self.0
    }
}

impl<S, T> FromRequestParts<S> for Extracted<T>
where
    S: Send + Sync,
    T: FromRequestParts<S>,
{
    type Rejection = Infallible;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Infallible> {
        let extracted = T::from_request_parts(parts, state).await;
        Ok(Extracted(extracted.map_err(IntoResponse::into_response)))
    }
}

/// For the last argument, which may take the body. (An extractor from the request's head is
/// `FromRequest` through axum's own impl of it for every `FromRequestParts`.)
impl<S, T> FromRequest<S> for Extracted<T>
where
    S: Send + Sync,
    T: FromRequest<S>,
{
    type Rejection = Infallible;

    async fn from_request(request: Request, state: &S) -> Result<Self, Infallible> {
        let extracted = T::from_request(request, state).await;
        Ok(Extracted(extracted.map_err(IntoResponse::into_response)))
    }
}

/// Runs the handler's `response` future inside the recording `begin` started, and finishes it
/// with the response's status.
///
/// Dropped before it completes (the client went away, a timeout layer gave up), the recording
/// counts a cancellation; a panic while it is polled counts a panic, whether or not a
/// `CatchPanicLayer` catches it further out: the recording is a local of this `async fn`, and
/// an `async fn` drops its locals while a panic unwinds through it.
pub async fn run<Site>(begin: Begin<Site>, response: impl Future<Output = Response>) -> Response {
    let recording = begin.recording;
    let response = response.await;
    recording.finish(response.status().as_u16());
    response
}

/// Never implemented: the bound of the `actix_web::FromRequest` impl [`Begin`] has when the
/// `actix` feature is on too, so that an axum handler registered with actix-web is an error
/// that names the right attribute.
#[cfg(feature = "actix")]
#[diagnostic::on_unimplemented(
    message = "this handler has `#[handler_metrics::axum::metered]`: it is an axum handler, not an actix-web one",
    label = "an axum handler, registered with actix-web",
    note = "on an actix-web handler, write `#[handler_metrics::actix::metered]` (or `#[handler_metrics::metered]`)"
)]
pub trait AxumHandlerRegisteredWithActix {}

#[cfg(feature = "actix")]
impl<Site> actix_web::FromRequest for Begin<Site>
where
    Site: AxumHandlerRegisteredWithActix,
{
    type Error = actix_web::Error;
    type Future = std::future::Ready<Result<Self, actix_web::Error>>;

    fn from_request(_: &actix_web::HttpRequest, _: &mut actix_web::dev::Payload) -> Self::Future {
        std::future::ready(Err(actix_web::error::ErrorInternalServerError(
            "an axum handler cannot serve actix-web requests",
        )))
    }
}
