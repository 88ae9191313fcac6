//! axum integration: the extractor and the future of the function `#[metered]` generates, and
//! the `/metrics` router.
//!
//! The generated function is an ordinary axum handler, registered as the user's was, with one
//! argument: [`Metered`], the handler's site and the user's arguments as a tuple. Extracting it
//! reads the route template ([`MatchedPath`], set by the router, nest prefixes included) and the
//! method and begins the recording, so that extraction is timed; then it extracts the tuple as
//! axum's own `Handler` extracts a handler's arguments, with the router's state, whatever it is,
//! keeping the response of the first rejection as axum would have sent it: from the request's
//! parts when every argument is a parts extractor ([`PartsArguments`]: `Metered` is then a
//! `FromRequestParts` itself, so the request is not moved into our futures), else from the
//! request ([`Arguments`], the body going to the last). A single argument is extracted by its
//! own future alone. [`Run`] finishes the recording with the status of the response. axum boxes
//! every handler's future itself; this adds no allocation of its own, and the only code compiled
//! per handler is two small `poll`s (the extraction of a signature is shared by every handler of
//! that signature).

use std::future::Future;
use std::marker::PhantomData;
use std::pin::Pin;
use std::task::{Context, Poll};

use axum::body::Body;
use axum::extract::{FromRequest, FromRequestParts, MatchedPath, Request};
use axum::http::header::{HeaderMap, HeaderValue, ACCEPT, ACCEPT_ENCODING};
use axum::http::request::Parts;
use axum::http::{Extensions, Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use pin_project_lite::pin_project;

mod layer;

pub use crate::hot_path::layer::MeteredBody;
pub use layer::{layer, MetricsLayer, MetricsService, ResponseFuture};

use crate::hot_path::recording::{Recording, UnwindGuard};
use crate::hot_path::site::{HandlerSite, SiteOf};
use crate::registry::metrics::Metrics;
use crate::vocabulary::naming::Scheme;

/// The exposition route at `GET /metrics`: everything in the configured registry, in the format
/// the scraper's `Accept` header asks for (OpenMetrics 1.0, with exemplars under the
/// `opentelemetry` feature, or the classic text format), gzipped when its `Accept-Encoding`
/// allows; the answer of [`Metrics::scrape`](crate::Metrics::scrape). A `Router<S>` for any
/// state `S`, so it merges into any application router.
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

async fn expose(headers: HeaderMap) -> Response {
    let header = |name| headers.get(name).and_then(|value| value.to_str().ok());
    match Metrics::global().scrape(header(ACCEPT), header(ACCEPT_ENCODING)) {
        Ok(scrape) => {
            let headers = scrape.headers();
            let mut response = Response::new(Body::from(scrape.into_body()));
            for (name, value) in headers {
                response
                    .headers_mut()
                    .insert(name, HeaderValue::from_static(value));
            }
            response
        }
        Err(err) => (StatusCode::INTERNAL_SERVER_ERROR, err.to_string()).into_response(),
    }
}

/// The one argument of a `#[metered]` axum handler: the recording of the request to the handler
/// `Site`, begun before the user's extractors run, and the user's arguments `Args`, a tuple
/// extracted with the router's state as axum extracts a handler's ([`PartsArguments`] or
/// [`Arguments`]).
///
/// When an extractor rejects the request, the recording is finished with the status of the
/// rejection's response, and that response is the rejection of `Metered`: axum sends it as it
/// would have without the attribute.
pub struct Metered<Site, Args> {
    recording: Recording,
    args: Args,
    site: PhantomData<fn() -> Site>,
}

impl<Site, Args> Metered<Site, Args> {
    /// The recording and the arguments.
    #[inline]
    pub fn into_parts(self) -> (Recording, Args) {
        (self.recording, self.args)
    }
}

/// Arguments that are all extracted from the request's parts (a path, a query, the state,
/// headers, none at all): `Metered` is then extracted from the parts too, as axum extracts such
/// an argument, without moving the request into futures of ours.
impl<S, Site, Args> FromRequestParts<S> for Metered<Site, Args>
where
    S: Send + Sync,
    Site: SiteOf,
    Args: PartsArguments<S>,
{
    type Rejection = Response;

    #[inline]
    fn from_request_parts(
        parts: &mut Parts,
        state: &S,
    ) -> impl Future<Output = Result<Self, Response>> + Send {
        Extracting {
            extraction: parts_extraction::<S, Args>(Site::SITE, parts, state),
            site: PhantomData,
        }
    }
}

/// Arguments of which the last takes the request's body (`Json`, `String`, `Request`...).
///
/// Its marker is axum's default one, which a body extractor implements and a parts extractor
/// does not: with the [`FromRequestParts`] impl above, exactly one of the two applies to a
/// signature, so axum's `Handler` impls find `Metered`'s without ambiguity.
impl<S, Site, Args> FromRequest<S> for Metered<Site, Args>
where
    S: Send + Sync,
    Site: SiteOf,
    Args: Arguments<S>,
{
    type Rejection = Response;

    #[inline]
    fn from_request(
        request: Request,
        state: &S,
    ) -> impl Future<Output = Result<Self, Response>> + Send {
        Extracting {
            extraction: extraction::<S, Args>(Site::SITE, request, state),
            site: PhantomData,
        }
    }
}

/// The arguments of a `#[metered]` axum handler whose last argument takes the body, as a
/// tuple: extracted as axum's own `Handler` extracts a handler's arguments (every one but the
/// last with `FromRequestParts`, the last with `FromRequest`), and, for a single argument, by
/// that argument's own future alone, without a second future around it or a second move of the
/// request.
pub trait Arguments<S>: Sized {
    /// What the extraction's future gives: the tuple, or its single element.
    #[doc(hidden)]
    type Extracted;
    /// The response of a rejection.
    #[doc(hidden)]
    type Rejection: IntoResponse;

    /// Extracts the arguments from `request`.
    #[doc(hidden)]
    fn extract(
        request: Request,
        state: &S,
    ) -> impl Future<Output = Result<Self::Extracted, Self::Rejection>> + Send;

    /// The tuple, from what the extraction gave.
    #[doc(hidden)]
    fn from_extracted(extracted: Self::Extracted) -> Self;
}

/// The arguments of a `#[metered]` axum handler that are all extracted from the request's
/// parts, as a tuple (none, or up to 16), each with `FromRequestParts` as axum's own `Handler`
/// extracts them; a single argument by its own future alone.
pub trait PartsArguments<S>: Sized {
    /// What the extraction's future gives: the tuple, or its single element.
    #[doc(hidden)]
    type Extracted;
    /// The response of a rejection.
    #[doc(hidden)]
    type Rejection: IntoResponse;

    /// Extracts the arguments from `parts`.
    #[doc(hidden)]
    fn extract(
        parts: &mut Parts,
        state: &S,
    ) -> impl Future<Output = Result<Self::Extracted, Self::Rejection>> + Send;

    /// The tuple, from what the extraction gave.
    #[doc(hidden)]
    fn from_extracted(extracted: Self::Extracted) -> Self;
}

impl<S> PartsArguments<S> for () {
    type Extracted = ();
    type Rejection = std::convert::Infallible;

    #[inline]
    fn extract(_: &mut Parts, _: &S) -> impl Future<Output = Result<(), Self::Rejection>> + Send {
        std::future::ready(Ok(()))
    }

    #[inline]
    fn from_extracted(extracted: ()) -> Self {
        extracted
    }
}

impl<S, T1> PartsArguments<S> for (T1,)
where
    T1: FromRequestParts<S>,
{
    type Extracted = T1;
    type Rejection = T1::Rejection;

    #[inline]
    fn extract(
        parts: &mut Parts,
        state: &S,
    ) -> impl Future<Output = Result<T1, T1::Rejection>> + Send {
        T1::from_request_parts(parts, state)
    }

    #[inline]
    fn from_extracted(extracted: T1) -> Self {
        (extracted,)
    }
}

impl<S, T1> Arguments<S> for (T1,)
where
    T1: FromRequest<S>,
{
    type Extracted = T1;
    type Rejection = T1::Rejection;

    #[inline]
    fn extract(
        request: Request,
        state: &S,
    ) -> impl Future<Output = Result<T1, T1::Rejection>> + Send {
        T1::from_request(request, state)
    }

    #[inline]
    fn from_extracted(extracted: T1) -> Self {
        (extracted,)
    }
}

/// `Arguments` and `PartsArguments` for tuples of 2 to 16, as axum's `Handler` impls extract
/// them.
macro_rules! arguments {
    ($($parts:ident),+ ; $last:ident) => {
        impl<S, $($parts,)+ $last> Arguments<S> for ($($parts,)+ $last,)
        where
            S: Send + Sync,
            $($parts: FromRequestParts<S> + Send,)+
            $last: FromRequest<S>,
        {
            type Extracted = Self;
            type Rejection = Response;

            #[allow(non_snake_case)]
            fn extract(
                request: Request,
                state: &S,
            ) -> impl Future<Output = Result<Self, Response>> + Send {
                async move {
                    let (mut parts, body) = request.into_parts();
                    $(
                        let $parts = $parts::from_request_parts(&mut parts, state)
                            .await
                            .map_err(IntoResponse::into_response)?;
                    )+
                    let request = Request::from_parts(parts, body);
                    let $last = $last::from_request(request, state)
                        .await
                        .map_err(IntoResponse::into_response)?;
                    Ok(($($parts,)+ $last,))
                }
            }

            #[inline]
            fn from_extracted(extracted: Self) -> Self {
                extracted
            }
        }

        impl<S, $($parts,)+ $last> PartsArguments<S> for ($($parts,)+ $last,)
        where
            S: Send + Sync,
            $($parts: FromRequestParts<S> + Send,)+
            $last: FromRequestParts<S>,
        {
            type Extracted = Self;
            type Rejection = Response;

            #[allow(non_snake_case)]
            fn extract(
                parts: &mut Parts,
                state: &S,
            ) -> impl Future<Output = Result<Self, Response>> + Send {
                async move {
                    $(
                        let $parts = $parts::from_request_parts(parts, state)
                            .await
                            .map_err(IntoResponse::into_response)?;
                    )+
                    let $last = $last::from_request_parts(parts, state)
                        .await
                        .map_err(IntoResponse::into_response)?;
                    Ok(($($parts,)+ $last,))
                }
            }

            #[inline]
            fn from_extracted(extracted: Self) -> Self {
                extracted
            }
        }
    };
}

arguments!(T1; T2);
arguments!(T1, T2; T3);
arguments!(T1, T2, T3; T4);
arguments!(T1, T2, T3, T4; T5);
arguments!(T1, T2, T3, T4, T5; T6);
arguments!(T1, T2, T3, T4, T5, T6; T7);
arguments!(T1, T2, T3, T4, T5, T6, T7; T8);
arguments!(T1, T2, T3, T4, T5, T6, T7, T8; T9);
arguments!(T1, T2, T3, T4, T5, T6, T7, T8, T9; T10);
arguments!(T1, T2, T3, T4, T5, T6, T7, T8, T9, T10; T11);
arguments!(T1, T2, T3, T4, T5, T6, T7, T8, T9, T10, T11; T12);
arguments!(T1, T2, T3, T4, T5, T6, T7, T8, T9, T10, T11, T12; T13);
arguments!(T1, T2, T3, T4, T5, T6, T7, T8, T9, T10, T11, T12, T13; T14);
arguments!(T1, T2, T3, T4, T5, T6, T7, T8, T9, T10, T11, T12, T13, T14; T15);
arguments!(T1, T2, T3, T4, T5, T6, T7, T8, T9, T10, T11, T12, T13, T14, T15; T16);

/// The recording's start, out of line: the same code for every handler. Given the request's
/// head (`Request` and `Parts` both have it), whichever of the two the extraction has.
#[inline(never)]
fn begin(
    site: &'static HandlerSite,
    extensions: &Extensions,
    method: &Method,
    uri: &Uri,
) -> Recording {
    let endpoint = extensions.get::<MatchedPath>().map(MatchedPath::as_str);
    // A server sees the scheme only in an absolute-form target; axum does not know whether its
    // listener is TLS, so anything else is `http`.
    let scheme = || {
        uri.scheme_str()
            .map_or(Scheme::Http, Scheme::from_str_lossy)
    };
    Metrics::global().begin_reading_scheme(site, endpoint, method.as_str(), scheme)
}

pin_project! {
    /// The extraction of [`Metered`] for the handler `Site`: [`Extraction`] with the site's type
    /// put on its output. The only part of the extraction compiled per handler, so it does
    /// nothing else.
    struct Extracting<Site, E> {
        #[pin]
        extraction: E,
        site: PhantomData<fn() -> Site>,
    }
}

impl<Site, E, Args> Future for Extracting<Site, E>
where
    E: Future<Output = Result<(Recording, Args), Response>>,
{
    type Output = Result<Metered<Site, Args>, Response>;

    #[inline]
    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        match self.project().extraction.poll(cx) {
            Poll::Ready(Ok((recording, args))) => Poll::Ready(Ok(Metered {
                recording,
                args,
                site: PhantomData,
            })),
            Poll::Ready(Err(response)) => Poll::Ready(Err(response)),
            Poll::Pending => Poll::Pending,
        }
    }
}

pin_project! {
    /// The user's extractors' future, inside the recording: the same for every handler of a
    /// signature.
    struct Extraction<F, C> {
        #[pin]
        args: F,
        recording: Recording,
        // `Arguments::from_extracted` or `PartsArguments::from_extracted`, a function item: no
        // size, called statically.
        arguments: C,
    }
}

/// The [`Extraction`] of a request to `site`: the recording begun, the arguments' extraction
/// started. Not generic over the site, so compiled once per signature.
#[inline]
fn extraction<'s, S, Args: Arguments<S>>(
    site: &'static HandlerSite,
    request: Request,
    state: &'s S,
) -> impl Future<Output = Result<(Recording, Args), Response>> + Send + use<'s, S, Args> {
    Extraction {
        recording: begin(site, request.extensions(), request.method(), request.uri()),
        args: Args::extract(request, state),
        arguments: Args::from_extracted,
    }
}

/// The same for arguments all extracted from the request's `parts`, which it borrows.
#[inline]
fn parts_extraction<'p, 's, S, Args: PartsArguments<S>>(
    site: &'static HandlerSite,
    parts: &'p mut Parts,
    state: &'s S,
) -> impl Future<Output = Result<(Recording, Args), Response>> + Send + use<'p, 's, S, Args> {
    Extraction {
        recording: begin(site, &parts.extensions, &parts.method, &parts.uri),
        args: Args::extract(parts, state),
        arguments: Args::from_extracted,
    }
}

impl<F, C, Extracted, Rejection, Args> Future for Extraction<F, C>
where
    F: Future<Output = Result<Extracted, Rejection>>,
    Rejection: IntoResponse,
    C: Fn(Extracted) -> Args,
{
    type Output = Result<(Recording, Args), Response>;

    #[inline(never)]
    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = self.project();
        let recording = UnwindGuard::new(this.recording);
        Poll::Ready(match this.args.poll(cx) {
            Poll::Ready(Ok(extracted)) => Ok((recording.take(), (this.arguments)(extracted))),
            Poll::Ready(Err(rejection)) => Err(respond(recording, rejection)),
            Poll::Pending => {
                recording.pending();
                return Poll::Pending;
            }
        })
    }
}

pin_project! {
    /// The future of a `#[metered]` axum handler: the user's handler's future inside the
    /// recording [`Metered`] began, finished with the status of the response.
    ///
    /// Written by hand rather than as an `async` block so that nothing is compiled per handler
    /// but this small `poll`. Dropped before it completes (the client went away, a timeout layer
    /// gave up), the recording counts a cancellation; a panic while it is polled counts a panic,
    /// whether or not a `CatchPanicLayer` catches it further out.
    pub struct Run<F> {
        #[pin]
        handler: F,
        recording: Recording,
    }
}

impl<F> Run<F> {
    /// Serves the request with the user's handler's future.
    #[inline]
    pub fn new(recording: Recording, handler: F) -> Self {
        Run { handler, recording }
    }
}

impl<F> Future for Run<F>
where
    F: Future,
    F::Output: IntoResponse,
{
    type Output = Response;

    #[inline]
    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Response> {
        let this = self.project();
        let mut recording = UnwindGuard::new(this.recording);
        let handler = this.handler;
        match recording.poll_handler(|| handler.poll(cx)) {
            Poll::Ready(output) => Poll::Ready(respond(recording, output)),
            Poll::Pending => {
                recording.pending();
                Poll::Pending
            }
        }
    }
}

/// The response of the user's handler, or of an extractor's rejection, recorded. Out of line, so
/// that it is compiled once per type rather than once per handler.
#[inline(never)]
fn respond<R: IntoResponse>(recording: UnwindGuard<'_>, output: R) -> Response {
    let response = output.into_response();
    recording.finish(response.status().as_u16());
    response
}

/// Never implemented: the bound of the `actix_web::FromRequest` impl [`Metered`] has when the
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
impl<Site, Args> actix_web::FromRequest for Metered<Site, Args>
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
