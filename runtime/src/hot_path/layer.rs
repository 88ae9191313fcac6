//! What runs per request in a companion layer (`handler_metrics::axum::layer()`,
//! `handler_metrics::actix::middleware()`): the one recording of every request that reaches it.
//!
//! On entry: read the clock, make an empty [`Slot`]. Around every call into the wrapped service:
//! open the slot ([`slot::open`]), so that a `#[metered]` handler reached inside claims it with its
//! route series instead of recording. When the response's head leaves the layer: the series is the
//! handler's if one claimed the slot, else the unmetered one the framework's adapter names
//! ([`Unmetered`]: the handler value reserved for requests no handler served, the route template
//! or `unmatched`, the method), or none (the exposition route, an excluded path). The request is
//! recorded when the response body has been handed over in full or dropped ([`Ending`]), with the
//! status of that response: the client's wait, and the status it got. A layer future dropped
//! before any response is a cancellation (`499`), a poll that unwinds a panic (`500`), recorded
//! there and then, once.

use std::pin::Pin;
use std::task::{ready, Poll};

use pin_project_lite::pin_project;

use crate::hot_path::clock;
use crate::hot_path::scope;
use crate::hot_path::series::{RouteSeries, StatusSeries};
use crate::hot_path::slot::{self, Claim, Slot};
use crate::vocabulary::outcome::Outcome;

/// The adapter's knowledge of a request that no `#[metered]` handler claimed.
pub(crate) trait Unmetered {
    /// The request's unmetered series (entered here, as it is recorded), or `None` if it is
    /// excluded from counting.
    fn route(&self) -> Option<&'static RouteSeries>;
}

/// Where a layer's recording stands.
#[derive(Clone, Copy, PartialEq, Eq)]
enum State {
    /// Waiting for the response.
    Serving,
    /// Recorded, or handed to an [`Ending`], or never to be: nothing more to do.
    Done,
}

/// One request through a companion layer, from its entry until its response's head.
pub(crate) struct LayerRecording<U: Unmetered> {
    request: U,
    started: u64,
    slot: Slot,
    state: State,
}

impl<U: Unmetered> LayerRecording<U> {
    /// A request has reached the layer. Inside another layer's open slot (the layer installed
    /// twice), it leaves the request to that one and records nothing.
    #[inline]
    pub(crate) fn begin(request: U) -> Self {
        let (state, started) = if slot::is_open() {
            (State::Done, 0)
        } else {
            (State::Serving, clock::now())
        };
        LayerRecording {
            request,
            started,
            slot: Slot::default(),
            state,
        }
    }

    /// Calls into the wrapped service (its `call`, or a poll of its future) with the slot open.
    /// If `f` unwinds, the request is recorded as a panic before the unwinding goes on.
    #[inline]
    pub(crate) fn call<R>(&mut self, f: impl FnOnce() -> R) -> R {
        if self.state == State::Done {
            return f();
        }
        /// Armed for the call; forgotten when it returns, so dropped only by unwinding.
        struct OnUnwind<'a, U: Unmetered>(&'a mut LayerRecording<U>);
        impl<U: Unmetered> Drop for OnUnwind<'_, U> {
            fn drop(&mut self) {
                self.0.abandon(Outcome::Panic);
            }
        }
        let guard = OnUnwind(self);
        let output = slot::open(&mut guard.0.slot, f);
        std::mem::forget(guard);
        output
    }

    /// The response's head, with `status`, leaves the layer: what remains to record when its body
    /// has been handed over, or `None` if nothing is (the exposition route, an excluded request,
    /// a nested layer). `unmetered` names the series if no handler claimed the request: the
    /// adapter may know more of it now, from the response, than it kept at the start.
    #[inline]
    pub(crate) fn respond(
        &mut self,
        status: u16,
        unmetered: impl FnOnce(&U) -> Option<&'static RouteSeries>,
    ) -> Option<Ending> {
        if self.state == State::Done {
            return None;
        }
        self.state = State::Done;
        let route = self.route(unmetered)?;
        let outcome = if self.slot.panicked {
            Outcome::Panic
        } else {
            Outcome::from_status(status)
        };
        Some(Ending {
            series: route.status_series(status, outcome),
            started: self.started,
            #[cfg(feature = "opentelemetry")]
            trace: self
                .slot
                .trace
                .or_else(crate::hot_path::exemplar::current_trace),
        })
    }

    /// The series to record in: the claiming handler's, or the unmetered one (entered now).
    #[inline]
    fn route(
        &self,
        unmetered: impl FnOnce(&U) -> Option<&'static RouteSeries>,
    ) -> Option<&'static RouteSeries> {
        match self.slot.claim {
            Claim::Handler(route) => Some(route),
            Claim::Exposition => None,
            Claim::Unclaimed => {
                let route = unmetered(&self.request)?;
                route.enter();
                if scope::active() {
                    scope::entered(route);
                }
                Some(route)
            }
        }
    }

    /// Records the request ended without a response: a panic, or a cancellation.
    #[cold]
    fn abandon(&mut self, outcome: Outcome) {
        if self.state == State::Done {
            return;
        }
        self.state = State::Done;
        if let Some(route) = self.route(U::route) {
            let status = outcome.status().unwrap_or(500);
            let series = route.status_series(status, outcome);
            let nanos = clock::nanos_between(self.started, clock::now());
            series.observe(nanos);
            if scope::active() {
                scope::recorded(series, nanos);
            }
        }
    }
}

impl<U: Unmetered> Drop for LayerRecording<U> {
    /// The layer's future dropped before the response's head left it: the client went away.
    #[inline]
    fn drop(&mut self) {
        if self.state == State::Serving {
            self.abandon(Outcome::Cancelled);
        }
    }
}

/// What remains of a request once its response's head has left the layer: recorded when dropped,
/// which the adapter's body does when it has handed over its last frame, or is itself dropped.
pub(crate) struct Ending {
    series: &'static StatusSeries,
    started: u64,
    #[cfg(feature = "opentelemetry")]
    trace: Option<crate::hot_path::exemplar::TraceRef>,
}

impl Drop for Ending {
    #[inline]
    fn drop(&mut self) {
        let end = clock::now();
        let nanos = clock::nanos_between(self.started, end);
        let _bucket = self.series.observe(nanos);
        if scope::active() {
            scope::recorded(self.series, nanos);
        }
        #[cfg(feature = "opentelemetry")]
        if let Some(trace) = self.trace {
            self.series.exemplars.offer(_bucket, nanos, end, trace);
        }
    }
}

pin_project! {
    /// A response body that records its request when it has handed over its last frame, or is
    /// dropped: the duration then is the client's wait, streaming included. The same type on both
    /// frameworks; each implements its body trait for it (`actix_web::body::MessageBody`,
    /// `http_body::Body`).
    pub struct MeteredBody<B> {
        #[pin]
        body: B,
        ending: Option<Ending>,
    }
}

impl<B> MeteredBody<B> {
    /// `body`, recording `ending` (if any) when it ends.
    #[inline]
    pub(crate) fn new(body: B, ending: Option<Ending>) -> Self {
        MeteredBody { body, ending }
    }

    /// The body.
    #[inline]
    pub(crate) fn body(&self) -> &B {
        &self.body
    }

    /// Polls the body with `poll` for its next frame; the end, or an error that ends it,
    /// records the request.
    #[inline]
    pub(crate) fn poll_next<T, E>(
        self: Pin<&mut Self>,
        poll: impl FnOnce(Pin<&mut B>) -> Poll<Option<Result<T, E>>>,
    ) -> Poll<Option<Result<T, E>>> {
        let this = self.project();
        let next = ready!(poll(this.body));
        if !matches!(next, Some(Ok(_))) {
            this.ending.take();
        }
        Poll::Ready(next)
    }
}
