//! From annotation to a firing alert, against a real Prometheus, on both frameworks: the
//! quickstart service (`quickstart`, `quickstart_axum`; its handlers carry `objective = USERS` /
//! `objective = REPORTS`) is scraped every second by a Prometheus that loads the rules the
//! `rules` example generates from the same objectives —
//! time-scaled by 60, so the 1 h window is a minute and `for: 2m` is two seconds. The report
//! handler starts failing; the fast-burn page goes `pending` and then `firing` for it, and for
//! no other handler. Every rule evaluates without error, and every PromQL expression of the
//! generated Grafana dashboard and of the README is accepted by the query API and returns data.
//!
//! The same again under the OpenTelemetry naming (`METRICS_NAMING=opentelemetry`, read by the
//! service and by the rules generator alike), with the README's queries for that naming; and with
//! native histograms (`METRICS_NATIVE_HISTOGRAMS=1`, a Prometheus started with
//! `--enable-feature=native-histograms`), whose rules and dashboard read the native form, with
//! the README's queries in that form.
//!
//! Every process started here is stopped when the test ends, pass or fail.

#[macro_use]
mod support;

use std::collections::BTreeSet;
use std::time::{Duration, Instant};

use support::prometheus::{percent_encode, Prometheus};
use support::{request, rules_example_with, ExampleServer, Framework};

/// Alert states of `alertname` per (handler, objective).
fn alert_states(prometheus: &Prometheus, alertname: &str) -> BTreeSet<(String, String, String)> {
    prometheus
        .query(&format!("ALERTS{{alertname=\"{alertname}\"}}"))
        .into_iter()
        .map(|(labels, _)| {
            (
                labels["handler"].clone(),
                labels["objective"].clone(),
                labels["alertstate"].clone(),
            )
        })
        .collect()
}

/// Grafana's variables replaced by what "All" and a 1-minute range give.
fn substitute_grafana_variables(expr: &str) -> String {
    expr.replace("$handler", ".*")
        .replace("$instance", ".*")
        .replace("$__rate_interval", "1m")
}

/// Every block of the README opened with `fence` (```` ```promql ```` for the default naming,
/// ```` ```promql opentelemetry ```` for the other), one expression each.
fn readme_queries(fence: &str) -> Vec<String> {
    let readme = include_str!("../README.md");
    let mut queries = Vec::new();
    let mut current: Option<String> = None;
    for line in readme.lines() {
        match (&mut current, line.trim_start()) {
            (None, opening) if opening == fence => current = Some(String::new()),
            (Some(query), "```") => {
                queries.push(std::mem::take(query));
                current = None;
            }
            (Some(query), text) if !text.starts_with('#') => {
                query.push_str(text);
                query.push('\n');
            }
            _ => {}
        }
    }
    queries
}

fn failing_handler_fires_the_fast_burn_page_and_every_query_is_valid(framework: Framework) {
    fires_and_every_query_is_valid(framework, &[], "```promql", &[]);
}

fn under_the_opentelemetry_naming_too(framework: Framework) {
    fires_and_every_query_is_valid(
        framework,
        &[("METRICS_NAMING", "opentelemetry")],
        "```promql opentelemetry",
        &[],
    );
}

fn with_native_histograms_too(framework: Framework) {
    fires_and_every_query_is_valid(
        framework,
        &[("METRICS_NATIVE_HISTOGRAMS", "1")],
        "```promql native",
        &["--enable-feature=native-histograms"],
    );
}

fn fires_and_every_query_is_valid(
    framework: Framework,
    env: &[(&str, &str)],
    fence: &str,
    prometheus_flags: &[&str],
) {
    let service = ExampleServer::start(framework.example(), env);
    let rules = rules_example_with(&["--time-scale", "60", "--min-requests", "10"], env);
    let prometheus = Prometheus::start_with(
        "quickstart",
        &[service.addr],
        Some(&rules),
        prometheus_flags,
    );

    // Healthy traffic for both objectives, then the report backend goes down.
    let started = Instant::now();
    let mut pending_seen = false;
    let mut firing_seen = false;
    let mut failed = 0u64;
    while started.elapsed() < Duration::from_secs(90) && !firing_seen {
        for _ in 0..10 {
            assert_eq!(
                request(service.addr, "GET", "/users", None).map(|r| r.0),
                Some(200)
            );
            assert_eq!(
                request(service.addr, "GET", "/reports/archive", None).map(|r| r.0),
                Some(503)
            );
            failed += 1;
        }
        // A scanner's request, which no handler serves: the companion layer counts it, for the
        // dashboard's panels of unmetered traffic.
        assert_eq!(
            request(service.addr, "GET", "/wp-login.php", None).map(|r| r.0),
            Some(404)
        );
        std::thread::sleep(Duration::from_millis(250));
        for (handler, objective, state) in alert_states(&prometheus, "HandlerErrorBudgetFastBurn") {
            assert_eq!(
                (handler.as_str(), objective.as_str()),
                ("get_report", "reports"),
                "only the failing handler pages"
            );
            pending_seen |= state == "pending";
            firing_seen |= state == "firing";
        }
    }
    println!(
        "{framework:?} {env:?}: fast-burn page after {:.1} s and {failed} failed requests: pending seen {pending_seen}, firing {firing_seen}",
        started.elapsed().as_secs_f64()
    );
    assert!(firing_seen, "the fast-burn alert did not fire within 90 s");
    let users_alerts: Vec<_> = ["HandlerErrorBudgetFastBurn", "HandlerLatencyBudgetFastBurn"]
        .iter()
        .flat_map(|name| alert_states(&prometheus, name))
        .filter(|(_, objective, _)| objective == "users")
        .collect();
    assert!(
        users_alerts.is_empty(),
        "healthy handlers page: {users_alerts:?}"
    );

    // Every generated rule has been evaluated by now, without an error.
    let (status, body) = request(prometheus.addr, "GET", "/api/v1/rules", None).expect("rules API");
    assert_eq!(status, 200, "{body}");
    let answer: serde_json::Value = serde_json::from_str(&body).unwrap();
    let mut evaluated = 0;
    for group in answer["data"]["groups"].as_array().expect("rule groups") {
        for rule in group["rules"].as_array().expect("rules") {
            assert_eq!(rule["health"], "ok", "rule failed in Prometheus: {rule}");
            // And the expression on its own through the query API, as a user would run it.
            prometheus.query(rule["query"].as_str().expect("the rule's expression"));
            evaluated += 1;
        }
    }
    println!(
        "{evaluated} generated rules evaluated by Prometheus, all healthy; each expression accepted by the query API"
    );
    assert_eq!(
        evaluated,
        rules.matches("- record:").count() + rules.matches("- alert:").count()
    );
    // The latency SLI has data in every form (native: `histogram_fraction` over the native
    // buckets), and the fast `users` handlers spend none of their latency budget.
    let slow = prometheus.query(&format!(
        "{}{{objective=\"users\"}}",
        rules
            .lines()
            .filter_map(|l| l.trim().strip_prefix("- record: "))
            .find(|r| r.contains("_slow:ratio_rate5m"))
            .expect("a slow-ratio record")
    ));
    assert!(!slow.is_empty(), "no latency SLI for the users objective");
    assert!(
        slow.iter().all(|(_, ratio)| *ratio < 0.5),
        "the users handlers are fast: {slow:?}"
    );

    // The dashboard's queries: accepted by Prometheus, and each has data.
    let dashboard: serde_json::Value =
        serde_json::from_str(&rules_example_with(&["dashboard"], env)).expect("dashboard JSON");
    let mut checked = 0;
    for panel in dashboard["panels"].as_array().expect("panels") {
        for target in panel["targets"].as_array().into_iter().flatten() {
            let expr = substitute_grafana_variables(target["expr"].as_str().expect("expr"));
            let results = prometheus.query(&expr);
            let title = panel["title"].as_str().unwrap_or_default();
            assert!(!results.is_empty(), "panel `{title}` has no data: {expr}");
            checked += 1;
        }
    }
    for variable in dashboard["templating"]["list"]
        .as_array()
        .expect("variables")
    {
        let Some(definition) = variable["definition"].as_str() else {
            continue;
        };
        // label_values(<selector>, <label>) is Grafana's; its selector is PromQL.
        let inner = definition
            .strip_prefix("label_values(")
            .and_then(|rest| rest.rsplit_once(','))
            .map(|(selector, _)| substitute_grafana_variables(selector))
            .expect("a label_values query");
        let path = format!("/api/v1/series?match[]={}", percent_encode(&inner));
        let (status, body) = request(prometheus.addr, "GET", &path, None).expect("series API");
        assert_eq!(status, 200, "variable `{definition}`: {body}");
        assert!(
            body.contains("get_report"),
            "variable `{definition}` finds the handlers"
        );
        checked += 1;
    }
    println!("{checked} dashboard queries accepted by Prometheus");

    // The README's PromQL for each question a user asks of a handler.
    let queries = readme_queries(fence);
    assert!(
        queries.len() >= 5,
        "the README answers five questions: {queries:?}"
    );
    for query in &queries {
        let results = prometheus.query(query);
        assert!(!results.is_empty(), "README query has no data: {query}");
        println!(
            "README query ok ({} series): {}",
            results.len(),
            query.trim()
        );
    }
}

both_frameworks!(
    failing_handler_fires_the_fast_burn_page_and_every_query_is_valid,
    under_the_opentelemetry_naming_too,
    with_native_histograms_too,
);
