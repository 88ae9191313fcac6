//! The framework-neutral pieces every framework's wrapper is made of, generated once: the
//! handler's site (a hidden type naming its `static`, with the compile-time check of its
//! objective), the user's arguments, the user's attributes sorted by where they go, and the span
//! generated tokens carry.

use proc_macro2::{Delimiter, Group, Ident, Literal, Span, TokenStream, TokenTree};
use quote::{format_ident, quote, quote_spanned, ToTokens};
use syn::spanned::Spanned;
use syn::{Attribute, FnArg, Type};

use crate::args::Args;
use crate::handler::Handler;

/// What every framework's wrapper is made of, generated here once.
pub(crate) struct Parts<'a> {
    /// `::handler_metrics::__private`, or the `crate = "..."` path's.
    pub(crate) private: TokenStream,
    /// The `static __HANDLER_METRICS_SITE: HandlerSite`, and the objective's check.
    pub(crate) site: TokenStream,
    /// The name of the site's type, for a framework whose extractor names the handler's site by
    /// a type (see [`Parts::site_type_item`]).
    pub(crate) site_type: Ident,
    /// The types of the user's arguments, in order.
    pub(crate) arg_types: Vec<&'a Type>,
    /// A name for each of the user's arguments, in the generated item.
    pub(crate) arg_names: Vec<Ident>,
    /// The span of the handler's argument list: generated tokens carry it, so that rustc
    /// reports an unmet bound (an argument that is no extractor, a return type that is no
    /// response) at the user's signature, once.
    pub(crate) signature_span: Span,
    /// The user's attributes that go on the item the framework registers.
    pub(crate) outer_attrs: Vec<&'a Attribute>,
    /// The user's attributes that stay on the user's function.
    pub(crate) inner_attrs: Vec<&'a Attribute>,
    /// The user's body, noting at its start the trace it runs in ([`noting_body`]).
    pub(crate) body: TokenStream,
}

impl<'a> Parts<'a> {
    /// The parts of `handler`'s wrapper, for a framework whose routing macros `is_route_macro`
    /// recognises (they stay on the item the framework registers).
    pub(crate) fn new(
        args: &Args,
        handler: &'a Handler,
        is_route_macro: fn(&syn::Path) -> bool,
    ) -> Parts<'a> {
        let krate = match &args.krate {
            Some(path) => path.to_token_stream(),
            None => quote!(::handler_metrics),
        };
        let private = quote!(#krate::__private);
        let (outer_attrs, inner_attrs) = handler.split_attrs(is_route_macro);
        let signature_span = handler.sig.paren_token.span.join();
        let site_type = format_ident!(
            "__HandlerMetricsSite_{}",
            syn::ext::IdentExt::unraw(&handler.sig.ident),
            span = signature_span
        );
        let arg_types: Vec<&Type> = handler
            .sig
            .inputs
            .iter()
            .filter_map(|input| match input {
                FnArg::Typed(typed) => Some(&*typed.ty),
                FnArg::Receiver(_) => None,
            })
            .collect();
        let arg_names = (0..arg_types.len())
            .map(|i| format_ident!("__handler_metrics_arg{i}", span = signature_span))
            .collect();
        Parts {
            body: noting_body(&private, &handler.body),
            site: site(&private, args, handler, signature_span),
            site_type,
            arg_types,
            arg_names,
            private,
            signature_span,
            outer_attrs,
            inner_attrs,
        }
    }
}

impl Parts<'_> {
    /// The site's type, an empty enum, and its `SiteOf` impl, whose `SITE` constant refers to the
    /// `static` site. It goes beside the item the framework registers, as visible (the item's
    /// argument type names it) and under the same `cfg`s.
    pub(crate) fn site_type_item(&self, vis: &syn::Visibility) -> TokenStream {
        let Parts {
            private,
            site,
            site_type,
            signature_span,
            outer_attrs,
            ..
        } = self;
        let cfgs: Vec<_> = outer_attrs
            .iter()
            .filter(|attr| attr.path().is_ident("cfg") || attr.path().is_ident("cfg_attr"))
            .collect();
        let private = respan(private.clone(), *signature_span);
        quote_spanned! {*signature_span=>
            #(#cfgs)*
            #[doc(hidden)]
            #[allow(non_camel_case_types)]
            #vis enum #site_type {}

            #(#cfgs)*
            impl #private::SiteOf for #site_type {
                const SITE: &'static #private::HandlerSite = {
                    #site
                    &__HANDLER_METRICS_SITE
                };
            }
        }
    }
}

/// The handler's `static` site: its `handler` label, its own labels and buckets, its objective.
fn site(
    private: &TokenStream,
    args: &Args,
    handler: &Handler,
    signature_span: Span,
) -> TokenStream {
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
    let site_type = respan(quote!(#private::HandlerSite), signature_span);
    quote! {
        #check_objective
        static __HANDLER_METRICS_SITE: #site_type =
            #site_type::new(#name, &[#(#labels),*], #handler_buckets)
                #with_objective;
    }
}

/// The user's body (`{ ... }`) with a call to the runtime's `note_trace()` first, which keeps the
/// trace the body runs in for the request's exemplar (it does nothing without the
/// `opentelemetry` feature). The body is where a span of `#[tracing::instrument]` is entered,
/// whichever attribute comes first:
///
/// - below `#[metered]`, it instruments the user's function after this expansion, with this call
///   inside;
/// - above `#[metered]`, it has already rewritten the body: its span is entered only around the
///   future it names `__tracing_instrument_future` (tracing-attributes' `gen_block`), so the
///   call goes at the start of that `async move` block instead.
///
/// Inner attributes (`#![allow(..)]`) stay first. A body of another shape is left as it is.
fn noting_body(private: &TokenStream, body: &TokenStream) -> TokenStream {
    let note = quote!(#private::note_trace(););
    let mut trees = body.clone().into_iter();
    let (Some(TokenTree::Group(block)), None) = (trees.next(), trees.next()) else {
        return body.clone();
    };
    if block.delimiter() != Delimiter::Brace {
        return body.clone();
    }
    let stream = into_instrumented_future(block.stream(), &note)
        .unwrap_or_else(|| prepend(block.stream(), &note));
    let mut noted = Group::new(Delimiter::Brace, stream);
    noted.set_span(block.span());
    TokenTree::Group(noted).into()
}

/// `stream` with `note` inserted at the start of the `async move { .. }` that
/// `#[tracing::instrument]` binds to `__tracing_instrument_future`, if there is one, at any depth.
fn into_instrumented_future(stream: TokenStream, note: &TokenStream) -> Option<TokenStream> {
    let mut trees: Vec<TokenTree> = stream.into_iter().collect();
    let is_ident = |tree: Option<&TokenTree>, name: &str| matches!(tree, Some(TokenTree::Ident(ident)) if ident == name);
    for i in 0..trees.len() {
        if is_ident(trees.get(i), "__tracing_instrument_future")
            && matches!(trees.get(i + 1), Some(TokenTree::Punct(p)) if p.as_char() == '=')
            && is_ident(trees.get(i + 2), "async")
            && is_ident(trees.get(i + 3), "move")
        {
            if let Some(TokenTree::Group(block)) = trees.get(i + 4) {
                if block.delimiter() == Delimiter::Brace {
                    let mut noted = Group::new(Delimiter::Brace, prepend(block.stream(), note));
                    noted.set_span(block.span());
                    trees[i + 4] = TokenTree::Group(noted);
                    return Some(trees.into_iter().collect());
                }
            }
        }
    }
    for i in 0..trees.len() {
        if let TokenTree::Group(group) = &trees[i] {
            if let Some(inner) = into_instrumented_future(group.stream(), note) {
                let mut replaced = Group::new(group.delimiter(), inner);
                replaced.set_span(group.span());
                trees[i] = TokenTree::Group(replaced);
                return Some(trees.into_iter().collect());
            }
        }
    }
    None
}

/// `note` before the statements of a block's `stream`, after its inner attributes.
fn prepend(stream: TokenStream, note: &TokenStream) -> TokenStream {
    let trees: Vec<TokenTree> = stream.into_iter().collect();
    let mut attrs_end = 0;
    while let [TokenTree::Punct(pound), TokenTree::Punct(bang), TokenTree::Group(group), ..] =
        &trees[attrs_end..]
    {
        if pound.as_char() != '#'
            || bang.as_char() != '!'
            || group.delimiter() != Delimiter::Bracket
        {
            break;
        }
        attrs_end += 3;
    }
    let mut output: TokenStream = trees[..attrs_end].iter().cloned().collect();
    output.extend(note.clone());
    output.extend(trees[attrs_end..].iter().cloned());
    output
}

/// The span of the user's return type (`default` when there is none): the generated item's
/// return type carries it, so that an output that is no response is reported there.
pub(crate) fn return_span(sig: &syn::Signature, default: Span) -> Span {
    match &sig.output {
        syn::ReturnType::Type(_, ty) => ty.span(),
        syn::ReturnType::Default => default,
    }
}

/// `tokens` with every span set to `span`, so an error about them points there.
pub(crate) fn respan(tokens: TokenStream, span: Span) -> TokenStream {
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
