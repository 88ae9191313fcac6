//! A handler site: the static the `#[metered]` macro emits once per annotated handler, and how
//! it finds, or the first time creates, its series for a route template and method.

use crate::hot_path::append_only::AppendOnly;
use crate::hot_path::series::{RouteKey, RouteSeries};
use crate::hot_path::store::Store;
use crate::vocabulary::names::{
    check_label_name, OTHER_METHOD, UNMATCHED_ENDPOINT, UNMETERED_HANDLER,
};
use crate::vocabulary::naming::Scheme;
use crate::vocabulary::objective::Objective;

/// The site of one `#[metered]` handler, named by a type: the macro emits an empty enum
/// implementing it next to the handler, so that the framework's extractor, generic over that
/// type, knows whose request it begins.
pub trait SiteOf {
    /// The handler's site: a constant, so that reading it is no call (and no call that could
    /// unwind) in the code compiled per handler.
    const SITE: &'static HandlerSite;
}

/// One annotated handler: its `handler` label, its own labels and buckets from the attribute,
/// and the series it has recorded so far (one per route template and method it was reached by).
///
/// `#[metered]` emits one `static` of this type per handler; there is no need to build one by
/// hand, and no registration step: the first request creates the handler's series.
///
/// # Examples
///
/// ```
/// use handler_metrics_runtime::HandlerSite;
///
/// static SITE: HandlerSite = HandlerSite::new("get_user", &[("team", "accounts")], &[]);
/// assert_eq!(SITE.name(), "get_user");
/// ```
pub struct HandlerSite {
    pub(crate) name: &'static str,
    pub(crate) labels: &'static [(&'static str, &'static str)],
    /// This handler's own latency buckets; empty for the configured ones.
    pub(crate) buckets: &'static [f64],
    /// The objective from `objective = ..`: its name is the `objective` label of every series.
    pub(crate) objective: Option<&'static Objective>,
    /// The series of each (endpoint, method) this handler was reached by: at most one per route
    /// the handler is registered at times the methods it accepts.
    pub(crate) routes: AppendOnly<RouteSeries>,
}

impl HandlerSite {
    /// A site for the handler labelled `name`, with extra constant `labels` on its series and
    /// its own latency `buckets` (recorded in the separate `http_requests_custom_duration_seconds`
    /// family), or `&[]` for the configured buckets.
    ///
    /// # Examples
    ///
    /// ```
    /// use handler_metrics_runtime::HandlerSite;
    ///
    /// static UPLOAD: HandlerSite = HandlerSite::new("upload", &[], &[1.0, 10.0, 60.0]);
    /// assert_eq!(UPLOAD.name(), "upload");
    /// ```
    pub const fn new(
        name: &'static str,
        labels: &'static [(&'static str, &'static str)],
        buckets: &'static [f64],
    ) -> Self {
        HandlerSite {
            name,
            labels,
            buckets,
            objective: None,
            routes: AppendOnly::new(),
        }
    }

    /// The same site, its requests counted towards `objective` (the `objective` label).
    ///
    /// # Examples
    ///
    /// ```
    /// use handler_metrics_runtime::{HandlerSite, Objective};
    ///
    /// const CHECKOUT: Objective = Objective::new("checkout").success_rate(0.999);
    /// static PAY: HandlerSite = HandlerSite::new("pay", &[], &[]).with_objective(&CHECKOUT);
    /// assert_eq!(PAY.objective(), Some(&CHECKOUT));
    /// ```
    pub const fn with_objective(mut self, objective: &'static Objective) -> Self {
        self.objective = Some(objective);
        self
    }

    /// The objective this handler's requests count towards, if any.
    ///
    /// # Examples
    ///
    /// ```
    /// # use handler_metrics_runtime::HandlerSite;
    /// static SITE: HandlerSite = HandlerSite::new("health", &[], &[]);
    /// assert_eq!(SITE.objective(), None);
    /// ```
    pub fn objective(&self) -> Option<&'static Objective> {
        self.objective
    }

    /// The `handler` label value.
    ///
    /// # Examples
    ///
    /// ```
    /// # use handler_metrics_runtime::HandlerSite;
    /// static SITE: HandlerSite = HandlerSite::new("health", &[], &[]);
    /// assert_eq!(SITE.name(), "health");
    /// ```
    pub fn name(&self) -> &'static str {
        self.name
    }

    pub(crate) fn has_custom_buckets(&self) -> bool {
        !self.buckets.is_empty()
    }

    /// The series of this handler for `endpoint` and `method` (a label value already): a walk
    /// of the few routes it was reached by, one acquire load each, no lock. The first request
    /// of a combination creates it.
    #[inline]
    pub(crate) fn route(
        &'static self,
        store: &'static Store,
        endpoint: &str,
        method: &'static str,
        scheme: Scheme,
    ) -> &'static RouteSeries {
        self.routes
            .iter()
            .find(|r| r.matches(endpoint, method, scheme))
            .unwrap_or_else(|| self.create_route(store, endpoint, method, scheme))
    }

    /// Finds or creates the route series (another thread may have created it meanwhile). Series
    /// live as long as the process: they are bounded by the routes and methods the application
    /// registers, so they are leaked rather than counted.
    #[cold]
    fn create_route(
        &'static self,
        store: &'static Store,
        endpoint: &str,
        method: &'static str,
        scheme: Scheme,
    ) -> &'static RouteSeries {
        let route = self.routes.find_or_insert(
            |r| r.matches(endpoint, method, scheme),
            || {
                warn_about_objective(self, store);
                let names = store.naming.labels();
                let method_value = if method == OTHER_METHOD {
                    store.naming.other_method()
                } else {
                    method
                };
                let mut own = vec![(names.method, method_value), ("handler", self.name)];
                if endpoint != UNMATCHED_ENDPOINT || names.route_when_unmatched {
                    own.push((names.route, endpoint));
                }
                if let Some(scheme_label) = names.scheme {
                    own.push((scheme_label, scheme.as_str()));
                }
                let labels = series_labels(self, store, &own);
                let (bounds, custom): (&'static [f64], bool) = if self.has_custom_buckets() {
                    (self.buckets, true)
                } else {
                    (&store.buckets, false)
                };
                RouteSeries::new(
                    self.name,
                    RouteKey {
                        endpoint,
                        method,
                        scheme,
                    },
                    store.naming,
                    labels,
                    bounds,
                    custom,
                    store.native,
                )
            },
        );
        store
            .routes
            .find_or_insert(|r| std::ptr::eq(*r, route), || route);
        route
    }
}

impl std::fmt::Debug for HandlerSite {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("HandlerSite")
            .field("name", &self.name)
            .field("labels", &self.labels)
            .field("buckets", &self.buckets)
            .field("objective", &self.objective.map(Objective::name))
            .finish_non_exhaustive()
    }
}

/// The site of the requests no `#[metered]` handler served, which a companion layer counts.
pub(crate) static UNMETERED: HandlerSite = HandlerSite::new(UNMETERED_HANDLER, &[], &[]);

/// What the macro cannot check about a handler's objective, said once per route series on
/// standard error: a latency threshold that is not one of the configured buckets (the handler's
/// own are checked at compile time), and an objective the installed configuration does not
/// declare, or declares with other targets, so that rules generated from it do not match.
fn warn_about_objective(site: &HandlerSite, store: &Store) {
    for warning in objective_warnings(site, store) {
        eprintln!("handler-metrics: handler `{}`: {warning}", site.name);
    }
}

fn objective_warnings(site: &HandlerSite, store: &Store) -> Vec<String> {
    let mut warnings = Vec::new();
    let Some(objective) = site.objective else {
        return warnings;
    };
    let name = objective.name();
    if !site.has_custom_buckets() && !objective.threshold_is_bucket(&store.buckets) {
        warnings.push(format!(
            "the latency threshold of objective `{name}` is not one of the configured buckets \
             {:?}; its latency objective cannot be measured",
            store.buckets
        ));
    }
    if store.implicit {
        return warnings;
    }
    match store.objectives.iter().find(|o| o.name() == name) {
        Some(declared) if declared == objective => {}
        Some(_) => warnings.push(format!(
            "objective `{name}` is declared with `Config::objective` with other targets than the \
             handler's; rules generated from the configuration use the configuration's"
        )),
        None => warnings.push(format!(
            "objective `{name}` is not declared with `Config::objective`; rules and dashboards \
             generated from the configuration do not cover it"
        )),
    }
    warnings
}

/// The labels of a route's series, sorted by name: the crate's own, the handler's from the
/// attribute, and the configured constant labels; a status series adds `status` and `outcome`. A handler label that is invalid or repeats a configured
/// one is left out (and said on standard error): the macro rejects invalid names at compile
/// time, and the configuration wins over a handler for the same name.
fn series_labels(site: &HandlerSite, store: &Store, own: &[(&str, &str)]) -> Vec<(String, String)> {
    let mut labels: Vec<(String, String)> = own
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect();
    labels.extend(store.const_labels.iter().cloned());
    if let Some(objective) = site.objective {
        labels.push(("objective".to_owned(), objective.name().to_owned()));
    }
    for (name, value) in site.labels {
        let clash = labels.iter().any(|(n, _)| n == name);
        if clash || check_label_name(name).is_err() {
            eprintln!(
                "handler-metrics: handler `{}` label `{name}` is left out: it is invalid or \
                 also configured with `Config::const_label`",
                site.name
            );
            continue;
        }
        labels.push(((*name).to_owned(), (*value).to_owned()));
    }
    labels.sort();
    labels
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::vocabulary::buckets::DEFAULT_BUCKETS;
    use crate::vocabulary::naming::Naming;

    const API: Objective = Objective::new("api")
        .success_rate(0.999)
        .latency(0.25, 0.99);
    static SITE: HandlerSite = HandlerSite::new("h", &[], &[]).with_objective(&API);

    fn installed(buckets: &[f64], objectives: Vec<Objective>) -> Store {
        Store::new(
            buckets.to_vec(),
            Vec::new(),
            objectives,
            false,
            Naming::Prometheus,
            None,
        )
    }

    #[test]
    fn a_declared_objective_within_the_buckets_is_silent() {
        assert!(objective_warnings(&SITE, &installed(&DEFAULT_BUCKETS, vec![API])).is_empty());
    }

    #[test]
    fn what_the_macro_cannot_check_is_said() {
        let warnings = objective_warnings(&SITE, &installed(&[0.1, 1.0], vec![]));
        assert_eq!(warnings.len(), 2, "{warnings:?}");
        assert!(warnings[0].contains("not one of the configured buckets"));
        assert!(warnings[1].contains("not declared with `Config::objective`"));
        let other = Objective::new("api").success_rate(0.99);
        let warnings = objective_warnings(&SITE, &installed(&DEFAULT_BUCKETS, vec![other]));
        assert!(warnings[0].contains("other targets"), "{warnings:?}");
    }
}
