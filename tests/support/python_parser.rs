//! The Python Prometheus client's parsers (`prometheus_client` from PyPI), run on a real scrape
//! by `scrape_and_parse.py`: an OpenMetrics parser and a classic-format parser that no one here
//! wrote; and Google's protobuf runtime for Python on client_model's `metrics.proto`, compiled by
//! grpcio-tools' `protoc` (`decode_protobuf.py`), for the protobuf format. `scripts/test-all.sh`
//! installs the packages when they are missing.

use std::net::SocketAddr;
use std::process::Command;

/// What the script read: status, headers (lower-case names) and the parsed families.
pub(crate) struct Parsed(pub(crate) serde_json::Value);

impl Parsed {
    pub(crate) fn header(&self, name: &str) -> Option<&str> {
        self.0["headers"][name].as_str()
    }

    pub(crate) fn families(&self) -> &[serde_json::Value] {
        self.0["families"].as_array().expect("families")
    }

    /// The family named `name` (as the parser names it), or a panic listing those there are.
    pub(crate) fn family(&self, name: &str) -> &serde_json::Value {
        self.families()
            .iter()
            .find(|f| f["name"] == name)
            .unwrap_or_else(|| {
                let names: Vec<_> = self.families().iter().map(|f| &f["name"]).collect();
                panic!("no family `{name}` in {names:?}")
            })
    }

    /// The samples named `sample` in `family`.
    pub(crate) fn samples<'a>(
        &'a self,
        family: &str,
        sample: &'a str,
    ) -> impl Iterator<Item = &'a serde_json::Value> + 'a {
        self.family(family)["samples"]
            .as_array()
            .expect("samples")
            .iter()
            .filter(move |s| s["name"] == sample)
    }

    /// The sum of the values of the samples named `sample` in `family` whose labels include
    /// `labels`.
    pub(crate) fn sum(&self, family: &str, sample: &str, labels: &[(&str, &str)]) -> f64 {
        self.samples(family, sample)
            .filter(|s| labels.iter().all(|(k, v)| s["labels"][*k] == *v))
            .map(|s| s["value"].as_f64().expect("a number"))
            .sum()
    }
}

/// Scrapes `http://{addr}{path}` with these headers (`""`: not sent) and parses the answer.
/// Panics with the parser's message if it rejects the body.
pub(crate) fn scrape_and_parse(
    addr: SocketAddr,
    path: &str,
    accept: &str,
    accept_encoding: &str,
) -> Parsed {
    run(
        Command::new("python3")
            .arg(SCRIPT)
            .arg(format!("http://{addr}{path}"))
            .arg(accept)
            .arg(accept_encoding),
        b"",
        "prometheus_client",
    )
}

/// Parses `text` as the format of `content_type`. Panics with the parser's message if it
/// rejects it.
pub(crate) fn parse(text: &str, content_type: &str) -> Parsed {
    run(
        Command::new("python3")
            .arg(SCRIPT)
            .arg("-")
            .arg(content_type),
        text.as_bytes(),
        "prometheus_client",
    )
}

/// Decodes a protobuf exposition (gzipped or not) with `decode_protobuf.py`: `{"families": [..]}`,
/// each family as protobuf's `MessageToDict` gives it (64-bit integers as strings), native
/// buckets decoded into `native_buckets` ([key, count] pairs). Panics with the decoder's message
/// if the body does not decode.
pub(crate) fn decode_protobuf(body: &[u8]) -> serde_json::Value {
    let script = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/support/decode_protobuf.py"
    );
    run(Command::new("python3").arg(script), body, "grpcio-tools").0
}

const SCRIPT: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/tests/support/scrape_and_parse.py"
);

/// Runs the script with `stdin` on its standard input and reads its JSON; `package` is the PyPI
/// package it needs.
fn run(command: &mut Command, stdin: &[u8], package: &str) -> Parsed {
    use std::io::Write as _;
    use std::process::Stdio;
    let mut child = command
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|err| {
            panic!("run python3 (CPython 3 with `pip install {package}`, which scripts/test-all.sh installs): {err}")
        });
    let mut input = child.stdin.take().expect("piped");
    input.write_all(stdin).expect("write the body");
    drop(input);
    let output = child.wait_with_output().expect("python3 ends");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        !stderr.contains("No module named"),
        "a Python package is missing: `python3 -m pip install {package}` (scripts/test-all.sh \
         installs it):\n{stderr}"
    );
    assert!(output.status.success(), "{command:?} failed:\n{stderr}");
    Parsed(serde_json::from_slice(&output.stdout).expect("the script prints JSON"))
}
