//! A raw HTTP/1.1 client: one request a connection, or a keep-alive connection as a load
//! generator's, for what a framework's test client cannot show (panics, disconnects).

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::time::Duration;

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
    let content_type = if json.is_some() {
        "Content-Type: application/json\r\n"
    } else {
        ""
    };
    format_raw(
        method,
        path,
        &format!("{headers}{content_type}"),
        json.unwrap_or(""),
        close,
    )
}

/// An HTTP/1.1 request with `body` as it is and only the headers given (plus `Host`,
/// `Content-Length` and, with `close`, `Connection: close`).
fn format_raw(method: &str, path: &str, headers: &str, body: &str, close: bool) -> String {
    let connection = if close { "Connection: close\r\n" } else { "" };
    format!(
        "{method} {path} HTTP/1.1\r\nHost: test\r\n{connection}{headers}Content-Length: {}\r\n\r\n{body}",
        body.len()
    )
}

/// Sends `method path` with `body` as it is and the header lines `headers` (each ending in
/// `\r\n`), no content type added; the status and body, or `None` without a response.
pub(crate) fn request_with_body(
    addr: SocketAddr,
    method: &str,
    path: &str,
    headers: &str,
    body: &str,
) -> Option<(u16, String)> {
    exchange(addr, &format_raw(method, path, headers, body, true))
        .ok()
        .flatten()
}

/// [`request_with_body`], the whole response as received: status line, headers and body.
pub(crate) fn raw_exchange(
    addr: SocketAddr,
    method: &str,
    path: &str,
    headers: &str,
    body: &str,
) -> String {
    let mut stream = send(addr, &format_raw(method, path, headers, body, true)).expect("connect");
    let mut response = Vec::new();
    let _ = stream.read_to_end(&mut response);
    String::from_utf8_lossy(&response).into_owned()
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
        self.request_with_headers(method, path, "", json)
    }

    /// [`request`](Connection::request) with extra header lines, each ending in `\r\n`.
    pub(crate) fn request_with_headers(
        &mut self,
        method: &str,
        path: &str,
        headers: &str,
        json: Option<&str>,
    ) -> std::io::Result<u16> {
        let request = format_request(method, path, headers, json, false);
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
