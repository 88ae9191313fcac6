//! The one seam between the framework-neutral pipeline and a web framework: which framework an
//! attribute is for, the facts about it the parser and the checks need, and the dispatch to the
//! file that generates its wrapper. A third framework is a variant here and one file beside
//! these.

mod actix;
mod axum;
mod facts;

use proc_macro2::TokenStream;

pub(crate) use facts::Facts;

use crate::handler::Handler;
use crate::parts::Parts;

/// The framework an attribute is for: `handler_metrics::actix::metered` (also
/// `handler_metrics::metered`) or `handler_metrics::axum::metered`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Framework {
    Actix,
    Axum,
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
