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
//! (`get(get_user)`), with the user's function unchanged inside it:
//!
//! ```text
//! pub enum __HandlerMetricsSite_get_user {}
//! impl SiteOf for __HandlerMetricsSite_get_user {
//!     fn site() -> &'static HandlerSite { static SITE: HandlerSite = ...; &SITE }
//! }
//!
//! pub fn get_user(
//!     begin: Begin<__HandlerMetricsSite_get_user>,
//!     arg0: Extracted<State<Db>>,
//!     arg1: Extracted<Path<u32>>,
//! ) -> impl Future<Output = Response> + Send {
//!     async fn get_user(State(db): State<Db>, Path(id): Path<u32>) -> Json<User> { ... }
//!     run(begin, async move {
//!         let arg0 = match arg0.into_inner() { Ok(value) => value, Err(rejection) => return rejection };
//!         let arg1 = match arg1.into_inner() { Ok(value) => value, Err(rejection) => return rejection };
//!         IntoResponse::into_response(get_user(arg0, arg1).await)
//!     })
//! }
//! ```
//!
//! axum extracts `Begin` first (the recording starts before the user's extractors run), then
//! each `Extracted<T>` with `T`'s own extractor and the router's state; a rejection becomes the
//! response axum would have sent, recorded with its status. The handler stays a function: no
//! type or constant takes its name, so nothing changes for a binding or a variable of the same
//! name elsewhere in the module. The site's type is an empty enum: it has no value to collide
//! with a pattern either.

use proc_macro2::TokenStream;
use quote::{format_ident, quote, quote_spanned};
use syn::FnArg;

use super::facts::Facts;
use crate::handler::Handler;
use crate::parts::{respan, Parts};

pub(super) const FACTS: Facts = Facts {
    name: "axum",
    // axum's `Handler` impls take 16 arguments (its `all_the_tuples!`); `Begin` is one.
    max_args: 15,
    limit_note: " (axum's 16, less the one `#[metered]` adds)",
    group_args: "group some into a tuple extractor or a struct implementing `FromRequestParts`",
    // axum routes with `Router::route`; it has no routing attributes.
    is_route_macro: |_| false,
};

pub(super) fn wrapper(handler: &Handler, parts: &Parts<'_>) -> TokenStream {
    let Parts {
        private,
        site,
        signature_span,
        outer_attrs,
        inner_attrs,
    } = parts;
    let Handler { vis, sig, body, .. } = handler;
    let span = *signature_span;
    let ident = &sig.ident;
    let fn_token = sig.fn_token;
    let axum = respan(quote!(#private::axum), span);
    let marker = format_ident!(
        "__HandlerMetricsSite_{}",
        syn::ext::IdentExt::unraw(ident),
        span = span
    );
    // Attributes that decide whether the item exists go on the site's type too.
    let cfgs: Vec<_> = outer_attrs
        .iter()
        .filter(|attr| attr.path().is_ident("cfg") || attr.path().is_ident("cfg_attr"))
        .collect();

    let types: Vec<&syn::Type> = sig
        .inputs
        .iter()
        .filter_map(|input| match input {
            FnArg::Typed(typed) => Some(&*typed.ty),
            FnArg::Receiver(_) => None,
        })
        .collect();
    let args: Vec<_> = (0..types.len())
        .map(|i| format_ident!("__handler_metrics_arg{i}", span = span))
        .collect();
    // Spanned on the user's return type, so that "is not `IntoResponse`" points at it.
    let return_span = match &sig.output {
        syn::ReturnType::Type(_, ty) => syn::spanned::Spanned::span(ty),
        syn::ReturnType::Default => span,
    };
    let respond = respan(
        quote!(#private::axum::IntoResponse::into_response(#ident(#(#args),*).await)),
        return_span,
    );

    quote_spanned! {span=>
        #(#cfgs)*
        #[doc(hidden)]
        #[allow(non_camel_case_types)]
        #vis enum #marker {}

        #(#cfgs)*
        impl #axum::SiteOf for #marker {
            #[inline]
            fn site() -> &'static #axum::HandlerSite {
                #site
                &__HANDLER_METRICS_SITE
            }
        }

        #(#outer_attrs)*
        #vis #fn_token #ident(
            __handler_metrics_begin: #axum::Begin<#marker>,
            #(#args: #axum::Extracted<#types>,)*
        ) -> impl #axum::Future<Output = #axum::Response> + #axum::Send {
            #(#inner_attrs)*
            #sig #body

            #axum::run(__handler_metrics_begin, async move {
                #(
                    let #args = match #axum::Extracted::into_inner(#args) {
                        #axum::Ok(value) => value,
                        #axum::Err(rejection) => return rejection,
                    };
                )*
                #respond
            })
        }
    }
}
