//! The test API: the same named handlers on actix-web (`apps/actix.rs`) and on axum
//! (`apps/axum.rs`), so that every behaviour is one case, written once and run against both with
//! [`both_frameworks!`]. Each app is mounted under its framework's prefix (`/actix/...`,
//! `/axum/...`): the two servers share the process's series, and the `endpoint` label keeps them
//! apart. What legitimately differs between the frameworks (a rejection's status, a wildcard's
//! template syntax) is a fact of [`Framework`] or a column of a table here, never a second copy
//! of a case.
//!
//! Routes, under the prefix: `GET /returns/<handler>` (one handler per return type, see
//! [`Framework::returns`]); `GET /users/{id}`; `GET /type` (a raw identifier); `GET /status/{code}` (answers that status); `POST /widgets` (JSON), `GET /widgets/{id}`,
//! `GET /widgets?page=`, `PUT /widgets/{id}?page=` (JSON), `PATCH /widgets/{id}?page=` and
//! `POST /upload` (16-byte body limit) for rejections; `/any` (every
//! method); a wildcard under `/files/`; `GET /shop/pay` (nested); `GET /export` (every attribute
//! argument); `GET /slow` and `GET /wait` (sleep 60 s); `GET /divide/{n}` (panics on 0); `POST /twin/metered`
//! and `POST /twin/plain`, `GET /twin/metered_error` and `GET /twin/plain_error` (one body with
//! and without the attribute); and a metered fallback. `/metrics` and an unmetered `/ping` are at
//! the root.

pub(crate) mod actix;
pub(crate) mod axum;

use handler_metrics::Objective;

use super::Server;

/// The objective of `GET /export`.
pub(crate) const CHECKOUT: Objective = Objective::new("checkout")
    .success_rate(0.999)
    .latency(0.1, 0.99);

/// The JSON body of `POST /widgets`.
#[derive(Debug, serde::Deserialize, serde::Serialize)]
pub(crate) struct Widget {
    pub(crate) name: String,
}

/// The query of `GET /widgets`.
#[derive(Debug, serde::Deserialize)]
pub(crate) struct Page {
    #[allow(dead_code)]
    pub(crate) page: u32,
}

/// The JSON body of the twins' `POST`.
#[derive(Debug, serde::Deserialize, serde::Serialize)]
pub(crate) struct Order {
    pub(crate) item: String,
}

/// The error of the twins' `GET`: `418` with a header and a body of its own.
#[derive(Debug)]
pub(crate) struct Teapot;

impl std::fmt::Display for Teapot {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("short and stout")
    }
}

/// A framework the test API runs on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Framework {
    Actix,
    Axum,
}

impl Framework {
    /// Where this framework's test API is mounted.
    pub(crate) fn prefix(self) -> &'static str {
        match self {
            Framework::Actix => "/actix",
            Framework::Axum => "/axum",
        }
    }

    /// The test API on a real server on 127.0.0.1.
    pub(crate) fn serve(self) -> Server {
        match self {
            Framework::Actix => actix::serve(),
            Framework::Axum => axum::serve(),
        }
    }

    /// The request path of `path` (relative to the test API) on this framework.
    pub(crate) fn path(self, path: &str) -> String {
        format!("{}{path}", self.prefix())
    }

    /// The `endpoint` label of the test API's route `template`: the template under the prefix.
    pub(crate) fn endpoint(self, template: &str) -> String {
        self.path(template)
    }

    /// Each handler of `GET /returns/<handler>` and the status it answers: one per kind of
    /// return value the framework turns into a response.
    pub(crate) fn returns(self) -> &'static [(&'static str, u16)] {
        match self {
            Framework::Actix => actix::RETURNS,
            Framework::Axum => axum::RETURNS,
        }
    }

    /// The template of the wildcard route under `/files/`, in the framework's syntax.
    pub(crate) fn wildcard_template(self) -> &'static str {
        match self {
            Framework::Actix => "/files/{rest:.*}",
            Framework::Axum => "/files/{*rest}",
        }
    }

    /// The `handler` label of the metered fallback (default service).
    pub(crate) fn fallback_handler(self) -> &'static str {
        match self {
            Framework::Actix => "actix_fallback",
            Framework::Axum => "axum_fallback",
        }
    }

    /// The routes of the panicking handler `divide` and what a client gets when it panics:
    /// no response (the connection is closed), or `500` behind axum's `CatchPanicLayer`.
    pub(crate) fn panic_routes(self) -> &'static [(&'static str, Option<u16>)] {
        match self {
            Framework::Actix => &[("/divide/{n}", None)],
            Framework::Axum => &[("/divide/{n}", None), ("/caught/divide/{n}", Some(500))],
        }
    }

    /// The quickstart example of this framework: the same users/items API.
    pub(crate) fn example(self) -> &'static str {
        match self {
            Framework::Actix => "quickstart",
            Framework::Axum => "quickstart_axum",
        }
    }

    /// The status the framework answers when a path segment does not parse (`/users/abc` for a
    /// `u32`): actix-web 404, axum 400.
    pub(crate) fn path_rejection_status(self) -> u16 {
        PATH_REJECTION.status(self)
    }
}

/// A request the handler's extractors reject, and the status each framework answers it with.
pub(crate) struct Rejection {
    pub(crate) what: &'static str,
    pub(crate) handler: &'static str,
    pub(crate) method: &'static str,
    /// Relative to the test API.
    pub(crate) path: &'static str,
    /// The route template, relative to the test API.
    pub(crate) template: &'static str,
    pub(crate) content_type: Option<&'static str>,
    pub(crate) body: &'static str,
    pub(crate) actix: u16,
    pub(crate) axum: u16,
}

impl Rejection {
    pub(crate) fn status(&self, framework: Framework) -> u16 {
        match framework {
            Framework::Actix => self.actix,
            Framework::Axum => self.axum,
        }
    }
}

/// A path segment that does not parse: the rejection whose status differs most between the
/// frameworks, which other cases (`/users/abc` of the quickstarts) also send.
const PATH_REJECTION: Rejection = Rejection {
    what: "a path segment that does not parse",
    handler: "get_widget",
    method: "GET",
    path: "/widgets/not-a-number",
    template: "/widgets/{id}",
    content_type: None,
    body: "",
    actix: 404,
    axum: 400,
};

/// Every rejection the tests send, with each framework's status: the README's table.
pub(crate) const REJECTIONS: &[Rejection] = &[
    Rejection {
        what: "a JSON body with a syntax error",
        handler: "create_widget",
        method: "POST",
        path: "/widgets",
        template: "/widgets",
        content_type: Some("application/json"),
        body: "{not json",
        actix: 400,
        axum: 400,
    },
    Rejection {
        what: "a JSON body without `content-type`",
        handler: "create_widget",
        method: "POST",
        path: "/widgets",
        template: "/widgets",
        content_type: None,
        body: r#"{"name":"a"}"#,
        actix: 400,
        axum: 415,
    },
    Rejection {
        what: "a JSON body of the wrong shape",
        handler: "create_widget",
        method: "POST",
        path: "/widgets",
        template: "/widgets",
        content_type: Some("application/json"),
        body: r#"{"size":3}"#,
        actix: 400,
        axum: 422,
    },
    PATH_REJECTION,
    Rejection {
        what: "a missing query field",
        handler: "list_widgets",
        method: "GET",
        path: "/widgets?size=3",
        template: "/widgets",
        content_type: None,
        body: "",
        actix: 400,
        axum: 400,
    },
    // The same rejections by the first, the middle and the last of a handler's three extractors.
    Rejection {
        what: "a path segment that does not parse, first of three extractors",
        handler: "tag_widget",
        method: "PUT",
        path: "/widgets/not-a-number?page=1",
        template: "/widgets/{id}",
        content_type: Some("application/json"),
        body: r#"{"name":"a"}"#,
        actix: 404,
        axum: 400,
    },
    Rejection {
        what: "a missing query field, second of three extractors",
        handler: "tag_widget",
        method: "PUT",
        path: "/widgets/1?size=3",
        template: "/widgets/{id}",
        content_type: Some("application/json"),
        body: r#"{"name":"a"}"#,
        actix: 400,
        axum: 400,
    },
    Rejection {
        what: "a JSON body of the wrong shape, last of three extractors",
        handler: "tag_widget",
        method: "PUT",
        path: "/widgets/1?page=1",
        template: "/widgets/{id}",
        content_type: Some("application/json"),
        body: r#"{"size":3}"#,
        actix: 400,
        axum: 422,
    },
    // The same by the first and the second of two extractors that both read the request's parts
    // (on axum, extracted from the parts without the request: `PartsArguments`).
    Rejection {
        what: "a path segment that does not parse, first of two parts extractors",
        handler: "move_widget",
        method: "PATCH",
        path: "/widgets/not-a-number?page=1",
        template: "/widgets/{id}",
        content_type: None,
        body: "",
        actix: 404,
        axum: 400,
    },
    Rejection {
        what: "a missing query field, second of two parts extractors",
        handler: "move_widget",
        method: "PATCH",
        path: "/widgets/1?size=3",
        template: "/widgets/{id}",
        content_type: None,
        body: "",
        actix: 400,
        axum: 400,
    },
    Rejection {
        what: "a body over the limit",
        handler: "upload",
        method: "POST",
        path: "/upload",
        template: "/upload",
        content_type: None,
        body: "0123456789abcdef0123456789abcdef",
        actix: 413,
        axum: 413,
    },
];

/// Defines one `#[test]` per framework for each case `fn case(framework: Framework)`, in modules
/// `actix` and `axum`: `both_frameworks!(case_a, case_b);`.
macro_rules! both_frameworks {
    ($($case:ident),+ $(,)?) => {
        mod actix {
            $(
                #[test]
                fn $case() {
                    super::$case($crate::support::Framework::Actix);
                }
            )+
        }
        mod axum {
            $(
                #[test]
                fn $case() {
                    super::$case($crate::support::Framework::Axum);
                }
            )+
        }
    };
}
