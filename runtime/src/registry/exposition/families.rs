//! Our own families, written straight from the series (no `gather()`, no protobuf structs), in
//! either format. The two differ only in the family header (OpenMetrics names a counter family
//! without `_total` and gives a `# UNIT`) and in the optional `_created` samples.

use std::fmt::Write as _;

use prometheus::proto::MetricType;

use crate::hot_path::series::{RouteSeries, StatusSeries};
use crate::registry::exposition::{push_escaped, Format};
use crate::registry::family::Family;
use crate::registry::state::Shared;

/// Writes our families of `shared` in `format` to `out`.
pub(super) fn write(shared: &Shared, format: Format, out: &mut String) {
    let openmetrics = format == Format::OpenMetrics;
    let created = openmetrics && shared.exposition.created;
    let prefix = shared
        .registry_shape
        .get()
        .map_or("", |s| s.prefix.as_str());
    let names = &shared.names;
    let routes: Vec<&'static RouteSeries> = shared.store.routes().collect();
    let statuses = || routes.iter().flat_map(|r| r.statuses());
    let histogram = |custom: bool| statuses().filter(move |s| s.custom_buckets == custom);

    for family in Family::all(names) {
        let present = match family {
            Family::Duration => histogram(false).next().is_some(),
            Family::CustomDuration => histogram(true).next().is_some(),
            Family::InFlight => !routes.is_empty(),
            Family::Requests => statuses().next().is_some(),
        };
        if !present {
            continue;
        }
        let name = family.name(names);
        let type_name = match family.metric_type() {
            MetricType::HISTOGRAM => "histogram",
            MetricType::GAUGE => "gauge",
            MetricType::COUNTER => "counter",
            MetricType::SUMMARY => "summary",
            MetricType::UNTYPED => "untyped",
        };
        // OpenMetrics names a counter family without `_total`, which only its samples carry.
        let family_name = match family {
            Family::Requests if openmetrics => name.strip_suffix("_total").unwrap_or(name),
            _ => name,
        };
        out.push_str("# HELP ");
        out.push_str(prefix);
        out.push_str(family_name);
        out.push(' ');
        out.push_str(family.help());
        out.push('\n');
        let _ = writeln!(out, "# TYPE {prefix}{family_name} {type_name}");
        if openmetrics && family.metric_type() == MetricType::HISTOGRAM {
            let _ = writeln!(out, "# UNIT {prefix}{family_name} seconds");
        }
        match family {
            Family::Duration | Family::CustomDuration => {
                let custom = family == Family::CustomDuration;
                for series in histogram(custom) {
                    let labels = series_label_text(shared, series);
                    write_histogram(out, prefix, name, series, labels, openmetrics);
                    if created {
                        write_created(out, prefix, family_name, labels, series.created);
                    }
                }
            }
            Family::InFlight => {
                for route in &routes {
                    let labels = route
                        .in_flight_label_text
                        .get_or_init(|| render_labels(shared, &route.in_flight_labels));
                    let _ = writeln!(out, "{prefix}{name}{{{labels}}} {}", route.in_flight());
                }
            }
            Family::Requests => {
                for series in statuses() {
                    let labels = series_label_text(shared, series);
                    let _ = writeln!(out, "{prefix}{name}{{{labels}}} {}", series.count());
                    if created {
                        write_created(out, prefix, family_name, labels, series.created);
                    }
                }
            }
        }
    }
}

/// A series' labels, rendered at its first scrape and kept.
fn series_label_text<'a>(shared: &Shared, series: &'a StatusSeries) -> &'a str {
    series
        .label_text
        .get_or_init(|| render_labels(shared, &series.labels()))
}

/// `labels` (sorted) and the registry's common labels, values escaped:
/// `endpoint="/users/{id}",handler="get_user"`. The same in both formats.
fn render_labels(shared: &Shared, labels: &[(String, String)]) -> String {
    let common = shared
        .registry_shape
        .get()
        .map_or(&[][..], |shape| shape.labels.as_slice());
    let mut text = String::new();
    for (name, value) in labels.iter().chain(common) {
        if !text.is_empty() {
            text.push(',');
        }
        text.push_str(name);
        text.push_str("=\"");
        push_escaped(&mut text, value);
        text.push('"');
    }
    text
}

fn write_histogram(
    out: &mut String,
    prefix: &str,
    name: &str,
    series: &StatusSeries,
    labels: &str,
    openmetrics: bool,
) {
    let values = series.values();
    let bounds = series.buckets.texts.iter().map(String::as_str);
    let counts = values.cumulative.iter().copied();
    for (bucket, (bound, count)) in bounds
        .chain(["+Inf"])
        .zip(counts.chain([values.count]))
        .enumerate()
    {
        let _ = write!(
            out,
            "{prefix}{name}_bucket{{{labels},le=\"{bound}\"}} {count}"
        );
        if openmetrics {
            write_exemplar(out, series, bucket);
        }
        out.push('\n');
    }
    let _ = writeln!(out, "{prefix}{name}_sum{{{labels}}} {}", values.sum_seconds);
    let _ = writeln!(out, "{prefix}{name}_count{{{labels}}} {}", values.count);
}

/// The exemplar of `bucket`, if it has one: ` # {trace_id="…",span_id="…"} 0.042 1700000000.1`
/// (63 characters of labels, within OpenMetrics' 128).
#[cfg(feature = "opentelemetry")]
fn write_exemplar(out: &mut String, series: &StatusSeries, bucket: usize) {
    let Some(exemplar) = series.exemplars.get(bucket) else {
        return;
    };
    out.push_str(" # {trace_id=\"");
    push_hex(out, &exemplar.trace.trace_id);
    out.push_str("\",span_id=\"");
    push_hex(out, &exemplar.trace.span_id);
    let seconds = exemplar.nanos as f64 / 1e9;
    let at = crate::hot_path::clock::unix_seconds(exemplar.at);
    let _ = write!(out, "\"}} {seconds} {at:.3}");
}

#[cfg(not(feature = "opentelemetry"))]
fn write_exemplar(_: &mut String, _: &StatusSeries, _: usize) {}

/// Lower-case hex, as OpenTelemetry writes trace and span ids.
#[cfg(feature = "opentelemetry")]
pub(super) fn push_hex(out: &mut String, bytes: &[u8]) {
    for byte in bytes {
        let _ = write!(out, "{byte:02x}");
    }
}

/// The OpenMetrics `_created` sample of a counter or histogram series.
fn write_created(out: &mut String, prefix: &str, family: &str, labels: &str, created: f64) {
    let _ = writeln!(out, "{prefix}{family}_created{{{labels}}} {created}");
}
