//! Every argument, alone and together, with trailing commas and keyword-named labels.
use actix_web::{web, App, HttpResponse};
use handler_metrics::metered;

#[metered()]
async fn empty_parens() -> HttpResponse { HttpResponse::Ok().finish() }

#[metered(name = "renamed")]
async fn named() -> HttpResponse { HttpResponse::Ok().finish() }

#[metered(buckets = [0, 0.005, 1, 2.5e1],)]
async fn bucketed() -> HttpResponse { HttpResponse::Ok().finish() }

#[metered(labels(team = "core", r#type = "read", "tier" = "1"))]
async fn labelled() -> HttpResponse { HttpResponse::Ok().finish() }

mod slo {
    pub const CHECKOUT: handler_metrics::Objective =
        handler_metrics::Objective::new("checkout").success_rate(0.999).latency(1.0, 0.99);
}

#[metered(objective = slo::CHECKOUT)]
async fn with_objective() -> HttpResponse { HttpResponse::Ok().finish() }

#[metered(name = "all", buckets = [1], labels(team = "core"), objective = slo::CHECKOUT, crate = "handler_metrics")]
async fn everything() -> HttpResponse { HttpResponse::Ok().finish() }

fn main() {
    let _ = App::new()
        .route("/a", web::get().to(empty_parens))
        .route("/b", web::get().to(named))
        .route("/c", web::get().to(bucketed))
        .route("/d", web::get().to(labelled))
        .route("/e", web::get().to(everything))
        .route("/f", web::get().to(with_objective));
}
