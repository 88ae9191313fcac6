//! Reading recorded values in tests, without parsing the exposition text: process-wide with
//! [`handler`], or only the requests one test's future made with a [`Scope`].

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};

use pin_project_lite::pin_project;

use crate::hot_path::native::NativeValues;
use crate::hot_path::scope::{self, ScopeData};
use crate::hot_path::series::{RouteSeries, StatusSeries};
use crate::registry::metrics::Metrics;
use crate::vocabulary::names::OTHER_METHOD;
use crate::vocabulary::naming::Scheme;
use crate::vocabulary::native;
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
        scope: None,
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
    /// Only what this scope recorded; every request without one.
    scope: Option<Arc<ScopeData>>,
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
        match &self.scope {
            Some(scope) => self.fold_statuses(|s| scope.status(s).0),
            None => self.fold_statuses(StatusSeries::count),
        }
    }

    /// The sum of the duration histograms' `_count` over the matching series.
    ///
    /// # Examples
    ///
    /// ```
    /// assert_eq!(handler_metrics_runtime::testing::handler("nobody").duration_count(), 0);
    /// ```
    pub fn duration_count(&self) -> u64 {
        match &self.scope {
            Some(scope) => self.fold_statuses(|s| scope.status(s).0),
            None => self.fold_statuses(|s| s.values().count),
        }
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
        match &self.scope {
            Some(scope) => self.for_each_status(|s| sum += scope.status(s).1 as f64 / 1e9),
            None => self.for_each_status(|s| sum += s.sum_seconds()),
        }
        sum
    }

    /// The native histogram of the matching series, merged (at the lowest schema among them),
    /// when [`Config::native_histograms`](crate::Config::native_histograms) is set: its counts
    /// and quantiles as Prometheus reads them from a protobuf scrape. `None` without native
    /// histograms. Process-wide: a [`Scope`] does not narrow it.
    ///
    /// # Examples
    ///
    /// ```
    /// assert!(handler_metrics_runtime::testing::handler("nobody").native().is_none());
    /// ```
    pub fn native(&self) -> Option<NativeHistogram> {
        Metrics::global().shared.store.native?;
        let mut series = Vec::new();
        self.for_each_status(|s| series.extend(s.native_values()));
        let parts: Vec<(i8, &[(i32, u64)])> = series
            .iter()
            .map(|v| (v.schema, v.buckets.as_slice()))
            .collect();
        let (schema, buckets) = native::merge(&parts);
        Some(NativeHistogram(NativeValues {
            schema,
            zero_threshold: series.first().map_or(0.0, |v| v.zero_threshold),
            zero_count: series.iter().map(|v| v.zero_count).sum(),
            buckets,
        }))
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
        let routes = Metrics::global().routes().filter(|r| self.matches_route(r));
        match &self.scope {
            Some(scope) => routes
                .map(|route| {
                    let finished: u64 = route.statuses().map(|s| scope.status(s).0).sum();
                    scope.entered(route).saturating_sub(finished) as i64
                })
                .sum(),
            None => routes.map(RouteSeries::in_flight).sum(),
        }
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
        match &self.scope {
            Some(scope) => self.for_each_status(|s| count += usize::from(scope.status(s).0 > 0)),
            None => self.for_each_status(|_| count += 1),
        }
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

/// A native histogram read by [`Query::native`]: the schema, the zero bucket and the populated
/// exponential buckets, as a protobuf scrape carries them.
///
/// # Examples
///
/// ```
/// use handler_metrics_runtime::{testing, Config, HandlerSite, Metrics, NativeHistograms};
///
/// Config::new().native_histograms(NativeHistograms::new()).install().unwrap();
/// static SITE: HandlerSite = HandlerSite::new("native_example", &[], &[]);
/// let recording = Metrics::global().begin(&SITE, Some("/"), "GET");
/// std::thread::sleep(std::time::Duration::from_millis(20));
/// recording.finish(200);
///
/// let native = testing::handler("native_example").native().unwrap();
/// assert_eq!(native.schema(), 3);
/// assert_eq!(native.count(), 1);
/// let median = native.quantile(0.5).unwrap();
/// assert!(median >= 0.02 / 1.1, "{median}");
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct NativeHistogram(NativeValues);

impl NativeHistogram {
    /// The schema, −4 to 8: bucket `k` holds `(2^((k-1)/2^schema), 2^(k/2^schema)]` seconds.
    pub fn schema(&self) -> i8 {
        self.0.schema
    }

    /// Durations at or below this many seconds count in the zero bucket.
    pub fn zero_threshold(&self) -> f64 {
        self.0.zero_threshold
    }

    /// Requests in the zero bucket.
    pub fn zero_count(&self) -> u64 {
        self.0.zero_count
    }

    /// The populated buckets, ascending: (key, requests).
    pub fn buckets(&self) -> &[(i32, u64)] {
        &self.0.buckets
    }

    /// Requests counted: the zero bucket's and every other's (`histogram_count`).
    pub fn count(&self) -> u64 {
        self.0.count()
    }

    /// The `q`-quantile in seconds, estimated as Prometheus 2.42's `histogram_quantile` does
    /// (linear within the bucket where the rank falls); `None` with no request, or `q` outside
    /// `0..=1`.
    pub fn quantile(&self, q: f64) -> Option<f64> {
        let values = &self.0;
        native::quantile(
            q,
            values.schema,
            values.zero_threshold,
            values.zero_count,
            &values.buckets,
        )
    }

    /// The bounds of bucket `key` in seconds: (exclusive lower, inclusive upper).
    pub fn bucket_bounds(&self, key: i32) -> (f64, f64) {
        (
            native::upper_bound(self.0.schema, key - 1),
            native::upper_bound(self.0.schema, key),
        )
    }
}

/// The requests one test made, apart from every other test's: everything recorded while the
/// futures given to [`run`](Scope::run) are polled, read with the same queries as
/// [`handler`]. `cargo test` runs a binary's tests in parallel threads, and the process-wide
/// series see all of them at once; a scope sees only its own, so two tests can call the same
/// handler and each count exactly its requests.
///
/// It sees the requests served on the thread that polls the future: an application called in
/// process (`actix_web::test::call_service` and `init_service`, `tower::ServiceExt::oneshot`), not
/// a server the test spawns, whose requests are served on its own threads (read those with
/// [`handler`]). The process-wide series and `/metrics` are unchanged, and with no scope active the
/// request path pays two relaxed loads of a process-wide count of the scopes being polled.
///
/// # Examples
///
/// ```
/// # #[cfg(feature = "actix")] {
/// use handler_metrics_runtime::{testing, HandlerSite, Metrics};
///
/// static SITE: HandlerSite = HandlerSite::new("scope_example", &[], &[]);
///
/// let scope = testing::Scope::new();
/// actix_web::rt::System::new().block_on(scope.run(async {
///     Metrics::global().begin(&SITE, Some("/items"), "GET").finish(200);
/// }));
/// Metrics::global().begin(&SITE, Some("/items"), "GET").finish(200); // outside the scope
///
/// assert_eq!(scope.handler("scope_example").status(200).requests(), 1);
/// assert_eq!(testing::handler("scope_example").status(200).requests(), 2);
/// # }
/// ```
#[derive(Debug, Clone, Default)]
pub struct Scope {
    data: Arc<ScopeData>,
}

impl Scope {
    /// A scope that has recorded nothing yet.
    ///
    /// # Examples
    ///
    /// ```
    /// let scope = handler_metrics_runtime::testing::Scope::new();
    /// assert_eq!(scope.handler("get_user").requests(), 0);
    /// ```
    pub fn new() -> Scope {
        Scope::default()
    }

    /// `future`, recording into this scope every request it makes while it is polled (besides
    /// the process-wide series). Await it in the test; call it again for more futures.
    ///
    /// # Examples
    ///
    /// ```
    /// # #[cfg(feature = "actix")] {
    /// use actix_web::{test, web, App};
    /// use handler_metrics_runtime::testing::Scope;
    ///
    /// # actix_web::rt::System::new().block_on(async {
    /// let app = test::init_service(App::new().route("/", web::get().to(|| async { "hi" }))).await;
    /// let scope = Scope::new();
    /// let response = scope
    ///     .run(test::call_service(&app, test::TestRequest::get().uri("/").to_request()))
    ///     .await;
    /// assert_eq!(response.status(), 200);
    /// # });
    /// # }
    /// ```
    pub fn run<F: Future>(&self, future: F) -> Scoped<F> {
        Scoped {
            future,
            data: Arc::clone(&self.data),
        }
    }

    /// Starts a query over what this scope recorded of the handler labelled `handler`: the same
    /// filters and readings as [`handler`].
    ///
    /// # Examples
    ///
    /// ```
    /// let scope = handler_metrics_runtime::testing::Scope::new();
    /// assert_eq!(scope.handler("get_user").status(200).requests(), 0);
    /// assert_eq!(scope.handler("get_user").in_flight(), 0);
    /// ```
    pub fn handler(&self, handler: &str) -> Query {
        Query {
            scope: Some(Arc::clone(&self.data)),
            ..self::handler(handler)
        }
    }
}

pin_project! {
    /// A future run in a [`Scope`], made by [`Scope::run`].
    #[must_use = "futures do nothing unless polled"]
    pub struct Scoped<F> {
        #[pin]
        future: F,
        data: Arc<ScopeData>,
    }
}

impl<F: Future> Future for Scoped<F> {
    type Output = F::Output;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<F::Output> {
        let this = self.project();
        let future = this.future;
        scope::within(this.data, || future.poll(cx))
    }
}

impl<F> std::fmt::Debug for Scoped<F> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Scoped").finish_non_exhaustive()
    }
}
