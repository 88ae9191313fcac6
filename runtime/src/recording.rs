//! The hot path: what runs on every request a `#[metered]` handler serves.
//!
//! Per request: find the handler's series for the route template and method (a read lock and a
//! short scan of the routes this handler was reached by), bump the in-flight gauge, read the clock;
//! at the end, find the (status, outcome) series the same way, bump its counter, observe the
//! duration, and lower the gauge. No label hashing, no allocation here: series are created once,
//! in [`series`](crate::series), the first time each combination is seen.
//!
//! The end is recorded exactly once on every path: [`Recording::finish`] with the response's
//! status, or the guard's `Drop` when the handler panicked (status `500`, outcome `panic`) or its
//! future was dropped before finishing (status `499`, outcome `cancelled`).

use std::sync::PoisonError;
use std::time::Instant;

use crate::names::{method_label, UNMATCHED_ENDPOINT};
use crate::series::{RouteSeries, StatusSeries};
use crate::{HandlerSite, Metrics, Outcome};

/// A request being served: created when the handler is entered, finished with the status of the
/// response, and, if dropped unfinished, recorded as a panic or a cancellation.
///
/// # Examples
///
/// ```
/// use handler_metrics_runtime::HandlerSite;
///
/// static SITE: HandlerSite = HandlerSite::new("doc_example", &[], &[]);
///
/// let recording = SITE.enter(Some("/users/{id}"), "GET");
/// // ... serve the request ...
/// recording.finish(200);
/// ```
#[must_use = "a recording dropped without `finish` counts the request as cancelled"]
pub struct Recording {
    route: Option<&'static RouteSeries>,
    started: Instant,
}

impl HandlerSite {
    /// Starts recording a request routed through `endpoint` (the route template, `None` if no
    /// template matched) with `method`: raises the in-flight gauge and starts the clock.
    ///
    /// # Examples
    ///
    /// ```
    /// use handler_metrics_runtime::HandlerSite;
    ///
    /// static SITE: HandlerSite = HandlerSite::new("enter_example", &[], &[]);
    /// SITE.enter(None, "POST").finish(201);
    /// ```
    pub fn enter(&'static self, endpoint: Option<&str>, method: &str) -> Recording {
        let endpoint = endpoint.unwrap_or(UNMATCHED_ENDPOINT);
        let method = method_label(method);
        let route = self.route(endpoint, method);
        if let Some(route) = route {
            route.in_flight.inc();
        }
        Recording {
            route,
            started: Instant::now(),
        }
    }

    fn route(&'static self, endpoint: &str, method: &'static str) -> Option<&'static RouteSeries> {
        let found = self
            .routes
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .iter()
            .find(|r| r.method == method && &*r.endpoint == endpoint)
            .copied();
        found.or_else(|| RouteSeries::find_or_create(self, Metrics::global(), endpoint, method))
    }
}

impl Recording {
    /// Records the request as answered with `status`, its outcome following from the status
    /// class.
    ///
    /// # Examples
    ///
    /// ```
    /// use handler_metrics_runtime::HandlerSite;
    ///
    /// static SITE: HandlerSite = HandlerSite::new("finish_example", &[], &[]);
    /// SITE.enter(Some("/items"), "GET").finish(404);
    /// ```
    pub fn finish(mut self, status: u16) {
        self.record(status, Outcome::from_status(status));
    }

    fn record(&mut self, status: u16, outcome: Outcome) {
        let Some(route) = self.route.take() else {
            return;
        };
        if let Some(series) = status_series(route, status, outcome) {
            series.requests.inc();
            series
                .duration
                .observe(self.started.elapsed().as_secs_f64());
        }
        route.in_flight.dec();
    }
}

fn status_series(
    route: &'static RouteSeries,
    status: u16,
    outcome: Outcome,
) -> Option<&'static StatusSeries> {
    let found = route
        .statuses()
        .iter()
        .find(|s| s.status == status && s.outcome == outcome)
        .copied();
    found.or_else(|| route.find_or_create_status(status, outcome))
}

impl Drop for Recording {
    fn drop(&mut self) {
        if self.route.is_none() {
            return;
        }
        let outcome = if std::thread::panicking() {
            Outcome::Panic
        } else {
            Outcome::Cancelled
        };
        let status = outcome.status().unwrap_or(500);
        self.record(status, outcome);
    }
}
