//! A handler that panics or whose future is dropped is still counted exactly once — `panic` with
//! status 500, `cancelled` with status 499 — the in-flight gauge comes back to 0, and the server
//! keeps serving; on both frameworks, on real servers on 127.0.0.1. At scale: 1 000 clients that
//! close their connection while a slow handler runs, and 200 panics per panicking route (on
//! axum with and without `CatchPanicLayer`); no lock is poisoned (new series can still be created
//! and scrapes still work). Also a future dropped directly, without a server; and futures that
//! wait before they answer (a handler on a timer, an extractor waiting for the body), counted as
//! answered and never as cancelled.

#[macro_use]
mod support;

use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::{Duration, Instant};

use handler_metrics::{testing, Outcome};
use support::{get, request, send, wait_until, Framework};

const ABORTS: u64 = 1_000;
const ABORT_BATCH: u64 = 50;
const PANICS: u64 = 200;

fn thousand_client_aborts_are_each_counted_once_as_cancelled(framework: Framework) {
    let server = framework.serve();
    let path = framework.path("/slow");
    let q = testing::handler("slow_report").endpoint(&framework.endpoint("/slow"));
    let started = Instant::now();
    for batch in 1..=ABORTS / ABORT_BATCH {
        let streams: Vec<TcpStream> = (0..ABORT_BATCH)
            .map(|_| {
                send(
                    server.addr,
                    &format!("GET {path} HTTP/1.1\r\nHost: test\r\n\r\n"),
                )
                .expect("connect")
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
        "{framework:?} aborts: {ABORTS} clients closed early in {:.1} s; counted cancelled {cancelled}, total {}, in flight {}",
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

fn panics_are_each_counted_once_and_nothing_is_poisoned(framework: Framework) {
    support::quiet_expected_panics("expected panic");
    let server = framework.serve();
    for &(template, answer) in framework.panic_routes() {
        let q = testing::handler("divide").endpoint(&framework.endpoint(template));
        let path = |n: &str| framework.path(&template.replace("{n}", n));
        for i in 0..PANICS {
            assert_eq!(get(server.addr, &path("0")), answer, "{template}: a panic");
            assert_eq!(
                get(server.addr, &path(&(i + 1).to_string())),
                Some(200),
                "{template}: others answered"
            );
        }
        let panics = q.clone().outcome(Outcome::Panic).status(500).requests();
        println!(
            "{framework:?} panics on {template} (client gets {answer:?}): {PANICS} panicking requests, counted panic {panics}, success {}, in flight {}",
            q.clone().outcome(Outcome::Success).requests(),
            q.in_flight()
        );
        assert_eq!(panics, PANICS, "{template}");
        assert_eq!(q.clone().outcome(Outcome::Success).requests(), PANICS);
        assert_eq!(
            q.requests(),
            2 * PANICS,
            "{template}: nothing else recorded"
        );
        assert_eq!(q.in_flight(), 0);

        // No lock poisoned: a series that does not exist yet can still be created after the
        // panics (an extractor rejection of the same handler), and scrapes keep working.
        let rejected = framework.path_rejection_status();
        assert_eq!(get(server.addr, &path("x")), Some(rejected));
        assert_eq!(q.clone().status(rejected).requests(), 1);
    }
    let (status, body) = request(server.addr, "GET", "/metrics", None).expect("scrape");
    assert_eq!(status, 200);
    let endpoint = framework.endpoint("/divide/{n}");
    let panic_line = body
        .lines()
        .find(|l| {
            l.starts_with("http_requests_total{")
                && l.contains(r#"outcome="panic""#)
                && l.contains(&format!(r#"endpoint="{endpoint}""#))
        })
        .expect("the panic series is exposed");
    assert!(panic_line.ends_with(&format!(" {PANICS}")), "{panic_line}");
}

/// A request whose future returns `Pending` before it answers is counted once, as answered, and
/// never as cancelled: when the handler waits on a timer, and when its extractor waits for a
/// body that arrives 50 ms after the headers.
fn requests_that_wait_are_counted_once_as_answered(framework: Framework) {
    const REQUESTS: u64 = 20;
    let server = framework.serve();
    let late = testing::handler("late").endpoint(&framework.endpoint("/late"));
    for _ in 0..REQUESTS {
        assert_eq!(get(server.addr, &framework.path("/late")), Some(202));
    }
    assert_answered_only(&late, 202, REQUESTS);

    let upload = testing::handler("upload").endpoint(&framework.endpoint("/upload"));
    let path = framework.path("/upload");
    for _ in 0..5 {
        let mut stream = send(
            server.addr,
            &format!(
                "POST {path} HTTP/1.1\r\nHost: test\r\nContent-Length: 5\r\nConnection: close\r\n\r\n"
            ),
        )
        .expect("connect");
        std::thread::sleep(Duration::from_millis(50));
        stream.write_all(b"hello").expect("send the body");
        let mut response = String::new();
        let _ = stream.read_to_string(&mut response);
        assert!(response.starts_with("HTTP/1.1 200"), "{response}");
    }
    assert_answered_only(&upload, 200, 5);
}

/// `q` counted `requests` requests, every one answered with `status`: no cancellation, nothing
/// else, none left in flight.
fn assert_answered_only(q: &testing::Query, status: u16, requests: u64) {
    assert_eq!(
        q.clone()
            .outcome(Outcome::Success)
            .status(status)
            .requests(),
        requests
    );
    assert_eq!(q.requests(), requests, "nothing else, no cancellation");
    assert_eq!(q.in_flight(), 0);
}

both_frameworks!(
    thousand_client_aborts_are_each_counted_once_as_cancelled,
    panics_are_each_counted_once_and_nothing_is_poisoned,
    requests_that_wait_are_counted_once_as_answered,
);

/// The handler's future dropped by the framework's own machinery, without a client going away:
/// actix's test service and axum's router called in process, each given 20 ms.
#[test]
fn dropped_future_is_counted_as_cancelled() {
    let timeout = Duration::from_millis(20);
    actix_web::rt::System::new().block_on(async {
        use actix_web::test;
        let app = test::init_service(support::apps::actix::app()).await;
        let request = test::TestRequest::get().uri("/actix/wait").to_request();
        let call = test::call_service(&app, request);
        let timed_out = actix_web::rt::time::timeout(timeout, call).await;
        assert!(timed_out.is_err(), "the handler is still sleeping");
    });
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a tokio runtime")
        .block_on(async {
            use tower::ServiceExt;
            let request = ::axum::http::Request::get("/axum/wait")
                .body(::axum::body::Body::empty())
                .expect("a request");
            let call = support::apps::axum::app().oneshot(request);
            let timed_out = tokio::time::timeout(timeout, call).await;
            assert!(timed_out.is_err(), "the handler is still sleeping");
        });
    for framework in [Framework::Actix, Framework::Axum] {
        let q = testing::handler("wait").endpoint(&framework.endpoint("/wait"));
        assert_eq!(
            q.clone().outcome(Outcome::Cancelled).status(499).requests(),
            1,
            "{framework:?}"
        );
        assert_eq!(q.in_flight(), 0, "{framework:?}");
    }
}
