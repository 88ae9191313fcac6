//! The `/metrics` route: text format and content type, the user's own metrics beside ours, and
//! no series of its own, on both frameworks over HTTP; another path on both; an actix guard.

#[macro_use]
mod support;

use actix_web::{guard, test as actix_test, web, App, HttpResponse};
use handler_metrics::{metered, testing, CONTENT_TYPE};
use support::{get, raw_exchange, Framework, Server};

/// The head (lower-cased) and body of `GET path`.
fn scrape_over_http(server: &Server, path: &str) -> (String, String) {
    let raw = raw_exchange(server.addr, "GET", path, "", "");
    let (head, body) = raw.split_once("\r\n\r\n").expect("a response");
    (head.to_ascii_lowercase(), body.to_owned())
}

fn metrics_route_serves_every_metric_in_the_text_format(framework: Framework) {
    let jobs = prometheus::register_int_counter!(
        format!("app_{framework:?}_jobs_total").to_lowercase(),
        "Jobs processed."
    )
    .expect("registers in the default registry");
    jobs.inc_by(3);
    let server = framework.serve();
    assert_eq!(get(server.addr, &framework.path("/users/1")), Some(200));
    let (head, body) = scrape_over_http(&server, "/metrics");
    assert!(head.starts_with("http/1.1 200"), "{head}");
    assert!(
        head.contains(&format!("content-type: {CONTENT_TYPE}")),
        "{head}"
    );
    for family in [
        "# TYPE http_requests_total counter",
        "# TYPE http_requests_duration_seconds histogram",
        "# TYPE http_requests_in_flight gauge",
    ] {
        assert!(body.contains(family), "{family}");
    }
    let endpoint = framework.endpoint("/users/{id}");
    assert!(
        body.contains(&format!(
            r#"http_requests_total{{endpoint="{endpoint}",handler="get_user",method="GET",outcome="success",status="200"}}"#
        )),
        "{body}"
    );
    let own = format!("app_{framework:?}_jobs_total 3").to_lowercase();
    assert!(body.contains(&own), "the user's own metric: {body}");
    assert!(
        !body.contains(r#"endpoint="/metrics""#),
        "the route is not metered itself"
    );
}

both_frameworks!(metrics_route_serves_every_metric_in_the_text_format);

#[test]
fn axum_metrics_router_can_live_at_another_path() {
    let app = ::axum::Router::new()
        .route("/ping", ::axum::routing::get(|| async { "pong" }))
        .merge(handler_metrics::axum::metrics_at("/internal/prometheus"));
    let server = Server::axum(app);
    let (head, body) = scrape_over_http(&server, "/internal/prometheus");
    assert!(head.starts_with("http/1.1 200"), "{head}");
    assert!(body.contains("# TYPE"), "{body}");
    assert_eq!(get(server.addr, "/metrics"), Some(404));
}

#[metered]
async fn ping() -> HttpResponse {
    HttpResponse::Ok().body("pong")
}

async fn scrape(
    app: App<
        impl actix_web::dev::ServiceFactory<
                actix_web::dev::ServiceRequest,
                Config = (),
                Response = actix_web::dev::ServiceResponse,
                Error = actix_web::Error,
                InitError = (),
            > + 'static,
    >,
    uri: &str,
    token: Option<&str>,
) -> (u16, String, String) {
    let app = actix_test::init_service(app).await;
    let ping = actix_test::TestRequest::get().uri("/ping").to_request();
    assert_eq!(actix_test::call_service(&app, ping).await.status(), 200);
    let mut request = actix_test::TestRequest::get().uri(uri);
    if let Some(token) = token {
        request = request.insert_header(("authorization", token));
    }
    let response = actix_test::call_service(&app, request.to_request()).await;
    let status = response.status().as_u16();
    let content_type = response
        .headers()
        .get("content-type")
        .map(|v| v.to_str().unwrap().to_owned())
        .unwrap_or_default();
    let body = String::from_utf8(actix_test::read_body(response).await.to_vec()).unwrap();
    (status, content_type, body)
}

#[actix_web::test]
async fn metrics_route_can_live_at_another_path() {
    let app = App::new()
        .route("/ping", web::get().to(ping))
        .service(handler_metrics::actix::metrics_at("/internal/prometheus"));
    let (status, _, body) = scrape(app, "/internal/prometheus", None).await;
    assert_eq!(status, 200);
    assert!(body.contains("http_requests_total{"));
    let app = App::new()
        .route("/ping", web::get().to(ping))
        .service(handler_metrics::actix::metrics_at("/internal/prometheus"));
    assert_eq!(scrape(app, "/metrics", None).await.0, 404);
}

#[actix_web::test]
async fn guarded_metrics_route_refuses_requests_without_the_credential() {
    let guarded = || {
        App::new().route("/ping", web::get().to(ping)).service(
            handler_metrics::actix::metrics()
                .guard(guard::Header("authorization", "Bearer s3cret")),
        )
    };
    let (status, _, body) = scrape(guarded(), "/metrics", None).await;
    assert_eq!(status, 404);
    assert!(!body.contains("http_requests_total"));
    let (status, _, body) = scrape(guarded(), "/metrics", Some("Bearer wrong")).await;
    assert_eq!(status, 404);
    assert!(!body.contains("http_requests_total"));
    let (status, _, body) = scrape(guarded(), "/metrics", Some("Bearer s3cret")).await;
    assert_eq!(status, 200);
    assert!(body.contains("http_requests_total"));
}

/// Served only by the test below: the other tests of this file call `ping` concurrently, and a
/// request landing between two reads would make them differ.
#[metered]
async fn counted_once() -> HttpResponse {
    HttpResponse::Ok().finish()
}

#[actix_web::test]
async fn histogram_count_equals_counter_for_every_series() {
    let app =
        actix_test::init_service(App::new().route("/counted", web::get().to(counted_once))).await;
    for _ in 0..3 {
        let request = actix_test::TestRequest::get().uri("/counted").to_request();
        assert_eq!(actix_test::call_service(&app, request).await.status(), 200);
    }
    let q = testing::handler("counted_once");
    assert_eq!(q.requests(), 3);
    assert_eq!(q.duration_count(), 3);
}
