//! The series and their storage. Creating one is the cold path, run once per (handler, endpoint,
//! method) and once per (handler, endpoint, method, status, outcome); the hot path
//! ([`recording`](crate::hot_path::recording)) only finds them and adds to their sharded counts.

use std::sync::OnceLock;

use crate::hot_path::append_only::AppendOnly;
use crate::hot_path::clock;
use crate::hot_path::native::{NativeCounts, NativeLayout, NativeValues};
use crate::hot_path::shards::Sharded;
use crate::vocabulary::naming::{Naming, Scheme};
use crate::vocabulary::outcome::Outcome;

/// What a request's route series is found by, besides its handler.
pub(crate) struct RouteKey<'a> {
    /// The route template.
    pub(crate) endpoint: &'a str,
    /// The method label under the default naming (`OTHER` for non-standard methods).
    pub(crate) method: &'static str,
    pub(crate) scheme: Scheme,
}

/// The series of one handler reached through one route template with one method.
pub(crate) struct RouteSeries {
    /// The `handler` label.
    pub(crate) handler: &'static str,
    pub(crate) endpoint: Box<str>,
    /// The method as looked up: `OTHER` for non-standard methods whatever the naming.
    pub(crate) method: &'static str,
    /// `http` unless the naming labels the scheme.
    pub(crate) scheme: Scheme,
    /// The label names of the series.
    pub(crate) naming: Naming,
    /// Requests entered; in flight = entered − finished (finished = the histograms' counts).
    entered: Sharded,
    /// The (status, outcome) series seen so far.
    statuses: AppendOnly<StatusSeries>,
    /// Labels of the in-flight gauge, sorted by name.
    pub(crate) in_flight_labels: Vec<(String, String)>,
    /// The same, rendered for the exposition (the same text in both formats) at its first scrape.
    pub(crate) in_flight_label_text: OnceLock<String>,
    /// The histogram buckets every status series of this route shares.
    buckets: Buckets,
    /// Whether they are the handler's own (the custom-buckets family).
    custom_buckets: bool,
}

/// A histogram's buckets, once per route series rather than once per status series.
pub(crate) struct Buckets {
    /// Upper bounds in seconds, as exposed: the handler's own, or the configured ones.
    pub(crate) bounds: &'static [f64],
    /// The same in nanoseconds, as compared.
    nanos: Box<[u64]>,
    /// The same as written in `le`.
    pub(crate) texts: Box<[String]>,
    /// Native buckets' settings, when configured.
    pub(crate) native: Option<&'static NativeLayout>,
}

/// One (status, outcome) of a route series: a histogram whose count is also the request counter.
///
/// Kept small, since a service has many: what it shares with its route (buckets, labels) it
/// borrows from it, and its shards are allocated by the threads that record into it.
pub(crate) struct StatusSeries {
    pub(crate) status: u16,
    pub(crate) outcome: Outcome,
    /// Whether the histogram belongs to the custom-buckets family.
    pub(crate) custom_buckets: bool,
    /// The route's buckets.
    pub(crate) buckets: &'static Buckets,
    /// The route's labels (the in-flight gauge's), to which the status and outcome (or error
    /// type) are added.
    route_labels: &'static [(String, String)],
    naming: Naming,
    /// Slots `0..=bounds.len()`: observations per bucket (the last is `+Inf`), not cumulative;
    /// slot `bounds.len() + 1`: the sum of the observations in nanoseconds.
    histogram: Sharded,
    /// The labels rendered for the exposition (the same text in both formats) at its first
    /// scrape.
    pub(crate) label_text: OnceLock<String>,
    /// When the series was created (at zero, just before its first request was counted), in
    /// seconds since the Unix epoch: OpenMetrics' `_created`.
    pub(crate) created: f64,
    /// The trace of a recent request per bucket.
    #[cfg(feature = "opentelemetry")]
    pub(crate) exemplars: crate::hot_path::exemplar::Exemplars,
    /// Native buckets, when configured.
    native: Option<NativeCounts>,
}

/// A snapshot of a histogram, for exposition.
pub(crate) struct HistogramValues {
    /// Cumulative counts, one per bound.
    pub(crate) cumulative: Vec<u64>,
    pub(crate) count: u64,
    pub(crate) sum_seconds: f64,
}

impl RouteSeries {
    /// Whether this is the series of `endpoint`, `method` (a label from
    /// [`method_label`](crate::vocabulary::names::method_label)) and `scheme`.
    #[inline]
    pub(crate) fn matches(&self, endpoint: &str, method: &'static str, scheme: Scheme) -> bool {
        // Method labels are `method_label`'s literals, so the pointer decides in one comparison;
        // the text decides when the compiler made a second copy of a literal.
        (std::ptr::eq(self.method, method) || self.method == method)
            && self.scheme == scheme
            && *self.endpoint == *endpoint
    }

    /// The series of `handler` through `endpoint` with `method`, labelled `labels` (sorted: the
    /// in-flight gauge's), recording durations into `bounds`.
    pub(crate) fn new(
        handler: &'static str,
        key: RouteKey<'_>,
        naming: Naming,
        labels: Vec<(String, String)>,
        bounds: &'static [f64],
        custom_buckets: bool,
        native: Option<&'static NativeLayout>,
    ) -> RouteSeries {
        RouteSeries {
            handler,
            endpoint: key.endpoint.into(),
            method: key.method,
            scheme: key.scheme,
            naming,
            entered: Sharded::new(1),
            statuses: AppendOnly::new(),
            in_flight_labels: labels,
            in_flight_label_text: OnceLock::new(),
            buckets: Buckets {
                bounds,
                nanos: bounds.iter().map(|b| (b * 1e9).round() as u64).collect(),
                texts: bounds.iter().map(f64::to_string).collect(),
                native,
            },
            custom_buckets,
        }
    }

    #[inline]
    pub(crate) fn enter(&self) {
        self.entered.add(0, 1);
    }

    /// The (status, outcome) series of this route.
    #[inline]
    pub(crate) fn status_series(
        &'static self,
        status: u16,
        outcome: Outcome,
    ) -> &'static StatusSeries {
        self.statuses
            .iter()
            .find(|s| s.is(status, outcome))
            .unwrap_or_else(|| self.create_status_series(status, outcome))
    }

    /// Finds or creates the (status, outcome) series (another thread may have created it
    /// meanwhile). Out of line and given only the key, unlike a cold half of
    /// `AppendOnly::find_or_insert` given the closures: passing those cost the hot walk 10
    /// instructions a request (`scripts/bench-instructions.sh`).
    #[cold]
    fn create_status_series(&'static self, status: u16, outcome: Outcome) -> &'static StatusSeries {
        self.statuses.find_or_insert(
            |s| s.is(status, outcome),
            || StatusSeries {
                status,
                outcome,
                custom_buckets: self.custom_buckets,
                buckets: &self.buckets,
                route_labels: &self.in_flight_labels,
                naming: self.naming,
                histogram: Sharded::new(self.buckets.bounds.len() + 2),
                label_text: OnceLock::new(),
                created: clock::unix_seconds_now(),
                #[cfg(feature = "opentelemetry")]
                exemplars: crate::hot_path::exemplar::Exemplars::new(self.buckets.bounds.len() + 1),
                native: self.buckets.native.map(NativeCounts::new),
            },
        )
    }

    pub(crate) fn statuses(&self) -> impl Iterator<Item = &'static StatusSeries> + '_ {
        self.statuses.iter()
    }

    /// Requests being served now: entered minus finished. Finished is read first, so a request
    /// finishing meanwhile cannot make the difference negative.
    pub(crate) fn in_flight(&self) -> i64 {
        let finished: u64 = self.statuses().map(StatusSeries::count).sum();
        let entered = self.entered.sum(0);
        entered.saturating_sub(finished) as i64
    }
}

impl StatusSeries {
    /// Whether this is the series of `status` and `outcome`.
    #[inline]
    fn is(&self, status: u16, outcome: Outcome) -> bool {
        self.status == status && self.outcome == outcome
    }

    /// Records one request that took `nanos`; returns the bucket it landed in (the last is
    /// `+Inf`).
    #[inline]
    pub(crate) fn observe(&self, nanos: u64) -> usize {
        let bounds = &self.buckets.nanos;
        let bucket = bounds
            .iter()
            .position(|&bound| nanos <= bound)
            .unwrap_or(bounds.len());
        let sum_slot = bounds.len() + 1;
        self.histogram.add_pair((bucket, 1), (sum_slot, nanos));
        if let Some(native) = &self.native {
            native.observe(nanos);
        }
        bucket
    }

    /// The labels of the counter and histogram, sorted by name: the route's, the status, and
    /// `outcome` or (on errors only) `error_type`, as the naming has them.
    pub(crate) fn labels(&self) -> Vec<(String, String)> {
        let names = self.naming.labels();
        let mut labels = self.route_labels.to_vec();
        labels.push((names.status.to_owned(), self.status.to_string()));
        if let Some(outcome) = names.outcome {
            labels.push((outcome.to_owned(), self.outcome.as_str().to_owned()));
        }
        if let (Some(name), Some(value)) = (
            names.error_type,
            Naming::error_type(self.status, self.outcome),
        ) {
            labels.push((name.to_owned(), value));
        }
        labels.sort();
        labels
    }

    fn bounds(&self) -> usize {
        self.buckets.bounds.len()
    }

    /// Requests recorded: the counter's value and the histogram's count.
    pub(crate) fn count(&self) -> u64 {
        (0..=self.bounds())
            .map(|slot| self.histogram.sum(slot))
            .sum()
    }

    pub(crate) fn sum_seconds(&self) -> f64 {
        self.histogram.sum(self.bounds() + 1) as f64 / 1e9
    }

    /// The native buckets, if configured.
    pub(crate) fn native_values(&self) -> Option<NativeValues> {
        self.native.as_ref().map(NativeCounts::values)
    }

    /// The histogram as exposed. The sum is read last, so it covers at least the counted requests.
    pub(crate) fn values(&self) -> HistogramValues {
        let mut cumulative = Vec::with_capacity(self.bounds());
        let mut running = 0u64;
        for slot in 0..self.bounds() {
            running += self.histogram.sum(slot);
            cumulative.push(running);
        }
        let count = running + self.histogram.sum(self.bounds());
        HistogramValues {
            cumulative,
            count,
            sum_seconds: self.sum_seconds(),
        }
    }
}
