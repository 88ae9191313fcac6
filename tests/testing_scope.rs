//! `testing::Scope` sees one test's requests only: two tests calling the same handler at the same
//! time, on threads of their own as `cargo test` runs them, each count exactly their own, while
//! the process-wide series count both. Many rounds, both frameworks, with each framework's own
//! in-process client (`actix_web::test::call_service`, `tower::ServiceExt::oneshot`), and behind
//! the companion layer (whose unmetered requests a scope sees too).

use std::sync::{Arc, Barrier};
use std::thread;

use handler_metrics::testing::{self, Scope};
use handler_metrics::UNMETERED_HANDLER;

const ROUNDS: usize = 200;

/// Two "tests" at once on threads of their own, each making `own` requests per round (the first
/// 2, the second 3), each checking its scope saw exactly its own; returns the total they made.
fn two_tests_at_once(test: fn(u64, &Barrier) -> u64) -> u64 {
    let barrier = Arc::new(Barrier::new(2));
    let tests: Vec<_> = [2, 3]
        .into_iter()
        .map(|own| {
            let barrier = Arc::clone(&barrier);
            thread::spawn(move || test(own, &barrier))
        })
        .collect();
    tests
        .into_iter()
        .map(|t| t.join().expect("the test passed"))
        .sum()
}

mod axum_app {
    use axum::body::Body;
    use axum::http::Request;
    use axum::routing::get;
    use axum::Router;
    use tower::ServiceExt as _;

    use super::*;

    #[handler_metrics::axum::metered]
    async fn shared_axum() -> &'static str {
        "shared"
    }

    fn app() -> Router {
        Router::new()
            .route("/shared", get(shared_axum))
            .layer(handler_metrics::axum::layer())
    }

    /// One test: `own` requests to the shared handler and `own` to no route, per round, in a
    /// scope of the round's own.
    fn test(own: u64, barrier: &Barrier) -> u64 {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .build()
            .expect("a runtime");
        let app = app();
        for _ in 0..ROUNDS {
            let scope = Scope::new();
            barrier.wait();
            runtime.block_on(scope.run(async {
                for _ in 0..own {
                    for path in ["/shared", "/nowhere"] {
                        let request = Request::get(path).body(Body::empty()).expect("a request");
                        app.clone().oneshot(request).await.expect("a response");
                    }
                }
            }));
            let shared = scope.handler("shared_axum").endpoint("/shared");
            assert_eq!(shared.clone().status(200).requests(), own, "its own only");
            assert_eq!(shared.duration_count(), own);
            assert!(shared.duration_sum() > 0.0);
            assert_eq!(shared.in_flight(), 0);
            assert_eq!(shared.series(), 1);
            let unmatched = scope.handler(UNMETERED_HANDLER).status(404);
            assert_eq!(unmatched.requests(), own, "its own unmetered requests only");
        }
        own * ROUNDS as u64
    }

    #[test]
    fn two_tests_on_one_handler_at_once_each_see_their_own() {
        let before = testing::handler("shared_axum").requests();
        let made = two_tests_at_once(test);
        assert_eq!(made, 5 * ROUNDS as u64);
        assert_eq!(
            testing::handler("shared_axum").requests() - before,
            made,
            "the process-wide series count both"
        );
        assert_eq!(
            Scope::new().handler("shared_axum").requests(),
            0,
            "a scope that ran nothing saw nothing"
        );
    }
}

mod actix_app {
    use actix_web::{test as actix_test, web, App};

    use super::*;

    #[handler_metrics::metered]
    async fn shared_actix() -> &'static str {
        "shared"
    }

    fn test(own: u64, barrier: &Barrier) -> u64 {
        actix_web::rt::System::new().block_on(async {
            let app = actix_test::init_service(
                App::new()
                    .route("/shared", web::get().to(shared_actix))
                    .wrap(handler_metrics::actix::middleware()),
            )
            .await;
            for _ in 0..ROUNDS {
                let scope = Scope::new();
                barrier.wait();
                scope
                    .run(async {
                        for _ in 0..own {
                            for path in ["/shared", "/nowhere"] {
                                let request = actix_test::TestRequest::get().uri(path).to_request();
                                actix_test::call_service(&app, request).await;
                            }
                        }
                    })
                    .await;
                let shared = scope.handler("shared_actix").endpoint("/shared");
                assert_eq!(shared.clone().status(200).requests(), own, "its own only");
                assert_eq!(shared.in_flight(), 0);
                let unmatched = scope.handler(UNMETERED_HANDLER).status(404);
                assert_eq!(unmatched.requests(), own, "its own unmetered requests only");
            }
        });
        own * ROUNDS as u64
    }

    #[test]
    fn two_tests_on_one_handler_at_once_each_see_their_own() {
        let before = testing::handler("shared_actix").requests();
        let made = two_tests_at_once(test);
        assert_eq!(
            testing::handler("shared_actix").requests() - before,
            made,
            "the process-wide series count both"
        );
    }
}
