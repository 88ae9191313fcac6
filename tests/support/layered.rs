//! The application behind the companion layer, on both frameworks from one list of routes: every
//! way a request can be answered without a `#[metered]` handler seeing it, or with a status other
//! than the handler's, each under the prefix of its framework (`/actix/...`, `/axum/...`).
//!
//! Routes, under the prefix: `GET /served` (metered, 200); `GET /plain` (unannotated, 200);
//! `GET /health` (unannotated, excluded); `GET /private` (metered, behind an authentication
//! middleware on the route: 401 without `authorization`); `GET /sleepy` (metered, sleeps
//! 300 ms behind a 100 ms timeout answering 408); `GET /slow` (metered, sleeps 60 s: for client
//! aborts); `GET /divide/{n}` (metered, panics on 0; on axum also `/caught/divide/{n}` behind
//! `CatchPanicLayer`); `GET /rewritten` (metered, 200 rewritten to 203 on the way out);
//! `GET /streamed` (metered, a body whose one chunk comes after 300 ms); `POST /upload`
//! (metered, 16-byte body limit: 413); `GET /own_scrape` (metered, answers
//! `Metrics::scrape` itself). Around the whole application, inside the companion layer,
//! a gate answers `401` to any path under `/admin` and `429` to a request carrying
//! `x-throttle`; `/metrics` is at the root. No fallback: unknown paths get the framework's 404.
//!
//! Not a module of `support`: only the binaries that test the layer compile it, with
//! `#[path = "support/layered.rs"] mod layered;`.

// Each binary that includes it uses part of it.
#![allow(dead_code)]

use std::time::Duration;

use crate::support::{Framework, Server};

/// How long `/sleepy` and `/streamed` take, and the timeout in front of `/sleepy`.
pub(crate) const SLEEP: Duration = Duration::from_millis(300);
pub(crate) const TIMEOUT: Duration = Duration::from_millis(100);

/// The path excluded from counting, relative to the prefix.
pub(crate) const EXCLUDED: &str = "/health";

impl Framework {
    /// The layered application on a real server on 127.0.0.1.
    pub(crate) fn serve_layered(self) -> Server {
        match self {
            Framework::Actix => actix::serve(),
            Framework::Axum => axum::serve(),
        }
    }

    /// The `endpoint` of a request the gate in front of routing answered: on axum the layers of
    /// `Router::layer` run after routing, so the template is known; on actix `App::wrap`
    /// middleware runs before it, so it is not.
    pub(crate) fn gated_endpoint(self, template: &str) -> String {
        match self {
            Framework::Actix => handler_metrics::UNMATCHED_ENDPOINT.to_owned(),
            Framework::Axum => self.endpoint(template),
        }
    }
}

mod actix {
    use std::time::Duration;

    use actix_web::body::{EitherBody, MessageBody};
    use actix_web::dev::{ServiceRequest, ServiceResponse};
    use actix_web::http::StatusCode;
    use actix_web::middleware::{from_fn, Next};
    use actix_web::{guard, web, App, HttpResponse};

    use super::{EXCLUDED, SLEEP, TIMEOUT};
    use crate::support::Server;

    #[handler_metrics::metered]
    async fn served() -> &'static str {
        "served"
    }

    #[handler_metrics::metered]
    async fn private() -> &'static str {
        "secret"
    }

    #[handler_metrics::metered]
    async fn sleepy() -> &'static str {
        actix_web::rt::time::sleep(SLEEP).await;
        "too late"
    }

    #[handler_metrics::metered]
    async fn slow() -> &'static str {
        actix_web::rt::time::sleep(Duration::from_secs(60)).await;
        "slow"
    }

    #[handler_metrics::metered]
    async fn divide(n: web::Path<u32>) -> String {
        (10 / n.into_inner()).to_string()
    }

    #[handler_metrics::metered]
    async fn rewritten() -> &'static str {
        "rewritten"
    }

    #[handler_metrics::metered]
    async fn streamed() -> HttpResponse {
        let chunk = async {
            actix_web::rt::time::sleep(SLEEP).await;
            Ok::<_, actix_web::Error>(web::Bytes::from_static(b"streamed"))
        };
        HttpResponse::Ok().streaming(futures_util::stream::once(chunk))
    }

    #[handler_metrics::metered]
    async fn upload(body: web::Bytes) -> String {
        body.len().to_string()
    }

    #[handler_metrics::metered]
    async fn own_scrape() -> HttpResponse {
        match handler_metrics::Metrics::global().scrape(None, None) {
            Ok(scrape) => HttpResponse::Ok().body(scrape.into_body()),
            Err(_) => HttpResponse::InternalServerError().finish(),
        }
    }

    async fn plain() -> &'static str {
        "plain"
    }

    /// 401 without an `authorization` header.
    async fn require_token(
        request: ServiceRequest,
        next: Next<impl MessageBody>,
    ) -> Result<ServiceResponse<EitherBody<impl MessageBody>>, actix_web::Error> {
        if request.headers().contains_key("authorization") {
            return next.call(request).await.map(|r| r.map_into_left_body());
        }
        Ok(request.into_response(HttpResponse::Unauthorized().finish().map_into_right_body()))
    }

    /// 408 when the inner service takes longer than [`TIMEOUT`]: its future is dropped.
    async fn timeout(
        request: ServiceRequest,
        next: Next<impl MessageBody>,
    ) -> Result<ServiceResponse<EitherBody<impl MessageBody>>, actix_web::Error> {
        let http_request = request.request().clone();
        match actix_web::rt::time::timeout(TIMEOUT, next.call(request)).await {
            Ok(response) => response.map(|r| r.map_into_left_body()),
            Err(_) => Ok(ServiceResponse::new(
                http_request,
                HttpResponse::RequestTimeout()
                    .finish()
                    .map_into_right_body(),
            )),
        }
    }

    /// Rewrites a 200 into a 203 on the way out.
    async fn rewrite(
        request: ServiceRequest,
        next: Next<impl MessageBody>,
    ) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
        let mut response = next.call(request).await?;
        if response.status() == StatusCode::OK {
            *response.response_mut().status_mut() = StatusCode::NON_AUTHORITATIVE_INFORMATION;
        }
        Ok(response)
    }

    /// In front of routing: 401 under `/admin`, 429 with `x-throttle`.
    async fn gate(
        request: ServiceRequest,
        next: Next<impl MessageBody>,
    ) -> Result<ServiceResponse<EitherBody<impl MessageBody>>, actix_web::Error> {
        let refusal = if request.path().starts_with("/actix/admin") {
            Some(HttpResponse::Unauthorized().finish())
        } else if request.headers().contains_key("x-throttle") {
            Some(HttpResponse::TooManyRequests().finish())
        } else {
            None
        };
        match refusal {
            Some(response) => Ok(request.into_response(response.map_into_right_body())),
            None => next.call(request).await.map(|r| r.map_into_left_body()),
        }
    }

    fn app() -> App<
        impl actix_web::dev::ServiceFactory<
            ServiceRequest,
            Config = (),
            Response = ServiceResponse<impl MessageBody>,
            Error = actix_web::Error,
            InitError = (),
        >,
    > {
        App::new()
            .service(
                web::scope("/actix")
                    .route("/served", web::get().to(served))
                    .route("/plain", web::get().to(plain))
                    .route(EXCLUDED, web::get().to(plain))
                    .service(
                        web::resource("/private")
                            .wrap(from_fn(require_token))
                            .route(web::get().to(private)),
                    )
                    .service(
                        web::resource("/sleepy")
                            .wrap(from_fn(timeout))
                            .route(web::get().to(sleepy)),
                    )
                    .route("/slow", web::get().to(slow))
                    .route("/divide/{n}", web::get().to(divide))
                    .service(
                        web::resource("/rewritten")
                            .wrap(from_fn(rewrite))
                            .route(web::get().to(rewritten)),
                    )
                    .route("/streamed", web::get().to(streamed))
                    .route("/own_scrape", web::get().to(own_scrape))
                    .service(
                        web::resource("/upload")
                            .app_data(web::PayloadConfig::new(16))
                            .route(web::post().to(upload)),
                    )
                    .service(
                        web::resource("/guarded")
                            .guard(guard::Header("x-allowed", "yes"))
                            .route(web::get().to(plain)),
                    ),
            )
            .service(handler_metrics::actix::metrics())
            .wrap(from_fn(gate))
            .wrap(handler_metrics::actix::middleware().exclude(&format!("/actix{EXCLUDED}")))
    }

    pub(super) fn serve() -> Server {
        local_server!(app; .workers(2).h1_allow_half_closed(false))
    }
}

mod axum {
    use std::convert::Infallible;
    use std::time::Duration;

    use axum::body::{Body, Bytes};
    use axum::extract::{DefaultBodyLimit, Path, Request};
    use axum::http::StatusCode;
    use axum::middleware::{from_fn, map_response, Next};
    use axum::response::{IntoResponse, Response};
    use axum::routing::{get, post};
    use axum::Router;
    use tower_http::catch_panic::CatchPanicLayer;
    use tower_http::timeout::TimeoutLayer;

    use super::{EXCLUDED, SLEEP, TIMEOUT};
    use crate::support::Server;

    #[handler_metrics::axum::metered]
    async fn served() -> &'static str {
        "served"
    }

    #[handler_metrics::axum::metered]
    async fn private() -> &'static str {
        "secret"
    }

    #[handler_metrics::axum::metered]
    async fn sleepy() -> &'static str {
        tokio::time::sleep(SLEEP).await;
        "too late"
    }

    #[handler_metrics::axum::metered]
    async fn slow() -> &'static str {
        tokio::time::sleep(Duration::from_secs(60)).await;
        "slow"
    }

    #[handler_metrics::axum::metered]
    async fn divide(Path(n): Path<u32>) -> String {
        (10 / n).to_string()
    }

    #[handler_metrics::axum::metered]
    async fn rewritten() -> &'static str {
        "rewritten"
    }

    #[handler_metrics::axum::metered]
    async fn streamed() -> Body {
        let chunk = async {
            tokio::time::sleep(SLEEP).await;
            Ok::<_, Infallible>(Bytes::from_static(b"streamed"))
        };
        Body::from_stream(futures_util::stream::once(chunk))
    }

    #[handler_metrics::axum::metered]
    async fn upload(body: Bytes) -> String {
        body.len().to_string()
    }

    #[handler_metrics::axum::metered]
    async fn own_scrape() -> Response {
        match handler_metrics::Metrics::global().scrape(None, None) {
            Ok(scrape) => scrape.into_body().into_response(),
            Err(_) => StatusCode::INTERNAL_SERVER_ERROR.into_response(),
        }
    }

    async fn plain() -> &'static str {
        "plain"
    }

    /// 401 without an `authorization` header.
    async fn require_token(request: Request, next: Next) -> Response {
        if request.headers().contains_key("authorization") {
            next.run(request).await
        } else {
            StatusCode::UNAUTHORIZED.into_response()
        }
    }

    /// Rewrites a 200 into a 203 on the way out.
    async fn rewrite(mut response: Response) -> Response {
        if response.status() == StatusCode::OK {
            *response.status_mut() = StatusCode::NON_AUTHORITATIVE_INFORMATION;
        }
        response
    }

    /// Around every route and the fallback: 401 under `/admin`, 429 with `x-throttle`.
    async fn gate(request: Request, next: Next) -> Response {
        if request.uri().path().starts_with("/axum/admin") {
            StatusCode::UNAUTHORIZED.into_response()
        } else if request.headers().contains_key("x-throttle") {
            StatusCode::TOO_MANY_REQUESTS.into_response()
        } else {
            next.run(request).await
        }
    }

    fn app() -> Router {
        let api = Router::new()
            .route("/served", get(served))
            .route("/plain", get(plain))
            .route(EXCLUDED, get(plain))
            .route("/private", get(private).route_layer(from_fn(require_token)))
            .route(
                "/sleepy",
                get(sleepy).layer(TimeoutLayer::with_status_code(
                    StatusCode::REQUEST_TIMEOUT,
                    TIMEOUT,
                )),
            )
            .route("/slow", get(slow))
            .route("/divide/{n}", get(divide))
            .route(
                "/caught/divide/{n}",
                get(divide).layer(CatchPanicLayer::new()),
            )
            .route("/rewritten", get(rewritten).layer(map_response(rewrite)))
            .route("/streamed", get(streamed))
            .route("/own_scrape", get(own_scrape))
            .route("/upload", post(upload).layer(DefaultBodyLimit::max(16)));
        Router::new()
            .nest("/axum", api)
            .merge(handler_metrics::axum::metrics())
            .layer(from_fn(gate))
            .layer(handler_metrics::axum::layer().exclude(&format!("/axum{EXCLUDED}")))
    }

    pub(super) fn serve() -> Server {
        Server::axum(app())
    }
}
