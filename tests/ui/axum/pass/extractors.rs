//! Every kind of axum extractor compiles under `#[metered]`, with the router's state, and the
//! handlers register every way axum registers a handler, with tower layers around.
use std::collections::HashMap;
use std::time::Duration;

use axum::body::Bytes;
use axum::extract::rejection::{JsonRejection, PathRejection};
use axum::extract::{Extension, Form, FromRef, FromRequest, FromRequestParts, Path, Query, Request, State};
use axum::http::request::Parts;
use axum::http::{HeaderMap, StatusCode};
use axum::routing::{any, get, post};
use axum::{Json, Router};
use handler_metrics::axum::metered;

#[derive(Clone)]
struct AppState {
    db: Db,
}

#[derive(Clone)]
struct Db;

impl FromRef<AppState> for Db {
    fn from_ref(state: &AppState) -> Db {
        state.db.clone()
    }
}

/// A custom extractor from the request's head.
struct Tenant(String);

impl<S: Send + Sync> FromRequestParts<S> for Tenant {
    type Rejection = StatusCode;
    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, StatusCode> {
        parts.headers.get("x-tenant").and_then(|v| v.to_str().ok()).map(|t| Tenant(t.to_owned())).ok_or(StatusCode::BAD_REQUEST)
    }
}

/// A custom extractor that takes the body.
struct Upper(String);

impl<S: Send + Sync> FromRequest<S> for Upper {
    type Rejection = StatusCode;
    async fn from_request(request: Request, state: &S) -> Result<Self, StatusCode> {
        let text = String::from_request(request, state).await.map_err(|_| StatusCode::BAD_REQUEST)?;
        Ok(Upper(text.to_uppercase()))
    }
}

#[derive(serde::Deserialize)]
struct Page { page: u32 }

#[metered] async fn none() -> &'static str { "" }
#[metered] async fn with_state(State(state): State<AppState>) -> &'static str { let _ = state.db; "" }
#[metered] async fn substate(State(_db): State<Db>) -> &'static str { "" }
#[metered] async fn path(Path(id): Path<u32>) -> String { id.to_string() }
#[metered] async fn paths(Path((a, b)): Path<(String, u32)>) -> String { format!("{a}{b}") }
#[metered] async fn query(Query(page): Query<Page>) -> String { page.page.to_string() }
#[metered] async fn query_map(Query(_q): Query<HashMap<String, String>>) {}
#[metered] async fn json(Json(v): Json<serde_json::Value>) -> Json<serde_json::Value> { Json(v) }
#[metered] async fn form(Form(_f): Form<HashMap<String, String>>) {}
#[metered] async fn extension(Extension(n): Extension<u32>) -> String { n.to_string() }
#[metered] async fn headers(h: HeaderMap) -> String { h.len().to_string() }
#[metered] async fn request(r: Request) -> String { r.uri().to_string() }
#[metered] async fn bytes(b: Bytes) -> String { b.len().to_string() }
#[metered] async fn string(s: String) -> String { s }
#[metered] async fn custom(Tenant(t): Tenant, Upper(u): Upper) -> String { format!("{t}{u}") }
#[metered] async fn mixed(State(_s): State<AppState>, Path(_id): Path<u32>, h: HeaderMap, Query(_p): Query<Page>, Json(_b): Json<serde_json::Value>) -> String { h.len().to_string() }

// Optional and fallible extractors: `Option` and `Result` implement both `FromRequestParts`
// and `FromRequest`, so whether `Metered` is extracted from the parts or from the request
// follows from the type inside.
#[metered] async fn optional_path(id: Option<Path<u32>>) -> String { format!("{:?}", id.map(|Path(id)| id)) }
#[metered] async fn optional_json(body: Option<Json<serde_json::Value>>) -> String { format!("{}", body.is_some()) }
#[metered] async fn fallible_path(id: Result<Path<u32>, PathRejection>) -> String { format!("{}", id.is_ok()) }
#[metered] async fn fallible_json(body: Result<Json<serde_json::Value>, JsonRejection>) -> String { format!("{}", body.is_ok()) }
#[metered] async fn parts_only(State(_s): State<AppState>, Path(_id): Path<u32>, h: HeaderMap, Query(_p): Query<Page>) -> String { h.len().to_string() }

#[metered]
async fn sixteen_parts(
    _a: HeaderMap, _b: HeaderMap, _c: HeaderMap, _d: HeaderMap, _e: HeaderMap, _f: HeaderMap,
    _g: HeaderMap, _h: HeaderMap, _i: HeaderMap, _j: HeaderMap, _k: HeaderMap, _l: HeaderMap,
    _m: HeaderMap, _n: HeaderMap, _o: HeaderMap, _p: HeaderMap,
) {}

#[metered]
async fn sixteen(
    _a: HeaderMap, _b: HeaderMap, _c: HeaderMap, _d: HeaderMap, _e: HeaderMap, _f: HeaderMap,
    _g: HeaderMap, _h: HeaderMap, _i: HeaderMap, _j: HeaderMap, _k: HeaderMap, _l: HeaderMap,
    _m: HeaderMap, _n: HeaderMap, _o: HeaderMap, _p: String,
) {}

#[metered] async fn fallback() -> StatusCode { StatusCode::NOT_FOUND }

fn main() {
    let stateless: Router = Router::new()
        .route("/none", get(none))
        .route("/any", any(none));
    let with_state = Router::new()
        .route("/state", get(with_state).post(substate))
        .route("/path/{id}", get(path).put(path).delete(path))
        .route("/paths/{a}/{b}", get(paths))
        .route("/query", get(query).head(query_map))
        .route("/json", post(json))
        .route("/form", post(form))
        .route("/extension", get(extension))
        .route("/headers", get(headers))
        .route("/request", get(request))
        .route("/bytes", post(bytes))
        .route("/string", post(string))
        .route("/custom", post(custom))
        .route("/mixed/{id}", post(mixed))
        .route("/sixteen", post(sixteen))
        .route("/optional/{id}", get(optional_path).post(optional_json))
        .route("/fallible/{id}", get(fallible_path).post(fallible_json))
        .route("/parts/{id}", get(parts_only))
        .route("/sixteen_parts", get(sixteen_parts))
        .route("/layered", get(none).layer(tower_http::catch_panic::CatchPanicLayer::new()))
        .route_layer(tower_http::timeout::TimeoutLayer::with_status_code(StatusCode::REQUEST_TIMEOUT, Duration::from_secs(5)))
        .nest("/nested", Router::new().route("/path/{id}", get(path)))
        .merge(Router::new().route("/merged", get(substate)))
        .fallback(fallback)
        .layer(Extension(7u32))
        .with_state(AppState { db: Db });
    let _: Router = stateless.merge(with_state).merge(handler_metrics::axum::metrics());
}
