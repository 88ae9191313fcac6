//! The test API on actix-web 4 (see [`super`]).

use std::time::Duration;

use actix_web::body::BoxBody;
use actix_web::http::StatusCode;
use actix_web::{error, web, App, HttpRequest, HttpResponse, Responder, ResponseError};
use handler_metrics::metered;

use super::super::Server;
use super::{Order, Page, Teapot, Widget, CHECKOUT};

/// `GET /returns/<handler>`: one handler per kind of `Responder`, and the status it answers.
pub(crate) const RETURNS: &[(&str, u16)] = &[
    ("http_response", 202),
    ("impl_responder", 201),
    ("json", 200),
    ("string", 200),
    ("static_str", 200),
    ("tuple_with_status", 418),
    ("customize_responder", 206),
    ("result_ok", 205),
    ("result_response_error", 409),
    ("result_framework_error", 403),
    ("user_responder", 207),
    ("option_none", 404),
];

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

/// A user type with its own `Responder` impl.
struct MultiStatus;

impl Responder for MultiStatus {
    type Body = BoxBody;

    fn respond_to(self, _req: &HttpRequest) -> HttpResponse {
        HttpResponse::build(StatusCode::MULTI_STATUS).body("207")
    }
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
async fn json() -> web::Json<Widget> {
    web::Json(Widget { name: "a".into() })
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
async fn result_framework_error() -> Result<String, actix_web::Error> {
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

#[metered]
async fn get_user(id: web::Path<u32>) -> String {
    format!("user {id}")
}

#[metered]
async fn create_widget(_body: web::Json<Widget>) -> HttpResponse {
    HttpResponse::Created().finish()
}

#[metered]
async fn get_widget(_id: web::Path<u32>) -> HttpResponse {
    HttpResponse::Ok().finish()
}

/// Three extractors: a rejection by the first, the middle or the last is counted alike.
#[metered]
async fn tag_widget(
    _id: web::Path<u32>,
    _page: web::Query<Page>,
    _tag: web::Json<Widget>,
) -> HttpResponse {
    HttpResponse::NoContent().finish()
}

/// Two extractors of the request's parts.
#[metered]
async fn move_widget(_id: web::Path<u32>, _page: web::Query<Page>) -> HttpResponse {
    HttpResponse::NoContent().finish()
}

#[metered]
async fn list_widgets(_page: web::Query<Page>) -> HttpResponse {
    HttpResponse::Ok().finish()
}

#[metered]
async fn upload(_body: web::Bytes) -> HttpResponse {
    HttpResponse::Ok().finish()
}

#[metered]
async fn r#type() -> &'static str {
    "type"
}

#[metered]
async fn answers_with(status: web::Path<u16>) -> HttpResponse {
    let status = StatusCode::from_u16(*status).expect("test sends valid statuses");
    HttpResponse::build(status).finish()
}

#[metered]
async fn any_method() -> &'static str {
    "any"
}

#[metered]
async fn files(_rest: web::Path<String>) -> &'static str {
    "file"
}

#[metered]
async fn pay() -> &'static str {
    "paid"
}

#[metered(
    name = "export",
    buckets = [0.1, 1],
    labels(team = "reports"),
    objective = CHECKOUT
)]
async fn export_report() -> &'static str {
    "done"
}

#[metered]
async fn slow_report() -> HttpResponse {
    actix_web::rt::time::sleep(Duration::from_secs(60)).await;
    HttpResponse::Ok().finish()
}

/// Waits 20 ms on a timer, so that its future returns `Pending` before it answers `202`.
#[metered]
async fn late() -> HttpResponse {
    actix_web::rt::time::sleep(Duration::from_millis(20)).await;
    HttpResponse::Accepted().finish()
}

/// Like `slow_report`, for the one test that drops its future in process.
#[metered]
async fn wait() -> HttpResponse {
    actix_web::rt::time::sleep(Duration::from_secs(60)).await;
    HttpResponse::Ok().finish()
}

#[metered]
async fn divide(n: web::Path<i64>) -> HttpResponse {
    assert_ne!(*n, 0, "expected panic: division by zero");
    HttpResponse::Ok().body((1000 / *n).to_string())
}

#[metered(name = "actix_fallback")]
async fn fallback() -> HttpResponse {
    HttpResponse::NotFound().body("no such route")
}

/// Defines the same handler twice: `$metered` with `#[metered]`, `$plain` without.
macro_rules! twins {
    ($metered:ident, $plain:ident, ($($arg:ident: $ty:ty),*) -> $ret:ty $body:block) => {
        #[metered]
        async fn $metered($($arg: $ty),*) -> $ret $body
        async fn $plain($($arg: $ty),*) -> $ret $body
    };
}

twins!(twin_metered, twin_plain, (order: web::Json<Order>) -> HttpResponse {
    HttpResponse::Created()
        .insert_header(("x-order", order.item.clone()))
        .insert_header(("cache-control", "no-store"))
        .json(order.into_inner())
});

twins!(twin_metered_error, twin_plain_error, () -> Result<HttpResponse, Teapot> {
    Err(Teapot)
});

/// The twins' routes, `/twin/...`.
pub(crate) fn twins() -> actix_web::Scope {
    web::scope("/twin")
        .route("/metered", web::post().to(twin_metered))
        .route("/plain", web::post().to(twin_plain))
        .route("/metered_error", web::get().to(twin_metered_error))
        .route("/plain_error", web::get().to(twin_plain_error))
}

/// The test API under `/actix`.
pub(crate) fn app() -> App<
    impl actix_web::dev::ServiceFactory<
        actix_web::dev::ServiceRequest,
        Config = (),
        Response = actix_web::dev::ServiceResponse<BoxBody>,
        Error = actix_web::Error,
        InitError = (),
    >,
> {
    let returns = web::scope("/returns")
        .route("/http_response", web::get().to(http_response))
        .route("/impl_responder", web::get().to(impl_responder))
        .route("/json", web::get().to(json))
        .route("/string", web::get().to(string))
        .route("/static_str", web::get().to(static_str))
        .route("/tuple_with_status", web::get().to(tuple_with_status))
        .route("/customize_responder", web::get().to(customize_responder))
        .route("/result_ok", web::get().to(result_ok))
        .route(
            "/result_response_error",
            web::get().to(result_response_error),
        )
        .route(
            "/result_framework_error",
            web::get().to(result_framework_error),
        )
        .route("/user_responder", web::get().to(user_responder))
        .route("/option_none", web::get().to(option_none));
    App::new()
        .service(
            web::scope("/actix")
                .service(returns)
                .route("/users/{id}", web::get().to(get_user))
                .route("/widgets", web::post().to(create_widget))
                .route("/widgets", web::get().to(list_widgets))
                .route("/widgets/{id}", web::get().to(get_widget))
                .route("/widgets/{id}", web::put().to(tag_widget))
                .route("/widgets/{id}", web::patch().to(move_widget))
                .service(
                    web::resource("/upload")
                        .app_data(web::PayloadConfig::new(16))
                        .route(web::post().to(upload)),
                )
                .route("/type", web::get().to(r#type))
                .route("/status/{code}", web::get().to(answers_with))
                .route("/any", web::route().to(any_method))
                .route("/files/{rest:.*}", web::get().to(files))
                .service(web::scope("/shop").route("/pay", web::get().to(pay)))
                .route("/export", web::get().to(export_report))
                .route("/slow", web::get().to(slow_report))
                .route("/late", web::get().to(late))
                .route("/wait", web::get().to(wait))
                .route("/divide/{n}", web::get().to(divide))
                .service(twins()),
        )
        .route("/ping", web::get().to(|| async { "pong" }))
        .service(handler_metrics::actix::metrics())
        .default_service(web::to(fallback))
}

/// The test API on a real actix server: two workers, and client disconnects drop the handler
/// (see the README on cancellation).
pub(crate) fn serve() -> Server {
    local_server!(app; .workers(2).h1_allow_half_closed(false))
}
