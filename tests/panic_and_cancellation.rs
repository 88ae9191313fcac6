//! A handler that panics or whose future is dropped is still counted exactly once — `panic` with
//! status 500, `cancelled` with status 499 — the in-flight gauge comes back to 0, and the server
//! keeps serving. At scale, on a real server on 127.0.0.1: 1 000 clients that close their
//! connection while a slow handler runs, and 200 panics; no lock is poisoned (new series can still
//! be created and scrapes still work). Also a future dropped directly, without a server.

#[macro_use]
mod support;

use std::net::TcpStream;
use std::time::{Duration, Instant};

use actix_web::{test as actix_test, web, App, HttpResponse};
use handler_metrics::{metered, testing, Outcome};
use support::{get, request, send, wait_until, Server};

const ABORTS: u64 = 1_000;
const ABORT_BATCH: u64 = 50;
const PANICS: u64 = 200;

#[metered]
async fn slow_report() -> HttpResponse {
    actix_web::rt::time::sleep(Duration::from_secs(60)).await;
    HttpResponse::Ok().finish()
}

#[metered]
async fn divide(n: web::Path<i64>) -> HttpResponse {
    assert_ne!(*n, 0, "expected panic: division by zero");
    HttpResponse::Ok().body((1000 / *n).to_string())
}

fn server() -> Server {
    local_server!(
        || {
            App::new()
                .route("/slow", web::get().to(slow_report))
                .route("/divide/{n}", web::get().to(divide))
                .route("/ping", web::get().to(|| async { "pong" }))
                .service(handler_metrics::actix::metrics())
        };
        // Client disconnects drop the handler (see the README on cancellation).
        .workers(2).h1_allow_half_closed(false)
    )
}

#[test]
fn thousand_client_aborts_are_each_counted_once_as_cancelled() {
    let server = server();
    let q = testing::handler("slow_report").endpoint("/slow");
    let started = Instant::now();
    for batch in 1..=ABORTS / ABORT_BATCH {
        let streams: Vec<TcpStream> = (0..ABORT_BATCH)
            .map(|_| {
                send(server.addr, "GET /slow HTTP/1.1\r\nHost: test\r\n\r\n").expect("connect")
            })
            .collect();
        wait_until("the batch is in flight", || {
            q.in_flight() == ABORT_BATCH as i64
        });
        drop(streams);
        wait_until("the batch is recorded as cancelled", || {
            q.clone().outcome(Outcome::Cancelled).requests() == batch * ABORT_BATCH
        });
    }
    let cancelled = q.clone().outcome(Outcome::Cancelled).status(499).requests();
    println!(
        "aborts: {ABORTS} clients closed early in {:.1} s; counted cancelled {cancelled}, total {}, in flight {}",
        started.elapsed().as_secs_f64(),
        q.requests(),
        q.in_flight()
    );
    assert_eq!(cancelled, ABORTS);
    assert_eq!(
        q.requests(),
        ABORTS,
        "each abort counted once, nothing else"
    );
    assert_eq!(q.duration_count(), ABORTS);
    assert_eq!(q.in_flight(), 0);
    assert_eq!(get(server.addr, "/ping"), Some(200), "server still answers");
}

#[test]
fn panics_are_each_counted_once_and_nothing_is_poisoned() {
    support::quiet_expected_panics("expected panic");
    let server = server();
    let q = testing::handler("divide").endpoint("/divide/{n}");
    for i in 0..PANICS {
        assert_eq!(
            get(server.addr, "/divide/0"),
            None,
            "a panic closes the connection"
        );
        assert_eq!(
            get(server.addr, &format!("/divide/{}", i + 1)),
            Some(200),
            "others answered"
        );
    }
    let panics = q.clone().outcome(Outcome::Panic).status(500).requests();
    println!(
        "panics: {PANICS} panicking requests, counted panic {panics}, success {}, in flight {}",
        q.clone().outcome(Outcome::Success).requests(),
        q.in_flight()
    );
    assert_eq!(panics, PANICS);
    assert_eq!(q.clone().outcome(Outcome::Success).requests(), PANICS);
    assert_eq!(q.in_flight(), 0);

    // No lock poisoned: a series that does not exist yet can still be created after the panics
    // (an extractor rejection of the same handler), and scrapes keep working.
    assert_eq!(get(server.addr, "/divide/x"), Some(404));
    assert_eq!(q.clone().status(404).requests(), 1);
    let (status, body) = request(server.addr, "GET", "/metrics", None).expect("scrape");
    assert_eq!(status, 200);
    let panic_line = body
        .lines()
        .find(|l| l.starts_with("http_requests_total{") && l.contains(r#"outcome="panic""#))
        .expect("the panic series is exposed");
    assert!(panic_line.ends_with(&format!(" {PANICS}")), "{panic_line}");
}

#[metered]
async fn sleeps_in_test() -> HttpResponse {
    actix_web::rt::time::sleep(Duration::from_secs(30)).await;
    HttpResponse::Ok().finish()
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
