#![doc = include_str!("../README.md")]
#![forbid(unsafe_code)]
#![deny(missing_docs)]

pub use handler_metrics_macros::metered;
#[cfg(feature = "actix")]
pub use handler_metrics_runtime::actix;
pub use handler_metrics_runtime::testing;
pub use handler_metrics_runtime::{
    method_label, Config, ConfigError, ExpositionError, FamilyNames, Metrics, Outcome,
    CONTENT_TYPE, DEFAULT_BUCKETS, IN_FLIGHT_LABELS, OTHER_METHOD, REQUEST_LABELS,
    RESERVED_LABELS, UNMATCHED_ENDPOINT,
};

/// What the code `#[metered]` generates refers to, by absolute path. Not public API.
#[doc(hidden)]
pub mod __private {
    pub use handler_metrics_runtime::HandlerSite;

    /// The actix-web side of the generated wrapper.
    #[cfg(feature = "actix")]
    pub mod actix {
        pub use handler_metrics_runtime::__private::actix_web::web::Payload;
        pub use handler_metrics_runtime::__private::actix_web::{HttpRequest, HttpResponse};
        pub use handler_metrics_runtime::actix::serve;
    }
}
