//! actix-web 4: its facts and the function `#[metered]` generates for it.
//!
//! For
//!
//! ```text
//! #[get("/users/{id}")]
//! #[metered]
//! #[tracing::instrument]
//! pub async fn get_user(id: web::Path<u32>) -> Result<HttpResponse, ApiError> { ... }
//! ```
//!
//! it generates a function of the same name and visibility that actix registers, with the user's
//! function inside it, unchanged but for one call at the start of its body that notes the trace
//! it runs in (`note_trace()`, see `parts::noting_body`):
//!
//! ```text
//! #[get("/users/{id}")]
//! pub fn get_user(request: UnextractedRequest) -> impl Future<Output = HttpResponse> {
//!     #[tracing::instrument]
//!     async fn get_user(id: web::Path<u32>) -> Result<HttpResponse, ApiError> {
//!         note_trace();
//!         ...
//!     }
//!     static SITE: HandlerSite = HandlerSite::new("get_user", &[], &[]);
//!     serve(&SITE, request, get_user)
//! }
//! ```
//!
//! actix hands the generated function the arguments not yet extracted; `serve` extracts them
//! and builds the response exactly as actix's own handler service does, which is how extractor
//! rejections and the exact status of any `Responder` are seen. Its future, `Serve`, is written
//! by hand and holds the user's future unboxed: per handler the compiler builds only its `poll`;
//! the extraction is shared by the handlers of the same arguments, the response by those of the
//! same output type.

use proc_macro2::TokenStream;
use quote::{quote, quote_spanned};

use super::facts::Facts;
use crate::handler::Handler;
use crate::parts::{respan, return_span, Parts};

pub(super) const FACTS: Facts = Facts {
    name: "actix-web",
    // actix-web's `Handler` and `FromRequest` tuple impls.
    max_args: 16,
    group_args: "group some into a tuple extractor or a struct implementing `FromRequest`",
    is_route_macro,
};

/// actix-web's routing macros, written bare (`#[get(..)]`) or through actix-web's own crates
/// (`#[actix_web::get(..)]`): they must see the function actix calls. `#[fastrace::trace]` and
/// the like are not routing macros and stay on the user's function.
const ROUTE_MACROS: &[&str] = &[
    "get", "post", "put", "delete", "head", "connect", "options", "trace", "patch", "query",
    "route", "routes",
];

fn is_route_macro(path: &syn::Path) -> bool {
    let Some(last) = path.segments.last() else {
        return false;
    };
    let from_actix = path.segments.len() == 1
        || path
            .segments
            .first()
            .is_some_and(|first| first.ident == "actix_web" || first.ident == "actix_web_codegen");
    from_actix && ROUTE_MACROS.iter().any(|name| last.ident == name)
}

pub(super) fn wrapper(handler: &Handler, parts: &Parts<'_>) -> TokenStream {
    let Parts {
        private,
        site,
        signature_span,
        outer_attrs,
        inner_attrs,
        ..
    } = parts;
    let Handler { vis, sig, .. } = handler;
    let noted_body = &parts.body;
    let ident = &sig.ident;
    let fn_token = sig.fn_token;
    let actix = respan(quote!(#private::actix), *signature_span);
    let handler_fn = respan(quote!(#ident), *signature_span);
    // Spanned on the user's return type, so that "is not `Responder`" points at it.
    let future = respan(
        quote!(impl #private::actix::Future<Output = #private::actix::HttpResponse>),
        return_span(sig, *signature_span),
    );

    quote_spanned! {*signature_span=>
        #(#outer_attrs)*
        #vis #fn_token #ident(
            __handler_metrics_request: #actix::UnextractedRequest,
        ) -> #future {
            #(#inner_attrs)*
            #sig #noted_body

            #site

            #actix::serve(&__HANDLER_METRICS_SITE, __handler_metrics_request, #handler_fn)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn route_macro(attr: &str) -> bool {
        is_route_macro(&syn::parse_str::<syn::Path>(attr).unwrap())
    }

    #[test]
    fn routing_macros_bare_or_through_actix() {
        assert!(route_macro("get"));
        assert!(route_macro("actix_web::post"));
        assert!(route_macro("route"));
        assert!(route_macro("actix_web::routes"));
        assert!(route_macro("trace"));
        assert!(!route_macro("fastrace::trace"));
        assert!(!route_macro("tracing::instrument"));
    }
}
