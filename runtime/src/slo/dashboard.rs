//! A Grafana dashboard generated from the same family names and objectives as the metrics and
//! the rules: RED per handler, and burn rate and remaining budget per objective.

use serde_json::{json, Value};

use crate::slo::promql::{
    number, Queries, Sli, BURN_RATE_PANEL_WINDOWS, DASHBOARD_RANGE as RANGE, PERIOD,
};
use crate::vocabulary::objective::Objective;

/// The selector of the dashboard's `$handler` and `$instance` variables.
const FILTER: &str = "handler=~\"$handler\", instance=~\"$instance\"";
/// The instances of the unmetered panels: every handler variable's choice leaves them alone.
const UNMETERED_FILTER: &str = "instance=~\"$instance\"";

/// The dashboard JSON, ready for Grafana's "Import dashboard". Every expression comes from
/// [`Queries`].
pub(crate) fn render(queries: &Queries, objectives: &[Objective]) -> String {
    let total = queries.request_series();
    let labels = queries.names.naming.labels();
    let (route, method, status) = (labels.route, labels.method, labels.status);
    let mut panels = vec![
        row("Requests (RED per handler)", 0),
        timeseries(
            "Request rate by status class",
            "reqps",
            (0, 1, 12),
            vec![target(
                queries.status_class_rate("handler", FILTER, RANGE),
                "{{handler}} {{class}}",
            )],
        ),
        timeseries(
            "Error ratio (5xx and panics)",
            "percentunit",
            (12, 1, 12),
            vec![target(
                queries.error_ratio("handler", FILTER, RANGE),
                "{{handler}}",
            )],
        ),
        timeseries(
            "Latency p50 / p90 / p99",
            "s",
            (0, 9, 12),
            [0.5, 0.9, 0.99]
                .into_iter()
                .map(|q| {
                    with_exemplars(target(
                        queries.latency_quantile(q, "handler", FILTER, RANGE),
                        &format!("{{{{handler}}}} p{}", number(q * 100.0)),
                    ))
                })
                .collect(),
        ),
        timeseries(
            "In flight",
            "short",
            (12, 9, 12),
            vec![target(queries.in_flight("handler", FILTER), "{{handler}}")],
        ),
        // What the companion layer counts and no handler served: a scanner's 404s, an
        // authentication layer's 401s, a method no route serves.
        row("Traffic no handler served (companion layer)", 17),
        timeseries(
            "Unmetered requests by status",
            "reqps",
            (0, 18, 12),
            vec![target(
                queries.unmetered_rate(method, UNMETERED_FILTER, RANGE),
                &format!("{{{{{status}}}}} {{{{{method}}}}}"),
            )],
        ),
        timeseries(
            "Unmetered requests by route template and status",
            "reqps",
            (12, 18, 12),
            vec![target(
                queries.unmetered_rate(route, UNMETERED_FILTER, RANGE),
                &format!("{{{{{route}}}}} {{{{{status}}}}}"),
            )],
        ),
    ];
    let mut y = 26;
    for objective in objectives {
        panels.push(row(&format!("Objective {}", objective.name()), y));
        y += 1;
        let mut x = 0;
        for sli in [Sli::Errors, Sli::Latency] {
            let Some(budget) = sli.budget(objective) else {
                continue;
            };
            let selector = format!("objective=\"{}\", handler=~\"$handler\"", objective.name());
            let what = sli.bad_requests(objective, "errors");
            panels.push(timeseries(
                &format!("{}: burn rate ({what})", objective.name()),
                "x",
                (x, y, 6),
                BURN_RATE_PANEL_WINDOWS
                    .iter()
                    .map(|window| {
                        let target = target(
                            queries.burn_rate(sli, window.name, &selector, budget),
                            &format!("{{{{handler}}}} {}", window.name),
                        );
                        match sli {
                            Sli::Latency => with_exemplars(target),
                            Sli::Errors => target,
                        }
                    })
                    .collect(),
            ));
            panels.push(stat(
                &format!(
                    "{}: budget left over {} ({what})",
                    objective.name(),
                    PERIOD.name
                ),
                (x + 6, y, 6),
                target(queries.budget_left(sli, &selector, budget), "{{handler}}"),
            ));
            x += 12;
        }
        y += 8;
    }
    for (id, panel) in panels.iter_mut().enumerate() {
        panel["id"] = json!(id + 1);
    }
    let dashboard = json!({
        "title": "handler-metrics: RED and SLOs per handler",
        "uid": "handler-metrics",
        "tags": ["handler-metrics", "http", "slo"],
        "timezone": "browser",
        "schemaVersion": 39,
        "version": 1,
        "refresh": "30s",
        "time": {"from": "now-6h", "to": "now"},
        "templating": {"list": [
            {
                "name": "datasource",
                "label": "Prometheus",
                "type": "datasource",
                "query": "prometheus",
            },
            variable("handler", &format!("label_values({total}, handler)")),
            variable("instance", &format!("label_values({total}{{handler=~\"$handler\"}}, instance)")),
        ]},
        "panels": panels,
    });
    serde_json::to_string_pretty(&dashboard).expect("a JSON value always serialises")
}

fn datasource() -> Value {
    json!({"type": "prometheus", "uid": "${datasource}"})
}

fn variable(name: &str, query: &str) -> Value {
    json!({
        "name": name,
        "type": "query",
        "datasource": datasource(),
        "query": {"query": query, "refId": name},
        "definition": query,
        "refresh": 2,
        "includeAll": true,
        "multi": true,
        "allValue": ".*",
        "current": {"text": "All", "value": "$__all"},
    })
}

fn target(expr: String, legend: &str) -> Value {
    json!({"expr": expr, "legendFormat": legend, "datasource": datasource()})
}

/// `target` with Grafana's exemplars on: a latency panel over the histogram's buckets shows the
/// exemplars Prometheus stored for them (trace ids, with the `opentelemetry` feature and
/// Prometheus's `exemplar-storage`) as points that link to the trace.
fn with_exemplars(mut target: Value) -> Value {
    target["exemplar"] = Value::Bool(true);
    target
}

fn row(title: &str, y: u32) -> Value {
    json!({
        "type": "row",
        "title": title,
        "collapsed": false,
        "gridPos": {"x": 0, "y": y, "w": 24, "h": 1},
        "panels": [],
    })
}

fn timeseries(title: &str, unit: &str, (x, y, w): (u32, u32, u32), targets: Vec<Value>) -> Value {
    json!({
        "type": "timeseries",
        "title": title,
        "datasource": datasource(),
        "gridPos": {"x": x, "y": y, "w": w, "h": 8},
        "fieldConfig": {"defaults": {"unit": unit}, "overrides": []},
        "targets": with_ref_ids(targets),
    })
}

fn stat(title: &str, (x, y, w): (u32, u32, u32), target: Value) -> Value {
    json!({
        "type": "stat",
        "title": title,
        "datasource": datasource(),
        "gridPos": {"x": x, "y": y, "w": w, "h": 8},
        "fieldConfig": {"defaults": {"unit": "percentunit", "min": 0, "max": 1}, "overrides": []},
        "targets": with_ref_ids(vec![target]),
    })
}

fn with_ref_ids(mut targets: Vec<Value>) -> Vec<Value> {
    for (i, target) in targets.iter_mut().enumerate() {
        let ref_id = char::from(b'A' + (i % 26) as u8).to_string();
        target["refId"] = Value::String(ref_id);
    }
    targets
}

#[cfg(test)]
mod tests {
    use crate::registry::config::Config;
    use crate::vocabulary::objective::Objective;

    #[test]
    fn latency_panels_show_exemplars_and_the_others_do_not() {
        const API: Objective = Objective::new("api").success_rate(0.99).latency(0.25, 0.99);
        let json = Config::new().objective(API).grafana_dashboard().unwrap();
        let dashboard: serde_json::Value = serde_json::from_str(&json).unwrap();
        let mut latency = 0;
        for panel in dashboard["panels"].as_array().unwrap() {
            let title = panel["title"].as_str().unwrap_or_default();
            let is_latency = title.starts_with("Latency") || title.contains("(slower than");
            for target in panel["targets"].as_array().into_iter().flatten() {
                let exemplar = target["exemplar"] == true;
                assert_eq!(
                    exemplar,
                    is_latency && panel["type"] == "timeseries",
                    "{title}"
                );
                latency += usize::from(exemplar);
            }
        }
        assert!(
            latency >= 4,
            "the quantile panel's 3 targets and the latency burn rates"
        );
    }
}
