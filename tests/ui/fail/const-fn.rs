use handler_metrics::metered;

#[metered]
const fn limit() -> u32 {
    10
}

fn main() {}
