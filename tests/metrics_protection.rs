//! `/metrics` can be kept from the public: behind a middleware that answers 401 without the
//! credential, or on a separate listener the public port does not serve; on both frameworks,
//! each wired the framework's own way, checked by one case.

#[macro_use]
mod support;

use std::net::SocketAddr;

use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::middleware::{from_fn, Next};
use actix_web::{error, web, App, HttpResponse};
use handler_metrics::metered;
use support::{request, request_with_headers, Framework, Server};

#[metered(name = "actix_public_page")]
async fn public_page() -> HttpResponse {
    HttpResponse::Ok().body("hello")
}

/// Lets a request through only with the scrape token.
async fn require_scrape_token(
    req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    let authorized = req
        .headers()
        .get("authorization")
        .is_some_and(|v| v == "Bearer s3cret");
    if !authorized {
        return Err(error::ErrorUnauthorized("scrape token required"));
    }
    next.call(req).await
}

fn get_with(addr: SocketAddr, path: &str, authorization: Option<&str>) -> (u16, String) {
    let header = authorization.map_or(String::new(), |a| format!("Authorization: {a}\r\n"));
    request_with_headers(addr, "GET", path, &header, None).expect("a response")
}

/// axum's version of `require_scrape_token`, as a `route_layer` of the metrics router.
async fn axum_require_scrape_token(
    request: ::axum::extract::Request,
    next: ::axum::middleware::Next,
) -> Result<::axum::response::Response, ::axum::http::StatusCode> {
    match request.headers().get("authorization") {
        Some(token) if token == "Bearer s3cret" => Ok(next.run(request).await),
        _ => Err(::axum::http::StatusCode::UNAUTHORIZED),
    }
}

#[handler_metrics::axum::metered(name = "axum_public_page")]
async fn axum_public_page() -> &'static str {
    "hello"
}

fn public_handler(framework: Framework) -> &'static str {
    match framework {
        Framework::Actix => "actix_public_page",
        Framework::Axum => "axum_public_page",
    }
}

/// A public page at `/`, and `/metrics` behind the scrape token.
fn behind_a_token(framework: Framework) -> Server {
    match framework {
        Framework::Actix => local_server!(|| {
            App::new()
                .route("/", web::get().to(public_page))
                .service(handler_metrics::actix::metrics().wrap(from_fn(require_scrape_token)))
        }),
        Framework::Axum => Server::axum(
            ::axum::Router::new()
                .route("/", ::axum::routing::get(axum_public_page))
                .merge(
                    handler_metrics::axum::metrics()
                        .route_layer(::axum::middleware::from_fn(axum_require_scrape_token)),
                ),
        ),
    }
}

/// A public page at `/` on one listener, `/metrics` on another: `(public, internal)`.
fn separate_listeners(framework: Framework) -> (Server, Server) {
    match framework {
        Framework::Actix => (
            local_server!(|| App::new().route("/", web::get().to(public_page))),
            local_server!(|| App::new().service(handler_metrics::actix::metrics())),
        ),
        Framework::Axum => (
            Server::axum(::axum::Router::new().route("/", ::axum::routing::get(axum_public_page))),
            Server::axum(handler_metrics::axum::metrics()),
        ),
    }
}

fn metrics_behind_a_token_answer_401_without_it(framework: Framework) {
    let server = behind_a_token(framework);
    assert_eq!(
        request(server.addr, "GET", "/", None).map(|r| r.0),
        Some(200)
    );

    let (status, body) = get_with(server.addr, "/metrics", None);
    assert_eq!(status, 401);
    assert!(!body.contains("http_requests_total"), "{body}");
    let (status, body) = get_with(server.addr, "/metrics", Some("Bearer wrong"));
    assert_eq!(status, 401);
    assert!(!body.contains("http_requests_total"), "{body}");

    let (status, body) = get_with(server.addr, "/metrics", Some("Bearer s3cret"));
    assert_eq!(status, 200);
    let handler = public_handler(framework);
    assert!(body.contains(&format!(r#"handler="{handler}""#)), "{body}");
}

fn metrics_on_a_separate_listener_are_not_served_on_the_public_one(framework: Framework) {
    let (public, internal) = separate_listeners(framework);
    assert_eq!(
        request(public.addr, "GET", "/", None).map(|r| r.0),
        Some(200)
    );

    let (status, body) = get_with(public.addr, "/metrics", None);
    assert_eq!(status, 404);
    assert!(!body.contains("http_requests_total"));

    let (status, body) = get_with(internal.addr, "/metrics", None);
    assert_eq!(status, 200);
    let handler = public_handler(framework);
    assert!(
        body.contains(&format!(
            r#"http_requests_total{{endpoint="/",handler="{handler}""#
        )),
        "the internal listener exposes the public server's series: {body}"
    );
}

both_frameworks!(
    metrics_behind_a_token_answer_401_without_it,
    metrics_on_a_separate_listener_are_not_served_on_the_public_one,
);
