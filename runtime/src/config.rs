//! Start-up configuration: namespace, buckets, constant labels and the registry.

use prometheus::Registry;

use crate::metrics::{FamilyNames, Metrics};
use crate::names::{check_label_name, check_namespace};
use crate::ConfigError;

/// The default latency buckets, in seconds: those of actix-web-prom, so existing dashboards keep
/// working.
///
/// # Examples
///
/// ```
/// assert_eq!(handler_metrics_runtime::DEFAULT_BUCKETS.first(), Some(&0.005));
/// ```
pub const DEFAULT_BUCKETS: [f64; 14] = [
    0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1.0, 2.5, 5.0, 7.5, 10.0,
];

/// Start-up configuration of handler-metrics. Optional: without it, the first metered request
/// installs the defaults (no namespace, [`DEFAULT_BUCKETS`], no constant labels,
/// `prometheus::default_registry()`).
///
/// Install it once, before the server handles requests. Every mistake is an `Err` from
/// [`install`](Config::install), never a panic or a lost metric later.
///
/// # Examples
///
/// ```
/// use handler_metrics_runtime::Config;
///
/// let metrics = Config::new()
///     .namespace("api")
///     .const_label("service", "users")
///     .buckets([0.01, 0.05, 0.1, 0.5, 1.0])
///     .registry(prometheus::Registry::new())
///     .install()
///     .expect("valid configuration");
/// assert_eq!(metrics.family_names().requests_total, "api_http_requests_total");
/// ```
#[derive(Debug, Clone)]
pub struct Config {
    namespace: Option<String>,
    buckets: Vec<f64>,
    const_labels: Vec<(String, String)>,
    registry: Option<Registry>,
}

impl Default for Config {
    fn default() -> Self {
        Config::new()
    }
}

impl Config {
    /// The default configuration.
    ///
    /// # Examples
    ///
    /// ```
    /// let config = handler_metrics_runtime::Config::new();
    /// # let _ = config;
    /// ```
    pub fn new() -> Self {
        Config {
            namespace: None,
            buckets: DEFAULT_BUCKETS.to_vec(),
            const_labels: Vec::new(),
            registry: None,
        }
    }

    /// Prefixes every metric name with `namespace_`: `api` gives `api_http_requests_total`.
    ///
    /// # Examples
    ///
    /// ```
    /// let config = handler_metrics_runtime::Config::new().namespace("api");
    /// # let _ = config;
    /// ```
    pub fn namespace(mut self, namespace: impl Into<String>) -> Self {
        self.namespace = Some(namespace.into());
        self
    }

    /// Replaces the latency buckets (upper bounds in seconds, strictly increasing) of
    /// `http_requests_duration_seconds`.
    ///
    /// # Examples
    ///
    /// ```
    /// let config = handler_metrics_runtime::Config::new().buckets([0.1, 0.5, 1.0]);
    /// # let _ = config;
    /// ```
    pub fn buckets(mut self, buckets: impl IntoIterator<Item = f64>) -> Self {
        self.buckets = buckets.into_iter().collect();
        self
    }

    /// Adds a label with a fixed value to every series, e.g. `service="users"`.
    ///
    /// # Examples
    ///
    /// ```
    /// let config = handler_metrics_runtime::Config::new().const_label("service", "users");
    /// # let _ = config;
    /// ```
    pub fn const_label(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.const_labels.push((name.into(), value.into()));
        self
    }

    /// The registry to register in. Default: `prometheus::default_registry()`, so metrics made
    /// with the `prometheus` crate's `register_*!` macros appear on the same `/metrics`.
    ///
    /// # Examples
    ///
    /// ```
    /// let config = handler_metrics_runtime::Config::new().registry(prometheus::Registry::new());
    /// # let _ = config;
    /// ```
    pub fn registry(mut self, registry: Registry) -> Self {
        self.registry = Some(registry);
        self
    }

    /// Validates the configuration, registers the metric families in the registry and makes it
    /// the one every `#[metered]` handler records into.
    ///
    /// # Errors
    ///
    /// A [`ConfigError`] saying what is wrong: an invalid namespace, label name or bucket list, a
    /// family whose name is already registered, or a configuration already installed (also by the
    /// first metered request, which installs the defaults when nothing was installed before it).
    ///
    /// # Examples
    ///
    /// ```
    /// use handler_metrics_runtime::{Config, ConfigError};
    ///
    /// let err = Config::new().buckets([1.0, 0.5]).install().unwrap_err();
    /// assert!(matches!(err, ConfigError::InvalidBuckets { .. }));
    /// ```
    pub fn install(self) -> Result<Metrics, ConfigError> {
        let metrics = self.build()?;
        Metrics::install_global(metrics)
    }

    /// Validates and builds [`Metrics`] without registering or installing it.
    pub(crate) fn build(self) -> Result<Metrics, ConfigError> {
        if let Some(namespace) = &self.namespace {
            check_namespace(namespace).map_err(|reason| ConfigError::InvalidNamespace {
                namespace: namespace.clone(),
                reason,
            })?;
        }
        check_buckets(&self.buckets).map_err(|reason| ConfigError::InvalidBuckets {
            buckets: self.buckets.clone(),
            reason,
        })?;
        for (i, (name, _)) in self.const_labels.iter().enumerate() {
            check_label_name(name).map_err(|reason| ConfigError::InvalidLabelName {
                name: name.clone(),
                reason,
            })?;
            if self.const_labels[..i]
                .iter()
                .any(|(earlier, _)| earlier == name)
            {
                return Err(ConfigError::DuplicateLabel { name: name.clone() });
            }
        }
        let names = FamilyNames::new(self.namespace.as_deref());
        let registry = self
            .registry
            .unwrap_or_else(|| prometheus::default_registry().clone());
        Ok(Metrics::new(
            names,
            self.buckets,
            self.const_labels,
            registry,
        ))
    }
}

/// The rules every bucket list obeys, at run time here and at compile time in the macro.
pub(crate) fn check_buckets(buckets: &[f64]) -> Result<(), String> {
    if buckets.is_empty() {
        return Err("expected at least one bucket".into());
    }
    for (i, &bound) in buckets.iter().enumerate() {
        if !bound.is_finite() {
            return Err(format!(
                "bucket {bound} is not finite (`+Inf` is always added)"
            ));
        }
        if bound < 0.0 {
            return Err(format!("bucket {bound} is negative; durations are not"));
        }
        if i > 0 && bound <= buckets[i - 1] {
            return Err(format!(
                "buckets must be strictly increasing, but {bound} follows {}",
                buckets[i - 1]
            ));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bucket_rules() {
        assert!(check_buckets(&DEFAULT_BUCKETS).is_ok());
        assert!(check_buckets(&[]).is_err());
        assert!(check_buckets(&[0.1, 0.1]).is_err());
        assert!(check_buckets(&[0.2, 0.1]).is_err());
        assert!(check_buckets(&[-1.0]).is_err());
        assert!(check_buckets(&[f64::INFINITY]).is_err());
        assert!(check_buckets(&[f64::NAN]).is_err());
    }

    #[test]
    fn invalid_configurations_are_errors_not_panics() {
        let err = |c: Config| c.build().unwrap_err().to_string();
        assert!(err(Config::new().namespace("a b")).contains("invalid namespace `a b`"));
        assert!(err(Config::new().const_label("le", "x")).contains("`le` is reserved"));
        assert!(err(Config::new().const_label("handler", "x")).contains("reserved"));
        assert!(
            err(Config::new().const_label("a", "1").const_label("a", "2"))
                .contains("constant label `a` is given twice")
        );
        assert!(err(Config::new().buckets([])).contains("at least one bucket"));
    }
}
