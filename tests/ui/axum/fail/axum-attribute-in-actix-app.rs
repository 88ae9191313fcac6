use actix_web::{web, App};

#[handler_metrics::axum::metered]
async fn handler() -> &'static str {
    "axum"
}

fn main() {
    let _ = App::new().route("/", web::get().to(handler));
}
