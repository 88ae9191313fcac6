use handler_metrics::metered;

#[metered(labels(objective = "checkout"))]
async fn pay() -> &'static str {
    "paid"
}

fn main() {}
