//! A handler that panics or whose future is dropped is still counted exactly once — `panic` with
//! status 500, `cancelled` with status 499 — the in-flight gauge comes back to 0, and the server
//! keeps serving.

mod support;

use std::time::Duration;

use actix_web::{test as actix_test, web, App, HttpResponse, HttpServer};
use handler_metrics::{metered, testing, Outcome};
use support::{get, send, wait_until, Server};

#[metered]
async fn panics_on_zero(n: web::Path<u32>) -> HttpResponse {
    assert_ne!(*n, 0, "expected panic: the handler panics on zero");
    HttpResponse::Ok().body(format!("{}", 100 / *n))
}

#[metered]
async fn sleeps_long() -> HttpResponse {
    actix_web::rt::time::sleep(Duration::from_secs(30)).await;
    HttpResponse::Ok().finish()
}

#[metered]
async fn sleeps_in_test() -> HttpResponse {
    actix_web::rt::time::sleep(Duration::from_secs(30)).await;
    HttpResponse::Ok().finish()
}

fn server() -> Server {
    Server::spawn(|| {
        let server = HttpServer::new(|| {
            App::new()
                .route("/divide/{n}", web::get().to(panics_on_zero))
                .route("/slow", web::get().to(sleeps_long))
                .route("/ping", web::get().to(|| async { "pong" }))
        })
        .workers(1)
        .disable_signals()
        // actix lets a handler run on after the client half-closes unless told otherwise; with
        // this, a disconnect drops the handler's future, as a load balancer's abort would.
        .h1_allow_half_closed(false)
        .bind("127.0.0.1:0")?;
        let addr = server.addrs()[0];
        Ok((server.run(), addr))
    })
}

#[test]
fn panic_is_counted_once_and_the_server_keeps_serving() {
    support::quiet_expected_panics("expected panic");
    let server = server();
    assert_eq!(get(server.addr, "/divide/5"), Some(200));
    for _ in 0..3 {
        assert_eq!(
            get(server.addr, "/divide/0"),
            None,
            "a panic closes the connection"
        );
    }
    assert_eq!(
        get(server.addr, "/divide/4"),
        Some(200),
        "server still answers"
    );

    let q = testing::handler("panics_on_zero").endpoint("/divide/{n}");
    assert_eq!(q.clone().outcome(Outcome::Panic).status(500).requests(), 3);
    assert_eq!(q.clone().outcome(Outcome::Success).requests(), 2);
    assert_eq!(q.clone().outcome(Outcome::ServerError).requests(), 0);
    assert_eq!(
        q.clone().duration_count(),
        5,
        "histogram count equals counter"
    );
    assert_eq!(q.in_flight(), 0);
    let text = handler_metrics::Metrics::global()
        .encode_text()
        .expect("scrape after panics");
    assert!(text.contains(r#"outcome="panic""#));
}

#[test]
fn client_disconnect_is_counted_as_cancelled() {
    let server = server();
    let q = testing::handler("sleeps_long");
    for round in 1..=3 {
        let stream = send(server.addr, "GET /slow HTTP/1.1\r\nHost: test\r\n\r\n")
            .expect("connect to the test server");
        wait_until("the handler is in flight", || q.in_flight() == 1);
        drop(stream);
        wait_until("the dropped request is recorded", || {
            q.clone().outcome(Outcome::Cancelled).requests() == round
        });
        assert_eq!(q.in_flight(), 0);
    }
    let cancelled = q.clone().outcome(Outcome::Cancelled).status(499);
    assert_eq!(cancelled.requests(), 3);
    assert_eq!(q.requests(), 3, "nothing else recorded for these requests");
    assert_eq!(get(server.addr, "/ping"), Some(200), "server still answers");
}

#[actix_web::test]
async fn dropped_future_is_counted_as_cancelled() {
    let app =
        actix_test::init_service(App::new().route("/wait", web::get().to(sleeps_in_test))).await;
    let request = actix_test::TestRequest::get().uri("/wait").to_request();
    let call = actix_test::call_service(&app, request);
    let timed_out = actix_web::rt::time::timeout(Duration::from_millis(20), call).await;
    assert!(timed_out.is_err(), "the handler is still sleeping");
    let q = testing::handler("sleeps_in_test");
    assert_eq!(
        q.clone().outcome(Outcome::Cancelled).status(499).requests(),
        1
    );
    assert_eq!(q.in_flight(), 0);
}
