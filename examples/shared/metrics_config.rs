//! The metrics configuration and objectives of the quickstart service, shared by the service
//! (`quickstart.rs`) and the generator of its Prometheus rules and Grafana dashboard
//! (`rules.rs`), so that both always describe the same metrics.

use handler_metrics::{Config, Naming, NativeHistograms, Objective};

/// The users and items API: 99.9 % of requests succeed, 99 % finish within 250 ms.
pub(crate) const USERS: Objective = Objective::new("users")
    .success_rate(0.999)
    .latency(0.25, 0.99);

/// Reports come from a slower backend: 99 % succeed, 95 % finish within 1 s.
pub(crate) const REPORTS: Objective = Objective::new("reports")
    .success_rate(0.99)
    .latency(1.0, 0.95);

/// The configuration from `METRICS_NAMESPACE`, `METRICS_CONST_LABELS`, `METRICS_NAMING` and
/// `METRICS_OPENMETRICS_CREATED` and `METRICS_NATIVE_HISTOGRAMS`, with the objectives.
pub(crate) fn metrics_config() -> std::io::Result<Config> {
    let mut config = Config::new().objective(USERS).objective(REPORTS);
    if let Ok(namespace) = std::env::var("METRICS_NAMESPACE") {
        config = config.namespace(namespace);
    }
    match std::env::var("METRICS_NAMING").as_deref() {
        Ok("opentelemetry") => config = config.naming(Naming::OpenTelemetry),
        Ok("prometheus") | Err(_) => {}
        Ok(other) => {
            return Err(std::io::Error::other(format!(
                "METRICS_NAMING: expected `prometheus` or `opentelemetry`, got {other:?}"
            )))
        }
    }
    if std::env::var("METRICS_OPENMETRICS_CREATED").is_ok_and(|v| v == "1") {
        config = config.openmetrics_created(true);
    }
    if std::env::var("METRICS_NATIVE_HISTOGRAMS").is_ok_and(|v| v == "1") {
        config = config.native_histograms(NativeHistograms::new());
    }
    if let Ok(labels) = std::env::var("METRICS_CONST_LABELS") {
        for pair in labels.split(',').filter(|p| !p.is_empty()) {
            let (name, value) = pair.split_once('=').ok_or_else(|| {
                std::io::Error::other(format!(
                    "METRICS_CONST_LABELS: expected name=value, got {pair:?}"
                ))
            })?;
            config = config.const_label(name, value);
        }
    }
    Ok(config)
}
