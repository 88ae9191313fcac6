//! A small REST API with every handler metered and `/metrics` mounted.
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
//! curl -s localhost:8080/metrics
//! ```
//!
//! Configuration from the environment, as a service would take it:
//!
//! - `PORT`: the port on 127.0.0.1 (default 8080).
//! - `METRICS_NAMESPACE`: prefix of every metric name, e.g. `api` (default none).
//! - `METRICS_CONST_LABELS`: labels on every series, e.g. `service=users,region=eu` (default none).

use std::collections::BTreeMap;
use std::sync::Mutex;
use std::time::Duration;

use actix_web::http::StatusCode;
use actix_web::{delete, get, post, put, web, App, HttpResponse, HttpServer, ResponseError};
use handler_metrics::metered;

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

type State = web::Data<Mutex<Store>>;

/// The API's error type: actix turns it into the response through `ResponseError`.
#[derive(Debug)]
enum ApiError {
    NotFound(&'static str, u32),
    Invalid(&'static str),
    Unavailable,
}

impl std::fmt::Display for ApiError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ApiError::NotFound(what, id) => write!(f, "{what} {id} not found"),
            ApiError::Invalid(why) => write!(f, "invalid request: {why}"),
            ApiError::Unavailable => write!(f, "store unavailable"),
        }
    }
}

impl ResponseError for ApiError {
    fn status_code(&self) -> StatusCode {
        match self {
            ApiError::NotFound(..) => StatusCode::NOT_FOUND,
            ApiError::Invalid(_) => StatusCode::UNPROCESSABLE_ENTITY,
            ApiError::Unavailable => StatusCode::SERVICE_UNAVAILABLE,
        }
    }
}

fn lock(state: &State) -> Result<std::sync::MutexGuard<'_, Store>, ApiError> {
    state.lock().map_err(|_| ApiError::Unavailable)
}

#[metered(objective = USERS)]
#[get("/users")]
async fn list_users(state: State) -> Result<web::Json<Vec<User>>, ApiError> {
    Ok(web::Json(lock(&state)?.users.values().cloned().collect()))
}

#[post("/users")]
#[metered(objective = USERS)]
async fn create_user(state: State, body: web::Json<NewUser>) -> Result<HttpResponse, ApiError> {
    if body.name.trim().is_empty() {
        return Err(ApiError::Invalid("name must not be empty"));
    }
    let mut store = lock(&state)?;
    store.next_id += 1;
    let user = User {
        id: store.next_id,
        name: body.into_inner().name,
    };
    store.users.insert(user.id, user.clone());
    Ok(HttpResponse::Created().json(user))
}

#[get("/users/{id}")]
#[metered(objective = USERS)]
async fn get_user(state: State, id: web::Path<u32>) -> Result<web::Json<User>, ApiError> {
    let id = id.into_inner();
    let store = lock(&state)?;
    let user = store.users.get(&id).ok_or(ApiError::NotFound("user", id))?;
    Ok(web::Json(user.clone()))
}

#[put("/users/{id}")]
#[metered(objective = USERS)]
async fn rename_user(
    state: State,
    id: web::Path<u32>,
    body: web::Json<NewUser>,
) -> Result<web::Json<User>, ApiError> {
    let id = id.into_inner();
    let mut store = lock(&state)?;
    let user = store
        .users
        .get_mut(&id)
        .ok_or(ApiError::NotFound("user", id))?;
    user.name = body.into_inner().name;
    Ok(web::Json(user.clone()))
}

#[delete("/users/{id}")]
#[metered(objective = USERS)]
async fn delete_user(state: State, id: web::Path<u32>) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let mut store = lock(&state)?;
    store
        .users
        .remove(&id)
        .ok_or(ApiError::NotFound("user", id))?;
    store.items.retain(|_, item| item.owner != id);
    Ok(HttpResponse::NoContent().finish())
}

#[metered]
async fn list_items(state: State, owner: web::Path<u32>) -> Result<web::Json<Vec<Item>>, ApiError> {
    let owner = owner.into_inner();
    let store = lock(&state)?;
    if !store.users.contains_key(&owner) {
        return Err(ApiError::NotFound("user", owner));
    }
    let items = store.items.values().filter(|i| i.owner == owner);
    Ok(web::Json(items.cloned().collect()))
}

#[metered]
async fn create_item(
    state: State,
    owner: web::Path<u32>,
    body: web::Json<NewItem>,
) -> Result<(web::Json<Item>, StatusCode), ApiError> {
    let owner = owner.into_inner();
    let mut store = lock(&state)?;
    if !store.users.contains_key(&owner) {
        return Err(ApiError::NotFound("user", owner));
    }
    store.next_id += 1;
    let item = Item {
        id: store.next_id,
        owner,
        title: body.into_inner().title,
    };
    store.items.insert(item.id, item.clone());
    Ok((web::Json(item), StatusCode::CREATED))
}

#[derive(Deserialize)]
struct SlowQuery {
    ms: u64,
}

/// A handler that takes as long as asked (at most 5 s), to see latency in the histogram.
#[get("/slow")]
#[metered]
async fn slow(query: web::Query<SlowQuery>) -> String {
    let ms = query.ms.min(5_000);
    actix_web::rt::time::sleep(Duration::from_millis(ms)).await;
    format!("slept {ms} ms\n")
}

/// Reports are built by a backend; the archive's is offline, so it fails with the API's error.
#[get("/reports/{kind}")]
#[metered(objective = REPORTS)]
async fn get_report(kind: web::Path<String>) -> Result<web::Json<Vec<&'static str>>, ApiError> {
    match kind.as_str() {
        "daily" => Ok(web::Json(vec!["signups", "orders"])),
        "archive" => Err(ApiError::Unavailable),
        _ => Err(ApiError::NotFound("report", 0)),
    }
}

#[metered]
async fn health() -> &'static str {
    "ok\n"
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

    let port: u16 = match std::env::var("PORT") {
        Ok(port) => port
            .parse()
            .map_err(|e| std::io::Error::other(format!("PORT={port:?}: {e}")))?,
        Err(_) => 8080,
    };
    let state = web::Data::new(Mutex::new(Store::default()));
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
    })
    .bind(("127.0.0.1", port))?;
    for addr in server.addrs() {
        println!("quickstart listening on http://{addr} (metrics on http://{addr}/metrics)");
    }
    server.run().await
}
