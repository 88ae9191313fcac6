//! What series creation needs from the installed configuration, and every series created under
//! it: the one piece of state the hot path shares with the registry, which owns it.

use crate::hot_path::append_only::AppendOnly;
use crate::hot_path::clock;
use crate::hot_path::native::NativeLayout;
use crate::hot_path::series::RouteSeries;
use crate::vocabulary::naming::{Naming, Scheme};
use crate::vocabulary::native::NativeHistograms;
use crate::vocabulary::objective::Objective;

/// The series of one installed configuration, and the settings they are created with.
pub(crate) struct Store {
    /// The configured latency buckets, in seconds.
    pub(crate) buckets: Vec<f64>,
    /// Labels with a fixed value on every series.
    pub(crate) const_labels: Vec<(String, String)>,
    /// The objectives declared with `Config::objective`, which generated rules cover.
    pub(crate) objectives: Vec<Objective>,
    /// Whether the first metered request installed this (the defaults), not the user: then no
    /// objective is declared, and none is warned about.
    pub(crate) implicit: bool,
    /// Every route series ever created, for collection.
    pub(crate) routes: AppendOnly<&'static RouteSeries>,
    /// The label names series are created with.
    pub(crate) naming: Naming,
    /// Native histograms beside the classic buckets, if configured: one layout every series
    /// shares (leaked, like the series: a configuration lives as long as the process).
    pub(crate) native: Option<&'static NativeLayout>,
}

impl Store {
    pub(crate) fn new(
        buckets: Vec<f64>,
        const_labels: Vec<(String, String)>,
        objectives: Vec<Objective>,
        implicit: bool,
        naming: Naming,
        native: Option<NativeHistograms>,
    ) -> Store {
        // Calibrate the clock now, at start-up, rather than in the first request.
        let _ = clock::clock();
        Store {
            buckets,
            const_labels,
            objectives,
            implicit,
            routes: AppendOnly::new(),
            naming,
            native: native.map(|settings| &*Box::leak(Box::new(NativeLayout::new(&settings)))),
        }
    }

    /// The scheme a request's series are keyed by: its own (read by `scheme`, only then) where
    /// the labels carry it, else always `http`, so that the two never make two series with the
    /// same labels and the default naming never pays for reading it.
    #[inline]
    pub(crate) fn scheme_key(&self, scheme: impl FnOnce() -> Scheme) -> Scheme {
        match self.naming {
            Naming::OpenTelemetry => scheme(),
            Naming::Prometheus => Scheme::Http,
        }
    }

    /// Every route series, oldest first.
    pub(crate) fn routes(&self) -> impl Iterator<Item = &'static RouteSeries> + '_ {
        self.routes.iter().copied()
    }
}
