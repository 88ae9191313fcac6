//! The installed configuration and every series recorded under it: what the registry collects.
//!
//! Everything here runs once (installation) or per scrape (collection), except
//! [`Metrics::begin`], the one call into the per-request code of
//! [`hot_path`](crate::hot_path).

use std::collections::HashMap;
use std::sync::{Arc, OnceLock};

use prometheus::core::{Collector, Desc};
use prometheus::proto::{self, MetricFamily, MetricType};
use prometheus::Registry;

use crate::hot_path::recording::Recording;
use crate::hot_path::series::{RouteSeries, StatusSeries};
use crate::hot_path::site::HandlerSite;
use crate::hot_path::store::Store;
use crate::registry::error::ConfigError;
use crate::vocabulary::buckets::DEFAULT_BUCKETS;
use crate::vocabulary::names::{FamilyNames, IN_FLIGHT_LABELS, REQUEST_LABELS};
use crate::vocabulary::objective::Objective;

/// The configuration every `#[metered]` handler records into, once installed.
static GLOBAL: OnceLock<Metrics> = OnceLock::new();

pub(crate) const REQUESTS_HELP: &str =
    "Requests served by #[metered] handlers, by route template, method, status and outcome.";
pub(crate) const DURATION_HELP: &str =
    "Time from a #[metered] handler's entry (before extraction) to its response, in seconds.";
pub(crate) const CUSTOM_DURATION_HELP: &str =
    "Like the duration histogram, for handlers declared with their own buckets, in seconds.";
pub(crate) const IN_FLIGHT_HELP: &str = "Requests a #[metered] handler is serving now.";

/// An installed configuration: where series are registered and how they are named.
///
/// Cheap to clone. Get the one handlers record into with [`Metrics::global`].
///
/// # Examples
///
/// ```
/// let metrics = handler_metrics_runtime::Metrics::global();
/// let text = metrics.encode_text().unwrap();
/// # let _ = text;
/// ```
#[derive(Clone)]
pub struct Metrics {
    pub(crate) shared: Arc<Shared>,
}

pub(crate) struct Shared {
    pub(crate) names: FamilyNames,
    /// The settings series are created with, and the series.
    pub(crate) store: Store,
    pub(crate) registry: Registry,
    /// Set when the default configuration, installed by the first request, could not register.
    pub(crate) registration_error: OnceLock<String>,
    /// What the registry adds to every family it gathers (a `Registry::new_custom` prefix and
    /// common labels), learnt once at registration, so our own encoder can add the same.
    pub(crate) registry_shape: OnceLock<RegistryShape>,
}

/// A registry's prefix (with its `_`, or empty) and common labels.
#[derive(Debug, Default)]
pub(crate) struct RegistryShape {
    pub(crate) prefix: String,
    pub(crate) labels: Vec<(String, String)>,
}

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

impl std::fmt::Debug for Metrics {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Metrics")
            .field("names", &self.shared.names)
            .field("buckets", &self.shared.store.buckets)
            .field("const_labels", &self.shared.store.const_labels)
            .finish_non_exhaustive()
    }
}

impl Metrics {
    pub(crate) fn new(
        names: FamilyNames,
        buckets: Vec<f64>,
        const_labels: Vec<(String, String)>,
        registry: Registry,
        objectives: Vec<Objective>,
        implicit: bool,
    ) -> Self {
        Metrics {
            shared: Arc::new(Shared {
                names,
                store: Store::new(buckets, const_labels, objectives, implicit),
                registry,
                registration_error: OnceLock::new(),
                registry_shape: OnceLock::new(),
            }),
        }
    }

    /// Starts recording a request to the handler `site`, routed through `endpoint` (the route
    /// template, `None` if no template matched) with `method`: counts it in flight and starts
    /// the clock. Finish it with [`Recording::finish`] and the response's status; dropped
    /// unfinished, it counts as a panic (while unwinding) or a cancellation.
    ///
    /// This is the one call a framework integration makes per request; `#[metered]` makes it
    /// for you.
    ///
    /// # Examples
    ///
    /// ```
    /// use handler_metrics_runtime::{HandlerSite, Metrics};
    ///
    /// static SITE: HandlerSite = HandlerSite::new("begin_example", &[], &[]);
    /// Metrics::global().begin(&SITE, None, "POST").finish(201);
    /// ```
    #[inline]
    pub fn begin(
        &'static self,
        site: &'static HandlerSite,
        endpoint: Option<&str>,
        method: &str,
    ) -> Recording {
        Recording::start(&self.shared.store, site, endpoint, method)
    }

    /// The installed configuration; the first call without one installs the defaults.
    ///
    /// If the defaults cannot be registered (a metric of the same name is already in
    /// `prometheus::default_registry()`), requests are still recorded, the reason is printed to
    /// standard error once, and [`encode_text`](Metrics::encode_text) returns it as an error so
    /// the `/metrics` route answers `500` with it. Call
    /// [`Config::install`](crate::Config::install) at start-up to get that error as an `Err`
    /// instead.
    ///
    /// # Examples
    ///
    /// ```
    /// let names = &handler_metrics_runtime::Metrics::global().family_names().requests_total;
    /// assert!(names.ends_with("http_requests_total"));
    /// ```
    pub fn global() -> &'static Metrics {
        GLOBAL.get_or_init(|| {
            let metrics = Metrics::new(
                FamilyNames::new(None),
                DEFAULT_BUCKETS.to_vec(),
                Vec::new(),
                prometheus::default_registry().clone(),
                Vec::new(),
                true,
            );
            if let Err(err) = metrics.register() {
                let message = err.to_string();
                eprintln!("handler-metrics: {message}");
                let _ = metrics.shared.registration_error.set(message);
            }
            metrics
        })
    }

    pub(crate) fn install_global(self) -> Result<Metrics, ConfigError> {
        if let Some(existing) = GLOBAL.get() {
            return Err(ConfigError::AlreadyInstalled {
                by_first_request: existing.shared.store.implicit,
            });
        }
        self.register()?;
        match GLOBAL.set(self.clone()) {
            Ok(()) => Ok(self),
            Err(_) => {
                self.unregister();
                Err(ConfigError::AlreadyInstalled {
                    by_first_request: GLOBAL.get().is_some_and(|m| m.shared.store.implicit),
                })
            }
        }
    }

    /// The full names of the families.
    ///
    /// # Examples
    ///
    /// ```
    /// let names = handler_metrics_runtime::Metrics::global().family_names();
    /// assert!(names.in_flight.ends_with("http_requests_in_flight"));
    /// ```
    pub fn family_names(&self) -> &FamilyNames {
        &self.shared.names
    }

    /// The registry the families are registered in.
    ///
    /// # Examples
    ///
    /// ```
    /// let registry = handler_metrics_runtime::Metrics::global().registry();
    /// let families = registry.gather();
    /// # let _ = families;
    /// ```
    pub fn registry(&self) -> &Registry {
        &self.shared.registry
    }

    fn collectors(&self) -> Result<Vec<FamilyCollector>, ConfigError> {
        [
            Family::Requests,
            Family::Duration,
            Family::CustomDuration,
            Family::InFlight,
        ]
        .into_iter()
        .map(|family| FamilyCollector::new(self.shared.clone(), family))
        .collect()
    }

    fn register(&self) -> Result<(), ConfigError> {
        let collectors = self.collectors()?;
        for (i, collector) in collectors.iter().enumerate() {
            let family = collector.desc.fq_name.clone();
            if let Err(source) = self.shared.registry.register(Box::new(collector.clone())) {
                for registered in &collectors[..i] {
                    let _ = self
                        .shared
                        .registry
                        .unregister(Box::new(registered.clone()));
                }
                return Err(ConfigError::Registration { family, source });
            }
        }
        let _ = self.shared.registry_shape.set(self.probe_registry_shape());
        Ok(())
    }

    /// What the registry adds to a family it gathers: gathers once with our requests collector
    /// returning a marker series and reads the marker back.
    fn probe_registry_shape(&self) -> RegistryShape {
        let families = with_flag(&PROBING, || self.shared.registry.gather());
        let requests = &self.shared.names.requests_total;
        families
            .iter()
            .filter(|f| f.name().ends_with(requests.as_str()))
            .find_map(|family| {
                let metric = family.get_metric().first()?;
                let labels = metric.get_label();
                labels
                    .iter()
                    .any(|l| l.name() == PROBE_LABEL)
                    .then(|| RegistryShape {
                        prefix: family.name()[..family.name().len() - requests.len()].to_owned(),
                        labels: labels
                            .iter()
                            .filter(|l| l.name() != PROBE_LABEL)
                            .map(|l| (l.name().to_owned(), l.value().to_owned()))
                            .collect(),
                    })
            })
            .unwrap_or_default()
    }

    fn unregister(&self) {
        if let Ok(collectors) = self.collectors() {
            for collector in collectors {
                let _ = self.shared.registry.unregister(Box::new(collector));
            }
        }
    }

    pub(crate) fn routes(&self) -> impl Iterator<Item = &'static RouteSeries> + '_ {
        self.shared.store.routes()
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Family {
    Requests,
    Duration,
    CustomDuration,
    InFlight,
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
        let (name, help, labels): (&str, &str, &[&str]) = match family {
            Family::Requests => (&names.requests_total, REQUESTS_HELP, &REQUEST_LABELS),
            Family::Duration => (&names.duration, DURATION_HELP, &REQUEST_LABELS),
            Family::CustomDuration => (
                &names.custom_duration,
                CUSTOM_DURATION_HELP,
                &REQUEST_LABELS,
            ),
            Family::InFlight => (&names.in_flight, IN_FLIGHT_HELP, &IN_FLIGHT_LABELS),
        };
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
                    let mut metric = metric_with_labels(&series.labels);
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
                    let mut metric = metric_with_labels(&series.labels);
                    metric.set_histogram(histogram(series));
                    metrics.push(metric);
                }
            }
        }
        family.set_field_type(match self.family {
            Family::Requests => MetricType::COUNTER,
            Family::Duration | Family::CustomDuration => MetricType::HISTOGRAM,
            Family::InFlight => MetricType::GAUGE,
        });
        vec![family]
    }
}

impl FamilyCollector {
    fn probe_family(&self) -> Option<MetricFamily> {
        if self.family != Family::Requests {
            return None;
        }
        let mut family = MetricFamily::default();
        family.set_name(self.desc.fq_name.clone());
        family.set_help(self.desc.help.clone());
        family.set_field_type(MetricType::COUNTER);
        let mut metric = metric_with_labels(&[(PROBE_LABEL.to_owned(), "1".to_owned())]);
        metric.set_counter(proto::Counter::default());
        family.mut_metric().push(metric);
        Some(family)
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
