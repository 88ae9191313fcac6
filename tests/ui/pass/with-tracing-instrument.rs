//! `#[metered]` composes with `#[tracing::instrument]` in both orders, with or without a route macro.
use actix_web::{get, web, App, HttpResponse};
use handler_metrics::metered;

#[metered]
#[tracing::instrument]
async fn metered_outside(id: web::Path<u32>) -> HttpResponse {
    tracing::info!(id = *id, "serving");
    HttpResponse::Ok().finish()
}

#[tracing::instrument(skip_all)]
#[metered]
async fn instrument_outside(id: web::Path<u32>) -> HttpResponse {
    let _ = id;
    HttpResponse::Ok().finish()
}

#[get("/traced/{id}")]
#[metered]
#[tracing::instrument(level = "debug", err)]
async fn with_route(id: web::Path<u32>) -> Result<HttpResponse, actix_web::Error> {
    let _ = id;
    Ok(HttpResponse::Ok().finish())
}

fn main() {
    let _ = App::new()
        .route("/a/{id}", web::get().to(metered_outside))
        .route("/b/{id}", web::get().to(instrument_outside))
        .service(with_route);
}
