//! `crate = "..."` points the expansion at the facade through another path, e.g. a re-export.
use actix_web::{web, App, HttpResponse};

mod observability {
    pub use handler_metrics as metrics;
}

#[handler_metrics::metered(crate = "observability::metrics")]
async fn via_reexport() -> HttpResponse {
    HttpResponse::Ok().finish()
}

fn main() {
    let _ = App::new().route("/", web::get().to(via_reexport));
}
