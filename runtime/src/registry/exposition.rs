//! Exposition: the registry in Prometheus's text format.

use std::fmt::Write as _;

use prometheus::TextEncoder;

use crate::hot_path::series::{RouteSeries, StatusSeries};
use crate::registry::collector::{
    gather_others, CUSTOM_DURATION_HELP, DURATION_HELP, IN_FLIGHT_HELP, REQUESTS_HELP,
};
use crate::registry::state::Shared;

/// The `Content-Type` of the text exposition format: `text/plain; version=0.0.4`.
///
/// # Examples
///
/// ```
/// assert_eq!(handler_metrics_runtime::CONTENT_TYPE, "text/plain; version=0.0.4");
/// ```
pub const CONTENT_TYPE: &str = prometheus::TEXT_FORMAT;

/// Why the registry could not be exposed.
///
/// # Examples
///
/// ```
/// use handler_metrics_runtime::ExpositionError;
///
/// let err = ExpositionError::NotRegistered("a clash".into());
/// assert!(err.to_string().contains("a clash"));
/// ```
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ExpositionError {
    /// The default configuration, installed by the first metered request, could not register
    /// its families; the message says why.
    #[error("handler-metrics is not registered in the registry: {0}")]
    NotRegistered(String),
    /// The encoder failed.
    #[error("cannot encode metrics: {0}")]
    Encode(#[from] prometheus::Error),
}

/// The registry of `shared` in the text format: [`Metrics::encode_text`](crate::Metrics::encode_text).
pub(crate) fn encode_text(shared: &Shared) -> Result<String, ExpositionError> {
    if let Some(reason) = shared.registration_error.get() {
        return Err(ExpositionError::NotRegistered(reason.clone()));
    }
    // Everything else in the registry goes through `gather()` and `TextEncoder`; our own
    // families are written straight from the series, with labels rendered at the first scrape.
    let others = gather_others(&shared.registry);
    let mut text = String::with_capacity(64 * 1024);
    TextEncoder::new().encode_utf8(&others, &mut text)?;
    write_own_families(shared, &mut text);
    Ok(text)
}

/// A series' labels in the text format, rendered at its first scrape and kept.
fn series_label_text<'a>(shared: &Shared, series: &'a StatusSeries) -> &'a str {
    series
        .label_text
        .get_or_init(|| render_labels(shared, &series.labels()))
}

/// `labels` (sorted) and the registry's common labels in the text format, values escaped:
/// `endpoint="/users/{id}",handler="get_user"`.
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
        for c in value.chars() {
            match c {
                '\\' => text.push_str("\\\\"),
                '"' => text.push_str("\\\""),
                '\n' => text.push_str("\\n"),
                c => text.push(c),
            }
        }
        text.push('"');
    }
    text
}

fn write_own_families(shared: &Shared, out: &mut String) {
    let shape = shared.registry_shape.get();
    let prefix = shape.map_or("", |s| s.prefix.as_str());
    let names = &shared.names;
    let routes: Vec<&'static RouteSeries> = shared.store.routes().collect();
    let statuses = || routes.iter().flat_map(|r| r.statuses());

    let duration = |custom: bool| statuses().filter(move |s| s.custom_buckets == custom);
    let families: [(&str, &str, &str, bool); 4] = [
        (
            &names.duration,
            DURATION_HELP,
            "histogram",
            duration(false).next().is_some(),
        ),
        (
            &names.custom_duration,
            CUSTOM_DURATION_HELP,
            "histogram",
            duration(true).next().is_some(),
        ),
        (
            &names.in_flight,
            IN_FLIGHT_HELP,
            "gauge",
            !routes.is_empty(),
        ),
        (
            &names.requests_total,
            REQUESTS_HELP,
            "counter",
            statuses().next().is_some(),
        ),
    ];
    for (name, help, kind, present) in families {
        if !present {
            continue;
        }
        let _ = writeln!(
            out,
            "# HELP {prefix}{name} {help}\n# TYPE {prefix}{name} {kind}"
        );
        if name == names.duration || name == names.custom_duration {
            let custom = name == names.custom_duration;
            for series in duration(custom) {
                write_histogram(out, prefix, name, series, series_label_text(shared, series));
            }
        } else if name == names.in_flight {
            for route in &routes {
                let labels = route
                    .in_flight_label_text
                    .get_or_init(|| render_labels(shared, &route.in_flight_labels));
                let _ = writeln!(out, "{prefix}{name}{{{labels}}} {}", route.in_flight());
            }
        } else {
            for series in statuses() {
                let labels = series_label_text(shared, series);
                let _ = writeln!(out, "{prefix}{name}{{{labels}}} {}", series.count());
            }
        }
    }
}

fn write_histogram(
    out: &mut String,
    prefix: &str,
    name: &str,
    series: &StatusSeries,
    labels: &str,
) {
    let values = series.values();
    for (bound, count) in series.buckets.texts.iter().zip(&values.cumulative) {
        let _ = writeln!(
            out,
            "{prefix}{name}_bucket{{{labels},le=\"{bound}\"}} {count}"
        );
    }
    let _ = writeln!(
        out,
        "{prefix}{name}_bucket{{{labels},le=\"+Inf\"}} {}",
        values.count
    );
    let _ = writeln!(out, "{prefix}{name}_sum{{{labels}}} {}", values.sum_seconds);
    let _ = writeln!(out, "{prefix}{name}_count{{{labels}}} {}", values.count);
}
