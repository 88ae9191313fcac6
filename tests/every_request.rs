//! The companion layer counts every request that reaches it exactly once, with the status the
//! client got: on both frameworks, real servers on 127.0.0.1, the application of
//! `support/layered.rs`. Each case says which series gains the request and checks that no other
//! series of the handler, and no unmetered series, gains it too: unknown paths, axum's 405,
//! actix's guard refusal, authentication before and after routing, a 429 and a 413, an
//! unannotated handler, a timeout's 408 (with the handler's labels, never `cancelled`), client
//! aborts (499, once), panics (with and without `CatchPanicLayer`), a status rewritten on the way
//! out, a streamed body's duration, exclusions, `/metrics` itself, and a metered handler that
//! scrapes. The cases run one at a
//! time (they read process-wide series).

#[macro_use]
mod support;
#[path = "support/layered.rs"]
mod layered;

use std::sync::{Mutex, MutexGuard};

use handler_metrics::testing::{self, Query};
use handler_metrics::{Outcome, UNMATCHED_ENDPOINT, UNMETERED_HANDLER};
use support::{get, request, request_with_body, request_with_headers, send, wait_until, Framework};

/// One case at a time: they compare series before and after.
fn serial() -> MutexGuard<'static, ()> {
    static SERIAL: Mutex<()> = Mutex::new(());
    SERIAL
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

fn unmetered() -> Query {
    testing::handler(UNMETERED_HANDLER)
}

/// How many requests each of `queries` gained while `act` ran.
fn gained<const N: usize>(queries: [&Query; N], act: impl FnOnce()) -> [u64; N] {
    let before = queries.map(Query::requests);
    act();
    let after = queries.map(Query::requests);
    std::array::from_fn(|i| after[i] - before[i])
}

fn an_unknown_path_is_counted_unmetered_and_unmatched(framework: Framework) {
    let _serial = serial();
    let server = framework.serve_layered();
    let q = unmetered()
        .endpoint(UNMATCHED_ENDPOINT)
        .method("GET")
        .status(404);
    let [this, all] = gained([&q, &unmetered()], || {
        assert_eq!(
            get(server.addr, &framework.path("/no/such/path")),
            Some(404)
        );
    });
    assert_eq!((this, all), (1, 1));
    assert_eq!(q.in_flight(), 0);
}

/// A known path asked with a method it does not serve: axum routes it to the path's method
/// router, which answers 405 under the template; actix-web's resource refuses it like a guard, and
/// its default service answers 404, `unmatched` (as in `an_actix_guard_that_refuses_…`).
fn a_known_path_with_another_method_is_counted(framework: Framework) {
    let _serial = serial();
    let server = framework.serve_layered();
    let (status, endpoint) = match framework {
        Framework::Actix => (404, UNMATCHED_ENDPOINT.to_owned()),
        Framework::Axum => (405, framework.endpoint("/served")),
    };
    let q = unmetered()
        .endpoint(&endpoint)
        .method("POST")
        .status(status);
    let handler = testing::handler("served");
    let [this, all, served] = gained([&q, &unmetered(), &handler], || {
        let answer = request(server.addr, "POST", &framework.path("/served"), None);
        assert_eq!(answer.map(|(status, _)| status), Some(status));
    });
    assert_eq!((this, all, served), (1, 1, 0));
}

fn a_metered_request_keeps_its_handler_and_is_not_also_unmetered(framework: Framework) {
    let _serial = serial();
    let server = framework.serve_layered();
    let q = testing::handler("served")
        .endpoint(&framework.endpoint("/served"))
        .method("GET")
        .status(200)
        .outcome(Outcome::Success);
    let [this, handler, all] = gained([&q, &testing::handler("served"), &unmetered()], || {
        assert_eq!(get(server.addr, &framework.path("/served")), Some(200));
    });
    assert_eq!((this, handler, all), (1, 1, 0));
    assert_eq!(q.duration_count(), q.requests());
}

fn authentication_on_the_route_is_counted_under_its_template(framework: Framework) {
    let _serial = serial();
    let server = framework.serve_layered();
    let refused = unmetered()
        .endpoint(&framework.endpoint("/private"))
        .status(401);
    let handler = testing::handler("private");
    let [this, served] = gained([&refused, &handler], || {
        assert_eq!(get(server.addr, &framework.path("/private")), Some(401));
    });
    assert_eq!((this, served), (1, 0), "refused before the handler");
    let [this, served] = gained([&refused, &handler.clone().status(200)], || {
        let answer = request_with_headers(
            server.addr,
            "GET",
            &framework.path("/private"),
            "Authorization: Bearer t\r\n",
            None,
        );
        assert_eq!(answer.map(|(status, _)| status), Some(200));
    });
    assert_eq!((this, served), (0, 1), "let through, the handler's");
}

fn a_gate_in_front_of_routing_is_counted(framework: Framework) {
    let _serial = serial();
    let server = framework.serve_layered();
    let admin = unmetered().endpoint(UNMATCHED_ENDPOINT).status(401);
    let [this] = gained([&admin], || {
        assert_eq!(get(server.addr, &framework.path("/admin/users")), Some(401));
    });
    assert_eq!(this, 1);
    let throttled = unmetered()
        .endpoint(&framework.gated_endpoint("/served"))
        .status(429);
    let [this, served] = gained([&throttled, &testing::handler("served")], || {
        let answer = request_with_headers(
            server.addr,
            "GET",
            &framework.path("/served"),
            "X-Throttle: 1\r\n",
            None,
        );
        assert_eq!(answer.map(|(status, _)| status), Some(429));
    });
    assert_eq!((this, served), (1, 0));
}

fn a_body_too_large_is_the_handlers_413(framework: Framework) {
    let _serial = serial();
    let server = framework.serve_layered();
    let q = testing::handler("upload").status(413);
    let [this, all] = gained([&q, &unmetered()], || {
        let answer = request_with_body(
            server.addr,
            "POST",
            &framework.path("/upload"),
            "Content-Type: application/octet-stream\r\n",
            &"x".repeat(64),
        );
        assert_eq!(answer.map(|(status, _)| status), Some(413));
    });
    assert_eq!((this, all), (1, 0));
}

fn an_unannotated_handler_is_counted_under_its_template(framework: Framework) {
    let _serial = serial();
    let server = framework.serve_layered();
    let q = unmetered()
        .endpoint(&framework.endpoint("/plain"))
        .method("GET")
        .status(200)
        .outcome(Outcome::Success);
    let [this] = gained([&q], || {
        assert_eq!(get(server.addr, &framework.path("/plain")), Some(200));
    });
    assert_eq!(this, 1);
}

fn a_timeout_is_the_handlers_408_never_cancelled(framework: Framework) {
    let _serial = serial();
    let server = framework.serve_layered();
    let handler = testing::handler("sleepy");
    let timed_out = handler.clone().status(408).outcome(Outcome::ClientError);
    let cancelled = handler.clone().outcome(Outcome::Cancelled);
    let [this, all_of_it, cancel, all] =
        gained([&timed_out, &handler, &cancelled, &unmetered()], || {
            assert_eq!(get(server.addr, &framework.path("/sleepy")), Some(408));
        });
    assert_eq!((this, all_of_it, cancel, all), (1, 1, 0, 0));
    assert_eq!(handler.in_flight(), 0);
    let waited = timed_out.duration_sum();
    assert!(
        waited >= layered::TIMEOUT.as_secs_f64() * 0.9 && waited < layered::SLEEP.as_secs_f64(),
        "the client waited the timeout, not the handler's sleep: {waited} s"
    );
}

fn a_client_that_leaves_is_cancelled_once(framework: Framework) {
    let _serial = serial();
    let server = framework.serve_layered();
    let handler = testing::handler("slow").endpoint(&framework.endpoint("/slow"));
    let cancelled = handler.clone().status(499).outcome(Outcome::Cancelled);
    let before = (
        handler.requests(),
        cancelled.requests(),
        unmetered().requests(),
    );
    let stream = send(
        server.addr,
        &format!(
            "GET {} HTTP/1.1\r\nHost: test\r\n\r\n",
            framework.path("/slow")
        ),
    )
    .expect("connect");
    wait_until("the request is in flight", || handler.in_flight() == 1);
    drop(stream);
    wait_until("the abort is counted", || {
        cancelled.requests() == before.1 + 1
    });
    // Anything counted twice would have landed by the time the server answers another request.
    assert_eq!(get(server.addr, &framework.path("/served")), Some(200));
    assert_eq!(handler.requests(), before.0 + 1, "once, as cancelled");
    assert_eq!(unmetered().requests(), before.2, "not also unmetered");
    assert_eq!(handler.in_flight(), 0);
}

fn a_panic_is_counted_once(framework: Framework) {
    let _serial = serial();
    support::quiet_expected_panics("divide by zero");
    let server = framework.serve_layered();
    let mut routes = vec![("/divide/{n}", None)];
    if framework == Framework::Axum {
        routes.push(("/caught/divide/{n}", Some(500)));
    }
    for (template, answer) in routes {
        let handler = testing::handler("divide").endpoint(&framework.endpoint(template));
        let panics = handler.clone().status(500).outcome(Outcome::Panic);
        let path = framework.path(&template.replace("{n}", "0"));
        let [this, all_of_it, all] = gained([&panics, &handler, &unmetered()], || {
            assert_eq!(get(server.addr, &path), answer, "{template}");
            wait_until("the panic is counted", || panics.requests() >= 1);
        });
        assert_eq!((this, all_of_it, all), (1, 1, 0), "{template}");
        assert_eq!(handler.in_flight(), 0);
    }
}

fn a_status_rewritten_on_the_way_out_is_the_one_counted(framework: Framework) {
    let _serial = serial();
    let server = framework.serve_layered();
    let handler = testing::handler("rewritten");
    let [rewritten, original] = gained(
        [&handler.clone().status(203), &handler.clone().status(200)],
        || {
            assert_eq!(get(server.addr, &framework.path("/rewritten")), Some(203));
        },
    );
    assert_eq!((rewritten, original), (1, 0));
}

fn a_streamed_body_is_timed_until_its_end(framework: Framework) {
    let _serial = serial();
    let server = framework.serve_layered();
    let handler = testing::handler("streamed").status(200);
    let before = handler.duration_sum();
    let [this] = gained([&handler], || {
        let answer = request(server.addr, "GET", &framework.path("/streamed"), None);
        assert_eq!(answer, Some((200, "streamed".to_owned())));
    });
    assert_eq!(this, 1);
    let took = handler.duration_sum() - before;
    assert!(
        took > 0.25,
        "the duration covers the body's 300 ms, not only the head: {took} s"
    );
}

fn excluded_paths_and_the_metrics_route_are_not_counted(framework: Framework) {
    let _serial = serial();
    let server = framework.serve_layered();
    let [all] = gained([&unmetered()], || {
        assert_eq!(
            get(server.addr, &framework.path(layered::EXCLUDED)),
            Some(200)
        );
        assert_eq!(get(server.addr, "/metrics"), Some(200));
    });
    assert_eq!(all, 0);
    assert_eq!(
        unmetered()
            .endpoint(&framework.endpoint(layered::EXCLUDED))
            .series(),
        0
    );
    assert_eq!(unmetered().endpoint("/metrics").series(), 0);
}

/// A `#[metered]` handler that answers a scrape itself is that handler's request, counted once,
/// not a scrape left uncounted (which would leave it in flight forever).
fn a_metered_handler_that_scrapes_is_counted_as_itself(framework: Framework) {
    let _serial = serial();
    let server = framework.serve_layered();
    let handler = testing::handler("own_scrape").endpoint(&framework.endpoint("/own_scrape"));
    let [this, all] = gained([&handler.clone().status(200), &unmetered()], || {
        assert_eq!(get(server.addr, &framework.path("/own_scrape")), Some(200));
    });
    assert_eq!((this, all), (1, 0));
    assert_eq!(handler.in_flight(), 0);
}

both_frameworks!(
    a_metered_handler_that_scrapes_is_counted_as_itself,
    an_unknown_path_is_counted_unmetered_and_unmatched,
    a_known_path_with_another_method_is_counted,
    a_metered_request_keeps_its_handler_and_is_not_also_unmetered,
    authentication_on_the_route_is_counted_under_its_template,
    a_gate_in_front_of_routing_is_counted,
    a_body_too_large_is_the_handlers_413,
    an_unannotated_handler_is_counted_under_its_template,
    a_timeout_is_the_handlers_408_never_cancelled,
    a_client_that_leaves_is_cancelled_once,
    a_panic_is_counted_once,
    a_status_rewritten_on_the_way_out_is_the_one_counted,
    a_streamed_body_is_timed_until_its_end,
    excluded_paths_and_the_metrics_route_are_not_counted,
);

#[test]
fn an_actix_guard_that_refuses_is_counted_unmatched() {
    let _serial = serial();
    let server = Framework::Actix.serve_layered();
    let q = unmetered().endpoint(UNMATCHED_ENDPOINT).status(404);
    let [refused] = gained([&q], || {
        assert_eq!(get(server.addr, "/actix/guarded"), Some(404));
    });
    assert_eq!(refused, 1);
    let allowed = unmetered().endpoint("/actix/guarded").status(200);
    let [this] = gained([&allowed], || {
        let answer = request_with_headers(
            server.addr,
            "GET",
            "/actix/guarded",
            "X-Allowed: yes\r\n",
            None,
        );
        assert_eq!(answer.map(|(status, _)| status), Some(200));
    });
    assert_eq!(this, 1);
}
