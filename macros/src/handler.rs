//! Parsing the annotated item into a [`Handler`].
//!
//! The function's body is kept as the tokens it was written with, unparsed, as
//! tracing-attributes does: a syntax error in a body is then rustc's own one error, not also an
//! error of this attribute about the whole item.

use proc_macro2::{Delimiter, TokenStream, TokenTree};
use syn::parse::{Parse, ParseStream};
use syn::{Attribute, Item, Signature, Visibility};

/// The annotated function: its attributes, visibility and signature parsed, its body not.
pub(crate) struct Handler {
    /// Every attribute as written, in order.
    pub(crate) attrs: Vec<Attribute>,
    pub(crate) vis: Visibility,
    pub(crate) sig: Signature,
    /// The `{ ... }` of the body, as written.
    pub(crate) body: TokenStream,
}

/// Where an attribute of the user's function goes in the expansion.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Placement {
    /// On the item the framework registers: its routing macros, docs, `cfg`, `deprecated`,
    /// `must_use`.
    Outer,
    /// On the user's own function, so that it sees the original signature and body:
    /// `#[tracing::instrument]`, `#[inline]`, everything else.
    Inner,
    /// On both: lint levels.
    Both,
}

impl Handler {
    /// Parses the item; anything but a function is an error on its keyword.
    pub(crate) fn parse(item: TokenStream) -> syn::Result<Handler> {
        syn::parse2::<Handler>(item.clone()).map_err(|_| match syn::parse2::<Item>(item.clone()) {
            Ok(other) => not_a_function(&other),
            Err(_) => syn::Error::new_spanned(
                item,
                "`#[metered]` can only be applied to an `async fn` handler",
            ),
        })
    }

    /// Where `attr` goes in the expansion, for a framework whose routing macros
    /// `is_route_macro` recognises.
    pub(crate) fn placement(is_route_macro: fn(&syn::Path) -> bool, attr: &Attribute) -> Placement {
        let path = attr.path();
        if is_route_macro(path) {
            return Placement::Outer;
        }
        let Some(name) = path.get_ident().map(ToString::to_string) else {
            return Placement::Inner;
        };
        match name.as_str() {
            "doc" | "cfg" | "cfg_attr" | "deprecated" | "must_use" => Placement::Outer,
            "allow" | "warn" | "deny" | "forbid" => Placement::Both,
            _ => Placement::Inner,
        }
    }

    /// The attributes that go `outer` and `inner`, in their order.
    pub(crate) fn split_attrs(
        &self,
        is_route_macro: fn(&syn::Path) -> bool,
    ) -> (Vec<&Attribute>, Vec<&Attribute>) {
        let mut outer = Vec::new();
        let mut inner = Vec::new();
        for attr in &self.attrs {
            match Handler::placement(is_route_macro, attr) {
                Placement::Outer => outer.push(attr),
                Placement::Inner => inner.push(attr),
                Placement::Both => {
                    outer.push(attr);
                    inner.push(attr);
                }
            }
        }
        (outer, inner)
    }

    /// The `handler` label when no `name` is given: the function's name, without `r#`.
    pub(crate) fn default_name(&self) -> String {
        syn::ext::IdentExt::unraw(&self.sig.ident).to_string()
    }
}

impl Parse for Handler {
    fn parse(input: ParseStream<'_>) -> syn::Result<Self> {
        let attrs = input.call(Attribute::parse_outer)?;
        let vis = input.parse()?;
        let sig = input.parse()?;
        let body = braced_body(input.parse::<TokenTree>()?)?;
        if !input.is_empty() {
            return Err(input.error("unexpected tokens after the function"));
        }
        Ok(Handler {
            attrs,
            vis,
            sig,
            body,
        })
    }
}

fn not_a_function(item: &Item) -> syn::Error {
    let (kind, keyword): (&str, TokenStream) = match item {
        Item::Struct(i) => ("a struct", tokens(&i.struct_token)),
        Item::Enum(i) => ("an enum", tokens(&i.enum_token)),
        Item::Union(i) => ("a union", tokens(&i.union_token)),
        Item::Impl(i) => ("an impl block", tokens(&i.impl_token)),
        Item::Trait(i) => ("a trait", tokens(&i.trait_token)),
        Item::Const(i) => ("a const item", tokens(&i.const_token)),
        Item::Static(i) => ("a static item", tokens(&i.static_token)),
        Item::Mod(i) => ("a module", tokens(&i.mod_token)),
        Item::Type(i) => ("a type alias", tokens(&i.type_token)),
        Item::Use(i) => ("a use declaration", tokens(&i.use_token)),
        Item::ExternCrate(i) => ("an extern crate", tokens(&i.extern_token)),
        Item::ForeignMod(i) => ("an extern block", tokens(&i.abi)),
        Item::Macro(i) => ("a macro invocation", tokens(&i.mac.path)),
        other => ("this item", tokens(other)),
    };
    syn::Error::new_spanned(
        keyword,
        format!("`#[metered]` can only be applied to an `async fn` handler, not {kind}"),
    )
}

fn tokens(t: &impl quote::ToTokens) -> TokenStream {
    t.to_token_stream()
}

/// The `{ ... }` of a body, also when a `macro_rules!` passed it as a `$body:block` (wrapped in
/// an invisible group).
fn braced_body(tree: TokenTree) -> syn::Result<TokenStream> {
    match tree {
        TokenTree::Group(group) if group.delimiter() == Delimiter::Brace => {
            Ok(TokenTree::Group(group).into())
        }
        TokenTree::Group(group) if group.delimiter() == Delimiter::None => {
            let mut inner = group.stream().into_iter();
            match (inner.next(), inner.next()) {
                (Some(only), None) => braced_body(only),
                _ => Err(syn::Error::new(group.span(), "expected a function body")),
            }
        }
        other => Err(syn::Error::new(other.span(), "expected a function body")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::framework::Framework;

    fn place(framework: Framework, attr: &str) -> Placement {
        let item: syn::ItemFn = syn::parse_str(&format!("{attr}\nasync fn f() {{}}")).unwrap();
        Handler::placement(framework.facts().is_route_macro, &item.attrs[0])
    }

    #[test]
    fn routing_macros_stay_on_the_registered_item() {
        assert_eq!(place(Framework::Actix, r#"#[get("/")]"#), Placement::Outer);
        assert_eq!(
            place(Framework::Actix, r#"#[actix_web::post("/")]"#),
            Placement::Outer
        );
        assert_eq!(
            place(Framework::Actix, "#[actix_web::routes]"),
            Placement::Outer
        );
        // axum has no routing attributes: a `get` attribute is someone else's.
        assert_eq!(place(Framework::Axum, r#"#[get("/")]"#), Placement::Inner);
    }

    #[test]
    fn other_attributes_stay_on_the_users_function() {
        for framework in [Framework::Actix, Framework::Axum] {
            assert_eq!(place(framework, "#[tracing::instrument]"), Placement::Inner);
            assert_eq!(place(framework, "#[fastrace::trace]"), Placement::Inner);
            assert_eq!(place(framework, "#[inline]"), Placement::Inner);
            assert_eq!(place(framework, "#[expect(unused)]"), Placement::Inner);
        }
    }

    #[test]
    fn docs_and_cfg_go_outside_lint_levels_go_to_both() {
        for framework in [Framework::Actix, Framework::Axum] {
            assert_eq!(place(framework, "/// docs"), Placement::Outer);
            assert_eq!(place(framework, "#[cfg(test)]"), Placement::Outer);
            assert_eq!(place(framework, "#[deprecated]"), Placement::Outer);
            assert_eq!(place(framework, "#[allow(unused)]"), Placement::Both);
            assert_eq!(place(framework, "#[deny(warnings)]"), Placement::Both);
        }
    }

    #[test]
    fn a_body_is_kept_as_written_even_when_it_does_not_parse() {
        let handler = Handler::parse(quote::quote!(async fn f() { let = ; })).unwrap();
        assert_eq!(handler.body.to_string(), "{ let = ; }");
    }
}
