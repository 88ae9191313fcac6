//! Exemplars: for each histogram bucket of a series, the trace of a recent request that landed in
//! it, so that a latency panel's slow bucket links to a trace of a slow request. Feature
//! `opentelemetry`: the trace is the current OpenTelemetry context's span (what
//! `tracing-opentelemetry` activates when a span is entered, and what OpenTelemetry's own
//! instrumentation attaches), if it is valid and sampled.
//!
//! Bounded cost: reading the context is a thread-local borrow (no allocation); a bucket takes a new
//! exemplar at most every [`MIN_INTERVAL_NANOS`], checked with one relaxed load of a line the
//! writers rarely touch, so threads recording into the same bucket do not fight over it; a
//! write takes the slot's lock only if it is free (a scrape reading it never makes a request
//! wait). The slots are allocated once per series, by the first traced request it records.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Mutex, OnceLock};

use crate::hot_path::clock;

/// The least time between two exemplars of one bucket: 100 ms, far more often than any scrape.
const MIN_INTERVAL_NANOS: u64 = 100_000_000;

/// A trace and span, as OpenTelemetry identifies them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct TraceRef {
    pub(crate) trace_id: [u8; 16],
    pub(crate) span_id: [u8; 8],
}

/// The current OpenTelemetry span's trace, if it is valid and sampled (an exemplar pointing at a
/// trace that was not kept would lead nowhere).
#[inline]
pub(crate) fn current_trace() -> Option<TraceRef> {
    use opentelemetry::trace::TraceContextExt as _;
    opentelemetry::Context::map_current(|context| {
        let span = context.span();
        let span_context = span.span_context();
        (span_context.is_valid() && span_context.is_sampled()).then(|| TraceRef {
            trace_id: span_context.trace_id().to_bytes(),
            span_id: span_context.span_id().to_bytes(),
        })
    })
}

/// What a handler's body noted of its trace: `None` if it has not run yet (or is no
/// `#[metered]` body), `Some(None)` if it ran outside any sampled trace.
pub(crate) type Noted = Option<Option<TraceRef>>;

thread_local! {
    /// What a `#[metered]` handler's own body noted on this thread during the poll of it that is
    /// running (see [`noting`]).
    static NOTED: std::cell::Cell<Noted> = const { std::cell::Cell::new(None) };
}

/// Notes the current trace, if any, for the recording whose poll of the user's future is running:
/// what the code `#[metered]` puts at the start of a handler's body calls. There, inside the
/// body, a span that `#[tracing::instrument]` opens around it is entered, which it no longer is
/// when the recording ends, outside.
#[inline]
pub(crate) fn note_current_trace() {
    NOTED.set(Some(current_trace()));
}

/// Runs `poll` (one poll of a handler's own future) and returns what its body noted then: only
/// the first poll runs the start of the body.
#[inline]
pub(crate) fn noting<R>(poll: impl FnOnce() -> R) -> (R, Noted) {
    NOTED.set(None);
    let output = poll();
    (output, NOTED.take())
}

/// One exemplar: the trace, the observed duration, and when (a [`clock::now`] reading).
#[derive(Clone, Copy, Debug)]
pub(crate) struct Exemplar {
    pub(crate) trace: TraceRef,
    pub(crate) nanos: u64,
    pub(crate) at: u64,
}

#[derive(Default)]
struct Slot {
    /// The [`clock::now`] reading of the last write, 0 before the first.
    written: AtomicU64,
    exemplar: Mutex<Option<Exemplar>>,
}

/// The exemplars of one histogram series, one slot per bucket (the last is `+Inf`).
pub(crate) struct Exemplars {
    slots: OnceLock<Box<[Slot]>>,
    buckets: usize,
}

impl Exemplars {
    /// Room for `buckets` exemplars; nothing is allocated yet.
    pub(crate) fn new(buckets: usize) -> Exemplars {
        Exemplars {
            slots: OnceLock::new(),
            buckets,
        }
    }

    /// Offers the request that took `nanos`, ended at `at` and landed in `bucket`, traced by
    /// `trace`: kept unless the bucket took one less than [`MIN_INTERVAL_NANOS`] ago or its slot
    /// is being read or written right now.
    #[inline]
    pub(crate) fn offer(&self, bucket: usize, nanos: u64, at: u64, trace: TraceRef) {
        let slots = match self.slots.get() {
            Some(slots) => slots,
            None => self.allocate(),
        };
        let Some(slot) = slots.get(bucket) else {
            return;
        };
        let last = slot.written.load(Ordering::Relaxed);
        if last != 0 && clock::nanos_between(last, at) < MIN_INTERVAL_NANOS {
            return;
        }
        if let Ok(mut exemplar) = slot.exemplar.try_lock() {
            *exemplar = Some(Exemplar { trace, nanos, at });
            slot.written.store(at.max(1), Ordering::Relaxed);
        }
    }

    #[cold]
    #[inline(never)]
    fn allocate(&self) -> &[Slot] {
        self.slots
            .get_or_init(|| (0..self.buckets).map(|_| Slot::default()).collect())
    }

    /// The exemplar of `bucket`, for a scrape.
    pub(crate) fn get(&self, bucket: usize) -> Option<Exemplar> {
        let slot = self.slots.get()?.get(bucket)?;
        // A poisoned slot only means a panic elsewhere while it was held; its value is whole.
        *slot
            .exemplar
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const TRACE: TraceRef = TraceRef {
        trace_id: [1; 16],
        span_id: [2; 8],
    };

    #[test]
    fn keeps_one_exemplar_per_bucket_at_most_every_interval() {
        let exemplars = Exemplars::new(3);
        assert!(exemplars.get(0).is_none(), "nothing before the first offer");
        let t0 = clock::now();
        exemplars.offer(1, 42, t0, TRACE);
        let kept = exemplars.get(1).expect("kept");
        assert_eq!((kept.trace, kept.nanos, kept.at), (TRACE, 42, t0));
        assert!(exemplars.get(0).is_none(), "other buckets untouched");

        let other = TraceRef {
            trace_id: [3; 16],
            span_id: [4; 8],
        };
        exemplars.offer(1, 43, clock::now(), other);
        assert_eq!(exemplars.get(1).expect("kept").trace, TRACE, "too soon");

        std::thread::sleep(std::time::Duration::from_millis(120));
        exemplars.offer(1, 44, clock::now(), other);
        assert_eq!(
            exemplars.get(1).expect("kept").trace,
            other,
            "after the interval"
        );
        exemplars.offer(7, 1, clock::now(), other); // out of range: ignored, no panic
    }

    #[test]
    fn no_trace_without_a_sampled_span() {
        assert_eq!(current_trace(), None);
    }
}
