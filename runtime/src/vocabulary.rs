//! The words every layer shares: label and family names, the default buckets, the `outcome`
//! label, the [`Objective`](objective::Objective) a handler declares, and the native histograms'
//! settings and bucket arithmetic ([`native`]). Plain values and pure functions, with no
//! behaviour of their own beyond checks; this module imports nothing else of the crate.

pub(crate) mod buckets;
pub(crate) mod names;
pub(crate) mod naming;
pub(crate) mod native;
pub(crate) mod objective;
pub(crate) mod outcome;
