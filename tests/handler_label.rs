//! The `handler` label is the function's name, or the `name` argument; `labels(...)` adds
//! constant labels to that handler's series.

use actix_web::{test, web, App, HttpResponse};
use handler_metrics::{metered, testing, Metrics};

#[metered]
async fn list_invoices() -> HttpResponse {
    HttpResponse::Ok().finish()
}

#[metered(name = "invoice_detail")]
async fn get_invoice() -> HttpResponse {
    HttpResponse::Ok().finish()
}

#[metered]
async fn r#type() -> HttpResponse {
    HttpResponse::Ok().finish()
}

#[metered(labels(team = "billing", tier = "1"))]
async fn pay_invoice() -> HttpResponse {
    HttpResponse::Ok().finish()
}

async fn call(uri: &str) {
    let app = test::init_service(
        App::new()
            .route("/invoices", web::get().to(list_invoices))
            .route("/invoices/{id}", web::get().to(get_invoice))
            .route("/type", web::get().to(r#type))
            .route("/pay", web::post().to(pay_invoice)),
    )
    .await;
    let method = if uri == "/pay" { "POST" } else { "GET" };
    let request = test::TestRequest::default()
        .method(method.parse().unwrap())
        .uri(uri)
        .to_request();
    assert_eq!(test::call_service(&app, request).await.status(), 200);
}

#[actix_web::test]
async fn handler_label_is_the_function_name() {
    call("/invoices").await;
    assert_eq!(testing::handler("list_invoices").requests(), 1);
}

#[actix_web::test]
async fn name_argument_replaces_the_function_name() {
    call("/invoices/1").await;
    assert_eq!(testing::handler("invoice_detail").requests(), 1);
    assert_eq!(testing::handler("get_invoice").requests(), 0);
}

#[actix_web::test]
async fn raw_identifiers_lose_their_prefix() {
    call("/type").await;
    assert_eq!(testing::handler("type").requests(), 1);
}

#[actix_web::test]
async fn labels_argument_adds_constant_labels() {
    call("/pay").await;
    assert_eq!(testing::handler("pay_invoice").requests(), 1);
    let text = Metrics::global().encode_text().unwrap();
    let line = text
        .lines()
        .find(|l| l.starts_with("http_requests_total{") && l.contains(r#"handler="pay_invoice""#))
        .expect("a counter line for pay_invoice");
    assert!(line.contains(r#"team="billing""#), "{line}");
    assert!(line.contains(r#"tier="1""#), "{line}");
    let in_flight = text
        .lines()
        .find(|l| {
            l.starts_with("http_requests_in_flight{") && l.contains(r#"handler="pay_invoice""#)
        })
        .expect("an in-flight line for pay_invoice");
    assert!(in_flight.contains(r#"team="billing""#), "{in_flight}");
}
