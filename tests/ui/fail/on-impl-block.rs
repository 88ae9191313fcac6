use handler_metrics::metered;

struct Api;

#[metered]
impl Api {}

fn main() {}
