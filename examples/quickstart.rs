//! A small REST API with every handler metered, `/metrics` mounted, and the companion
//! middleware wrapped last, so that every request is counted once, even those no handler sees.
//!
//! ```sh
//! cargo run --example quickstart            # serves on 127.0.0.1:8080 (PORT overrides)
//! curl -s localhost:8080/users -H 'content-type: application/json' -d '{"name":"ada"}'
//! curl -s localhost:8080/users/1
//! curl -s localhost:8080/users/99           # 404 from the error type
//! curl -s localhost:8080/users/abc          # 404 from the path extractor
//! curl -s localhost:8080/reports/daily
//! curl -s localhost:8080/reports/archive    # 503 from the error type
//! curl -s 'localhost:8080/slow?ms=300'
//! curl -s localhost:8080/wp-login.php       # 404 from no handler: handler="unmetered", endpoint="unmatched"
//! curl -s localhost:8080/metrics
//! curl -s localhost:8080/metrics -H 'accept: application/openmetrics-text'   # OpenMetrics 1.0
//! ```
//!
//! Configuration from the environment, as a service would take it:
//!
//! - `PORT`: the port on 127.0.0.1 (default 8080).
//! - `METRICS_NAMESPACE`: prefix of every metric name, e.g. `api` (default none).
//! - `METRICS_CONST_LABELS`: labels on every series, e.g. `service=users,region=eu` (default none).
//! - `METRICS_NAMING`: `opentelemetry` for OpenTelemetry's HTTP server names
//!   (`http_server_request_duration_seconds{http_route,...}`; default `prometheus`).
//! - `METRICS_OPENMETRICS_CREATED`: `1` adds `_created` samples to OpenMetrics scrapes (default
//!   off; see `Config::openmetrics_created`).
//! - `METRICS_NATIVE_HISTOGRAMS`: `1` records the duration histograms as native histograms too,
//!   which a Prometheus started with `--enable-feature=native-histograms` scrapes over protobuf
//!   (default off; see `Config::native_histograms`).
//!
//! With `--features opentelemetry`, each request is served in an OpenTelemetry span (continuing
//! the caller's `traceparent`), and OpenMetrics scrapes carry, per histogram bucket, the trace id
//! of a recent request as its exemplar:
//!
//! ```sh
//! cargo run --example quickstart --features opentelemetry
//! curl -s localhost:8080/slow?ms=300
//! curl -s localhost:8080/metrics -H 'accept: application/openmetrics-text' | grep trace_id
//! ```

use std::time::Duration;

use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::StatusCode;
use actix_web::middleware::Next;
use actix_web::{delete, get, post, put, web, App, HttpResponse, HttpServer, ResponseError};
use handler_metrics::metered;

#[path = "shared/api.rs"]
mod api;
#[path = "shared/metrics_config.rs"]
mod metrics_config;
#[cfg(feature = "opentelemetry")]
#[path = "shared/tracing_setup.rs"]
mod tracing_setup;
use api::{lock, ApiError, Db, Item, NewItem, NewUser, SlowQuery, User};
use metrics_config::{metrics_config, REPORTS, USERS};

type State = web::Data<Db>;

/// actix turns the API's error into the response through `ResponseError`.
impl ResponseError for ApiError {
    fn status_code(&self) -> StatusCode {
        StatusCode::from_u16(self.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR)
    }
}

#[metered(objective = USERS)]
#[get("/users")]
async fn list_users(state: State) -> Result<web::Json<Vec<User>>, ApiError> {
    Ok(web::Json(lock(&state)?.list_users()))
}

#[post("/users")]
#[metered(objective = USERS)]
async fn create_user(state: State, body: web::Json<NewUser>) -> Result<HttpResponse, ApiError> {
    let user = lock(&state)?.create_user(body.into_inner())?;
    Ok(HttpResponse::Created().json(user))
}

#[get("/users/{id}")]
#[metered(objective = USERS)]
async fn get_user(state: State, id: web::Path<u32>) -> Result<web::Json<User>, ApiError> {
    Ok(web::Json(lock(&state)?.get_user(id.into_inner())?))
}

#[put("/users/{id}")]
#[metered(objective = USERS)]
async fn rename_user(
    state: State,
    id: web::Path<u32>,
    body: web::Json<NewUser>,
) -> Result<web::Json<User>, ApiError> {
    let user = lock(&state)?.rename_user(id.into_inner(), body.into_inner())?;
    Ok(web::Json(user))
}

#[delete("/users/{id}")]
#[metered(objective = USERS)]
async fn delete_user(state: State, id: web::Path<u32>) -> Result<HttpResponse, ApiError> {
    lock(&state)?.delete_user(id.into_inner())?;
    Ok(HttpResponse::NoContent().finish())
}

#[metered]
async fn list_items(state: State, owner: web::Path<u32>) -> Result<web::Json<Vec<Item>>, ApiError> {
    Ok(web::Json(lock(&state)?.list_items(owner.into_inner())?))
}

#[metered]
async fn create_item(
    state: State,
    owner: web::Path<u32>,
    body: web::Json<NewItem>,
) -> Result<(web::Json<Item>, StatusCode), ApiError> {
    let item = lock(&state)?.create_item(owner.into_inner(), body.into_inner())?;
    Ok((web::Json(item), StatusCode::CREATED))
}

/// A handler that takes as long as asked (at most 5 s), to see latency in the histogram.
#[get("/slow")]
#[metered]
async fn slow(query: web::Query<SlowQuery>) -> String {
    let ms = api::slow_millis(&query);
    actix_web::rt::time::sleep(Duration::from_millis(ms)).await;
    format!("slept {ms} ms\n")
}

/// Reports are built by a backend; the archive's is offline, so it fails with the API's error.
#[get("/reports/{kind}")]
#[metered(objective = REPORTS)]
async fn get_report(kind: web::Path<String>) -> Result<web::Json<Vec<&'static str>>, ApiError> {
    Ok(web::Json(api::report(&kind)?))
}

#[metered]
async fn health() -> &'static str {
    "ok\n"
}

/// With the `opentelemetry` feature, serves each request inside its span, so that the metrics
/// keep trace ids as exemplars; without it, passes the request on.
async fn traced(
    request: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    #[cfg(feature = "opentelemetry")]
    {
        use tracing::Instrument as _;
        let span = tracing_setup::request_span(request.method().as_str(), |name| {
            request.headers().get(name).and_then(|v| v.to_str().ok())
        });
        next.call(request).instrument(span).await
    }
    #[cfg(not(feature = "opentelemetry"))]
    next.call(request).await
}

fn main() -> std::process::ExitCode {
    match actix_web::rt::System::new().block_on(serve()) {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("quickstart: {err}");
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
    let state = web::Data::new(Db::default());
    let server = HttpServer::new(move || {
        App::new()
            .app_data(state.clone())
            .service(list_users)
            .service(create_user)
            .service(get_user)
            .service(rename_user)
            .service(delete_user)
            .service(
                web::scope("/users/{owner}/items")
                    .route("", web::get().to(list_items))
                    .route("", web::post().to(create_item)),
            )
            .service(get_report)
            .service(slow)
            .route("/health", web::get().to(health))
            .service(handler_metrics::actix::metrics())
            .wrap(actix_web::middleware::from_fn(traced))
            // Last, so it runs first: every request counted once, with the status the client
            // got, including those no `#[metered]` handler serves.
            .wrap(handler_metrics::actix::middleware())
    })
    .bind(("127.0.0.1", port))?;
    for addr in server.addrs() {
        println!("quickstart listening on http://{addr} (metrics on http://{addr}/metrics)");
    }
    server.run().await
}
