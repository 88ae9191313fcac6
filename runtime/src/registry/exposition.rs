//! Exposition: the registry in Prometheus's classic text format, in OpenMetrics 1.0 or (with
//! native histograms configured) in the protobuf format, chosen by the scraper's `Accept`
//! header, gzipped when its `Accept-Encoding` allows.
//!
//! - [`negotiation`]: which format and encoding a request asks for;
//! - [`families`]: our own families, written straight from the series in either format;
//! - [`openmetrics`]: everything else in the registry (the user's `prometheus` metrics) in
//!   OpenMetrics; [`classic`]: the same in the classic format, the `prometheus` crate's
//!   `TextEncoder` but for the untyped families it cannot write;
//! - [`protobuf`]: the whole registry as length-delimited protobuf messages, ours with their
//!   native buckets.

mod classic;
mod families;
mod negotiation;
mod openmetrics;
mod protobuf;

use std::io::Write as _;

use crate::registry::collector::gather_others;
use crate::registry::state::Shared;

/// The `Content-Type` of the classic text exposition format: `text/plain; version=0.0.4`.
///
/// # Examples
///
/// ```
/// assert_eq!(handler_metrics_runtime::CONTENT_TYPE, "text/plain; version=0.0.4");
/// ```
pub const CONTENT_TYPE: &str = prometheus::TEXT_FORMAT;

/// The `Content-Type` of OpenMetrics 1.0 text.
///
/// # Examples
///
/// ```
/// assert_eq!(
///     handler_metrics_runtime::OPENMETRICS_CONTENT_TYPE,
///     "application/openmetrics-text; version=1.0.0; charset=utf-8",
/// );
/// ```
pub const OPENMETRICS_CONTENT_TYPE: &str =
    "application/openmetrics-text; version=1.0.0; charset=utf-8";

/// The `Content-Type` of the protobuf format: length-delimited `io.prometheus.client.MetricFamily`
/// messages.
///
/// # Examples
///
/// ```
/// assert_eq!(
///     handler_metrics_runtime::PROTOBUF_CONTENT_TYPE,
///     "application/vnd.google.protobuf; proto=io.prometheus.client.MetricFamily; encoding=delimited",
/// );
/// ```
pub const PROTOBUF_CONTENT_TYPE: &str = prometheus::PROTOBUF_FORMAT;

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
    /// The body could not be compressed.
    #[error("cannot gzip metrics: {0}")]
    Gzip(#[source] std::io::Error),
}

/// An exposition format.
///
/// # Examples
///
/// ```
/// use handler_metrics_runtime::Format;
///
/// // What Prometheus sends by default:
/// let prometheus = "application/openmetrics-text;version=1.0.0,application/openmetrics-text;\
///                   version=0.0.1;q=0.75,text/plain;version=0.0.4;q=0.5,*/*;q=0.1";
/// assert_eq!(Format::from_accept(Some(prometheus)), Format::OpenMetrics);
/// assert_eq!(Format::from_accept(Some("*/*")), Format::Text);
/// assert_eq!(Format::from_accept(None), Format::Text);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Format {
    /// Prometheus's classic text format, `text/plain; version=0.0.4`.
    Text,
    /// OpenMetrics 1.0 text, `application/openmetrics-text; version=1.0.0`.
    OpenMetrics,
    /// Length-delimited protobuf messages, [`PROTOBUF_CONTENT_TYPE`]: what Prometheus reads
    /// native histograms from. [`Metrics::scrape`](crate::Metrics::scrape) answers it only with
    /// native histograms configured.
    Protobuf,
}

impl Format {
    /// The format an `Accept` header asks for: OpenMetrics when it names
    /// `application/openmetrics-text` (version 1.0.0 or no version) with a quality at least as
    /// high as any range that covers the classic format (`text/plain`, `text/*`, `*/*`); the
    /// classic format otherwise, also without a header or with one that cannot be read. Never
    /// [`Format::Protobuf`]: see [`from_accept_with_protobuf`](Format::from_accept_with_protobuf).
    pub fn from_accept(accept: Option<&str>) -> Format {
        negotiation::choose(accept.unwrap_or(""), false)
    }

    /// As [`from_accept`](Format::from_accept), but [`Format::Protobuf`] when the header names
    /// `application/vnd.google.protobuf` with `proto=io.prometheus.client.MetricFamily` and
    /// `encoding=delimited`, with a quality above 0 and at least that of either text format.
    ///
    /// # Examples
    ///
    /// ```
    /// use handler_metrics_runtime::Format;
    ///
    /// // What Prometheus 2.42 sends with `--enable-feature=native-histograms`:
    /// let prometheus = "application/vnd.google.protobuf;proto=io.prometheus.client.MetricFamily;\
    ///                   encoding=delimited,application/openmetrics-text;version=1.0.0;q=0.8,\
    ///                   text/plain;version=0.0.4;q=0.5,*/*;q=0.1";
    /// assert_eq!(Format::from_accept_with_protobuf(Some(prometheus)), Format::Protobuf);
    /// assert_eq!(Format::from_accept(Some(prometheus)), Format::OpenMetrics);
    /// ```
    pub fn from_accept_with_protobuf(accept: Option<&str>) -> Format {
        negotiation::choose(accept.unwrap_or(""), true)
    }

    /// The `Content-Type` of the format.
    ///
    /// # Examples
    ///
    /// ```
    /// use handler_metrics_runtime::{Format, CONTENT_TYPE};
    ///
    /// assert_eq!(Format::Text.content_type(), CONTENT_TYPE);
    /// ```
    pub fn content_type(self) -> &'static str {
        match self {
            Format::Text => CONTENT_TYPE,
            Format::OpenMetrics => OPENMETRICS_CONTENT_TYPE,
            Format::Protobuf => PROTOBUF_CONTENT_TYPE,
        }
    }
}

/// The `Vary` header of a negotiated scrape: the answer depends on these request headers.
const VARY: &str = "accept, accept-encoding";

/// A scrape's answer: the body in the negotiated format, gzipped if the scraper accepts it,
/// with the headers that describe it. [`Metrics::scrape`](crate::Metrics::scrape) makes it;
/// the `/metrics` routes of both frameworks send it as it is.
///
/// # Examples
///
/// ```
/// use handler_metrics_runtime::{Format, Metrics};
///
/// let scrape = Metrics::global()
///     .scrape(Some("application/openmetrics-text"), Some("gzip"))
///     .unwrap();
/// assert_eq!(scrape.format(), Format::OpenMetrics);
/// assert_eq!(scrape.content_encoding(), Some("gzip"));
/// assert_eq!(&scrape.body()[..2], [0x1f, 0x8b]);
/// ```
#[derive(Debug, Clone)]
pub struct Scrape {
    format: Format,
    gzip: bool,
    body: Vec<u8>,
}

impl Scrape {
    /// The format of the body.
    pub fn format(&self) -> Format {
        self.format
    }

    /// The `Content-Type` header to send.
    pub fn content_type(&self) -> &'static str {
        self.format.content_type()
    }

    /// The `Content-Encoding` header to send: `Some("gzip")` or none.
    pub fn content_encoding(&self) -> Option<&'static str> {
        self.gzip.then_some("gzip")
    }

    /// Every header to send with the body, as (lower-case name, value): `content-type`, `vary`,
    /// and `content-encoding` when gzipped. The iterator does not borrow the scrape, so the body
    /// can be taken with [`into_body`](Scrape::into_body) while it is read.
    ///
    /// # Examples
    ///
    /// ```
    /// let scrape = handler_metrics_runtime::Metrics::global().scrape(None, None).unwrap();
    /// let headers: Vec<_> = scrape.headers().collect();
    /// assert_eq!(
    ///     headers,
    ///     [("content-type", "text/plain; version=0.0.4"), ("vary", "accept, accept-encoding")],
    /// );
    /// ```
    pub fn headers(&self) -> impl Iterator<Item = (&'static str, &'static str)> + use<> {
        [
            Some(("content-type", self.content_type())),
            Some(("vary", VARY)),
            self.content_encoding()
                .map(|encoding| ("content-encoding", encoding)),
        ]
        .into_iter()
        .flatten()
    }

    /// The body.
    pub fn body(&self) -> &[u8] {
        &self.body
    }

    /// The body, owned.
    pub fn into_body(self) -> Vec<u8> {
        self.body
    }
}

/// The registry of `shared` in `format`.
pub(crate) fn encode(shared: &Shared, format: Format) -> Result<Vec<u8>, ExpositionError> {
    match format {
        Format::Protobuf => {
            let others = gather(shared)?;
            let mut bytes = Vec::with_capacity(32 * 1024);
            protobuf::write(shared, &others, &mut bytes)?;
            Ok(bytes)
        }
        Format::Text | Format::OpenMetrics => encode_text(shared, format).map(String::into_bytes),
    }
}

/// The registry of `shared` in a text format (the classic one for [`Format::Protobuf`]).
pub(crate) fn encode_text(shared: &Shared, format: Format) -> Result<String, ExpositionError> {
    let others = gather(shared)?;
    let mut text = String::with_capacity(64 * 1024);
    if format == Format::OpenMetrics {
        openmetrics::write_families(&others, &mut text);
        families::write(shared, Format::OpenMetrics, &mut text);
        text.push_str("# EOF\n");
    } else {
        classic::write_families(&others, &mut text)?;
        families::write(shared, Format::Text, &mut text);
    }
    Ok(text)
}

/// Everything in the registry but our own families, through `gather()` (ours are written
/// straight from the series, with labels rendered at the first scrape); an error if our families
/// could not be registered.
fn gather(shared: &Shared) -> Result<Vec<prometheus::proto::MetricFamily>, ExpositionError> {
    match shared.registration_error.get() {
        Some(reason) => Err(ExpositionError::NotRegistered(reason.clone())),
        None => Ok(gather_others(&shared.registry)),
    }
}

/// The answer to a scrape with these `Accept` and `Accept-Encoding` headers.
pub(crate) fn scrape(
    shared: &Shared,
    accept: Option<&str>,
    accept_encoding: Option<&str>,
) -> Result<Scrape, ExpositionError> {
    let format = negotiation::choose(accept.unwrap_or(""), shared.store.native.is_some());
    let text = encode(shared, format)?;
    let gzip = accept_encoding.is_some_and(negotiation::accepts_gzip);
    let body = if gzip {
        // Level 1: exposition text is repetitive enough that the fastest level already shrinks it
        // about tenfold, and a scrape should cost the server as little as possible.
        let mut encoder = flate2::write::GzEncoder::new(
            Vec::with_capacity(text.len() / 8),
            flate2::Compression::fast(),
        );
        encoder
            .write_all(&text)
            .and_then(|()| encoder.finish())
            .map_err(ExpositionError::Gzip)?
    } else {
        text
    };
    Ok(Scrape { format, gzip, body })
}

/// Appends `value` escaped as a label value (and, in OpenMetrics, as `# HELP` text): `\`, `"`
/// and line feeds.
pub(crate) fn push_escaped(out: &mut String, value: &str) {
    for c in value.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '"' => out.push_str("\\\""),
            '\n' => out.push_str("\\n"),
            c => out.push(c),
        }
    }
}
