//! Hygiene: the expansion uses absolute paths and prefixed locals, so shadowing `std`, `core`,
//! `Result`, `Ok`, `Some`, `Option`, `Box` and `Vec` in the user's module changes nothing.
#![allow(non_camel_case_types, non_snake_case, dead_code, unused_imports)]

use actix_web::{web, App, HttpResponse};
use handler_metrics::metered;

mod std {}
mod core {}
struct Result;
struct Option;
struct Box;
struct Vec;
struct String;
fn Ok() {}
fn Some() {}
fn Err() {}
fn None() {}
struct HandlerSite;
struct HttpRequest;
struct Payload;
const __HANDLER_METRICS_SITE: () = ();

#[metered]
async fn hygienic(id: web::Path<u32>) -> HttpResponse {
    HttpResponse::Ok().body(id.to_string())
}

#[metered(name = "named", labels(team = "core"), buckets = [0.1, 1])]
async fn hygienic_with_args() -> HttpResponse {
    HttpResponse::Ok().finish()
}

fn main() {
    let _ = App::new()
        .route("/a/{id}", web::get().to(hygienic))
        .route("/b", web::get().to(hygienic_with_args));
}
