//! Native-histogram counts of one status series: a zero bucket and exponential buckets at the
//! configured schema, in chunks of [`CHUNK`] consecutive buckets allocated the first time a
//! duration lands in their range, so a series holds memory for the durations it has seen and
//! nothing is allocated once they exist.
//!
//! Every duration the clock can measure has its bucket: nanoseconds as a `u64` are 1 ns (just
//! above 2⁻³⁰ s) to 2⁶⁴ ns (below 2³⁵ s), so the directory spans the buckets of
//! [`LOWEST_EXPONENT`]`..`[`HIGHEST_EXPONENT`] and nothing falls outside it.
//!
//! The counts are shared by the threads recording into the series (one atomic addition each),
//! not sharded like the classic buckets: a request's native bucket is one of many, so two
//! threads meet on a line only when their durations fall in the same few buckets.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::OnceLock;

use crate::vocabulary::native::{
    reduce, Bounds, NativeHistograms, Slice, MANTISSA_BITS, MANTISSA_MASK, MAX_SLICES,
};

/// Seconds at or below `2^LOWEST_EXPONENT` go in the lowest bucket of the directory: below
/// 1 ns, the clock's resolution.
const LOWEST_EXPONENT: i32 = -31;
/// `2^HIGHEST_EXPONENT` seconds is above every duration a `u64` of nanoseconds holds.
const HIGHEST_EXPONENT: i32 = 35;
/// Buckets per chunk: four octaves at the default schema 3 (256 bytes), so a handler's
/// durations usually fill one to three chunks; a fixed size keeps the lookup to shifts and masks.
const CHUNK: usize = 32;

type Chunk = [AtomicU64; CHUNK];

/// The settings every status series of a configuration records native buckets with, and, for
/// schemas above 0, the tables that turn a duration into its directory index with two loads:
/// [`Bounds::key`] with the octave's part precomputed per exponent and the first key subtracted.
#[derive(Debug)]
pub(crate) struct NativeLayout {
    bounds: Bounds,
    zero_threshold: f64,
    limit: Option<usize>,
    /// The key of the directory's first bucket.
    first_key: i32,
    chunks: usize,
    /// Schemas above 0: per biased binary exponent `b`, the key of the octave's first bucket
    /// less one, less the first key: `((b - 1023) << schema) - first_key`.
    octaves: Option<Box<[i32; 2048]>>,
    /// Schemas above 0: the slice table, padded to its largest size.
    slices: [Slice; MAX_SLICES],
    slice_shift: u32,
}

impl NativeLayout {
    pub(crate) fn new(settings: &NativeHistograms) -> NativeLayout {
        let bounds = Bounds::new(settings.schema());
        let first_key = bounds.key(2f64.powi(LOWEST_EXPONENT));
        let last_key = bounds.key(2f64.powi(HIGHEST_EXPONENT));
        let keys = (last_key - first_key + 1) as usize;
        let schema = bounds.schema();
        let (table, slice_shift) = bounds.slices();
        let mut slices = [Slice {
            below: 0,
            bound: u64::MAX,
        }; MAX_SLICES];
        slices[..table.len()].copy_from_slice(table);
        let octaves = (schema > 0).then(|| {
            Box::new(std::array::from_fn(|biased| {
                ((biased as i32 - 1023) << schema).wrapping_sub(first_key)
            }))
        });
        NativeLayout {
            bounds,
            zero_threshold: settings.zero_threshold_seconds(),
            limit: settings.bucket_limit(),
            first_key,
            chunks: keys.div_ceil(CHUNK),
            octaves,
            slices,
            slice_shift,
        }
    }

    /// The directory index of a duration of `seconds`, above the zero threshold and at least
    /// 1 ns (a normal float): its key less the first key, or a huge index for a key below it.
    #[inline]
    fn index(&self, seconds: f64) -> usize {
        let key_less_first = match &self.octaves {
            Some(octaves) => {
                let bits = seconds.to_bits();
                let mantissa = bits & MANTISSA_MASK;
                let slice = self.slices[(mantissa >> self.slice_shift) as usize % MAX_SLICES];
                // Positive: the sign bit is 0, the biased exponent is all above the mantissa.
                octaves[(bits >> MANTISSA_BITS) as usize % 2048] + slice.within(mantissa)
            }
            None => self.bounds.key(seconds).wrapping_sub(self.first_key),
        };
        key_less_first as u32 as usize
    }

    pub(crate) fn schema(&self) -> i8 {
        self.bounds.schema()
    }
}

/// A series' native buckets.
pub(crate) struct NativeCounts {
    layout: &'static NativeLayout,
    zero: AtomicU64,
    chunks: Box<[OnceLock<Box<Chunk>>]>,
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
        // Through `i64`, one instruction where `u64` takes six: 2^63 ns is 292 years, and the
        // saturation keeps even that finite. Divided, not multiplied by 1e-9: correctly rounded,
        // so a whole number of seconds (or of a threshold's milliseconds) is exact, and lands on
        // its bound.
        let seconds = nanos.min(i64::MAX as u64) as i64 as f64 / 1e9;
        // `Bounds::bucket` for a finite value that is not negative: the zero bucket, or a key.
        if seconds <= layout.zero_threshold {
            self.zero.fetch_add(1, Ordering::Relaxed);
            return;
        }
        // Above 0 and at most 2^35 s: inside the directory, but for durations below 2^-31 s
        // above a smaller zero threshold, which the clock cannot measure; those would wrap to a
        // huge index, and count in the lowest bucket.
        let index = layout.index(seconds);
        let Some(chunk) = self.chunks.get(index / CHUNK) else {
            return self.below_the_directory();
        };
        let counts = match chunk.get() {
            Some(counts) => counts,
            None => allocate(chunk),
        };
        counts[index % CHUNK].fetch_add(1, Ordering::Relaxed);
    }

    #[cold]
    #[inline(never)]
    fn below_the_directory(&self) {
        allocate(&self.chunks[0])[0].fetch_add(1, Ordering::Relaxed);
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
                    let index = chunk_index * CHUNK + offset;
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

    /// Heap bytes held: the directory and the chunks allocated.
    #[cfg(test)]
    pub(crate) fn heap_bytes(&self) -> usize {
        let directory = self.chunks.len() * std::mem::size_of::<OnceLock<Box<Chunk>>>();
        let allocated = self.chunks.iter().filter(|c| c.get().is_some()).count();
        directory + allocated * std::mem::size_of::<Chunk>()
    }
}

#[cold]
#[inline(never)]
fn allocate(chunk: &OnceLock<Box<Chunk>>) -> &Chunk {
    chunk.get_or_init(|| Box::new(std::array::from_fn(|_| AtomicU64::new(0))))
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
                let seconds = nanos.min(i64::MAX as u64) as f64 / 1e9;
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
    fn the_index_tables_agree_with_the_key_for_every_schema() {
        for schema in -4i8..=8 {
            let factor = (-f64::from(schema)).exp2().exp2() * (1.0 + 1e-12);
            let layout = layout(NativeHistograms::new().bucket_factor(factor));
            assert_eq!(layout.schema(), schema);
            let mut nanos = 1.0f64;
            while nanos < 1.8e19 {
                for probe in [nanos, nanos * 1.0001, nanos * 1.37] {
                    let seconds = probe as u64 as f64 / 1e9;
                    let expected = (layout.bounds.key(seconds) - layout.first_key) as usize;
                    assert_eq!(
                        layout.index(seconds),
                        expected,
                        "schema {schema}, {seconds:e} s"
                    );
                }
                nanos *= 1.07;
            }
            // Whole seconds and milliseconds, on bounds at every schema.
            for seconds in [1.0, 2.0, 0.5, 0.25, 1024.0, 0.001, 0.3] {
                let expected = (layout.bounds.key(seconds) - layout.first_key) as usize;
                assert_eq!(
                    layout.index(seconds),
                    expected,
                    "schema {schema}, {seconds} s"
                );
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
        assert_eq!(counts.heap_bytes(), empty + 256, "one chunk of 32 counts");
        counts.observe(1_000_000_000);
        assert_eq!(
            counts.heap_bytes(),
            empty + 256,
            "1 s: four octaves a chunk, the same"
        );
        counts.observe(2_000_000);
        assert_eq!(counts.heap_bytes(), empty + 512, "2 ms: another chunk");
        assert!(
            empty <= 17 * 16,
            "a directory of 17 chunks at schema 3: {empty}"
        );
    }
}
