//! Every kind of `IntoResponse` return type compiles under `#[metered]`.
use axum::http::{HeaderMap, StatusCode};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::get;
use axum::{Json, Router};
use handler_metrics::axum::metered;

struct ApiError;
impl IntoResponse for ApiError {
    fn into_response(self) -> Response { StatusCode::INTERNAL_SERVER_ERROR.into_response() }
}

#[metered] async fn a() -> Response { StatusCode::OK.into_response() }
#[metered] async fn b() -> impl IntoResponse { "b" }
#[metered] async fn c() -> Json<Vec<u32>> { Json(vec![1]) }
#[metered] async fn d() -> String { String::new() }
#[metered] async fn e() -> &'static str { "e" }
#[metered] async fn f() -> (StatusCode, String) { (StatusCode::CREATED, String::new()) }
#[metered] async fn g() -> (StatusCode, HeaderMap, &'static str) { (StatusCode::OK, HeaderMap::new(), "g") }
#[metered] async fn h() -> Result<Json<u32>, ApiError> { Err(ApiError) }
#[metered] async fn i() -> Result<String, StatusCode> { Ok(String::new()) }
#[metered] async fn j() -> StatusCode { StatusCode::NO_CONTENT }
#[metered] async fn k() {}
#[metered] async fn l() -> Html<&'static str> { Html("<p>l</p>") }
#[metered] async fn m() -> Redirect { Redirect::to("/a") }
#[metered] async fn n() -> ([(&'static str, &'static str); 1], &'static str) { ([("x-n", "1")], "n") }
#[metered] async fn o() -> Result<impl IntoResponse, ApiError> { Ok("o") }

fn main() {
    let _: Router = Router::new()
        .route("/a", get(a)).route("/b", get(b)).route("/c", get(c)).route("/d", get(d))
        .route("/e", get(e)).route("/f", get(f)).route("/g", get(g)).route("/h", get(h))
        .route("/i", get(i)).route("/j", get(j)).route("/k", get(k)).route("/l", get(l))
        .route("/m", get(m)).route("/n", get(n)).route("/o", get(o));
}
