//! [`Metrics`]: the installed configuration, the handle every part of the crate reaches it by.
//!
//! Everything here runs once (installation) or per scrape, except [`Metrics::begin`], the one
//! call into the per-request code of [`hot_path`](crate::hot_path). Registration is in
//! [`collector`], the exposition formats and their negotiation in [`exposition`].

use std::sync::{Arc, OnceLock};

use prometheus::Registry;

use crate::hot_path::recording::Recording;
use crate::hot_path::series::RouteSeries;
use crate::hot_path::site::{HandlerSite, UNMETERED};
use crate::hot_path::slot;
use crate::hot_path::store::Store;
use crate::registry::collector;
use crate::registry::error::ConfigError;
use crate::registry::exposition::{self, ExpositionError, Format, Scrape};
use crate::registry::state::{ExpositionOptions, Shared};
use crate::vocabulary::buckets::DEFAULT_BUCKETS;
use crate::vocabulary::names::{method_label, UNMATCHED_ENDPOINT};
use crate::vocabulary::naming::{FamilyNames, Scheme};

/// The configuration every `#[metered]` handler records into, once installed.
static GLOBAL: OnceLock<Metrics> = OnceLock::new();

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
        store: Store,
        registry: Registry,
        exposition: ExpositionOptions,
    ) -> Self {
        Metrics {
            shared: Arc::new(Shared {
                names,
                store,
                registry,
                registration_error: OnceLock::new(),
                registry_shape: OnceLock::new(),
                exposition,
            }),
        }
    }

    /// Starts recording a request to the handler `site`, routed through `endpoint` (the route
    /// template, `None` if no template matched) with `method`: counts it in flight and starts
    /// the clock. Finish it with [`Recording::finish`] and the response's status; dropped
    /// unfinished, it counts as a panic (while unwinding) or a cancellation.
    ///
    /// The request's scheme is taken as `http`; see [`begin_with_scheme`](Metrics::begin_with_scheme).
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
        self.begin_with_scheme(site, endpoint, method, Scheme::Http)
    }

    /// [`begin`](Metrics::begin) for a request that came in with `scheme`, which
    /// [`Naming::OpenTelemetry`](crate::Naming::OpenTelemetry) labels `url_scheme` (the default
    /// naming ignores it). This is the one call a framework integration makes per request;
    /// `#[metered]` makes it for you.
    ///
    /// # Examples
    ///
    /// ```
    /// use handler_metrics_runtime::{HandlerSite, Metrics, Scheme};
    ///
    /// static SITE: HandlerSite = HandlerSite::new("begin_scheme_example", &[], &[]);
    /// Metrics::global()
    ///     .begin_with_scheme(&SITE, Some("/"), "GET", Scheme::Https)
    ///     .finish(200);
    /// ```
    #[inline]
    pub fn begin_with_scheme(
        &'static self,
        site: &'static HandlerSite,
        endpoint: Option<&str>,
        method: &str,
        scheme: Scheme,
    ) -> Recording {
        self.begin_reading_scheme(site, endpoint, method, || scheme)
    }

    /// [`begin_with_scheme`](Metrics::begin_with_scheme) with the scheme read by `scheme` only
    /// when the naming labels it: what the framework integrations call.
    #[inline]
    pub(crate) fn begin_reading_scheme(
        &'static self,
        site: &'static HandlerSite,
        endpoint: Option<&str>,
        method: &str,
        scheme: impl FnOnce() -> Scheme,
    ) -> Recording {
        Recording::start(&self.shared.store, site, endpoint, method, scheme)
    }

    /// The series of a request no `#[metered]` handler served, which a companion layer counts:
    /// handler [`UNMETERED_HANDLER`](crate::UNMETERED_HANDLER), `endpoint` the route template
    /// (`None`: `unmatched`), `method` a standard method or `OTHER`.
    #[cfg_attr(
        not(any(feature = "actix", feature = "axum")),
        allow(dead_code, reason = "the frameworks' layers use it")
    )]
    #[inline]
    pub(crate) fn unmetered_route(
        &'static self,
        endpoint: Option<&str>,
        method: &str,
        scheme: impl FnOnce() -> Scheme,
    ) -> &'static RouteSeries {
        let store = &self.shared.store;
        UNMETERED.route(
            store,
            endpoint.unwrap_or(UNMATCHED_ENDPOINT),
            method_label(method),
            store.scheme_key(scheme),
        )
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
            let names = FamilyNames::new(None);
            let store = Store::new(
                DEFAULT_BUCKETS.to_vec(),
                Vec::new(),
                Vec::new(),
                true,
                names.naming,
                None,
            );
            let metrics = Metrics::new(
                names,
                store,
                prometheus::default_registry().clone(),
                ExpositionOptions::default(),
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

    fn register(&self) -> Result<(), ConfigError> {
        collector::register(&self.shared)
    }

    fn unregister(&self) {
        collector::unregister(&self.shared);
    }

    /// Gathers the registry (the families of this crate and everything else registered there)
    /// and encodes it in the classic text format, to serve with
    /// [`CONTENT_TYPE`](crate::CONTENT_TYPE). It carries no exemplars (only OpenMetrics does:
    /// [`encode_openmetrics`](Metrics::encode_openmetrics)); to answer a scrape in the format it
    /// asks for, use [`scrape`](Metrics::scrape).
    ///
    /// # Errors
    ///
    /// [`ExpositionError::NotRegistered`] when the implicit default configuration could not
    /// register (see [`Metrics::global`]); [`ExpositionError::Encode`] if encoding fails.
    ///
    /// # Examples
    ///
    /// ```
    /// use handler_metrics_runtime::{HandlerSite, Metrics};
    ///
    /// static SITE: HandlerSite = HandlerSite::new("encode_example", &[], &[]);
    /// Metrics::global().begin(&SITE, Some("/"), "GET").finish(200);
    ///
    /// let text = Metrics::global().encode_text().unwrap();
    /// assert!(text.contains(r#"handler="encode_example""#));
    /// ```
    pub fn encode_text(&self) -> Result<String, ExpositionError> {
        exposition::encode_text(&self.shared, Format::Text)
    }

    /// Everything in the configured registry in OpenMetrics 1.0 text (the user's own
    /// `prometheus` metrics included), ending with `# EOF`: what a scraper that asks for
    /// [`OPENMETRICS_CONTENT_TYPE`](crate::OPENMETRICS_CONTENT_TYPE) gets.
    ///
    /// # Errors
    ///
    /// As [`encode_text`](Metrics::encode_text).
    ///
    /// # Examples
    ///
    /// ```
    /// use handler_metrics_runtime::{HandlerSite, Metrics};
    ///
    /// static SITE: HandlerSite = HandlerSite::new("openmetrics_example", &[], &[]);
    /// Metrics::global().begin(&SITE, Some("/"), "GET").finish(200);
    ///
    /// let text = Metrics::global().encode_openmetrics().unwrap();
    /// assert!(text.contains("# TYPE http_requests counter\n"));
    /// assert!(text.contains(r#"http_requests_total{endpoint="/",handler="openmetrics_example""#));
    /// assert!(text.ends_with("# EOF\n"));
    /// ```
    pub fn encode_openmetrics(&self) -> Result<String, ExpositionError> {
        exposition::encode_text(&self.shared, Format::OpenMetrics)
    }

    /// Everything in the configured registry in the protobuf format ([`PROTOBUF_CONTENT_TYPE`](
    /// crate::PROTOBUF_CONTENT_TYPE)): length-delimited `io.prometheus.client.MetricFamily`
    /// messages, our histograms with their native buckets when
    /// [`Config::native_histograms`](crate::Config::native_histograms) is set. What a Prometheus
    /// that reads native histograms gets from [`scrape`](Metrics::scrape).
    ///
    /// # Errors
    ///
    /// As [`encode_text`](Metrics::encode_text).
    ///
    /// # Examples
    ///
    /// ```
    /// use handler_metrics_runtime::{HandlerSite, Metrics};
    ///
    /// static SITE: HandlerSite = HandlerSite::new("protobuf_example", &[], &[]);
    /// Metrics::global().begin(&SITE, Some("/"), "GET").finish(200);
    ///
    /// let bytes = Metrics::global().encode_protobuf().unwrap();
    /// assert!(bytes.windows(16).any(|label| label == b"protobuf_example"));
    /// ```
    pub fn encode_protobuf(&self) -> Result<Vec<u8>, ExpositionError> {
        exposition::encode(&self.shared, Format::Protobuf)
    }

    /// The answer to a scrape that sent these `Accept` and `Accept-Encoding` headers (`None`
    /// when absent or not text): OpenMetrics or the classic format, or, with
    /// [native histograms](crate::Config::native_histograms) configured, the protobuf format
    /// when preferred ([`Format::from_accept_with_protobuf`]); gzipped or not, with the
    /// `Content-Type` and `Content-Encoding` to send. The `/metrics` routes of both frameworks
    /// are this call; use it to serve metrics from anything else.
    ///
    /// # Errors
    ///
    /// As [`encode_text`](Metrics::encode_text), and [`ExpositionError::Gzip`] if compression
    /// fails.
    ///
    /// # Examples
    ///
    /// ```
    /// use handler_metrics_runtime::{Format, Metrics, CONTENT_TYPE};
    ///
    /// let scrape = Metrics::global().scrape(Some("text/plain"), None).unwrap();
    /// assert_eq!(scrape.format(), Format::Text);
    /// assert_eq!(scrape.content_type(), CONTENT_TYPE);
    /// assert_eq!(scrape.content_encoding(), None);
    /// ```
    pub fn scrape(
        &self,
        accept: Option<&str>,
        accept_encoding: Option<&str>,
    ) -> Result<Scrape, ExpositionError> {
        // Under a companion layer, the scrape's own request is not counted, whichever route
        // serves it.
        slot::claim_exposition();
        exposition::scrape(&self.shared, accept, accept_encoding)
    }

    pub(crate) fn routes(&self) -> impl Iterator<Item = &'static RouteSeries> + '_ {
        self.shared.store.routes()
    }
}
