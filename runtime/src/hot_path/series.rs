//! The series and their storage. Creating one is the cold path, run once per (handler, endpoint,
//! method) and once per (handler, endpoint, method, status, outcome); the hot path
//! ([`recording`](crate::hot_path::recording)) only finds them and adds to their sharded counts.

use std::sync::OnceLock;

use crate::hot_path::append_only::AppendOnly;
use crate::hot_path::shards::Sharded;
use crate::hot_path::site::HandlerSite;
use crate::hot_path::store::Store;
use crate::vocabulary::names::check_label_name;
use crate::vocabulary::outcome::Outcome;

/// The series of one handler reached through one route template with one method.
pub(crate) struct RouteSeries {
    pub(crate) site: &'static HandlerSite,
    pub(crate) store: &'static Store,
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
    /// Finds or creates the route series of `site` for `endpoint` and `method`. Series live as
    /// long as the process: they are bounded by the routes and methods the application registers,
    /// so they are leaked rather than counted.
    pub(crate) fn find_or_create(
        site: &'static HandlerSite,
        store: &'static Store,
        endpoint: &str,
        method: &'static str,
    ) -> &'static RouteSeries {
        let route = site.routes.find_or_insert(
            |r| r.method == method && &*r.endpoint == endpoint,
            || {
                warn_about_objective(site, store);
                let in_flight_labels = series_labels(
                    site,
                    store,
                    &[
                        ("endpoint", endpoint),
                        ("method", method),
                        ("handler", site.name),
                    ],
                );
                RouteSeries {
                    site,
                    store,
                    endpoint: endpoint.into(),
                    method,
                    entered: Sharded::new(1),
                    statuses: AppendOnly::new(),
                    in_flight_label_text: OnceLock::new(),
                    in_flight_labels,
                }
            },
        );
        store
            .routes
            .find_or_insert(|r| std::ptr::eq(*r, route), || route);
        route
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
        let status_text = status.to_string();
        let labels = series_labels(
            self.site,
            self.store,
            &[
                ("endpoint", &self.endpoint),
                ("method", self.method),
                ("status", &status_text),
                ("handler", self.site.name),
                ("outcome", outcome.as_str()),
            ],
        );
        let custom_buckets = self.site.has_custom_buckets();
        let bounds: Box<[f64]> = if custom_buckets {
            self.site.buckets.into()
        } else {
            self.store.buckets.clone().into()
        };
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
            custom_buckets,
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

/// What the macro cannot check about a handler's objective, said once per route series on
/// standard error: a latency threshold that is not one of the configured buckets (the handler's
/// own are checked at compile time), and an objective the installed configuration does not
/// declare, or declares with other targets, so that rules generated from it do not match.
fn warn_about_objective(site: &HandlerSite, store: &Store) {
    for warning in objective_warnings(site, store) {
        eprintln!("handler-metrics: handler `{}`: {warning}", site.name);
    }
}

fn objective_warnings(site: &HandlerSite, store: &Store) -> Vec<String> {
    let mut warnings = Vec::new();
    let Some(objective) = site.objective else {
        return warnings;
    };
    let name = objective.name();
    if !site.has_custom_buckets() && !objective.threshold_is_bucket(&store.buckets) {
        warnings.push(format!(
            "the latency threshold of objective `{name}` is not one of the configured buckets \
             {:?}; its latency objective cannot be measured",
            store.buckets
        ));
    }
    if store.implicit {
        return warnings;
    }
    match store.objectives.iter().find(|o| o.name() == name) {
        Some(declared) if declared == objective => {}
        Some(_) => warnings.push(format!(
            "objective `{name}` is declared with `Config::objective` with other targets than the \
             handler's; rules generated from the configuration use the configuration's"
        )),
        None => warnings.push(format!(
            "objective `{name}` is not declared with `Config::objective`; rules and dashboards \
             generated from the configuration do not cover it"
        )),
    }
    warnings
}

/// The labels of one series, sorted by name: the crate's own, the handler's from the attribute,
/// and the configured constant labels. A handler label that is invalid or repeats a configured
/// one is left out (and said on standard error): the macro rejects invalid names at compile
/// time, and the configuration wins over a handler for the same name.
fn series_labels(site: &HandlerSite, store: &Store, own: &[(&str, &str)]) -> Vec<(String, String)> {
    let mut labels: Vec<(String, String)> = own
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect();
    labels.extend(store.const_labels.iter().cloned());
    if let Some(objective) = site.objective {
        labels.push(("objective".to_owned(), objective.name().to_owned()));
    }
    for (name, value) in site.labels {
        let clash = labels.iter().any(|(n, _)| n == name);
        if clash || check_label_name(name).is_err() {
            eprintln!(
                "handler-metrics: handler `{}` label `{name}` is left out: it is invalid or \
                 also configured with `Config::const_label`",
                site.name
            );
            continue;
        }
        labels.push(((*name).to_owned(), (*value).to_owned()));
    }
    labels.sort();
    labels
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Objective, DEFAULT_BUCKETS};

    const API: Objective = Objective::new("api")
        .success_rate(0.999)
        .latency(0.25, 0.99);
    static SITE: HandlerSite = HandlerSite::new("h", &[], &[]).with_objective(&API);

    fn installed(buckets: &[f64], objectives: Vec<Objective>) -> Store {
        Store::new(buckets.to_vec(), Vec::new(), objectives, false)
    }

    #[test]
    fn a_declared_objective_within_the_buckets_is_silent() {
        assert!(objective_warnings(&SITE, &installed(&DEFAULT_BUCKETS, vec![API])).is_empty());
    }

    #[test]
    fn what_the_macro_cannot_check_is_said() {
        let warnings = objective_warnings(&SITE, &installed(&[0.1, 1.0], vec![]));
        assert_eq!(warnings.len(), 2, "{warnings:?}");
        assert!(warnings[0].contains("not one of the configured buckets"));
        assert!(warnings[1].contains("not declared with `Config::objective`"));
        let other = Objective::new("api").success_rate(0.99);
        let warnings = objective_warnings(&SITE, &installed(&DEFAULT_BUCKETS, vec![other]));
        assert!(warnings[0].contains("other targets"), "{warnings:?}");
    }
}
