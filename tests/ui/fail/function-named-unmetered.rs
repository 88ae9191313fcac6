use handler_metrics::metered;

#[metered]
async fn unmetered() -> &'static str {
    "ok"
}

fn main() {}
