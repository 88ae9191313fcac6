use handler_metrics::axum::metered;

#[metered]
async fn handler(_x: impl Send) {}

fn main() {}
