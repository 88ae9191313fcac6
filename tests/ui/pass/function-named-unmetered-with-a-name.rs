//! A function called `unmetered` is fine once its series are named otherwise.
use handler_metrics::metered;

#[metered(name = "not_metered_elsewhere")]
async fn unmetered() -> &'static str {
    "ok"
}

fn main() {}
