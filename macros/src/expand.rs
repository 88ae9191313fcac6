//! The pipeline (parse → validate → generate) and the code it generates.
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
//! function unchanged inside it:
//!
//! ```text
//! #[get("/users/{id}")]
//! pub fn get_user(request: UnextractedRequest) -> impl Future<Output = HttpResponse> {
//!     #[tracing::instrument]
//!     async fn get_user(id: web::Path<u32>) -> Result<HttpResponse, ApiError> { ... }
//!     static SITE: HandlerSite = HandlerSite::new("get_user", &[], &[]);
//!     serve(&SITE, request, |args| Box::pin(Handler::call(&get_user, args)))
//! }
//! ```
//!
//! actix hands the generated function the arguments not yet extracted; `serve` extracts them
//! and builds the response exactly as actix's own handler service does, which is how extractor
//! rejections and the exact status of any `Responder` are seen. The one part compiled per
//! handler is the small closure that boxes the user's future: `serve` itself is generic over the
//! argument and output types only, so handlers of the same signature share it.

use proc_macro2::{Group, Literal, Span, TokenStream, TokenTree};
use quote::{quote, quote_spanned, ToTokens};
use syn::spanned::Spanned;

use crate::args::Args;
use crate::handler::Handler;
use crate::validate::validate;

/// Entry point: the expansion, or the user's item unchanged plus the errors, so that rustc shows
/// those errors and not a cascade of "cannot find function".
pub(crate) fn metered(args: TokenStream, item: TokenStream) -> TokenStream {
    match try_expand(args, item.clone()) {
        Ok(expanded) => expanded,
        Err(error) => {
            let mut output = item;
            output.extend(error.to_compile_error());
            output
        }
    }
}

fn try_expand(args: TokenStream, item: TokenStream) -> syn::Result<TokenStream> {
    let args = Args::parse(args);
    let handler = Handler::parse(item);
    let (args, handler) = match (args, handler) {
        (Ok(args), Ok(handler)) => (args, handler),
        (Err(mut a), Err(h)) => {
            a.combine(h);
            return Err(a);
        }
        (Err(e), _) | (_, Err(e)) => return Err(e),
    };
    validate(&args, &handler)?;
    Ok(generate(&args, &handler))
}

fn generate(args: &Args, handler: &Handler) -> TokenStream {
    let krate = match &args.krate {
        Some(path) => path.to_token_stream(),
        None => quote!(::handler_metrics),
    };
    let private = quote!(#krate::__private);
    let name = match &args.name {
        Some(name) => name.value(),
        None => handler.default_name(),
    };
    let labels = args.labels.iter().flatten().map(|label| {
        let key = &label.name;
        let value = &label.value;
        quote!((#key, #value))
    });
    let buckets = args
        .buckets
        .iter()
        .flat_map(|b| &b.values)
        .map(|b| Literal::f64_unsuffixed(b.value));

    let Handler {
        outer_attrs,
        inner_attrs,
        vis,
        sig,
        block,
        ..
    } = handler;
    let ident = &sig.ident;
    let fn_token = sig.fn_token;
    // Errors about the handler's arguments (not an extractor) or its return type (not a
    // responder) point at the user's signature, not at generated code: every generated token
    // carries the span of the argument list, so rustc reports an unmet bound there, once.
    let signature_span = sig.paren_token.span.join();
    let handler_buckets = quote!(&[#(#buckets),*]);
    // An objective is checked in a `const`, at compile time, with its tokens' span: a malformed
    // one, or a latency threshold missing from the handler's own `buckets`, is an error there.
    let (with_objective, check_objective) = match &args.objective {
        Some(path) => {
            let span = path.span();
            let objective_type = respan(quote!(#private::Objective), span);
            let assert = respan(quote!(#private::assert_objective), span);
            (
                quote!(.with_objective(__HANDLER_METRICS_OBJECTIVE)),
                // The path is type-checked once, in the first `const`, so a wrong one is one
                // error on the user's tokens.
                quote_spanned! {span=>
                    const __HANDLER_METRICS_OBJECTIVE: &#objective_type = &#path;
                    const _: () = #assert(__HANDLER_METRICS_OBJECTIVE, #handler_buckets);
                },
            )
        }
        None => (TokenStream::new(), TokenStream::new()),
    };
    let actix = respan(quote!(#private::actix), signature_span);
    let handler_fn = respan(quote!(#ident), signature_span);

    quote_spanned! {signature_span=>
        #(#outer_attrs)*
        #vis #fn_token #ident(
            __handler_metrics_request: #actix::UnextractedRequest,
        ) -> impl #actix::Future<Output = #actix::HttpResponse> {
            #(#inner_attrs)*
            #sig #block

            #check_objective
            static __HANDLER_METRICS_SITE: #private::HandlerSite =
                #private::HandlerSite::new(#name, &[#(#labels),*], #handler_buckets)
                    #with_objective;

            #actix::serve(
                &__HANDLER_METRICS_SITE,
                __handler_metrics_request,
                |__handler_metrics_args| {
                    #actix::Box::pin(#actix::Handler::call(&#handler_fn, __handler_metrics_args))
                },
            )
        }
    }
}

/// `tokens` with every span set to `span`, so an error about them points there.
fn respan(tokens: TokenStream, span: Span) -> TokenStream {
    tokens
        .into_iter()
        .map(|mut tree| {
            if let TokenTree::Group(group) = &tree {
                let mut respanned = Group::new(group.delimiter(), respan(group.stream(), span));
                respanned.set_span(span);
                tree = TokenTree::Group(respanned);
            }
            tree.set_span(span);
            tree
        })
        .collect()
}
