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
pub use handler_metrics_macros::metered;
#[cfg(feature = "actix")]
pub use handler_metrics_runtime::actix;
pub use handler_metrics_runtime::testing;
pub use handler_metrics_runtime::{
    method_label, Config, ConfigError, ExpositionError, FamilyNames, Metrics, Objective, Outcome,
    RuleOptions, CONTENT_TYPE, DEFAULT_BUCKETS, IN_FLIGHT_LABELS, OTHER_METHOD, REQUEST_LABELS,
    RESERVED_LABELS, UNMATCHED_ENDPOINT,
};

/// What the code `#[metered]` generates refers to, by absolute path. Not public API.
#[doc(hidden)]
pub mod __private {
    pub use handler_metrics_runtime::__private::assert_objective;
    pub use handler_metrics_runtime::{HandlerSite, Objective};

    /// The actix-web side of the generated wrapper.
    #[cfg(feature = "actix")]
    pub mod actix {
        pub use ::std::boxed::Box;
        pub use ::std::future::Future;
        pub use handler_metrics_runtime::__private::actix_web::{Handler, HttpResponse};
        pub use handler_metrics_runtime::actix::{serve, UnextractedRequest};
    }
}
