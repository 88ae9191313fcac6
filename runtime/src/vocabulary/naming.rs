//! The two naming profiles: which names the families and their labels carry. Every name that
//! differs between them is here, once; series creation, the exposition, the collectors, the
//! PromQL of the rules and dashboard and the testing helpers all read them from here.

use crate::vocabulary::names::OTHER_METHOD;
use crate::vocabulary::outcome::Outcome;

/// The names the metrics carry, chosen with [`Config::naming`](crate::Config::naming).
///
/// | | [`Prometheus`](Naming::Prometheus) (default) | [`OpenTelemetry`](Naming::OpenTelemetry) |
/// |---|---|---|
/// | requests | counter `http_requests_total` | the duration histogram's `_count` |
/// | duration | `http_requests_duration_seconds` | `http_server_request_duration_seconds` |
/// | own buckets | `http_requests_custom_duration_seconds` | `http_server_request_custom_duration_seconds` |
/// | in flight | `http_requests_in_flight` | `http_server_active_requests` |
/// | route template | `endpoint` | `http_route` |
/// | method | `method` (`OTHER` for others) | `http_request_method` (`_OTHER`) |
/// | status | `status` | `http_response_status_code` |
/// | outcome | `outcome` | `error_type` on errors only: the status for 5xx, `panic`, `cancelled` |
/// | scheme | — | `url_scheme` |
///
/// Both keep `handler`, `objective` and the configured constant labels.
///
/// # Examples
///
/// ```
/// use handler_metrics_runtime::{FamilyNames, Naming};
///
/// let names = FamilyNames::with_naming(None, Naming::OpenTelemetry);
/// assert_eq!(names.duration, "http_server_request_duration_seconds");
/// assert_eq!(names.requests_total, "http_server_request_duration_seconds_count");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[non_exhaustive]
pub enum Naming {
    /// actix-web-prom's names, which existing dashboards use.
    #[default]
    Prometheus,
    /// OpenTelemetry's stable HTTP server semantic conventions as Prometheus stores them
    /// (`http.server.request.duration` becomes `http_server_request_duration_seconds`).
    OpenTelemetry,
}

/// The scheme a request came in with, for `url_scheme`.
///
/// # Examples
///
/// ```
/// use handler_metrics_runtime::Scheme;
///
/// assert_eq!(Scheme::from_str_lossy("https"), Scheme::Https);
/// assert_eq!(Scheme::from_str_lossy("ws"), Scheme::Http);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Scheme {
    /// `http` (also for any scheme other than `https`, so the label stays bounded).
    #[default]
    Http,
    /// `https`.
    Https,
}

impl Scheme {
    /// `https` (in any case) as [`Scheme::Https`], anything else as [`Scheme::Http`].
    pub fn from_str_lossy(scheme: &str) -> Scheme {
        if scheme.eq_ignore_ascii_case("https") {
            Scheme::Https
        } else {
            Scheme::Http
        }
    }

    /// The label value.
    pub fn as_str(self) -> &'static str {
        match self {
            Scheme::Http => "http",
            Scheme::Https => "https",
        }
    }
}

/// The label names of one profile.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct LabelNames {
    pub(crate) route: &'static str,
    pub(crate) method: &'static str,
    pub(crate) status: &'static str,
    /// `outcome` on every series, or none.
    pub(crate) outcome: Option<&'static str>,
    /// `error_type` on the series of errors, or none.
    pub(crate) error_type: Option<&'static str>,
    /// `url_scheme`, or none.
    pub(crate) scheme: Option<&'static str>,
    /// Whether a request no route template matched carries the route label, as `unmatched`:
    /// OpenTelemetry's `http.route` is only ever a template, and is left off instead.
    pub(crate) route_when_unmatched: bool,
}

impl LabelNames {
    /// The label names of the in-flight gauge (besides `objective` and constant labels).
    pub(crate) fn route_labels(self) -> Vec<&'static str> {
        let mut labels = vec![self.route, self.method, "handler"];
        labels.extend(self.scheme);
        labels
    }

    /// The label names of the request series (besides `objective` and constant labels);
    /// `error_type` only on some of them.
    pub(crate) fn request_labels(self) -> Vec<&'static str> {
        let mut labels = self.route_labels();
        labels.push(self.status);
        labels.extend(self.outcome.into_iter().chain(self.error_type));
        labels
    }
}

impl Naming {
    pub(crate) const fn labels(self) -> LabelNames {
        match self {
            Naming::Prometheus => LabelNames {
                route: "endpoint",
                method: "method",
                status: "status",
                outcome: Some("outcome"),
                error_type: None,
                scheme: None,
                route_when_unmatched: true,
            },
            Naming::OpenTelemetry => LabelNames {
                route: "http_route",
                method: "http_request_method",
                status: "http_response_status_code",
                outcome: None,
                error_type: Some("error_type"),
                scheme: Some("url_scheme"),
                route_when_unmatched: false,
            },
        }
    }

    /// The family names before the namespace: (duration, custom duration, in flight), and the
    /// request counter (none: the duration's `_count` counts requests).
    pub(crate) const fn families(self) -> ([&'static str; 3], Option<&'static str>) {
        match self {
            Naming::Prometheus => (
                [
                    "http_requests_duration_seconds",
                    "http_requests_custom_duration_seconds",
                    "http_requests_in_flight",
                ],
                Some("http_requests_total"),
            ),
            Naming::OpenTelemetry => (
                [
                    "http_server_request_duration_seconds",
                    "http_server_request_custom_duration_seconds",
                    "http_server_active_requests",
                ],
                None,
            ),
        }
    }

    /// The base of recording rule names: `http_requests` or `http_server_requests`.
    pub(crate) const fn rule_base(self) -> &'static str {
        match self {
            Naming::Prometheus => "http_requests",
            Naming::OpenTelemetry => "http_server_requests",
        }
    }

    /// The method label of a method outside the standard ones.
    pub(crate) const fn other_method(self) -> &'static str {
        match self {
            Naming::Prometheus => OTHER_METHOD,
            Naming::OpenTelemetry => "_OTHER",
        }
    }

    /// The `error_type` of a request that ended with `status` and `outcome`, if it is an error
    /// to a server: a 5xx (its status), a panic, a cancellation. 4xx are the client's.
    pub(crate) fn error_type(status: u16, outcome: Outcome) -> Option<String> {
        match outcome {
            Outcome::Panic => Some("panic".to_owned()),
            Outcome::Cancelled => Some("cancelled".to_owned()),
            Outcome::ServerError => Some(status.to_string()),
            _ => None,
        }
    }

    /// A PromQL matcher for the requests that spend the success-rate objective's budget: server
    /// errors and panics (a cancellation is the client's doing).
    pub(crate) const fn error_matcher(self) -> &'static str {
        match self {
            Naming::Prometheus => "outcome=~\"server_error|panic\"",
            Naming::OpenTelemetry => "error_type=~\"5..|panic\"",
        }
    }
}

/// The full names of the metric families, after the namespace is applied.
///
/// # Examples
///
/// ```
/// use handler_metrics_runtime::FamilyNames;
///
/// let names = FamilyNames::new(Some("api"));
/// assert_eq!(names.requests_total, "api_http_requests_total");
/// assert_eq!(FamilyNames::new(None).in_flight, "http_requests_in_flight");
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FamilyNames {
    /// The series that count requests: the counter `http_requests_total`; under
    /// [`Naming::OpenTelemetry`], which has no counter, the duration histogram's `_count`
    /// (`http_server_request_duration_seconds_count`). What `rate()` and `increase()` take.
    pub requests_total: String,
    /// Histogram of durations with the configured buckets: `http_requests_duration_seconds`.
    pub duration: String,
    /// Histogram of durations of handlers with their own `buckets`:
    /// `http_requests_custom_duration_seconds`.
    pub custom_duration: String,
    /// Gauge of requests being served: `http_requests_in_flight`.
    pub in_flight: String,
    /// The profile these names (and the labels) follow.
    pub naming: Naming,
}

impl FamilyNames {
    /// The family names under an optional namespace.
    ///
    /// # Examples
    ///
    /// ```
    /// let names = handler_metrics_runtime::FamilyNames::new(None);
    /// assert_eq!(names.duration, "http_requests_duration_seconds");
    /// ```
    pub fn new(namespace: Option<&str>) -> Self {
        FamilyNames::with_naming(namespace, Naming::Prometheus)
    }

    /// The family names of `naming` under an optional namespace.
    ///
    /// # Examples
    ///
    /// ```
    /// use handler_metrics_runtime::{FamilyNames, Naming};
    ///
    /// let names = FamilyNames::with_naming(Some("api"), Naming::OpenTelemetry);
    /// assert_eq!(names.in_flight, "api_http_server_active_requests");
    /// ```
    pub fn with_naming(namespace: Option<&str>, naming: Naming) -> Self {
        let name = |base: &str| match namespace {
            Some(ns) => format!("{ns}_{base}"),
            None => base.to_owned(),
        };
        let ([duration, custom_duration, in_flight], counter) = naming.families();
        let duration = name(duration);
        FamilyNames {
            requests_total: counter.map_or_else(|| format!("{duration}_count"), name),
            custom_duration: name(custom_duration),
            in_flight: name(in_flight),
            duration,
            naming,
        }
    }

    /// Whether the requests are a counter family of their own (not the histogram's `_count`).
    pub(crate) fn has_counter(&self) -> bool {
        self.naming.families().1.is_some()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::vocabulary::names::{IN_FLIGHT_LABELS, REQUEST_LABELS, RESERVED_LABELS};

    #[test]
    fn the_public_label_lists_are_the_default_namings() {
        let sorted = |mut labels: Vec<&'static str>| {
            labels.sort_unstable();
            labels
        };
        let labels = Naming::Prometheus.labels();
        assert_eq!(
            sorted(REQUEST_LABELS.to_vec()),
            sorted(labels.request_labels())
        );
        assert_eq!(
            sorted(IN_FLIGHT_LABELS.to_vec()),
            sorted(labels.route_labels())
        );
    }

    #[test]
    fn error_types_are_those_of_server_errors() {
        assert_eq!(
            Naming::error_type(503, Outcome::ServerError).as_deref(),
            Some("503")
        );
        assert_eq!(
            Naming::error_type(500, Outcome::Panic).as_deref(),
            Some("panic")
        );
        assert_eq!(
            Naming::error_type(499, Outcome::Cancelled).as_deref(),
            Some("cancelled")
        );
        assert_eq!(Naming::error_type(404, Outcome::ClientError), None);
        assert_eq!(Naming::error_type(200, Outcome::Success), None);
    }

    #[test]
    fn every_label_of_both_profiles_is_reserved() {
        for naming in [Naming::Prometheus, Naming::OpenTelemetry] {
            let l = naming.labels();
            for name in [
                Some(l.route),
                Some(l.method),
                Some(l.status),
                l.outcome,
                l.error_type,
                l.scheme,
            ]
            .into_iter()
            .flatten()
            {
                assert!(RESERVED_LABELS.contains(&name), "{name}");
            }
        }
    }
}
