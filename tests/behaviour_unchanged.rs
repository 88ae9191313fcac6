//! The attribute changes nothing a client or a middleware sees: for the same handler body, the
//! metered and the plain handler give the same status line, headers and body over HTTP, on both
//! frameworks (a success with headers of its own, the API's error type, an extractor rejection);
//! and on actix-web the error a middleware reads from the response is still attached.

#[macro_use]
mod support;

use actix_web::{test, web, App};
use support::{raw_exchange, Framework};

/// The response as a client reads it: the status line, the headers sorted (actix's header map
/// does not keep an order) without `date` (the two are not sent in the same second,
/// necessarily), and the body.
fn response(framework: Framework, method: &str, path: &str, headers: &str, body: &str) -> String {
    let server = framework.serve();
    let raw = raw_exchange(server.addr, method, &framework.path(path), headers, body);
    let (head, body) = raw.split_once("\r\n\r\n").unwrap_or((&raw, ""));
    let mut lines = head.lines();
    let status = lines.next().unwrap_or_default();
    let mut headers: Vec<String> = lines
        .map(str::to_ascii_lowercase)
        .filter(|line| !line.starts_with("date:"))
        .collect();
    headers.sort();
    format!("{status}\n{}\n\n{body}", headers.join("\n"))
}

fn assert_same(
    framework: Framework,
    method: &str,
    name: &str,
    headers: &str,
    body: &str,
) -> String {
    let metered = response(
        framework,
        method,
        &format!("/twin/metered{name}"),
        headers,
        body,
    );
    let plain = response(
        framework,
        method,
        &format!("/twin/plain{name}"),
        headers,
        body,
    );
    assert_eq!(
        metered, plain,
        "{framework:?}: metered and plain responses differ"
    );
    metered
}

fn success_response_is_unchanged(framework: Framework) {
    let json = "Content-Type: application/json\r\n";
    let seen = assert_same(framework, "POST", "", json, r#"{"item":"tea"}"#);
    assert!(seen.starts_with("HTTP/1.1 201"), "{seen}");
    assert!(seen.contains("x-order: tea"), "{seen}");
}

fn error_response_is_unchanged(framework: Framework) {
    let seen = assert_same(framework, "GET", "_error", "", "");
    assert!(seen.starts_with("HTTP/1.1 418"), "{seen}");
    assert!(seen.contains("x-brew: earl-grey"), "{seen}");
    assert!(seen.ends_with("short and stout"), "{seen}");
}

fn extractor_rejection_is_unchanged(framework: Framework) {
    let json = "Content-Type: application/json\r\n";
    let seen = assert_same(framework, "POST", "", json, "{\"item\":");
    assert!(seen.starts_with("HTTP/1.1 400"), "{seen}");
}

both_frameworks!(
    success_response_is_unchanged,
    error_response_is_unchanged,
    extractor_rejection_is_unchanged,
);

/// actix-web keeps the error a response was made from on the response, for middleware such as
/// `ErrorHandlers` and loggers: the metered handler's response still carries it.
#[actix_web::test]
async fn actix_error_stays_attached_for_middleware() {
    let app = test::init_service(App::new().configure(|cfg| {
        cfg.service(web::scope("").service(support::apps::actix::twins()));
    }))
    .await;
    for (request, expected) in [
        (
            test::TestRequest::get().uri("/twin/metered_error"),
            "short and stout",
        ),
        (
            test::TestRequest::post()
                .uri("/twin/metered")
                .insert_header(("content-type", "application/json"))
                .set_payload("{\"item\":"),
            "Json deserialize error",
        ),
    ] {
        let response = test::call_service(&app, request.to_request()).await;
        let error = response.response().error().map(|e| e.to_string());
        assert!(
            error.as_deref().is_some_and(|e| e.contains(expected)),
            "{error:?} should contain {expected:?}"
        );
    }
}
