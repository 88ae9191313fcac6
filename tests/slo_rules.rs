//! Objectives and the Prometheus rules generated from them: the series of a handler with an
//! objective carry its `objective` label (and no more series than without it); the generated
//! rules pass `promtool check rules`; and `promtool test rules` on the cases in
//! `tests/promtool/checkout.test.yml` sees the right alerts fire and stay silent.

mod support;

use actix_web::{test as actix_test, web, App, HttpResponse};
use handler_metrics::{
    metered, Config, ConfigError, Metrics, Naming, NativeHistograms, Objective, RuleOptions,
};
use support::prometheus::promtool;

const CHECKOUT: Objective = Objective::new("checkout")
    .success_rate(0.999)
    .latency(0.25, 0.99);

#[metered(objective = CHECKOUT)]
async fn pay() -> HttpResponse {
    HttpResponse::Ok().finish()
}

#[metered(objective = CHECKOUT, buckets = [0.1, 0.25, 1])]
async fn refund() -> HttpResponse {
    HttpResponse::ServiceUnavailable().finish()
}

#[actix_web::test]
async fn series_of_a_handler_with_an_objective_carry_its_label() {
    let app = actix_test::init_service(
        App::new()
            .route("/pay", web::post().to(pay))
            .route("/refund", web::post().to(refund)),
    )
    .await;
    for uri in ["/pay", "/refund"] {
        actix_test::call_service(&app, actix_test::TestRequest::post().uri(uri).to_request()).await;
    }
    let text = Metrics::global().encode_text().unwrap();
    let series: Vec<&str> = text
        .lines()
        .filter(|l| !l.starts_with('#') && (l.contains("\"pay\"") || l.contains("\"refund\"")))
        .collect();
    assert!(!series.is_empty(), "{text}");
    for line in &series {
        assert!(line.contains("objective=\"checkout\""), "{line}");
    }
    // One series per (endpoint, method, status, handler, outcome) as before: the label adds none.
    let totals = series
        .iter()
        .filter(|l| l.starts_with("http_requests_total{"))
        .count();
    assert_eq!(totals, 2, "{series:#?}");
}

fn checkout_rules(config: Config, options: &RuleOptions) -> String {
    config
        .objective(CHECKOUT)
        .objective(Objective::new("search").success_rate(0.99))
        .prometheus_rules_with(options)
        .expect("valid objectives")
}

fn temp_dir(name: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("handler-metrics-{name}-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("create a temporary directory");
    dir
}

#[test]
fn promtool_check_rules_accepts_every_variant() {
    let dir = temp_dir("check-rules");
    let variants = [
        (
            "default",
            checkout_rules(Config::new(), &RuleOptions::new()),
        ),
        (
            "namespace",
            checkout_rules(Config::new().namespace("shop"), &RuleOptions::new()),
        ),
        (
            "time-scaled",
            checkout_rules(Config::new(), &RuleOptions::new().time_scale(60)),
        ),
        (
            "opentelemetry naming",
            checkout_rules(
                Config::new().naming(Naming::OpenTelemetry),
                &RuleOptions::new(),
            ),
        ),
        ("no objectives", Config::new().prometheus_rules().unwrap()),
        (
            "native histograms",
            checkout_rules(
                Config::new().native_histograms(NativeHistograms::new()),
                &RuleOptions::new(),
            ),
        ),
        (
            "native histograms under the opentelemetry naming",
            checkout_rules(
                Config::new()
                    .naming(Naming::OpenTelemetry)
                    .native_histograms(NativeHistograms::new()),
                &RuleOptions::new(),
            ),
        ),
    ];
    for (name, rules) in variants {
        let file = dir.join(format!("{}.yml", name.replace(' ', "-")));
        std::fs::write(&file, &rules).unwrap();
        let (ok, report) = promtool(&dir, &["check", "rules", file.to_str().unwrap()], "");
        println!("promtool check rules ({name}): {}", report.trim());
        assert!(ok, "promtool check rules ({name}):\n{report}\n{rules}");
    }
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn namespace_is_in_every_metric_the_rules_read() {
    let rules = checkout_rules(Config::new().namespace("shop"), &RuleOptions::new());
    assert!(rules.contains("rate(shop_http_requests_total{"), "{rules}");
    assert!(
        rules.contains("shop_http_requests_duration_seconds|"),
        "{rules}"
    );
    assert!(!rules.contains("rate(http_requests_total"), "{rules}");
}

#[test]
fn opentelemetry_rules_read_only_opentelemetry_names() {
    let rules = checkout_rules(
        Config::new().naming(Naming::OpenTelemetry),
        &RuleOptions::new(),
    );
    assert!(
        rules.contains("rate(http_server_request_duration_seconds_count{"),
        "{rules}"
    );
    assert!(rules.contains("error_type=~\"5..|panic\""), "{rules}");
    assert!(
        rules.contains("record: objective_handler:http_server_requests:rate5m"),
        "{rules}"
    );
    for default_name in [
        "http_requests_total",
        "outcome",
        "http_requests_duration_seconds",
    ] {
        assert!(!rules.contains(default_name), "{default_name} in:\n{rules}");
    }
}

/// The rules of a configuration, one rule (`- record:` or `- alert:` and what follows) each.
fn rule_blocks(rules: &str) -> Vec<String> {
    let mut blocks: Vec<String> = Vec::new();
    for line in rules.lines() {
        let trimmed = line.trim_start();
        if trimmed.starts_with("- record:") || trimmed.starts_with("- alert:") {
            blocks.push(String::new());
        }
        if let Some(block) = blocks.last_mut() {
            block.push_str(line);
            block.push('\n');
        }
    }
    blocks
}

#[test]
fn native_rules_read_the_native_histograms_and_nothing_else_changes() {
    let native = Config::new().native_histograms(NativeHistograms::new());
    let classic_rules = checkout_rules(Config::new(), &RuleOptions::new());
    let native_rules = checkout_rules(native, &RuleOptions::new());
    // A Prometheus that reads native histograms stores no `_bucket`, `_count` or `_sum` of them.
    for classic_series in ["_bucket", "duration_seconds_count", "duration_seconds_sum"] {
        assert!(
            !native_rules.contains(classic_series),
            "{classic_series} in:\n{native_rules}"
        );
    }
    assert!(
        native_rules.contains(
            "1 - histogram_fraction(0, 0.25, sum by (objective, handler) (rate({__name__=~\"(http_requests_duration_seconds|http_requests_custom_duration_seconds)\", objective=\"checkout\"}[5m])))"
        ),
        "{native_rules}"
    );
    // Every other rule is the classic one, word for word: the error-budget cases of
    // `promtool test rules` (tests/promtool/checkout.test.yml) cover both forms.
    let (classic_blocks, native_blocks) = (rule_blocks(&classic_rules), rule_blocks(&native_rules));
    assert_eq!(classic_blocks.len(), native_blocks.len());
    let differing: Vec<_> = classic_blocks
        .iter()
        .zip(&native_blocks)
        .filter(|(c, n)| c != n)
        .map(|(_, n)| n.lines().next().unwrap_or_default().trim().to_owned())
        .collect();
    assert!(
        differing
            .iter()
            .all(|rule| rule.contains("_slow:ratio_rate")),
        "only the slow-ratio records differ: {differing:#?}"
    );
    assert_eq!(differing.len(), 8, "one per window: {differing:#?}");

    // Under the OpenTelemetry naming requests are the histogram's count: read with
    // `histogram_count`, never from `_count`.
    let otel = checkout_rules(
        Config::new()
            .naming(Naming::OpenTelemetry)
            .native_histograms(NativeHistograms::new()),
        &RuleOptions::new(),
    );
    assert!(!otel.contains("seconds_count"), "{otel}");
    assert!(
        otel.contains("histogram_count(rate({__name__=~\"(http_server_request_duration_seconds|"),
        "{otel}"
    );
}

/// Runs `promtool test rules` on the cases in `tests/promtool/<cases>` against the checkout
/// rules generated with `config`.
fn promtool_test_rules(config: Config, cases: &str) {
    let dir = temp_dir(&format!("test-rules-{cases}"));
    std::fs::write(
        dir.join("rules.yml"),
        checkout_rules(config, &RuleOptions::new()),
    )
    .unwrap();
    let source = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/promtool")
        .join(cases);
    std::fs::copy(&source, dir.join(cases)).unwrap();
    let (ok, report) = promtool(&dir, &["test", "rules", cases], "");
    println!("promtool test rules ({cases}): {}", report.trim());
    assert!(ok, "promtool test rules ({cases}) failed:\n{report}");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn promtool_test_rules_sees_the_right_alerts() {
    promtool_test_rules(Config::new(), "checkout.test.yml");
}

#[test]
fn promtool_test_rules_sees_the_right_alerts_under_the_opentelemetry_naming() {
    promtool_test_rules(
        Config::new().naming(Naming::OpenTelemetry),
        "checkout-opentelemetry.test.yml",
    );
}

#[test]
fn objectives_the_rules_cannot_measure_are_errors() {
    let err = |config: Config| match config.prometheus_rules() {
        Err(ConfigError::InvalidObjective { name, reason }) => format!("{name}: {reason}"),
        other => panic!("expected an invalid objective, got {other:?}"),
    };
    let not_a_bucket = err(Config::new().objective(Objective::new("a").latency(0.3, 0.99)));
    assert!(
        not_a_bucket.contains("0.3 s is not one of the buckets"),
        "{not_a_bucket}"
    );
    let custom = Config::new()
        .buckets([0.1, 0.3])
        .objective(Objective::new("a").latency(0.3, 0.99))
        .prometheus_rules();
    assert!(custom.is_ok(), "{custom:?}");
    assert!(err(Config::new().objective(CHECKOUT).objective(CHECKOUT)).contains("already declared"));
    assert!(
        err(Config::new().objective(Objective::new("a").success_rate(1.0)))
            .contains("strictly between 0 and 1")
    );
    assert!(
        err(Config::new().objective(Objective::new("a b").success_rate(0.9)))
            .contains("ASCII letters")
    );
    assert!(err(Config::new().objective(Objective::new("a"))).contains("needs a target"));
}

/// The quickstart's rules and dashboard are also in the repository, to read or import without
/// building; they must be what the generator writes today.
#[test]
fn shipped_quickstart_rules_and_dashboard_are_current() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    for (args, file) in [
        (&[][..], "examples/generated/quickstart-rules.yml"),
        (
            &["dashboard"][..],
            "examples/generated/quickstart-dashboard.json",
        ),
    ] {
        let shipped = std::fs::read_to_string(root.join(file)).expect("the shipped file");
        assert!(
            shipped == support::rules_example(args),
            "{file} is stale: regenerate it with `cargo run --example rules -- {} > {file}`",
            args.join(" ")
        );
    }
}
