//! The Python Prometheus client's parsers (`prometheus_client` from PyPI), run on a real scrape
//! by `scrape_and_parse.py`: an OpenMetrics parser and a classic-format parser that no one here
//! wrote. `scripts/test-all.sh` installs the package when it is missing.

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
        "",
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
        text,
    )
}

const SCRIPT: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/tests/support/scrape_and_parse.py"
);

/// Runs the script with `stdin` on its standard input and reads its JSON.
fn run(command: &mut Command, stdin: &str) -> Parsed {
    use std::io::Write as _;
    use std::process::Stdio;
    let mut child = command
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|err| {
            panic!("run python3 (CPython 3 with `pip install prometheus_client`, which scripts/test-all.sh installs): {err}")
        });
    let mut input = child.stdin.take().expect("piped");
    input.write_all(stdin.as_bytes()).expect("write the text");
    drop(input);
    let output = child.wait_with_output().expect("python3 ends");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        !stderr.contains("No module named 'prometheus_client'"),
        "the Python package `prometheus_client` is missing: `python3 -m pip install \
         prometheus_client` (scripts/test-all.sh installs it)"
    );
    assert!(
        output.status.success(),
        "scrape_and_parse.py failed:\n{stderr}"
    );
    Parsed(serde_json::from_slice(&output.stdout).expect("the script prints JSON"))
}
