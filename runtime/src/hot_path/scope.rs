//! Test scopes: the requests recorded while one test's future is polled, kept apart from every
//! other test's, besides the process-wide series (which a scope leaves unchanged). Read through
//! [`testing::Scope`](crate::testing::Scope).
//!
//! A scope is entered around each poll of the test's future ([`within`]): its data goes in a
//! thread-local, and a process-wide count of the scopes being polled goes up. The hot path
//! reads that count, one relaxed load of a line nothing writes outside tests, when a request
//! enters and when it ends; only if a scope is being polled somewhere does it look for one on its
//! thread, and count the entry or the end there too. Only a request served on the thread
//! polling the test's future is seen: a framework's in-process test client
//! (`actix_web::test::call_service`, `tower::ServiceExt::oneshot`), not a server on other threads.

use std::cell::RefCell;
use std::collections::HashMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, PoisonError};

use crate::hot_path::series::{RouteSeries, StatusSeries};

/// How many scopes are being polled in the process: 0 outside tests.
static ACTIVE: AtomicUsize = AtomicUsize::new(0);

/// Whether a scope is being polled anywhere: if not, a request is not looked up in one.
#[inline(always)]
pub(crate) fn active() -> bool {
    ACTIVE.load(Ordering::Relaxed) != 0
}

/// What one scope recorded, per series (keyed by the series' address: they live as long as the
/// process).
#[derive(Default)]
pub(crate) struct ScopeData {
    recorded: Mutex<Recorded>,
}

#[derive(Default)]
struct Recorded {
    /// Per status series: requests, and their durations' sum in nanoseconds.
    statuses: HashMap<usize, (u64, u64)>,
    /// Per route series: requests entered.
    entered: HashMap<usize, u64>,
}

impl std::fmt::Debug for ScopeData {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let recorded = self.lock();
        f.debug_struct("ScopeData")
            .field(
                "requests",
                &recorded.statuses.values().map(|s| s.0).sum::<u64>(),
            )
            .finish_non_exhaustive()
    }
}

impl ScopeData {
    fn lock(&self) -> std::sync::MutexGuard<'_, Recorded> {
        // A test that panicked while recording leaves counts that are still counts.
        self.recorded.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// The requests this scope recorded in `series`, and their durations' sum in nanoseconds.
    pub(crate) fn status(&self, series: &StatusSeries) -> (u64, u64) {
        let key = std::ptr::from_ref(series) as usize;
        self.lock().statuses.get(&key).copied().unwrap_or_default()
    }

    /// The requests this scope entered into `route`.
    pub(crate) fn entered(&self, route: &RouteSeries) -> u64 {
        let key = std::ptr::from_ref(route) as usize;
        self.lock().entered.get(&key).copied().unwrap_or_default()
    }
}

thread_local! {
    /// The scope being polled on this thread, if any.
    static CURRENT: RefCell<Option<Arc<ScopeData>>> = const { RefCell::new(None) };
}

/// Runs `f` (one poll of a test's future) with `scope` current on this thread, restoring the one
/// before, even if `f` unwinds.
pub(crate) fn within<R>(scope: &Arc<ScopeData>, f: impl FnOnce() -> R) -> R {
    struct Restore(Option<Arc<ScopeData>>);
    impl Drop for Restore {
        fn drop(&mut self) {
            let outer = self.0.take();
            CURRENT.with(|current| *current.borrow_mut() = outer);
            ACTIVE.fetch_sub(1, Ordering::Relaxed);
        }
    }
    ACTIVE.fetch_add(1, Ordering::Relaxed);
    let outer = CURRENT.with(|current| current.borrow_mut().replace(Arc::clone(scope)));
    let _restore = Restore(outer);
    f()
}

/// Runs `f` on the current scope, if there is one.
fn with_current(f: impl FnOnce(&mut Recorded)) {
    CURRENT.with(|current| {
        if let Some(scope) = &*current.borrow() {
            f(&mut scope.lock());
        }
    });
}

/// A request entered `route` under the current scope.
#[cold]
pub(crate) fn entered(route: &'static RouteSeries) {
    let key = std::ptr::from_ref(route) as usize;
    with_current(|recorded| *recorded.entered.entry(key).or_default() += 1);
}

/// A request ended in `series` after `nanos` under the current scope.
#[cold]
pub(crate) fn recorded(series: &'static StatusSeries, nanos: u64) {
    let key = std::ptr::from_ref(series) as usize;
    with_current(|recorded| {
        let counts = recorded.statuses.entry(key).or_default();
        counts.0 += 1;
        counts.1 += nanos;
    });
}
