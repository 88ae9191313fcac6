//! A real Prometheus server for the end-to-end tests (Debian's `prometheus` package).

use std::collections::BTreeMap;
use std::io::Write;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::thread;

use super::{free_port, request, wait_until};

/// Finds `name` on `PATH`, or fails saying how to get it.
pub(crate) fn require_binary(name: &str) -> PathBuf {
    std::env::var_os("PATH")
        .iter()
        .flat_map(std::env::split_paths)
        .map(|dir| dir.join(name))
        .find(|path| path.is_file())
        .unwrap_or_else(|| {
            panic!(
                "`{name}` is not on PATH: install Debian's `prometheus` package \
                 (`apt-get install prometheus`), which `scripts/test-all.sh` does when it is missing"
            )
        })
}

/// A Prometheus server on a free loopback port with a generated configuration and a temporary
/// data directory; killed, reaped and removed when dropped.
pub(crate) struct Prometheus {
    pub(crate) addr: SocketAddr,
    child: Child,
    dir: PathBuf,
}

impl Prometheus {
    pub(crate) fn start(job: &str, targets: &[SocketAddr]) -> Prometheus {
        Prometheus::start_with_rules(job, targets, None)
    }

    /// Like [`start`](Self::start), loading `rules` (a rules file's text) as its only rule file.
    pub(crate) fn start_with_rules(
        job: &str,
        targets: &[SocketAddr],
        rules: Option<&str>,
    ) -> Prometheus {
        Prometheus::start_with(job, targets, rules, &[])
    }

    /// Like [`start_with_rules`](Self::start_with_rules), with `flags` added to the command line
    /// (e.g. `--enable-feature=exemplar-storage`).
    pub(crate) fn start_with(
        job: &str,
        targets: &[SocketAddr],
        rules: Option<&str>,
        flags: &[&str],
    ) -> Prometheus {
        let binary = require_binary("prometheus");
        let port = free_port();
        let dir = std::env::temp_dir().join(format!(
            "handler-metrics-prometheus-{}-{port}",
            std::process::id()
        ));
        std::fs::create_dir_all(dir.join("data")).expect("create the data directory");
        let targets: Vec<String> = targets.iter().map(|t| format!("'{t}'")).collect();
        let rule_files = match rules {
            Some(rules) => {
                std::fs::write(dir.join("rules.yml"), rules).expect("write the rules");
                format!("rule_files:\n  - {}\n", dir.join("rules.yml").display())
            }
            None => String::new(),
        };
        let config = format!(
            "global:\n  scrape_interval: 1s\n  evaluation_interval: 1s\n{rule_files}\
             scrape_configs:\n  - job_name: {job}\n    static_configs:\n      - targets: [{}]\n",
            targets.join(", ")
        );
        std::fs::write(dir.join("prometheus.yml"), config).expect("write the configuration");
        let log = std::fs::File::create(dir.join("prometheus.log")).expect("create the log");
        let child = Command::new(binary)
            .arg(format!(
                "--config.file={}",
                dir.join("prometheus.yml").display()
            ))
            .arg(format!(
                "--storage.tsdb.path={}",
                dir.join("data").display()
            ))
            .arg(format!("--web.listen-address=127.0.0.1:{port}"))
            .args(flags)
            .stdout(Stdio::null())
            .stderr(log)
            .spawn()
            .expect("start prometheus");
        let prometheus = Prometheus {
            addr: ([127, 0, 0, 1], port).into(),
            child,
            dir,
        };
        wait_until("prometheus is ready", || {
            request(prometheus.addr, "GET", "/-/ready", None)
                .is_some_and(|(status, _)| status == 200)
        });
        prometheus
    }

    /// Runs an instant query and returns each result's labels and value.
    pub(crate) fn query(&self, promql: &str) -> Vec<(BTreeMap<String, String>, f64)> {
        let path = format!("/api/v1/query?query={}", percent_encode(promql));
        let (status, body) = request(self.addr, "GET", &path, None).expect("query prometheus");
        assert_eq!(status, 200, "query `{promql}` failed: {body}");
        let answer: serde_json::Value = serde_json::from_str(&body).expect("JSON answer");
        assert_eq!(answer["status"], "success", "query `{promql}`: {body}");
        answer["data"]["result"]
            .as_array()
            .expect("a vector result")
            .iter()
            .map(|series| {
                let labels = series["metric"]
                    .as_object()
                    .expect("labels")
                    .iter()
                    .map(|(k, v)| (k.clone(), v.as_str().unwrap_or_default().to_owned()))
                    .collect();
                let value = series["value"][1]
                    .as_str()
                    .expect("value")
                    .parse()
                    .expect("number");
                (labels, value)
            })
            .collect()
    }

    /// The `data` of a GET of the HTTP API at `path` (e.g. `/api/v1/targets/metadata?..`).
    pub(crate) fn api(&self, path: &str) -> serde_json::Value {
        let (status, body) = request(self.addr, "GET", path, None).expect("ask prometheus");
        assert_eq!(status, 200, "GET {path} failed: {body}");
        let answer: serde_json::Value = serde_json::from_str(&body).expect("JSON answer");
        assert_eq!(answer["status"], "success", "GET {path}: {body}");
        answer["data"].clone()
    }

    /// The single value of a query expected to return one series (0 when it returns none).
    pub(crate) fn scalar(&self, promql: &str) -> f64 {
        let results = self.query(promql);
        assert!(results.len() <= 1, "`{promql}` returned {results:?}");
        results.first().map_or(0.0, |(_, v)| *v)
    }
}

impl Drop for Prometheus {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        if thread::panicking() {
            if let Ok(log) = std::fs::read_to_string(self.dir.join("prometheus.log")) {
                eprintln!("--- prometheus log ---\n{log}");
            }
        }
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

pub(crate) fn percent_encode(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// Runs `promtool` with `args` in `dir`, `stdin` written to its standard input; whether it
/// succeeded, and everything it printed.
pub(crate) fn promtool(dir: &Path, args: &[&str], stdin: &str) -> (bool, String) {
    let mut child = Command::new(require_binary("promtool"))
        .args(args)
        .current_dir(dir)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start promtool");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(stdin.as_bytes())
        .expect("write to promtool");
    let output = child.wait_with_output().expect("promtool finishes");
    let report = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    (output.status.success(), report)
}
