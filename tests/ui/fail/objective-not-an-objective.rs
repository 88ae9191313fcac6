use handler_metrics::metered;

const CHECKOUT: f64 = 0.999;

#[metered(objective = CHECKOUT)]
async fn pay() -> &'static str {
    "paid"
}

fn main() {}
