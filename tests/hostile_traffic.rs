//! Hostile traffic cannot grow the series without bound: after 10 000 requests to each quickstart
//! example (actix-web and axum) with random paths, random and invalid methods, garbage bodies and
//! random headers, every label value comes from the application (route templates, handler
//! names, the route's method, the status) and none from the requests. The examples wrap the
//! companion layer around everything, so the requests no handler serves are counted too, under
//! `handler="unmetered"`: their endpoint is one of the application's templates or `unmatched`,
//! their method a standard one or `OTHER`, so they too stay within a bound set by the application,
//! not the traffic. Traffic goes to 127.0.0.1 only; the count is fixed and the random source is
//! seeded, so a failure reproduces.

#[macro_use]
mod support;

use std::collections::{BTreeMap, BTreeSet, HashSet};
use std::io::Read;
use std::net::SocketAddr;
use std::thread;

use handler_metrics::{OTHER_METHOD, UNMATCHED_ENDPOINT, UNMETERED_HANDLER};
use support::{parse_exposition, send, ExampleServer, Framework, Rng};

const REQUESTS: usize = 10_000;
const THREADS: usize = 8;

/// Every (handler, route template, method) the example registers.
const ROUTES: &[(&str, &str, &str)] = &[
    ("list_users", "/users", "GET"),
    ("create_user", "/users", "POST"),
    ("get_user", "/users/{id}", "GET"),
    ("rename_user", "/users/{id}", "PUT"),
    ("delete_user", "/users/{id}", "DELETE"),
    ("list_items", "/users/{owner}/items", "GET"),
    ("create_item", "/users/{owner}/items", "POST"),
    ("get_report", "/reports/{kind}", "GET"),
    ("slow", "/slow", "GET"),
    ("health", "/health", "GET"),
];

/// The methods a label may name: the standard ones, and `OTHER` for any other.
const METHODS: &[&str] = &[
    "GET",
    "HEAD",
    "POST",
    "PUT",
    "DELETE",
    "CONNECT",
    "OPTIONS",
    "TRACE",
    "PATCH",
    "QUERY",
    OTHER_METHOD,
];

const TOKEN: &str = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
const PATH_CHARS: &str = "abcdefghijklmnopqrstuvwxyz0123456789-._~%!$&'()*+,;=:@";
const METHOD_CHARS: &str = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz!#$%&'*+-.^_`|~";

/// Sends raw bytes and reads until the server closes; the answer does not matter, only that the
/// server stays up and what it records.
fn fire(addr: SocketAddr, raw: &str) {
    if let Ok(mut stream) = send(addr, raw) {
        let mut sink = Vec::new();
        let _ = stream.read_to_end(&mut sink);
    }
}

/// One hostile request; returns the tokens it carried that no label may take (its random path
/// parts and any non-standard method).
fn hostile_request(rng: &mut Rng, addr: SocketAddr) -> Vec<String> {
    let (a_len, b_len, short_len, garbage_len) = (
        8 + rng.below(24),
        8 + rng.below(40),
        1 + rng.below(12),
        rng.below(300),
    );
    let a = rng.string(TOKEN, a_len);
    let b = rng.string(PATH_CHARS, b_len);
    let method = match rng.below(6) {
        0 => "FOO".to_owned(),
        1 => "get".to_owned(),
        2 => rng.string(METHOD_CHARS, 200),
        3 => "PURGE".to_owned(),
        4 => rng.string(METHOD_CHARS, short_len),
        _ => ["GET", "POST", "PUT", "DELETE", "PATCH", "OPTIONS"][rng.below(6)].to_owned(),
    };
    let garbage = rng.string(PATH_CHARS, garbage_len);
    let header = format!("X-{}: {}\r\n", rng.string(TOKEN, 10), rng.string(TOKEN, 30));
    let raw = match rng.below(7) {
        0 => format!("GET /users/{b} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"),
        1 => format!("{method} /{a}/{b} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"),
        2 => {
            let path = ["/users", "/health", "/reports/daily", "/users/1", "/slow?ms=1"][rng.below(5)];
            format!("{method} {path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        }
        3 => {
            let content_type = ["application/json", "text/plain", &a][rng.below(3)];
            format!(
                "POST /users HTTP/1.1\r\nHost: x\r\nContent-Type: {content_type}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{garbage}",
                garbage.len()
            )
        }
        4 => format!("GET /reports/{a} HTTP/1.1\r\nHost: x\r\n{header}{header}Connection: close\r\n\r\n"),
        5 => format!("{a} {b} {method}\r\n{header}\r\n"),
        _ => format!(
            "PUT /users/{} HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{garbage}",
            rng.below(5),
            garbage.len()
        ),
    };
    fire(addr, &raw);
    let standard_method = method.len() <= 7
        && method.chars().all(|c| c.is_ascii_uppercase())
        && ["GET", "POST", "PUT", "DELETE", "PATCH", "OPTIONS"].contains(&method.as_str());
    let mut carried = vec![a, b];
    if !standard_method {
        carried.push(method);
    }
    carried
}

fn random_paths_methods_bodies_and_headers_mint_no_series(framework: Framework) {
    let example = ExampleServer::start(framework.example(), &[]);
    let addr = example.addr;
    let before = parse_exposition(&example.metrics());
    let series_before = before.len();

    let tokens: HashSet<String> = (0..THREADS)
        .map(|t| {
            thread::spawn(move || {
                let mut rng = Rng::new(0x5eed_0000 + t as u64);
                (0..REQUESTS / THREADS)
                    .flat_map(|_| hostile_request(&mut rng, addr))
                    .collect::<Vec<_>>()
            })
        })
        .collect::<Vec<_>>()
        .into_iter()
        .flat_map(|t| t.join().expect("sender finished"))
        .collect();

    let after = parse_exposition(&example.metrics());
    let requests: Vec<_> = after
        .iter()
        .filter(|s| s.name == "http_requests_total")
        .collect();
    let statuses: BTreeMap<&str, BTreeSet<&str>> =
        requests.iter().fold(BTreeMap::new(), |mut acc, s| {
            acc.entry(s.label("handler"))
                .or_default()
                .insert(s.label("status"));
            acc
        });
    // handlers × the one method each is registered with × statuses it produced; the unmetered
    // requests: (templates + `unmatched`) × methods × statuses they produced; + in-flight.
    let templates: BTreeSet<&str> = ROUTES.iter().map(|r| r.1).collect();
    let bound: usize = statuses
        .iter()
        .map(|(handler, statuses)| {
            if *handler == UNMETERED_HANDLER {
                (templates.len() + 1) * METHODS.len() * statuses.len()
            } else {
                statuses.len()
            }
        })
        .sum::<usize>()
        + after
            .iter()
            .filter(|s| s.name == "http_requests_in_flight")
            .count();
    let series_after = requests.len()
        + after
            .iter()
            .filter(|s| s.name == "http_requests_in_flight")
            .count();
    println!(
        "{framework:?} hostile: {REQUESTS} requests; samples before {series_before}, after {}; \
         request + in-flight series {series_after} (bound {bound}); statuses per handler {statuses:?}",
        after.len()
    );

    for sample in after.iter().filter(|s| s.name.starts_with("http_requests")) {
        let handler = sample.label("handler");
        if handler == UNMETERED_HANDLER {
            let endpoint = sample.label("endpoint");
            assert!(
                endpoint == UNMATCHED_ENDPOINT || templates.contains(endpoint),
                "{sample:?}"
            );
            assert!(METHODS.contains(&sample.label("method")), "{sample:?}");
        } else {
            let route = ROUTES
                .iter()
                .find(|(h, ..)| *h == handler)
                .unwrap_or_else(|| panic!("unknown handler label in {sample:?}"));
            assert_eq!(sample.label("endpoint"), route.1, "{sample:?}");
            assert_eq!(sample.label("method"), route.2, "{sample:?}");
        }
        if sample.name != "http_requests_in_flight" {
            let status = sample.label("status");
            assert!(
                status.len() == 3 && status.parse::<u16>().is_ok(),
                "{sample:?}"
            );
        }
        for value in sample.labels.values() {
            assert!(
                !tokens.contains(value),
                "request input became a label value: {sample:?}"
            );
        }
    }
    assert!(
        statuses.contains_key(UNMETERED_HANDLER),
        "the layer counted the requests no handler served"
    );
    assert!(
        series_after <= bound,
        "{series_after} series exceed the bound {bound}"
    );
    assert!(
        after
            .iter()
            .filter(|s| s.name == "http_requests_in_flight")
            .all(|s| s.value == 0.0),
        "nothing in flight"
    );
    assert_eq!(
        support::request(addr, "GET", "/health", None).map(|r| r.0),
        Some(200),
        "the server still answers"
    );
}

both_frameworks!(random_paths_methods_bodies_and_headers_mint_no_series);
