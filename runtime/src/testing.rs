//! Reading recorded values in tests, without parsing the exposition text.

use crate::hot_path::series::{RouteSeries, StatusSeries};
use crate::registry::metrics::Metrics;
use crate::vocabulary::names::OTHER_METHOD;
use crate::vocabulary::naming::Scheme;
use crate::vocabulary::outcome::Outcome;

/// Starts a query over the series of the handler labelled `handler`.
///
/// Narrow it with [`endpoint`](Query::endpoint), [`method`](Query::method),
/// [`status`](Query::status) and [`outcome`](Query::outcome); read with
/// [`requests`](Query::requests), [`duration_count`](Query::duration_count),
/// [`duration_sum`](Query::duration_sum) or [`in_flight`](Query::in_flight). Values are summed
/// over the series that match, so a query with no filter gives the handler's total.
///
/// # Examples
///
/// ```
/// use handler_metrics_runtime::{testing, HandlerSite, Metrics, Outcome};
///
/// static SITE: HandlerSite = HandlerSite::new("testing_example", &[], &[]);
/// Metrics::global().begin(&SITE, Some("/users/{id}"), "GET").finish(404);
///
/// let query = testing::handler("testing_example").endpoint("/users/{id}").status(404);
/// assert_eq!(query.requests(), 1);
/// assert_eq!(query.clone().outcome(Outcome::ClientError).duration_count(), 1);
/// assert_eq!(testing::handler("testing_example").in_flight(), 0);
/// ```
pub fn handler(handler: &str) -> Query {
    Query {
        handler: handler.to_owned(),
        endpoint: None,
        method: None,
        scheme: None,
        status: None,
        outcome: None,
    }
}

/// A filter over the series of one handler, made by [`handler`].
///
/// # Examples
///
/// ```
/// use handler_metrics_runtime::testing::{handler, Query};
///
/// let query: Query = handler("get_user").method("GET");
/// assert_eq!(query.requests(), 0);
/// ```
#[derive(Debug, Clone)]
pub struct Query {
    handler: String,
    endpoint: Option<String>,
    method: Option<String>,
    scheme: Option<Scheme>,
    status: Option<u16>,
    outcome: Option<Outcome>,
}

impl Query {
    /// Only series of this route template, e.g. `"/users/{id}"`: the `endpoint` label, or
    /// `http_route` under [`Naming::OpenTelemetry`](crate::Naming::OpenTelemetry).
    ///
    /// # Examples
    ///
    /// ```
    /// let q = handler_metrics_runtime::testing::handler("h").endpoint("/users/{id}");
    /// assert_eq!(q.requests(), 0);
    /// ```
    pub fn endpoint(mut self, endpoint: &str) -> Self {
        self.endpoint = Some(endpoint.to_owned());
        self
    }

    /// Only series of this method label, e.g. `"GET"`, as the installed naming writes it:
    /// `OTHER` or, under [`Naming::OpenTelemetry`](crate::Naming::OpenTelemetry), `_OTHER` for
    /// non-standard methods.
    ///
    /// # Examples
    ///
    /// ```
    /// let q = handler_metrics_runtime::testing::handler("h").method("GET");
    /// assert_eq!(q.requests(), 0);
    /// ```
    pub fn method(mut self, method: &str) -> Self {
        self.method = Some(method.to_owned());
        self
    }

    /// Only series of requests that came in with this scheme (`url_scheme` under
    /// [`Naming::OpenTelemetry`](crate::Naming::OpenTelemetry); the default naming counts every
    /// request as `http`).
    ///
    /// # Examples
    ///
    /// ```
    /// use handler_metrics_runtime::{testing, Scheme};
    /// assert_eq!(testing::handler("h").scheme(Scheme::Https).requests(), 0);
    /// ```
    pub fn scheme(mut self, scheme: Scheme) -> Self {
        self.scheme = Some(scheme);
        self
    }

    /// Only series of this status code. Ignored by [`in_flight`](Query::in_flight).
    ///
    /// # Examples
    ///
    /// ```
    /// let q = handler_metrics_runtime::testing::handler("h").status(200);
    /// assert_eq!(q.requests(), 0);
    /// ```
    pub fn status(mut self, status: u16) -> Self {
        self.status = Some(status);
        self
    }

    /// Only series of this outcome. Ignored by [`in_flight`](Query::in_flight).
    ///
    /// # Examples
    ///
    /// ```
    /// use handler_metrics_runtime::{testing, Outcome};
    /// assert_eq!(testing::handler("h").outcome(Outcome::Panic).requests(), 0);
    /// ```
    pub fn outcome(mut self, outcome: Outcome) -> Self {
        self.outcome = Some(outcome);
        self
    }

    /// The requests counted by the matching series: the sum of `http_requests_total`, or of
    /// the duration histogram's `_count` under
    /// [`Naming::OpenTelemetry`](crate::Naming::OpenTelemetry).
    ///
    /// # Examples
    ///
    /// ```
    /// assert_eq!(handler_metrics_runtime::testing::handler("nobody").requests(), 0);
    /// ```
    pub fn requests(&self) -> u64 {
        self.fold_statuses(StatusSeries::count)
    }

    /// The sum of the duration histograms' `_count` over the matching series.
    ///
    /// # Examples
    ///
    /// ```
    /// assert_eq!(handler_metrics_runtime::testing::handler("nobody").duration_count(), 0);
    /// ```
    pub fn duration_count(&self) -> u64 {
        self.fold_statuses(|s| s.values().count)
    }

    /// The sum of the duration histograms' `_sum` (seconds) over the matching series.
    ///
    /// # Examples
    ///
    /// ```
    /// assert_eq!(handler_metrics_runtime::testing::handler("nobody").duration_sum(), 0.0);
    /// ```
    pub fn duration_sum(&self) -> f64 {
        let mut sum = 0.0;
        self.for_each_status(|s| sum += s.sum_seconds());
        sum
    }

    /// The sum of the in-flight gauge (`http_requests_in_flight`, or
    /// `http_server_active_requests`) over the matching endpoints and methods.
    ///
    /// # Examples
    ///
    /// ```
    /// assert_eq!(handler_metrics_runtime::testing::handler("nobody").in_flight(), 0);
    /// ```
    pub fn in_flight(&self) -> i64 {
        Metrics::global()
            .routes()
            .filter(|r| self.matches_route(r))
            .map(RouteSeries::in_flight)
            .sum()
    }

    /// The number of distinct (endpoint, method, status, outcome) series of this handler that
    /// match, i.e. the series it adds to the request count.
    ///
    /// # Examples
    ///
    /// ```
    /// assert_eq!(handler_metrics_runtime::testing::handler("nobody").series(), 0);
    /// ```
    pub fn series(&self) -> usize {
        let mut count = 0;
        self.for_each_status(|_| count += 1);
        count
    }

    fn matches_route(&self, route: &RouteSeries) -> bool {
        route.handler == self.handler
            && self
                .endpoint
                .as_deref()
                .is_none_or(|e| e == &*route.endpoint)
            && self.method.as_deref().is_none_or(|m| {
                m == route.method
                    || (route.method == OTHER_METHOD && m == route.naming.other_method())
            })
            && self.scheme.is_none_or(|s| s == route.scheme)
    }

    fn for_each_status(&self, mut f: impl FnMut(&StatusSeries)) {
        for route in Metrics::global().routes() {
            if !self.matches_route(route) {
                continue;
            }
            for series in route.statuses() {
                if self.status.is_none_or(|s| s == series.status)
                    && self.outcome.is_none_or(|o| o == series.outcome)
                {
                    f(series);
                }
            }
        }
    }

    fn fold_statuses(&self, value: impl Fn(&StatusSeries) -> u64) -> u64 {
        let mut total = 0;
        self.for_each_status(|s| total += value(s));
        total
    }
}
