//! actix-web integration: the wrapper `#[metered]` handlers run in, and the `/metrics` route.

use actix_web::dev::Payload;
use actix_web::http::header::{HeaderValue, CONTENT_TYPE as CONTENT_TYPE_HEADER};
use std::convert::Infallible;
use std::future::{ready, Future, Ready};
use std::pin::Pin;

use actix_web::{web, FromRequest, HttpRequest, HttpResponse, Resource, Responder};

use crate::hot_path::recording::Recording;
use crate::hot_path::site::HandlerSite;
use crate::registry::exposition::CONTENT_TYPE;
use crate::registry::metrics::Metrics;

/// The exposition route at `GET /metrics`: everything in the configured registry, in the text
/// format. Add it to the `App` with `.service(...)`.
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

async fn expose() -> HttpResponse {
    match Metrics::global().encode_text() {
        Ok(text) => HttpResponse::Ok()
            .insert_header((CONTENT_TYPE_HEADER, HeaderValue::from_static(CONTENT_TYPE)))
            .body(text),
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

/// The user's handler, called with its extracted arguments, its future boxed. Boxing is what
/// keeps [`serve`] generic over the argument and output types only (shared by every handler of
/// the same signature) instead of being compiled again for each handler.
pub type BoxedHandler<Args, Output> = fn(Args) -> Pin<Box<dyn Future<Output = Output>>>;

/// Serves one request the way actix-web's own handler service does — extract the arguments,
/// call the handler, turn its output into a response — while recording it under `site`.
///
/// Doing the extraction here rather than in actix is what lets a handler attribute see requests
/// its extractors reject, and turning the output into a response here is what gives the exact
/// status for every `Responder`. The response, its headers and the error it carries are the ones
/// actix would have produced.
pub async fn serve<Args, Output>(
    site: &'static HandlerSite,
    unextracted: UnextractedRequest,
    handler: BoxedHandler<Args, Output>,
) -> HttpResponse
where
    Args: FromRequest,
    Output: Responder,
{
    let UnextractedRequest {
        request,
        mut payload,
    } = unextracted;
    let recording = begin(site, &request);
    let response = match Args::from_request(&request, &mut payload).await {
        Err(err) => HttpResponse::from_error(err),
        Ok(args) => handler(args)
            .await
            .respond_to(&request)
            .map_into_boxed_body(),
    };
    end(recording, &response);
    response
}

/// The recording's start, kept out of line so that the instantiations of [`serve`] stay small.
#[inline(never)]
fn begin(site: &'static HandlerSite, request: &HttpRequest) -> Recording {
    Metrics::global().begin(
        site,
        route_template(request).as_deref(),
        request.method().as_str(),
    )
}

/// The template of the resource that routed `request`, or `None` when a default service serves
/// it. Routing consumes the path of the resource it picks; a default service gets a request
/// whose path is not consumed to the end, even when a resource's template matches the path but
/// its guard refused the request (`match_pattern()` alone would then name that resource).
fn route_template(request: &HttpRequest) -> Option<String> {
    if request.match_info().unprocessed().is_empty() {
        request.match_pattern()
    } else {
        None
    }
}

/// The recording's end, out of line for the same reason as [`begin`].
#[inline(never)]
fn end(recording: Recording, response: &HttpResponse) {
    recording.finish(response.status().as_u16());
}
