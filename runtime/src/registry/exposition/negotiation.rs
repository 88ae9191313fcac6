//! Reading `Accept` and `Accept-Encoding`: which format and encoding a scraper asks for. Both
//! are read in one pass without allocating; anything unreadable counts as not asked for, so a
//! hostile header gets the classic, uncompressed answer rather than an error.

/// The media type of OpenMetrics text.
const OPENMETRICS: &str = "application/openmetrics-text";

/// Whether `accept` prefers OpenMetrics 1.0 to the classic text format: it names
/// `application/openmetrics-text` (with `version=1.0.0` or no version) with a quality above 0
/// and at least that of every range covering `text/plain; version=0.0.4` (`text/plain` with
/// that version or none, `text/*`, `*/*`). A wildcard alone keeps the classic format.
pub(super) fn prefers_openmetrics(accept: &str) -> bool {
    let mut openmetrics = 0.0f32;
    let mut text = 0.0f32;
    for range in accept.split(',') {
        let mut parts = range.split(';');
        let media = parts.next().unwrap_or("").trim();
        let Some((quality, version)) = parameters(parts) else {
            continue;
        };
        let is = |name: &str| media.eq_ignore_ascii_case(name);
        if is(OPENMETRICS) && version.is_none_or(|v| v == "1.0.0") {
            openmetrics = openmetrics.max(quality);
        } else if (is("text/plain") && version.is_none_or(|v| v == "0.0.4"))
            || is("text/*")
            || is("*/*")
        {
            text = text.max(quality);
        }
    }
    openmetrics > 0.0 && openmetrics >= text
}

/// Whether `accept_encoding` allows gzip: `gzip` (or `x-gzip`) with a quality above 0, or `*`
/// with one when gzip is not named.
pub(super) fn accepts_gzip(accept_encoding: &str) -> bool {
    let mut gzip: Option<f32> = None;
    let mut any: Option<f32> = None;
    for item in accept_encoding.split(',') {
        let mut parts = item.split(';');
        let coding = parts.next().unwrap_or("").trim();
        let Some((quality, _)) = parameters(parts) else {
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

/// The quality (`q`, default 1) and `version` of a media range's parameters; `None` when the
/// quality is not a number from 0 to 1 (the range is then ignored).
fn parameters<'a>(parts: impl Iterator<Item = &'a str>) -> Option<(f32, Option<&'a str>)> {
    let mut quality = 1.0;
    let mut version = None;
    for parameter in parts {
        let Some((name, value)) = parameter.split_once('=') else {
            continue;
        };
        let name = name.trim();
        let value = value.trim().trim_matches('"');
        if name.eq_ignore_ascii_case("q") {
            quality = value
                .parse::<f32>()
                .ok()
                .filter(|q| (0.0..=1.0).contains(q))?;
        } else if name.eq_ignore_ascii_case("version") {
            version = Some(value);
        }
    }
    Some((quality, version))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The `Accept` header Prometheus 2.x sends by default.
    const PROMETHEUS_2: &str = "application/openmetrics-text;version=1.0.0,\
        application/openmetrics-text;version=0.0.1;q=0.75,text/plain;version=0.0.4;q=0.5,*/*;q=0.1";

    #[test]
    fn prometheus_gets_openmetrics() {
        assert!(prefers_openmetrics(PROMETHEUS_2));
        assert!(prefers_openmetrics("application/openmetrics-text"));
        assert!(prefers_openmetrics(
            "Application/OpenMetrics-Text; Version=\"1.0.0\"; q=0.9, text/plain;q=0.8"
        ));
    }

    #[test]
    fn classic_unless_openmetrics_is_preferred() {
        assert!(!prefers_openmetrics("*/*"));
        assert!(!prefers_openmetrics("text/plain"));
        assert!(!prefers_openmetrics(
            "application/openmetrics-text;q=0.4,text/plain;q=0.5"
        ));
        assert!(!prefers_openmetrics("application/openmetrics-text;q=0"));
        // Only 1.0.0 is written: asking for the draft alone keeps the classic format.
        assert!(!prefers_openmetrics(
            "application/openmetrics-text;version=0.0.1"
        ));
    }

    #[test]
    fn unreadable_headers_are_not_errors() {
        assert!(!prefers_openmetrics(""));
        assert!(!prefers_openmetrics(",,;;==,"));
        assert!(!prefers_openmetrics("application/openmetrics-text;q=abc"));
        assert!(!prefers_openmetrics("application/openmetrics-text;q=7"));
        assert!(!prefers_openmetrics(&"a,".repeat(100_000)));
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
