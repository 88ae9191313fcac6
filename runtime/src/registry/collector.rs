//! The families as `prometheus` collectors over the series, so that the registry (its
//! duplicate-name checks, `gather()` and encoders) stays the `prometheus` crate's: registration,
//! collection, and the probe that learns what a registry adds to the families it gathers.

use std::collections::HashMap;
use std::sync::Arc;

use prometheus::core::{Collector, Desc};
use prometheus::proto::{self, MetricFamily, MetricType};
use prometheus::Registry;

use crate::hot_path::series::{RouteSeries, StatusSeries};
use crate::registry::error::ConfigError;
use crate::registry::family::Family;
use crate::registry::state::{RegistryShape, Shared};

thread_local! {
    /// Set while this thread gathers the registry for our own encoder, which writes our families
    /// itself: our collectors then return nothing, so they are neither built nor written twice.
    static ENCODING_DIRECTLY: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
    /// Set while this thread probes the registry's shape: our requests collector then returns one
    /// marker series, and the gathered result shows what the registry added to it.
    static PROBING: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// The label that marks the probe series.
const PROBE_LABEL: &str = "handler_metrics_registry_probe";

/// Runs `f` with `flag` set on this thread, cleared afterwards even if `f` panics.
fn with_flag<T>(
    flag: &'static std::thread::LocalKey<std::cell::Cell<bool>>,
    f: impl FnOnce() -> T,
) -> T {
    struct Reset(&'static std::thread::LocalKey<std::cell::Cell<bool>>);
    impl Drop for Reset {
        fn drop(&mut self) {
            self.0.with(|f| f.set(false));
        }
    }
    flag.with(|f| f.set(true));
    let _reset = Reset(flag);
    f()
}

/// Gathers `registry` without our families, for the direct encoder.
pub(crate) fn gather_others(registry: &Registry) -> Vec<MetricFamily> {
    with_flag(&ENCODING_DIRECTLY, || registry.gather())
}

/// The collectors of our families over `shared`.
fn collectors(shared: &Arc<Shared>) -> Result<Vec<FamilyCollector>, ConfigError> {
    Family::all(&shared.names)
        .map(|family| FamilyCollector::new(shared.clone(), family))
        .collect()
}

/// Registers the families of `shared` in its registry, all or none, and learns what the
/// registry adds to them.
pub(crate) fn register(shared: &Arc<Shared>) -> Result<(), ConfigError> {
    let collectors = collectors(shared)?;
    for (i, collector) in collectors.iter().enumerate() {
        let family = collector.desc.fq_name.clone();
        if let Err(source) = shared.registry.register(Box::new(collector.clone())) {
            for registered in &collectors[..i] {
                let _ = shared.registry.unregister(Box::new(registered.clone()));
            }
            return Err(ConfigError::Registration { family, source });
        }
    }
    let _ = shared.registry_shape.set(probe_registry_shape(shared));
    Ok(())
}

/// What the registry adds to a family it gathers: gathers once with our in-flight collector (the
/// one family both namings have) returning a marker series and reads the marker back.
fn probe_registry_shape(shared: &Shared) -> RegistryShape {
    let families = with_flag(&PROBING, || shared.registry.gather());
    let probed = &shared.names.in_flight;
    families
        .iter()
        .filter(|f| f.name().ends_with(probed.as_str()))
        .find_map(|family| {
            let metric = family.get_metric().first()?;
            let labels = metric.get_label();
            labels
                .iter()
                .any(|l| l.name() == PROBE_LABEL)
                .then(|| RegistryShape {
                    prefix: family.name()[..family.name().len() - probed.len()].to_owned(),
                    labels: labels
                        .iter()
                        .filter(|l| l.name() != PROBE_LABEL)
                        .map(|l| (l.name().to_owned(), l.value().to_owned()))
                        .collect(),
                })
        })
        .unwrap_or_default()
}

/// Removes the families of `shared` from its registry.
pub(crate) fn unregister(shared: &Arc<Shared>) {
    if let Ok(collectors) = collectors(shared) {
        for collector in collectors {
            let _ = shared.registry.unregister(Box::new(collector));
        }
    }
}

/// One family as a `prometheus` collector over the shared series list, so the registry (and its
/// duplicate-name checks, `gather()` and encoders) stay the `prometheus` crate's.
#[derive(Clone)]
struct FamilyCollector {
    shared: Arc<Shared>,
    family: Family,
    desc: Desc,
}

impl FamilyCollector {
    fn new(shared: Arc<Shared>, family: Family) -> Result<Self, ConfigError> {
        let names = &shared.names;
        let labels = match family {
            Family::InFlight => names.naming.labels().route_labels(),
            Family::Duration | Family::CustomDuration | Family::Requests => {
                names.naming.labels().request_labels()
            }
        };
        let (name, help) = (family.name(names), family.help());
        let const_labels: HashMap<String, String> =
            shared.store.const_labels.iter().cloned().collect();
        let desc = Desc::new(
            name.to_owned(),
            help.to_owned(),
            labels.iter().map(|l| (*l).to_owned()).collect(),
            const_labels,
        )
        .map_err(|source| ConfigError::Registration {
            family: name.to_owned(),
            source,
        })?;
        Ok(FamilyCollector {
            shared,
            family,
            desc,
        })
    }

    fn probe_family(&self) -> Option<MetricFamily> {
        if self.family != Family::InFlight {
            return None;
        }
        let mut family = MetricFamily::default();
        family.set_name(self.desc.fq_name.clone());
        family.set_help(self.desc.help.clone());
        family.set_field_type(MetricType::GAUGE);
        let mut metric = metric_with_labels(&[(PROBE_LABEL.to_owned(), "1".to_owned())]);
        metric.set_gauge(proto::Gauge::default());
        family.mut_metric().push(metric);
        Some(family)
    }
}

impl Collector for FamilyCollector {
    fn desc(&self) -> Vec<&Desc> {
        vec![&self.desc]
    }

    fn collect(&self) -> Vec<MetricFamily> {
        if ENCODING_DIRECTLY.with(std::cell::Cell::get) {
            return Vec::new();
        }
        if PROBING.with(std::cell::Cell::get) {
            return self.probe_family().into_iter().collect();
        }
        let routes = self.shared.store.routes();
        let mut family = MetricFamily::default();
        family.set_name(self.desc.fq_name.clone());
        family.set_help(self.desc.help.clone());
        let metrics = family.mut_metric();
        match self.family {
            Family::InFlight => {
                for route in routes {
                    let mut gauge = proto::Gauge::default();
                    gauge.set_value(route.in_flight() as f64);
                    let mut metric = metric_with_labels(&route.in_flight_labels);
                    metric.set_gauge(gauge);
                    metrics.push(metric);
                }
            }
            Family::Requests => {
                for series in routes.flat_map(RouteSeries::statuses) {
                    let mut counter = proto::Counter::default();
                    counter.set_value(series.count() as f64);
                    let mut metric = metric_with_labels(&series.labels());
                    metric.set_counter(counter);
                    metrics.push(metric);
                }
            }
            Family::Duration | Family::CustomDuration => {
                let custom = self.family == Family::CustomDuration;
                for series in routes
                    .flat_map(RouteSeries::statuses)
                    .filter(|s| s.custom_buckets == custom)
                {
                    let mut metric = metric_with_labels(&series.labels());
                    metric.set_histogram(histogram(series));
                    metrics.push(metric);
                }
            }
        }
        family.set_field_type(self.family.metric_type());
        vec![family]
    }
}

fn metric_with_labels(labels: &[(String, String)]) -> proto::Metric {
    let pairs = labels
        .iter()
        .map(|(name, value)| {
            let mut pair = proto::LabelPair::default();
            pair.set_name(name.clone());
            pair.set_value(value.clone());
            pair
        })
        .collect();
    let mut metric = proto::Metric::default();
    metric.set_label(pairs);
    metric
}

fn histogram(series: &StatusSeries) -> proto::Histogram {
    let values = series.values();
    let buckets = series
        .buckets
        .bounds
        .iter()
        .zip(&values.cumulative)
        .map(|(&bound, &count)| {
            let mut bucket = proto::Bucket::default();
            bucket.set_upper_bound(bound);
            bucket.set_cumulative_count(count);
            bucket
        })
        .collect();
    let mut histogram = proto::Histogram::default();
    histogram.set_sample_count(values.count);
    histogram.set_sample_sum(values.sum_seconds);
    histogram.set_bucket(buckets);
    histogram
}
