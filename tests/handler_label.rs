//! The `handler` label is the function's name (without `r#`), or the `name` argument;
//! `labels(...)` and `objective` add constant labels to that handler's series, and `buckets`
//! records its latency in the separate `http_requests_custom_duration_seconds` family, so the
//! shared family keeps one bucket layout and `sum by (le)` over it stays correct. On both
//! frameworks: `GET /export` of the test API has every argument.

#[macro_use]
mod support;

use handler_metrics::{testing, Metrics};
use support::{get, Framework};

fn handler_label_is_the_function_name_without_raw_prefix(framework: Framework) {
    let server = framework.serve();
    assert_eq!(get(server.addr, &framework.path("/users/5")), Some(200));
    assert_eq!(get(server.addr, &framework.path("/type")), Some(200));
    let users = framework.endpoint("/users/{id}");
    assert_eq!(testing::handler("get_user").endpoint(&users).requests(), 1);
    let types = framework.endpoint("/type");
    assert_eq!(testing::handler("type").endpoint(&types).requests(), 1);
    assert_eq!(testing::handler("r#type").requests(), 0);
}

fn arguments_name_labels_objective_and_buckets(framework: Framework) {
    let server = framework.serve();
    assert_eq!(get(server.addr, &framework.path("/export")), Some(200));
    let endpoint = framework.endpoint("/export");
    assert_eq!(testing::handler("export").endpoint(&endpoint).requests(), 1);
    assert_eq!(
        testing::handler("export_report").requests(),
        0,
        "`name` replaces it"
    );

    let text = Metrics::global().encode_text().unwrap();
    let ours = |prefix: &str| -> Vec<&str> {
        text.lines()
            .filter(|l| l.starts_with(prefix) && l.contains(&format!(r#"endpoint="{endpoint}""#)))
            .collect()
    };
    let counter = ours("http_requests_total{");
    assert_eq!(counter.len(), 1, "{text}");
    for label in [
        r#"handler="export""#,
        r#"team="reports""#,
        r#"objective="checkout""#,
    ] {
        assert!(counter[0].contains(label), "{label} in {}", counter[0]);
    }
    let in_flight = ours("http_requests_in_flight{");
    assert!(
        in_flight[0].contains(r#"team="reports""#),
        "{}",
        in_flight[0]
    );

    let les: Vec<&str> = ours("http_requests_custom_duration_seconds_bucket{")
        .iter()
        .map(|l| l.split("le=\"").nth(1).unwrap().split('"').next().unwrap())
        .collect();
    assert_eq!(les, ["0.1", "1", "+Inf"], "{text}");
    assert!(
        ours("http_requests_duration_seconds").is_empty(),
        "not in the shared family"
    );
}

both_frameworks!(
    handler_label_is_the_function_name_without_raw_prefix,
    arguments_name_labels_objective_and_buckets,
);
