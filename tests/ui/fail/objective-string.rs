use handler_metrics::metered;

#[metered(objective = "checkout")]
async fn pay() -> &'static str {
    "paid"
}

fn main() {}
