//! Without `Config::install`, the first metered request installs the defaults; installing a
//! configuration after that is an error that says so.

use actix_web::{test, web, App, HttpResponse};
use handler_metrics::{metered, testing, Config, ConfigError};

#[metered]
async fn first() -> HttpResponse {
    HttpResponse::Ok().finish()
}

#[actix_web::test]
async fn first_request_installs_defaults_and_late_install_is_refused() {
    let app = test::init_service(App::new().route("/first", web::get().to(first))).await;
    let request = test::TestRequest::get().uri("/first").to_request();
    assert_eq!(test::call_service(&app, request).await.status(), 200);
    assert_eq!(testing::handler("first").requests(), 1);

    let names: Vec<String> = prometheus::default_registry()
        .gather()
        .iter()
        .map(|f| f.name().to_owned())
        .collect();
    assert!(
        names.contains(&"http_requests_total".to_owned()),
        "{names:?}"
    );

    let err = Config::new().namespace("late").install().unwrap_err();
    assert!(matches!(
        err,
        ConfigError::AlreadyInstalled {
            by_first_request: true
        }
    ));
    assert!(
        err.to_string()
            .contains("the first metered request installed the default configuration"),
        "{err}"
    );
}
