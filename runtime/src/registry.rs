//! The `prometheus` side, run once (installation) or per scrape, never per request:
//!
//! - [`config`]: start-up [`Config`](config::Config) and its [`error`]s;
//! - [`metrics`]: the installed [`Metrics`](metrics::Metrics), over the [`state`] of one
//!   configuration;
//! - [`family`]: our families, the one list the two below walk;
//! - [`collector`]: the families as collectors in a `prometheus::Registry`;
//! - [`exposition`]: the classic format and OpenMetrics, our families written straight from the
//!   series.
//!
//! Imports run down that list, with no cycle.

pub(crate) mod collector;
pub(crate) mod config;
pub(crate) mod error;
pub(crate) mod exposition;
pub(crate) mod family;
pub(crate) mod metrics;
pub(crate) mod state;
