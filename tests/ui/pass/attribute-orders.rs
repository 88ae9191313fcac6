//! `#[metered]` above and below each of actix's routing macros.
use actix_web::{delete, get, patch, post, put, route, web, App, HttpResponse};
use handler_metrics::metered;

#[get("/a")]
#[metered]
async fn get_below() -> HttpResponse { HttpResponse::Ok().finish() }

#[metered]
#[get("/b")]
async fn get_above() -> HttpResponse { HttpResponse::Ok().finish() }

#[metered]
#[post("/c")]
async fn post_above(_body: web::Bytes) -> HttpResponse { HttpResponse::Ok().finish() }

#[put("/d/{id}")]
#[metered]
async fn put_below(_id: web::Path<u32>) -> HttpResponse { HttpResponse::Ok().finish() }

#[metered]
#[delete("/e")]
async fn delete_above() -> HttpResponse { HttpResponse::Ok().finish() }

#[patch("/f")]
#[metered]
async fn patch_below() -> HttpResponse { HttpResponse::Ok().finish() }

#[metered]
#[route("/g", method = "GET", method = "HEAD")]
async fn route_above() -> HttpResponse { HttpResponse::Ok().finish() }

#[actix_web::routes]
#[get("/h")]
#[post("/h")]
#[metered]
async fn routes_below() -> HttpResponse { HttpResponse::Ok().finish() }

#[metered]
#[actix_web::routes]
#[get("/j")]
#[post("/j")]
async fn routes_above() -> HttpResponse { HttpResponse::Ok().finish() }

/// Documented handler: docs stay on the registered item.
#[metered]
#[get("/i")]
pub async fn documented() -> HttpResponse { HttpResponse::Ok().finish() }

fn main() {
    let _ = App::new()
        .service(get_below)
        .service(get_above)
        .service(post_above)
        .service(put_below)
        .service(delete_above)
        .service(patch_below)
        .service(route_above)
        .service(routes_below)
        .service(routes_above)
        .service(documented);
}
