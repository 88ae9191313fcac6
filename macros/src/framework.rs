//! The one seam between the framework-neutral pipeline and a web framework: which framework an
//! attribute is for, the facts about it the parser and the checks need, and the dispatch to the
//! file that generates its wrapper. A third framework is a variant here and one file beside
//! these.

mod actix;
mod axum;

use proc_macro2::TokenStream;

use crate::expand::Parts;
use crate::handler::Handler;

/// The framework an attribute is for: `handler_metrics::actix::metered` (also
/// `handler_metrics::metered`) or `handler_metrics::axum::metered`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Framework {
    Actix,
    Axum,
}

/// What the neutral steps need to know about a framework.
pub(crate) struct Facts {
    /// The framework's name in messages: "actix-web".
    pub(crate) name: &'static str,
    /// The most arguments (extractors) a handler may take.
    pub(crate) max_args: usize,
    /// Why the limit is what it is, when that is not plain: " (axum's 16, ...)".
    pub(crate) limit_note: &'static str,
    /// How to group extractors when there are too many, in the framework's words.
    pub(crate) group_args: &'static str,
    /// Whether an attribute is one of the framework's routing macros, which must stay on the
    /// item the framework registers rather than on the user's function inside it.
    pub(crate) is_route_macro: fn(&syn::Path) -> bool,
}

impl Framework {
    pub(crate) fn facts(self) -> &'static Facts {
        match self {
            Framework::Actix => &actix::FACTS,
            Framework::Axum => &axum::FACTS,
        }
    }

    /// The item the framework registers, with the user's function and the handler's site
    /// inside it.
    pub(crate) fn wrapper(self, handler: &Handler, parts: &Parts<'_>) -> TokenStream {
        match self {
            Framework::Actix => actix::wrapper(handler, parts),
            Framework::Axum => axum::wrapper(handler, parts),
        }
    }
}
