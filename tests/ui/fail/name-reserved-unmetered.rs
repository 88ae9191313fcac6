use handler_metrics::metered;

#[metered(name = "unmetered")]
async fn health() -> &'static str {
    "ok"
}

fn main() {}
