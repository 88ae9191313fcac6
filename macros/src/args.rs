//! Parsing the attribute's arguments into [`Args`].
//!
//! Grammar: `#[metered]` or `#[metered(arg, ...)]` where each arg is one of
//! `name = "..."`, `buckets = [number, ...]`, `labels(key = "value", ...)`,
//! `objective = PATH`, `crate = "path"`, each at most once.

use proc_macro2::{Span, TokenStream};
use syn::ext::IdentExt;
use syn::parse::{Parse, ParseStream, Parser};
use syn::punctuated::Punctuated;
use syn::{bracketed, parenthesized, Ident, Lit, LitStr, Token};

/// The arguments of one `#[metered(...)]`, each keeping the tokens it was written with.
#[derive(Default)]
pub(crate) struct Args {
    /// `name = "..."`: the `handler` label instead of the function's name.
    pub(crate) name: Option<LitStr>,
    /// `buckets = [...]`: this handler's own latency buckets.
    pub(crate) buckets: Option<Buckets>,
    /// `labels(key = "value", ...)`: constant labels on this handler's series.
    pub(crate) labels: Option<Vec<Label>>,
    /// `objective = PATH`: the `const` (or `static`) `Objective` this handler counts towards.
    pub(crate) objective: Option<syn::Path>,
    /// `crate = "path"`: where the facade is, when it is renamed or re-exported.
    pub(crate) krate: Option<syn::Path>,
}

/// `buckets = [...]`.
pub(crate) struct Buckets {
    /// The span of the whole `[...]`, for errors about the list as a whole.
    pub(crate) span: Span,
    pub(crate) values: Vec<Bucket>,
}

/// One bucket bound as written.
pub(crate) struct Bucket {
    pub(crate) value: f64,
    /// The tokens it was written with (`-` included), to span errors on.
    pub(crate) tokens: TokenStream,
}

/// One `key = "value"` of `labels(...)`.
pub(crate) struct Label {
    pub(crate) name: String,
    pub(crate) name_span: Span,
    pub(crate) value: LitStr,
}

const EXPECTED_ARGS: &str = "expected one of `name`, `buckets`, `labels`, `objective`, `crate`";

impl Args {
    pub(crate) fn parse(tokens: TokenStream) -> syn::Result<Args> {
        Parser::parse2(Args::parse_all, tokens)
    }

    fn parse_all(input: ParseStream<'_>) -> syn::Result<Args> {
        let mut args = Args::default();
        while !input.is_empty() {
            let key = input.call(Ident::parse_any).map_err(|err| {
                syn::Error::new(err.span(), format!("expected an argument: {EXPECTED_ARGS}"))
            })?;
            match key.to_string().as_str() {
                "name" => {
                    eq(input, &key, "name = \"get_user\"")?;
                    let name = string(input, "name = \"get_user\"")?;
                    set_once(&mut args.name, &key, name)?;
                }
                "buckets" => {
                    eq(input, &key, "buckets = [0.1, 0.5, 1.0]")?;
                    let buckets = input.parse()?;
                    set_once(&mut args.buckets, &key, buckets)?;
                }
                "labels" => {
                    if !input.peek(syn::token::Paren) {
                        return Err(syn::Error::new(
                            key.span(),
                            "expected `labels(key = \"value\", ...)`",
                        ));
                    }
                    let content;
                    parenthesized!(content in input);
                    let labels = Punctuated::<Label, Token![,]>::parse_terminated(&content)?;
                    set_once(&mut args.labels, &key, labels.into_iter().collect())?;
                }
                "objective" => {
                    eq(input, &key, "objective = CHECKOUT")?;
                    let path = input.parse::<syn::Path>().map_err(|err| {
                        syn::Error::new(
                            err.span(),
                            "expected the path of an `Objective` constant: `objective = CHECKOUT`",
                        )
                    })?;
                    set_once(&mut args.objective, &key, path)?;
                }
                "crate" => {
                    eq(input, &key, "crate = \"my_metrics\"")?;
                    let path = string(input, "crate = \"my_metrics\"")?;
                    set_once(&mut args.krate, &key, path.parse::<syn::Path>()?)?;
                }
                other => {
                    return Err(syn::Error::new(
                        key.span(),
                        format!("unknown argument `{other}`, {EXPECTED_ARGS}"),
                    ));
                }
            }
            if input.is_empty() {
                break;
            }
            input
                .parse::<Token![,]>()
                .map_err(|err| syn::Error::new(err.span(), "expected `,` between arguments"))?;
        }
        Ok(args)
    }
}

/// The one place duplicate arguments are found.
fn set_once<T>(slot: &mut Option<T>, key: &Ident, value: T) -> syn::Result<()> {
    if slot.is_some() {
        return Err(syn::Error::new(
            key.span(),
            format!("duplicate argument `{key}`, it may be given once"),
        ));
    }
    *slot = Some(value);
    Ok(())
}

fn eq(input: ParseStream<'_>, key: &Ident, example: &str) -> syn::Result<()> {
    if input.peek(Token![=]) {
        input.parse::<Token![=]>()?;
        Ok(())
    } else {
        Err(syn::Error::new(
            key.span(),
            format!("expected a value: `{example}`"),
        ))
    }
}

fn string(input: ParseStream<'_>, example: &str) -> syn::Result<LitStr> {
    match input.parse::<Lit>() {
        Ok(Lit::Str(lit)) => Ok(lit),
        Ok(other) => Err(syn::Error::new(
            other.span(),
            format!("expected a string literal: `{example}`"),
        )),
        Err(err) => Err(syn::Error::new(
            err.span(),
            format!("expected a string literal: `{example}`"),
        )),
    }
}

impl Parse for Buckets {
    fn parse(input: ParseStream<'_>) -> syn::Result<Self> {
        if !input.peek(syn::token::Bracket) {
            return Err(input.error("expected a list of seconds: `buckets = [0.1, 0.5, 1.0]`"));
        }
        let content;
        let brackets = bracketed!(content in input);
        let values = Punctuated::<Bucket, Token![,]>::parse_terminated(&content)?;
        Ok(Buckets {
            span: brackets.span.join(),
            values: values.into_iter().collect(),
        })
    }
}

impl Parse for Bucket {
    fn parse(input: ParseStream<'_>) -> syn::Result<Self> {
        let minus: Option<Token![-]> = input.parse()?;
        let not_a_number =
            |span: Span| syn::Error::new(span, "expected a number of seconds, like `0.25`");
        let lit: Lit = input.parse().map_err(|err| not_a_number(err.span()))?;
        let magnitude = match &lit {
            Lit::Float(f) => f.base10_parse::<f64>()?,
            Lit::Int(i) => i.base10_parse::<f64>()?,
            other => return Err(not_a_number(other.span())),
        };
        Ok(Bucket {
            value: if minus.is_some() {
                -magnitude
            } else {
                magnitude
            },
            tokens: quote::quote!(#minus #lit),
        })
    }
}

impl Parse for Label {
    fn parse(input: ParseStream<'_>) -> syn::Result<Self> {
        let (name, name_span) = if input.peek(LitStr) {
            let lit: LitStr = input.parse()?;
            (lit.value(), lit.span())
        } else {
            let ident = input.call(Ident::parse_any).map_err(|err| {
                syn::Error::new(
                    err.span(),
                    "expected a label: `labels(team = \"payments\")`",
                )
            })?;
            (ident.unraw().to_string(), ident.span())
        };
        if !input.peek(Token![=]) {
            return Err(syn::Error::new(
                name_span,
                format!("expected a value for label `{name}`: `{name} = \"...\"`"),
            ));
        }
        input.parse::<Token![=]>()?;
        let value = string(input, &format!("{name} = \"...\""))?;
        Ok(Label {
            name,
            name_span,
            value,
        })
    }
}
