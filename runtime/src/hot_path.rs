//! The per-request hot path: what runs on every request a `#[metered]` handler serves, and the
//! storage it writes to.
//!
//! - `layer` (features `actix`, `axum`): the companion layer's recording of every request that
//!   reaches it, once;
//! - [`recording`]: the guard that records one request on every exit path (or, under a layer,
//!   claims the layer's [`slot`] instead);
//! - [`site`]: the `static` each handler owns, with the series it has been reached through, and
//!   their creation (the cold part: labels, buckets, warnings about its objective);
//! - [`scope`]: test scopes, the requests one test's future recorded;
//! - [`store`]: what series creation needs from the installed configuration, and every series;
//! - [`series`]: the series themselves, only added to once created; [`native`]: a status
//!   series' native-histogram buckets, when configured;
//! - [`shards`], [`append_only`], [`clock`]: thread-sharded counts, the lock-free list series are
//!   found in, and the time-stamp-counter clock;
//! - `exemplar` (feature `opentelemetry`): the trace of a recent request per histogram bucket.
//!
//! Imports run down that list, with no cycle; the folder imports only the
//! [`vocabulary`](crate::vocabulary): no registry, exposition, SLO tooling or framework. Those
//! read what it stores.

pub(crate) mod append_only;
pub(crate) mod clock;
#[cfg(feature = "opentelemetry")]
pub(crate) mod exemplar;
#[cfg(any(feature = "actix", feature = "axum"))]
pub(crate) mod layer;
pub(crate) mod native;
pub(crate) mod recording;
pub(crate) mod scope;
pub(crate) mod series;
pub(crate) mod shards;
pub(crate) mod site;
pub(crate) mod slot;
pub(crate) mod store;
