//! The test API on axum 0.8 (see [`super`]).

use std::time::Duration;

use axum::body::Bytes;
use axum::extract::{DefaultBodyLimit, Path, Query};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{any, get, post};
use axum::{Json, Router};
use handler_metrics::axum::metered;
use tower_http::catch_panic::CatchPanicLayer;

use super::super::Server;
use super::{Order, Page, Teapot, Widget, CHECKOUT};

/// `GET /returns/<handler>`: one handler per kind of `IntoResponse`, and the status it answers.
pub(crate) const RETURNS: &[(&str, u16)] = &[
    ("response", 202),
    ("impl_into_response", 201),
    ("json", 200),
    ("string", 200),
    ("static_str", 200),
    ("unit", 200),
    ("tuple_with_status", 418),
    ("status_headers_body", 206),
    ("result_ok", 205),
    ("result_error", 409),
    ("result_status_error", 403),
    ("user_into_response", 207),
    ("status_code", 404),
];

struct Conflict;

impl IntoResponse for Conflict {
    fn into_response(self) -> Response {
        (StatusCode::CONFLICT, "conflict").into_response()
    }
}

impl IntoResponse for Teapot {
    fn into_response(self) -> Response {
        (
            StatusCode::IM_A_TEAPOT,
            [("x-brew", "earl-grey")],
            self.to_string(),
        )
            .into_response()
    }
}

/// A user type with its own `IntoResponse` impl.
struct MultiStatus;

impl IntoResponse for MultiStatus {
    fn into_response(self) -> Response {
        (StatusCode::MULTI_STATUS, "207").into_response()
    }
}

#[metered]
async fn response() -> Response {
    StatusCode::ACCEPTED.into_response()
}

#[metered]
async fn impl_into_response() -> impl IntoResponse {
    (StatusCode::CREATED, "created")
}

#[metered]
async fn json() -> Json<Widget> {
    Json(Widget { name: "a".into() })
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
async fn unit() {}

#[metered]
async fn tuple_with_status() -> (StatusCode, String) {
    (StatusCode::IM_A_TEAPOT, "teapot".to_owned())
}

#[metered]
async fn status_headers_body() -> (StatusCode, HeaderMap, &'static str) {
    let mut headers = HeaderMap::new();
    headers.insert("x-part", "1".parse().expect("a header value"));
    (StatusCode::PARTIAL_CONTENT, headers, "partial")
}

#[metered]
async fn result_ok() -> Result<StatusCode, Conflict> {
    Ok(StatusCode::RESET_CONTENT)
}

#[metered]
async fn result_error() -> Result<StatusCode, Conflict> {
    Err(Conflict)
}

#[metered]
async fn result_status_error() -> Result<String, StatusCode> {
    Err(StatusCode::FORBIDDEN)
}

#[metered]
async fn user_into_response() -> MultiStatus {
    MultiStatus
}

#[metered]
async fn status_code() -> StatusCode {
    StatusCode::NOT_FOUND
}

#[metered]
async fn get_user(Path(id): Path<u32>) -> String {
    format!("user {id}")
}

#[metered]
async fn create_widget(Json(_body): Json<Widget>) -> StatusCode {
    StatusCode::CREATED
}

#[metered]
async fn get_widget(Path(_id): Path<u32>) -> StatusCode {
    StatusCode::OK
}

/// Three extractors: a rejection by the first, the middle or the last is counted alike.
#[metered]
async fn tag_widget(
    Path(_id): Path<u32>,
    Query(_page): Query<Page>,
    Json(_tag): Json<Widget>,
) -> StatusCode {
    StatusCode::NO_CONTENT
}

/// Two extractors of the request's parts.
#[metered]
async fn move_widget(Path(_id): Path<u32>, Query(_page): Query<Page>) -> StatusCode {
    StatusCode::NO_CONTENT
}

#[metered]
async fn list_widgets(Query(_page): Query<Page>) -> StatusCode {
    StatusCode::OK
}

#[metered]
async fn upload(_body: Bytes) -> StatusCode {
    StatusCode::OK
}

#[metered]
async fn r#type() -> &'static str {
    "type"
}

#[metered]
async fn answers_with(Path(status): Path<u16>) -> StatusCode {
    StatusCode::from_u16(status).expect("test sends valid statuses")
}

#[metered]
async fn any_method() -> &'static str {
    "any"
}

#[metered]
async fn files(Path(_rest): Path<String>) -> &'static str {
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
async fn slow_report() -> StatusCode {
    tokio::time::sleep(Duration::from_secs(60)).await;
    StatusCode::OK
}

/// Waits 20 ms on a timer, so that its future returns `Pending` before it answers `202`.
#[metered]
async fn late() -> StatusCode {
    tokio::time::sleep(Duration::from_millis(20)).await;
    StatusCode::ACCEPTED
}

/// Like `slow_report`, for the one test that drops its future in process.
#[metered]
async fn wait() -> StatusCode {
    tokio::time::sleep(Duration::from_secs(60)).await;
    StatusCode::OK
}

#[metered]
async fn divide(Path(n): Path<i64>) -> String {
    assert_ne!(n, 0, "expected panic: division by zero");
    (1000 / n).to_string()
}

#[metered(name = "axum_fallback")]
async fn fallback() -> (StatusCode, &'static str) {
    (StatusCode::NOT_FOUND, "no such route")
}

/// Defines the same handler twice: `$metered` with `#[metered]`, `$plain` without.
macro_rules! twins {
    ($metered:ident, $plain:ident, ($($arg:ident: $ty:ty),*) -> $ret:ty $body:block) => {
        #[metered]
        async fn $metered($($arg: $ty),*) -> $ret $body
        async fn $plain($($arg: $ty),*) -> $ret $body
    };
}

twins!(twin_metered, twin_plain, (order: Json<Order>) -> Response {
    let Json(order) = order;
    (
        StatusCode::CREATED,
        [("x-order", order.item.clone()), ("cache-control", "no-store".to_owned())],
        Json(order),
    )
        .into_response()
});

twins!(twin_metered_error, twin_plain_error, () -> Result<Response, Teapot> {
    Err(Teapot)
});

/// The test API under `/axum`.
pub(crate) fn app() -> Router {
    let returns = Router::new()
        .route("/response", get(response))
        .route("/impl_into_response", get(impl_into_response))
        .route("/json", get(json))
        .route("/string", get(string))
        .route("/static_str", get(static_str))
        .route("/unit", get(unit))
        .route("/tuple_with_status", get(tuple_with_status))
        .route("/status_headers_body", get(status_headers_body))
        .route("/result_ok", get(result_ok))
        .route("/result_error", get(result_error))
        .route("/result_status_error", get(result_status_error))
        .route("/user_into_response", get(user_into_response))
        .route("/status_code", get(status_code));
    let api = Router::new()
        .nest("/returns", returns)
        .route("/users/{id}", get(get_user))
        .route("/widgets", post(create_widget).get(list_widgets))
        .route(
            "/widgets/{id}",
            get(get_widget).put(tag_widget).patch(move_widget),
        )
        .route("/upload", post(upload).layer(DefaultBodyLimit::max(16)))
        .route("/type", get(r#type))
        .route("/status/{code}", get(answers_with))
        .route("/any", any(any_method))
        .route("/files/{*rest}", get(files))
        .nest("/shop", Router::new().route("/pay", get(pay)))
        .route("/export", get(export_report))
        .route("/slow", get(slow_report))
        .route("/late", get(late))
        .route("/wait", get(wait))
        .route("/divide/{n}", get(divide))
        .route(
            "/caught/divide/{n}",
            get(divide).layer(CatchPanicLayer::new()),
        )
        .route("/twin/metered", post(twin_metered))
        .route("/twin/plain", post(twin_plain))
        .route("/twin/metered_error", get(twin_metered_error))
        .route("/twin/plain_error", get(twin_plain_error));
    Router::new()
        .nest("/axum", api)
        .route("/ping", get(|| async { "pong" }))
        .merge(handler_metrics::axum::metrics())
        .fallback(fallback)
}

/// The test API on a real axum server.
pub(crate) fn serve() -> Server {
    Server::axum(app())
}
