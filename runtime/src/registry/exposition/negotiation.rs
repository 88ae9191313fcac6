//! Reading `Accept` and `Accept-Encoding`: which format and encoding a scraper asks for. Both
//! are read in one pass without allocating; anything unreadable counts as not asked for, so a
//! hostile header gets the classic, uncompressed answer rather than an error.

use super::Format;

/// The media type of OpenMetrics text.
const OPENMETRICS: &str = "application/openmetrics-text";
/// The media type of the protobuf format, with the parameters that make it Prometheus's.
const PROTOBUF: &str = "application/vnd.google.protobuf";
const PROTOBUF_PROTO: &str = "io.prometheus.client.MetricFamily";
const PROTOBUF_ENCODING: &str = "delimited";

/// The format `accept` prefers, each format having the highest quality of the ranges that name
/// it:
/// - the protobuf format (when `protobuf` allows it): `application/vnd.google.protobuf` with
///   `proto=io.prometheus.client.MetricFamily` and `encoding=delimited`, with a quality above 0
///   and at least that of either text format;
/// - OpenMetrics: `application/openmetrics-text` (with `version=1.0.0` or no version) with a
///   quality above 0 and at least that of every range covering `text/plain; version=0.0.4`
///   (`text/plain` with that version or none, `text/*`, `*/*`);
/// - the classic format otherwise. A wildcard alone keeps the classic format.
pub(super) fn choose(accept: &str, protobuf: bool) -> Format {
    let mut openmetrics = 0.0f32;
    let mut text = 0.0f32;
    let mut delimited = 0.0f32;
    for range in accept.split(',') {
        let mut parts = range.split(';');
        let media = parts.next().unwrap_or("").trim();
        let Some(parameters) = parameters(parts) else {
            continue;
        };
        let (quality, version) = (parameters.quality, parameters.version);
        let is = |name: &str| media.eq_ignore_ascii_case(name);
        if is(OPENMETRICS) && version.is_none_or(|v| v == "1.0.0") {
            openmetrics = openmetrics.max(quality);
        } else if (is("text/plain") && version.is_none_or(|v| v == "0.0.4"))
            || is("text/*")
            || is("*/*")
        {
            text = text.max(quality);
        } else if is(PROTOBUF)
            && parameters.proto == Some(PROTOBUF_PROTO)
            && parameters
                .encoding
                .is_some_and(|e| e.eq_ignore_ascii_case(PROTOBUF_ENCODING))
        {
            delimited = delimited.max(quality);
        }
    }
    if protobuf && delimited > 0.0 && delimited >= openmetrics && delimited >= text {
        Format::Protobuf
    } else if openmetrics > 0.0 && openmetrics >= text {
        Format::OpenMetrics
    } else {
        Format::Text
    }
}

/// Whether `accept_encoding` allows gzip: `gzip` (or `x-gzip`) with a quality above 0, or `*`
/// with one when gzip is not named.
pub(super) fn accepts_gzip(accept_encoding: &str) -> bool {
    let mut gzip: Option<f32> = None;
    let mut any: Option<f32> = None;
    for item in accept_encoding.split(',') {
        let mut parts = item.split(';');
        let coding = parts.next().unwrap_or("").trim();
        let Some(Parameters { quality, .. }) = parameters(parts) else {
            continue;
        };
        if coding.eq_ignore_ascii_case("gzip") || coding.eq_ignore_ascii_case("x-gzip") {
            gzip = Some(gzip.map_or(quality, |q| q.max(quality)));
        } else if coding == "*" {
            any = Some(any.map_or(quality, |q| q.max(quality)));
        }
    }
    gzip.or(any).is_some_and(|q| q > 0.0)
}

/// The parameters of a media range that matter here.
struct Parameters<'a> {
    /// `q`, 1 when absent.
    quality: f32,
    version: Option<&'a str>,
    proto: Option<&'a str>,
    encoding: Option<&'a str>,
}

/// The quality (`q`, default 1), `version`, `proto` and `encoding` of a media range's parameters;
/// `None` when the quality is not a number from 0 to 1 (the range is then ignored).
fn parameters<'a>(parts: impl Iterator<Item = &'a str>) -> Option<Parameters<'a>> {
    let mut parameters = Parameters {
        quality: 1.0,
        version: None,
        proto: None,
        encoding: None,
    };
    for parameter in parts {
        let Some((name, value)) = parameter.split_once('=') else {
            continue;
        };
        let name = name.trim();
        let value = value.trim().trim_matches('"');
        if name.eq_ignore_ascii_case("q") {
            parameters.quality = value
                .parse::<f32>()
                .ok()
                .filter(|q| (0.0..=1.0).contains(q))?;
        } else if name.eq_ignore_ascii_case("version") {
            parameters.version = Some(value);
        } else if name.eq_ignore_ascii_case("proto") {
            parameters.proto = Some(value);
        } else if name.eq_ignore_ascii_case("encoding") {
            parameters.encoding = Some(value);
        }
    }
    Some(parameters)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn openmetrics(accept: &str) -> bool {
        choose(accept, true) == Format::OpenMetrics
    }

    /// The `Accept` header Prometheus 2.42 sends with `--enable-feature=native-histograms`.
    const PROMETHEUS_NATIVE: &str = "application/vnd.google.protobuf;\
        proto=io.prometheus.client.MetricFamily;encoding=delimited,\
        application/openmetrics-text;version=1.0.0;q=0.8,\
        application/openmetrics-text;version=0.0.1;q=0.75,text/plain;version=0.0.4;q=0.5,*/*;q=0.1";

    #[test]
    fn protobuf_when_preferred_and_allowed() {
        assert_eq!(choose(PROMETHEUS_NATIVE, true), Format::Protobuf);
        assert_eq!(
            choose(PROMETHEUS_NATIVE, false),
            Format::OpenMetrics,
            "not allowed: the next preference"
        );
        assert_eq!(
            choose(
                "application/vnd.google.protobuf; proto=io.prometheus.client.MetricFamily; \
                 encoding=delimited; q=0.5, text/plain; q=0.6",
                true
            ),
            Format::Text,
            "lower quality than text"
        );
        // Without the parameters that say what the protobuf is, it is not ours.
        assert_eq!(
            choose("application/vnd.google.protobuf", true),
            Format::Text
        );
        assert_eq!(
            choose(
                "application/vnd.google.protobuf;proto=io.prometheus.client.MetricFamily;\
                 encoding=text",
                true
            ),
            Format::Text
        );
        assert_eq!(
            choose(
                "application/vnd.google.protobuf;proto=io.prometheus.client.MetricFamily;\
                 encoding=delimited;q=0",
                true
            ),
            Format::Text
        );
        // A wildcard is not a request for protobuf.
        assert_eq!(choose("*/*", true), Format::Text);
    }

    /// The `Accept` header Prometheus 2.x sends by default.
    const PROMETHEUS_2: &str = "application/openmetrics-text;version=1.0.0,\
        application/openmetrics-text;version=0.0.1;q=0.75,text/plain;version=0.0.4;q=0.5,*/*;q=0.1";

    #[test]
    fn prometheus_gets_openmetrics() {
        assert!(openmetrics(PROMETHEUS_2));
        assert!(openmetrics("application/openmetrics-text"));
        assert!(openmetrics(
            "Application/OpenMetrics-Text; Version=\"1.0.0\"; q=0.9, text/plain;q=0.8"
        ));
    }

    #[test]
    fn classic_unless_openmetrics_is_preferred() {
        assert!(!openmetrics("*/*"));
        assert!(!openmetrics("text/plain"));
        assert!(!openmetrics(
            "application/openmetrics-text;q=0.4,text/plain;q=0.5"
        ));
        assert!(!openmetrics("application/openmetrics-text;q=0"));
        // Only 1.0.0 is written: asking for the draft alone keeps the classic format.
        assert!(!openmetrics("application/openmetrics-text;version=0.0.1"));
    }

    #[test]
    fn unreadable_headers_are_not_errors() {
        assert!(!openmetrics(""));
        assert!(!openmetrics(",,;;==,"));
        assert!(!openmetrics("application/openmetrics-text;q=abc"));
        assert!(!openmetrics("application/openmetrics-text;q=7"));
        assert!(!openmetrics(&"a,".repeat(100_000)));
        assert!(!accepts_gzip("gzip;q=nope"));
        assert!(!accepts_gzip(""));
    }

    #[test]
    fn gzip_when_allowed() {
        assert!(accepts_gzip("gzip"));
        assert!(accepts_gzip("deflate, gzip;q=0.5, br"));
        assert!(accepts_gzip("*"));
        assert!(accepts_gzip("X-GZIP"));
        assert!(!accepts_gzip("gzip;q=0"));
        assert!(!accepts_gzip("gzip;q=0, *"), "gzip refused by name");
        assert!(!accepts_gzip("identity"));
        assert!(!accepts_gzip("br, deflate"));
    }
}
