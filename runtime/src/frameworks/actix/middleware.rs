//! The companion middleware for actix-web: [`middleware()`], a [`Transform`] that counts every
//! request once, with the status the client got, in the families `#[metered]` writes.

use std::future::{ready, Future, Ready};
use std::pin::Pin;
use std::task::{ready, Context, Poll};

use actix_web::body::{BodySize, MessageBody};
use actix_web::dev::{Service, ServiceRequest, ServiceResponse, Transform};
use actix_web::http::Method;
use actix_web::web::Bytes;
use actix_web::HttpRequest;
use pin_project_lite::pin_project;

use super::answered_template;
use crate::frameworks::companion::Options;
use crate::hot_path::layer::{LayerRecording, MeteredBody, Unmetered};
use crate::hot_path::series::RouteSeries;
use crate::registry::metrics::Metrics;
use crate::vocabulary::naming::Scheme;

/// The companion middleware: counts every request that reaches it exactly once, in the same
/// families as `#[metered]`, with the status the client got and the time until the response body
/// was handed over. Wrap the `App` with it last (`App::wrap` runs the last-wrapped middleware
/// first), so that it sees every request before any other middleware can answer it.
///
/// - A request a `#[metered]` handler serves keeps that handler's labels; its status is the one
///   that left this middleware (a timeout's `408`, a status rewritten by `ErrorHandlers`), never
///   `cancelled` because a middleware inside dropped the handler.
/// - A request no `#[metered]` handler serves (an unknown path, a guard's refusal, an
///   authentication middleware's `401`, an unannotated handler) is counted with
///   `handler="unmetered"` ([`UNMETERED_HANDLER`](crate::UNMETERED_HANDLER)), `endpoint` the
///   template of the resource that served it when routing reached one, else `unmatched`; the
///   method as for handlers.
/// - The `/metrics` route is never counted, nor requests [`exclude`](Middleware::exclude)d.
///
/// # Examples
///
/// ```
/// use actix_web::{test, web, App};
///
/// # actix_web::rt::System::new().block_on(async {
/// let app = test::init_service(
///     App::new()
///         .route("/health", web::get().to(|| async { "ok" }))
///         .service(handler_metrics_runtime::actix::metrics())
///         .wrap(handler_metrics_runtime::actix::middleware().exclude("/health")),
/// )
/// .await;
/// let res = test::call_service(&app, test::TestRequest::get().uri("/nowhere").to_request()).await;
/// assert_eq!(res.status(), 404);
/// # });
/// ```
pub fn middleware() -> Middleware {
    Middleware::default()
}

/// The companion middleware made by [`middleware()`].
#[derive(Clone, Default, Debug)]
pub struct Middleware {
    options: Options,
}

impl Middleware {
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
    /// let middleware = handler_metrics_runtime::actix::middleware()
    ///     .exclude("/health")
    ///     .exclude("/ready");
    /// # let _ = middleware;
    /// ```
    pub fn exclude(self, template_or_path: &str) -> Self {
        Middleware {
            options: self.options.exclude(template_or_path),
        }
    }
}

impl<S, B> Transform<S, ServiceRequest> for Middleware
where
    S: Service<ServiceRequest, Response = ServiceResponse<B>, Error = actix_web::Error>,
    B: MessageBody,
{
    type Response = ServiceResponse<MeteredBody<B>>;
    type Error = actix_web::Error;
    type Transform = MiddlewareService<S>;
    type InitError = ();
    type Future = Ready<Result<MiddlewareService<S>, ()>>;

    fn new_transform(&self, service: S) -> Self::Future {
        ready(Ok(MiddlewareService {
            service,
            options: self.options.clone(),
        }))
    }
}

/// The service [`Middleware`] wraps around the application: see [`middleware()`].
#[derive(Debug)]
pub struct MiddlewareService<S> {
    service: S,
    options: Options,
}

/// What the middleware keeps of a request, to count it if no `#[metered]` handler claims it.
/// Not the `HttpRequest` itself: a clone held across the call would stop actix's routing, which
/// needs the request unshared.
pub(crate) struct UnmeteredRequest {
    method: Method,
    scheme: Scheme,
    /// The exclusions, if there are any (most applications have none, and copy nothing).
    exclusions: Option<Options>,
    /// Whether the path itself is excluded: what decides if no response shows the template.
    path_excluded: bool,
}

impl UnmeteredRequest {
    /// The series of the request, answered: the template is known now (routing has run), from
    /// the request the response carries.
    fn answered(&self, request: &HttpRequest) -> Option<&'static RouteSeries> {
        let template = answered_template(request);
        if let Some(exclusions) = &self.exclusions {
            if exclusions.excludes(template.as_deref(), request.path()) {
                return None;
            }
        }
        Some(
            Metrics::global()
                .unmetered_route(template.as_deref(), self.method.as_str(), || self.scheme),
        )
    }
}

impl Unmetered for UnmeteredRequest {
    /// The series of a request that got no response: its template is not known (actix keeps it
    /// in the request, which went with the dropped future), so `unmatched`.
    fn route(&self) -> Option<&'static RouteSeries> {
        if self.path_excluded {
            return None;
        }
        Some(Metrics::global().unmetered_route(None, self.method.as_str(), || self.scheme))
    }
}

impl<S, B> Service<ServiceRequest> for MiddlewareService<S>
where
    S: Service<ServiceRequest, Response = ServiceResponse<B>, Error = actix_web::Error>,
    B: MessageBody,
{
    type Response = ServiceResponse<MeteredBody<B>>;
    type Error = actix_web::Error;
    type Future = ResponseFuture<S::Future>;

    actix_web::dev::forward_ready!(service);

    fn call(&self, request: ServiceRequest) -> Self::Future {
        let exclusions = self.options.excludes_any().then(|| self.options.clone());
        let path_excluded = exclusions
            .as_ref()
            .is_some_and(|exclusions| exclusions.excludes(None, request.path()));
        let scheme = if request.app_config().secure() {
            Scheme::Https
        } else {
            Scheme::Http
        };
        let mut recording = LayerRecording::begin(UnmeteredRequest {
            method: request.method().clone(),
            scheme,
            exclusions,
            path_excluded,
        });
        // actix calls a handler from inside `call`: the slot is open for it too.
        let future = recording.call(|| self.service.call(request));
        ResponseFuture { future, recording }
    }
}

pin_project! {
    /// The future of [`MiddlewareService`]: the wrapped service's, with the slot a `#[metered]`
    /// handler claims open while it is polled.
    pub struct ResponseFuture<F> {
        #[pin]
        future: F,
        recording: LayerRecording<UnmeteredRequest>,
    }
}

impl<F, B> Future for ResponseFuture<F>
where
    F: Future<Output = Result<ServiceResponse<B>, actix_web::Error>>,
{
    type Output = Result<ServiceResponse<MeteredBody<B>>, actix_web::Error>;

    #[inline]
    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = self.project();
        let mut future = this.future;
        let output = ready!(this.recording.call(|| future.as_mut().poll(cx)));
        Poll::Ready(match output {
            Ok(response) => {
                let ending = this
                    .recording
                    .respond(response.status().as_u16(), |request| {
                        request.answered(response.request())
                    });
                Ok(response.map_body(|_, body| MeteredBody::new(body, ending)))
            }
            // actix answers the error's own response: its status is what the client gets.
            Err(error) => {
                let status = error.as_response_error().status_code().as_u16();
                drop(this.recording.respond(status, Unmetered::route));
                Err(error)
            }
        })
    }
}

impl<B: MessageBody> MessageBody for MeteredBody<B> {
    type Error = B::Error;

    #[inline]
    fn size(&self) -> BodySize {
        self.body().size()
    }

    #[inline]
    fn poll_next(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Bytes, Self::Error>>> {
        MeteredBody::poll_next(self, |body| body.poll_next(cx))
    }
}
