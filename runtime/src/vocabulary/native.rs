//! Native histograms: the switch ([`NativeHistograms`]) and the arithmetic of their exponential
//! buckets, as Prometheus defines them. With schema `s`, bucket `k` holds the values in
//! `(2^((k-1)/2^s), 2^(k/2^s)]`; values at or below the zero threshold go to the zero bucket.
//! Plain functions of numbers: storage is the hot path's, encoding the exposition's.

/// The lowest and the highest schema Prometheus reads.
pub(crate) const SCHEMAS: std::ops::RangeInclusive<i8> = -4..=8;

/// Native histograms for both duration families, written beside the classic buckets.
///
/// Prometheus reads them over its protobuf exposition format only: with
/// `--enable-feature=native-histograms` (2.40 to 3.8) or `scrape_native_histograms: true`
/// (3.8+), it asks for protobuf first, and `/metrics` answers it. Text scrapes keep the classic
/// buckets exactly as without the switch. The options are named after the Go client's
/// (`NativeHistogramBucketFactor`, `…ZeroThreshold`, `…MaxBucketNumber`).
///
/// # Examples
///
/// ```
/// use handler_metrics_runtime::{Config, NativeHistograms};
///
/// let config = Config::new().native_histograms(
///     NativeHistograms::new().bucket_factor(1.1).max_buckets(160),
/// );
/// # let _ = config;
/// assert_eq!(NativeHistograms::new().schema(), 3);
/// assert_eq!(NativeHistograms::new().bucket_factor(2.0).schema(), 0);
/// ```
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct NativeHistograms {
    bucket_factor: f64,
    zero_threshold: f64,
    max_buckets: u32,
}

impl Default for NativeHistograms {
    fn default() -> Self {
        Self::new()
    }
}

impl NativeHistograms {
    /// The Go client's defaults: a bucket factor of 1.1 (schema 3: each bucket's upper bound is
    /// about 9 % above its lower one), a zero threshold of 2⁻¹²⁸ s and at most 160 buckets.
    pub fn new() -> Self {
        NativeHistograms {
            bucket_factor: 1.1,
            zero_threshold: DEFAULT_ZERO_THRESHOLD,
            max_buckets: 160,
        }
    }

    /// The largest ratio allowed between a bucket's upper and lower bound, above 1. The schema
    /// is the highest whose ratio `2^(2^-schema)` does not exceed it, from −4 (a ratio of 65536)
    /// to 8 (about 1.0027); factors beyond those ends get the end's schema.
    pub fn bucket_factor(mut self, factor: f64) -> Self {
        self.bucket_factor = factor;
        self
    }

    /// Durations at or below this many seconds count in the zero bucket rather than in an
    /// exponential one. Prometheus 2.42 reads a histogram with no observation yet as native
    /// only if this is above 0, so 0 is refused: keep the default 2⁻¹²⁸ for "every duration
    /// above zero has its bucket".
    pub fn zero_threshold(mut self, seconds: f64) -> Self {
        self.zero_threshold = seconds;
        self
    }

    /// The most buckets a series exposes; past it the resolution halves (the schema drops by
    /// one, two buckets become one), as many times as needed, as the Go client does. `0` means
    /// no limit.
    pub fn max_buckets(mut self, buckets: u32) -> Self {
        self.max_buckets = buckets;
        self
    }

    /// The schema the bucket factor gives, from −4 to 8 (the Go client's `pickSchema`).
    pub fn schema(&self) -> i8 {
        let floor = self.bucket_factor.log2().log2().floor();
        if floor <= -8.0 {
            8
        } else if floor >= 4.0 {
            -4
        } else {
            -(floor as i8)
        }
    }

    pub(crate) fn zero_threshold_seconds(&self) -> f64 {
        self.zero_threshold
    }

    pub(crate) fn bucket_limit(&self) -> Option<usize> {
        (self.max_buckets > 0).then_some(self.max_buckets as usize)
    }

    /// Why these settings cannot be used, if they cannot.
    pub(crate) fn check(&self) -> Result<(), String> {
        let factor = self.bucket_factor;
        if !(factor.is_finite() && factor > 1.0) {
            return Err(format!(
                "the bucket factor {factor} is not a finite number above 1 \
                 (1.1 gives schema 3, 2 gives schema 0)"
            ));
        }
        let threshold = self.zero_threshold;
        if !(threshold.is_finite() && threshold > 0.0) {
            return Err(format!(
                "the zero threshold {threshold} s is not a finite number above 0 (Prometheus \
                 2.42 reads an empty histogram with threshold 0 as classic; the default is 2^-128)"
            ));
        }
        Ok(())
    }
}

/// The Go client's default zero threshold, 2⁻¹²⁸.
const DEFAULT_ZERO_THRESHOLD: f64 = 2.938_735_877_055_719e-39;

/// The bucket arithmetic of one schema: the upper bounds' fractions within one power of two, and a
/// table that finds among them in one step.
///
/// For schemas 1 to 8, bucket `j` of an octave ends at the fraction (mantissa, in `[0.5, 1)`)
/// `2^(j/2^s) / 2`. The Go client binary-searches these; here the top `s + 1` bits of the
/// mantissa pick one of `2^(s+1)` equal slices of `[0.5, 1)`, narrower than the gap between two
/// bounds, so a slice holds at most one bound: the table gives the bounds below the slice and
/// that one bound, and one comparison decides. The result is the binary search's (the unit tests
/// compare both on every bound and around it).
#[derive(Debug, Clone)]
pub(crate) struct Bounds {
    schema: i8,
    /// Empty for schemas 0 and below. The slices are made from them; tests search them.
    #[cfg(test)]
    fractions: Box<[f64]>,
    /// One entry per slice, for schemas above 0.
    slices: Box<[Slice]>,
    /// Mantissa bits below the slice index.
    slice_shift: u32,
}

/// What one slice of `[0.5, 1)` holds: the bounds below it, and the mantissa bits of the one in
/// it (`u64::MAX` if none). Two fractions of one octave compare as their mantissas do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Slice {
    pub(crate) below: i32,
    pub(crate) bound: u64,
}

impl Slice {
    /// The bounds of the octave below `mantissa`: the key within the octave.
    #[inline]
    pub(crate) fn within(self, mantissa: u64) -> i32 {
        self.below + i32::from(self.bound < mantissa)
    }
}

/// The most slices a schema has: `2^(8+1)`.
pub(crate) const MAX_SLICES: usize = 512;

pub(crate) const MANTISSA_BITS: u32 = 52;
pub(crate) const MANTISSA_MASK: u64 = (1 << MANTISSA_BITS) - 1;
const EXPONENT_MASK: u64 = 0x7ff;
/// The exponent bits of a fraction in `[0.5, 1)`.
const HALF_EXPONENT: u64 = 1022 << MANTISSA_BITS;

impl Bounds {
    pub(crate) fn new(schema: i8) -> Bounds {
        debug_assert!(SCHEMAS.contains(&schema));
        if schema <= 0 {
            return Bounds {
                schema,
                #[cfg(test)]
                fractions: Box::default(),
                slices: Box::default(),
                slice_shift: 0,
            };
        }
        let per_octave = 1u32 << schema;
        let fractions: Box<[f64]> = (0..per_octave)
            .map(|j| (f64::from(j) / f64::from(per_octave)).exp2() / 2.0)
            .collect();
        let slice_bits = schema as u32 + 1;
        let slices = (0..1u64 << slice_bits)
            .map(|index| {
                let start = f64::from_bits(HALF_EXPONENT | (index << (MANTISSA_BITS - slice_bits)));
                let end =
                    f64::from_bits(HALF_EXPONENT | ((index + 1) << (MANTISSA_BITS - slice_bits)));
                // The last slice ends at 1.0, whose bits the formula above overflows into.
                let end = if index + 1 == 1 << slice_bits {
                    1.0
                } else {
                    end
                };
                let inside: Vec<f64> = fractions
                    .iter()
                    .copied()
                    .filter(|&f| start <= f && f < end)
                    .collect();
                debug_assert!(inside.len() <= 1, "a slice holds at most one bound");
                Slice {
                    below: fractions.partition_point(|&f| f < start) as i32,
                    bound: inside
                        .first()
                        .map_or(u64::MAX, |f| f.to_bits() & MANTISSA_MASK),
                }
            })
            .collect();
        Bounds {
            schema,
            #[cfg(test)]
            fractions,
            slices,
            slice_shift: MANTISSA_BITS - slice_bits,
        }
    }

    pub(crate) fn schema(&self) -> i8 {
        self.schema
    }

    /// The slice table (schemas above 0; empty otherwise), and the mantissa bits below a slice's
    /// index: for a copy the hot path reads without a bounds check.
    pub(crate) fn slices(&self) -> (&[Slice], u32) {
        (&self.slices, self.slice_shift)
    }

    /// Where a duration of `value` seconds counts: in the zero bucket at or below
    /// `zero_threshold` (negative values too), nowhere if it is NaN (the count and sum still
    /// take it, as in the Go client), else in bucket [`key`](Bounds::key); `+Inf` in the bucket
    /// after the largest finite value's. Durations measured by the clock are finite and not
    /// negative, and take the first branch; the others are defined so that no input is left
    /// undefined. The hot path (`NativeCounts::observe`) is this for a clock's durations.
    #[cfg(test)]
    pub(crate) fn bucket(&self, value: f64, zero_threshold: f64) -> Option<Bucket> {
        if value > zero_threshold {
            if value < f64::INFINITY {
                Some(Bucket::Key(self.key(value)))
            } else {
                Some(Bucket::Key(self.key(f64::MAX) + 1))
            }
        } else if value.is_nan() {
            None
        } else {
            Some(Bucket::Zero)
        }
    }

    /// The bucket of a finite `value` above 0: the `k` with `2^((k-1)/2^s) < value ≤
    /// 2^(k/2^s)`, found as the Go client finds it, from the value's binary exponent and
    /// mantissa (no logarithm).
    #[inline]
    pub(crate) fn key(&self, value: f64) -> i32 {
        let bits = value.to_bits();
        let biased = ((bits >> MANTISSA_BITS) & EXPONENT_MASK) as i32;
        if biased == 0 {
            return self.subnormal_key(value);
        }
        // `value = fraction · 2^exponent`, fraction in [0.5, 1) (C's `frexp`).
        let exponent = biased - 1022;
        let mantissa = bits & MANTISSA_MASK;
        if self.schema > 0 {
            let within = self.slices[(mantissa >> self.slice_shift) as usize].within(mantissa);
            within + ((exponent - 1) << self.schema)
        } else {
            // A fraction of exactly 0.5 (a power of two) ends the previous bucket.
            let key = exponent - i32::from(mantissa == 0);
            let shift = -self.schema;
            (key + (1 << shift) - 1) >> shift
        }
    }

    /// The key of a subnormal value: scaled into the normal range first.
    #[cold]
    fn subnormal_key(&self, value: f64) -> i32 {
        let scaled = value * 2f64.powi(64);
        // `scaled`'s bucket is 64 octaves (64·2^s keys) above `value`'s.
        if self.schema >= 0 {
            self.key(scaled) - (64 << self.schema)
        } else {
            // Octaves of 2^-s powers: 64 powers is 64 >> -s buckets (−s ≤ 4 divides 64).
            self.key(scaled) - (64 >> -self.schema)
        }
    }

    /// The reference the table must agree with: the binary search of the Go client.
    #[cfg(test)]
    fn searched_key(&self, value: f64) -> i32 {
        let bits = value.to_bits();
        let exponent = ((bits >> MANTISSA_BITS) & EXPONENT_MASK) as i32 - 1022;
        let fraction = f64::from_bits(HALF_EXPONENT | (bits & MANTISSA_MASK));
        let within = self.fractions.partition_point(|&bound| bound < fraction) as i32;
        within + ((exponent - 1) << self.schema)
    }
}

/// Where an observation counts besides the count and sum.
#[cfg(test)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Bucket {
    Zero,
    Key(i32),
}

/// The upper bound of bucket `key` at `schema`: `2^(key/2^schema)`.
pub(crate) fn upper_bound(schema: i8, key: i32) -> f64 {
    (f64::from(key) * (-f64::from(schema)).exp2()).exp2()
}

/// The bucket that holds bucket `key` of schema `from` at the lower schema `to`: buckets merge
/// in aligned groups of `2^(from-to)`, the upper bound of each group being one of theirs.
pub(crate) fn coarser_key(key: i32, from: i8, to: i8) -> i32 {
    debug_assert!(to <= from);
    let shift = i32::from(from - to);
    // `key` ends its group when it is a multiple of the group size: ceil(key / 2^shift).
    (key + (1 << shift) - 1) >> shift
}

/// Sparse buckets of several series merged at the lowest of their schemas: `(schema, buckets)`
/// each, buckets ascending. Returns the schema and the merged buckets, ascending.
pub(crate) fn merge(histograms: &[(i8, &[(i32, u64)])]) -> (i8, Vec<(i32, u64)>) {
    let schema = histograms.iter().map(|h| h.0).min().unwrap_or(0);
    let mut merged = std::collections::BTreeMap::new();
    for &(from, buckets) in histograms {
        for &(key, count) in buckets {
            *merged.entry(coarser_key(key, from, schema)).or_insert(0u64) += count;
        }
    }
    (schema, merged.into_iter().collect())
}

/// The `q`-quantile (0 ≤ q ≤ 1) of a native histogram, as Prometheus 2.42's
/// `histogram_quantile` estimates it: the bucket where the rank `q·count` falls, and a linear
/// interpolation within it (the zero bucket spans 0 to the threshold). `None` when empty or `q` is
/// not within 0..=1.
pub(crate) fn quantile(
    q: f64,
    schema: i8,
    zero_threshold: f64,
    zero_count: u64,
    buckets: &[(i32, u64)],
) -> Option<f64> {
    let count = zero_count + buckets.iter().map(|b| b.1).sum::<u64>();
    if count == 0 || !(0.0..=1.0).contains(&q) {
        return None;
    }
    let rank = q * count as f64;
    let mut below = 0u64;
    let ranges = std::iter::once((0.0, zero_threshold, zero_count)).chain(
        buckets
            .iter()
            .map(|&(key, n)| (upper_bound(schema, key - 1), upper_bound(schema, key), n)),
    );
    let mut last = 0.0;
    for (lower, upper, n) in ranges {
        if n == 0 {
            continue;
        }
        if (below + n) as f64 >= rank {
            let within = (rank - below as f64) / n as f64;
            return Some(lower + (upper - lower) * within);
        }
        below += n;
        last = upper;
    }
    Some(last)
}

/// Sparse buckets (ascending keys, non-zero counts) reduced to at most `limit` populated ones by
/// halving the resolution from `schema`, never below −4. Returns the schema reached.
pub(crate) fn reduce(buckets: &mut Vec<(i32, u64)>, mut schema: i8, limit: Option<usize>) -> i8 {
    let Some(limit) = limit else {
        return schema;
    };
    while buckets.len() > limit && schema > *SCHEMAS.start() {
        let mut merged: Vec<(i32, u64)> = Vec::with_capacity(buckets.len() / 2 + 1);
        for &(key, count) in buckets.iter() {
            let key = coarser_key(key, schema, schema - 1);
            match merged.last_mut() {
                Some((last, total)) if *last == key => *total += count,
                _ => merged.push((key, count)),
            }
        }
        *buckets = merged;
        schema -= 1;
    }
    schema
}

/// Sparse buckets (ascending keys, non-zero counts) as Prometheus's spans and deltas: runs of
/// consecutive keys, each span giving its gap from the previous one's end (the first: its start)
/// and its length; each count given as the difference from the previous bucket's (the first as
/// is). Gaps of one or two empty buckets are written as zero counts within a span when that is
/// shorter, as the Go client does.
pub(crate) fn spans_and_deltas(buckets: &[(i32, u64)]) -> (Vec<(i32, u32)>, Vec<i64>) {
    let mut spans: Vec<(i32, u32)> = Vec::new();
    let mut deltas = Vec::with_capacity(buckets.len());
    let mut previous_count = 0i64;
    let mut next_key: Option<i32> = None;
    for &(key, count) in buckets {
        match next_key {
            Some(next) if key - next <= 2 => {
                // Fill a gap of up to two buckets with empty ones: cheaper than a new span.
                for _ in next..key {
                    deltas.push(-previous_count);
                    previous_count = 0;
                }
                if let Some(span) = spans.last_mut() {
                    span.1 += (key - next) as u32 + 1;
                }
            }
            Some(next) => spans.push((key - next, 1)),
            None => spans.push((key, 1)),
        }
        let count = count as i64;
        deltas.push(count - previous_count);
        previous_count = count;
        next_key = Some(key + 1);
    }
    (spans, deltas)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The reference: the `k` with `2^((k-1)/2^s) < v ≤ 2^(k/2^s)`, from a logarithm, for values
    /// not within rounding of a bound.
    fn reference_key(value: f64, schema: i8) -> i32 {
        (value.log2() * f64::from(schema).exp2()).ceil() as i32
    }

    /// Values spread over many octaves, kept away from every bound of schema 8 (the finest) by
    /// more than rounding, so that the logarithm is exact enough to be the reference.
    fn values() -> impl Iterator<Item = f64> {
        let mut x = 0x2545_f491_4f6c_dd1du64;
        std::iter::from_fn(move || {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            let exponent = (x % 80) as i32 - 50;
            let mantissa = 1.0 + (x >> 11) as f64 / (1u64 << 53) as f64;
            Some(mantissa * 2f64.powi(exponent))
        })
        .filter(|v| {
            let scaled = v.log2() * 256.0;
            (scaled - scaled.round()).abs() > 1e-6
        })
        .take(20_000)
    }

    #[test]
    fn every_schema_indexes_like_the_reference_formula() {
        for schema in SCHEMAS {
            let bounds = Bounds::new(schema);
            for value in values() {
                assert_eq!(
                    bounds.key(value),
                    reference_key(value, schema),
                    "schema {schema}, value {value:e}"
                );
            }
        }
    }

    #[test]
    fn exact_powers_of_two_end_their_bucket() {
        for schema in SCHEMAS {
            let bounds = Bounds::new(schema);
            for exponent in -60..60 {
                let value = 2f64.powi(exponent);
                // `2^e` is the upper bound of bucket `e·2^s` (inclusive); at negative schemas
                // the bucket whose bound is the next power `2^(2^-s·k)` at or above it.
                let expected = if schema >= 0 {
                    exponent << schema
                } else {
                    let width = 1 << -schema;
                    (exponent + width - 1).div_euclid(width)
                };
                assert_eq!(bounds.key(value), expected, "schema {schema}, 2^{exponent}");
                // Just above it, the next bucket when `2^e` is a bound (at negative schemas,
                // every `2^-s`-th power), else the same.
                let is_bound = schema >= 0 || exponent % (1 << -schema) == 0;
                let above = f64::from_bits(value.to_bits() + 1);
                assert_eq!(
                    bounds.key(above),
                    expected + i32::from(is_bound),
                    "schema {schema}, just above 2^{exponent}"
                );
            }
        }
    }

    #[test]
    fn the_slice_table_finds_what_the_binary_search_finds() {
        for schema in 1..=8 {
            let bounds = Bounds::new(schema);
            let mut probes: Vec<f64> = values().take(2_000).collect();
            for &fraction in bounds.fractions.iter() {
                let bound = fraction * 2.0;
                for step in [-2i64, -1, 0, 1, 2] {
                    probes.push(f64::from_bits((bound.to_bits() as i64 + step) as u64));
                }
            }
            for index in 0..bounds.slices.len() as u64 {
                // Each slice's first and last mantissa.
                let first = HALF_EXPONENT | (index << bounds.slice_shift);
                probes.push(f64::from_bits(first) * 2.0);
                probes.push(f64::from_bits(first + (1 << bounds.slice_shift) - 1) * 2.0);
            }
            for value in probes {
                assert_eq!(
                    bounds.key(value),
                    bounds.searched_key(value),
                    "schema {schema}, {value:e}"
                );
            }
        }
    }

    #[test]
    fn every_bound_of_schemas_1_to_8_is_inclusive() {
        for schema in 1..=8 {
            let bounds = Bounds::new(schema);
            for (j, &fraction) in bounds.fractions.iter().enumerate() {
                // Bucket `j` of the octave (1, 2] ends at 2·fraction.
                let bound = fraction * 2.0;
                assert_eq!(
                    bounds.key(bound),
                    j as i32,
                    "schema {schema}, bound {bound}"
                );
                let above = f64::from_bits(bound.to_bits() + 1);
                assert_eq!(bounds.key(above), j as i32 + 1, "schema {schema}, above");
            }
        }
    }

    #[test]
    fn zero_threshold_infinity_and_nan() {
        let bounds = Bounds::new(3);
        let threshold = 1e-6;
        assert_eq!(bounds.bucket(0.0, threshold), Some(Bucket::Zero));
        assert_eq!(
            bounds.bucket(threshold, threshold),
            Some(Bucket::Zero),
            "inclusive"
        );
        let above = f64::from_bits(threshold.to_bits() + 1);
        assert_eq!(
            bounds.bucket(above, threshold),
            Some(Bucket::Key(bounds.key(above)))
        );
        assert_eq!(bounds.bucket(-5.0, threshold), Some(Bucket::Zero));
        assert_eq!(bounds.bucket(f64::NAN, threshold), None);
        let largest = bounds.key(f64::MAX);
        assert_eq!(largest, 1024 << 3, "f64::MAX < 2^1024");
        assert_eq!(
            bounds.bucket(f64::INFINITY, threshold),
            Some(Bucket::Key(largest + 1))
        );
        assert_eq!(
            bounds.bucket(f64::MAX, threshold),
            Some(Bucket::Key(largest))
        );
    }

    #[test]
    fn subnormal_values_have_their_bucket() {
        let tiny = f64::MIN_POSITIVE / 8.0;
        assert_eq!(Bounds::new(0).key(tiny), -1025);
        assert_eq!(Bounds::new(3).key(tiny), reference_key(tiny, 3));
    }

    #[test]
    fn factors_give_the_go_clients_schemas() {
        let schema = |factor| NativeHistograms::new().bucket_factor(factor).schema();
        assert_eq!(schema(1.1), 3);
        assert_eq!(schema(2.0), 0);
        assert_eq!(schema(4.0), -1);
        assert_eq!(schema(1.0001), 8, "finer than schema 8 gets 8");
        assert_eq!(schema(1e300), -4, "coarser than schema -4 gets -4");
        // A factor of 2^(2^-s) gives schema s (a hair above it: the ratio itself is irrational
        // and its rounding may fall on either side).
        for s in SCHEMAS {
            let factor = (-f64::from(s)).exp2().exp2() * (1.0 + 1e-12);
            assert_eq!(schema(factor), s, "factor {factor}");
        }
    }

    #[test]
    fn invalid_settings_are_refused_with_the_reason() {
        let check = |n: NativeHistograms| n.check().unwrap_err();
        assert!(check(NativeHistograms::new().bucket_factor(1.0)).contains("above 1"));
        assert!(check(NativeHistograms::new().bucket_factor(f64::NAN)).contains("above 1"));
        assert!(check(NativeHistograms::new().zero_threshold(0.0)).contains("2.42"));
        assert!(check(NativeHistograms::new().zero_threshold(-1.0)).contains("above 0"));
        assert!(check(NativeHistograms::new().zero_threshold(f64::INFINITY)).contains("finite"));
        assert!(NativeHistograms::new().check().is_ok());
    }

    #[test]
    fn merging_keeps_every_count_in_the_bucket_that_contains_it() {
        // Each key's values lie in (2^((k-1)/2^s), 2^(k/2^s)]: its coarser bucket must contain
        // that whole interval.
        for from in SCHEMAS {
            for to in *SCHEMAS.start()..=from {
                for key in -300..300 {
                    let coarse = coarser_key(key, from, to);
                    let (low, high) = (upper_bound(from, key - 1), upper_bound(from, key));
                    assert!(
                        upper_bound(to, coarse - 1) <= low * (1.0 + 1e-12)
                            && high <= upper_bound(to, coarse) * (1.0 + 1e-12),
                        "key {key} of schema {from} in {coarse} of schema {to}"
                    );
                }
            }
        }
    }

    #[test]
    fn quantiles_interpolate_within_the_bucket_of_their_rank() {
        // Schema 0: bucket 1 is (1, 2], bucket 2 is (2, 4].
        let buckets = [(1, 2), (2, 2)];
        assert_eq!(quantile(0.5, 0, 1e-9, 0, &buckets), Some(2.0));
        assert_eq!(quantile(0.25, 0, 1e-9, 0, &buckets), Some(1.5));
        assert_eq!(quantile(1.0, 0, 1e-9, 0, &buckets), Some(4.0));
        assert_eq!(quantile(0.0, 0, 1e-9, 0, &buckets), Some(1.0));
        // The zero bucket comes first, from 0 to the threshold.
        assert_eq!(quantile(0.25, 0, 0.5, 2, &buckets[..1]), Some(0.25));
        assert_eq!(quantile(0.5, 0, 1e-9, 0, &[]), None);
        assert_eq!(quantile(1.5, 0, 1e-9, 0, &buckets), None);
        // Within the bucket factor of the true value: 300 ms at schema 3.
        let key = Bounds::new(3).key(0.3);
        let estimate = quantile(0.5, 3, 1e-9, 0, &[(key, 10)]).unwrap();
        assert!((0.3 / 1.1..=0.3 * 1.1).contains(&estimate), "{estimate}");
    }

    #[test]
    fn merging_series_of_different_schemas_counts_each_once() {
        let fine: &[(i32, u64)] = &[(1, 1), (2, 1), (3, 1)];
        let coarse: &[(i32, u64)] = &[(1, 5)];
        let (schema, merged) = merge(&[(2, fine), (0, coarse)]);
        assert_eq!(schema, 0);
        // Keys 1..=3 of schema 2 lie in (1, 2^(3/4)] ⊂ (1, 2]: bucket 1 of schema 0.
        assert_eq!(merged, [(1, 8)]);
        assert_eq!(merge(&[]), (0, vec![]));
    }

    #[test]
    fn resolution_halves_past_the_limit() {
        // 200 consecutive buckets at schema 3: one halving leaves 100 (≤ 160); two leave 50.
        let buckets: Vec<(i32, u64)> = (0..200).map(|k| (k, 1)).collect();
        let mut once = buckets.clone();
        assert_eq!(reduce(&mut once, 3, Some(160)), 2);
        assert_eq!(once.len(), 101, "keys 0..200 at schema 2: 0 and 1..=100");
        assert_eq!(once.iter().map(|b| b.1).sum::<u64>(), 200);
        let mut twice = buckets.clone();
        assert_eq!(reduce(&mut twice, 3, Some(60)), 1);
        assert!(twice.len() <= 60);
        let mut unlimited = buckets.clone();
        assert_eq!(reduce(&mut unlimited, 3, None), 3);
        assert_eq!(unlimited, buckets);
        // Never below −4, whatever the limit.
        let mut floor = vec![(-1000, 1), (1000, 1)];
        assert_eq!(reduce(&mut floor, 0, Some(1)), -4);
    }

    #[test]
    fn spans_and_deltas_as_prometheus_reads_them() {
        let (spans, deltas) = spans_and_deltas(&[(-2, 3), (-1, 5), (0, 5), (10, 1), (12, 4)]);
        // One gap of 9 (a new span), one of 1 (filled with a zero).
        assert_eq!(spans, [(-2, 3), (9, 3)]);
        assert_eq!(deltas, [3, 2, 0, -4, -1, 4]);
        let (spans, deltas) = spans_and_deltas(&[]);
        assert!(spans.is_empty() && deltas.is_empty());
        // Decoded back: absolute counts at keys.
        let buckets = [(5, 7), (6, 1), (9, 2), (40, 9)];
        let (spans, deltas) = spans_and_deltas(&buckets);
        let mut decoded = Vec::new();
        let (mut key, mut count, mut delta) = (0i32, 0i64, deltas.iter());
        for &(offset, length) in &spans {
            // The first offset is the first key; later ones count from the previous span's end.
            key += offset;
            for _ in 0..length {
                count += delta.next().unwrap();
                if count != 0 {
                    decoded.push((key, count as u64));
                }
                key += 1;
            }
        }
        assert_eq!(decoded, buckets);
    }
}
