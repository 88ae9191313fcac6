//! The families `gather()` returns (the user's own `prometheus` metrics, and anything else
//! registered in the registry) in OpenMetrics 1.0 text. The `prometheus` crate has no
//! OpenMetrics encoder; its classic `TextEncoder` is used for the classic format.
//!
//! What changes from the classic form: a counter's family is named without `_total` and its
//! sample with it (a counter registered without the suffix is exposed as `<name>_total`, as every
//! OpenMetrics encoder does); a family whose name ends in a base unit gets `# UNIT`; untyped
//! families are `unknown`; timestamps are in seconds; `# HELP` text escapes `"` too.
//!
//! The families are read in `prometheus`'s `protobuf` model of `prometheus::proto` (a singular
//! message field is a `MessageField`, read through `Deref`), the one model this crate is ever
//! compiled against: `runtime/Cargo.toml` turns the feature on whatever the user's own
//! `prometheus` dependency enables, and says why.

use std::fmt::Write as _;

use prometheus::proto::{LabelPair, Metric, MetricFamily, MetricType};

use crate::registry::exposition::push_escaped;

/// The unit suffixes `# UNIT` is written for: the base units of the Prometheus naming
/// conventions.
const UNITS: [&str; 9] = [
    "seconds", "bytes", "ratio", "meters", "volts", "amperes", "joules", "grams", "celsius",
];

/// Appends `families` to `out` in OpenMetrics text (without the closing `# EOF`).
pub(super) fn write_families(families: &[MetricFamily], out: &mut String) {
    for family in families {
        write_family(family, out);
    }
}

fn write_family(family: &MetricFamily, out: &mut String) {
    let kind = family.get_field_type();
    let name = family.name();
    let (family_name, type_name) = match kind {
        MetricType::COUNTER => (name.strip_suffix("_total").unwrap_or(name), "counter"),
        MetricType::GAUGE => (name, "gauge"),
        MetricType::HISTOGRAM => (name, "histogram"),
        MetricType::SUMMARY => (name, "summary"),
        MetricType::UNTYPED => (name, "unknown"),
    };
    let help = family.help();
    if !help.is_empty() {
        out.push_str("# HELP ");
        out.push_str(family_name);
        out.push(' ');
        push_escaped(out, help);
        out.push('\n');
    }
    let _ = writeln!(out, "# TYPE {family_name} {type_name}");
    if let Some(unit) = unit_of(family_name) {
        let _ = writeln!(out, "# UNIT {family_name} {unit}");
    }
    for metric in family.get_metric() {
        let labels = metric.get_label();
        match kind {
            MetricType::COUNTER => {
                let value = metric.get_counter().value();
                sample(out, family_name, "_total", labels, None, value, metric);
            }
            MetricType::GAUGE => {
                let value = metric.get_gauge().value();
                sample(out, family_name, "", labels, None, value, metric);
            }
            MetricType::UNTYPED => {
                // The `prometheus` crate never makes untyped families; a custom collector still
                // can.
                let value = metric.untyped.value();
                sample(out, family_name, "", labels, None, value, metric);
            }
            MetricType::HISTOGRAM => {
                let histogram = metric.get_histogram();
                let mut infinity_seen = false;
                for bucket in histogram.get_bucket() {
                    let bound = bucket.upper_bound();
                    infinity_seen |= bound == f64::INFINITY;
                    let le = float_text(bound);
                    let count = bucket.cumulative_count() as f64;
                    sample(
                        out,
                        name,
                        "_bucket",
                        labels,
                        Some(("le", &le)),
                        count,
                        metric,
                    );
                }
                let count = histogram.sample_count() as f64;
                if !infinity_seen {
                    sample(
                        out,
                        name,
                        "_bucket",
                        labels,
                        Some(("le", "+Inf")),
                        count,
                        metric,
                    );
                }
                sample(out, name, "_count", labels, None, count, metric);
                let sum = histogram.sample_sum();
                sample(out, name, "_sum", labels, None, sum, metric);
            }
            MetricType::SUMMARY => {
                let summary = metric.get_summary();
                for quantile in summary.get_quantile() {
                    let q = float_text(quantile.quantile());
                    let extra = Some(("quantile", q.as_str()));
                    sample(out, name, "", labels, extra, quantile.value(), metric);
                }
                let count = summary.sample_count() as f64;
                sample(out, name, "_count", labels, None, count, metric);
                let sum = summary.sample_sum();
                sample(out, name, "_sum", labels, None, sum, metric);
            }
        }
    }
}

/// The unit a family's name ends in, if it is one of [`UNITS`].
fn unit_of(family: &str) -> Option<&'static str> {
    UNITS.into_iter().find(|unit| {
        family
            .strip_suffix(unit)
            .is_some_and(|rest| rest.len() > 1 && rest.ends_with('_'))
    })
}

/// One sample line: `name suffix {labels} value [timestamp]`.
fn sample(
    out: &mut String,
    name: &str,
    suffix: &str,
    labels: &[LabelPair],
    extra: Option<(&str, &str)>,
    value: f64,
    metric: &Metric,
) {
    out.push_str(name);
    out.push_str(suffix);
    let mut separator = '{';
    for (label, value) in labels
        .iter()
        .map(|pair| (pair.name(), pair.value()))
        .chain(extra)
    {
        out.push(separator);
        separator = ',';
        out.push_str(label);
        out.push_str("=\"");
        push_escaped(out, value);
        out.push('"');
    }
    if separator == ',' {
        out.push('}');
    }
    out.push(' ');
    push_float(out, value);
    let timestamp_ms = metric.timestamp_ms();
    if timestamp_ms != 0 {
        // OpenMetrics timestamps are seconds.
        let _ = write!(out, " {}", timestamp_ms as f64 / 1000.0);
    }
    out.push('\n');
}

/// A number as OpenMetrics writes it: `+Inf`, `-Inf`, `NaN`, or Rust's shortest exact form
/// (which never uses an exponent, and is valid OpenMetrics).
fn push_float(out: &mut String, value: f64) {
    if value.is_nan() {
        out.push_str("NaN");
    } else if value == f64::INFINITY {
        out.push_str("+Inf");
    } else if value == f64::NEG_INFINITY {
        out.push_str("-Inf");
    } else {
        let _ = write!(out, "{value}");
    }
}

/// [`push_float`] into a new string, for label values (`le`, `quantile`).
fn float_text(value: f64) -> String {
    let mut text = String::new();
    push_float(&mut text, value);
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn units_are_read_from_whole_name_parts_only() {
        assert_eq!(unit_of("job_duration_seconds"), Some("seconds"));
        assert_eq!(unit_of("payload_bytes"), Some("bytes"));
        assert_eq!(unit_of("microseconds"), None, "no `_` before the unit");
        assert_eq!(unit_of("jobs"), None);
    }

    #[test]
    fn special_floats_are_written_as_openmetrics_spells_them() {
        assert_eq!(float_text(f64::INFINITY), "+Inf");
        assert_eq!(float_text(f64::NEG_INFINITY), "-Inf");
        assert_eq!(float_text(f64::NAN), "NaN");
        assert_eq!(float_text(0.25), "0.25");
    }
}
