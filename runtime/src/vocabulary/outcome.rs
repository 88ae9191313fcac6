//! The `outcome` label: how a request served by a handler ended.

use std::fmt;

/// How a request served by a `#[metered]` handler ended: the value of the `outcome` label.
///
/// The first five follow from the status class of the response that was sent. The last two are
/// the ways a handler can end without producing a response: it panicked, or its future was
/// dropped before it finished (for example because the client went away).
///
/// # Examples
///
/// ```
/// use handler_metrics_runtime::Outcome;
///
/// assert_eq!(Outcome::from_status(404), Outcome::ClientError);
/// assert_eq!(Outcome::from_status(503).as_str(), "server_error");
/// assert_eq!(Outcome::Cancelled.status(), Some(499));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Outcome {
    /// A `1xx` response.
    Informational,
    /// A `2xx` response.
    Success,
    /// A `3xx` response.
    Redirection,
    /// A `4xx` response, including requests the handler's extractors rejected.
    ClientError,
    /// A `5xx` response (and any status outside `100..=599`).
    ServerError,
    /// The handler panicked; recorded with status `500`.
    Panic,
    /// The handler's future was dropped before it completed; recorded with status `499`.
    Cancelled,
}

impl Outcome {
    /// Every outcome, in the order of the list above.
    ///
    /// # Examples
    ///
    /// ```
    /// use handler_metrics_runtime::Outcome;
    /// assert_eq!(Outcome::ALL.len(), 7);
    /// ```
    pub const ALL: [Outcome; 7] = [
        Outcome::Informational,
        Outcome::Success,
        Outcome::Redirection,
        Outcome::ClientError,
        Outcome::ServerError,
        Outcome::Panic,
        Outcome::Cancelled,
    ];

    /// The outcome of a response with this status code, by its class.
    ///
    /// # Examples
    ///
    /// ```
    /// use handler_metrics_runtime::Outcome;
    ///
    /// assert_eq!(Outcome::from_status(101), Outcome::Informational);
    /// assert_eq!(Outcome::from_status(204), Outcome::Success);
    /// assert_eq!(Outcome::from_status(308), Outcome::Redirection);
    /// ```
    pub const fn from_status(status: u16) -> Outcome {
        match status {
            100..=199 => Outcome::Informational,
            200..=299 => Outcome::Success,
            300..=399 => Outcome::Redirection,
            400..=499 => Outcome::ClientError,
            _ => Outcome::ServerError,
        }
    }

    /// The label value, e.g. `"client_error"`.
    ///
    /// # Examples
    ///
    /// ```
    /// use handler_metrics_runtime::Outcome;
    ///
    /// assert_eq!(Outcome::Panic.as_str(), "panic");
    /// ```
    pub const fn as_str(self) -> &'static str {
        match self {
            Outcome::Informational => "informational",
            Outcome::Success => "success",
            Outcome::Redirection => "redirection",
            Outcome::ClientError => "client_error",
            Outcome::ServerError => "server_error",
            Outcome::Panic => "panic",
            Outcome::Cancelled => "cancelled",
        }
    }

    /// The status recorded for outcomes that have no response of their own: `500` for
    /// [`Outcome::Panic`], `499` (nginx's "client closed request") for [`Outcome::Cancelled`].
    ///
    /// # Examples
    ///
    /// ```
    /// use handler_metrics_runtime::Outcome;
    ///
    /// assert_eq!(Outcome::Panic.status(), Some(500));
    /// assert_eq!(Outcome::Success.status(), None);
    /// ```
    pub const fn status(self) -> Option<u16> {
        match self {
            Outcome::Panic => Some(500),
            Outcome::Cancelled => Some(499),
            _ => None,
        }
    }
}

impl fmt::Display for Outcome {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}
