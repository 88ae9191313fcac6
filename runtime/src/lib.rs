//! The runtime of [handler-metrics](https://docs.rs/handler-metrics): series storage, the
//! per-request hot path, configuration, exposition, and the actix-web integration.
//!
//! Use it through the `handler-metrics` crate, which re-exports everything here next to the
//! `#[metered]` attribute. The pieces, one per module:
//!
//! - [`Config`]: optional start-up configuration (namespace, buckets, constant labels, registry),
//!   validated into a [`ConfigError`] instead of failing later.
//! - [`Metrics`]: the installed configuration and the series, registered in a
//!   `prometheus::Registry` as ordinary collectors.
//! - [`HandlerSite`] and [`Recording`]: the static each annotated handler owns and the guard that
//!   records one request on every exit path (the hot path lives in one module, `recording`).
//! - [`Outcome`]: the `outcome` label.
//! - [`Objective`]: service-level objectives, from which [`Config::prometheus_rules`] and
//!   [`Config::grafana_dashboard`] generate alerting rules and a dashboard.
//! - [`testing`]: read a series' value in tests without parsing text.
//! - [`actix`] (feature `actix`, default): the `/metrics` route and the request wrapper.
//!
//! # Examples
//!
//! ```
//! use handler_metrics_runtime::{testing, HandlerSite};
//!
//! static SITE: HandlerSite = HandlerSite::new("crate_example", &[], &[]);
//! SITE.enter(Some("/health"), "GET").finish(200);
//! assert_eq!(testing::handler("crate_example").status(200).requests(), 1);
//! ```

#![forbid(unsafe_code)]
#![deny(missing_docs)]

#[cfg(feature = "actix")]
pub mod actix;
mod append_only;
mod clock;
mod config;
mod dashboard;
mod error;
mod exposition;
mod metrics;
mod names;
mod objective;
mod outcome;
mod promql;
mod recording;
mod rules;
mod series;
mod shards;
mod site;
pub mod testing;

pub use config::{Config, DEFAULT_BUCKETS};
pub use error::ConfigError;
pub use exposition::{ExpositionError, CONTENT_TYPE};
pub use metrics::{FamilyNames, Metrics};
pub use names::{
    method_label, IN_FLIGHT_LABELS, OTHER_METHOD, REQUEST_LABELS, RESERVED_LABELS,
    UNMATCHED_ENDPOINT,
};
pub use objective::Objective;
pub use outcome::Outcome;
pub use recording::Recording;
pub use rules::RuleOptions;
pub use site::HandlerSite;

/// Re-exports for the code `#[metered]` generates. Not public API.
#[doc(hidden)]
pub mod __private {
    #[cfg(feature = "actix")]
    pub use ::actix_web;

    pub use crate::objective::assert_objective;
}
