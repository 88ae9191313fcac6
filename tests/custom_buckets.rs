//! `#[metered(buckets = [...])]` records that handler's latency with its own buckets in the
//! separate `http_requests_custom_duration_seconds` family, so the shared family keeps one bucket
//! layout and `sum by (le)` over it stays correct.

use actix_web::{test, web, App, HttpResponse};
use handler_metrics::{metered, testing, Metrics};

#[metered(buckets = [0.5, 1, 30])]
async fn export_report() -> HttpResponse {
    HttpResponse::Ok().finish()
}

#[metered]
async fn quick() -> HttpResponse {
    HttpResponse::Ok().finish()
}

#[actix_web::test]
async fn custom_buckets_go_to_their_own_family() {
    let app = test::init_service(
        App::new()
            .route("/export", web::get().to(export_report))
            .route("/quick", web::get().to(quick)),
    )
    .await;
    for uri in ["/export", "/quick"] {
        let request = test::TestRequest::get().uri(uri).to_request();
        assert_eq!(test::call_service(&app, request).await.status(), 200);
    }
    assert_eq!(testing::handler("export_report").duration_count(), 1);

    let text = Metrics::global().encode_text().unwrap();
    let custom: Vec<&str> = text
        .lines()
        .filter(|l| l.starts_with("http_requests_custom_duration_seconds_bucket{"))
        .collect();
    let les: Vec<&str> = custom
        .iter()
        .map(|l| l.split("le=\"").nth(1).unwrap().split('"').next().unwrap())
        .collect();
    assert_eq!(les, ["0.5", "1", "30", "+Inf"], "{text}");
    assert!(custom
        .iter()
        .all(|l| l.contains(r#"handler="export_report""#)));
    assert!(!text
        .lines()
        .any(|l| l.starts_with("http_requests_duration_seconds") && l.contains("export_report")));
    assert!(text
        .lines()
        .any(|l| l.starts_with("http_requests_duration_seconds_count")
            && l.contains(r#"handler="quick""#)));
    assert!(text.contains(r#"http_requests_total{endpoint="/export",handler="export_report""#));
}
