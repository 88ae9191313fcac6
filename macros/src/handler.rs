//! Parsing the annotated item into a [`Handler`].

use proc_macro2::TokenStream;
use syn::{Attribute, Block, Item, ItemFn, Signature, Visibility};

/// The annotated function, with its attributes sorted by where they belong in the expansion.
pub(crate) struct Handler {
    /// Attributes that stay on the function actix registers: route macros (`#[get]`, `#[route]`,
    /// ...), docs, `cfg`, `deprecated`, `must_use`, and lint levels.
    pub(crate) outer_attrs: Vec<Attribute>,
    /// Attributes that stay on the user's own function: everything else (`#[tracing::instrument]`,
    /// `#[inline]`, lint levels, ...), so they see the original signature and body.
    pub(crate) inner_attrs: Vec<Attribute>,
    /// Every attribute as written, in order, for checks that look at all of them.
    pub(crate) attrs: Vec<Attribute>,
    pub(crate) vis: Visibility,
    pub(crate) sig: Signature,
    pub(crate) block: Box<Block>,
}

/// Where an attribute of the user's function goes in the expansion.
enum Placement {
    Outer,
    Inner,
    Both,
}

/// actix-web's routing macros, written bare (`#[get(..)]`) or through actix-web's own crates
/// (`#[actix_web::get(..)]`): they must see the function actix calls. `#[fastrace::trace]` and
/// the like are not routing macros and stay on the user's function.
const ROUTE_MACROS: &[&str] = &[
    "get", "post", "put", "delete", "head", "connect", "options", "trace", "patch", "query",
    "route", "routes",
];

fn placement(attr: &Attribute) -> Placement {
    let path = attr.path();
    let Some(last) = path.segments.last() else {
        return Placement::Inner;
    };
    let name = last.ident.to_string();
    let from_actix = path.segments.len() == 1
        || path
            .segments
            .first()
            .is_some_and(|first| first.ident == "actix_web" || first.ident == "actix_web_codegen");
    match name.as_str() {
        _ if from_actix && ROUTE_MACROS.contains(&name.as_str()) => Placement::Outer,
        "doc" | "cfg" | "cfg_attr" | "deprecated" | "must_use" if path.segments.len() == 1 => {
            Placement::Outer
        }
        "allow" | "warn" | "deny" | "forbid" if path.segments.len() == 1 => Placement::Both,
        _ => Placement::Inner,
    }
}

impl Handler {
    /// Parses the item; anything but a function is an error on its keyword.
    pub(crate) fn parse(item: TokenStream) -> syn::Result<Handler> {
        let function = match syn::parse2::<Item>(item.clone()) {
            Ok(Item::Fn(function)) => function,
            Ok(other) => return Err(not_a_function(&other)),
            Err(_) => {
                return Err(syn::Error::new_spanned(
                    item,
                    "`#[metered]` can only be applied to an `async fn` handler",
                ))
            }
        };
        Ok(Handler::from_fn(function))
    }

    fn from_fn(function: ItemFn) -> Handler {
        let mut outer_attrs = Vec::new();
        let mut inner_attrs = Vec::new();
        for attr in function.attrs.iter().cloned() {
            match placement(&attr) {
                Placement::Outer => outer_attrs.push(attr),
                Placement::Inner => inner_attrs.push(attr),
                Placement::Both => {
                    outer_attrs.push(attr.clone());
                    inner_attrs.push(attr);
                }
            }
        }
        Handler {
            outer_attrs,
            inner_attrs,
            attrs: function.attrs,
            vis: function.vis,
            sig: function.sig,
            block: function.block,
        }
    }

    /// The `handler` label when no `name` is given: the function's name, without `r#`.
    pub(crate) fn default_name(&self) -> String {
        syn::ext::IdentExt::unraw(&self.sig.ident).to_string()
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

#[cfg(test)]
mod tests {
    use super::*;

    fn place(attr: &str) -> &'static str {
        let item: ItemFn = syn::parse_str(&format!("{attr}\nasync fn f() {{}}")).unwrap();
        match placement(&item.attrs[0]) {
            Placement::Outer => "outer",
            Placement::Inner => "inner",
            Placement::Both => "both",
        }
    }

    #[test]
    fn routing_macros_stay_on_the_registered_function() {
        assert_eq!(place(r#"#[get("/")]"#), "outer");
        assert_eq!(place(r#"#[actix_web::post("/")]"#), "outer");
        assert_eq!(place(r#"#[route("/", method = "GET")]"#), "outer");
        assert_eq!(place("#[actix_web::routes]"), "outer");
        assert_eq!(place(r#"#[trace("/")]"#), "outer");
    }

    #[test]
    fn other_attributes_stay_on_the_users_function() {
        assert_eq!(place("#[tracing::instrument]"), "inner");
        assert_eq!(place("#[fastrace::trace]"), "inner");
        assert_eq!(place("#[inline]"), "inner");
        assert_eq!(place("#[expect(unused)]"), "inner");
    }

    #[test]
    fn docs_and_cfg_go_outside_lint_levels_go_to_both() {
        assert_eq!(place("/// docs"), "outer");
        assert_eq!(place("#[cfg(test)]"), "outer");
        assert_eq!(place("#[deprecated]"), "outer");
        assert_eq!(place("#[allow(unused)]"), "both");
        assert_eq!(place("#[deny(warnings)]"), "both");
    }
}
