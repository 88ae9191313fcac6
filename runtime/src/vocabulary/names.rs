//! Label and metric names: the fixed ones this crate emits and the rules user-chosen ones obey.
//!
//! The macro crate checks the same rules at compile time (`macros/src/validate.rs`); these are
//! the run-time half, used by [`Config`](crate::Config). `tests/macro_and_runtime_agree.rs`
//! fails when the two differ.

/// The label names every request series carries under the default
/// [`Naming`](crate::Naming), in exposition order.
///
/// # Examples
///
/// ```
/// assert_eq!(handler_metrics_runtime::REQUEST_LABELS[0], "endpoint");
/// ```
pub const REQUEST_LABELS: [&str; 5] = ["endpoint", "method", "status", "handler", "outcome"];

/// The label names of the in-flight gauge.
///
/// # Examples
///
/// ```
/// assert!(!handler_metrics_runtime::IN_FLIGHT_LABELS.contains(&"status"));
/// ```
pub const IN_FLIGHT_LABELS: [&str; 3] = ["endpoint", "method", "handler"];

/// Label names a user may not choose: the ones this crate sets under either
/// [`Naming`](crate::Naming), and the ones Prometheus gives a meaning to in histograms (`le`) and
/// summaries (`quantile`).
///
/// # Examples
///
/// ```
/// assert!(handler_metrics_runtime::RESERVED_LABELS.contains(&"le"));
/// ```
pub const RESERVED_LABELS: [&str; 13] = [
    "endpoint",
    "method",
    "status",
    "handler",
    "outcome",
    "objective",
    "le",
    "quantile",
    "http_route",
    "http_request_method",
    "http_response_status_code",
    "error_type",
    "url_scheme",
];

/// The `endpoint` value of a request no route template matched (e.g. a default service).
///
/// # Examples
///
/// ```
/// assert_eq!(handler_metrics_runtime::UNMATCHED_ENDPOINT, "unmatched");
/// ```
pub const UNMATCHED_ENDPOINT: &str = "unmatched";

/// The `handler` value of a request that no `#[metered]` handler served, counted by the
/// companion layer (`handler_metrics::axum::layer()`, `handler_metrics::actix::middleware()`):
/// an unknown path, a middleware's early answer, an unannotated handler. `#[metered]` refuses it
/// as a handler's name, so that no handler's series can be confused with these.
///
/// # Examples
///
/// ```
/// assert_eq!(handler_metrics_runtime::UNMETERED_HANDLER, "unmetered");
/// ```
pub const UNMETERED_HANDLER: &str = "unmetered";

/// The `method` value of any method outside the registered standard ones.
///
/// # Examples
///
/// ```
/// assert_eq!(handler_metrics_runtime::method_label("BREW"), handler_metrics_runtime::OTHER_METHOD);
/// ```
pub const OTHER_METHOD: &str = "OTHER";

/// Checks a label name against Prometheus's rules (`[a-zA-Z_][a-zA-Z0-9_]*`, no leading `__`)
/// and this crate's reserved names. Returns the reason it is invalid.
pub(crate) fn check_label_name(name: &str) -> Result<(), String> {
    if name.is_empty() {
        return Err("a label name must not be empty".into());
    }
    if RESERVED_LABELS.contains(&name) {
        return Err(format!("`{name}` is reserved: {}", reserved_list()));
    }
    if name.starts_with("__") {
        return Err("names starting with `__` are reserved for Prometheus's own use".into());
    }
    if !is_identifier(name) {
        return Err("expected ASCII letters, digits and `_`, not starting with a digit".into());
    }
    Ok(())
}

/// Checks a metric name prefix (namespace): `[a-zA-Z_][a-zA-Z0-9_]*` (colons are left to
/// recording rules).
pub(crate) fn check_namespace(namespace: &str) -> Result<(), String> {
    if namespace.is_empty() {
        return Err("a namespace must not be empty; leave it unset for none".into());
    }
    if !is_identifier(namespace) {
        return Err("expected ASCII letters, digits and `_`, not starting with a digit".into());
    }
    Ok(())
}

fn reserved_list() -> String {
    let names: Vec<String> = RESERVED_LABELS.iter().map(|n| format!("`{n}`")).collect();
    format!(
        "handler-metrics sets or Prometheus reserves {}",
        names.join(", ")
    )
}

/// `[a-zA-Z_][a-zA-Z0-9_]*`.
fn is_identifier(name: &str) -> bool {
    let mut chars = name.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

/// Maps a request method to its label value: the standard methods as themselves, anything else
/// (extension methods, lower-case spellings, hostile tokens) to [`OTHER_METHOD`], so a client
/// cannot mint new series by inventing methods.
///
/// # Examples
///
/// ```
/// use handler_metrics_runtime::method_label;
///
/// assert_eq!(method_label("GET"), "GET");
/// assert_eq!(method_label("get"), "OTHER");
/// assert_eq!(method_label("FOO"), "OTHER");
/// ```
// Always inlined: after a framework's `Method::as_str()` the match folds to the method's own
// literal.
#[inline(always)]
pub fn method_label(method: &str) -> &'static str {
    match method {
        "GET" => "GET",
        "HEAD" => "HEAD",
        "POST" => "POST",
        "PUT" => "PUT",
        "DELETE" => "DELETE",
        "CONNECT" => "CONNECT",
        "OPTIONS" => "OPTIONS",
        "TRACE" => "TRACE",
        "PATCH" => "PATCH",
        "QUERY" => "QUERY",
        _ => OTHER_METHOD,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn label_names_follow_prometheus_rules() {
        assert!(check_label_name("service").is_ok());
        assert!(check_label_name("_x9").is_ok());
        assert!(check_label_name("9x").is_err());
        assert!(check_label_name("a-b").is_err());
        assert!(check_label_name("__name").is_err());
        assert!(check_label_name("").is_err());
        for reserved in RESERVED_LABELS {
            assert!(check_label_name(reserved).unwrap_err().contains("reserved"));
        }
    }

    #[test]
    fn namespaces_are_identifiers() {
        assert!(check_namespace("api").is_ok());
        assert!(check_namespace("my_api2").is_ok());
        assert!(check_namespace("").is_err());
        assert!(check_namespace("my-api").is_err());
        assert!(check_namespace("2api").is_err());
    }
}
