//! The OpenTelemetry naming (`Config::naming(Naming::OpenTelemetry)`): OpenTelemetry's HTTP server
//! conventions as Prometheus stores them, on both frameworks. The quickstart examples run with
//! `METRICS_NAMING=opentelemetry` and their exposition is read with the independent text parser;
//! the test API runs in process with the naming installed, for what the examples cannot produce
//! (non-standard methods, panics).

#[macro_use]
mod support;

use std::sync::Once;

use handler_metrics::{testing, Config, Naming, Scheme, UNMETERED_HANDLER};
use support::{parse_exposition, request, ExampleServer, Framework, Sample};

fn labelled<'a>(samples: &'a [Sample], name: &str, labels: &[(&str, &str)]) -> Vec<&'a Sample> {
    samples
        .iter()
        .filter(|s| s.name == name && labels.iter().all(|(k, v)| s.label(k) == *v))
        .collect()
}

fn the_example_exposes_opentelemetry_names_and_labels(framework: Framework) {
    let example = ExampleServer::start(framework.example(), &[("METRICS_NAMING", "opentelemetry")]);
    for (path, status) in [
        ("/users", 200),
        ("/users/99", 404),
        ("/reports/archive", 503),
        // No route matches: the companion layer the example wraps counts it.
        ("/wp-login.php", 404),
    ] {
        let (got, body) = request(example.addr, "GET", path, None).expect("a response");
        assert_eq!(got, status, "{path}: {body}");
    }
    let text = example.metrics();
    let samples = parse_exposition(&text);
    let count = "http_server_request_duration_seconds_count";

    let ok = labelled(&samples, count, &[("handler", "list_users")]);
    assert_eq!(ok.len(), 1, "{text}");
    let ok = ok[0];
    assert_eq!(ok.value, 1.0);
    for (label, value) in [
        ("http_route", "/users"),
        ("http_request_method", "GET"),
        ("http_response_status_code", "200"),
        ("url_scheme", "http"),
        ("objective", "users"),
    ] {
        assert_eq!(ok.label(label), value, "{label} of {ok:?}");
    }
    for absent in ["error_type", "outcome", "endpoint", "method", "status"] {
        assert!(!ok.labels.contains_key(absent), "{absent} on {ok:?}");
    }

    let not_found = labelled(
        &samples,
        count,
        &[
            ("http_response_status_code", "404"),
            ("handler", "get_user"),
        ],
    );
    assert_eq!(not_found.len(), 1, "{text}");
    assert!(
        !not_found[0].labels.contains_key("error_type"),
        "a 4xx is the client's: no error_type"
    );
    let scanned = labelled(
        &samples,
        count,
        &[
            ("handler", UNMETERED_HANDLER),
            ("http_response_status_code", "404"),
        ],
    );
    assert_eq!(scanned.len(), 1, "{text}");
    assert!(
        !scanned[0].labels.contains_key("http_route"),
        "no route matched: no http_route, not the path nor a stand-in: {:?}",
        scanned[0]
    );
    let failed = labelled(&samples, count, &[("http_response_status_code", "503")]);
    assert_eq!(failed.len(), 1, "{text}");
    assert_eq!(failed[0].label("error_type"), "503");

    let active = labelled(
        &samples,
        "http_server_active_requests",
        &[("handler", "get_report")],
    );
    assert_eq!(active.len(), 1, "{text}");
    assert_eq!(active[0].label("http_route"), "/reports/{kind}");
    assert_eq!(active[0].value, 0.0);

    assert!(
        !text.contains("http_requests_total") && !text.contains("http_requests_in_flight"),
        "no family of the default naming:\n{text}"
    );
    assert!(text.contains("# TYPE http_server_request_duration_seconds histogram"));
}

/// The naming, installed once for this test binary's in-process servers.
fn install_opentelemetry_naming() {
    static INSTALL: Once = Once::new();
    INSTALL.call_once(|| {
        Config::new()
            .naming(Naming::OpenTelemetry)
            .install()
            .expect("installs before any request");
    });
}

fn other_methods_and_panics_in_the_opentelemetry_naming(framework: Framework) {
    install_opentelemetry_naming();
    support::quiet_expected_panics("attempt to divide by zero");
    let server = framework.serve();
    for method in ["GET", "FOO", "get"] {
        let (status, _) =
            request(server.addr, method, &framework.path("/any"), None).expect("a response");
        assert_eq!(status, 200, "{method}");
    }
    let q = testing::handler("any_method").endpoint(&framework.endpoint("/any"));
    assert_eq!(q.clone().method("GET").requests(), 1);
    assert_eq!(q.clone().method("_OTHER").requests(), 2, "FOO and get");
    assert_eq!(q.clone().scheme(Scheme::Http).requests(), 3);

    let _ = request(server.addr, "GET", &framework.path("/divide/0"), None);
    support::wait_until("the panic is recorded", || {
        testing::handler("divide").status(500).requests() >= 1
    });
    let text = handler_metrics::Metrics::global()
        .encode_text()
        .expect("encodes");
    let prefix = framework.prefix();
    let panics: Vec<_> = parse_exposition(&text)
        .into_iter()
        .filter(|s| {
            s.name == "http_server_request_duration_seconds_count"
                && s.label("handler") == "divide"
                && s.label("http_route").starts_with(prefix)
        })
        .collect();
    assert!(!panics.is_empty(), "{text}");
    assert!(
        panics.iter().all(|s| s.label("error_type") == "panic"),
        "{panics:?}"
    );
    let other: Vec<_> = parse_exposition(&text)
        .into_iter()
        .filter(|s| s.name == "http_server_active_requests" && s.label("handler") == "any_method")
        .map(|s| s.label("http_request_method").to_owned())
        .collect();
    assert!(other.contains(&"_OTHER".to_owned()), "{other:?}");
}

both_frameworks!(
    the_example_exposes_opentelemetry_names_and_labels,
    other_methods_and_panics_in_the_opentelemetry_naming,
);
