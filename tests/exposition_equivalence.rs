//! `/metrics` writes this crate's families itself (faster than building protobuf models), while
//! `registry.gather()` still returns them for anyone who gathers the registry. Both must say the
//! same thing: same series, same labels, same values — here with a registry that adds its own
//! prefix and common labels (`Registry::new_custom`), a namespace, constant labels, custom
//! buckets, and every family present.

mod support;

use std::collections::{BTreeMap, HashMap};

use actix_web::{test, web, App, HttpResponse};
use handler_metrics::{metered, Config, Metrics};
use prometheus::{Encoder, Registry, TextEncoder};
use support::parse_exposition;

#[metered]
async fn listed() -> HttpResponse {
    HttpResponse::Ok().finish()
}

#[metered(buckets = [0.5, 2], labels(team = "edge \"quoted\" \\ team"))]
async fn uploaded() -> HttpResponse {
    HttpResponse::Created().finish()
}

type Series = BTreeMap<(String, Vec<(String, String)>), f64>;

fn series(text: &str) -> Series {
    parse_exposition(text)
        .into_iter()
        .map(|s| ((s.name, s.labels.into_iter().collect()), s.value))
        .collect()
}

#[actix_web::test]
async fn direct_encoding_says_what_gather_and_text_encoder_say() {
    let common = HashMap::from([("cluster".to_owned(), "eu-1".to_owned())]);
    let registry = Registry::new_custom(Some("edge".to_owned()), Some(common)).unwrap();
    let theirs = prometheus::IntCounter::new("jobs_total", "Jobs.").unwrap();
    registry.register(Box::new(theirs.clone())).unwrap();
    theirs.inc_by(7);
    Config::new()
        .namespace("api")
        .const_label("service", "users")
        .registry(registry.clone())
        .install()
        .expect("installs");

    let app = test::init_service(
        App::new()
            .route("/listed", web::get().to(listed))
            .route("/uploaded", web::post().to(uploaded)),
    )
    .await;
    for _ in 0..3 {
        let request = test::TestRequest::get().uri("/listed").to_request();
        assert_eq!(test::call_service(&app, request).await.status(), 200);
    }
    let request = test::TestRequest::post().uri("/uploaded").to_request();
    assert_eq!(test::call_service(&app, request).await.status(), 201);

    let direct = Metrics::global().encode_text().expect("encodes");
    let mut buffer = Vec::new();
    TextEncoder::new()
        .encode(&registry.gather(), &mut buffer)
        .unwrap();
    let gathered = String::from_utf8(buffer).unwrap();

    let (direct_series, gathered_series) = (series(&direct), series(&gathered));
    assert_eq!(
        direct_series, gathered_series,
        "direct:\n{direct}\ngathered:\n{gathered}"
    );
    let listed = direct_series
        .iter()
        .find(|((name, labels), _)| {
            name == "edge_api_http_requests_total"
                && labels.contains(&("handler".to_owned(), "listed".to_owned()))
                && labels.contains(&("cluster".to_owned(), "eu-1".to_owned()))
                && labels.contains(&("service".to_owned(), "users".to_owned()))
        })
        .expect("the listed counter, with registry and constant labels");
    assert_eq!(*listed.1, 3.0);
    assert!(direct.contains("# TYPE edge_api_http_requests_custom_duration_seconds histogram"));
    assert!(
        direct.contains(r#"team="edge \"quoted\" \\ team""#),
        "escaped: {direct}"
    );
    assert!(
        direct.contains("edge_jobs_total"),
        "the user's metric is there too"
    );
    assert_eq!(
        direct
            .matches("# TYPE edge_api_http_requests_total counter")
            .count(),
        1,
        "each family once"
    );
}
