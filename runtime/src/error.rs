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
    /// An objective is malformed, given twice, or its latency threshold is not one of the
    /// configured buckets.
    #[error("invalid objective `{name}`: {reason}")]
    InvalidObjective {
        /// The objective's name.
        name: String,
        /// What is wrong with it.
        reason: String,
    },
    /// A metric family could not be registered, most often because a metric with the same name
    /// is already registered in that registry.
    #[error(
        "cannot register `{family}` in the registry: {source}; \
         a metric with this name is already registered there (rename it, or give handler-metrics \
         its own namespace with `Config::namespace`)"
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
