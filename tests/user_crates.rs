//! The crate as a user gets it: `tests/user-crates/*` are user crates outside this workspace,
//! each with its own `[workspace]` and no `Cargo.lock` (deleted before every build, so Cargo
//! resolves them afresh from the registry, as a new user's crate is), with the user's own
//! dependencies at their default features. They differ in what a user turns on:
//!
//! | variant | framework | the user's `prometheus` |
//! |---|---|---|
//! | `actix-prometheus-defaults` | actix-web | `"0.14"` (defaults, `protobuf` on) |
//! | `axum-prometheus-process` | axum | defaults + `process` |
//! | `both-prometheus-no-defaults` | both | `default-features = false` |
//! | `runtime-alone-prometheus-process` | none (`Metrics::scrape`) | `default-features = false`, `process` |
//!
//! A `prometheus = "0.14"` beside `handler-metrics` once failed to compile, because its default
//! `protobuf` feature swapped the `prometheus::proto` model under the runtime; no test inside the
//! workspace could see it. Each test here builds one variant (a warning in the user's crate
//! fails it), starts it, sends its metered handler a request and, where a framework serves, a
//! request no handler serves (the servers wrap the companion layer, as the README's quick start
//! does), scrapes `/metrics` in both formats, parses both with the Python Prometheus client's
//! parsers and checks our family (the unmetered request counted once), the user's counter, and
//! the process collector's families (present exactly where `process` is on); the
//! classic text passes `promtool check metrics`. The user's counter is written the same, to the
//! byte, in every variant. All variants share one target directory, `target/user-crates`.
//!
//! Every `[dependencies]` snippet of the README is one of these manifests' (the published
//! `handler-metrics = "0.1"` as a path), so what the README tells users to write is what is built.

mod support;

use std::io::{BufRead, BufReader};
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};

use support::prometheus::promtool;
use support::python_parser::scrape_and_parse;
use support::{get, request, request_with_headers, unix_now};

const OPENMETRICS: &str = "application/openmetrics-text; version=1.0.0";

/// One user crate: its folder under `tests/user-crates`, the frameworks it serves (and the name
/// of its metered handler on each), and whether the process collector is on.
struct Variant {
    folder: &'static str,
    handlers: &'static [(&'static str, &'static str)],
    process: bool,
}

/// The variants, in the order of the table above.
const VARIANTS: [Variant; 4] = [
    Variant {
        folder: "actix-prometheus-defaults",
        handlers: &[("actix", "get_user")],
        process: false,
    },
    Variant {
        folder: "axum-prometheus-process",
        handlers: &[("axum", "get_user_axum")],
        process: true,
    },
    Variant {
        folder: "both-prometheus-no-defaults",
        handlers: &[("actix", "get_user"), ("axum", "get_user_axum")],
        process: false,
    },
    Variant {
        folder: "runtime-alone-prometheus-process",
        handlers: &[("runtime", "get_user_by_hand")],
        process: true,
    },
];

#[test]
fn actix_with_prometheus_at_its_defaults() {
    check(&VARIANTS[0]);
}

#[test]
fn axum_with_prometheus_defaults_and_the_process_collector() {
    check(&VARIANTS[1]);
}

#[test]
fn both_frameworks_with_prometheus_without_default_features() {
    check(&VARIANTS[2]);
}

#[test]
fn the_runtime_alone_with_the_process_collector() {
    check(&VARIANTS[3]);
}

#[test]
fn every_dependency_snippet_of_the_readme_is_in_a_tested_user_crate() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let readme = std::fs::read_to_string(root.join("README.md")).expect("README.md");
    let manifests: Vec<String> = VARIANTS
        .iter()
        .map(|variant| {
            let path = root.join("tests/user-crates").join(variant.folder);
            std::fs::read_to_string(path.join("Cargo.toml")).expect("a manifest")
        })
        .collect();
    let snippets: Vec<&str> = readme
        .split("```toml\n")
        .skip(1)
        .filter_map(|block| block.split("```").next())
        .filter(|block| block.starts_with("[dependencies]\n"))
        .collect();
    assert!(
        snippets.len() >= 3,
        "the README's dependency snippets: {snippets:?}"
    );
    for snippet in snippets {
        // The published facade, as the user crates depend on it: by path.
        let as_built = snippet
            .replace(
                r#"handler-metrics = "0.1""#,
                r#"handler-metrics = { path = "../../.." }"#,
            )
            .replace(r#"version = "0.1", "#, r#"path = "../../..", "#);
        let lines: Vec<&str> = as_built.lines().skip(1).collect();
        let built = manifests.iter().any(|manifest| {
            lines
                .iter()
                .all(|line| manifest.lines().any(|have| have == *line))
        });
        assert!(
            built,
            "no user crate in tests/user-crates has every line of this README snippet:\n{snippet}"
        );
    }
}

fn check(variant: &Variant) {
    let binary = build(variant.folder);
    let service = Service::start(&binary, variant.handlers.len());
    for (framework, _) in variant.handlers {
        assert_eq!(get(service.addr(framework), "/users/7"), Some(200));
    }
    // The frameworks' servers wrap the companion layer, as the README's quick start does: a
    // scanner's request, which no handler serves, is counted once per server.
    let layered: Vec<_> = variant
        .handlers
        .iter()
        .filter(|(framework, _)| *framework != "runtime")
        .collect();
    for (framework, _) in &layered {
        assert_eq!(get(service.addr(framework), "/wp-login.php"), Some(404));
    }
    let sent = variant.handlers.len() as f64;
    let addr = service.addr(variant.handlers[0].0);

    for accept in [OPENMETRICS, ""] {
        let format = if accept.is_empty() {
            "classic"
        } else {
            "OpenMetrics"
        };
        let parsed = scrape_and_parse(addr, "/metrics", accept, "gzip");
        assert_eq!(parsed.header("content-encoding"), Some("gzip"), "{format}");
        for (_, handler) in variant.handlers {
            let labels = [
                ("handler", *handler),
                ("endpoint", "/users/{id}"),
                ("status", "200"),
            ];
            let ours = parsed.sum("http_requests", "http_requests_total", &labels);
            assert_eq!(ours, 1.0, "{format}: our series of {handler}");
        }
        let unmetered = [
            ("handler", "unmetered"),
            ("endpoint", "unmatched"),
            ("status", "404"),
        ];
        let scanned = parsed.sum("http_requests", "http_requests_total", &unmetered);
        assert_eq!(
            scanned,
            layered.len() as f64,
            "{format}: the requests no handler served, once each, and no scrape"
        );
        let users = parsed.sum("user_jobs", "user_jobs_total", &[]);
        assert_eq!(users, sent, "{format}: the user's own counter");

        let has = |name: &str| parsed.families().iter().any(|f| f["name"] == name);
        let process = [
            "process_cpu_seconds",
            "process_start_time_seconds",
            "process_resident_memory_bytes",
            "process_open_fds",
        ];
        for family in process {
            assert_eq!(has(family), variant.process, "{format}: family {family}");
        }
        if variant.process {
            let started = parsed.sum(
                "process_start_time_seconds",
                "process_start_time_seconds",
                &[],
            );
            let now = unix_now();
            assert!(
                started > now - 600.0 && started <= now + 1.0,
                "{format}: the service started at {started}, now is {now}"
            );
            let resident = parsed.sum(
                "process_resident_memory_bytes",
                "process_resident_memory_bytes",
                &[],
            );
            assert!(resident > 0.0, "{format}: resident memory {resident}");
        }
    }

    // The user's counter, to the byte: the same in every variant whatever `prometheus` features
    // are on.
    let classic = body(request(addr, "GET", "/metrics", None));
    let jobs = format!(
        "# HELP user_jobs_total Jobs the user's handlers did.\n\
         # TYPE user_jobs_total counter\nuser_jobs_total {sent}\n"
    );
    assert!(classic.contains(&jobs), "classic:\n{classic}");
    let accept = format!("Accept: {OPENMETRICS}\r\n");
    let openmetrics = body(request_with_headers(addr, "GET", "/metrics", &accept, None));
    let jobs = format!(
        "# HELP user_jobs Jobs the user's handlers did.\n\
         # TYPE user_jobs counter\nuser_jobs_total {sent}\n"
    );
    assert!(openmetrics.contains(&jobs), "OpenMetrics:\n{openmetrics}");
    assert!(openmetrics.ends_with("# EOF\n"), "{openmetrics}");

    let (ok, report) = promtool(&std::env::temp_dir(), &["check", "metrics"], &classic);
    println!(
        "{}: promtool check metrics: {}",
        variant.folder,
        if report.trim().is_empty() {
            "no findings"
        } else {
            report.trim()
        }
    );
    assert!(
        ok && report.trim().is_empty(),
        "promtool check metrics found problems:\n{report}\n{classic}"
    );
}

fn body(answer: Option<(u16, String)>) -> String {
    let (status, body) = answer.expect("an answer from /metrics");
    assert_eq!(status, 200, "{body}");
    body
}

/// Builds the user crate in `tests/user-crates/<folder>` as its user would, resolved afresh,
/// and returns its binary. Fails on a build error and on any warning in the user's crate
/// (`#[metered]`'s expansion included). Warnings in our own crates are printed, not failed on: a
/// user never sees them (Cargo caps the lints of registry dependencies), and the workspace's
/// clippy fails on them at its locked versions; here they come from whatever versions were
/// released since, which is worth a look but not a failed change.
fn build(folder: &str) -> PathBuf {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let manifest_dir = root.join("tests/user-crates").join(folder);
    // No lock file: what a user resolving today gets, not what this workspace pinned.
    let _ = std::fs::remove_file(manifest_dir.join("Cargo.lock"));
    let target = root.join("target/user-crates");
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let started = std::time::Instant::now();
    let output = Command::new(cargo)
        .args([
            "build",
            "--quiet",
            "--message-format",
            "short",
            "--manifest-path",
        ])
        .arg(manifest_dir.join("Cargo.toml"))
        .env("CARGO_TARGET_DIR", &target)
        .output()
        .expect("run cargo");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        output.status.success(),
        "{folder} does not build:\n{stderr}"
    );
    // `--message-format short`: one line a warning, `<path>:<line>:<column>: warning: ...`, the
    // path absolute for our crates (path dependencies) and relative for the user's.
    let (ours, users): (Vec<&str>, Vec<&str>) = stderr
        .lines()
        .filter(|line| line.contains(": warning: "))
        .partition(|line| line.starts_with(&*root.to_string_lossy()));
    assert!(
        users.is_empty(),
        "{folder} builds with warnings in the user's crate:\n{stderr}"
    );
    for warning in ours {
        println!("{folder}: a warning in our crates under today's dependencies: {warning}");
    }
    // Reported, not asserted: CI's time. It includes waiting for the other variants' builds,
    // which hold the shared target directory's lock.
    println!(
        "{folder}: resolved and built in {:.1} s",
        started.elapsed().as_secs_f64()
    );
    target.join("debug").join(format!("user-{folder}"))
}

/// A user crate's binary running as a child process; stopped and reaped when dropped.
struct Service {
    child: Child,
    addrs: Vec<(String, SocketAddr)>,
}

impl Service {
    /// Starts `binary` and reads the `listening <framework> <address>` line of each of its
    /// `servers`.
    fn start(binary: &Path, servers: usize) -> Service {
        let mut child = Command::new(binary)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .unwrap_or_else(|err| panic!("start {}: {err}", binary.display()));
        let mut lines = BufReader::new(child.stdout.take().expect("piped")).lines();
        let mut service = Service {
            child,
            addrs: Vec::new(),
        };
        for _ in 0..servers {
            let line = lines.next().expect("a `listening` line").expect("UTF-8");
            let mut words = line.split_whitespace().skip(1);
            let (Some(framework), Some(addr)) = (words.next(), words.next()) else {
                panic!("not a `listening` line: {line}");
            };
            let addr = addr.parse().expect("an address");
            service.addrs.push((framework.to_owned(), addr));
        }
        service
    }

    fn addr(&self, framework: &str) -> SocketAddr {
        self.addrs
            .iter()
            .find(|(f, _)| f == framework)
            .unwrap_or_else(|| panic!("no {framework} server in {:?}", self.addrs))
            .1
    }
}

impl Drop for Service {
    fn drop(&mut self) {
        // Closing its standard input asks it to stop; killing makes sure.
        drop(self.child.stdin.take());
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
