//! The runtime of [handler-metrics](https://docs.rs/handler-metrics): series storage, the
//! per-request hot path, configuration and exposition, the SLO tooling, and the actix-web and
//! axum integrations.
//!
//! Use it through the `handler-metrics` crate, which re-exports its public API next to the
//! `#[metered]` attributes. The layers, one folder each, imports pointing down only:
//!
//! | layer | what | imports |
//! |---|---|---|
//! | `frameworks/` | `actix` (feature `actix`, default) and `axum` (feature `axum`): translate a request into the neutral calls, serve `/metrics`, and the companion layer (`actix::middleware()`, `axum::layer()`) that counts every request once | everything below |
//! | `registry/` | [`Config`], [`ConfigError`], [`Metrics`] (the installed configuration, registered in a `prometheus::Registry`), the exposition (OpenMetrics or classic text, negotiated, gzipped) | hot path, SLO tooling, vocabulary |
//! | `slo/` | rules and dashboard generated from [`Objective`]s ([`Config::prometheus_rules`], [`Config::grafana_dashboard`], [`RuleOptions`]) | vocabulary |
//! | `hot_path/` | [`HandlerSite`], [`Recording`] and the series they write, and the companion layer's recording and the slot a handler claims under it: what runs per request | vocabulary |
//! | `vocabulary/` | label and family names, [`Outcome`], [`Objective`] | nothing |
//!
//! [`testing`] reads recorded values in tests without parsing text, process-wide or only what one
//! test made ([`testing::Scope`]).
//!
//! # Examples
//!
//! ```
//! use handler_metrics_runtime::{testing, HandlerSite, Metrics};
//!
//! static SITE: HandlerSite = HandlerSite::new("crate_example", &[], &[]);
//! Metrics::global().begin(&SITE, Some("/health"), "GET").finish(200);
//! assert_eq!(testing::handler("crate_example").status(200).requests(), 1);
//! ```

#![forbid(unsafe_code)]
#![deny(missing_docs)]

mod frameworks;
mod hot_path;
mod registry;
mod slo;
pub mod testing;
mod vocabulary;

pub use hot_path::recording::Recording;
pub use hot_path::site::HandlerSite;
pub use registry::config::Config;
pub use registry::error::ConfigError;
pub use registry::exposition::{
    ExpositionError, Format, Scrape, CONTENT_TYPE, OPENMETRICS_CONTENT_TYPE, PROTOBUF_CONTENT_TYPE,
};
pub use registry::metrics::Metrics;
pub use slo::rules::RuleOptions;
pub use vocabulary::buckets::DEFAULT_BUCKETS;
pub use vocabulary::names::{
    method_label, IN_FLIGHT_LABELS, OTHER_METHOD, REQUEST_LABELS, RESERVED_LABELS,
    UNMATCHED_ENDPOINT, UNMETERED_HANDLER,
};
pub use vocabulary::naming::{FamilyNames, Naming, Scheme};
pub use vocabulary::native::NativeHistograms;
pub use vocabulary::objective::Objective;
pub use vocabulary::outcome::Outcome;

/// actix-web integration (feature `actix`, on by default): the `/metrics` route and the
/// companion [`middleware()`](actix::middleware) that counts every request once.
///
/// The attribute is `handler_metrics::actix::metered` (also `handler_metrics::metered`).
#[cfg(feature = "actix")]
pub mod actix {
    pub use crate::frameworks::actix::{
        metrics, metrics_at, middleware, MeteredBody, Middleware, MiddlewareService, ResponseFuture,
    };
}

/// axum 0.8 integration (feature `axum`): the `/metrics` router and the companion
/// [`layer()`](axum::layer) that counts every request once.
///
/// The attribute is `handler_metrics::axum::metered`.
#[cfg(feature = "axum")]
pub mod axum {
    pub use crate::frameworks::axum::{
        layer, metrics, metrics_at, MeteredBody, MetricsLayer, MetricsService, ResponseFuture,
    };
}

/// What the code `#[metered]` generates refers to, through the facade's `__private`. Not public
/// API: it changes without notice.
#[doc(hidden)]
pub mod __private {
    pub use crate::hot_path::recording::note_trace;
    pub use crate::hot_path::site::SiteOf;
    pub use crate::vocabulary::objective::assert_objective;

    /// The actix-web side of the generated wrapper.
    #[cfg(feature = "actix")]
    pub mod actix {
        pub use crate::frameworks::actix::{serve, Serve, UnextractedRequest};
        pub use ::actix_web::HttpResponse;
        pub use ::core::future::Future;
    }

    /// The axum side of the generated handler.
    #[cfg(feature = "axum")]
    pub mod axum {
        pub use crate::frameworks::axum::{Arguments, Metered, PartsArguments, Run};
        pub use ::axum::response::{IntoResponse, Response};
        pub use ::core::future::Future;
        pub use ::core::marker::Send;
        pub use ::core::result::Result::{Err, Ok};
    }
}
