//! The macro checks label names at compile time and the runtime checks them at start-up; each
//! has its own copy of the rules (a proc-macro crate cannot share the runtime's code without
//! building it into every compile). This test ties the two: it reads the macro's source with
//! `syn` and fails when its reserved-label list or its identifier rule differs from the
//! runtime's.

use std::path::Path;

use quote::ToTokens;
use syn::{Expr, Item, ItemConst, ItemFn, Lit};

fn items(relative: &str) -> Vec<Item> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(relative);
    let source = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{relative}: {e}"));
    syn::parse_file(&source)
        .unwrap_or_else(|e| panic!("{relative}: {e}"))
        .items
}

fn constant(items: &[Item], name: &str) -> ItemConst {
    items
        .iter()
        .find_map(|item| match item {
            Item::Const(c) if c.ident == name => Some(c.clone()),
            _ => None,
        })
        .unwrap_or_else(|| panic!("no const {name}"))
}

fn function(items: &[Item], name: &str) -> ItemFn {
    items
        .iter()
        .find_map(|item| match item {
            Item::Fn(f) if f.sig.ident == name => Some(f.clone()),
            _ => None,
        })
        .unwrap_or_else(|| panic!("no fn {name}"))
}

fn strings(expr: &Expr) -> Vec<String> {
    let Expr::Array(array) = expr else {
        panic!("an array literal: {}", expr.to_token_stream());
    };
    array
        .elems
        .iter()
        .map(|e| match e {
            Expr::Lit(lit) => match &lit.lit {
                Lit::Str(s) => s.value(),
                other => panic!("a string: {}", other.to_token_stream()),
            },
            other => panic!("a string: {}", other.to_token_stream()),
        })
        .collect()
}

#[test]
fn reserved_labels_are_the_same_list() {
    let macro_list = strings(&constant(&items("macros/src/validate.rs"), "RESERVED_LABELS").expr);
    assert_eq!(macro_list, handler_metrics::RESERVED_LABELS);
}

#[test]
fn identifier_rule_is_the_same_function() {
    let in_macro = function(&items("macros/src/validate.rs"), "is_identifier");
    let in_runtime = function(&items("runtime/src/vocabulary/names.rs"), "is_identifier");
    assert_eq!(
        in_macro.block.to_token_stream().to_string(),
        in_runtime.block.to_token_stream().to_string(),
        "the macro's and the runtime's `is_identifier` differ"
    );
    assert_eq!(
        in_macro.sig.to_token_stream().to_string(),
        in_runtime.sig.to_token_stream().to_string()
    );
}

#[test]
fn the_reserved_handler_name_is_the_same() {
    let in_macro = constant(&items("macros/src/validate.rs"), "UNMETERED_HANDLER");
    let Expr::Lit(lit) = &*in_macro.expr else {
        panic!("a literal: {}", in_macro.expr.to_token_stream());
    };
    let Lit::Str(value) = &lit.lit else {
        panic!("a string: {}", lit.to_token_stream());
    };
    assert_eq!(value.value(), handler_metrics::UNMETERED_HANDLER);
}
