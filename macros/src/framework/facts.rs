//! What the neutral steps need to know about a framework; each framework's file has one.

/// What the neutral steps need to know about a framework.
pub(crate) struct Facts {
    /// The framework's name in messages: "actix-web".
    pub(crate) name: &'static str,
    /// The most arguments (extractors) a handler may take.
    pub(crate) max_args: usize,
    /// How to group extractors when there are too many, in the framework's words.
    pub(crate) group_args: &'static str,
    /// Whether an attribute is one of the framework's routing macros, which must stay on the
    /// item the framework registers rather than on the user's function inside it.
    pub(crate) is_route_macro: fn(&syn::Path) -> bool,
}
