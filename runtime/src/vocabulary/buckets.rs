//! Latency buckets: the default list, and the rules every list obeys (at run time here, at
//! compile time in the macro).

/// The default latency buckets, in seconds: those of actix-web-prom, so existing dashboards keep
/// working.
///
/// # Examples
///
/// ```
/// assert_eq!(handler_metrics_runtime::DEFAULT_BUCKETS.first(), Some(&0.005));
/// ```
pub const DEFAULT_BUCKETS: [f64; 14] = [
    0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1.0, 2.5, 5.0, 7.5, 10.0,
];

/// The rules every bucket list obeys, at run time here and at compile time in the macro.
pub(crate) fn check_buckets(buckets: &[f64]) -> Result<(), String> {
    if buckets.is_empty() {
        return Err("expected at least one bucket".into());
    }
    for (i, &bound) in buckets.iter().enumerate() {
        if !bound.is_finite() {
            return Err(format!(
                "bucket {bound} is not finite (`+Inf` is always added)"
            ));
        }
        if bound < 0.0 {
            return Err(format!("bucket {bound} is negative; durations are not"));
        }
        if i > 0 && bound <= buckets[i - 1] {
            return Err(format!(
                "buckets must be strictly increasing, but {bound} follows {}",
                buckets[i - 1]
            ));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bucket_rules() {
        assert!(check_buckets(&DEFAULT_BUCKETS).is_ok());
        assert!(check_buckets(&[]).is_err());
        assert!(check_buckets(&[0.1, 0.1]).is_err());
        assert!(check_buckets(&[0.2, 0.1]).is_err());
        assert!(check_buckets(&[-1.0]).is_err());
        assert!(check_buckets(&[f64::INFINITY]).is_err());
        assert!(check_buckets(&[f64::NAN]).is_err());
    }
}
