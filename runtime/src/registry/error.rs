//! Errors of start-up configuration.

/// Why a [`Config`](crate::Config) could not be installed.
///
/// Every variant is found at start-up, in [`Config::install`](crate::Config::install): once a
/// configuration is installed, recording a request cannot fail.
///
/// # Examples
///
/// ```
/// use handler_metrics_runtime::{Config, ConfigError};
///
/// let err = Config::new().namespace("my-api").install().unwrap_err();
/// assert!(matches!(err, ConfigError::InvalidNamespace { .. }));
/// assert!(err.to_string().starts_with("invalid namespace `my-api`"));
/// ```
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ConfigError {
    /// The namespace is not a valid metric name prefix.
    #[error("invalid namespace `{namespace}`: {reason}")]
    InvalidNamespace {
        /// The namespace as given.
        namespace: String,
        /// What rule it breaks.
        reason: String,
    },
    /// A constant label's name is invalid or reserved.
    #[error("invalid constant label name `{name}`: {reason}")]
    InvalidLabelName {
        /// The label name as given.
        name: String,
        /// What rule it breaks.
        reason: String,
    },
    /// The same constant label was given twice.
    #[error("constant label `{name}` is given twice")]
    DuplicateLabel {
        /// The label name.
        name: String,
    },
    /// The histogram buckets are not a non-empty, strictly increasing list of finite, non-negative
    /// seconds.
    #[error("invalid buckets {buckets:?}: {reason}")]
    InvalidBuckets {
        /// The buckets as given.
        buckets: Vec<f64>,
        /// What rule they break.
        reason: String,
    },
    /// The [`NativeHistograms`](crate::NativeHistograms) settings cannot be used.
    #[error("invalid native histogram settings: {reason}")]
    InvalidNativeHistograms {
        /// What is wrong with them.
        reason: String,
    },
    /// An objective is malformed, given twice, or its latency threshold is not one of the
    /// configured buckets.
    #[error("invalid objective `{name}`: {reason}")]
    InvalidObjective {
        /// The objective's name.
        name: String,
        /// What is wrong with it.
        reason: String,
    },
    /// A metric family could not be registered: a metric with the same name is already
    /// registered in that registry, or the registry rejected the family's descriptor.
    #[error(
        "cannot register `{family}` in the registry: {source}{}",
        registration_hint(source)
    )]
    Registration {
        /// The full name of the family that clashed.
        family: String,
        /// The registry's own error.
        #[source]
        source: prometheus::Error,
    },
    /// A configuration is already installed: [`Config::install`](crate::Config::install) was
    /// called twice, or after the first metered request installed the default one.
    #[error(
        "handler-metrics is already initialised{}; call `Config::install` once, before the \
         server handles its first request",
        if *.by_first_request { " (the first metered request installed the default configuration)" } else { "" }
    )]
    AlreadyInstalled {
        /// Whether it was the implicit default installed by the first metered request.
        by_first_request: bool,
    },
}

/// What to do about a [`ConfigError::Registration`], by the registry's reason.
fn registration_hint(source: &prometheus::Error) -> &'static str {
    match source {
        prometheus::Error::AlreadyReg => {
            "; a metric with this name is already registered there (rename it, or give \
             handler-metrics its own namespace with `Config::namespace`)"
        }
        _ => "; the registry rejects the family's name or labels as described",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_registration_error_says_already_registered_only_when_it_is() {
        let clash = ConfigError::Registration {
            family: "http_requests_total".into(),
            source: prometheus::Error::AlreadyReg,
        };
        assert!(clash.to_string().contains("already registered there"));
        let invalid = ConfigError::Registration {
            family: "http_requests_total".into(),
            source: prometheus::Error::Msg("'a-b' is not a valid label name".into()),
        };
        let message = invalid.to_string();
        assert!(!message.contains("already registered"), "{message}");
        assert!(message.contains("not a valid label name"), "{message}");
    }
}
