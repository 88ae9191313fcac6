//! The slot a companion layer opens for the handler it wraps: how a `#[metered]` handler learns
//! that a layer further out owns the recording of its request, and tells that layer who it is.
//!
//! The layer holds a [`Slot`] by value in its own future and opens it around each call into the
//! service it wraps: for the length of that call the slot is this thread's, and code running
//! inside it (a handler's start, its end, the exposition route) reads and writes it; when the
//! call returns, or unwinds, the slot goes back into the layer's future with what was written.
//! A task-local in effect (the handler's future is polled only from inside the layer's), kept in
//! a `const`-initialised thread-local `Cell` of a `Copy` value: no allocation, no lock, no
//! registration, and without a layer the handler pays one thread-local load to see that no slot
//! is open (`scripts/bench-instructions.sh`). Nested slots (a layer installed twice) are not
//! opened: the outer one owns the request.

#![cfg_attr(
    not(any(feature = "actix", feature = "axum")),
    allow(dead_code, reason = "only the frameworks' layers open a slot")
)]

use std::cell::Cell;

use crate::hot_path::series::RouteSeries;
use crate::vocabulary::outcome::Outcome;

/// Who answered the request, as far as the layer can tell from inside.
#[derive(Clone, Copy, Default)]
pub(crate) enum Claim {
    /// No `#[metered]` handler, no exposition route: the layer counts it as unmetered.
    #[default]
    Unclaimed,
    /// A `#[metered]` handler, with the series of its route: the layer records there.
    Handler(&'static RouteSeries),
    /// The `/metrics` route: never counted.
    Exposition,
}

/// What the handler leaves for the layer.
#[derive(Clone, Copy, Default)]
pub(crate) struct Slot {
    pub(crate) claim: Claim,
    /// The handler panicked (a `CatchPanicLayer` inside the layer turned it into a response).
    pub(crate) panicked: bool,
    /// The trace the handler ended in, for the exemplar the layer offers at the end.
    #[cfg(feature = "opentelemetry")]
    pub(crate) trace: Option<crate::hot_path::exemplar::TraceRef>,
}

thread_local! {
    /// The slot open on this thread, if a layer's call is running on it.
    static OPEN: Cell<Option<Slot>> = const { Cell::new(None) };
}

/// Whether a layer's slot is open on this thread: a second layer inside it leaves the request to
/// the first.
#[inline]
pub(crate) fn is_open() -> bool {
    OPEN.with(|open| open.get().is_some())
}

/// Runs `f` with `slot` open on this thread, then puts what `f` wrote back into `slot`, even if
/// `f` unwinds (so that the layer, recording the panic, knows whose request it was).
#[inline]
pub(crate) fn open<R>(slot: &mut Slot, f: impl FnOnce() -> R) -> R {
    /// Closes the slot on every way out of `f`.
    struct Close<'a> {
        slot: &'a mut Slot,
        outer: Option<Slot>,
    }
    impl Drop for Close<'_> {
        #[inline]
        fn drop(&mut self) {
            if let Some(written) = OPEN.replace(self.outer) {
                *self.slot = written;
            }
        }
    }
    let outer = OPEN.replace(Some(*slot));
    let _close = Close { slot, outer };
    f()
}

/// A `#[metered]` handler reached through `route` claims the open slot, if there is one: the
/// layer records the request, and the handler does not.
#[inline]
pub(crate) fn claim(route: &'static RouteSeries) -> bool {
    OPEN.with(|open| match open.get() {
        Some(mut slot) => {
            slot.claim = Claim::Handler(route);
            open.set(Some(slot));
            true
        }
        None => false,
    })
}

/// The exposition route claims the open slot, if any and if no handler has: scrapes are never
/// counted, but a `#[metered]` handler that serves one itself (it entered its series, which the
/// layer must finish) stays the owner.
#[inline]
pub(crate) fn claim_exposition() {
    OPEN.with(|open| {
        if let Some(mut slot) = open.get() {
            if matches!(slot.claim, Claim::Unclaimed) {
                slot.claim = Claim::Exposition;
                open.set(Some(slot));
            }
        }
    });
}

/// A handler that claimed the slot has ended with `outcome`: a panic is noted for the layer (a
/// `CatchPanicLayer` inside it answers `500` for it), and, with `opentelemetry`, its trace: the
/// one its body noted (`noted`), else the one it ended in. Without an open slot (its future
/// dropped outside the layer's call) nothing: the layer records the request either way.
#[cold]
pub(crate) fn handler_ended(
    outcome: Outcome,
    #[cfg(feature = "opentelemetry")] noted: crate::hot_path::exemplar::Noted,
) {
    OPEN.with(|open| {
        if let Some(mut slot) = open.get() {
            if outcome == Outcome::Panic {
                slot.panicked = true;
            }
            #[cfg(feature = "opentelemetry")]
            if outcome != Outcome::Cancelled {
                slot.trace = noted
                    .unwrap_or_else(crate::hot_path::exemplar::current_trace)
                    .or(slot.trace);
            }
            open.set(Some(slot));
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nothing_is_open_outside_a_layer_and_claims_are_refused() {
        assert!(!is_open());
        claim_exposition();
        handler_ended(
            Outcome::Panic,
            #[cfg(feature = "opentelemetry")]
            None,
        );
        assert!(!is_open());
    }

    #[test]
    fn what_is_written_inside_comes_back_even_on_unwinding() {
        let mut slot = Slot::default();
        open(&mut slot, || {
            assert!(is_open());
            claim_exposition();
        });
        assert!(!is_open());
        assert!(matches!(slot.claim, Claim::Exposition));

        let mut slot = Slot::default();
        let unwound = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            open(&mut slot, || {
                handler_ended(
                    Outcome::Panic,
                    #[cfg(feature = "opentelemetry")]
                    None,
                );
                panic!("the handler panics");
            })
        }));
        assert!(unwound.is_err());
        assert!(
            slot.panicked,
            "the write before the panic reached the layer's slot"
        );
        assert!(!is_open(), "the slot closed while unwinding");
    }

    #[test]
    fn an_inner_slot_restores_the_outer_one() {
        let mut outer = Slot::default();
        open(&mut outer, || {
            let mut inner = Slot::default();
            open(&mut inner, claim_exposition);
            assert!(matches!(inner.claim, Claim::Exposition));
            assert!(is_open(), "the outer slot is open again");
        });
        assert!(matches!(outer.claim, Claim::Unclaimed));
    }
}
