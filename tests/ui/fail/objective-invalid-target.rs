use handler_metrics::{metered, Objective};

// 99.9 % is written 0.999.
const CHECKOUT: Objective = Objective::new("checkout").success_rate(99.9);

#[metered(objective = CHECKOUT)]
async fn pay() -> &'static str {
    "paid"
}

fn main() {}
