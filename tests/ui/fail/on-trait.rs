use handler_metrics::metered;

#[metered]
trait Handler {}

fn main() {}
