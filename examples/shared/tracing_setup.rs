//! The quickstart's tracing, with the `opentelemetry` feature: an OpenTelemetry tracer behind
//! `tracing`, and a span per request that continues the caller's trace (W3C `traceparent`), as a
//! traced service has. `#[metered]` then keeps, per histogram bucket, the trace id of a recent
//! request as its exemplar, exposed in OpenMetrics.
//!
//! The tracer here samples every trace (or follows the caller's decision) and exports nowhere: a
//! real service adds an exporter (OTLP to Tempo or Jaeger) to the provider, which is what makes
//! an exemplar's trace id open a trace.

use opentelemetry::propagation::{Extractor, TextMapPropagator};
use opentelemetry::trace::TracerProvider as _;
use opentelemetry_sdk::propagation::TraceContextPropagator;
use opentelemetry_sdk::trace::{Sampler, SdkTracerProvider};
use tracing_opentelemetry::OpenTelemetrySpanExt as _;
use tracing_subscriber::layer::SubscriberExt as _;
use tracing_subscriber::util::SubscriberInitExt as _;

/// Installs the tracer as the global `tracing` subscriber.
pub(crate) fn install_tracer() -> std::io::Result<()> {
    let provider = SdkTracerProvider::builder()
        .with_sampler(Sampler::ParentBased(Box::new(Sampler::AlwaysOn)))
        .build();
    let tracer = provider.tracer("quickstart");
    tracing_subscriber::registry()
        .with(tracing_opentelemetry::layer().with_tracer(tracer))
        .try_init()
        .map_err(std::io::Error::other)
}

/// Reads a request's headers through a function; `'a` is the request's.
struct Headers<'a, F>(F, std::marker::PhantomData<&'a ()>);

impl<'a, F: Fn(&str) -> Option<&'a str>> Extractor for Headers<'a, F> {
    fn get(&self, key: &str) -> Option<&str> {
        (self.0)(key)
    }

    fn keys(&self) -> Vec<&str> {
        vec!["traceparent", "tracestate"]
    }
}

/// The span of one request, a child of the trace the request's `traceparent` header names (a new
/// trace without one). `header` reads a request header by its lower-case name.
pub(crate) fn request_span<'a>(
    method: &str,
    header: impl Fn(&str) -> Option<&'a str>,
) -> tracing::Span {
    let parent = TraceContextPropagator::new().extract(&Headers(header, std::marker::PhantomData));
    let span = tracing::info_span!("request", http.request.method = method);
    // Fails only without the OpenTelemetry layer installed, when there is no trace to continue.
    let _ = span.set_parent(parent);
    span
}
