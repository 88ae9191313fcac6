//! The quickstart's users/items API on axum 0.8: the same routes, handlers and metrics as
//! `quickstart.rs`, every handler metered and `/metrics` merged in.
//!
//! ```sh
//! cargo run --example quickstart_axum --features axum   # 127.0.0.1:8080 (PORT overrides)
//! curl -s localhost:8080/users -H 'content-type: application/json' -d '{"name":"ada"}'
//! curl -s localhost:8080/users/1
//! curl -s localhost:8080/users/99           # 404 from the error type
//! curl -s localhost:8080/users/abc          # 400 from the path extractor (actix answers 404)
//! curl -s localhost:8080/reports/daily
//! curl -s localhost:8080/reports/archive    # 503 from the error type
//! curl -s 'localhost:8080/slow?ms=300'
//! curl -s localhost:8080/metrics
//! ```
//!
//! Configuration from the environment, as `quickstart.rs`: `PORT`, `METRICS_NAMESPACE`,
//! `METRICS_CONST_LABELS`.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use handler_metrics::axum::metered;

#[path = "shared/metrics_config.rs"]
mod metrics_config;
use metrics_config::{metrics_config, REPORTS, USERS};
use serde::{Deserialize, Serialize};

#[derive(Clone, Serialize)]
struct User {
    id: u32,
    name: String,
}

#[derive(Deserialize)]
struct NewUser {
    name: String,
}

#[derive(Clone, Serialize)]
struct Item {
    id: u32,
    owner: u32,
    title: String,
}

#[derive(Deserialize)]
struct NewItem {
    title: String,
}

#[derive(Default)]
struct Store {
    users: BTreeMap<u32, User>,
    items: BTreeMap<u32, Item>,
    next_id: u32,
}

type Db = Arc<Mutex<Store>>;

/// The API's error type: axum turns it into the response through `IntoResponse`.
#[derive(Debug)]
enum ApiError {
    NotFound(&'static str, u32),
    Invalid(&'static str),
    Unavailable,
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let (status, message) = match self {
            ApiError::NotFound(what, id) => {
                (StatusCode::NOT_FOUND, format!("{what} {id} not found"))
            }
            ApiError::Invalid(why) => (
                StatusCode::UNPROCESSABLE_ENTITY,
                format!("invalid request: {why}"),
            ),
            ApiError::Unavailable => (
                StatusCode::SERVICE_UNAVAILABLE,
                "store unavailable".to_owned(),
            ),
        };
        (status, message).into_response()
    }
}

fn lock(db: &Db) -> Result<std::sync::MutexGuard<'_, Store>, ApiError> {
    db.lock().map_err(|_| ApiError::Unavailable)
}

#[metered(objective = USERS)]
async fn list_users(State(db): State<Db>) -> Result<Json<Vec<User>>, ApiError> {
    Ok(Json(lock(&db)?.users.values().cloned().collect()))
}

#[metered(objective = USERS)]
async fn create_user(
    State(db): State<Db>,
    Json(body): Json<NewUser>,
) -> Result<(StatusCode, Json<User>), ApiError> {
    if body.name.trim().is_empty() {
        return Err(ApiError::Invalid("name must not be empty"));
    }
    let mut store = lock(&db)?;
    store.next_id += 1;
    let user = User {
        id: store.next_id,
        name: body.name,
    };
    store.users.insert(user.id, user.clone());
    Ok((StatusCode::CREATED, Json(user)))
}

#[metered(objective = USERS)]
async fn get_user(State(db): State<Db>, Path(id): Path<u32>) -> Result<Json<User>, ApiError> {
    let store = lock(&db)?;
    let user = store.users.get(&id).ok_or(ApiError::NotFound("user", id))?;
    Ok(Json(user.clone()))
}

#[metered(objective = USERS)]
async fn rename_user(
    State(db): State<Db>,
    Path(id): Path<u32>,
    Json(body): Json<NewUser>,
) -> Result<Json<User>, ApiError> {
    let mut store = lock(&db)?;
    let user = store
        .users
        .get_mut(&id)
        .ok_or(ApiError::NotFound("user", id))?;
    user.name = body.name;
    Ok(Json(user.clone()))
}

#[metered(objective = USERS)]
async fn delete_user(State(db): State<Db>, Path(id): Path<u32>) -> Result<StatusCode, ApiError> {
    let mut store = lock(&db)?;
    store
        .users
        .remove(&id)
        .ok_or(ApiError::NotFound("user", id))?;
    store.items.retain(|_, item| item.owner != id);
    Ok(StatusCode::NO_CONTENT)
}

#[metered]
async fn list_items(
    State(db): State<Db>,
    Path(owner): Path<u32>,
) -> Result<Json<Vec<Item>>, ApiError> {
    let store = lock(&db)?;
    if !store.users.contains_key(&owner) {
        return Err(ApiError::NotFound("user", owner));
    }
    let items = store.items.values().filter(|i| i.owner == owner);
    Ok(Json(items.cloned().collect()))
}

#[metered]
async fn create_item(
    State(db): State<Db>,
    Path(owner): Path<u32>,
    Json(body): Json<NewItem>,
) -> Result<(StatusCode, Json<Item>), ApiError> {
    let mut store = lock(&db)?;
    if !store.users.contains_key(&owner) {
        return Err(ApiError::NotFound("user", owner));
    }
    store.next_id += 1;
    let item = Item {
        id: store.next_id,
        owner,
        title: body.title,
    };
    store.items.insert(item.id, item.clone());
    Ok((StatusCode::CREATED, Json(item)))
}

#[derive(Deserialize)]
struct SlowQuery {
    ms: u64,
}

/// A handler that takes as long as asked (at most 5 s), to see latency in the histogram.
#[metered]
async fn slow(Query(query): Query<SlowQuery>) -> String {
    let ms = query.ms.min(5_000);
    tokio::time::sleep(Duration::from_millis(ms)).await;
    format!("slept {ms} ms\n")
}

/// Reports are built by a backend; the archive's is offline, so it fails with the API's error.
#[metered(objective = REPORTS)]
async fn get_report(Path(kind): Path<String>) -> Result<Json<Vec<&'static str>>, ApiError> {
    match kind.as_str() {
        "daily" => Ok(Json(vec!["signups", "orders"])),
        "archive" => Err(ApiError::Unavailable),
        _ => Err(ApiError::NotFound("report", 0)),
    }
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

    let port: u16 = match std::env::var("PORT") {
        Ok(port) => port
            .parse()
            .map_err(|e| std::io::Error::other(format!("PORT={port:?}: {e}")))?,
        Err(_) => 8080,
    };
    let listener = tokio::net::TcpListener::bind(("127.0.0.1", port)).await?;
    let addr = listener.local_addr()?;
    println!("quickstart_axum listening on http://{addr} (metrics on http://{addr}/metrics)");
    axum::serve(listener, app(Db::default())).await
}
