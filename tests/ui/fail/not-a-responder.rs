use handler_metrics::metered;

struct NotAResponder;

#[metered]
async fn handler() -> NotAResponder {
    NotAResponder
}

fn main() {}
