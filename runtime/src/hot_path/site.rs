//! A handler site: the static the `#[metered]` macro emits once per annotated handler.

use crate::hot_path::append_only::AppendOnly;
use crate::hot_path::series::RouteSeries;
use crate::vocabulary::objective::Objective;

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
