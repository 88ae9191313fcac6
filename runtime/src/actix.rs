//! actix-web integration: the wrapper `#[metered]` handlers run in, and the `/metrics` route.

use actix_web::dev::Payload;
use actix_web::http::header::{HeaderValue, CONTENT_TYPE as CONTENT_TYPE_HEADER};
use actix_web::{web, FromRequest, Handler, HttpRequest, HttpResponse, Resource, Responder};

use crate::{HandlerSite, Metrics, CONTENT_TYPE};

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

/// Serves one request the way actix-web's own handler service does — extract the arguments,
/// call the handler, turn its output into a response — while recording it under `site`.
///
/// Doing the extraction here rather than in actix is what lets a handler attribute see requests
/// its extractors reject, and turning the output into a response here is what gives the exact
/// status for every `Responder`. The response, its headers and the error it carries are the ones
/// actix would have produced.
#[doc(hidden)]
pub async fn serve<F, Args>(
    site: &'static HandlerSite,
    request: HttpRequest,
    payload: web::Payload,
    handler: F,
) -> HttpResponse
where
    F: Handler<Args>,
    Args: FromRequest,
    F::Output: Responder,
{
    let recording = site.enter(
        request.match_pattern().as_deref(),
        request.method().as_str(),
    );
    let mut payload: Payload = payload.into_inner();
    let response = match Args::from_request(&request, &mut payload).await {
        Err(err) => HttpResponse::from_error(err),
        Ok(args) => handler
            .call(args)
            .await
            .respond_to(&request)
            .map_into_boxed_body(),
    };
    recording.finish(response.status().as_u16());
    response
}
