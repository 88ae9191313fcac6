//! The protobuf exposition format (`application/vnd.google.protobuf;
//! proto=io.prometheus.client.MetricFamily; encoding=delimited`): length-delimited
//! `MetricFamily` messages of client_model's `io/prometheus/client/metrics.proto`, the one format
//! Prometheus reads native histograms from.
//!
//! Everything else in the registry is written by the `prometheus` crate's own `ProtobufEncoder`,
//! exactly as it would write it; its messages have no native fields, so our own families are
//! encoded here with [`prost`] from [`messages`], classic buckets and native ones in one
//! `Histogram` message, as the Go client writes them.

use prometheus::proto::MetricFamily as GatheredFamily;
use prometheus::Encoder as _;
use prost::Message as _;

use crate::hot_path::series::{RouteSeries, StatusSeries};
use crate::registry::family::Family;
use crate::registry::state::Shared;
use crate::vocabulary::native::spans_and_deltas;

/// Appends `others` (gathered from the registry) and our families of `shared` to `out`.
pub(super) fn write(
    shared: &Shared,
    others: &[GatheredFamily],
    out: &mut Vec<u8>,
) -> Result<(), prometheus::Error> {
    prometheus::ProtobufEncoder::new().encode(others, out)?;
    for family in families(shared) {
        // Into a `Vec`, which grows as needed: this cannot run out of room.
        family
            .encode_length_delimited(out)
            .map_err(|err| prometheus::Error::Msg(err.to_string()))?;
    }
    Ok(())
}

/// Our families of `shared` as messages: those with at least one series.
fn families(shared: &Shared) -> Vec<messages::MetricFamily> {
    let shape = shared.registry_shape.get();
    let prefix = shape.map_or("", |s| s.prefix.as_str());
    let common = shape.map_or(&[][..], |s| s.labels.as_slice());
    let names = &shared.names;
    let routes: Vec<&'static RouteSeries> = shared.store.routes().collect();
    let statuses = || routes.iter().flat_map(|r| r.statuses());

    let mut families = Vec::new();
    for family in Family::all(names) {
        let metric: Vec<messages::Metric> = match family {
            Family::Duration | Family::CustomDuration => {
                let custom = family == Family::CustomDuration;
                statuses()
                    .filter(|s| s.custom_buckets == custom)
                    .map(|series| messages::Metric {
                        label: label_pairs(&series.labels(), common),
                        histogram: Some(histogram(series)),
                        ..Default::default()
                    })
                    .collect()
            }
            Family::InFlight => routes
                .iter()
                .map(|route| messages::Metric {
                    label: label_pairs(&route.in_flight_labels, common),
                    gauge: Some(messages::Gauge {
                        value: route.in_flight() as f64,
                    }),
                    ..Default::default()
                })
                .collect(),
            Family::Requests => statuses()
                .map(|series| messages::Metric {
                    label: label_pairs(&series.labels(), common),
                    counter: Some(messages::Counter {
                        value: series.count() as f64,
                        ..Default::default()
                    }),
                    ..Default::default()
                })
                .collect(),
        };
        if metric.is_empty() {
            continue;
        }
        families.push(messages::MetricFamily {
            name: format!("{prefix}{}", family.name(names)),
            help: family.help().to_owned(),
            r#type: Some(match family {
                Family::Duration | Family::CustomDuration => messages::HISTOGRAM,
                Family::InFlight => messages::GAUGE,
                Family::Requests => messages::COUNTER,
            }),
            metric,
        });
    }
    families
}

fn label_pairs(
    labels: &[(String, String)],
    common: &[(String, String)],
) -> Vec<messages::LabelPair> {
    labels
        .iter()
        .chain(common)
        .map(|(name, value)| messages::LabelPair {
            name: name.clone(),
            value: value.clone(),
        })
        .collect()
}

/// One status series' histogram: classic buckets (without `+Inf`, which the count implies),
/// and, when configured, the native buckets. With native buckets, the count is theirs: read in
/// one pass, the zero bucket and the others add up to it exactly even while requests are being
/// recorded, as Prometheus 3 checks.
fn histogram(series: &StatusSeries) -> messages::Histogram {
    let classic = series.values();
    let bucket = series
        .buckets
        .bounds
        .iter()
        .zip(&classic.cumulative)
        .enumerate()
        .map(
            |(index, (&upper_bound, &cumulative_count))| messages::Bucket {
                cumulative_count,
                upper_bound,
                exemplar: exemplar(series, index),
            },
        )
        .collect();
    let mut histogram = messages::Histogram {
        sample_count: classic.count,
        sample_sum: classic.sum_seconds,
        bucket,
        ..Default::default()
    };
    if let Some(native) = series.native_values() {
        let (spans, deltas) = spans_and_deltas(&native.buckets);
        histogram.sample_count = native.count();
        histogram.schema = i32::from(native.schema);
        histogram.zero_threshold = native.zero_threshold;
        histogram.zero_count = native.zero_count;
        histogram.positive_span = spans
            .into_iter()
            .map(|(offset, length)| messages::BucketSpan { offset, length })
            .collect();
        histogram.positive_delta = deltas;
        // Native exemplars: every bucket's, `+Inf`'s included (they carry their timestamp).
        histogram.exemplars = (0..=series.buckets.bounds.len())
            .filter_map(|index| exemplar(series, index))
            .collect();
    }
    histogram
}

/// The exemplar of classic bucket `index` (the last is `+Inf`), if it has one.
#[cfg(feature = "opentelemetry")]
fn exemplar(series: &StatusSeries, index: usize) -> Option<messages::Exemplar> {
    let exemplar = series.exemplars.get(index)?;
    let hex = |bytes: &[u8]| {
        let mut out = String::with_capacity(2 * bytes.len());
        super::families::push_hex(&mut out, bytes);
        out
    };
    let at = crate::hot_path::clock::unix_seconds(exemplar.at);
    Some(messages::Exemplar {
        label: vec![
            messages::LabelPair {
                name: "trace_id".into(),
                value: hex(&exemplar.trace.trace_id),
            },
            messages::LabelPair {
                name: "span_id".into(),
                value: hex(&exemplar.trace.span_id),
            },
        ],
        value: exemplar.nanos as f64 / 1e9,
        timestamp: Some(messages::Timestamp {
            seconds: at.floor() as i64,
            nanos: ((at - at.floor()) * 1e9) as i32,
        }),
    })
}

#[cfg(not(feature = "opentelemetry"))]
fn exemplar(_: &StatusSeries, _: usize) -> Option<messages::Exemplar> {
    None
}

/// The messages of `io/prometheus/client/metrics.proto` that our families use, with its field
/// numbers. Scalars are written only when not zero (proto3's rule; Prometheus reads a missing
/// field as zero either way), except where noted.
mod messages {
    pub(super) const COUNTER: i32 = 0;
    pub(super) const GAUGE: i32 = 1;
    pub(super) const HISTOGRAM: i32 = 4;

    #[derive(Clone, PartialEq, prost::Message)]
    pub(super) struct MetricFamily {
        #[prost(string, tag = "1")]
        pub(super) name: String,
        #[prost(string, tag = "2")]
        pub(super) help: String,
        /// `MetricType`: the constants above. Written even when 0 (a counter), as the Go client
        /// and the `prometheus` crate write it.
        #[prost(int32, optional, tag = "3")]
        pub(super) r#type: Option<i32>,
        #[prost(message, repeated, tag = "4")]
        pub(super) metric: Vec<Metric>,
    }

    #[derive(Clone, PartialEq, prost::Message)]
    pub(super) struct Metric {
        #[prost(message, repeated, tag = "1")]
        pub(super) label: Vec<LabelPair>,
        #[prost(message, optional, tag = "2")]
        pub(super) gauge: Option<Gauge>,
        #[prost(message, optional, tag = "3")]
        pub(super) counter: Option<Counter>,
        #[prost(message, optional, tag = "7")]
        pub(super) histogram: Option<Histogram>,
    }

    #[derive(Clone, PartialEq, prost::Message)]
    pub(super) struct LabelPair {
        #[prost(string, tag = "1")]
        pub(super) name: String,
        #[prost(string, tag = "2")]
        pub(super) value: String,
    }

    #[derive(Clone, PartialEq, prost::Message)]
    pub(super) struct Gauge {
        #[prost(double, tag = "1")]
        pub(super) value: f64,
    }

    #[derive(Clone, PartialEq, prost::Message)]
    pub(super) struct Counter {
        #[prost(double, tag = "1")]
        pub(super) value: f64,
        #[prost(message, optional, tag = "2")]
        pub(super) exemplar: Option<Exemplar>,
    }

    #[derive(Clone, PartialEq, prost::Message)]
    pub(super) struct Histogram {
        #[prost(uint64, tag = "1")]
        pub(super) sample_count: u64,
        #[prost(double, tag = "2")]
        pub(super) sample_sum: f64,
        /// Classic buckets, ascending upper bounds, cumulative counts.
        #[prost(message, repeated, tag = "3")]
        pub(super) bucket: Vec<Bucket>,
        #[prost(sint32, tag = "5")]
        pub(super) schema: i32,
        /// Always above 0 when native buckets are written: Prometheus 2.42 reads a histogram
        /// with no native bucket yet as native only then.
        #[prost(double, tag = "6")]
        pub(super) zero_threshold: f64,
        #[prost(uint64, tag = "7")]
        pub(super) zero_count: u64,
        #[prost(message, repeated, tag = "12")]
        pub(super) positive_span: Vec<BucketSpan>,
        #[prost(sint64, repeated, tag = "13")]
        pub(super) positive_delta: Vec<i64>,
        #[prost(message, repeated, tag = "16")]
        pub(super) exemplars: Vec<Exemplar>,
    }

    #[derive(Clone, PartialEq, prost::Message)]
    pub(super) struct Bucket {
        #[prost(uint64, tag = "1")]
        pub(super) cumulative_count: u64,
        #[prost(double, tag = "2")]
        pub(super) upper_bound: f64,
        #[prost(message, optional, tag = "3")]
        pub(super) exemplar: Option<Exemplar>,
    }

    #[derive(Clone, PartialEq, prost::Message)]
    pub(super) struct BucketSpan {
        #[prost(sint32, tag = "1")]
        pub(super) offset: i32,
        #[prost(uint32, tag = "2")]
        pub(super) length: u32,
    }

    #[derive(Clone, PartialEq, prost::Message)]
    pub(super) struct Exemplar {
        #[prost(message, repeated, tag = "1")]
        pub(super) label: Vec<LabelPair>,
        #[prost(double, tag = "2")]
        pub(super) value: f64,
        #[prost(message, optional, tag = "3")]
        pub(super) timestamp: Option<Timestamp>,
    }

    /// `google.protobuf.Timestamp`.
    #[derive(Clone, PartialEq, prost::Message)]
    pub(super) struct Timestamp {
        #[prost(int64, tag = "1")]
        pub(super) seconds: i64,
        #[prost(int32, tag = "2")]
        pub(super) nanos: i32,
    }
}
