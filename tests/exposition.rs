//! The `/metrics` route: text format and content type, the user's own metrics beside ours,
//! another path, a guard, and no series of its own.

use actix_web::{guard, test, web, App, HttpResponse};
use handler_metrics::{metered, testing, CONTENT_TYPE};

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
    let app = test::init_service(app).await;
    let ping = test::TestRequest::get().uri("/ping").to_request();
    assert_eq!(test::call_service(&app, ping).await.status(), 200);
    let mut request = test::TestRequest::get().uri(uri);
    if let Some(token) = token {
        request = request.insert_header(("authorization", token));
    }
    let response = test::call_service(&app, request.to_request()).await;
    let status = response.status().as_u16();
    let content_type = response
        .headers()
        .get("content-type")
        .map(|v| v.to_str().unwrap().to_owned())
        .unwrap_or_default();
    let body = String::from_utf8(test::read_body(response).await.to_vec()).unwrap();
    (status, content_type, body)
}

#[actix_web::test]
async fn metrics_route_serves_text_format_with_its_content_type() {
    let app = App::new()
        .route("/ping", web::get().to(ping))
        .service(handler_metrics::actix::metrics());
    let (status, content_type, body) = scrape(app, "/metrics", None).await;
    assert_eq!(status, 200);
    assert_eq!(content_type, "text/plain; version=0.0.4");
    assert_eq!(content_type, CONTENT_TYPE);
    assert!(
        body.contains("# TYPE http_requests_total counter"),
        "{body}"
    );
    assert!(body.contains("# TYPE http_requests_duration_seconds histogram"));
    assert!(body.contains("# TYPE http_requests_in_flight gauge"));
    assert!(body.contains(
        r#"http_requests_total{endpoint="/ping",handler="ping",method="GET",outcome="success",status="200"}"#
    ));
    assert!(
        !body.contains(r#"endpoint="/metrics""#),
        "the route is not metered itself"
    );
}

#[actix_web::test]
async fn users_own_prometheus_metrics_appear_on_the_same_route() {
    let jobs = prometheus::register_int_counter!("app_jobs_processed_total", "Jobs processed.")
        .expect("registers in the default registry");
    jobs.inc_by(3);
    let app = App::new()
        .route("/ping", web::get().to(ping))
        .service(handler_metrics::actix::metrics());
    let (_, _, body) = scrape(app, "/metrics", None).await;
    assert!(body.contains("app_jobs_processed_total 3"), "{body}");
    assert!(body.contains("http_requests_total{"));
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
    let app = test::init_service(App::new().route("/counted", web::get().to(counted_once))).await;
    for _ in 0..3 {
        let request = test::TestRequest::get().uri("/counted").to_request();
        assert_eq!(test::call_service(&app, request).await.status(), 200);
    }
    let q = testing::handler("counted_once");
    assert_eq!(q.requests(), 3);
    assert_eq!(q.duration_count(), 3);
}
