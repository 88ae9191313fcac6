//! Our families: which exist under the configured naming, in which order, with their names, help
//! and type. The one list both the collectors and the direct exposition walk.

use prometheus::proto::MetricType;

use crate::vocabulary::naming::FamilyNames;

/// One of our metric families.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Family {
    /// The duration histogram with the configured buckets.
    Duration,
    /// The duration histogram of handlers with their own buckets.
    CustomDuration,
    /// The in-flight gauge.
    InFlight,
    /// The request counter (none under the OpenTelemetry naming).
    Requests,
}

impl Family {
    /// The families `names` has, in exposition order. Under the OpenTelemetry naming the duration
    /// histogram's `_count` is the request count, and there is no counter family.
    pub(crate) fn all(names: &FamilyNames) -> impl Iterator<Item = Family> {
        let counter = names.has_counter();
        [
            Family::Duration,
            Family::CustomDuration,
            Family::InFlight,
            Family::Requests,
        ]
        .into_iter()
        .filter(move |family| *family != Family::Requests || counter)
    }

    /// The family's name (with the namespace, without a registry prefix).
    pub(crate) fn name(self, names: &FamilyNames) -> &str {
        match self {
            Family::Duration => &names.duration,
            Family::CustomDuration => &names.custom_duration,
            Family::InFlight => &names.in_flight,
            Family::Requests => &names.requests_total,
        }
    }

    /// The `# HELP` text.
    pub(crate) fn help(self) -> &'static str {
        match self {
            Family::Duration => {
                "Time from a #[metered] handler's entry (before extraction) to its response, in seconds."
            }
            Family::CustomDuration => {
                "Like the duration histogram, for handlers declared with their own buckets, in seconds."
            }
            Family::InFlight => "Requests a #[metered] handler is serving now.",
            Family::Requests => {
                "Requests served by #[metered] handlers, by route template, method, status and outcome."
            }
        }
    }

    /// The family's type.
    pub(crate) fn metric_type(self) -> MetricType {
        match self {
            Family::Duration | Family::CustomDuration => MetricType::HISTOGRAM,
            Family::InFlight => MetricType::GAUGE,
            Family::Requests => MetricType::COUNTER,
        }
    }
}
