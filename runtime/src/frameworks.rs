//! One module per web framework, siblings behind their features. Each only translates its
//! request and response into the neutral calls: [`Metrics::begin`](crate::Metrics::begin) with
//! the route template and method, [`Recording::finish`](crate::Recording::finish) with the
//! status; serves the exposition from [`Metrics::scrape`](crate::Metrics::scrape), in the
//! format and encoding the scraper's headers ask for; and wraps the application in the companion
//! layer, which drives the neutral `hot_path::layer` with the framework's request and response.
//! `companion` holds the options both layers share.

#[cfg(feature = "actix")]
pub(crate) mod actix;
#[cfg(feature = "axum")]
pub(crate) mod axum;
#[cfg(any(feature = "actix", feature = "axum"))]
pub(crate) mod companion;
