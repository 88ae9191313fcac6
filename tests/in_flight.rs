//! The in-flight gauge is 1 while a handler runs and back to 0 when it returns.

use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use actix_web::{test, web, App, HttpResponse};
use futures_util::future::join3;
use handler_metrics::{metered, testing};

static RELEASE: AtomicBool = AtomicBool::new(false);

#[metered]
async fn waits_for_release() -> HttpResponse {
    while !RELEASE.load(Ordering::SeqCst) {
        actix_web::rt::time::sleep(Duration::from_millis(1)).await;
    }
    HttpResponse::Ok().finish()
}

#[actix_web::test]
async fn gauge_rises_while_serving_and_falls_after() {
    let app = test::init_service(App::new().route("/wait", web::get().to(waits_for_release))).await;
    let q = testing::handler("waits_for_release")
        .endpoint("/wait")
        .method("GET");
    assert_eq!(q.in_flight(), 0);

    let first = test::call_service(&app, test::TestRequest::get().uri("/wait").to_request());
    let second = test::call_service(&app, test::TestRequest::get().uri("/wait").to_request());
    let observe = async {
        let deadline = std::time::Instant::now() + Duration::from_secs(10);
        while q.in_flight() < 2 {
            assert!(
                std::time::Instant::now() < deadline,
                "both requests never in flight"
            );
            actix_web::rt::time::sleep(Duration::from_millis(1)).await;
        }
        let during = q.in_flight();
        RELEASE.store(true, Ordering::SeqCst);
        during
    };
    let (a, b, during) = join3(first, second, observe).await;
    assert_eq!(during, 2, "both requests in flight");
    assert_eq!((a.status().as_u16(), b.status().as_u16()), (200, 200));
    assert_eq!(q.in_flight(), 0);
    assert_eq!(q.requests(), 2);
}
