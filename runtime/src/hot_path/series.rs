//! The series and their storage. Creating one is the cold path, run once per (handler, endpoint,
//! method) and once per (handler, endpoint, method, status, outcome); the hot path
//! ([`recording`](crate::hot_path::recording)) only finds them and adds to their sharded counts.

use std::sync::OnceLock;

use crate::hot_path::append_only::AppendOnly;
use crate::hot_path::shards::Sharded;
use crate::vocabulary::outcome::Outcome;

/// The series of one handler reached through one route template with one method.
pub(crate) struct RouteSeries {
    /// The `handler` label.
    pub(crate) handler: &'static str,
    pub(crate) endpoint: Box<str>,
    pub(crate) method: &'static str,
    /// Requests entered; in flight = entered − finished (finished = the histograms' counts).
    entered: Sharded,
    /// The (status, outcome) series seen so far.
    statuses: AppendOnly<StatusSeries>,
    /// Labels of the in-flight gauge, sorted by name.
    pub(crate) in_flight_labels: Vec<(String, String)>,
    /// The same, rendered for the text format by the exposition at its first scrape.
    pub(crate) in_flight_label_text: OnceLock<String>,
    /// The histogram's upper bounds in seconds: the handler's own, or the configured ones.
    bounds: &'static [f64],
    /// Whether they are the handler's own (the custom-buckets family).
    custom_buckets: bool,
}

/// One (status, outcome) of a route series: a histogram whose count is also the request counter.
pub(crate) struct StatusSeries {
    pub(crate) status: u16,
    pub(crate) outcome: Outcome,
    /// Upper bounds in seconds, as exposed, and in nanoseconds, as compared.
    pub(crate) bounds: Box<[f64]>,
    bounds_nanos: Box<[u64]>,
    /// Slots `0..=bounds.len()`: observations per bucket (the last is `+Inf`), not cumulative;
    /// slot `bounds.len() + 1`: the sum of the observations in nanoseconds.
    histogram: Sharded,
    /// Whether the histogram belongs to the custom-buckets family.
    pub(crate) custom_buckets: bool,
    /// Labels of the counter and histogram, sorted by name.
    pub(crate) labels: Vec<(String, String)>,
    /// The same, rendered for the text format by the exposition at its first scrape.
    pub(crate) label_text: OnceLock<String>,
    /// The bounds as written in `le`.
    pub(crate) bound_texts: Box<[String]>,
}

/// A snapshot of a histogram, for exposition.
pub(crate) struct HistogramValues {
    /// Cumulative counts, one per bound.
    pub(crate) cumulative: Vec<u64>,
    pub(crate) count: u64,
    pub(crate) sum_seconds: f64,
}

impl RouteSeries {
    /// The series of `handler` through `endpoint` with `method`, labelled `labels` (sorted: the
    /// in-flight gauge's), recording durations into `bounds`.
    pub(crate) fn new(
        handler: &'static str,
        endpoint: &str,
        method: &'static str,
        labels: Vec<(String, String)>,
        bounds: &'static [f64],
        custom_buckets: bool,
    ) -> RouteSeries {
        RouteSeries {
            handler,
            endpoint: endpoint.into(),
            method,
            entered: Sharded::new(1),
            statuses: AppendOnly::new(),
            in_flight_labels: labels,
            in_flight_label_text: OnceLock::new(),
            bounds,
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
        self.statuses.find_or_insert(
            |s| s.status == status && s.outcome == outcome,
            || self.new_status_series(status, outcome),
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

    fn new_status_series(&self, status: u16, outcome: Outcome) -> StatusSeries {
        let mut labels = self.in_flight_labels.clone();
        labels.push(("status".to_owned(), status.to_string()));
        labels.push(("outcome".to_owned(), outcome.as_str().to_owned()));
        labels.sort();
        let bounds: Box<[f64]> = self.bounds.into();
        let bounds_nanos = bounds.iter().map(|b| (b * 1e9).round() as u64).collect();
        let bound_texts = bounds.iter().map(f64::to_string).collect();
        StatusSeries {
            label_text: OnceLock::new(),
            bound_texts,
            status,
            outcome,
            histogram: Sharded::new(bounds.len() + 2),
            bounds,
            bounds_nanos,
            custom_buckets: self.custom_buckets,
            labels,
        }
    }
}

impl StatusSeries {
    /// Records one request that took `nanos`.
    #[inline]
    pub(crate) fn observe(&self, nanos: u64) {
        let bucket = self
            .bounds_nanos
            .iter()
            .position(|&bound| nanos <= bound)
            .unwrap_or(self.bounds_nanos.len());
        let sum_slot = self.bounds_nanos.len() + 1;
        self.histogram.add_pair((bucket, 1), (sum_slot, nanos));
    }

    /// Requests recorded: the counter's value and the histogram's count.
    pub(crate) fn count(&self) -> u64 {
        (0..=self.bounds.len())
            .map(|slot| self.histogram.sum(slot))
            .sum()
    }

    pub(crate) fn sum_seconds(&self) -> f64 {
        self.histogram.sum(self.bounds.len() + 1) as f64 / 1e9
    }

    /// The histogram as exposed. The sum is read last, so it covers at least the counted requests.
    pub(crate) fn values(&self) -> HistogramValues {
        let mut cumulative = Vec::with_capacity(self.bounds.len());
        let mut running = 0u64;
        for slot in 0..self.bounds.len() {
            running += self.histogram.sum(slot);
            cumulative.push(running);
        }
        let count = running + self.histogram.sum(self.bounds.len());
        HistogramValues {
            cumulative,
            count,
            sum_seconds: self.sum_seconds(),
        }
    }
}
