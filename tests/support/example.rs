//! The example binaries run as child processes, as users run them.

use std::net::SocketAddr;

use super::http::request;
use super::wait_until;

/// A free TCP port on 127.0.0.1 (bound, read and released: another process could take it in
/// between, which the callers' start-up checks would report).
pub(crate) fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("a free loopback port")
        .port()
}

/// An example binary that `cargo test` builds next to the test binaries.
pub(crate) fn example_binary_named(name: &str) -> std::path::PathBuf {
    let exe = std::env::current_exe().expect("test binary path");
    let profile_dir = exe
        .parent()
        .and_then(|deps| deps.parent())
        .expect("target/<profile>");
    let binary = profile_dir.join("examples").join(name);
    assert!(
        binary.exists(),
        "{} is missing: `cargo test --workspace` builds examples; or run `cargo build --example {name}`",
        binary.display()
    );
    binary
}

/// The output of the `rules` example run with `args`, as a user runs it to write rules.yml or
/// dashboard.json, for the default names (no `METRICS_NAMESPACE`, as the quickstart runs here).
pub(crate) fn rules_example(args: &[&str]) -> String {
    rules_example_with(args, &[])
}

/// [`rules_example`] with `env` added to its environment (e.g. `METRICS_NAMING`).
pub(crate) fn rules_example_with(args: &[&str], env: &[(&str, &str)]) -> String {
    let output = std::process::Command::new(example_binary_named("rules"))
        .args(args)
        .env_remove("METRICS_NAMESPACE")
        .env_remove("METRICS_NAMING")
        .envs(env.iter().copied())
        .output()
        .expect("run the rules example");
    assert!(
        output.status.success(),
        "rules {args:?}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout).expect("UTF-8 output")
}

/// A quickstart example (`quickstart` on actix-web, `quickstart_axum` on axum) running as a
/// child process on a free loopback port, as users run it. Killed and reaped when dropped, pass
/// or fail.
pub(crate) struct ExampleServer {
    pub(crate) addr: SocketAddr,
    child: std::process::Child,
}

impl ExampleServer {
    /// Starts the example `name` with `env` added to its environment and waits until `/health`
    /// answers.
    pub(crate) fn start(name: &str, env: &[(&str, &str)]) -> ExampleServer {
        let port = free_port();
        let child = std::process::Command::new(example_binary_named(name))
            .env("PORT", port.to_string())
            .envs(env.iter().copied())
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::inherit())
            .spawn()
            .unwrap_or_else(|err| panic!("start the {name} example: {err}"));
        let server = ExampleServer {
            addr: ([127, 0, 0, 1], port).into(),
            child,
        };
        wait_until("the example answers /health", || {
            request(server.addr, "GET", "/health", None).is_some_and(|(status, _)| status == 200)
        });
        server
    }

    /// The body of `GET /metrics`.
    pub(crate) fn metrics(&self) -> String {
        let (status, body) = request(self.addr, "GET", "/metrics", None).expect("scrape");
        assert_eq!(status, 200, "GET /metrics: {body}");
        body
    }
}

impl Drop for ExampleServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
