//! The state of one installed configuration, shared by [`Metrics`](crate::Metrics), the
//! registry's collectors and the exposition: its family names, its series, its registry.

use std::sync::OnceLock;

use prometheus::Registry;

use crate::hot_path::store::Store;
use crate::vocabulary::naming::FamilyNames;

pub(crate) struct Shared {
    pub(crate) names: FamilyNames,
    /// The settings series are created with, and the series.
    pub(crate) store: Store,
    pub(crate) registry: Registry,
    /// Set when the default configuration, installed by the first request, could not register.
    pub(crate) registration_error: OnceLock<String>,
    /// What the registry adds to every family it gathers (a `Registry::new_custom` prefix and
    /// common labels), learnt once at registration, so our own encoder can add the same.
    pub(crate) registry_shape: OnceLock<RegistryShape>,
    /// How the exposition writes what it may write either way.
    pub(crate) exposition: ExpositionOptions,
}

/// The exposition's settings, from [`Config`](crate::Config).
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct ExpositionOptions {
    /// Whether OpenMetrics scrapes get `_created` samples for our counters and histograms.
    pub(crate) created: bool,
}

/// A registry's prefix (with its `_`, or empty) and common labels.
#[derive(Debug, Default)]
pub(crate) struct RegistryShape {
    pub(crate) prefix: String,
    pub(crate) labels: Vec<(String, String)>,
}
