//! The attribute's arguments, `#[tracing::instrument]` above and below, docs, visibility and
//! lint attributes kept, on axum handlers.
use axum::extract::Path;
use axum::routing::get;
use axum::Router;
use handler_metrics::axum::metered;
use handler_metrics::Objective;

const CHECKOUT: Objective = Objective::new("checkout").success_rate(0.999).latency(0.25, 0.99);

mod api {
    use super::*;

    /// Documented, public, and instrumented below the attribute.
    #[metered(name = "get_user", labels(team = "accounts"), objective = CHECKOUT)]
    #[tracing::instrument]
    pub async fn get_user(Path(id): Path<u32>) -> String {
        format!("user {id}")
    }
}

#[tracing::instrument]
#[metered(buckets = [0.25, 1, 30], objective = CHECKOUT)]
#[allow(clippy::unused_async)]
async fn export() -> &'static str {
    "done"
}

#[metered]
#[deprecated = "use get_user"]
async fn old() -> &'static str {
    "old"
}

#[allow(deprecated)]
fn main() {
    let _: Router = Router::new()
        .route("/users/{id}", get(api::get_user))
        .route("/export", get(export))
        .route("/old", get(old));
}
