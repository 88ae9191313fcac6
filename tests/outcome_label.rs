//! The `outcome` label follows the status class of the response sent.

use actix_web::http::StatusCode;
use actix_web::{test, web, App, HttpResponse};
use handler_metrics::{metered, testing, Outcome};

#[metered]
async fn answers_with(status: web::Path<u16>) -> HttpResponse {
    let status = StatusCode::from_u16(*status).expect("test sends valid statuses");
    HttpResponse::build(status).finish()
}

#[actix_web::test]
async fn outcome_is_the_status_class() {
    let app =
        test::init_service(App::new().route("/status/{code}", web::get().to(answers_with))).await;
    let cases = [
        (103, Outcome::Informational),
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
        let request = test::TestRequest::get()
            .uri(&format!("/status/{status}"))
            .to_request();
        assert_eq!(
            test::call_service(&app, request).await.status().as_u16(),
            status
        );
    }
    let q = testing::handler("answers_with");
    for (status, outcome) in cases {
        assert_eq!(
            q.clone().status(status).outcome(outcome).requests(),
            1,
            "status {status} is {outcome}"
        );
    }
    assert_eq!(q.requests(), cases.len() as u64);
    assert_eq!(q.clone().outcome(Outcome::Panic).requests(), 0);
    assert_eq!(q.outcome(Outcome::Cancelled).requests(), 0);
}
