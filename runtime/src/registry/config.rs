//! Start-up configuration: namespace, buckets, constant labels and the registry.

use prometheus::Registry;

use crate::hot_path::store::Store;
use crate::registry::error::ConfigError;
use crate::registry::metrics::Metrics;
use crate::registry::state::ExpositionOptions;
use crate::slo::promql::{latency_threshold, Queries};
use crate::slo::rules::RuleOptions;
use crate::slo::{dashboard, rules};
use crate::vocabulary::buckets::{check_buckets, DEFAULT_BUCKETS};
use crate::vocabulary::names::{check_label_name, check_namespace};
use crate::vocabulary::naming::{FamilyNames, Naming};
use crate::vocabulary::native::NativeHistograms;
use crate::vocabulary::objective::Objective;

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
    objectives: Vec<Objective>,
    exposition: ExpositionOptions,
    naming: Naming,
    native: Option<NativeHistograms>,
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
            objectives: Vec::new(),
            exposition: ExpositionOptions::default(),
            naming: Naming::Prometheus,
            native: None,
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

    /// The names of the families and labels: actix-web-prom's ([`Naming::Prometheus`], the
    /// default) or OpenTelemetry's HTTP server conventions ([`Naming::OpenTelemetry`]:
    /// `http_server_request_duration_seconds` with `http_route`, `http_request_method`,
    /// `http_response_status_code`, `url_scheme`, `error_type`). The rules, the dashboard and
    /// the testing helpers follow it.
    ///
    /// # Examples
    ///
    /// ```
    /// use handler_metrics_runtime::{Config, Naming};
    ///
    /// let metrics = Config::new()
    ///     .naming(Naming::OpenTelemetry)
    ///     .registry(prometheus::Registry::new())
    ///     .install()
    ///     .unwrap();
    /// assert_eq!(metrics.family_names().duration, "http_server_request_duration_seconds");
    /// ```
    pub fn naming(mut self, naming: Naming) -> Self {
        self.naming = naming;
        self
    }

    /// Whether OpenMetrics scrapes carry a `_created` sample (when the series was created, in
    /// seconds since the Unix epoch) for every series of the request counter and the duration
    /// histograms. Default: `false`.
    ///
    /// With it, a Prometheus that ingests created timestamps (2.55 or later, started with
    /// `--enable-feature=created-timestamp-zero-ingestion`) sees each series start at 0, so
    /// `increase()` and `rate()` count its first request. Off by default because every other
    /// Prometheus (2.54 and earlier, or without the flag) stores each `_created` line as one
    /// more series: a counter series and a histogram series per (handler, route, method,
    /// status, outcome) more. The classic text format never carries it.
    ///
    /// # Examples
    ///
    /// ```
    /// let config = handler_metrics_runtime::Config::new().openmetrics_created(true);
    /// # let _ = config;
    /// ```
    pub fn openmetrics_created(mut self, enabled: bool) -> Self {
        self.exposition.created = enabled;
        self
    }

    /// Records both duration families as native histograms too, beside their classic buckets:
    /// exponential buckets whose resolution the settings choose (see [`NativeHistograms`]),
    /// one series per label set. Off by default.
    ///
    /// Prometheus reads them from a protobuf scrape only, which `/metrics` then answers when the
    /// `Accept` header prefers it (Prometheus 2.40+ with `--enable-feature=native-histograms`,
    /// or 3.8+ with `scrape_native_histograms: true`). Text scrapes are unchanged: classic
    /// buckets only.
    ///
    /// # Examples
    ///
    /// ```
    /// use handler_metrics_runtime::{Config, NativeHistograms};
    ///
    /// let config = Config::new().native_histograms(NativeHistograms::new());
    /// # let _ = config;
    /// ```
    pub fn native_histograms(mut self, settings: NativeHistograms) -> Self {
        self.native = Some(settings);
        self
    }

    /// Declares an objective that handlers reference with `#[metered(objective = ..)]`, so that
    /// [`prometheus_rules`](Config::prometheus_rules) and
    /// [`grafana_dashboard`](Config::grafana_dashboard) cover it. Recording does not need it:
    /// a handler's series carry its objective's label either way.
    ///
    /// # Examples
    ///
    /// ```
    /// use handler_metrics_runtime::{Config, Objective};
    ///
    /// const CHECKOUT: Objective = Objective::new("checkout").success_rate(0.999).latency(0.25, 0.99);
    /// let config = Config::new().objective(CHECKOUT);
    /// # let _ = config;
    /// ```
    pub fn objective(mut self, objective: Objective) -> Self {
        self.objectives.push(objective);
        self
    }

    /// The Prometheus rules file (YAML) for the declared objectives, with the default
    /// [`RuleOptions`]: per handler, recording rules for the request rate, the error ratio and
    /// the slow ratio over 5m, 30m, 1h, 2h, 6h, 1d, 3d and the 30-day SLO period, and
    /// multi-window, multi-burn-rate alerts (page: 14.4× over 1h and 5m or 6× over 6h and 30m;
    /// ticket: 3× over 1d and 2h or 1× over 3d and 6h). Metric names follow the configured namespace.
    ///
    /// # Errors
    ///
    /// The same [`ConfigError`]s as [`install`](Config::install) for the namespace and the
    /// objectives: a malformed objective, one given twice, or a latency threshold that is not one
    /// of the configured buckets.
    ///
    /// # Examples
    ///
    /// ```
    /// use handler_metrics_runtime::{Config, Objective};
    ///
    /// const CHECKOUT: Objective = Objective::new("checkout").success_rate(0.999);
    /// let yaml = Config::new().objective(CHECKOUT).prometheus_rules().unwrap();
    /// assert!(yaml.contains("alert: HandlerErrorBudgetFastBurn"));
    /// ```
    pub fn prometheus_rules(&self) -> Result<String, ConfigError> {
        self.prometheus_rules_with(&RuleOptions::new())
    }

    /// [`prometheus_rules`](Config::prometheus_rules) with other [`RuleOptions`].
    ///
    /// # Errors
    ///
    /// As [`prometheus_rules`](Config::prometheus_rules).
    ///
    /// # Examples
    ///
    /// ```
    /// use handler_metrics_runtime::{Config, Objective, RuleOptions};
    ///
    /// const API: Objective = Objective::new("api").latency(0.5, 0.99);
    /// let yaml = Config::new().objective(API).prometheus_rules_with(&RuleOptions::new().time_scale(60));
    /// assert!(yaml.unwrap().contains("le=\"0.5\""));
    /// ```
    pub fn prometheus_rules_with(&self, options: &RuleOptions) -> Result<String, ConfigError> {
        let queries = self.queries()?;
        Ok(rules::render(&queries, &self.objectives, options))
    }

    /// A Grafana dashboard (JSON, for "Import dashboard") for these metrics: per handler, the
    /// request rate by status class, the error ratio, p50/p90/p99 latency and in-flight
    /// requests, with `$handler` and `$instance` variables; per declared objective, the burn
    /// rate and the budget left, read from the recording rules of
    /// [`prometheus_rules`](Config::prometheus_rules).
    ///
    /// # Errors
    ///
    /// As [`prometheus_rules`](Config::prometheus_rules).
    ///
    /// # Examples
    ///
    /// ```
    /// let json = handler_metrics_runtime::Config::new().grafana_dashboard().unwrap();
    /// assert!(json.contains("histogram_quantile(0.99"));
    /// ```
    pub fn grafana_dashboard(&self) -> Result<String, ConfigError> {
        let queries = self.queries()?;
        Ok(dashboard::render(&queries, &self.objectives))
    }

    /// The checked family names as query builders.
    fn queries(&self) -> Result<Queries, ConfigError> {
        self.check_namespace()?;
        self.check_objectives()?;
        Ok(Queries::new(
            FamilyNames::with_naming(self.namespace.as_deref(), self.naming),
            self.native.is_some(),
        ))
    }

    fn check_namespace(&self) -> Result<(), ConfigError> {
        if let Some(namespace) = &self.namespace {
            check_namespace(namespace).map_err(|reason| ConfigError::InvalidNamespace {
                namespace: namespace.clone(),
                reason,
            })?;
        }
        Ok(())
    }

    fn check_objectives(&self) -> Result<(), ConfigError> {
        for (i, objective) in self.objectives.iter().enumerate() {
            let invalid = |reason: String| ConfigError::InvalidObjective {
                name: objective.name().to_owned(),
                reason,
            };
            objective
                .check()
                .map_err(|reason| invalid(reason.to_owned()))?;
            if self.objectives[..i]
                .iter()
                .any(|earlier| earlier.name() == objective.name())
            {
                return Err(invalid(
                    "an objective of this name is already declared".into(),
                ));
            }
            if !objective.threshold_is_bucket(&self.buckets) {
                let threshold = latency_threshold(objective);
                return Err(invalid(format!(
                    "the latency threshold {threshold} s is not one of the buckets {:?}; \
                     Prometheus can only count requests within a bucket bound",
                    self.buckets
                )));
            }
        }
        Ok(())
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
        self.check_namespace()?;
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
        self.check_objectives()?;
        if let Some(native) = &self.native {
            native
                .check()
                .map_err(|reason| ConfigError::InvalidNativeHistograms { reason })?;
        }
        let names = FamilyNames::with_naming(self.namespace.as_deref(), self.naming);
        let registry = self
            .registry
            .unwrap_or_else(|| prometheus::default_registry().clone());
        let store = Store::new(
            self.buckets,
            self.const_labels,
            self.objectives,
            false,
            names.naming,
            self.native,
        );
        Ok(Metrics::new(names, store, registry, self.exposition))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
        assert!(
            err(Config::new().native_histograms(NativeHistograms::new().bucket_factor(0.5)))
                .starts_with("invalid native histogram settings: the bucket factor 0.5")
        );
    }
}
