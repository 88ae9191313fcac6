use axum::routing::get;
use axum::Router;

#[handler_metrics::actix::metered]
async fn handler() -> &'static str {
    "actix"
}

fn main() {
    let _: Router = Router::new().route("/", get(handler));
}
