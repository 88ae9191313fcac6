//! The attribute changes nothing a client or a middleware sees: for the same handler body, the
//! metered and the plain handler give the same status, headers, body and attached error.

use actix_web::http::StatusCode;
use actix_web::{test, web, App, HttpResponse, ResponseError};

#[derive(Debug)]
struct Teapot;

impl std::fmt::Display for Teapot {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("short and stout")
    }
}

impl ResponseError for Teapot {
    fn status_code(&self) -> StatusCode {
        StatusCode::IM_A_TEAPOT
    }

    fn error_response(&self) -> HttpResponse {
        HttpResponse::build(self.status_code())
            .insert_header(("x-brew", "earl-grey"))
            .body(self.to_string())
    }
}

#[derive(serde::Deserialize, serde::Serialize)]
struct Order {
    item: String,
}

/// Defines the same handler twice: `$metered` with `#[metered]`, `$plain` without.
macro_rules! twins {
    ($metered:ident, $plain:ident, ($($arg:ident: $ty:ty),*) -> $ret:ty $body:block) => {
        #[handler_metrics::metered]
        async fn $metered($($arg: $ty),*) -> $ret $body
        async fn $plain($($arg: $ty),*) -> $ret $body
    };
}

twins!(ok_metered, ok_plain, (order: web::Json<Order>) -> HttpResponse {
    HttpResponse::Created()
        .insert_header(("x-order", order.item.clone()))
        .insert_header(("cache-control", "no-store"))
        .json(order.into_inner())
});

twins!(err_metered, err_plain, () -> Result<HttpResponse, Teapot> {
    Err(Teapot)
});

struct Seen {
    status: u16,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
    error: Option<String>,
}

async fn seen(route: actix_web::Route, request: test::TestRequest) -> Seen {
    let app = test::init_service(App::new().route("/x", route)).await;
    let response = test::call_service(&app, request.uri("/x").to_request()).await;
    let status = response.status().as_u16();
    let mut headers: Vec<(String, String)> = response
        .headers()
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_str().unwrap().to_owned()))
        .collect();
    headers.sort();
    let error = response.response().error().map(|e| e.to_string());
    let body = test::read_body(response).await.to_vec();
    Seen {
        status,
        headers,
        body,
        error,
    }
}

async fn assert_same(
    metered: actix_web::Route,
    plain: actix_web::Route,
    request: fn() -> test::TestRequest,
) {
    let a = seen(metered, request()).await;
    let b = seen(plain, request()).await;
    assert_eq!(a.status, b.status, "status");
    assert_eq!(a.headers, b.headers, "headers");
    assert_eq!(a.body, b.body, "body");
    assert_eq!(a.error, b.error, "error attached for middleware");
}

#[actix_web::test]
async fn success_response_is_unchanged() {
    assert_same(web::post().to(ok_metered), web::post().to(ok_plain), || {
        test::TestRequest::post().set_json(serde_json::json!({"item": "tea"}))
    })
    .await;
}

#[actix_web::test]
async fn response_error_is_unchanged_and_still_attached() {
    let request = || test::TestRequest::get();
    assert_same(
        web::get().to(err_metered),
        web::get().to(err_plain),
        request,
    )
    .await;
    let seen = seen(web::get().to(err_metered), request()).await;
    assert_eq!(seen.status, 418);
    assert_eq!(seen.error.as_deref(), Some("short and stout"));
}

#[actix_web::test]
async fn extractor_rejection_is_unchanged_and_still_attached() {
    let request = || {
        test::TestRequest::post()
            .insert_header(("content-type", "application/json"))
            .set_payload("{\"item\":")
    };
    assert_same(
        web::post().to(ok_metered),
        web::post().to(ok_plain),
        request,
    )
    .await;
    let seen = seen(web::post().to(ok_metered), request()).await;
    assert_eq!(seen.status, 400);
    assert!(
        seen.error.is_some(),
        "actix's JSON error stays on the response"
    );
}
