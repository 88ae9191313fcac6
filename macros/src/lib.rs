//! The `#[metered]` attribute of [handler-metrics](https://docs.rs/handler-metrics).
//!
//! Use it through the `handler-metrics` crate; this crate holds only the macro. The work reads as
//! a pipeline, one module a step: [`args`] and [`handler`] parse the attribute and the function
//! into a typed model that keeps the user's spans, [`validate`] checks that model without
//! generating anything, and [`expand`] writes the wrapper.

#![forbid(unsafe_code)]
#![deny(missing_docs)]

mod args;
mod expand;
mod handler;
mod validate;

use proc_macro::TokenStream;

/// Records every request an actix-web handler serves in Prometheus metrics.
///
/// See the `handler-metrics` crate for the guide, the metrics emitted and the arguments:
/// `name = "…"`, `buckets = [...]`, `labels(key = "value", …)` and `crate = "…"`.
#[proc_macro_attribute]
pub fn metered(args: TokenStream, item: TokenStream) -> TokenStream {
    expand::metered(args.into(), item.into()).into()
}
