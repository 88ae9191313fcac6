//! Hygiene on axum: the expansion uses absolute paths and prefixed names, so shadowing `std`,
//! `core`, `Send`, `Sync`, `Clone`, `Result`, `Ok`, `Some`, `Option`, `Box` and `Vec` in the
//! user's module changes nothing.
#![allow(non_camel_case_types, non_snake_case, dead_code, unused_imports)]

use axum::extract::{Path, State};
use axum::routing::get;
use axum::Router;
use handler_metrics::axum::metered;

mod std {}
mod core {}
struct Result;
struct Option;
struct Box;
struct Vec;
struct String;
trait Send {}
trait Sync {}
trait Clone {}
fn Ok() {}
fn Some() {}
fn Err() {}
fn None() {}
struct HandlerSite;
struct Request;
struct Handler;
struct MeteredFuture;
struct __HandlerMetricsState;
const __HANDLER_METRICS_SITE: () = ();

#[metered]
async fn hygienic(Path(id): Path<u32>, State(n): State<u8>) -> &'static str {
    let _ = (id, n);
    "ok"
}

#[metered(name = "named", labels(team = "core"), buckets = [0.1, 1])]
async fn hygienic_with_args() -> &'static str {
    "ok"
}

fn main() {
    let _: Router = Router::new()
        .route("/a/{id}", get(hygienic))
        .route("/b", get(hygienic_with_args))
        .with_state(7u8);
}
