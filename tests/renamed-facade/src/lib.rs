//! A crate that depends on the facade under another name (`metrics_facade`), so
//! `::handler_metrics` does not exist here. `#[metered(crate = "metrics_facade")]` must work
//! (on actix-web and on axum),
//! and without `crate` the expansion must fail to resolve (proving the argument is what is used):
//!
//! ```compile_fail
//! #[metrics_facade::metered]
//! async fn needs_the_crate_argument() -> actix_web::HttpResponse {
//!     actix_web::HttpResponse::Ok().finish()
//! }
//! ```
//!
//! ```
//! #[metrics_facade::metered(crate = "metrics_facade")]
//! async fn with_the_crate_argument() -> actix_web::HttpResponse {
//!     actix_web::HttpResponse::Ok().finish()
//! }
//! ```

#![forbid(unsafe_code)]

/// A handler of the renamed facade, used by the test below.
#[metrics_facade::metered(crate = "metrics_facade", name = "renamed_facade")]
pub async fn hello(name: actix_web::web::Path<String>) -> String {
    format!("hello {name}")
}

/// The same on axum.
#[metrics_facade::axum::metered(crate = "metrics_facade", name = "renamed_facade_axum")]
pub async fn hello_axum(axum::extract::Path(name): axum::extract::Path<String>) -> String {
    format!("hello {name}")
}

#[cfg(test)]
mod tests {
    #[tokio::test]
    async fn renamed_facade_records_on_axum() {
        use tower::ServiceExt;
        let app = axum::Router::new().route("/hello/{name}", axum::routing::get(super::hello_axum));
        let request = axum::http::Request::get("/hello/ada")
            .body(axum::body::Body::empty())
            .unwrap();
        assert_eq!(app.oneshot(request).await.unwrap().status(), 200);
        let q = metrics_facade::testing::handler("renamed_facade_axum").endpoint("/hello/{name}");
        assert_eq!(q.requests(), 1);
    }

    use actix_web::{test, web, App};

    #[actix_web::test]
    async fn renamed_facade_records() {
        let app =
            test::init_service(App::new().route("/hello/{name}", web::get().to(super::hello)))
                .await;
        let request = test::TestRequest::get().uri("/hello/ada").to_request();
        assert_eq!(test::call_service(&app, request).await.status(), 200);
        let q = metrics_facade::testing::handler("renamed_facade").endpoint("/hello/{name}");
        assert_eq!(q.requests(), 1);
    }
}
