//! Start-up configuration: namespace, constant labels, buckets and registry take effect, and every
//! invalid configuration is an `Err` with a clear message that leaves nothing installed.
//!
//! One test, in order, because the installed configuration is process-wide.

use actix_web::{test, web, App, HttpResponse};
use handler_metrics::{metered, testing, Config, ConfigError};
use prometheus::{IntCounter, Registry};

#[metered]
async fn configured() -> HttpResponse {
    HttpResponse::Ok().finish()
}

#[actix_web::test]
async fn configuration_is_validated_then_applied() {
    let err = Config::new().namespace("my-api").install().unwrap_err();
    assert!(matches!(err, ConfigError::InvalidNamespace { .. }));
    assert_eq!(
        err.to_string(),
        "invalid namespace `my-api`: expected ASCII letters, digits and `_`, not starting with a digit"
    );

    let err = Config::new().const_label("le", "x").install().unwrap_err();
    assert!(matches!(err, ConfigError::InvalidLabelName { .. }), "{err}");
    assert!(err
        .to_string()
        .starts_with("invalid constant label name `le`: `le` is reserved"));

    let err = Config::new()
        .const_label("status", "x")
        .install()
        .unwrap_err();
    assert!(err.to_string().contains("`status` is reserved"), "{err}");

    let err = Config::new()
        .const_label("a", "1")
        .const_label("a", "2")
        .install()
        .unwrap_err();
    assert_eq!(err.to_string(), "constant label `a` is given twice");

    let err = Config::new().buckets([0.5, 0.1]).install().unwrap_err();
    assert!(
        err.to_string()
            .contains("strictly increasing, but 0.1 follows 0.5"),
        "{err}"
    );

    // A metric the user already registered under one of our names is a start-up error.
    let registry = Registry::new();
    let theirs = IntCounter::new("api_http_requests_total", "Someone else's counter.").unwrap();
    registry.register(Box::new(theirs)).unwrap();
    let err = Config::new()
        .namespace("api")
        .registry(registry.clone())
        .install()
        .unwrap_err();
    match &err {
        ConfigError::Registration { family, .. } => assert_eq!(family, "api_http_requests_total"),
        other => panic!("expected a registration error, got {other:?}"),
    }
    assert!(err.to_string().contains("already registered"), "{err}");
    assert_eq!(
        registry.gather().len(),
        1,
        "a failed install leaves nothing registered"
    );

    // None of the failures installed anything: a valid configuration still can be.
    let registry = Registry::new();
    let metrics = Config::new()
        .namespace("api")
        .const_label("service", "users")
        .buckets([0.1, 1.0])
        .registry(registry.clone())
        .install()
        .expect("valid configuration installs");
    assert_eq!(
        metrics.family_names().requests_total,
        "api_http_requests_total"
    );

    let err = Config::new().install().unwrap_err();
    assert!(matches!(
        err,
        ConfigError::AlreadyInstalled {
            by_first_request: false
        }
    ));

    let app = test::init_service(
        App::new()
            .route("/configured", web::get().to(configured))
            .service(handler_metrics::actix::metrics()),
    )
    .await;
    let request = test::TestRequest::get().uri("/configured").to_request();
    assert_eq!(test::call_service(&app, request).await.status(), 200);
    assert_eq!(testing::handler("configured").requests(), 1);

    let request = test::TestRequest::get().uri("/metrics").to_request();
    let body = test::read_body(test::call_service(&app, request).await).await;
    let text = std::str::from_utf8(&body).unwrap();
    assert!(text.contains(
        r#"api_http_requests_total{endpoint="/configured",handler="configured",method="GET",outcome="success",service="users",status="200"} 1"#
    ), "{text}");
    let les: Vec<&str> = text
        .lines()
        .filter(|l| l.starts_with("api_http_requests_duration_seconds_bucket{"))
        .map(|l| l.split("le=\"").nth(1).unwrap().split('"').next().unwrap())
        .collect();
    assert_eq!(les, ["0.1", "1", "+Inf"]);
    assert!(text.contains(r#"api_http_requests_in_flight{endpoint="/configured",handler="configured",method="GET",service="users"} 0"#));
    assert!(
        !prometheus::default_registry()
            .gather()
            .iter()
            .any(|f| f.name().contains("http_requests")),
        "the configured registry is used, not the default"
    );
}
