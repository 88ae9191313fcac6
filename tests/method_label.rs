//! The `method` label is the request's upper-case standard method; anything else is `OTHER`, so
//! clients cannot mint series by inventing methods. On both frameworks, over raw HTTP/1.1.

#[macro_use]
mod support;

use handler_metrics::{testing, OTHER_METHOD};
use support::{request, Framework};

fn method_label_is_the_standard_method_or_other(framework: Framework) {
    let server = framework.serve();
    let long = "X".repeat(200);
    let methods = [
        "GET", "POST", "PUT", "DELETE", "PATCH", "OPTIONS", "FOO", "get", &long,
    ];
    let path = framework.path("/any");
    for method in methods {
        let (status, _) = request(server.addr, method, &path, None).expect("a response");
        assert_eq!(status, 200, "{method}");
    }
    let q = testing::handler("any_method").endpoint(&framework.endpoint("/any"));
    for standard in ["GET", "POST", "PUT", "DELETE", "PATCH", "OPTIONS"] {
        assert_eq!(q.clone().method(standard).requests(), 1, "{standard}");
    }
    assert_eq!(q.clone().method(OTHER_METHOD).requests(), 3);
    assert_eq!(q.clone().method("get").requests(), 0);
    assert_eq!(q.clone().method("FOO").requests(), 0);
    assert_eq!(q.series(), 7, "six standard methods and OTHER");
}

both_frameworks!(method_label_is_the_standard_method_or_other);
