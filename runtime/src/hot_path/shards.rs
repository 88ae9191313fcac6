//! Counts sharded by thread: each thread adds to its own cache lines, so two threads recording the
//! same series never contend for a line; a scrape sums the shards.

use std::cell::Cell;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::OnceLock;

/// Sixteen counts on one 128-byte line (two 64-byte lines: adjacent-line prefetch pairs them).
#[repr(align(128))]
struct Line([AtomicU64; 16]);

const SLOTS_PER_LINE: usize = 16;

impl Line {
    fn new() -> Line {
        Line(std::array::from_fn(|_| AtomicU64::new(0)))
    }
}

/// `slots` counts per shard, one shard per (thread index mod shard count).
pub(crate) struct Sharded {
    lines: Box<[Line]>,
    /// Lines per shard.
    stride: usize,
}

/// Shards per series: four per available core, a power of two, so threads rarely share one.
fn shard_count() -> usize {
    static COUNT: OnceLock<usize> = OnceLock::new();
    *COUNT.get_or_init(|| {
        let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
        (cores * 4).next_power_of_two().clamp(4, 256)
    })
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
            index = NEXT.fetch_add(1, Ordering::Relaxed) & (shard_count() - 1);
            shard.set(index);
        }
        index
    })
}

impl Sharded {
    pub(crate) fn new(slots: usize) -> Sharded {
        let stride = slots.div_ceil(SLOTS_PER_LINE).max(1);
        let lines = (0..stride * shard_count()).map(|_| Line::new()).collect();
        Sharded { lines, stride }
    }

    /// Adds `value` to `slot` on this thread's shard.
    #[inline]
    pub(crate) fn add(&self, slot: usize, value: u64) {
        self.slot(this_shard(), slot)
            .fetch_add(value, Ordering::Relaxed);
    }

    /// Adds `a.1` to slot `a.0` and `b.1` to slot `b.0`, on this thread's shard (found once).
    #[inline]
    pub(crate) fn add_pair(&self, a: (usize, u64), b: (usize, u64)) {
        let shard = this_shard();
        self.slot(shard, a.0).fetch_add(a.1, Ordering::Relaxed);
        self.slot(shard, b.0).fetch_add(b.1, Ordering::Relaxed);
    }

    #[inline]
    fn slot(&self, shard: usize, slot: usize) -> &AtomicU64 {
        &self.lines[shard * self.stride + slot / SLOTS_PER_LINE].0[slot % SLOTS_PER_LINE]
    }

    /// The sum of `slot` over all shards.
    pub(crate) fn sum(&self, slot: usize) -> u64 {
        self.lines
            .chunks(self.stride)
            .map(|shard| {
                shard[slot / SLOTS_PER_LINE].0[slot % SLOTS_PER_LINE].load(Ordering::Relaxed)
            })
            .fold(0u64, u64::wrapping_add)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sums_what_every_thread_added() {
        let sharded = std::sync::Arc::new(Sharded::new(20));
        let threads: Vec<_> = (0..8)
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
        assert_eq!(sharded.sum(8), 0);
        assert_eq!(sharded.sum(19), 160_000);
    }
}
