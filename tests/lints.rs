//! The code `#[metered]` generates is lint-clean: this file denies rustc's and clippy's lints
//! around annotated handlers (clippy runs on it in CI), so a lint in the expansion fails the build.

#![deny(
    warnings,
    unused_braces,
    unused_qualifications,
    unused_parens,
    unused_results,
    unreachable_pub,
    unused_import_braces,
    trivial_casts,
    trivial_numeric_casts,
    clippy::all,
    clippy::pedantic
)]
// The handlers below are deliberately trivial; without the attribute they would trip this too.
#![allow(clippy::unused_async)]

use actix_web::{get, test, web, App, HttpResponse, Responder};
use handler_metrics::{metered, testing, Objective};

const LINT_OBJECTIVE: Objective = Objective::new("lint")
    .success_rate(0.999)
    .latency(1.0, 0.99);

#[get("/lint/{id}")]
#[metered]
async fn route_first(id: web::Path<u32>) -> impl Responder {
    format!("{id}")
}

#[metered(name = "lint_named", buckets = [0.1, 1], labels(team = "lint"), objective = LINT_OBJECTIVE)]
#[get("/lint")]
async fn metered_first() -> HttpResponse {
    HttpResponse::Ok().finish()
}

/// A public, documented handler: docs and visibility are kept.
#[metered]
pub async fn documented(body: String) -> Result<String, actix_web::Error> {
    Ok(body)
}

/// axum handlers under the same denials: with state, several extractors, a rejection type of
/// their own.
mod axum_handlers {
    use axum::extract::{Path, State};
    use axum::http::StatusCode;
    use handler_metrics::axum::metered;

    #[metered]
    pub(super) async fn with_state(State(n): State<u8>, Path(id): Path<u32>) -> String {
        format!("{n} {id}")
    }

    #[metered(name = "lint_axum_named", buckets = [0.1, 1], labels(team = "lint"), objective = super::LINT_OBJECTIVE)]
    pub(super) async fn named() -> Result<&'static str, StatusCode> {
        Ok("ok")
    }
}

#[tokio::test]
async fn lint_clean_axum_handlers_still_record() {
    use tower::ServiceExt;
    let app = ::axum::Router::new()
        .route(
            "/axum/{id}",
            ::axum::routing::get(axum_handlers::with_state),
        )
        .route("/axum", ::axum::routing::get(axum_handlers::named))
        .with_state(7_u8);
    for uri in ["/axum/1", "/axum"] {
        let request = ::axum::http::Request::get(uri)
            .body(::axum::body::Body::empty())
            .unwrap();
        let response = app.clone().oneshot(request).await.unwrap();
        assert!(response.status().is_success(), "{uri}");
    }
    assert_eq!(testing::handler("with_state").requests(), 1);
    assert_eq!(testing::handler("lint_axum_named").requests(), 1);
}

#[actix_web::test]
async fn lint_clean_handlers_still_record() {
    let app = test::init_service(
        App::new()
            .service(route_first)
            .service(metered_first)
            .route("/documented", web::post().to(documented)),
    )
    .await;
    for request in [
        test::TestRequest::get().uri("/lint/1"),
        test::TestRequest::get().uri("/lint"),
        test::TestRequest::post()
            .uri("/documented")
            .set_payload("x"),
    ] {
        assert!(test::call_service(&app, request.to_request())
            .await
            .status()
            .is_success());
    }
    assert_eq!(testing::handler("route_first").requests(), 1);
    assert_eq!(testing::handler("lint_named").requests(), 1);
    assert_eq!(testing::handler("documented").requests(), 1);
}
