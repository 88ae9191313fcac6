//! Exposition: the registry in Prometheus's text format.

use prometheus::{Encoder, TextEncoder};

use crate::Metrics;

/// The `Content-Type` of the text exposition format: `text/plain; version=0.0.4`.
///
/// # Examples
///
/// ```
/// assert_eq!(handler_metrics_runtime::CONTENT_TYPE, "text/plain; version=0.0.4");
/// ```
pub const CONTENT_TYPE: &str = prometheus::TEXT_FORMAT;

/// Why the registry could not be exposed.
///
/// # Examples
///
/// ```
/// use handler_metrics_runtime::ExpositionError;
///
/// let err = ExpositionError::NotRegistered("a clash".into());
/// assert!(err.to_string().contains("a clash"));
/// ```
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ExpositionError {
    /// The default configuration, installed by the first metered request, could not register
    /// its families; the message says why.
    #[error("handler-metrics is not registered in the registry: {0}")]
    NotRegistered(String),
    /// The encoder failed.
    #[error("cannot encode metrics: {0}")]
    Encode(#[from] prometheus::Error),
}

impl Metrics {
    /// Gathers the registry (the families of this crate and everything else registered there)
    /// and encodes it in the text format, to serve with [`CONTENT_TYPE`].
    ///
    /// # Errors
    ///
    /// [`ExpositionError::NotRegistered`] when the implicit default configuration could not
    /// register (see [`Metrics::global`]); [`ExpositionError::Encode`] if encoding fails.
    ///
    /// # Examples
    ///
    /// ```
    /// use handler_metrics_runtime::{HandlerSite, Metrics};
    ///
    /// static SITE: HandlerSite = HandlerSite::new("encode_example", &[], &[]);
    /// SITE.enter(Some("/"), "GET").finish(200);
    ///
    /// let text = Metrics::global().encode_text().unwrap();
    /// assert!(text.contains(r#"handler="encode_example""#));
    /// ```
    pub fn encode_text(&self) -> Result<String, ExpositionError> {
        if let Some(reason) = self.shared.registration_error.get() {
            return Err(ExpositionError::NotRegistered(reason.clone()));
        }
        let families = self.shared.registry.gather();
        let mut buffer = Vec::with_capacity(16 * 1024);
        TextEncoder::new().encode(&families, &mut buffer)?;
        String::from_utf8(buffer).map_err(|e| {
            ExpositionError::Encode(prometheus::Error::Msg(format!(
                "exposition is not UTF-8: {e}"
            )))
        })
    }
}
