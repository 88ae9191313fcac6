//! The `status` label is the exact status of the response actually sent, for every kind of
//! return value the framework turns into a response (actix's `Responder`s, axum's
//! `IntoResponse`s): one case, run against both frameworks over real HTTP.

#[macro_use]
mod support;

use handler_metrics::testing;
use support::{get, Framework};

fn every_return_type_is_recorded_with_the_status_sent(framework: Framework) {
    let server = framework.serve();
    for &(handler, status) in framework.returns() {
        let template = format!("/returns/{handler}");
        let sent = get(server.addr, &framework.path(&template));
        assert_eq!(sent, Some(status), "{handler}: status actually sent");
        let q = testing::handler(handler).endpoint(&framework.endpoint(&template));
        assert_eq!(q.clone().status(status).requests(), 1, "{handler}");
        assert_eq!(q.requests(), 1, "{handler}: no other status recorded");
    }
}

both_frameworks!(every_return_type_is_recorded_with_the_status_sent);
