//! The quickstart's users/items API on axum 0.8: the same routes, handlers and metrics as
//! `quickstart.rs`, every handler metered, `/metrics` merged in, and the companion layer last.
//!
//! ```sh
//! cargo run --example quickstart_axum      # serves on 127.0.0.1:8080 (PORT overrides)
//! curl -s localhost:8080/users -H 'content-type: application/json' -d '{"name":"ada"}'
//! curl -s localhost:8080/users/1
//! curl -s localhost:8080/users/99           # 404 from the error type
//! curl -s localhost:8080/users/abc          # 400 from the path extractor (actix answers 404)
//! curl -s localhost:8080/reports/daily
//! curl -s localhost:8080/reports/archive    # 503 from the error type
//! curl -s 'localhost:8080/slow?ms=300'
//! curl -s localhost:8080/metrics
//! curl -s localhost:8080/metrics -H 'accept: application/openmetrics-text'   # OpenMetrics 1.0
//! ```
//!
//! Configuration from the environment, as `quickstart.rs`: `PORT`, `METRICS_NAMESPACE`,
//! `METRICS_CONST_LABELS`, `METRICS_NAMING`, `METRICS_OPENMETRICS_CREATED`,
//! `METRICS_NATIVE_HISTOGRAMS`. With `--features opentelemetry`, each request is served in an
//! OpenTelemetry span and OpenMetrics scrapes carry trace ids as exemplars, as in
//! `quickstart.rs`.

use std::sync::Arc;
use std::time::Duration;

use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use handler_metrics::axum::metered;

#[path = "shared/api.rs"]
mod api;
#[path = "shared/metrics_config.rs"]
mod metrics_config;
#[cfg(feature = "opentelemetry")]
#[path = "shared/tracing_setup.rs"]
mod tracing_setup;
use api::{lock, ApiError, Item, NewItem, NewUser, SlowQuery, User};
use metrics_config::{metrics_config, REPORTS, USERS};

type Db = Arc<api::Db>;

/// axum turns the API's error into the response through `IntoResponse`.
impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let status =
            StatusCode::from_u16(self.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        (status, self.to_string()).into_response()
    }
}

#[metered(objective = USERS)]
async fn list_users(State(db): State<Db>) -> Result<Json<Vec<User>>, ApiError> {
    Ok(Json(lock(&db)?.list_users()))
}

#[metered(objective = USERS)]
async fn create_user(
    State(db): State<Db>,
    Json(body): Json<NewUser>,
) -> Result<(StatusCode, Json<User>), ApiError> {
    let user = lock(&db)?.create_user(body)?;
    Ok((StatusCode::CREATED, Json(user)))
}

#[metered(objective = USERS)]
async fn get_user(State(db): State<Db>, Path(id): Path<u32>) -> Result<Json<User>, ApiError> {
    Ok(Json(lock(&db)?.get_user(id)?))
}

#[metered(objective = USERS)]
async fn rename_user(
    State(db): State<Db>,
    Path(id): Path<u32>,
    Json(body): Json<NewUser>,
) -> Result<Json<User>, ApiError> {
    Ok(Json(lock(&db)?.rename_user(id, body)?))
}

#[metered(objective = USERS)]
async fn delete_user(State(db): State<Db>, Path(id): Path<u32>) -> Result<StatusCode, ApiError> {
    lock(&db)?.delete_user(id)?;
    Ok(StatusCode::NO_CONTENT)
}

#[metered]
async fn list_items(
    State(db): State<Db>,
    Path(owner): Path<u32>,
) -> Result<Json<Vec<Item>>, ApiError> {
    Ok(Json(lock(&db)?.list_items(owner)?))
}

#[metered]
async fn create_item(
    State(db): State<Db>,
    Path(owner): Path<u32>,
    Json(body): Json<NewItem>,
) -> Result<(StatusCode, Json<Item>), ApiError> {
    let item = lock(&db)?.create_item(owner, body)?;
    Ok((StatusCode::CREATED, Json(item)))
}

/// A handler that takes as long as asked (at most 5 s), to see latency in the histogram.
#[metered]
async fn slow(Query(query): Query<SlowQuery>) -> String {
    let ms = api::slow_millis(&query);
    tokio::time::sleep(Duration::from_millis(ms)).await;
    format!("slept {ms} ms\n")
}

/// Reports are built by a backend; the archive's is offline, so it fails with the API's error.
#[metered(objective = REPORTS)]
async fn get_report(Path(kind): Path<String>) -> Result<Json<Vec<&'static str>>, ApiError> {
    Ok(Json(api::report(&kind)?))
}

#[metered]
async fn health() -> &'static str {
    "ok\n"
}

fn app(db: Db) -> Router {
    Router::new()
        .route("/users", get(list_users).post(create_user))
        .route(
            "/users/{id}",
            get(get_user).put(rename_user).delete(delete_user),
        )
        .route("/users/{owner}/items", get(list_items).post(create_item))
        .route("/reports/{kind}", get(get_report))
        .route("/slow", get(slow))
        .route("/health", get(health))
        .with_state(db)
        .merge(handler_metrics::axum::metrics())
        .layer(axum::middleware::from_fn(traced))
        // Last, so it wraps everything: every request counted once, with the status the client
        // got, including those no `#[metered]` handler serves.
        .layer(handler_metrics::axum::layer())
}

/// With the `opentelemetry` feature, serves each request inside its span, so that the metrics
/// keep trace ids as exemplars; without it, passes the request on.
async fn traced(request: axum::extract::Request, next: axum::middleware::Next) -> Response {
    #[cfg(feature = "opentelemetry")]
    {
        use tracing::Instrument as _;
        let span = tracing_setup::request_span(request.method().as_str(), |name| {
            request.headers().get(name).and_then(|v| v.to_str().ok())
        });
        next.run(request).instrument(span).await
    }
    #[cfg(not(feature = "opentelemetry"))]
    next.run(request).await
}

#[tokio::main]
async fn main() -> std::process::ExitCode {
    match serve().await {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("quickstart_axum: {err}");
            std::process::ExitCode::FAILURE
        }
    }
}

async fn serve() -> std::io::Result<()> {
    // Optional: fail at start-up, not at the first request, if the configuration is invalid or
    // the metrics cannot be registered.
    metrics_config()?.install().map_err(std::io::Error::other)?;
    api::register_own_metrics()?;
    #[cfg(feature = "opentelemetry")]
    tracing_setup::install_tracer()?;

    let port = api::port()?;
    let listener = tokio::net::TcpListener::bind(("127.0.0.1", port)).await?;
    let addr = listener.local_addr()?;
    println!("quickstart_axum listening on http://{addr} (metrics on http://{addr}/metrics)");
    axum::serve(listener, app(Db::default())).await
}
