//! The `status` label is the exact status of the response actually sent, for every return type
//! that implements `Responder`.

use actix_web::body::BoxBody;
use actix_web::http::StatusCode;
use actix_web::{error, test, web, App, HttpRequest, HttpResponse, Responder, ResponseError};
use handler_metrics::{metered, testing};

#[derive(Debug)]
struct Conflict;

impl std::fmt::Display for Conflict {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("conflict")
    }
}

impl ResponseError for Conflict {
    fn status_code(&self) -> StatusCode {
        StatusCode::CONFLICT
    }
}

/// A user type with its own `Responder` impl.
struct MultiStatus;

impl Responder for MultiStatus {
    type Body = BoxBody;

    fn respond_to(self, _req: &HttpRequest) -> HttpResponse {
        HttpResponse::build(StatusCode::MULTI_STATUS).body("207")
    }
}

#[derive(serde::Serialize)]
struct Body {
    ok: bool,
}

#[metered]
async fn http_response() -> HttpResponse {
    HttpResponse::Accepted().finish()
}

#[metered]
async fn impl_responder() -> impl Responder {
    HttpResponse::Created().body("created")
}

#[metered]
async fn json() -> web::Json<Body> {
    web::Json(Body { ok: true })
}

#[metered]
async fn string() -> String {
    "text".to_owned()
}

#[metered]
async fn static_str() -> &'static str {
    "text"
}

#[metered]
async fn tuple_with_status() -> (String, StatusCode) {
    ("teapot".to_owned(), StatusCode::IM_A_TEAPOT)
}

#[metered]
async fn customize_responder() -> actix_web::CustomizeResponder<&'static str> {
    "partial"
        .customize()
        .with_status(StatusCode::PARTIAL_CONTENT)
}

#[metered]
async fn result_ok() -> Result<HttpResponse, Conflict> {
    Ok(HttpResponse::ResetContent().finish())
}

#[metered]
async fn result_response_error() -> Result<HttpResponse, Conflict> {
    Err(Conflict)
}

#[metered]
async fn result_actix_error() -> Result<String, actix_web::Error> {
    Err(error::ErrorForbidden("no"))
}

#[metered]
async fn user_responder() -> MultiStatus {
    MultiStatus
}

#[metered]
async fn option_none() -> Option<String> {
    None
}

macro_rules! status_test {
    ($test:ident, $handler:ident, $status:expr) => {
        #[actix_web::test]
        async fn $test() {
            let app = test::init_service(App::new().route("/x", web::get().to($handler))).await;
            let request = test::TestRequest::get().uri("/x").to_request();
            let sent = test::call_service(&app, request).await.status().as_u16();
            assert_eq!(sent, $status, "status actually sent");
            let q = testing::handler(stringify!($handler));
            assert_eq!(q.clone().status($status).requests(), 1);
            assert_eq!(q.requests(), 1, "no other status recorded");
        }
    };
}

status_test!(http_response_status, http_response, 202);
status_test!(impl_responder_status, impl_responder, 201);
status_test!(json_status, json, 200);
status_test!(string_status, string, 200);
status_test!(static_str_status, static_str, 200);
status_test!(tuple_with_status_code, tuple_with_status, 418);
status_test!(customize_responder_status, customize_responder, 206);
status_test!(result_ok_status, result_ok, 205);
status_test!(result_err_response_error_status, result_response_error, 409);
status_test!(result_err_actix_error_status, result_actix_error, 403);
status_test!(user_responder_impl_status, user_responder, 207);
status_test!(option_none_status, option_none, 404);
