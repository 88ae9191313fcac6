//! If the implicit default configuration cannot register (the user already has a metric named
//! `http_requests_total`), requests are still served and recorded, and `/metrics` answers 500
//! with the reason instead of silently leaving our metrics out.

use actix_web::{test, web, App, HttpResponse};
use handler_metrics::{metered, testing};

#[metered]
async fn still_served() -> HttpResponse {
    HttpResponse::Ok().finish()
}

#[actix_web::test]
async fn clash_with_default_registry_is_loud_not_silent() {
    let _theirs =
        prometheus::register_int_counter!("http_requests_total", "Someone else's counter.")
            .expect("registers first");
    let app = test::init_service(
        App::new()
            .route("/served", web::get().to(still_served))
            .service(handler_metrics::actix::metrics()),
    )
    .await;
    let request = test::TestRequest::get().uri("/served").to_request();
    assert_eq!(test::call_service(&app, request).await.status(), 200);
    assert_eq!(
        testing::handler("still_served").requests(),
        1,
        "still recorded"
    );

    let request = test::TestRequest::get().uri("/metrics").to_request();
    let response = test::call_service(&app, request).await;
    assert_eq!(response.status(), 500);
    let body = test::read_body(response).await;
    let text = std::str::from_utf8(&body).unwrap();
    assert!(
        text.contains("cannot register `http_requests_total`"),
        "{text}"
    );
}
