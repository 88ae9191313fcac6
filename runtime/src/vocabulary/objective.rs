//! Service-level objectives: what share of a handler's requests must succeed, and how fast.

/// A service-level objective for one handler or a group of handlers, declared once as a `const`
/// and referenced from the attribute: `#[metered(objective = CHECKOUT)]`.
///
/// An objective has a name (the value of the `objective` label on the series of the handlers
/// that reference it, and the key the generated rules select on), and one or both of:
///
/// - a **success-rate** objective: the share of requests that must not end in `server_error` or
///   `panic` (a `5xx` or a panic; `4xx` and cancellations are the client's doing);
/// - a **latency** objective: the share of requests that must finish within a threshold, which
///   must be a bucket bound of the handler's histogram so that Prometheus can count them exactly.
///
/// Register the same constants with [`Config::objective`](crate::Config::objective) to generate
/// Prometheus rules ([`Config::prometheus_rules`](crate::Config::prometheus_rules)) and a Grafana
/// dashboard ([`Config::grafana_dashboard`](crate::Config::grafana_dashboard)) from them.
///
/// Mistakes are compile errors where the macro can see them (an objective referenced by a
/// handler is checked in a `const` the attribute emits, against the handler's own `buckets` if
/// it has any), and [`ConfigError`](crate::ConfigError)s at start-up otherwise.
///
/// # Examples
///
/// ```
/// use handler_metrics_runtime::Objective;
///
/// /// 99.9 % of checkout requests succeed, 99 % finish within 250 ms.
/// const CHECKOUT: Objective = Objective::new("checkout")
///     .success_rate(0.999)
///     .latency(0.25, 0.99);
///
/// assert_eq!(CHECKOUT.name(), "checkout");
/// assert_eq!(CHECKOUT.success_target(), Some(0.999));
/// assert_eq!(CHECKOUT.latency_target(), Some((0.25, 0.99)));
/// ```
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Objective {
    name: &'static str,
    success: Option<f64>,
    latency: Option<(f64, f64)>,
}

impl Objective {
    /// An objective named `name` (ASCII letters, digits, `_` and `-`), with no target yet.
    ///
    /// # Examples
    ///
    /// ```
    /// const API: handler_metrics_runtime::Objective =
    ///     handler_metrics_runtime::Objective::new("api").success_rate(0.995);
    /// # let _ = API;
    /// ```
    pub const fn new(name: &'static str) -> Objective {
        Objective {
            name,
            success: None,
            latency: None,
        }
    }

    /// The share of requests, strictly between 0 and 1, that must not end in a `5xx` or a panic:
    /// `0.999` for "99.9 %".
    ///
    /// # Examples
    ///
    /// ```
    /// let api = handler_metrics_runtime::Objective::new("api").success_rate(0.999);
    /// assert_eq!(api.error_budget(), Some(0.0010000000000000009));
    /// ```
    pub const fn success_rate(mut self, target: f64) -> Objective {
        self.success = Some(target);
        self
    }

    /// The share of requests, strictly between 0 and 1, that must finish within
    /// `threshold_seconds`, a bucket bound of the handler's histogram: `latency(0.25, 0.99)` for
    /// "99 % within 250 ms".
    ///
    /// # Examples
    ///
    /// ```
    /// let api = handler_metrics_runtime::Objective::new("api").latency(0.5, 0.95);
    /// assert_eq!(api.latency_target(), Some((0.5, 0.95)));
    /// ```
    pub const fn latency(mut self, threshold_seconds: f64, target: f64) -> Objective {
        self.latency = Some((threshold_seconds, target));
        self
    }

    /// The name: the `objective` label value.
    ///
    /// # Examples
    ///
    /// ```
    /// assert_eq!(handler_metrics_runtime::Objective::new("api").name(), "api");
    /// ```
    pub const fn name(&self) -> &'static str {
        self.name
    }

    /// The success-rate target, if any.
    ///
    /// # Examples
    ///
    /// ```
    /// assert_eq!(handler_metrics_runtime::Objective::new("api").success_target(), None);
    /// ```
    pub const fn success_target(&self) -> Option<f64> {
        self.success
    }

    /// The latency objective as `(threshold in seconds, target)`, if any.
    ///
    /// # Examples
    ///
    /// ```
    /// assert_eq!(handler_metrics_runtime::Objective::new("api").latency_target(), None);
    /// ```
    pub const fn latency_target(&self) -> Option<(f64, f64)> {
        self.latency
    }

    /// The error budget of the success-rate objective: `1 - target`.
    ///
    /// # Examples
    ///
    /// ```
    /// let api = handler_metrics_runtime::Objective::new("api").success_rate(0.99);
    /// assert!((api.error_budget().unwrap() - 0.01).abs() < 1e-12);
    /// ```
    pub fn error_budget(&self) -> Option<f64> {
        self.success.map(|target| 1.0 - target)
    }

    /// The budget of the latency objective: the share of requests allowed to be slower than the
    /// threshold, `1 - target`.
    ///
    /// # Examples
    ///
    /// ```
    /// let api = handler_metrics_runtime::Objective::new("api").latency(0.25, 0.95);
    /// assert!((api.latency_budget().unwrap() - 0.05).abs() < 1e-12);
    /// ```
    pub fn latency_budget(&self) -> Option<f64> {
        self.latency.map(|(_, target)| 1.0 - target)
    }

    /// Whether the objective is well formed: a valid name, at least one target, every target
    /// strictly between 0 and 1, a positive finite threshold. `Err` says what is wrong.
    ///
    /// A `const fn`, so the attribute checks it at compile time.
    ///
    /// # Examples
    ///
    /// ```
    /// use handler_metrics_runtime::Objective;
    ///
    /// assert!(Objective::new("api").success_rate(0.999).check().is_ok());
    /// assert!(Objective::new("api").success_rate(99.9).check().is_err());
    /// assert!(Objective::new("api").check().is_err());
    /// ```
    pub const fn check(&self) -> Result<(), &'static str> {
        if let Err(reason) = check_name(self.name) {
            return Err(reason);
        }
        if self.success.is_none() && self.latency.is_none() {
            return Err(
                "an objective needs a target: add `.success_rate(..)` and/or `.latency(..)`",
            );
        }
        if let Some(target) = self.success {
            if !is_share(target) {
                return Err(
                    "a success rate is a share strictly between 0 and 1: `0.999` for 99.9 %",
                );
            }
        }
        if let Some((threshold, target)) = self.latency {
            if !(threshold > 0.0 && threshold < f64::INFINITY) {
                return Err("a latency threshold is a positive, finite number of seconds");
            }
            if !is_share(target) {
                return Err(
                    "a latency target is a share strictly between 0 and 1: `0.99` for 99 %",
                );
            }
        }
        Ok(())
    }

    /// Whether the latency threshold (if any) is one of `buckets`, so that the requests within
    /// it can be counted exactly from the histogram.
    ///
    /// # Examples
    ///
    /// ```
    /// use handler_metrics_runtime::Objective;
    ///
    /// let api = Objective::new("api").latency(0.25, 0.99);
    /// assert!(api.threshold_is_bucket(&[0.1, 0.25, 1.0]));
    /// assert!(!api.threshold_is_bucket(&[0.1, 0.3, 1.0]));
    /// ```
    pub const fn threshold_is_bucket(&self, buckets: &[f64]) -> bool {
        let Some((threshold, _)) = self.latency else {
            return true;
        };
        let mut i = 0;
        while i < buckets.len() {
            if buckets[i] == threshold {
                return true;
            }
            i += 1;
        }
        false
    }
}

const fn is_share(value: f64) -> bool {
    value > 0.0 && value < 1.0
}

const fn check_name(name: &str) -> Result<(), &'static str> {
    let bytes = name.as_bytes();
    if bytes.is_empty() {
        return Err("an objective name must not be empty");
    }
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        if !(b.is_ascii_alphanumeric() || b == b'_' || b == b'-') {
            return Err("an objective name is ASCII letters, digits, `_` and `-`");
        }
        i += 1;
    }
    Ok(())
}

/// What the code `#[metered(objective = ..)]` generates evaluates in a `const`: a compile error
/// (the panic message) when the objective is malformed, or when the handler declares its own
/// `buckets` and the latency threshold is not one of them.
#[doc(hidden)]
pub const fn assert_objective(objective: &Objective, handler_buckets: &[f64]) {
    if let Err(reason) = objective.check() {
        panic!("{}", reason);
    }
    if !handler_buckets.is_empty() && !objective.threshold_is_bucket(handler_buckets) {
        panic!(
            "the objective's latency threshold is not one of this handler's `buckets`; \
             add it to `buckets = [...]` so that requests within it can be counted exactly"
        );
    }
}
