//! axum 0.8: its facts and the handler `#[metered]` generates for it.
//!
//! An axum extractor needs the router's state `S`, which only axum's own `Handler` impl sees.
//! So the attribute generates a handler axum calls with extractors of ours around the user's:
//! for
//!
//! ```text
//! #[metered]
//! pub async fn get_user(State(db): State<Db>, Path(id): Path<u32>) -> Json<User> { ... }
//! ```
//!
//! it generates a function of the same name and visibility, registered as the user's was
//! (`get(get_user)`), with the user's function inside it, unchanged but for one call at the
//! start of its body that notes the trace it runs in (`note_trace()`, see `parts::noting_body`):
//!
//! ```text
//! pub enum __HandlerMetricsSite_get_user {}
//! impl SiteOf for __HandlerMetricsSite_get_user {
//!     const SITE: &'static HandlerSite = { static SITE: HandlerSite = ...; &SITE };
//! }
//!
//! pub fn get_user(
//!     metered: Metered<__HandlerMetricsSite_get_user, (State<Db>, Path<u32>)>,
//! ) -> impl Future<Output = Response> + Send {
//!     async fn get_user(State(db): State<Db>, Path(id): Path<u32>) -> Json<User> {
//!         note_trace();
//!         ...
//!     }
//!     let (recording, (arg0, arg1)) = Metered::into_parts(metered);
//!     Run::new(recording, get_user(arg0, arg1))
//! }
//! ```
//!
//! Extracting `Metered` begins the recording (before the user's extractors run, so that their
//! time counts), then extracts the tuple as axum's `Handler` would, with the router's state;
//! a rejection finishes the recording with the status of the response axum sends for it. `Run`
//! is a small hand-written future, not an `async` block: besides the user's function, a handler
//! costs the compiler two small `poll`s. The handler stays a function: no type or constant takes
//! its name, so nothing changes for a binding or a variable of the same name elsewhere in the
//! module. The site's type is an empty enum: it has no value to collide with a pattern either.

use proc_macro2::TokenStream;
use quote::{quote, quote_spanned};

use super::facts::Facts;
use crate::handler::Handler;
use crate::parts::{respan, return_span, Parts};

pub(super) const FACTS: Facts = Facts {
    name: "axum",
    // axum's `Handler` impls take 16 arguments (its `all_the_tuples!`), as do the runtime's
    // `Arguments` and `PartsArguments`, which extract them.
    max_args: 16,
    group_args: "group some into a tuple extractor or a struct implementing `FromRequestParts`",
    // axum routes with `Router::route`; it has no routing attributes.
    is_route_macro: |_| false,
};

pub(super) fn wrapper(handler: &Handler, parts: &Parts<'_>) -> TokenStream {
    let site = parts.site_type_item(&handler.vis);
    let Parts {
        private,
        site_type,
        arg_types,
        arg_names,
        signature_span,
        outer_attrs,
        inner_attrs,
        ..
    } = parts;
    let Handler { vis, sig, .. } = handler;
    let noted_body = &parts.body;
    let span = *signature_span;
    let ident = &sig.ident;
    let fn_token = sig.fn_token;
    let axum = respan(quote!(#private::axum), span);
    // Spanned on the user's return type, so that "is not `IntoResponse`" points at it.
    let future = respan(
        quote!(impl #private::axum::Future<Output = #private::axum::Response> + #private::axum::Send),
        return_span(sig, span),
    );

    quote_spanned! {span=>
        #site

        #(#outer_attrs)*
        // The tuple of the user's argument types is one type to clippy.
        #[allow(clippy::type_complexity)]
        #vis #fn_token #ident(
            __handler_metrics: #axum::Metered<#site_type, (#(#arg_types,)*)>,
        ) -> #future {
            #(#inner_attrs)*
            #sig #noted_body

            let (__handler_metrics_recording, (#(#arg_names,)*)) =
                #axum::Metered::into_parts(__handler_metrics);
            #axum::Run::new(__handler_metrics_recording, #ident(#(#arg_names),*))
        }
    }
}
