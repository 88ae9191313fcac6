use handler_metrics::metered;

#[metered]
async fn handler() -> &'static str {
    let = "oops";
    "x"
}

fn main() {}
