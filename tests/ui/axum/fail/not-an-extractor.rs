use axum::routing::get;
use axum::Router;
use handler_metrics::axum::metered;

struct NotAnExtractor;

#[metered]
async fn handler(_x: NotAnExtractor) -> &'static str {
    "x"
}

fn main() {
    let _: Router = Router::new().route("/", get(handler));
}
