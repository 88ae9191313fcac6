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
    let accepted = [
        ("create_widget", "POST", "/widgets", "/widgets", 201),
        (
            "tag_widget",
            "PUT",
            "/widgets/1?page=1",
            "/widgets/{id}",
            204,
        ),
        (
            "move_widget",
            "PATCH",
            "/widgets/1?page=1",
            "/widgets/{id}",
            204,
        ),
    ];
    for (handler, method, path, template, status) in accepted {
        let (sent, _) = request_with_headers(
            server.addr,
            method,
            &framework.path(path),
            "Content-Type: application/json\r\n",
            Some(r#"{"name":"a"}"#),
        )
        .expect("a response");
        assert_eq!(sent, status, "{handler}: status sent");
        let q = testing::handler(handler).endpoint(&framework.endpoint(template));
        assert_eq!(q.status(status).requests(), 1, "{handler}: counted once");
    }
}

both_frameworks!(every_rejection_is_counted_for_its_handler);
