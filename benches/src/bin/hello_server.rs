//! A hello-world actix server in one of three builds, for the HTTP comparison
//! (`scripts/bench-http.sh`): `plain` (no instrumentation), `metered` (`#[metered]`), or
//! `actix-web-prom` (its middleware). Each also serves `/metrics` where it has one.
//!
//! Usage: `hello_server <plain|metered|actix-web-prom> <port> [workers]`

use actix_web::{get, App, HttpServer};
use handler_metrics::metered;

#[get("/hello")]
async fn plain_hello() -> &'static str {
    "hello world"
}

#[get("/hello")]
#[metered]
async fn metered_hello() -> &'static str {
    "hello world"
}

fn main() -> std::io::Result<()> {
    let args: Vec<String> = std::env::args().collect();
    let usage = || std::io::Error::other("usage: hello_server <plain|metered|actix-web-prom> <port> [workers]");
    let mode = args.get(1).ok_or_else(usage)?.clone();
    let port: u16 = args.get(2).and_then(|p| p.parse().ok()).ok_or_else(usage)?;
    let workers: usize = args.get(3).and_then(|w| w.parse().ok()).unwrap_or(1);
    let addr = ("127.0.0.1", port);
    actix_web::rt::System::new().block_on(async move {
        match mode.as_str() {
            "plain" => {
                HttpServer::new(|| App::new().service(plain_hello))
                    .workers(workers)
                    .bind(addr)?
                    .run()
                    .await
            }
            "metered" => {
                handler_metrics::Config::new().install().map_err(std::io::Error::other)?;
                HttpServer::new(|| {
                    App::new()
                        .service(metered_hello)
                        .service(handler_metrics::actix::metrics())
                })
                .workers(workers)
                .bind(addr)?
                .run()
                .await
            }
            "actix-web-prom" => {
                let prometheus = actix_web_prom::PrometheusMetricsBuilder::new("")
                    .endpoint("/metrics")
                    .build()
                    .map_err(std::io::Error::other)?;
                HttpServer::new(move || App::new().wrap(prometheus.clone()).service(plain_hello))
                    .workers(workers)
                    .bind(addr)?
                    .run()
                    .await
            }
            _ => Err(usage()),
        }
    })
}
