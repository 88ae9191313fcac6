//! Escaping in both formats, checked by parsers no one here wrote (the Python Prometheus
//! client's): label values and `# HELP` text with quotes, backslashes and line feeds — in our
//! families (a constant label, a route template) and in the user's own `prometheus` metric —
//! come back exactly as they went in.

mod support;

use handler_metrics::{Config, HandlerSite, Metrics, CONTENT_TYPE, OPENMETRICS_CONTENT_TYPE};
use prometheus::{IntCounterVec, Opts, Registry};
use support::python_parser::{parse, Parsed};

/// Quote, backslash, line feed, and a non-ASCII letter.
const AWKWARD: &str = "say \"hi\" \\ then\nbye é";

static SITE: HandlerSite = HandlerSite::new("escaping", &[], &[]);

fn sample_labels<'a>(parsed: &'a Parsed, family: &str, sample: &'a str) -> &'a serde_json::Value {
    &parsed
        .samples(family, sample)
        .next()
        .unwrap_or_else(|| panic!("a sample {sample} in {family}"))["labels"]
}

#[test]
fn awkward_label_values_and_help_survive_both_formats() {
    let registry = Registry::new();
    let jobs = IntCounterVec::new(Opts::new("jobs_total", AWKWARD), &["queue"]).unwrap();
    registry.register(Box::new(jobs.clone())).unwrap();
    jobs.with_label_values(&[AWKWARD]).inc();
    let metrics = Config::new()
        .const_label("team", AWKWARD)
        .registry(registry)
        .install()
        .expect("installs");
    let endpoint = format!("/q/{AWKWARD}");
    Metrics::global()
        .begin(&SITE, Some(&endpoint), "GET")
        .finish(200);

    for (text, content_type) in [
        (
            metrics.encode_openmetrics().unwrap(),
            OPENMETRICS_CONTENT_TYPE,
        ),
        (metrics.encode_text().unwrap(), CONTENT_TYPE),
    ] {
        let parsed = parse(&text, content_type);
        let ours = sample_labels(&parsed, "http_requests", "http_requests_total");
        assert_eq!(ours["team"], AWKWARD, "{content_type}:\n{text}");
        assert_eq!(ours["endpoint"], endpoint.as_str(), "{content_type}");

        let theirs = sample_labels(&parsed, "jobs", "jobs_total");
        assert_eq!(theirs["queue"], AWKWARD, "{content_type}:\n{text}");
        assert_eq!(
            parsed.family("jobs")["help"],
            AWKWARD,
            "{content_type}: # HELP\n{text}"
        );
    }
}
