#![doc = include_str!("../README.md")]
#![forbid(unsafe_code)]
#![deny(missing_docs)]

/// # Examples
///
/// ```
/// use actix_web::{get, test, web, App, HttpResponse};
/// use handler_metrics::{metered, testing};
///
/// #[get("/users/{id}")]
/// #[metered]
/// async fn get_user(id: web::Path<u32>) -> HttpResponse {
///     HttpResponse::Ok().body(format!("user {id}"))
/// }
///
/// #[metered(name = "export", buckets = [1, 10, 60], labels(team = "reports"))]
/// async fn export_report() -> &'static str {
///     "done"
/// }
///
/// # actix_web::rt::System::new().block_on(async {
/// let app = test::init_service(
///     App::new()
///         .service(get_user)
///         .route("/export", web::post().to(export_report)),
/// )
/// .await;
/// let request = test::TestRequest::get().uri("/users/7").to_request();
/// assert_eq!(test::call_service(&app, request).await.status(), 200);
/// assert_eq!(testing::handler("get_user").endpoint("/users/{id}").status(200).requests(), 1);
/// # });
/// ```
#[cfg(feature = "actix")]
pub use handler_metrics_macros::metered;
pub use handler_metrics_runtime::testing;
pub use handler_metrics_runtime::{
    method_label, Config, ConfigError, ExpositionError, FamilyNames, Format, HandlerSite, Metrics,
    Naming, NativeHistograms, Objective, Outcome, Recording, RuleOptions, Scheme, Scrape,
    CONTENT_TYPE, DEFAULT_BUCKETS, IN_FLIGHT_LABELS, OPENMETRICS_CONTENT_TYPE, OTHER_METHOD,
    PROTOBUF_CONTENT_TYPE, REQUEST_LABELS, RESERVED_LABELS, UNMATCHED_ENDPOINT, UNMETERED_HANDLER,
};

/// actix-web 4 (feature `actix`, on by default): the `#[metered]` attribute, the `/metrics`
/// route, and the companion [`middleware()`](actix::middleware) that counts every request once.
#[cfg(feature = "actix")]
pub mod actix {
    pub use handler_metrics_macros::metered;
    pub use handler_metrics_runtime::actix::{
        metrics, metrics_at, middleware, MeteredBody, Middleware, MiddlewareService, ResponseFuture,
    };
}

/// axum 0.8 (feature `axum`): the `#[metered]` attribute, the `/metrics` router, and the
/// companion [`layer()`](axum::layer) that counts every request once.
///
/// # Examples
///
/// ```
/// use axum::{extract::Path, routing::get, Router};
/// use handler_metrics::axum::metered;
///
/// #[metered]
/// async fn get_user(Path(id): Path<u32>) -> String {
///     format!("user {id}")
/// }
///
/// let app: Router = Router::new()
///     .route("/users/{id}", get(get_user))
///     .merge(handler_metrics::axum::metrics())
///     .layer(handler_metrics::axum::layer());
/// # let _ = app;
/// ```
#[cfg(feature = "axum")]
pub mod axum {
    pub use handler_metrics_macros::metered_axum as metered;
    pub use handler_metrics_runtime::axum::{
        layer, metrics, metrics_at, MeteredBody, MetricsLayer, MetricsService, ResponseFuture,
    };
}

/// What the code `#[metered]` generates refers to, by absolute path. Not public API.
#[doc(hidden)]
pub mod __private {
    pub use handler_metrics_runtime::__private::*;
    pub use handler_metrics_runtime::{HandlerSite, Objective};
}
