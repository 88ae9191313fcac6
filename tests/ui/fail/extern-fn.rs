use handler_metrics::metered;

#[metered]
extern "C" fn callback() {}

fn main() {}
