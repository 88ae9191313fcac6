//! The `#[metered]` attributes of [handler-metrics](https://docs.rs/handler-metrics).
//!
//! Use them through the `handler-metrics` crate (`handler_metrics::actix::metered`,
//! `handler_metrics::axum::metered`); this crate holds only the macros. The work reads as a
//! pipeline, one module a step: `args` and `handler` parse the attribute and the function into a
//! typed model that keeps the user's spans, `validate` checks that model without generating
//! anything, `parts` generates what every framework's wrapper is made of, and `expand` runs the
//! pipeline and hands the parts to the framework's own file under `framework`, the one seam
//! between the pipeline and a web framework.

#![forbid(unsafe_code)]
#![deny(missing_docs)]

mod args;
mod expand;
mod framework;
mod handler;
mod parts;
mod validate;

use proc_macro::TokenStream;

use framework::Framework;

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
/// - `objective = CHECKOUT`: the `Objective` constant this handler's requests count towards
///   (the `objective` label; checked at compile time).
/// - `crate = "path::to::handler_metrics"`: where the facade is, if it is renamed or re-exported.
///
/// The function keeps its name, visibility, docs and other attributes. Misuse is a compile error
/// spanned on the offending token. See the `handler-metrics` crate for the guide.
#[proc_macro_attribute]
pub fn metered(args: TokenStream, item: TokenStream) -> TokenStream {
    expand::metered(Framework::Actix, args.into(), item.into()).into()
}

/// Records every request an axum 0.8 handler serves in Prometheus metrics, like [`metered`]
/// does for actix-web; re-exported by the facade as `handler_metrics::axum::metered`.
///
/// ```text
/// #[metered]
/// async fn get_user(State(db): State<Db>, Path(id): Path<u32>) -> Json<User> { ... }
///
/// Router::new().route("/users/{id}", get(get_user)).with_state(db)
/// ```
///
/// The function becomes a unit struct of the same name and visibility that implements
/// `axum::handler::Handler` for every state the function is a handler for, so it is registered
/// as the function was. The arguments are those of [`metered`].
#[proc_macro_attribute]
pub fn metered_axum(args: TokenStream, item: TokenStream) -> TokenStream {
    expand::metered(Framework::Axum, args.into(), item.into()).into()
}
