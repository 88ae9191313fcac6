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

/// This thread's request-local state: the slot a layer's call has open, and whether a test
/// scope ([`scope`](crate::hot_path::scope)) is being polled. One `Copy` value, so that the
/// handler learns both from one thread-local load.
#[derive(Clone, Copy, Default)]
struct Local {
    slot: Option<Slot>,
    scoped: bool,
}

thread_local! {
    static LOCAL: Cell<Local> = const {
        Cell::new(Local {
            slot: None,
            scoped: false,
        })
    };
}

/// What a request entering a handler or a layer finds on its thread.
#[derive(Clone, Copy)]
pub(crate) struct Entry {
    /// A layer's slot was open: the handler claimed it (a layer: it is nested).
    pub(crate) claimed: bool,
    /// A test scope is being polled: the request is recorded in it too.
    pub(crate) scoped: bool,
}

/// What a companion layer finds on entry: whether another layer's slot is open (it then leaves
/// the request to that one) and whether a test scope is.
#[inline]
pub(crate) fn layer_entry() -> Entry {
    let local = LOCAL.get();
    Entry {
        claimed: local.slot.is_some(),
        scoped: local.scoped,
    }
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
            let mut local = LOCAL.get();
            if let Some(written) = local.slot {
                *self.slot = written;
            }
            local.slot = self.outer;
            LOCAL.set(local);
        }
    }
    let mut local = LOCAL.get();
    let outer = local.slot.replace(*slot);
    LOCAL.set(local);
    let _close = Close { slot, outer };
    f()
}

/// Runs `f` with a test scope marked active on this thread (the scope's data is elsewhere), and
/// restores what was there, even if `f` unwinds.
pub(crate) fn scoped<R>(f: impl FnOnce() -> R) -> R {
    struct Restore(bool);
    impl Drop for Restore {
        fn drop(&mut self) {
            let mut local = LOCAL.get();
            local.scoped = self.0;
            LOCAL.set(local);
        }
    }
    let mut local = LOCAL.get();
    let _restore = Restore(local.scoped);
    local.scoped = true;
    LOCAL.set(local);
    f()
}

/// A `#[metered]` handler reached through `route` claims the open slot, if there is one (the
/// layer then records the request, and the handler does not), and learns whether a test scope
/// is active: one thread-local load.
#[inline]
pub(crate) fn claim(route: &'static RouteSeries) -> Entry {
    let mut local = LOCAL.get();
    match &mut local.slot {
        Some(slot) => {
            slot.claim = Claim::Handler(route);
            let scoped = local.scoped;
            LOCAL.set(local);
            Entry {
                claimed: true,
                scoped,
            }
        }
        None => Entry {
            claimed: false,
            scoped: local.scoped,
        },
    }
}

/// The exposition route claims the open slot, if any and if no handler has: scrapes are never
/// counted, but a `#[metered]` handler that serves one itself (it entered its series, which the
/// layer must finish) stays the owner.
#[inline]
pub(crate) fn claim_exposition() {
    let mut local = LOCAL.get();
    if let Some(slot) = &mut local.slot {
        if matches!(slot.claim, Claim::Unclaimed) {
            slot.claim = Claim::Exposition;
            LOCAL.set(local);
        }
    }
}

/// A handler that claimed the slot has ended with `outcome`: a panic is noted for the layer (a
/// `CatchPanicLayer` inside it answers `500` for it), and, with `opentelemetry`, its trace: the
/// one its body noted (`noted`), else the one it ended in. Without an open slot (its future
/// dropped outside the layer's call) nothing: the layer records the request either way.
#[cold]
pub(crate) fn handler_ended(
    outcome: Outcome,
    #[cfg(feature = "opentelemetry")] noted: Option<crate::hot_path::exemplar::TraceRef>,
) {
    let mut local = LOCAL.get();
    if let Some(slot) = &mut local.slot {
        if outcome == Outcome::Panic {
            slot.panicked = true;
        }
        #[cfg(feature = "opentelemetry")]
        if outcome != Outcome::Cancelled {
            slot.trace = noted
                .or_else(crate::hot_path::exemplar::current_trace)
                .or(slot.trace);
        }
        LOCAL.set(local);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nothing_is_open_outside_a_layer_and_claims_are_refused() {
        assert!(!layer_entry().claimed);
        claim_exposition();
        handler_ended(
            Outcome::Panic,
            #[cfg(feature = "opentelemetry")]
            None,
        );
        assert!(!layer_entry().claimed);
    }

    #[test]
    fn what_is_written_inside_comes_back_even_on_unwinding() {
        let mut slot = Slot::default();
        open(&mut slot, || {
            assert!(layer_entry().claimed);
            claim_exposition();
        });
        assert!(!layer_entry().claimed);
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
        assert!(!layer_entry().claimed, "the slot closed while unwinding");
    }

    #[test]
    fn an_inner_slot_restores_the_outer_one() {
        let mut outer = Slot::default();
        open(&mut outer, || {
            let mut inner = Slot::default();
            open(&mut inner, claim_exposition);
            assert!(matches!(inner.claim, Claim::Exposition));
            assert!(layer_entry().claimed, "the outer slot is open again");
        });
        assert!(matches!(outer.claim, Claim::Unclaimed));
    }
}
