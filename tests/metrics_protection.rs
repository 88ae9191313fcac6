//! `/metrics` can be kept from the public: behind a middleware that answers 401 without the
//! credential, or on a separate listener the public port does not serve.

#[macro_use]
mod support;

use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::middleware::{from_fn, Next};
use actix_web::{error, web, App, HttpResponse};
use handler_metrics::metered;
use support::{request, request_with_headers};

#[metered]
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

fn get_with(addr: std::net::SocketAddr, path: &str, authorization: Option<&str>) -> (u16, String) {
    let header = authorization.map_or(String::new(), |a| format!("Authorization: {a}\r\n"));
    request_with_headers(addr, "GET", path, &header, None).expect("a response")
}

#[test]
fn metrics_behind_a_token_answer_401_without_it() {
    let server = local_server!(|| {
        App::new()
            .route("/", web::get().to(public_page))
            .service(handler_metrics::actix::metrics().wrap(from_fn(require_scrape_token)))
    });
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
    assert!(body.contains(r#"handler="public_page""#), "{body}");
}

#[test]
fn metrics_on_a_separate_listener_are_not_served_on_the_public_one() {
    let public = local_server!(|| App::new().route("/page", web::get().to(public_page)));
    let internal = local_server!(|| App::new().service(handler_metrics::actix::metrics()));
    assert_eq!(
        request(public.addr, "GET", "/page", None).map(|r| r.0),
        Some(200)
    );

    let (status, body) = get_with(public.addr, "/metrics", None);
    assert_eq!(status, 404);
    assert!(!body.contains("http_requests_total"));

    let (status, body) = get_with(internal.addr, "/metrics", None);
    assert_eq!(status, 200);
    assert!(
        body.contains(r#"http_requests_total{endpoint="/page",handler="public_page""#),
        "the internal listener exposes the public server's series: {body}"
    );
}
