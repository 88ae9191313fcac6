//! The `#[metered]` attribute of [handler-metrics](https://docs.rs/handler-metrics).
//!
//! Use it through the `handler-metrics` crate; this crate holds only the macro. The work reads as
//! a pipeline, one module a step: `args` and `handler` parse the attribute and the function
//! into a typed model that keeps the user's spans, `validate` checks that model without
//! generating anything, and `expand` writes the wrapper.

#![forbid(unsafe_code)]
#![deny(missing_docs)]

mod args;
mod expand;
mod handler;
mod validate;

use proc_macro::TokenStream;

/// Records every request an actix-web handler serves in Prometheus metrics: counted, timed and
/// classified by route template, method, exact status and outcome.
///
/// Put it on an `async fn` handler, above or below actix's routing macro:
///
/// ```text
/// #[get("/users/{id}")]
/// #[metered]
/// async fn get_user(id: web::Path<u32>) -> Result<HttpResponse, ApiError> { ... }
/// ```
///
/// Arguments, all optional, each at most once:
///
/// - `name = "get_user"`: the `handler` label (default: the function's name).
/// - `buckets = [0.5, 1, 5, 30]`: this handler's own latency buckets, in seconds, strictly
///   increasing; recorded in the separate `http_requests_custom_duration_seconds` family.
/// - `labels(team = "billing", ...)`: constant labels on this handler's series.
/// - `crate = "path::to::handler_metrics"`: where the facade is, if it is renamed or re-exported.
///
/// The function keeps its name, visibility, docs and other attributes. Misuse is a compile error
/// spanned on the offending token. See the `handler-metrics` crate for the guide.
#[proc_macro_attribute]
pub fn metered(args: TokenStream, item: TokenStream) -> TokenStream {
    expand::metered(args.into(), item.into()).into()
}
