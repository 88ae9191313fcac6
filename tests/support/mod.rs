//! Helpers shared by the integration tests: a real actix server on 127.0.0.1 and a raw HTTP/1.1
//! client, for the behaviours `actix_web::test` cannot show (panics, disconnects).

#![allow(dead_code)]

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::sync::mpsc;
use std::thread;
use std::time::{Duration, Instant};

use actix_web::dev::ServerHandle;

pub(crate) mod prometheus;

/// A server running on its own thread and actix system; stopped and joined when dropped.
pub(crate) struct Server {
    pub(crate) addr: SocketAddr,
    handle: ServerHandle,
    thread: Option<thread::JoinHandle<()>>,
}

impl Server {
    /// Runs the server `build` returns (with the address it bound) on a new thread.
    pub(crate) fn spawn<F>(build: F) -> Server
    where
        F: FnOnce() -> std::io::Result<(actix_web::dev::Server, SocketAddr)> + Send + 'static,
    {
        let (tx, rx) = mpsc::channel();
        let thread = thread::spawn(move || {
            actix_web::rt::System::new().block_on(async move {
                let (server, addr) = build().expect("server binds to 127.0.0.1");
                tx.send((addr, server.handle())).expect("test thread waits");
                server.await.expect("server runs");
            })
        });
        let (addr, handle) = rx
            .recv_timeout(Duration::from_secs(30))
            .expect("server started within 30 s");
        Server {
            addr,
            handle,
            thread: Some(thread),
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        actix_web::rt::System::new().block_on(self.handle.stop(false));
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

/// Starts `HttpServer::new($app)` with one worker on a free 127.0.0.1 port as a [`Server`]; the
/// settings after `;` (e.g. `; .workers(2)`) are applied before it binds.
#[allow(unused_macros)] // not every test binary starts a server
macro_rules! local_server {
    ($app:expr $(; $($settings:tt)+)?) => {
        $crate::support::Server::spawn(|| {
            let server = actix_web::HttpServer::new($app)
                .workers(1)
                .disable_signals()
                $($($settings)+)?
                .bind("127.0.0.1:0")?;
            let addr = server.addrs()[0];
            Ok((server.run(), addr))
        })
    };
}

/// A raw HTTP/1.1 request, sent on a fresh connection.
pub(crate) fn send(addr: SocketAddr, request: &str) -> std::io::Result<TcpStream> {
    let mut stream = TcpStream::connect(addr)?;
    stream.set_read_timeout(Some(Duration::from_secs(10)))?;
    stream.write_all(request.as_bytes())?;
    Ok(stream)
}

/// `GET path` and the status of the response, or `None` if the connection closed without one.
/// Panics if the server cannot be reached.
pub(crate) fn get(addr: SocketAddr, path: &str) -> Option<u16> {
    let raw = format_request("GET", path, "", None, true);
    exchange(addr, &raw)
        .expect("connect to the test server")
        .map(|(status, _)| status)
}

/// Polls `condition` every 5 ms until it holds, panicking with `what` after 30 s.
pub(crate) fn wait_until(what: &str, mut condition: impl FnMut() -> bool) {
    let deadline = Instant::now() + Duration::from_secs(30);
    while !condition() {
        assert!(Instant::now() < deadline, "timed out waiting until {what}");
        thread::sleep(Duration::from_millis(5));
    }
}

/// Sends `method path` with an optional JSON body and returns the status and the body, or `None`
/// if the server cannot be reached or closed the connection without a response.
pub(crate) fn request(
    addr: SocketAddr,
    method: &str,
    path: &str,
    json: Option<&str>,
) -> Option<(u16, String)> {
    request_with_headers(addr, method, path, "", json)
}

/// [`request`] with extra header lines, each ending in `\r\n`.
pub(crate) fn request_with_headers(
    addr: SocketAddr,
    method: &str,
    path: &str,
    headers: &str,
    json: Option<&str>,
) -> Option<(u16, String)> {
    exchange(addr, &format_request(method, path, headers, json, true))
        .ok()
        .flatten()
}

/// An HTTP/1.1 request with an optional JSON body; `close` asks the server to close after it.
fn format_request(
    method: &str,
    path: &str,
    headers: &str,
    json: Option<&str>,
    close: bool,
) -> String {
    let body = json.unwrap_or("");
    let content_type = if json.is_some() {
        "Content-Type: application/json\r\n"
    } else {
        ""
    };
    let connection = if close { "Connection: close\r\n" } else { "" };
    format!(
        "{method} {path} HTTP/1.1\r\nHost: test\r\n{connection}{headers}{content_type}Content-Length: {}\r\n\r\n{body}",
        body.len()
    )
}

/// Sends `raw` on a fresh connection and reads until the server closes it: the status and body,
/// `None` if it closed without a response, an error if it cannot be reached.
fn exchange(addr: SocketAddr, raw: &str) -> std::io::Result<Option<(u16, String)>> {
    let mut stream = send(addr, raw)?;
    let mut response = Vec::new();
    let _ = stream.read_to_end(&mut response);
    let text = String::from_utf8_lossy(&response);
    let Some(status) = text.split_whitespace().nth(1).and_then(|s| s.parse().ok()) else {
        return Ok(None);
    };
    let (head, body) = text.split_once("\r\n\r\n").unwrap_or((&text, ""));
    let chunked = head
        .to_ascii_lowercase()
        .contains("transfer-encoding: chunked");
    let body = if chunked {
        dechunk(body)
    } else {
        body.to_owned()
    };
    Ok(Some((status, body)))
}

/// The body of a `Transfer-Encoding: chunked` response (Prometheus's API sends large answers so).
fn dechunk(mut rest: &str) -> String {
    let mut body = String::new();
    while let Some((size, after)) = rest.split_once("\r\n") {
        let Ok(size) = usize::from_str_radix(size.trim(), 16) else {
            break;
        };
        if size == 0 || after.len() < size {
            break;
        }
        body.push_str(&after[..size]);
        rest = after[size..].trim_start_matches("\r\n");
    }
    body
}

/// A free TCP port on 127.0.0.1 (bound, read and released: another process could take it in
/// between, which the callers' start-up checks would report).
pub(crate) fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("a free loopback port")
        .port()
}

/// The quickstart example binary that `cargo test` builds next to the test binaries.
pub(crate) fn example_binary() -> std::path::PathBuf {
    example_binary_named("quickstart")
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
    let output = std::process::Command::new(example_binary_named("rules"))
        .args(args)
        .env_remove("METRICS_NAMESPACE")
        .output()
        .expect("run the rules example");
    assert!(
        output.status.success(),
        "rules {args:?}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout).expect("UTF-8 output")
}

/// The quickstart example running as a child process on a free loopback port, as users run it.
/// Killed and reaped when dropped, pass or fail.
pub(crate) struct ExampleServer {
    pub(crate) addr: SocketAddr,
    child: std::process::Child,
}

impl ExampleServer {
    /// Starts the example with `env` added to its environment and waits until `/health` answers.
    pub(crate) fn start(env: &[(&str, &str)]) -> ExampleServer {
        let port = free_port();
        let child = std::process::Command::new(example_binary())
            .env("PORT", port.to_string())
            .envs(env.iter().copied())
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::inherit())
            .spawn()
            .expect("start the quickstart example");
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

/// A keep-alive HTTP/1.1 connection that sends requests one after another, as a load generator's
/// connection does.
pub(crate) struct Connection {
    stream: TcpStream,
    buffer: Vec<u8>,
}

impl Connection {
    pub(crate) fn open(addr: SocketAddr) -> std::io::Result<Connection> {
        let stream = TcpStream::connect(addr)?;
        stream.set_read_timeout(Some(Duration::from_secs(30)))?;
        stream.set_nodelay(true)?;
        Ok(Connection {
            stream,
            buffer: Vec::with_capacity(4096),
        })
    }

    /// Sends one request and reads its whole response; returns the status.
    pub(crate) fn request(
        &mut self,
        method: &str,
        path: &str,
        json: Option<&str>,
    ) -> std::io::Result<u16> {
        let request = format_request(method, path, "", json, false);
        self.stream.write_all(request.as_bytes())?;
        self.read_response()
    }

    fn read_response(&mut self) -> std::io::Result<u16> {
        let header_end = loop {
            if let Some(end) = find(&self.buffer, b"\r\n\r\n") {
                break end + 4;
            }
            self.fill()?;
        };
        let head = String::from_utf8_lossy(&self.buffer[..header_end]).into_owned();
        let status = head
            .split_whitespace()
            .nth(1)
            .and_then(|s| s.parse().ok())
            .ok_or_else(|| std::io::Error::other(format!("bad status line: {head}")))?;
        let length: usize = head
            .lines()
            .find_map(|line| {
                let (name, value) = line.split_once(':')?;
                name.eq_ignore_ascii_case("content-length")
                    .then(|| value.trim().parse().ok())
                    .flatten()
            })
            .unwrap_or(0);
        while self.buffer.len() < header_end + length {
            self.fill()?;
        }
        self.buffer.drain(..header_end + length);
        Ok(status)
    }

    fn fill(&mut self) -> std::io::Result<()> {
        let mut chunk = [0u8; 4096];
        let n = self.stream.read(&mut chunk)?;
        if n == 0 {
            return Err(std::io::ErrorKind::UnexpectedEof.into());
        }
        self.buffer.extend_from_slice(&chunk[..n]);
        Ok(())
    }
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

/// One sample line of the text exposition format.
#[derive(Debug, Clone)]
pub(crate) struct Sample {
    pub(crate) name: String,
    pub(crate) labels: std::collections::BTreeMap<String, String>,
    pub(crate) value: f64,
}

impl Sample {
    pub(crate) fn label(&self, name: &str) -> &str {
        self.labels.get(name).map_or("", String::as_str)
    }
}

/// Parses the text exposition format's sample lines (comments skipped, label escapes decoded).
pub(crate) fn parse_exposition(text: &str) -> Vec<Sample> {
    text.lines()
        .filter(|line| !line.starts_with('#') && !line.trim().is_empty())
        .map(|line| {
            let (series, value) = line.rsplit_once(' ').expect("`series value`");
            let value = match value {
                "+Inf" => f64::INFINITY,
                "-Inf" => f64::NEG_INFINITY,
                other => other.parse().expect("a number"),
            };
            let (name, labels) = match series.split_once('{') {
                Some((name, rest)) => (name, parse_labels(rest.strip_suffix('}').expect("`}`"))),
                None => (series, Default::default()),
            };
            Sample {
                name: name.to_owned(),
                labels,
                value,
            }
        })
        .collect()
}

fn parse_labels(mut text: &str) -> std::collections::BTreeMap<String, String> {
    let mut labels = std::collections::BTreeMap::new();
    while !text.is_empty() {
        let (name, rest) = text.split_once("=\"").expect("`name=\"`");
        let mut value = String::new();
        let mut chars = rest.char_indices();
        let end = loop {
            match chars.next().expect("closing quote") {
                (_, '\\') => match chars.next().expect("escaped char").1 {
                    'n' => value.push('\n'),
                    other => value.push(other),
                },
                (i, '"') => break i,
                (_, c) => value.push(c),
            }
        };
        labels.insert(name.trim_start_matches(',').to_owned(), value);
        text = rest[end + 1..].trim_start_matches(',');
    }
    labels
}

/// A small deterministic PRNG (xorshift64*), so hostile-traffic runs are reproducible by seed.
pub(crate) struct Rng(u64);

impl Rng {
    pub(crate) fn new(seed: u64) -> Rng {
        Rng(seed.max(1))
    }

    pub(crate) fn next_u64(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    /// A number in `0..n`.
    pub(crate) fn below(&mut self, n: usize) -> usize {
        (self.next_u64() % n as u64) as usize
    }

    /// `len` characters drawn from `alphabet`.
    pub(crate) fn string(&mut self, alphabet: &str, len: usize) -> String {
        let chars: Vec<char> = alphabet.chars().collect();
        (0..len).map(|_| chars[self.below(chars.len())]).collect()
    }
}

/// Keeps panics whose message contains `marker` (ones a test causes on purpose) out of the
/// output; every other panic is reported by the default hook as usual.
pub(crate) fn quiet_expected_panics(marker: &'static str) {
    let default_hook = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        let message = info
            .payload()
            .downcast_ref::<String>()
            .map(String::as_str)
            .or_else(|| info.payload().downcast_ref::<&str>().copied())
            .unwrap_or_default();
        if !message.contains(marker) {
            default_hook(info);
        }
    }));
}
