//! What both allocation tests share: the request count and the actix-web measurement.

#![allow(dead_code)]

use std::future::Future;
use std::task::{Context, Poll, Waker};

use actix_web::test as actix_test;

/// Requests measured per handler.
pub(crate) const REQUESTS: u64 = 100;

/// Allocations per request to `/items/7` on `app`, after three requests to warm up.
pub(crate) fn actix_per_request<S, B>(app: &S) -> u64
where
    S: actix_web::dev::Service<
        actix_http::Request,
        Response = actix_web::dev::ServiceResponse<B>,
        Error = actix_web::Error,
    >,
{
    let call = || {
        let request = actix_test::TestRequest::get().uri("/items/7").to_request();
        // Polled to completion here, so that a measurement covers the handler.
        let response = poll_to_completion(actix_test::call_service(app, request));
        assert_eq!(response.status(), 200);
    };
    for _ in 0..3 {
        call();
    }
    let mut total = 0;
    for _ in 0..REQUESTS {
        total += allocation_counter::measure(call).count_total;
    }
    total / REQUESTS
}

/// Polls `future` on this thread until it completes: the handlers here never wait on I/O.
pub(crate) fn poll_to_completion<F: Future>(future: F) -> F::Output {
    let mut future = std::pin::pin!(future);
    let mut context = Context::from_waker(Waker::noop());
    loop {
        if let Poll::Ready(output) = future.as_mut().poll(&mut context) {
            return output;
        }
    }
}
