//! The PromQL this crate hands out — in the generated rules, the dashboard and the docs — built
//! in one place from the family names, so that queries and metrics cannot drift apart.

use crate::vocabulary::names::UNMETERED_HANDLER;
use crate::vocabulary::naming::FamilyNames;
use crate::vocabulary::objective::Objective;

/// What the recording rules aggregate by: one series per handler of an objective.
const RULES_BY: &str = "objective, handler";

/// The windows recording rules are kept for: those of the multi-window, multi-burn-rate alerts,
/// and the SLO period over which the remaining budget is read.
pub(crate) const WINDOWS: [Window; 8] = [M5, M30, H1, H2, H6, D1, D3, PERIOD];

pub(crate) const M5: Window = Window::new("5m", 5 * 60);
pub(crate) const M30: Window = Window::new("30m", 30 * 60);
pub(crate) const H1: Window = Window::new("1h", 60 * 60);
pub(crate) const H2: Window = Window::new("2h", 2 * 60 * 60);
pub(crate) const H6: Window = Window::new("6h", 6 * 60 * 60);
pub(crate) const D1: Window = Window::new("1d", 24 * 60 * 60);
pub(crate) const D3: Window = Window::new("3d", 3 * 24 * 60 * 60);

/// The SLO period: the budget is the share of bad requests allowed over the last 30 days.
pub(crate) const PERIOD: Window = Window::new("30d", 30 * 24 * 60 * 60);

/// The windows the dashboard shows each objective's burn rate over: the short and long windows
/// of the page and of the ticket.
pub(crate) const BURN_RATE_PANEL_WINDOWS: [Window; 4] = [M5, H1, H6, D3];

/// The window of the dashboard's queries: Grafana's own, at least four scrape intervals.
pub(crate) const DASHBOARD_RANGE: &str = "$__rate_interval";

/// One rate window: its name in recording rule names and its nominal length.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Window {
    pub(crate) name: &'static str,
    pub(crate) seconds: u64,
}

impl Window {
    pub(crate) const fn new(name: &'static str, seconds: u64) -> Window {
        Window { name, seconds }
    }
}

/// Which objective of an [`Objective`] a rule or panel is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Sli {
    /// Requests ending in `server_error` or `panic`.
    Errors,
    /// Requests slower than the latency threshold.
    Latency,
}

impl Sli {
    pub(crate) fn label(self) -> &'static str {
        match self {
            Sli::Errors => "errors",
            Sli::Latency => "latency",
        }
    }

    /// What a bad request is, in words: "slower than 0.25 s" for the latency objective.
    pub(crate) fn bad_requests(self, objective: &Objective, errors: &str) -> String {
        match self {
            Sli::Errors => errors.to_owned(),
            Sli::Latency => format!("slower than {} s", number(latency_threshold(objective))),
        }
    }

    /// The share of requests the objective allows to be bad.
    pub(crate) fn budget(self, objective: &Objective) -> Option<f64> {
        match self {
            Sli::Errors => objective.error_budget(),
            Sli::Latency => objective.latency_budget(),
        }
    }
}

/// Query builders over one configuration's family names.
#[derive(Debug, Clone)]
pub(crate) struct Queries {
    pub(crate) names: FamilyNames,
    /// `http_requests` with the namespace: the metric part of recording rule names.
    base: String,
    /// Whether durations are read as native histograms (`Config::native_histograms`): a
    /// Prometheus that reads them keeps no `_bucket`, `_count` or `_sum` series of those
    /// families, so every query of the durations uses `histogram_*` functions instead.
    native: bool,
}

impl Queries {
    pub(crate) fn new(names: FamilyNames, native: bool) -> Queries {
        // The namespace (with its `_`) is what the duration family has before its base name.
        let ([duration, ..], _) = names.naming.families();
        let prefix = names.duration.strip_suffix(duration).unwrap_or_default();
        let base = format!("{prefix}{}", names.naming.rule_base());
        Queries {
            names,
            base,
            native,
        }
    }

    /// The series a selector of requests is written on, for `label_values`: the request counter,
    /// or, where requests are the native histogram's count, the in-flight gauge, which has the
    /// same handlers and instances.
    pub(crate) fn request_series(&self) -> &str {
        if self.counts_from_native_histogram() {
            &self.names.in_flight
        } else {
            &self.names.requests_total
        }
    }

    /// Whether requests are counted by the native duration histogram: the OpenTelemetry naming
    /// has no counter of its own, and with native histograms its `_count` series is not stored.
    fn counts_from_native_histogram(&self) -> bool {
        self.native && !self.names.has_counter()
    }

    /// `rate(<requests>{<selector>}[range])`: per second, one float series per series of
    /// requests (with `__name__` dropped).
    fn requests_rate(&self, selector: &str, range: &str) -> String {
        if self.counts_from_native_histogram() {
            format!(
                "histogram_count(rate({{__name__=~\"{}\", {selector}}}[{range}]))",
                self.duration_families_regex()
            )
        } else {
            format!("rate({}{{{selector}}}[{range}])", self.names.requests_total)
        }
    }

    /// `sum by (<by>) (rate(<requests>{<selector>}[range]))`.
    fn sum_requests_rate(&self, by: &str, selector: &str, range: &str) -> String {
        format!("sum by ({by}) ({})", self.requests_rate(selector, range))
    }

    /// Recording rule: requests per second of each handler of an objective.
    pub(crate) fn rate_record(&self, window: &str) -> String {
        format!("objective_handler:{}:rate{window}", self.base)
    }

    /// Recording rule: the share of bad requests (errors, or slower than the threshold).
    pub(crate) fn ratio_record(&self, sli: Sli, window: &str) -> String {
        let kind = match sli {
            Sli::Errors => "errors",
            Sli::Latency => "slow",
        };
        format!("objective_handler:{}_{kind}:ratio_rate{window}", self.base)
    }

    /// The expression of [`rate_record`](Self::rate_record).
    pub(crate) fn rate_expr(&self, objective: &str, range: &str) -> String {
        self.sum_requests_rate(RULES_BY, &format!("objective=\"{objective}\""), range)
    }

    /// Requests per second by status class (`2xx`, `4xx`, …) and `by`.
    pub(crate) fn status_class_rate(&self, by: &str, selector: &str, range: &str) -> String {
        format!(
            "sum by ({by}, class) (label_replace({}, \
             \"class\", \"${{1}}xx\", \"{}\", \"([0-9])..\"))",
            self.requests_rate(selector, range),
            self.names.naming.labels().status
        )
    }

    /// The share of requests ending in `server_error` or `panic`, by `by`: 0 rather than
    /// nothing when none failed, nothing when there were no requests.
    pub(crate) fn error_ratio(&self, by: &str, selector: &str, range: &str) -> String {
        let errors = self.sum_requests_rate(
            by,
            &format!("{selector}, {}", self.names.naming.error_matcher()),
            range,
        );
        let requests = self.sum_requests_rate(by, selector, range);
        format!("({errors} or {requests} * 0)\n/\n{requests}")
    }

    /// The `quantile` of the request duration by `by`, over both duration families: a handler
    /// is in exactly one, so the buckets summed per handler always share one layout.
    pub(crate) fn latency_quantile(
        &self,
        quantile: f64,
        by: &str,
        selector: &str,
        range: &str,
    ) -> String {
        // Native histograms are the families' own series; classic ones, their `_bucket` series
        // kept apart by `le`.
        let families = self.duration_families_regex();
        let (series, by) = if self.native {
            (families, by.to_owned())
        } else {
            (format!("{families}_bucket"), format!("{by}, le"))
        };
        format!(
            "histogram_quantile({quantile}, sum by ({by}) (rate({{__name__=~\"{series}\", {selector}}}[{range}])))"
        )
    }

    /// Requests per second that no `#[metered]` handler served (the companion layer's
    /// `handler="unmetered"`), by status and `by`.
    pub(crate) fn unmetered_rate(&self, by: &str, selector: &str, range: &str) -> String {
        self.sum_requests_rate(
            &format!("{by}, {}", self.names.naming.labels().status),
            &format!("handler=\"{UNMETERED_HANDLER}\", {selector}"),
            range,
        )
    }

    /// Requests being served now, by `by`.
    pub(crate) fn in_flight(&self, by: &str, selector: &str) -> String {
        format!("sum by ({by}) ({}{{{selector}}})", self.names.in_flight)
    }

    /// How many times its budget an objective's handlers spend over `window`, from the
    /// recording rules: 1 spends the budget exactly over the SLO period.
    pub(crate) fn burn_rate(&self, sli: Sli, window: &str, selector: &str, budget: f64) -> String {
        format!(
            "{}{{{selector}}} / {}",
            self.ratio_record(sli, window),
            number(budget)
        )
    }

    /// The share of the budget left over the SLO period: 1 untouched, 0 spent, below 0
    /// overspent.
    pub(crate) fn budget_left(&self, sli: Sli, selector: &str, budget: f64) -> String {
        format!("1 - {}", self.burn_rate(sli, PERIOD.name, selector, budget))
    }

    /// The expression of [`ratio_record`](Self::ratio_record). A window without a bad request
    /// gives 0, not an empty result; a window without requests gives nothing.
    pub(crate) fn ratio_expr(&self, objective: &Objective, sli: Sli, range: &str) -> String {
        let name = objective.name();
        let all = format!("objective=\"{name}\"");
        match sli {
            Sli::Errors => self.error_ratio(RULES_BY, &all, range),
            Sli::Latency => {
                let threshold = latency_threshold(objective);
                // Both duration families: handlers with their own buckets record into the
                // custom one, and the threshold is a bucket of either (checked before).
                let durations = self.duration_families_regex();
                if self.native {
                    // The share within the threshold, from the native buckets (interpolated
                    // within the bucket the threshold falls in: exact to its width, ~9 % at
                    // the default schema).
                    return format!(
                        "1 - histogram_fraction(0, {threshold}, sum by ({RULES_BY}) (rate({{__name__=~\"{durations}\", {all}}}[{range}])))"
                    );
                }
                let fast = format!(
                    "sum by ({RULES_BY}) (rate({{__name__=~\"{durations}_bucket\", {all}, le=\"{threshold}\"}}[{range}]))"
                );
                let count = format!(
                    "sum by ({RULES_BY}) (rate({{__name__=~\"{durations}_count\", {all}}}[{range}]))"
                );
                format!("1 - ({fast}\n/\n{count})")
            }
        }
    }

    /// A regex matching both duration families' names.
    fn duration_families_regex(&self) -> String {
        format!("({}|{})", self.names.duration, self.names.custom_duration)
    }
}

/// The latency threshold in seconds; 0 for an objective without one, which no latency rule or
/// panel is generated for.
pub(crate) fn latency_threshold(objective: &Objective) -> f64 {
    objective
        .latency_target()
        .map_or(0.0, |(threshold, _)| threshold)
}

/// A number as PromQL and YAML print it, without float noise: 12 significant digits.
pub(crate) fn number(value: f64) -> String {
    if value == 0.0 {
        return "0".into();
    }
    let magnitude = value.abs().log10().floor() as i32;
    let scale = 10f64.powi(11 - magnitude);
    let rounded = (value * scale).round() / scale;
    format!("{rounded}")
}

/// A duration in the largest Prometheus unit that divides it: `300` → `5m`, `5` → `5s`.
pub(crate) fn duration(seconds: u64) -> String {
    let seconds = seconds.max(1);
    for (unit, size) in [("d", 86_400), ("h", 3_600), ("m", 60)] {
        if seconds.is_multiple_of(size) {
            return format!("{}{unit}", seconds / size);
        }
    }
    format!("{seconds}s")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_without_float_noise() {
        assert_eq!(number(14.4 * (1.0 - 0.999)), "0.0144");
        assert_eq!(number(0.25), "0.25");
        assert_eq!(number(1.0), "1");
        assert_eq!(number(0.0), "0");
    }

    #[test]
    fn durations_in_the_largest_unit() {
        assert_eq!(duration(300), "5m");
        assert_eq!(duration(3 * 86_400), "3d");
        assert_eq!(duration(5), "5s");
        assert_eq!(duration(4_320), "72m");
        assert_eq!(duration(0), "1s");
    }

    #[test]
    fn names_follow_the_namespace() {
        let q = Queries::new(FamilyNames::new(Some("shop")), false);
        assert_eq!(
            q.rate_record("5m"),
            "objective_handler:shop_http_requests:rate5m"
        );
        assert_eq!(
            q.ratio_record(Sli::Latency, "1h"),
            "objective_handler:shop_http_requests_slow:ratio_rate1h"
        );
        assert!(q
            .ratio_expr(&Objective::new("a").latency(0.25, 0.99), Sli::Latency, "5m")
            .contains("(shop_http_requests_duration_seconds|shop_http_requests_custom_duration_seconds)_bucket"));
    }
}
