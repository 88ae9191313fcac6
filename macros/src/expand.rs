//! The pipeline: parse ([`Args`], [`Handler`]) → validate → generate the neutral
//! [`Parts`] → the framework's wrapper around them, chosen in one place
//! ([`Framework::wrapper`]).

use proc_macro2::TokenStream;

use crate::args::Args;
use crate::framework::Framework;
use crate::handler::Handler;
use crate::parts::Parts;
use crate::validate::validate;

/// Entry point: the expansion, or the user's item unchanged plus the errors, so that rustc shows
/// those errors and not a cascade of "cannot find function".
pub(crate) fn metered(framework: Framework, args: TokenStream, item: TokenStream) -> TokenStream {
    match try_expand(framework, args, item.clone()) {
        Ok(expanded) => expanded,
        Err(error) => {
            let mut output = item;
            output.extend(error.to_compile_error());
            output
        }
    }
}

fn try_expand(
    framework: Framework,
    args: TokenStream,
    item: TokenStream,
) -> syn::Result<TokenStream> {
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
    validate(framework, &args, &handler)?;
    let parts = Parts::new(&args, &handler, framework.facts().is_route_macro);
    Ok(framework.wrapper(&handler, &parts))
}
