//! Requests a handler's extractors reject are counted for that handler, with the status the
//! framework sends and outcome `client_error`: one table of rejections (`REJECTIONS` in
//! `support/apps.rs`, with each framework's status), run against both frameworks.

#[macro_use]
mod support;

use handler_metrics::{testing, Outcome};
use support::apps::REJECTIONS;
use support::{request_with_body, request_with_headers, Framework};

fn every_rejection_is_counted_for_its_handler(framework: Framework) {
    let server = framework.serve();
    for rejection in REJECTIONS {
        let status = rejection.status(framework);
        let q = testing::handler(rejection.handler)
            .endpoint(&framework.endpoint(rejection.template))
            .method(rejection.method);
        let before = q.clone().status(status).requests();
        let headers = rejection
            .content_type
            .map(|t| format!("Content-Type: {t}\r\n"))
            .unwrap_or_default();
        let (sent, _) = request_with_body(
            server.addr,
            rejection.method,
            &framework.path(rejection.path),
            &headers,
            rejection.body,
        )
        .unwrap_or_else(|| panic!("{}: a response", rejection.what));
        assert_eq!(sent, status, "{}: status sent", rejection.what);
        assert_eq!(
            q.clone()
                .status(status)
                .outcome(Outcome::ClientError)
                .requests(),
            before + 1,
            "{}: counted once, as a client error",
            rejection.what
        );
        assert_eq!(q.in_flight(), 0, "{}", rejection.what);
    }
    // The handlers still serve what they accept, counted under their own status.
    let (created, _) = request_with_headers(
        server.addr,
        "POST",
        &framework.path("/widgets"),
        "Content-Type: application/json\r\n",
        Some(r#"{"name":"a"}"#),
    )
    .expect("a response");
    assert_eq!(created, 201);
    let q = testing::handler("create_widget").endpoint(&framework.endpoint("/widgets"));
    assert_eq!(q.clone().status(201).requests(), 1);
    let (tagged, _) = request_with_headers(
        server.addr,
        "PUT",
        &framework.path("/widgets/1?page=1"),
        "Content-Type: application/json\r\n",
        Some(r#"{"name":"a"}"#),
    )
    .expect("a response");
    assert_eq!(tagged, 204);
    let q = testing::handler("tag_widget").endpoint(&framework.endpoint("/widgets/{id}"));
    assert_eq!(q.clone().status(204).requests(), 1);
}

both_frameworks!(every_rejection_is_counted_for_its_handler);
