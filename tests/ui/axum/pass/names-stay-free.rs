//! The handler stays a function: a binding, a variable or a pattern elsewhere in the module may
//! share its name (a unit struct or a constant of that name would capture them).
use axum::extract::{Request, State};
use axum::routing::get;
use axum::Router;
use handler_metrics::axum::metered;

#[metered]
async fn state(State(n): State<u8>) -> String {
    n.to_string()
}

#[metered]
async fn request(request: Request) -> String {
    request.uri().to_string()
}

#[metered]
async fn other(State(state): State<u8>) -> String {
    let request = state.to_string();
    request
}

fn main() {
    let state: Router<u8> = Router::new().route("/s", get(self::state)).route("/r", get(request));
    let other_router = Router::new().route("/o", get(other));
    let _: Router = state.merge(other_router).with_state(1u8);
}
