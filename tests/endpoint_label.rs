//! The `endpoint` label is the route template as registered — never the raw path — with every
//! nest or scope prefix and wildcard, and `unmatched` for a fallback; on both frameworks. Then
//! actix-web's own ways to register a handler, and a guard that refuses a request.

#[macro_use]
mod support;

use actix_web::{get, guard, test, web, App, HttpResponse};
use handler_metrics::{metered, testing, UNMATCHED_ENDPOINT};
use support::{get as http_get, Framework};

fn prefixes_params_and_wildcards_are_in_the_template_never_the_raw_path(framework: Framework) {
    let server = framework.serve();
    for path in ["/users/42", "/shop/pay", "/files/a/b/c.txt"] {
        assert_eq!(
            http_get(server.addr, &framework.path(path)),
            Some(200),
            "{path}"
        );
    }
    let users = testing::handler("get_user");
    assert_eq!(
        users
            .clone()
            .endpoint(&framework.endpoint("/users/{id}"))
            .requests(),
        1
    );
    assert_eq!(
        users.endpoint(&framework.endpoint("/users/42")).requests(),
        0,
        "raw path"
    );
    let nested = framework.endpoint("/shop/pay");
    assert_eq!(testing::handler("pay").endpoint(&nested).requests(), 1);
    let wildcard = framework.endpoint(framework.wildcard_template());
    assert_eq!(testing::handler("files").endpoint(&wildcard).requests(), 1);
}

fn a_fallback_is_labelled_unmatched_not_by_path(framework: Framework) {
    let server = framework.serve();
    let paths = [
        "/no/such/path/1".to_owned(),
        "/no/such/path/2".to_owned(),
        framework.path("/nope"),
    ];
    for path in &paths {
        assert_eq!(http_get(server.addr, path), Some(404), "{path}");
    }
    let q = testing::handler(framework.fallback_handler());
    let unmatched = q
        .clone()
        .endpoint(UNMATCHED_ENDPOINT)
        .status(404)
        .requests();
    assert_eq!(unmatched, paths.len() as u64);
    assert_eq!(q.series(), 1, "every unmatched path shares one series");
}

both_frameworks!(
    prefixes_params_and_wildcards_are_in_the_template_never_the_raw_path,
    a_fallback_is_labelled_unmatched_not_by_path,
);

#[get("/orders/{id}")]
#[metered]
async fn route_macro_above(_id: web::Path<u32>) -> HttpResponse {
    HttpResponse::Ok().finish()
}

#[metered]
#[get("/carts/{id}")]
async fn route_macro_below(_id: web::Path<u32>) -> HttpResponse {
    HttpResponse::Ok().finish()
}

#[metered]
async fn via_app_route() -> HttpResponse {
    HttpResponse::Ok().finish()
}

#[metered]
async fn via_resource(_id: web::Path<String>) -> HttpResponse {
    HttpResponse::Ok().finish()
}

#[get("/widgets/{id}")]
#[metered]
async fn in_scope(_id: web::Path<u32>) -> HttpResponse {
    HttpResponse::Ok().finish()
}

#[metered]
async fn in_nested_scope(_ids: web::Path<(String, u32)>) -> HttpResponse {
    HttpResponse::Ok().finish()
}

#[metered]
async fn at_two_routes() -> HttpResponse {
    HttpResponse::Ok().finish()
}

#[metered]
async fn guarded() -> HttpResponse {
    HttpResponse::Ok().finish()
}

#[metered]
async fn default_service() -> HttpResponse {
    HttpResponse::NotFound().finish()
}

async fn status_of(uri: &str) -> u16 {
    let app = test::init_service(
        App::new()
            .service(route_macro_above)
            .service(route_macro_below)
            .route("/plain", web::get().to(via_app_route))
            .service(web::resource("/things/{id}").route(web::get().to(via_resource)))
            .service(web::scope("/api/v1").service(in_scope))
            .service(web::scope("/tenants/{tenant}").service(
                web::scope("/projects").route("/{project}", web::get().to(in_nested_scope)),
            ))
            .route("/first", web::get().to(at_two_routes))
            .route("/second/{x}", web::get().to(at_two_routes))
            .service(
                web::resource("/guarded")
                    .guard(guard::Header("x-tenant", "acme"))
                    .route(web::get().to(guarded)),
            )
            .default_service(web::to(default_service)),
    )
    .await;
    let request = test::TestRequest::get().uri(uri).to_request();
    test::call_service(&app, request).await.status().as_u16()
}

#[actix_web::test]
async fn route_macro_above_metered_gives_the_template() {
    assert_eq!(status_of("/orders/42").await, 200);
    let q = testing::handler("route_macro_above");
    assert_eq!(q.clone().endpoint("/orders/{id}").requests(), 1);
    assert_eq!(
        q.endpoint("/orders/42").requests(),
        0,
        "raw path must not be a label"
    );
}

#[actix_web::test]
async fn route_macro_below_metered_gives_the_template() {
    assert_eq!(status_of("/carts/7").await, 200);
    assert_eq!(
        testing::handler("route_macro_below")
            .endpoint("/carts/{id}")
            .requests(),
        1
    );
}

#[actix_web::test]
async fn app_route_gives_the_template() {
    assert_eq!(status_of("/plain").await, 200);
    assert_eq!(
        testing::handler("via_app_route")
            .endpoint("/plain")
            .requests(),
        1
    );
}

#[actix_web::test]
async fn resource_route_gives_the_template() {
    assert_eq!(status_of("/things/abc").await, 200);
    assert_eq!(
        testing::handler("via_resource")
            .endpoint("/things/{id}")
            .requests(),
        1
    );
}

#[actix_web::test]
async fn scope_prefix_is_part_of_the_template() {
    assert_eq!(status_of("/api/v1/widgets/3").await, 200);
    assert_eq!(
        testing::handler("in_scope")
            .endpoint("/api/v1/widgets/{id}")
            .requests(),
        1
    );
}

#[actix_web::test]
async fn nested_scopes_give_the_full_template() {
    assert_eq!(status_of("/tenants/acme/projects/9").await, 200);
    let q = testing::handler("in_nested_scope").endpoint("/tenants/{tenant}/projects/{project}");
    assert_eq!(q.requests(), 1);
}

#[actix_web::test]
async fn one_handler_at_two_routes_gets_one_series_per_template() {
    assert_eq!(status_of("/first").await, 200);
    assert_eq!(status_of("/second/1").await, 200);
    assert_eq!(status_of("/second/2").await, 200);
    let q = testing::handler("at_two_routes");
    assert_eq!(q.clone().endpoint("/first").requests(), 1);
    assert_eq!(q.clone().endpoint("/second/{x}").requests(), 2);
    assert_eq!(q.series(), 2);
}

/// Regression: a request whose path matches a guarded resource but fails its guard is served by
/// the default service, and was labelled with the guarded resource's template.
#[actix_web::test]
async fn a_guard_that_refuses_sends_the_request_to_the_default_service_as_unmatched() {
    assert_eq!(status_of("/guarded").await, 404);
    let q = testing::handler("default_service");
    assert_eq!(q.clone().endpoint(UNMATCHED_ENDPOINT).requests(), 1);
    assert_eq!(q.endpoint("/guarded").requests(), 0);
    let app = test::init_service(
        App::new().service(
            web::resource("/guarded")
                .guard(guard::Header("x-tenant", "acme"))
                .route(web::get().to(guarded)),
        ),
    )
    .await;
    let allowed = test::TestRequest::get()
        .uri("/guarded")
        .insert_header(("x-tenant", "acme"))
        .to_request();
    assert_eq!(test::call_service(&app, allowed).await.status(), 200);
    assert_eq!(
        testing::handler("guarded").endpoint("/guarded").requests(),
        1
    );
}
