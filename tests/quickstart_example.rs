//! The quickstart examples, run as users run them (`PORT=… quickstart`, `PORT=… quickstart_axum`),
//! serve their API and, after a known mix of requests, expose exactly the expected series on
//! `/metrics`. The two differ only in the status of a path that does not parse.

#[macro_use]
mod support;

use support::{request, ExampleServer, Framework};

fn quickstart_serves_its_api_and_exposes_the_expected_series(framework: Framework) {
    let example = ExampleServer::start(framework.example(), &[]);
    let rejected = framework.path_rejection_status();
    let addr = example.addr;

    let call = |method: &str, path: &str, json: Option<&str>| {
        request(addr, method, path, json).expect("a response").0
    };
    assert_eq!(call("POST", "/users", Some(r#"{"name":"ada"}"#)), 201);
    assert_eq!(call("POST", "/users", Some(r#"{"name":"  "}"#)), 422);
    assert_eq!(call("POST", "/users", Some("{not json")), 400);
    assert_eq!(call("GET", "/users/1", None), 200);
    assert_eq!(call("GET", "/users/99", None), 404);
    assert_eq!(call("GET", "/users/abc", None), rejected);
    assert_eq!(
        call("POST", "/users/1/items", Some(r#"{"title":"tea"}"#)),
        201
    );
    assert_eq!(call("GET", "/users/1/items", None), 200);
    assert_eq!(call("GET", "/slow?ms=30", None), 200);
    assert_eq!(call("GET", "/slow", None), 400);
    assert_eq!(call("GET", "/reports/daily", None), 200);
    assert_eq!(call("GET", "/reports/archive", None), 503);

    let metrics = example.metrics();
    let get_user = |status: u16, n: u64| {
        format!(
            r#"http_requests_total{{endpoint="/users/{{id}}",handler="get_user",method="GET",objective="users",outcome="client_error",status="{status}"}} {n}"#
        )
    };
    let not_found = if rejected == 404 {
        vec![get_user(404, 2)]
    } else {
        vec![get_user(404, 1), get_user(rejected, 1)]
    };
    let expected = [
        r#"http_requests_total{endpoint="/health",handler="health",method="GET",outcome="success",status="200"}"#,
        r#"http_requests_total{endpoint="/users",handler="create_user",method="POST",objective="users",outcome="success",status="201"} 1"#,
        r#"http_requests_total{endpoint="/users",handler="create_user",method="POST",objective="users",outcome="client_error",status="422"} 1"#,
        r#"http_requests_total{endpoint="/users",handler="create_user",method="POST",objective="users",outcome="client_error",status="400"} 1"#,
        r#"http_requests_total{endpoint="/users/{id}",handler="get_user",method="GET",objective="users",outcome="success",status="200"} 1"#,
        r#"http_requests_total{endpoint="/users/{owner}/items",handler="create_item",method="POST",outcome="success",status="201"} 1"#,
        r#"http_requests_total{endpoint="/users/{owner}/items",handler="list_items",method="GET",outcome="success",status="200"} 1"#,
        r#"http_requests_total{endpoint="/slow",handler="slow",method="GET",outcome="success",status="200"} 1"#,
        r#"http_requests_total{endpoint="/slow",handler="slow",method="GET",outcome="client_error",status="400"} 1"#,
        r#"http_requests_total{endpoint="/reports/{kind}",handler="get_report",method="GET",objective="reports",outcome="server_error",status="503"} 1"#,
        r#"http_requests_in_flight{endpoint="/users/{id}",handler="get_user",method="GET",objective="users"} 0"#,
        r#"http_requests_duration_seconds_count{endpoint="/slow",handler="slow",method="GET",outcome="success",status="200"} 1"#,
    ];
    for line in expected
        .iter()
        .copied()
        .chain(not_found.iter().map(String::as_str))
    {
        assert!(
            metrics.lines().any(|l| l.starts_with(line)),
            "missing `{line}` in:\n{metrics}"
        );
    }
    assert!(
        !metrics.contains("/users/99") && !metrics.contains("/users/abc"),
        "raw paths leaked"
    );
    let slow_sum: f64 = metrics
        .lines()
        .find(|l| l.starts_with(r#"http_requests_duration_seconds_sum{endpoint="/slow",handler="slow",method="GET",outcome="success""#))
        .and_then(|l| l.rsplit(' ').next())
        .and_then(|v| v.parse().ok())
        .expect("slow handler's duration sum");
    assert!(
        slow_sum >= 0.030,
        "a 30 ms sleep takes at least 30 ms, got {slow_sum}"
    );
}

both_frameworks!(quickstart_serves_its_api_and_exposes_the_expected_series);
