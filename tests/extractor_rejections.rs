//! Requests a handler's extractors reject are counted for that handler, with the status actix
//! sends and outcome `client_error`; the handler body does not run.

use std::sync::atomic::{AtomicUsize, Ordering};

use actix_web::{test, web, App, HttpResponse};
use handler_metrics::{metered, testing, Outcome};

static BODY_RUNS: AtomicUsize = AtomicUsize::new(0);

#[derive(serde::Deserialize)]
struct NewWidget {
    #[allow(dead_code)]
    name: String,
}

#[derive(serde::Deserialize)]
struct Page {
    #[allow(dead_code)]
    page: u32,
}

#[metered]
async fn create_widget(_body: web::Json<NewWidget>) -> HttpResponse {
    BODY_RUNS.fetch_add(1, Ordering::SeqCst);
    HttpResponse::Created().finish()
}

#[metered]
async fn get_widget(_id: web::Path<u32>) -> HttpResponse {
    BODY_RUNS.fetch_add(1, Ordering::SeqCst);
    HttpResponse::Ok().finish()
}

#[metered]
async fn list_widgets(_page: web::Query<Page>) -> HttpResponse {
    BODY_RUNS.fetch_add(1, Ordering::SeqCst);
    HttpResponse::Ok().finish()
}

#[metered]
async fn upload(_body: web::Bytes) -> HttpResponse {
    BODY_RUNS.fetch_add(1, Ordering::SeqCst);
    HttpResponse::Ok().finish()
}

async fn send(request: test::TestRequest) -> u16 {
    let app = test::init_service(
        App::new()
            .route("/widgets", web::post().to(create_widget))
            .route("/widgets/{id}", web::get().to(get_widget))
            .route("/widgets", web::get().to(list_widgets))
            .service(
                web::resource("/upload")
                    .app_data(web::PayloadConfig::new(16))
                    .route(web::post().to(upload)),
            ),
    )
    .await;
    test::call_service(&app, request.to_request())
        .await
        .status()
        .as_u16()
}

fn rejected(handler: &str, status: u16) -> u64 {
    testing::handler(handler)
        .status(status)
        .outcome(Outcome::ClientError)
        .requests()
}

#[actix_web::test]
async fn malformed_json_body_is_counted_with_400() {
    let runs = BODY_RUNS.load(Ordering::SeqCst);
    let request = test::TestRequest::post()
        .uri("/widgets")
        .insert_header(("content-type", "application/json"))
        .set_payload("{not json");
    assert_eq!(send(request).await, 400);
    assert_eq!(rejected("create_widget", 400), 1);
    assert_eq!(
        testing::handler("create_widget")
            .endpoint("/widgets")
            .method("POST")
            .requests(),
        1
    );
    let ok = test::TestRequest::post()
        .uri("/widgets")
        .set_json(serde_json::json!({"name": "a"}));
    assert_eq!(send(ok).await, 201);
    assert_eq!(testing::handler("create_widget").status(201).requests(), 1);
    assert!(BODY_RUNS.load(Ordering::SeqCst) > runs);
}

#[actix_web::test]
async fn unparsable_path_segment_is_counted_with_404() {
    assert_eq!(
        send(test::TestRequest::get().uri("/widgets/not-a-number")).await,
        404
    );
    assert_eq!(rejected("get_widget", 404), 1);
    assert_eq!(
        testing::handler("get_widget")
            .endpoint("/widgets/{id}")
            .requests(),
        1
    );
}

#[actix_web::test]
async fn missing_query_field_is_counted_with_400() {
    assert_eq!(
        send(test::TestRequest::get().uri("/widgets?size=3")).await,
        400
    );
    assert_eq!(rejected("list_widgets", 400), 1);
}

#[actix_web::test]
async fn oversized_payload_is_counted_with_413() {
    let request = test::TestRequest::post()
        .uri("/upload")
        .set_payload(vec![b'x'; 64]);
    assert_eq!(send(request).await, 413);
    assert_eq!(rejected("upload", 413), 1);
    assert_eq!(testing::handler("upload").duration_count(), 1);
    assert_eq!(testing::handler("upload").in_flight(), 0);
}
