//! axum integration: the future `#[metered]` handlers run in, and the `/metrics` router.
//!
//! The handler `#[metered]` generates for axum implements `axum::handler::Handler` for every
//! state the user's function is a handler for, and delegates to axum's own implementation for
//! that function: extraction, rejections and `IntoResponse` stay exactly axum's. What it adds is
//! [`serve`]: read the route template ([`MatchedPath`], set by the router, nest prefixes
//! included) and the method, begin the recording, and wrap axum's future in [`MeteredFuture`],
//! which finishes the recording with the response's status. axum boxes every function
//! handler's future itself; the wrapper adds no allocation of its own.

use std::future::Future;
use std::pin::Pin;
use std::task::{ready, Context, Poll};

use axum::extract::{FromRequest, FromRequestParts, MatchedPath, Request};
use axum::handler::Handler;
use axum::http::header::{HeaderValue, CONTENT_TYPE as CONTENT_TYPE_HEADER};
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

/// The future axum's own `Handler` implementation returns for an `async fn`.
type HandlerFuture = Pin<Box<dyn Future<Output = Response> + Send>>;

/// Begins recording `request` under `site` and runs `handler` (axum's own handler for the
/// user's function) inside the recording.
#[inline]
fn serve(
    site: &'static HandlerSite,
    request: Request,
    handler: impl FnOnce(Request) -> HandlerFuture,
) -> MeteredFuture {
    let recording = begin(site, &request);
    MeteredFuture {
        recording: Some(recording),
        inner: handler(request),
    }
}

/// `serve0` … `serve16`, one per number of arguments, as axum's own `Handler` impls: serve a
/// request with the user's function through axum's `Handler` for it, recorded under `site`.
///
/// Their bounds are those of axum's impl, spelled out so that a function that is no handler is
/// an error that says why (an argument that is no extractor, a return value that is no
/// response, a future that is not `Send`) instead of only "`Handler` is not implemented".
macro_rules! serve_with_arguments {
    ($name:ident; $($part:ident),*; $last:ident) => {
        #[doc(hidden)]
        #[inline]
        pub fn $name<F, Fut, S, M, $($part,)* $last>(
            site: &'static HandlerSite,
            request: Request,
            state: S,
            handler: F,
        ) -> MeteredFuture
        where
            F: FnOnce($($part,)* $last) -> Fut + Clone + Send + Sync + 'static,
            Fut: Future + Send,
            Fut::Output: IntoResponse,
            S: Send + Sync + 'static,
            $($part: FromRequestParts<S> + Send,)*
            $last: FromRequest<S, M> + Send,
        {
            serve(site, request, |request| {
                Handler::<(M, $($part,)* $last,), S>::call(handler, request, state)
            })
        }
    };
}

/// The handler without arguments: see [`serve_with_arguments`].
#[inline]
pub fn serve0<F, Fut, S>(
    site: &'static HandlerSite,
    request: Request,
    state: S,
    handler: F,
) -> MeteredFuture
where
    F: FnOnce() -> Fut + Clone + Send + Sync + 'static,
    Fut: Future + Send,
    Fut::Output: IntoResponse,
    S: Send + Sync + 'static,
{
    serve(site, request, |request| {
        Handler::<((),), S>::call(handler, request, state)
    })
}

serve_with_arguments!(serve1; ; T1);
serve_with_arguments!(serve2; T1; T2);
serve_with_arguments!(serve3; T1, T2; T3);
serve_with_arguments!(serve4; T1, T2, T3; T4);
serve_with_arguments!(serve5; T1, T2, T3, T4; T5);
serve_with_arguments!(serve6; T1, T2, T3, T4, T5; T6);
serve_with_arguments!(serve7; T1, T2, T3, T4, T5, T6; T7);
serve_with_arguments!(serve8; T1, T2, T3, T4, T5, T6, T7; T8);
serve_with_arguments!(serve9; T1, T2, T3, T4, T5, T6, T7, T8; T9);
serve_with_arguments!(serve10; T1, T2, T3, T4, T5, T6, T7, T8, T9; T10);
serve_with_arguments!(serve11; T1, T2, T3, T4, T5, T6, T7, T8, T9, T10; T11);
serve_with_arguments!(serve12; T1, T2, T3, T4, T5, T6, T7, T8, T9, T10, T11; T12);
serve_with_arguments!(serve13; T1, T2, T3, T4, T5, T6, T7, T8, T9, T10, T11, T12; T13);
serve_with_arguments!(serve14; T1, T2, T3, T4, T5, T6, T7, T8, T9, T10, T11, T12, T13; T14);
serve_with_arguments!(serve15; T1, T2, T3, T4, T5, T6, T7, T8, T9, T10, T11, T12, T13, T14; T15);
serve_with_arguments!(
    serve16; T1, T2, T3, T4, T5, T6, T7, T8, T9, T10, T11, T12, T13, T14, T15; T16
);

/// The recording's start, out of line: the same code for every handler.
#[inline(never)]
fn begin(site: &'static HandlerSite, request: &Request) -> Recording {
    let endpoint = request
        .extensions()
        .get::<MatchedPath>()
        .map(MatchedPath::as_str);
    Metrics::global().begin(site, endpoint, request.method().as_str())
}

/// A `#[metered]` axum handler's future: axum's future for the user's function, and the
/// recording it finishes with the response's status.
///
/// Dropped before it completes (the client went away, a timeout layer gave up), the recording
/// counts a cancellation; a panic while it is polled counts a panic, whether or not a
/// `CatchPanicLayer` catches it further out.
pub struct MeteredFuture {
    recording: Option<Recording>,
    inner: HandlerFuture,
}

impl std::fmt::Debug for MeteredFuture {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MeteredFuture")
            .field("recording", &self.recording)
            .finish_non_exhaustive()
    }
}

impl Future for MeteredFuture {
    type Output = Response;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Response> {
        let this = self.get_mut();
        // A panic in the handler unwinds through this frame; a layer such as `CatchPanicLayer`
        // may catch it and drop this future only afterwards, when nothing is panicking any
        // more. The guard finishes the recording while the panic is still unwinding.
        let guard = FinishOnUnwind(&mut this.recording);
        let response = ready!(this.inner.as_mut().poll(cx));
        if let Some(recording) = guard.0.take() {
            recording.finish(response.status().as_u16());
        }
        Poll::Ready(response)
    }
}

/// Drops the recording (which then counts a panic) if the frame it lives in unwinds.
struct FinishOnUnwind<'a>(&'a mut Option<Recording>);

impl Drop for FinishOnUnwind<'_> {
    fn drop(&mut self) {
        if std::thread::panicking() {
            drop(self.0.take());
        }
    }
}
