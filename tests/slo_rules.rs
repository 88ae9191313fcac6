//! Objectives and the Prometheus rules generated from them: the series of a handler with an
//! objective carry its `objective` label (and no more series than without it); the generated
//! rules pass `promtool check rules`; and `promtool test rules` on the cases in
//! `tests/promtool/checkout.test.yml` sees the right alerts fire and stay silent.

mod support;

use actix_web::{test as actix_test, web, App, HttpResponse};
use handler_metrics::{metered, Config, ConfigError, Metrics, Naming, Objective, RuleOptions};
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
