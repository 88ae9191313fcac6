use handler_metrics::metered;

#[metered]
const LIMIT: u32 = 10;

fn main() {}
