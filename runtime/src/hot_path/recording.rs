//! What runs on every request a `#[metered]` handler serves.
//!
//! Per request, on entry: find the handler's series for the route template and method (a walk
//! of the few routes this handler was reached by, one acquire load each, no lock), add one to the
//! entered count on this thread's shard, read the clock. On exit: read the clock, find the
//! (status, outcome) series the same way, add one to its bucket and the duration to its sum, on
//! this thread's shard. Three uncontended atomic additions, two time-stamp-counter reads, no lock,
//! no allocation, no label hashing: series are created once, in
//! [`series`](crate::hot_path::series), the first time each combination is seen.
//!
//! The end is recorded exactly once on every path: [`Recording::finish`] with the response's
//! status, or the guard's `Drop` when the handler panicked (status `500`, outcome `panic`) or its
//! future was dropped before finishing (status `499`, outcome `cancelled`).
//!
//! Under a companion layer (`hot_path::layer`) the handler records nothing: on
//! entry it finds the layer's [`slot`](crate::hot_path::slot) open, writes its route series into
//! it and counts itself in flight; the layer records the request once, with the status the client
//! got. Without a layer that check is one thread-local load.

use crate::hot_path::clock;
use crate::hot_path::scope;
use crate::hot_path::series::RouteSeries;
use crate::hot_path::site::HandlerSite;
use crate::hot_path::slot;
use crate::hot_path::store::Store;
use crate::vocabulary::names::{method_label, UNMATCHED_ENDPOINT};
use crate::vocabulary::naming::Scheme;
use crate::vocabulary::outcome::Outcome;

/// A request being served: started by [`Metrics::begin`](crate::Metrics::begin) when the
/// handler is entered, finished with the status of the response, and, if dropped unfinished,
/// recorded as a panic or a cancellation.
///
/// # Examples
///
/// ```
/// use handler_metrics_runtime::{HandlerSite, Metrics};
///
/// static SITE: HandlerSite = HandlerSite::new("doc_example", &[], &[]);
///
/// let recording = Metrics::global().begin(&SITE, Some("/users/{id}"), "GET");
/// // ... serve the request ...
/// recording.finish(200);
/// ```
#[must_use = "a recording dropped without `finish` counts the request as cancelled"]
pub struct Recording {
    route: Option<&'static RouteSeries>,
    /// The clock reading at the start, or [`CLAIMED`]: a layer records this request.
    started: u64,
    /// The trace the handler's own body noted (see [`note_trace`]), for its exemplar: looked up
    /// at the end only if the body noted nothing (a recording begun by hand has no such body).
    #[cfg(feature = "opentelemetry")]
    trace: crate::hot_path::exemplar::Noted,
}

/// Notes the trace the handler's body runs in, for its exemplar: `#[metered]` puts a call to it
/// at the start of every handler's body, where a span of `#[tracing::instrument]` (above or
/// below `#[metered]`) is entered. Nothing without the `opentelemetry` feature.
#[doc(hidden)]
#[inline(always)]
pub fn note_trace() {
    #[cfg(feature = "opentelemetry")]
    crate::hot_path::exemplar::note_current_trace();
}

/// The `started` of a recording whose request a companion layer records: no clock reading is
/// this large (it counts from the clock's calibration).
const CLAIMED: u64 = u64::MAX;

impl std::fmt::Debug for Recording {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Recording")
            .field("finished", &self.route.is_none())
            .finish_non_exhaustive()
    }
}

impl Recording {
    /// Starts recording a request to `site` routed through `endpoint` (the route template,
    /// `None` if no template matched) with `method`: counts it in flight and starts the clock.
    #[inline]
    pub(crate) fn start(
        store: &'static Store,
        site: &'static HandlerSite,
        endpoint: Option<&str>,
        method: &str,
        scheme: impl FnOnce() -> Scheme,
    ) -> Recording {
        let endpoint = endpoint.unwrap_or(UNMATCHED_ENDPOINT);
        let method = method_label(method);
        let route = site.route(store, endpoint, method, store.scheme_key(scheme));
        route.enter();
        if scope::active() {
            scope::entered(route);
        }
        let started = if slot::claim(route) {
            CLAIMED
        } else {
            clock::now()
        };
        Recording {
            route: Some(route),
            started,
            #[cfg(feature = "opentelemetry")]
            trace: None,
        }
    }

    /// Records the request as answered with `status`, its outcome following from the status
    /// class.
    ///
    /// # Examples
    ///
    /// ```
    /// use handler_metrics_runtime::{HandlerSite, Metrics};
    ///
    /// static SITE: HandlerSite = HandlerSite::new("finish_example", &[], &[]);
    /// Metrics::global().begin(&SITE, Some("/items"), "GET").finish(404);
    /// ```
    #[inline]
    pub fn finish(mut self, status: u16) {
        self.record(status, Outcome::from_status(status));
    }

    #[inline]
    fn record(&mut self, status: u16, outcome: Outcome) {
        let Some(route) = self.route.take() else {
            return;
        };
        if self.started == CLAIMED {
            // The layer reads the status from the response; only a panic, and the trace for
            // an exemplar, are not in it.
            if cfg!(feature = "opentelemetry") || outcome == Outcome::Panic {
                slot::handler_ended(
                    outcome,
                    #[cfg(feature = "opentelemetry")]
                    self.trace,
                );
            }
            return;
        }
        let end = clock::now();
        let nanos = clock::nanos_between(self.started, end);
        let series = route.status_series(status, outcome);
        let _bucket = series.observe(nanos);
        if scope::active() {
            scope::recorded(series, nanos);
        }
        // Not for a cancellation: its drop may run anywhere, even where the thread's context is
        // being torn down.
        #[cfg(feature = "opentelemetry")]
        if outcome != Outcome::Cancelled {
            let trace = self
                .trace
                .unwrap_or_else(crate::hot_path::exemplar::current_trace);
            if let Some(trace) = trace {
                series.exemplars.offer(_bucket, nanos, end, trace);
            }
        }
    }
}

impl Drop for Recording {
    fn drop(&mut self) {
        self.record_unfinished();
    }
}

impl Recording {
    /// A recording already finished: records nothing.
    #[cfg_attr(
        not(feature = "axum"),
        allow(dead_code, reason = "what axum's extraction leaves behind")
    )]
    const FINISHED: Recording = Recording {
        route: None,
        started: 0,
        #[cfg(feature = "opentelemetry")]
        trace: None,
    };

    /// Records the request as a panic if the thread is unwinding, else as cancelled; nothing if
    /// it is finished.
    fn record_unfinished(&mut self) {
        if self.route.is_none() {
            return;
        }
        let outcome = if std::thread::panicking() {
            Outcome::Panic
        } else {
            Outcome::Cancelled
        };
        let status = outcome.status().unwrap_or(500);
        self.record(status, outcome);
    }
}

/// The recording of a hand-written future, held while that future polls the handler's: if the
/// poll unwinds, the recording counts the panic then. (A local of an `async fn` is dropped by the
/// unwinding itself; a field of a hand-written future would otherwise be dropped only with the
/// future, after a `catch_unwind` further out, and count a cancellation.)
///
/// Every path out of a poll but unwinding consumes the guard: [`finish`](Self::finish),
/// [`take`](Self::take), or [`pending`](Self::pending). So its `Drop` runs only while unwinding
/// and is a single call, without a panic check of its own: the frameworks' futures, compiled once
/// per handler, carry no copy of that check.
pub(crate) struct UnwindGuard<'a>(&'a mut Recording);

#[cfg_attr(
    not(any(feature = "actix", feature = "axum")),
    allow(dead_code, reason = "the frameworks' futures use it")
)]
impl<'a> UnwindGuard<'a> {
    /// Guards `recording`.
    #[inline]
    pub(crate) fn new(recording: &'a mut Recording) -> Self {
        UnwindGuard(recording)
    }

    /// Finishes the recording with `status`, if it is not finished yet.
    ///
    /// Out of line, so that the crates of the handlers call it rather than compile the whole
    /// recording again: it is called from the frameworks' generic futures, which are compiled
    /// in the crate that uses them.
    #[inline(never)]
    pub(crate) fn finish(self, status: u16) {
        self.0.record(status, Outcome::from_status(status));
        std::mem::forget(self);
    }

    /// Moves the recording out, leaving a finished one in its place.
    #[inline]
    #[cfg_attr(
        not(feature = "axum"),
        allow(dead_code, reason = "used by axum's extraction only")
    )]
    pub(crate) fn take(self) -> Recording {
        let recording = std::mem::replace(self.0, Recording::FINISHED);
        std::mem::forget(self);
        recording
    }

    /// Polls the handler's own future with `poll`, keeping the trace its body notes (see
    /// [`note_trace`]) for the exemplar.
    #[inline]
    pub(crate) fn poll_handler<R>(&mut self, poll: impl FnOnce() -> R) -> R {
        #[cfg(feature = "opentelemetry")]
        {
            let (output, noted) = crate::hot_path::exemplar::noting(poll);
            if noted.is_some() {
                self.0.trace = noted;
            }
            output
        }
        #[cfg(not(feature = "opentelemetry"))]
        poll()
    }

    /// Leaves the recording running: the guarded future returned `Pending`.
    #[inline]
    pub(crate) fn pending(self) {
        std::mem::forget(self);
    }
}

impl Drop for UnwindGuard<'_> {
    /// Runs only while the guarded poll unwinds (see the type): the recording counts a panic.
    #[inline]
    fn drop(&mut self) {
        self.0.record_unfinished();
    }
}
