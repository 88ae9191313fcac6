use handler_metrics::{metered, Objective};

const CHECKOUT: Objective = Objective::new("checkout").latency(0.3, 0.99);

#[metered(objective = CHECKOUT, buckets = [0.1, 0.25, 1.0])]
async fn pay() -> &'static str {
    "paid"
}

fn main() {}
