//! The `prometheus` side: start-up [`Config`](config::Config) and its errors, the installed
//! [`Metrics`](metrics::Metrics) registered in a `prometheus::Registry` as collectors, and the
//! text exposition. Runs once (installation) or per scrape, never per request.

pub(crate) mod config;
pub(crate) mod error;
pub(crate) mod exposition;
pub(crate) mod metrics;
