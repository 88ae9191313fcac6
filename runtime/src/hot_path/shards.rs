//! Counts sharded by thread: each thread adds to its own cache lines, so two threads recording the
//! same series rarely contend for a line; a scrape sums the shards.
//!
//! A shard is allocated the first time a thread assigned to it records into the series, and a
//! series has at most [`MAX_SHARDS`] of them, so its memory follows the threads that actually
//! record into it (one line for a series only one thread serves) and never the host's core count.

use std::cell::Cell;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::OnceLock;

/// Sixteen counts on one 128-byte line (two 64-byte lines: adjacent-line prefetch pairs them).
#[repr(align(128))]
struct Line([AtomicU64; 16]);

const SLOTS_PER_LINE: usize = 16;

/// The most shards a series has: threads beyond the eighth share shards round-robin (their
/// additions stay exact, being atomic; they may contend for a line). Eight shards of a default
/// histogram are 1 KiB.
pub(crate) const MAX_SHARDS: usize = 8;

impl Line {
    fn new() -> Line {
        Line(std::array::from_fn(|_| AtomicU64::new(0)))
    }
}

/// `slots` counts per shard, one shard per (thread index mod [`MAX_SHARDS`]), each allocated on
/// its first use.
pub(crate) struct Sharded {
    shards: [OnceLock<Box<[Line]>>; MAX_SHARDS],
    /// Lines per shard.
    stride: usize,
}

thread_local! {
    /// This thread's shard, assigned round-robin on first use.
    static SHARD: Cell<usize> = const { Cell::new(usize::MAX) };
}

#[inline]
fn this_shard() -> usize {
    SHARD.with(|shard| {
        let mut index = shard.get();
        if index == usize::MAX {
            static NEXT: AtomicUsize = AtomicUsize::new(0);
            index = NEXT.fetch_add(1, Ordering::Relaxed) % MAX_SHARDS;
            shard.set(index);
        }
        index
    })
}

impl Sharded {
    /// Room for `slots` counts per shard; no shard is allocated yet.
    pub(crate) fn new(slots: usize) -> Sharded {
        Sharded {
            shards: std::array::from_fn(|_| OnceLock::new()),
            stride: slots.div_ceil(SLOTS_PER_LINE).max(1),
        }
    }

    /// Adds `value` to `slot` on this thread's shard.
    #[inline]
    pub(crate) fn add(&self, slot: usize, value: u64) {
        Self::slot(self.shard(), slot).fetch_add(value, Ordering::Relaxed);
    }

    /// Adds `a.1` to slot `a.0` and `b.1` to slot `b.0`, on this thread's shard (found once).
    #[inline]
    pub(crate) fn add_pair(&self, a: (usize, u64), b: (usize, u64)) {
        let shard = self.shard();
        Self::slot(shard, a.0).fetch_add(a.1, Ordering::Relaxed);
        Self::slot(shard, b.0).fetch_add(b.1, Ordering::Relaxed);
    }

    /// This thread's shard, allocated if this is the first time a thread records into it.
    #[inline]
    fn shard(&self) -> &[Line] {
        let cell = &self.shards[this_shard()];
        match cell.get() {
            Some(lines) => lines,
            None => self.allocate(cell),
        }
    }

    #[cold]
    #[inline(never)]
    fn allocate<'a>(&self, cell: &'a OnceLock<Box<[Line]>>) -> &'a [Line] {
        cell.get_or_init(|| (0..self.stride).map(|_| Line::new()).collect())
    }

    #[inline]
    fn slot(shard: &[Line], slot: usize) -> &AtomicU64 {
        &shard[slot / SLOTS_PER_LINE].0[slot % SLOTS_PER_LINE]
    }

    /// The sum of `slot` over all shards.
    pub(crate) fn sum(&self, slot: usize) -> u64 {
        self.shards
            .iter()
            .filter_map(OnceLock::get)
            .map(|shard| Self::slot(shard, slot).load(Ordering::Relaxed))
            .fold(0u64, u64::wrapping_add)
    }

    /// The shards allocated so far.
    #[cfg(test)]
    fn allocated(&self) -> usize {
        self.shards.iter().filter(|s| s.get().is_some()).count()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sums_what_every_thread_added() {
        let sharded = std::sync::Arc::new(Sharded::new(20));
        let threads: Vec<_> = (0..12)
            .map(|t| {
                let sharded = sharded.clone();
                std::thread::spawn(move || {
                    for _ in 0..10_000 {
                        sharded.add(t % 20, 1);
                        sharded.add(19, 2);
                    }
                })
            })
            .collect();
        for thread in threads {
            thread.join().unwrap();
        }
        assert_eq!(sharded.sum(0), 10_000);
        assert_eq!(sharded.sum(7), 10_000);
        assert_eq!(sharded.sum(12), 0);
        assert_eq!(sharded.sum(19), 240_000);
    }

    #[test]
    fn allocates_only_the_shards_of_threads_that_record() {
        let sharded = std::sync::Arc::new(Sharded::new(13));
        assert_eq!(sharded.allocated(), 0, "nothing before the first record");
        sharded.add(0, 1);
        sharded.add(3, 1);
        assert_eq!(sharded.allocated(), 1, "one thread, one shard");
        let threads: Vec<_> = (0..3 * MAX_SHARDS)
            .map(|_| {
                let sharded = sharded.clone();
                std::thread::spawn(move || sharded.add(0, 1))
            })
            .collect();
        for thread in threads {
            thread.join().unwrap();
        }
        assert_eq!(sharded.allocated(), MAX_SHARDS, "never more than the cap");
        assert_eq!(sharded.sum(0), 1 + 3 * MAX_SHARDS as u64);
    }
}
