//! Writes the quickstart service's Prometheus rules, or its Grafana dashboard, to standard output,
//! generated from the same configuration and objectives the service records with.
//!
//! ```sh
//! cargo run --example rules > rules.yml                       # recording rules and SLO alerts
//! cargo run --example rules -- dashboard > dashboard.json     # for Grafana's "Import dashboard"
//! promtool check rules rules.yml
//! ```
//!
//! Options: `--time-scale N` divides every window and `for:` by `N` (to watch an alert fire in
//! seconds in a demo or test), `--min-requests N` sets the alerts' minimum-traffic guard.
//! `METRICS_NAMESPACE` and `METRICS_NAMING` are read as the service reads them.

#[path = "shared/metrics_config.rs"]
mod metrics_config;

use handler_metrics::RuleOptions;

fn main() -> std::process::ExitCode {
    match run() {
        Ok(text) => {
            print!("{text}");
            std::process::ExitCode::SUCCESS
        }
        Err(err) => {
            eprintln!("rules: {err}");
            std::process::ExitCode::FAILURE
        }
    }
}

fn run() -> Result<String, Box<dyn std::error::Error>> {
    let config = metrics_config::metrics_config()?;
    let mut options = RuleOptions::new();
    let mut dashboard = false;
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "dashboard" => dashboard = true,
            "rules" => dashboard = false,
            "--time-scale" => options = options.time_scale(number(args.next(), &arg)?),
            "--min-requests" => options = options.min_requests(number(args.next(), &arg)?),
            other => {
                return Err(format!(
                    "unknown argument `{other}`; usage: rules [rules|dashboard] \
                     [--time-scale N] [--min-requests N]"
                )
                .into())
            }
        }
    }
    if dashboard {
        Ok(config.grafana_dashboard()? + "\n")
    } else {
        Ok(config.prometheus_rules_with(&options)?)
    }
}

fn number(value: Option<String>, flag: &str) -> Result<u64, String> {
    value
        .as_deref()
        .and_then(|v| v.parse().ok())
        .ok_or_else(|| format!("`{flag}` expects a whole number"))
}
