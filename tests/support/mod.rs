//! Helpers shared by the integration tests, one concern a module; each test binary uses some of
//! them, hence `dead_code` allowed here.
//!
//! - [`apps`]: the test API, the same named handlers on actix-web and on axum, and
//!   [`both_frameworks!`] to run one case against each;
//! - [`server`]: real servers on 127.0.0.1; [`http`]: a raw HTTP/1.1 client;
//! - [`example`]: the example binaries as child processes; [`prometheus`]: a real Prometheus
//!   and promtool; [`exposition`]: an independent parser of the text format; [`python_parser`]:
//!   the Python Prometheus client's OpenMetrics and text parsers on a real scrape;
//! - [`chaos`]: a seeded random source and quiet expected panics.

#![allow(dead_code, unused_imports, unused_macros)]

use std::thread;
use std::time::{Duration, Instant};

#[macro_use]
pub(crate) mod server;
#[macro_use]
pub(crate) mod apps;
pub(crate) mod chaos;
pub(crate) mod example;
pub(crate) mod exposition;
pub(crate) mod http;
pub(crate) mod prometheus;
pub(crate) mod python_parser;

pub(crate) use apps::Framework;
pub(crate) use chaos::{quiet_expected_panics, Rng};
pub(crate) use example::{
    example_binary_named, free_port, rules_example, rules_example_with, ExampleServer,
};
pub(crate) use exposition::{parse_exposition, Sample};
pub(crate) use http::{
    get, raw_exchange, request, request_with_body, request_with_headers, send, Connection,
};
pub(crate) use server::Server;

/// The wall-clock time in seconds since the Unix epoch, as timestamps in an exposition are.
pub(crate) fn unix_now() -> f64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .expect("a clock after 1970")
        .as_secs_f64()
}

/// Polls `condition` every 5 ms until it holds, panicking with `what` after 30 s.
pub(crate) fn wait_until(what: &str, mut condition: impl FnMut() -> bool) {
    let deadline = Instant::now() + Duration::from_secs(30);
    while !condition() {
        assert!(Instant::now() < deadline, "timed out waiting until {what}");
        thread::sleep(Duration::from_millis(5));
    }
}
