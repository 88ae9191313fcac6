//! A hello-world server in one of seven builds, for the HTTP comparison (`scripts/bench-http.sh`).
//! actix-web: `plain` (no instrumentation), `metered` (`#[metered]`), `actix-web-prom` (its
//! middleware), or `match-pattern` (plain, plus only the call to actix's
//! `HttpRequest::match_pattern()` that any route-template label needs: the floor of that cost).
//! axum: `axum-plain`, `axum-metered` (`#[handler_metrics::axum::metered]`), `axum-prometheus`
//! (its layer). Each also serves `/metrics` where it has one.
//!
//! Usage: `hello_server <build> <port> [workers]`

use actix_web::{get, App, HttpRequest, HttpServer};
use handler_metrics::metered;

#[get("/hello")]
async fn plain_hello() -> &'static str {
    "hello world"
}

/// The plain handler plus the route template lookup, result discarded.
#[get("/hello")]
async fn match_pattern_hello(request: HttpRequest) -> &'static str {
    std::hint::black_box(request.match_pattern());
    "hello world"
}

#[get("/hello")]
#[metered]
async fn metered_hello() -> &'static str {
    "hello world"
}

async fn axum_plain_hello() -> &'static str {
    "hello world"
}

#[handler_metrics::axum::metered]
async fn axum_metered_hello() -> &'static str {
    "hello world"
}

/// The axum builds, on a tokio runtime of `workers` threads.
fn serve_axum(mode: &str, port: u16, workers: usize) -> std::io::Result<()> {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(workers)
        .enable_all()
        .build()?
        .block_on(async move {
            // Inside the runtime: axum-prometheus spawns its upkeep task when it is built.
            use axum::routing::get;
            let app = match mode {
                "axum-plain" => axum::Router::new().route("/hello", get(axum_plain_hello)),
                "axum-metered" => {
                    handler_metrics::Config::new()
                        .install()
                        .map_err(std::io::Error::other)?;
                    axum::Router::new()
                        .route("/hello", get(axum_metered_hello))
                        .merge(handler_metrics::axum::metrics())
                }
                "axum-prometheus" => {
                    let (layer, handle) = axum_prometheus::PrometheusMetricLayer::pair();
                    axum::Router::new()
                        .route("/hello", get(axum_plain_hello))
                        .route("/metrics", get(move || std::future::ready(handle.render())))
                        .layer(layer)
                }
                _ => return Err(std::io::Error::other("unknown build")),
            };
            let listener = tokio::net::TcpListener::bind(("127.0.0.1", port)).await?;
            axum::serve(listener, app).await
        })
}

fn main() -> std::io::Result<()> {
    let args: Vec<String> = std::env::args().collect();
    let usage = || {
        std::io::Error::other("usage: hello_server <plain|metered|actix-web-prom|match-pattern|axum-plain|axum-metered|axum-prometheus> <port> [workers]")
    };
    let mode = args.get(1).ok_or_else(usage)?.clone();
    let port: u16 = args.get(2).and_then(|p| p.parse().ok()).ok_or_else(usage)?;
    let workers: usize = args.get(3).and_then(|w| w.parse().ok()).unwrap_or(1);
    if mode.starts_with("axum-") {
        return serve_axum(&mode, port, workers);
    }
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
            "match-pattern" => {
                HttpServer::new(|| App::new().service(match_pattern_hello))
                    .workers(workers)
                    .bind(addr)?
                    .run()
                    .await
            }
            "metered" => {
                handler_metrics::Config::new()
                    .install()
                    .map_err(std::io::Error::other)?;
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
