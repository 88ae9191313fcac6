//! Creating series: the cold path, run once per (handler, endpoint, method) and once per
//! (handler, endpoint, method, status, outcome). The hot path only reads what this builds.

use std::collections::HashMap;
use std::sync::{PoisonError, RwLock, RwLockReadGuard};

use prometheus::{Histogram, HistogramOpts, IntCounter, IntGauge, Opts};

use crate::metrics::{CUSTOM_DURATION_HELP, DURATION_HELP, IN_FLIGHT_HELP, REQUESTS_HELP};
use crate::names::check_label_name;
use crate::{HandlerSite, Metrics, Outcome};

/// The series of one handler reached through one route template with one method.
pub(crate) struct RouteSeries {
    pub(crate) site: &'static HandlerSite,
    pub(crate) metrics: &'static Metrics,
    pub(crate) endpoint: Box<str>,
    pub(crate) method: &'static str,
    pub(crate) in_flight: IntGauge,
    /// Counter and histogram per (status, outcome) seen. Appended to only.
    statuses: RwLock<Vec<&'static StatusSeries>>,
}

/// The counter and histogram of one (status, outcome) of a route series.
pub(crate) struct StatusSeries {
    pub(crate) status: u16,
    pub(crate) outcome: Outcome,
    pub(crate) requests: IntCounter,
    pub(crate) duration: Histogram,
}

impl RouteSeries {
    /// Creates the route series and adds it to the site and to the collected list, unless another
    /// thread created it first. Series live as long as the process: they are bounded by the
    /// routes and methods the application registers, so they are leaked rather than counted.
    pub(crate) fn find_or_create(
        site: &'static HandlerSite,
        metrics: &'static Metrics,
        endpoint: &str,
        method: &'static str,
    ) -> Option<&'static RouteSeries> {
        let mut routes = site.routes.write().unwrap_or_else(PoisonError::into_inner);
        if let Some(route) = routes
            .iter()
            .find(|r| r.method == method && &*r.endpoint == endpoint)
        {
            return Some(route);
        }
        let labels = series_labels(
            site,
            metrics,
            &[
                ("endpoint", endpoint),
                ("method", method),
                ("handler", site.name),
            ],
        );
        let opts =
            Opts::new(metrics.shared.names.in_flight.clone(), IN_FLIGHT_HELP).const_labels(labels);
        let in_flight = report(IntGauge::with_opts(opts))?;
        let route: &'static RouteSeries = Box::leak(Box::new(RouteSeries {
            site,
            metrics,
            endpoint: endpoint.into(),
            method,
            in_flight,
            statuses: RwLock::new(Vec::new()),
        }));
        routes.push(route);
        metrics
            .shared
            .routes
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .push(route);
        Some(route)
    }

    pub(crate) fn statuses(&self) -> RwLockReadGuard<'_, Vec<&'static StatusSeries>> {
        self.statuses.read().unwrap_or_else(PoisonError::into_inner)
    }

    /// Creates the (status, outcome) series of this route, unless another thread did first.
    pub(crate) fn find_or_create_status(
        &'static self,
        status: u16,
        outcome: Outcome,
    ) -> Option<&'static StatusSeries> {
        let mut statuses = self
            .statuses
            .write()
            .unwrap_or_else(PoisonError::into_inner);
        if let Some(series) = statuses
            .iter()
            .find(|s| s.status == status && s.outcome == outcome)
        {
            return Some(series);
        }
        let status_text = status.to_string();
        let labels = series_labels(
            self.site,
            self.metrics,
            &[
                ("endpoint", &self.endpoint),
                ("method", self.method),
                ("status", &status_text),
                ("handler", self.site.name),
                ("outcome", outcome.as_str()),
            ],
        );
        let names = &self.metrics.shared.names;
        let requests = report(IntCounter::with_opts(
            Opts::new(names.requests_total.clone(), REQUESTS_HELP).const_labels(labels.clone()),
        ))?;
        let (family, help, buckets) = if self.site.has_custom_buckets() {
            (
                &names.custom_duration,
                CUSTOM_DURATION_HELP,
                self.site.buckets.to_vec(),
            )
        } else {
            (
                &names.duration,
                DURATION_HELP,
                self.metrics.shared.buckets.clone(),
            )
        };
        let duration = report(Histogram::with_opts(
            HistogramOpts::new(family.clone(), help)
                .const_labels(labels)
                .buckets(buckets),
        ))?;
        let series: &'static StatusSeries = Box::leak(Box::new(StatusSeries {
            status,
            outcome,
            requests,
            duration,
        }));
        statuses.push(series);
        Some(series)
    }
}

/// The labels of one series: the crate's own, then the handler's from the attribute, then the
/// configured constant labels. A handler label that is invalid or repeats a configured one is
/// left out (and said once on standard error): the macro rejects invalid names at compile time,
/// and the configuration wins over a handler for the same name.
fn series_labels(
    site: &HandlerSite,
    metrics: &Metrics,
    own: &[(&str, &str)],
) -> HashMap<String, String> {
    let mut labels: HashMap<String, String> = own
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect();
    for (name, value) in &metrics.shared.const_labels {
        labels.insert(name.clone(), value.clone());
    }
    for (name, value) in site.labels {
        let clash = metrics.shared.const_labels.iter().any(|(n, _)| n == name);
        if clash || check_label_name(name).is_err() {
            eprintln!(
                "handler-metrics: handler `{}` label `{name}` is left out: it is invalid or \
                 also configured with `Config::const_label`",
                site.name
            );
            continue;
        }
        labels.insert((*name).to_owned(), (*value).to_owned());
    }
    labels
}

/// Series creation only fails for names the configuration and the macro already validated; if it
/// ever does, say so instead of panicking inside a request.
fn report<T>(result: prometheus::Result<T>) -> Option<T> {
    match result {
        Ok(metric) => Some(metric),
        Err(err) => {
            eprintln!("handler-metrics: cannot create a series, request not recorded: {err}");
            None
        }
    }
}
