//! The `outcome` label follows the status class of the response sent, on both frameworks.

#[macro_use]
mod support;

use handler_metrics::{testing, Outcome};
use support::{get, Framework};

fn outcome_is_the_status_class(framework: Framework) {
    let server = framework.serve();
    let cases = [
        (200, Outcome::Success),
        (204, Outcome::Success),
        (302, Outcome::Redirection),
        (308, Outcome::Redirection),
        (400, Outcome::ClientError),
        (451, Outcome::ClientError),
        (500, Outcome::ServerError),
        (503, Outcome::ServerError),
    ];
    for (status, _) in cases {
        let path = framework.path(&format!("/status/{status}"));
        assert_eq!(get(server.addr, &path), Some(status));
    }
    let q = testing::handler("answers_with").endpoint(&framework.endpoint("/status/{code}"));
    for (status, outcome) in cases {
        assert_eq!(
            q.clone().status(status).outcome(outcome).requests(),
            1,
            "status {status} is {outcome}"
        );
    }
    // Nothing else was counted for the handler, but the `103` that
    // `informational_status_is_informational`, in this file, may send it meanwhile.
    let informational = q
        .clone()
        .status(103)
        .outcome(Outcome::Informational)
        .requests();
    assert_eq!(q.clone().requests() - informational, cases.len() as u64);
    assert_eq!(q.clone().outcome(Outcome::Panic).requests(), 0);
    assert_eq!(q.outcome(Outcome::Cancelled).requests(), 0);
}

both_frameworks!(outcome_is_the_status_class);

/// A `1xx` a handler answers with is `informational`. In process (actix's test service, axum's
/// router as a tower service), since what an HTTP/1.1 server does with a final `1xx` is not
/// the handler's.
#[test]
fn informational_status_is_informational() {
    actix_web::rt::System::new().block_on(async {
        use actix_web::test;
        let app = test::init_service(support::apps::actix::app()).await;
        let request = test::TestRequest::get()
            .uri("/actix/status/103")
            .to_request();
        assert_eq!(
            test::call_service(&app, request).await.status().as_u16(),
            103
        );
    });
    tokio::runtime::Builder::new_current_thread()
        .build()
        .expect("a tokio runtime")
        .block_on(async {
            use tower::ServiceExt;
            let request = ::axum::http::Request::get("/axum/status/103")
                .body(::axum::body::Body::empty())
                .expect("a request");
            let response = support::apps::axum::app().oneshot(request).await;
            assert_eq!(response.expect("infallible").status().as_u16(), 103);
        });
    for framework in [Framework::Actix, Framework::Axum] {
        let q = testing::handler("answers_with").endpoint(&framework.endpoint("/status/{code}"));
        let informational = q.status(103).outcome(Outcome::Informational).requests();
        assert_eq!(informational, 1, "{framework:?}");
    }
}
