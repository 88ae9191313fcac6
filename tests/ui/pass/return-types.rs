//! Every `Responder` return type compiles under `#[metered]`.
use actix_web::body::BoxBody;
use actix_web::http::StatusCode;
use actix_web::{web, App, CustomizeResponder, Either, HttpRequest, HttpResponse, Responder, ResponseError};
use handler_metrics::metered;

#[derive(Debug)]
struct ApiError;
impl std::fmt::Display for ApiError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result { f.write_str("api error") }
}
impl ResponseError for ApiError {}

struct Mine;
impl Responder for Mine {
    type Body = BoxBody;
    fn respond_to(self, _: &HttpRequest) -> HttpResponse { HttpResponse::Ok().finish() }
}

#[metered] async fn a() -> HttpResponse { HttpResponse::Ok().finish() }
#[metered] async fn b() -> impl Responder { "b" }
#[metered] async fn c() -> web::Json<Vec<u32>> { web::Json(vec![1]) }
#[metered] async fn d() -> String { String::new() }
#[metered] async fn e() -> &'static str { "e" }
#[metered] async fn f() -> (String, StatusCode) { (String::new(), StatusCode::CREATED) }
#[metered] async fn g() -> CustomizeResponder<&'static str> { "g".customize() }
#[metered] async fn h() -> Result<HttpResponse, ApiError> { Err(ApiError) }
#[metered] async fn i() -> Result<String, actix_web::Error> { Ok(String::new()) }
#[metered] async fn j() -> Mine { Mine }
#[metered] async fn k() -> Option<String> { None }
#[metered] async fn l() -> Either<String, HttpResponse> { Either::Left(String::new()) }
#[metered] async fn m() -> web::Redirect { web::Redirect::to("/a") }

fn main() {
    let _ = App::new()
        .route("/a", web::get().to(a)).route("/b", web::get().to(b)).route("/c", web::get().to(c))
        .route("/d", web::get().to(d)).route("/e", web::get().to(e)).route("/f", web::get().to(f))
        .route("/g", web::get().to(g)).route("/h", web::get().to(h)).route("/i", web::get().to(i))
        .route("/j", web::get().to(j)).route("/k", web::get().to(k)).route("/l", web::get().to(l))
        .route("/m", web::get().to(m));
}
