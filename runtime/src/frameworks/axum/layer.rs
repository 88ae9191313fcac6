//! The companion layer for axum: [`layer()`], a tower [`Layer`] that counts every request once,
//! with the status the client got, in the families `#[metered]` writes.

use std::future::Future;
use std::pin::Pin;
use std::task::{ready, Context, Poll};

use axum::body::HttpBody;
use axum::extract::MatchedPath;
use axum::http::{Method, Request, Response};
use http_body::{Frame, SizeHint};
use pin_project_lite::pin_project;
use tower_layer::Layer;
use tower_service::Service;

use crate::frameworks::companion::Options;
use crate::hot_path::layer::{LayerRecording, MeteredBody, Unmetered};
use crate::hot_path::series::RouteSeries;
use crate::registry::metrics::Metrics;
use crate::vocabulary::naming::Scheme;

/// The companion layer: counts every request that reaches it exactly once, in the same families
/// as `#[metered]`, with the status the client got and the time until the response body was
/// handed over. Apply it with [`Router::layer`](axum::Router::layer), as the last `layer` call, so
/// that it wraps every route, the fallback and every other layer.
///
/// - A request a `#[metered]` handler serves keeps that handler's labels; its status is the one
///   that left this layer (a timeout's `408`, a status rewritten on the way out), never
///   `cancelled` because a layer inside dropped the handler.
/// - A request no `#[metered]` handler serves (an unknown path, axum's `405`, an authentication
///   layer's `401`, an unannotated handler) is counted with `handler="unmetered"`
///   ([`UNMETERED_HANDLER`](crate::UNMETERED_HANDLER)), `endpoint` the route template when
///   routing matched one, else `unmatched`; the method as for handlers.
/// - The `/metrics` route is never counted, nor requests [`exclude`](MetricsLayer::exclude)d.
///
/// # Examples
///
/// ```
/// use axum::{routing::get, Router};
///
/// let app: Router = Router::new()
///     .route("/hello", get(|| async { "hello" }))
///     .route("/health", get(|| async { "ok" }))
///     .merge(handler_metrics_runtime::axum::metrics())
///     .layer(handler_metrics_runtime::axum::layer().exclude("/health"));
/// # let _ = app;
/// ```
pub fn layer() -> MetricsLayer {
    MetricsLayer::default()
}

/// The companion layer made by [`layer()`].
#[derive(Clone, Default, Debug)]
pub struct MetricsLayer {
    options: Options,
}

impl MetricsLayer {
    /// Does not count requests no `#[metered]` handler serves whose route template is
    /// `template_or_path`, or, when no route matched, whose path is exactly that: health checks,
    /// probes. A metered handler's requests are always counted.
    ///
    /// # Panics
    ///
    /// At start-up, if `template_or_path` does not start with `/` (it could never match).
    ///
    /// # Examples
    ///
    /// ```
    /// let layer = handler_metrics_runtime::axum::layer()
    ///     .exclude("/health")
    ///     .exclude("/ready");
    /// # let _ = layer;
    /// ```
    pub fn exclude(self, template_or_path: &str) -> Self {
        MetricsLayer {
            options: self.options.exclude(template_or_path),
        }
    }
}

impl<S> Layer<S> for MetricsLayer {
    type Service = MetricsService<S>;

    fn layer(&self, inner: S) -> MetricsService<S> {
        MetricsService {
            inner,
            options: self.options.clone(),
        }
    }
}

/// The service [`MetricsLayer`] wraps around each route: see [`layer()`].
#[derive(Clone, Debug)]
pub struct MetricsService<S> {
    inner: S,
    options: Options,
}

/// What the layer keeps of a request, to count it if no `#[metered]` handler claims it.
pub(crate) struct UnmeteredRequest {
    template: Option<MatchedPath>,
    method: Method,
    scheme: Scheme,
    excluded: bool,
}

impl Unmetered for UnmeteredRequest {
    #[inline]
    fn route(&self) -> Option<&'static RouteSeries> {
        if self.excluded {
            return None;
        }
        let template = self.template.as_ref().map(MatchedPath::as_str);
        Some(Metrics::global().unmetered_route(template, self.method.as_str(), || self.scheme))
    }
}

impl<S, B, ResBody> Service<Request<B>> for MetricsService<S>
where
    S: Service<Request<B>, Response = Response<ResBody>>,
{
    type Response = Response<MeteredBody<ResBody>>;
    type Error = S::Error;
    type Future = ResponseFuture<S::Future>;

    #[inline]
    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, request: Request<B>) -> Self::Future {
        // Under `Router::layer`, routing has run: the template is in the request's extensions.
        let template = request.extensions().get::<MatchedPath>().cloned();
        let excluded = self.options.excludes(
            template.as_ref().map(MatchedPath::as_str),
            request.uri().path(),
        );
        let scheme = request
            .uri()
            .scheme_str()
            .map_or(Scheme::Http, Scheme::from_str_lossy);
        let mut recording = LayerRecording::begin(UnmeteredRequest {
            template,
            method: request.method().clone(),
            scheme,
            excluded,
        });
        let inner = &mut self.inner;
        let future = recording.call(|| inner.call(request));
        ResponseFuture { future, recording }
    }
}

pin_project! {
    /// The future of [`MetricsService`]: the wrapped service's, with the slot a `#[metered]`
    /// handler claims open while it is polled.
    pub struct ResponseFuture<F> {
        #[pin]
        future: F,
        recording: LayerRecording<UnmeteredRequest>,
    }
}

impl<F, ResBody, E> Future for ResponseFuture<F>
where
    F: Future<Output = Result<Response<ResBody>, E>>,
{
    type Output = Result<Response<MeteredBody<ResBody>>, E>;

    #[inline]
    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = self.project();
        let mut future = this.future;
        let output = ready!(this.recording.call(|| future.as_mut().poll(cx)));
        Poll::Ready(match output {
            Ok(response) => {
                let ending = this
                    .recording
                    .respond(response.status().as_u16(), Unmetered::route);
                Ok(response.map(|body| MeteredBody::new(body, ending)))
            }
            // Not axum's routes, whose error is `Infallible`: a service of another kind that
            // fails leaves the connection to the server, counted as a server error.
            Err(error) => {
                drop(this.recording.respond(500, Unmetered::route));
                Err(error)
            }
        })
    }
}

impl<B: HttpBody> HttpBody for MeteredBody<B> {
    type Data = B::Data;
    type Error = B::Error;

    #[inline]
    fn poll_frame(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Self::Data>, Self::Error>>> {
        self.poll_next(|body| body.poll_frame(cx))
    }

    #[inline]
    fn is_end_stream(&self) -> bool {
        self.body().is_end_stream()
    }

    #[inline]
    fn size_hint(&self) -> SizeHint {
        self.body().size_hint()
    }
}
