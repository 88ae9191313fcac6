//! Exemplars add no heap allocation per request: the same handler, bare and metered, every
//! request served inside a sampled OpenTelemetry context (so each one offers its trace as an
//! exemplar), on axum and on actix-web, once the series and their exemplar slots exist. And the
//! trace is there to see, in the OpenMetrics exposition.

mod support;

use actix_web::web;
use axum::extract::Path;
use opentelemetry::trace::{SpanContext, SpanId, TraceContextExt, TraceFlags, TraceId, TraceState};

use support::{actix_allocations, axum_allocations, ActixAllocations, AxumAllocations};

/// The trace every request here is served in.
fn attach_trace(trace_id: [u8; 16]) -> opentelemetry::ContextGuard {
    let span = SpanContext::new(
        TraceId::from_bytes(trace_id),
        SpanId::from_bytes([9; 8]),
        TraceFlags::SAMPLED,
        true,
        TraceState::default(),
    );
    opentelemetry::Context::new()
        .with_remote_span_context(span)
        .attach()
}

/// Panics unless the OpenMetrics exposition has an exemplar of the trace `trace_id`.
fn assert_exemplar_exposed(trace_id: [u8; 16]) {
    let hex: String = trace_id.iter().map(|b| format!("{b:02x}")).collect();
    let text = handler_metrics::Metrics::global()
        .encode_openmetrics()
        .expect("encodes");
    assert!(
        text.contains(&format!("trace_id=\"{hex}\"")),
        "the exemplar is exposed:\n{text}"
    );
}

#[handler_metrics::axum::metered]
async fn traced_axum(Path(id): Path<u32>) -> String {
    id.to_string()
}

#[test]
fn axum_exemplars_add_no_allocation_per_request() {
    let _trace = attach_trace([0xa1; 16]);
    let AxumAllocations {
        bare,
        metered: traced,
    } = axum_allocations(traced_axum);
    println!("axum, in a sampled trace: {bare} allocations per request bare, {traced} metered");
    assert_eq!(
        traced, bare,
        "allocations added by #[metered] with exemplars on axum"
    );

    assert_exemplar_exposed([0xa1; 16]);
}

#[handler_metrics::metered]
async fn traced_actix(id: web::Path<u32>) -> String {
    id.to_string()
}

#[test]
fn actix_exemplars_add_no_allocation_per_request() {
    let _trace = attach_trace([0xb2; 16]);
    actix_web::rt::System::new().block_on(async {
        let ActixAllocations {
            bare,
            metered: traced,
            lookup,
        } = actix_allocations(traced_actix).await;
        println!(
            "actix-web, in a sampled trace: {bare} allocations per request bare, {traced} \
             metered; match_pattern() alone makes {lookup}"
        );
        assert_eq!(
            traced,
            bare + lookup,
            "only the template lookup's allocations"
        );
    });
    assert_exemplar_exposed([0xb2; 16]);
}
