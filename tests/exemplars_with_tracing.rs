//! Exemplars carry the request's own trace however the handler is traced: `#[tracing::instrument]`
//! above and below `#[metered]` (both frameworks), tower-http's `TraceLayer` (axum),
//! tracing-actix-web's `TracingLogger` (actix-web), a span from the application's own middleware,
//! and `#[tracing::instrument]` behind the companion layer. Each handler answers the trace id of
//! the span it runs in, read from `tracing` itself; the test reads the exemplar of its one request
//! from an OpenMetrics scrape and checks that it is that trace. A real tracer: tracing-opentelemetry
//! 0.34 over the OpenTelemetry SDK, every trace sampled, as `examples/shared/tracing_setup.rs`
//! installs it. In process: each framework's own test client.

use std::sync::Once;

use opentelemetry::trace::{TraceContextExt as _, TracerProvider as _};
use tracing::Instrument as _;
use tracing_opentelemetry::OpenTelemetrySpanExt as _;
use tracing_subscriber::layer::SubscriberExt as _;
use tracing_subscriber::util::SubscriberInitExt as _;

/// The tracer, installed once for this binary.
fn install_tracer() {
    static TRACER: Once = Once::new();
    TRACER.call_once(|| {
        let provider = opentelemetry_sdk::trace::SdkTracerProvider::builder()
            .with_sampler(opentelemetry_sdk::trace::Sampler::AlwaysOn)
            .build();
        tracing_subscriber::registry()
            .with(tracing_opentelemetry::layer().with_tracer(provider.tracer("exemplars")))
            .try_init()
            .expect("the only subscriber of this binary");
    });
}

/// The trace id of the span the caller runs in, as a handler sees it, in hex.
fn own_trace_id() -> String {
    let context = tracing::Span::current().context();
    let trace_id = context.span().span_context().trace_id();
    assert_ne!(
        trace_id,
        opentelemetry::trace::TraceId::INVALID,
        "the handler runs in a traced span"
    );
    trace_id.to_string()
}

/// The trace ids of the exemplars on `handler`'s duration buckets, from an OpenMetrics scrape.
fn exemplar_trace_ids(handler: &str) -> Vec<String> {
    let scrape = handler_metrics::Metrics::global()
        .scrape(Some("application/openmetrics-text"), None)
        .expect("a scrape");
    let text = String::from_utf8(scrape.into_body()).expect("UTF-8");
    let series = format!("handler=\"{handler}\"");
    text.lines()
        .filter(|line| line.contains("_bucket{") && line.contains(&series))
        .filter_map(|line| line.split_once(" # {")?.1.split("trace_id=\"").nth(1))
        .map(|rest| rest.split('"').next().unwrap_or_default().to_owned())
        .collect()
}

/// The one exemplar of `handler`'s one request is the trace it answered.
fn assert_exemplar_is(handler: &str, answered: &str) {
    let exemplars = exemplar_trace_ids(handler);
    assert_eq!(
        exemplars,
        vec![answered.to_owned()],
        "{handler}: the exemplar is the handler's own trace"
    );
}

mod axum_app {
    use axum::body::Body;
    use axum::extract::Request;
    use axum::http::StatusCode;
    use axum::middleware::{from_fn, Next};
    use axum::response::Response;
    use axum::routing::get;
    use axum::Router;
    use tower::ServiceExt as _;

    use super::*;

    #[tracing::instrument]
    #[handler_metrics::axum::metered]
    async fn axum_instrument_above() -> String {
        own_trace_id()
    }

    #[handler_metrics::axum::metered]
    #[tracing::instrument]
    async fn axum_instrument_below() -> String {
        own_trace_id()
    }

    #[handler_metrics::axum::metered]
    #[tracing::instrument(err)]
    async fn axum_instrument_below_err() -> Result<String, StatusCode> {
        Ok(own_trace_id())
    }

    #[tracing::instrument(ret, err)]
    #[handler_metrics::axum::metered]
    async fn axum_instrument_above_ret_err() -> Result<String, StatusCode> {
        Ok(own_trace_id())
    }

    #[handler_metrics::axum::metered]
    async fn axum_trace_layer() -> String {
        own_trace_id()
    }

    #[handler_metrics::axum::metered]
    async fn axum_own_middleware() -> String {
        own_trace_id()
    }

    #[tracing::instrument]
    #[handler_metrics::axum::metered]
    async fn axum_behind_the_companion_layer() -> String {
        own_trace_id()
    }

    async fn own_span(request: Request, next: Next) -> Response {
        next.run(request)
            .instrument(tracing::info_span!("request"))
            .await
    }

    async fn call(app: Router, path: &str) -> String {
        let request = axum::http::Request::get(path)
            .body(Body::empty())
            .expect("a request");
        let response = app.oneshot(request).await.expect("a response");
        assert_eq!(response.status(), 200, "{path}");
        let body = axum::body::to_bytes(response.into_body(), 1024)
            .await
            .expect("a body");
        String::from_utf8(body.to_vec()).expect("UTF-8")
    }

    #[tokio::test]
    async fn instrument_above_and_below_and_the_trace_layer_and_own_middleware() {
        install_tracer();
        let app: Router = Router::new()
            .route("/above", get(axum_instrument_above))
            .route("/below", get(axum_instrument_below))
            .route("/below_err", get(axum_instrument_below_err))
            .route("/above_ret_err", get(axum_instrument_above_ret_err))
            .route(
                "/trace_layer",
                get(axum_trace_layer).layer(tower_http::trace::TraceLayer::new_for_http()),
            )
            .route("/own", get(axum_own_middleware).layer(from_fn(own_span)))
            .route(
                "/layered",
                get(axum_behind_the_companion_layer).layer(handler_metrics::axum::layer()),
            );
        for (path, handler) in [
            ("/above", "axum_instrument_above"),
            ("/below", "axum_instrument_below"),
            ("/below_err", "axum_instrument_below_err"),
            ("/above_ret_err", "axum_instrument_above_ret_err"),
            ("/trace_layer", "axum_trace_layer"),
            ("/own", "axum_own_middleware"),
            ("/layered", "axum_behind_the_companion_layer"),
        ] {
            let answered = call(app.clone(), path).await;
            assert_exemplar_is(handler, &answered);
        }
    }
}

mod actix_app {
    use actix_web::body::MessageBody;
    use actix_web::dev::{ServiceRequest, ServiceResponse};
    use actix_web::middleware::{from_fn, Next};
    use actix_web::{test, web, App};

    use super::*;

    #[tracing::instrument]
    #[handler_metrics::metered]
    async fn actix_instrument_above() -> String {
        own_trace_id()
    }

    #[handler_metrics::metered]
    #[tracing::instrument]
    async fn actix_instrument_below() -> String {
        own_trace_id()
    }

    #[handler_metrics::metered]
    async fn actix_tracing_logger() -> String {
        own_trace_id()
    }

    #[handler_metrics::metered]
    async fn actix_own_middleware() -> String {
        own_trace_id()
    }

    #[handler_metrics::metered]
    #[tracing::instrument]
    async fn actix_behind_the_companion_middleware() -> String {
        own_trace_id()
    }

    async fn own_span(
        request: ServiceRequest,
        next: Next<impl MessageBody>,
    ) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
        next.call(request)
            .instrument(tracing::info_span!("request"))
            .await
    }

    #[actix_web::test]
    async fn instrument_above_and_below_and_the_tracing_logger_and_own_middleware() {
        install_tracer();
        let app = test::init_service(
            App::new()
                .route("/above", web::get().to(actix_instrument_above))
                .route("/below", web::get().to(actix_instrument_below))
                .service(
                    web::resource("/tracing_logger")
                        .wrap(tracing_actix_web::TracingLogger::default())
                        .route(web::get().to(actix_tracing_logger)),
                )
                .service(
                    web::resource("/own")
                        .wrap(from_fn(own_span))
                        .route(web::get().to(actix_own_middleware)),
                )
                .service(
                    web::resource("/layered")
                        .wrap(handler_metrics::actix::middleware())
                        .route(web::get().to(actix_behind_the_companion_middleware)),
                ),
        )
        .await;
        for (path, handler) in [
            ("/above", "actix_instrument_above"),
            ("/below", "actix_instrument_below"),
            ("/tracing_logger", "actix_tracing_logger"),
            ("/own", "actix_own_middleware"),
            ("/layered", "actix_behind_the_companion_middleware"),
        ] {
            let request = test::TestRequest::get().uri(path).to_request();
            let answered = test::call_and_read_body(&app, request).await;
            let answered = String::from_utf8(answered.to_vec()).expect("UTF-8");
            assert_exemplar_is(handler, &answered);
        }
    }
}
