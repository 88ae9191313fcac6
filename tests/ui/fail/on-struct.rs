use handler_metrics::metered;

#[metered]
struct Handler;

fn main() {}
