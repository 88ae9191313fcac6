//! The `method` label is the request's upper-case standard method; anything else is `OTHER`, so
//! clients cannot mint series by inventing methods.

use actix_web::http::Method;
use actix_web::{test, web, App, HttpResponse};
use handler_metrics::{metered, testing, OTHER_METHOD};

#[metered]
async fn any_method() -> HttpResponse {
    HttpResponse::Ok().finish()
}

#[actix_web::test]
async fn method_label_is_the_standard_method_or_other() {
    let app = test::init_service(App::new().route("/any", web::route().to(any_method))).await;
    let methods = [
        Method::GET,
        Method::POST,
        Method::PUT,
        Method::DELETE,
        Method::PATCH,
        Method::OPTIONS,
        Method::from_bytes(b"FOO").unwrap(),
        Method::from_bytes(b"get").unwrap(),
        Method::from_bytes("X".repeat(200).as_bytes()).unwrap(),
    ];
    for method in &methods {
        let request = test::TestRequest::default()
            .method(method.clone())
            .uri("/any")
            .to_request();
        assert_eq!(test::call_service(&app, request).await.status(), 200);
    }
    let q = testing::handler("any_method").endpoint("/any");
    for standard in ["GET", "POST", "PUT", "DELETE", "PATCH", "OPTIONS"] {
        assert_eq!(q.clone().method(standard).requests(), 1, "{standard}");
    }
    assert_eq!(q.clone().method(OTHER_METHOD).requests(), 3);
    assert_eq!(q.clone().method("get").requests(), 0);
    assert_eq!(q.clone().method("FOO").requests(), 0);
    assert_eq!(q.series(), 7, "six standard methods and OTHER");
}
