use std::rc::Rc;

use axum::routing::get;
use axum::Router;
use handler_metrics::axum::metered;

async fn later() {}

#[metered]
async fn handler() -> String {
    let shared = Rc::new(1);
    later().await;
    shared.to_string()
}

fn main() {
    let _: Router = Router::new().route("/", get(handler));
}
