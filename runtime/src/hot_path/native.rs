//! Native-histogram counts of one status series: a zero bucket and exponential buckets at the
//! configured schema, in chunks allocated the first time a duration lands in their range, so a
//! series holds memory for the durations it has seen and nothing is allocated once they exist.
//!
//! Every duration the clock can measure has its bucket: nanoseconds as a `u64` are 1 ns (just
//! above 2⁻³⁰ s) to 2⁶⁴ ns (below 2³⁵ s), so the directory spans the buckets of
//! [`LOWEST_EXPONENT`]`..`[`HIGHEST_EXPONENT`] and nothing falls outside it.
//!
//! The counts are shared by the threads recording into the series (one atomic addition each),
//! not sharded like the classic buckets: a request's native bucket is one of many, so two
//! threads meet on a line only when their durations fall in the same eighth of an octave.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::OnceLock;

use crate::vocabulary::native::{reduce, Bounds, Bucket, NativeHistograms};

/// Seconds at or below `2^LOWEST_EXPONENT` go in the lowest bucket of the directory: below
/// 1 ns, the clock's resolution.
const LOWEST_EXPONENT: i32 = -31;
/// `2^HIGHEST_EXPONENT` seconds is above every duration a `u64` of nanoseconds holds.
const HIGHEST_EXPONENT: i32 = 35;
/// Counts per chunk at least: one 64-byte line.
const MIN_CHUNK: usize = 8;

/// The settings every status series of a configuration records native buckets with.
#[derive(Debug)]
pub(crate) struct NativeLayout {
    bounds: Bounds,
    zero_threshold: f64,
    limit: Option<usize>,
    /// The key of the directory's first bucket.
    first_key: i32,
    /// log2 of the counts per chunk.
    chunk_shift: u32,
    chunks: usize,
}

impl NativeLayout {
    pub(crate) fn new(settings: &NativeHistograms) -> NativeLayout {
        let schema = settings.schema();
        let bounds = Bounds::new(schema);
        let first_key = bounds.key(2f64.powi(LOWEST_EXPONENT));
        let last_key = bounds.key(2f64.powi(HIGHEST_EXPONENT));
        let keys = (last_key - first_key + 1) as usize;
        let per_chunk = keys
            .next_power_of_two()
            .min((1usize << schema.max(0)).max(MIN_CHUNK).next_power_of_two());
        NativeLayout {
            bounds,
            zero_threshold: settings.zero_threshold_seconds(),
            limit: settings.bucket_limit(),
            first_key,
            chunk_shift: per_chunk.trailing_zeros(),
            chunks: keys.div_ceil(per_chunk),
        }
    }

    pub(crate) fn schema(&self) -> i8 {
        self.bounds.schema()
    }
}

/// A series' native buckets.
pub(crate) struct NativeCounts {
    layout: &'static NativeLayout,
    zero: AtomicU64,
    chunks: Box<[OnceLock<Box<[AtomicU64]>>]>,
}

/// A snapshot of the native buckets, for exposition: what a Prometheus `Histogram` message
/// carries besides the sum.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct NativeValues {
    /// The schema after halving for the bucket limit.
    pub(crate) schema: i8,
    pub(crate) zero_threshold: f64,
    pub(crate) zero_count: u64,
    /// Populated buckets, ascending keys, counts not cumulative.
    pub(crate) buckets: Vec<(i32, u64)>,
}

impl NativeValues {
    /// Observations in the snapshot: the zero bucket's and every other's. A snapshot read while
    /// requests are recorded is consistent with itself, so this, not the classic count, is the
    /// message's count.
    pub(crate) fn count(&self) -> u64 {
        self.zero_count + self.buckets.iter().map(|b| b.1).sum::<u64>()
    }
}

impl NativeCounts {
    pub(crate) fn new(layout: &'static NativeLayout) -> NativeCounts {
        NativeCounts {
            layout,
            zero: AtomicU64::new(0),
            chunks: (0..layout.chunks).map(|_| OnceLock::new()).collect(),
        }
    }

    /// Counts one duration of `nanos`.
    #[inline]
    pub(crate) fn observe(&self, nanos: u64) {
        let layout = self.layout;
        // Divided, not multiplied by 1e-9: correctly rounded, so a whole number of seconds (or of
        // a threshold's milliseconds) is exact, and lands on its bound.
        let seconds = nanos as f64 / 1e9;
        let key = match layout.bounds.bucket(seconds, layout.zero_threshold) {
            Some(Bucket::Key(key)) => key,
            _ => {
                // At or below the threshold (a duration is never NaN).
                self.zero.fetch_add(1, Ordering::Relaxed);
                return;
            }
        };
        // Above 0 and at most 2^35 s: inside the directory (the lowest key takes anything
        // below 2^-31 s above a smaller zero threshold).
        let index = (key - layout.first_key).max(0) as usize;
        let chunk = &self.chunks[index >> layout.chunk_shift];
        let counts = match chunk.get() {
            Some(counts) => counts,
            None => self.allocate(chunk),
        };
        counts[index & ((1 << layout.chunk_shift) - 1)].fetch_add(1, Ordering::Relaxed);
    }

    #[cold]
    #[inline(never)]
    fn allocate<'a>(&self, chunk: &'a OnceLock<Box<[AtomicU64]>>) -> &'a [AtomicU64] {
        chunk.get_or_init(|| {
            (0..1usize << self.layout.chunk_shift)
                .map(|_| AtomicU64::new(0))
                .collect()
        })
    }

    /// The buckets as exposed: populated ones only, halved in resolution while there are more
    /// than the configured limit.
    pub(crate) fn values(&self) -> NativeValues {
        let layout = self.layout;
        let mut buckets = Vec::new();
        for (chunk_index, chunk) in self.chunks.iter().enumerate() {
            let Some(counts) = chunk.get() else { continue };
            for (offset, count) in counts.iter().enumerate() {
                let count = count.load(Ordering::Relaxed);
                if count > 0 {
                    let index = (chunk_index << layout.chunk_shift) + offset;
                    buckets.push((layout.first_key + index as i32, count));
                }
            }
        }
        let zero_count = self.zero.load(Ordering::Relaxed);
        let schema = reduce(&mut buckets, layout.schema(), layout.limit);
        NativeValues {
            schema,
            zero_threshold: layout.zero_threshold,
            zero_count,
            buckets,
        }
    }

    /// Heap bytes held, for the memory benchmark.
    #[allow(dead_code)]
    pub(crate) fn heap_bytes(&self) -> usize {
        let directory = self.chunks.len() * std::mem::size_of::<OnceLock<Box<[AtomicU64]>>>();
        let chunk = (1usize << self.layout.chunk_shift) * std::mem::size_of::<AtomicU64>();
        directory + self.chunks.iter().filter(|c| c.get().is_some()).count() * chunk
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::vocabulary::native::upper_bound;

    fn layout(settings: NativeHistograms) -> &'static NativeLayout {
        Box::leak(Box::new(NativeLayout::new(&settings)))
    }

    #[test]
    fn every_duration_lands_in_the_bucket_that_holds_it() {
        for schema_factor in [1.0001, 1.01, 1.1, 1.5, 2.0, 4.0, 1e6] {
            let settings = NativeHistograms::new()
                .bucket_factor(schema_factor)
                .max_buckets(0);
            let layout = layout(settings);
            let counts = NativeCounts::new(layout);
            let durations = [1u64, 999, 1_000, 300_000_000, 1_000_000_000, u64::MAX];
            for nanos in durations {
                counts.observe(nanos);
            }
            let values = counts.values();
            assert_eq!(values.schema, settings.schema());
            assert_eq!(values.count(), durations.len() as u64);
            assert_eq!(values.zero_count, 0);
            for nanos in durations {
                let seconds = nanos as f64 / 1e9;
                let key = layout.bounds.key(seconds);
                assert!(
                    values.buckets.iter().any(|&(k, _)| k == key),
                    "{nanos} ns in bucket {key} at schema {}",
                    values.schema
                );
                assert!(upper_bound(values.schema, key - 1) < seconds * (1.0 + 1e-12));
                assert!(seconds <= upper_bound(values.schema, key) * (1.0 + 1e-12));
            }
        }
    }

    #[test]
    fn zero_and_durations_at_the_threshold_count_in_the_zero_bucket() {
        let layout = layout(NativeHistograms::new().zero_threshold(1e-6));
        let counts = NativeCounts::new(layout);
        counts.observe(0);
        counts.observe(1_000);
        counts.observe(1_001);
        let values = counts.values();
        assert_eq!(values.zero_count, 2);
        assert_eq!(values.buckets.len(), 1);
        assert_eq!(values.zero_threshold, 1e-6);
    }

    #[test]
    fn the_limit_halves_the_resolution_of_what_is_exposed() {
        let layout = layout(NativeHistograms::new().max_buckets(20));
        let counts = NativeCounts::new(layout);
        // 1 µs to 1 s in 1 % steps: ~1400 values over 20 octaves, 160 buckets at schema 3.
        let mut nanos = 1_000.0f64;
        let mut observed = 0;
        while nanos < 1e9 {
            counts.observe(nanos as u64);
            nanos *= 1.01;
            observed += 1;
        }
        let values = counts.values();
        assert_eq!(values.count(), observed);
        assert!(
            values.buckets.len() <= 20,
            "{} buckets",
            values.buckets.len()
        );
        assert_eq!(
            values.schema, 0,
            "20 octaves fit 20 buckets at schema 0 only"
        );
    }

    #[test]
    fn memory_follows_the_durations_seen() {
        let counts = NativeCounts::new(layout(NativeHistograms::new()));
        let empty = counts.heap_bytes();
        counts.observe(300_000_000);
        counts.observe(310_000_000);
        assert_eq!(counts.heap_bytes(), empty + 64, "one chunk of 8 counts");
        counts.observe(2_000_000);
        assert_eq!(
            counts.heap_bytes(),
            empty + 128,
            "another octave, another chunk"
        );
    }
}
