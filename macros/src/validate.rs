//! Checking the parsed model: every rule a handler and its arguments must meet, as errors spanned
//! on the offending token. Nothing here generates code.

use syn::FnArg;

use crate::args::Args;
use crate::framework::Framework;
use crate::handler::Handler;

/// Label names the crate sets itself or Prometheus reserves. The runtime has the same list
/// (`RESERVED_LABELS` in `runtime/src/vocabulary/names.rs`); `tests/macro_and_runtime_agree.rs`
/// fails when they differ.
const RESERVED_LABELS: [&str; 13] = [
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

/// The `handler` value of the requests no `#[metered]` handler serves, which the companion layer
/// counts: no handler may be named so. The runtime's `UNMETERED_HANDLER`;
/// `tests/macro_and_runtime_agree.rs` fails when they differ.
const UNMETERED_HANDLER: &str = "unmetered";

/// Collects every error, so one compile shows them all.
#[derive(Default)]
struct Errors(Option<syn::Error>);

impl Errors {
    fn push(&mut self, error: syn::Error) {
        match &mut self.0 {
            Some(all) => all.combine(error),
            None => self.0 = Some(error),
        }
    }

    fn spanned(&mut self, tokens: impl quote::ToTokens, message: impl std::fmt::Display) {
        self.push(syn::Error::new_spanned(tokens, message));
    }

    fn finish(self) -> syn::Result<()> {
        self.0.map_or(Ok(()), Err)
    }
}

pub(crate) fn validate(framework: Framework, args: &Args, handler: &Handler) -> syn::Result<()> {
    let mut errors = Errors::default();
    check_signature(framework, handler, &mut errors);
    check_attributes(handler, &mut errors);
    check_args(args, &mut errors);
    check_handler_name(args, handler, &mut errors);
    errors.finish()
}

fn check_signature(framework: Framework, handler: &Handler, errors: &mut Errors) {
    let facts = framework.facts();
    let framework_name = facts.name;
    let sig = &handler.sig;
    if let Some(constness) = &sig.constness {
        errors.spanned(
            constness,
            "`#[metered]` cannot be applied to a `const fn`, handlers are `async fn`",
        );
    }
    if let Some(abi) = &sig.abi {
        errors.spanned(
            abi,
            "`#[metered]` cannot be applied to an `extern` fn, handlers use the Rust ABI",
        );
    }
    if let Some(unsafety) = &sig.unsafety {
        errors.spanned(
            unsafety,
            format!(
                "`#[metered]` cannot be applied to an `unsafe fn`, {framework_name} cannot call it"
            ),
        );
    }
    if sig.asyncness.is_none() && sig.constness.is_none() && sig.abi.is_none() {
        errors.spanned(
            sig.fn_token,
            "`#[metered]` handlers must be `async fn`: write `async fn` here",
        );
    }
    if !sig.generics.params.is_empty() || sig.generics.where_clause.is_some() {
        errors.spanned(
            &sig.generics,
            "`#[metered]` does not support generic handlers yet; wrap a generic function in a non-generic handler",
        );
    }
    if let Some(variadic) = &sig.variadic {
        errors.spanned(variadic, "`#[metered]` handlers cannot be variadic");
    }
    for input in &sig.inputs {
        if let FnArg::Receiver(receiver) = input {
            errors.spanned(
                receiver.self_token,
                format!("`#[metered]` handlers cannot take `self`: {framework_name} handlers are free functions whose arguments are extractors"),
            );
        }
        if let FnArg::Typed(typed) = input {
            if let syn::Type::ImplTrait(impl_trait) = &*typed.ty {
                errors.spanned(
                    impl_trait,
                    "`#[metered]` does not support `impl Trait` arguments, which make a handler generic; name the extractor type",
                );
            }
        }
    }
    let max = facts.max_args;
    if sig.inputs.len() > max {
        let extra: Vec<&FnArg> = sig.inputs.iter().skip(max).collect();
        errors.spanned(
            quote::quote!(#(#extra)*),
            format!(
                "too many extractor arguments: {framework_name} handlers take at most {max}, this one takes {}; {}",
                sig.inputs.len(),
                facts.group_args,
            ),
        );
    }
}

fn check_attributes(handler: &Handler, errors: &mut Errors) {
    for attr in &handler.attrs {
        if attr.path().is_ident("metered")
            || attr
                .path()
                .segments
                .last()
                .is_some_and(|s| s.ident == "metered" && attr.path().segments.len() == 2)
        {
            errors.spanned(
                attr,
                "duplicate `#[metered]`: a handler is metered once, this would count each request twice",
            );
        }
    }
}

/// The handler's label, from `name` or the function's name, is not the one reserved for the
/// requests no handler serves.
fn check_handler_name(args: &Args, handler: &Handler, errors: &mut Errors) {
    let reserved = |name: &str| {
        format!(
            "handler name `{name}` is reserved: the companion layer counts the requests no `#[metered]` handler serves under `handler=\"{UNMETERED_HANDLER}\"`"
        )
    };
    match &args.name {
        Some(name) if name.value() == UNMETERED_HANDLER => {
            errors.spanned(name, reserved(UNMETERED_HANDLER));
        }
        None if handler.default_name() == UNMETERED_HANDLER => {
            errors.spanned(
                &handler.sig.ident,
                format!(
                    "{}; name this handler's series with `#[metered(name = \"…\")]`",
                    reserved(UNMETERED_HANDLER)
                ),
            );
        }
        _ => {}
    }
}

fn check_args(args: &Args, errors: &mut Errors) {
    if let Some(name) = &args.name {
        let value = name.value();
        if value.is_empty() {
            errors.spanned(
                name,
                "handler name must not be empty; omit `name` to use the function's name",
            );
        } else if !is_identifier(&value) {
            errors.spanned(
                name,
                format!("invalid handler name `{value}`: expected ASCII letters, digits and `_`, not starting with a digit"),
            );
        }
    }
    if let Some(buckets) = &args.buckets {
        if buckets.values.is_empty() {
            errors.push(syn::Error::new(
                buckets.span,
                "expected at least one bucket: `buckets = [0.1, 0.5, 1.0]`, or omit `buckets` for the configured ones",
            ));
        }
        for (i, bucket) in buckets.values.iter().enumerate() {
            if bucket.value < 0.0 {
                errors.spanned(
                    &bucket.tokens,
                    "bucket must not be negative: a duration is at least 0 seconds",
                );
            } else if !bucket.value.is_finite() {
                errors.spanned(
                    &bucket.tokens,
                    "bucket must be finite; the `+Inf` bucket is always added",
                );
            } else if let Some(previous) = i.checked_sub(1).map(|p| &buckets.values[p]) {
                if bucket.value == previous.value {
                    errors.spanned(&bucket.tokens, format!("duplicate bucket {}", bucket.value));
                } else if bucket.value < previous.value {
                    errors.spanned(
                        &bucket.tokens,
                        format!(
                            "buckets must be in increasing order, but {} follows {}",
                            bucket.value, previous.value
                        ),
                    );
                }
            }
        }
    }
    if let Some(labels) = &args.labels {
        for (i, label) in labels.iter().enumerate() {
            let name = &label.name;
            let message = if RESERVED_LABELS.contains(&name.as_str()) {
                Some(format!(
                    "label name `{name}` is reserved: handler-metrics sets `endpoint`, `method`, `status`, `handler`, `outcome` and `objective` (and, under the OpenTelemetry naming, `http_route`, `http_request_method`, `http_response_status_code`, `error_type` and `url_scheme`), and Prometheus reserves `le` and `quantile`"
                ))
            } else if name.starts_with("__") {
                Some(format!("invalid label name `{name}`: names starting with `__` are reserved for Prometheus"))
            } else if !is_identifier(name) {
                Some(format!(
                    "invalid label name `{name}`: expected ASCII letters, digits and `_`, not starting with a digit"
                ))
            } else if labels[..i].iter().any(|earlier| &earlier.name == name) {
                Some(format!("duplicate label `{name}`"))
            } else {
                None
            };
            if let Some(message) = message {
                errors.push(syn::Error::new(label.name_span, message));
            }
        }
    }
}

/// `[a-zA-Z_][a-zA-Z0-9_]*`: Prometheus's label-name rule, also used for handler names.
fn is_identifier(name: &str) -> bool {
    let mut chars = name.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}
