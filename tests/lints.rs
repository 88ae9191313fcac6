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
