use axum::routing::get;
use axum::Router;
use handler_metrics::axum::metered;

struct NotAResponse;

#[metered]
async fn handler() -> NotAResponse {
    NotAResponse
}

fn main() {
    let _: Router = Router::new().route("/", get(handler));
}
