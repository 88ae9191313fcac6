//! A service written the way the README tells a new user to write one: `handler-metrics` next to
//! the user's own `prometheus` dependency, a metered handler, a counter of the user's own
//! registered with `prometheus::register_int_counter!`, and `/metrics` serving both.
//!
//! Each folder beside this one is a variant of the same user crate, with other dependencies
//! (`prometheus` features, frameworks); `tests/user_crates.rs` builds each outside the workspace,
//! without its `Cargo.lock`, starts it and scrapes it. The variant's own features say which
//! frameworks its manifest enables (`actix`, `axum`); with neither it is the runtime alone,
//! recording through `Metrics::begin` and serving `Metrics::scrape` from a plain TCP listener.
//!
//! It listens on 127.0.0.1 (one port a framework), prints `listening <name> <address>` for each,
//! and stops when its standard input closes.

use std::net::TcpListener;
use std::sync::LazyLock;

use prometheus::{register_int_counter, IntCounter};

/// The user's own counter, in `prometheus::default_registry()` where handler-metrics is too.
static JOBS: LazyLock<IntCounter> = LazyLock::new(|| {
    register_int_counter!("user_jobs_total", "Jobs the user's handlers did.").expect("register")
});

fn main() {
    LazyLock::force(&JOBS);
    let mut servers = Vec::new();
    #[cfg(feature = "actix")]
    servers.push(spawn("actix", on_actix::serve));
    #[cfg(feature = "axum")]
    servers.push(spawn("axum", on_axum::serve));
    #[cfg(not(any(feature = "actix", feature = "axum")))]
    servers.push(spawn("runtime", runtime_alone::serve));
    // The test closes our standard input to stop us.
    let _ = std::io::copy(&mut std::io::stdin(), &mut std::io::sink());
}

/// Binds a listener on a free loopback port, says where, and serves it on a thread.
fn spawn(name: &str, serve: fn(TcpListener)) -> std::thread::JoinHandle<()> {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1");
    println!(
        "listening {name} {}",
        listener.local_addr().expect("address")
    );
    std::thread::spawn(move || serve(listener))
}

#[cfg(feature = "actix")]
mod on_actix {
    use actix_web::{get, web, App, HttpServer};

    #[get("/users/{id}")]
    #[handler_metrics::metered]
    async fn get_user(id: web::Path<u32>) -> String {
        crate::JOBS.inc();
        format!("user {id}")
    }

    pub(crate) fn serve(listener: std::net::TcpListener) {
        let app = || {
            App::new()
                .service(get_user)
                .service(handler_metrics::actix::metrics())
                .wrap(handler_metrics::actix::middleware())
        };
        let server = HttpServer::new(app)
            .workers(1)
            .listen(listener)
            .expect("listen");
        actix_web::rt::System::new()
            .block_on(server.run())
            .expect("serve");
    }
}

#[cfg(feature = "axum")]
mod on_axum {
    use axum::{extract::Path, routing::get, Router};
    use handler_metrics::axum::metered;

    #[metered]
    async fn get_user_axum(Path(id): Path<u32>) -> String {
        crate::JOBS.inc();
        format!("user {id}")
    }

    pub(crate) fn serve(listener: std::net::TcpListener) {
        let app: Router = Router::new()
            .route("/users/{id}", get(get_user_axum))
            .merge(handler_metrics::axum::metrics())
            .layer(handler_metrics::axum::layer());
        let runtime = tokio::runtime::Runtime::new().expect("a runtime");
        runtime.block_on(async move {
            listener.set_nonblocking(true).expect("non-blocking");
            let listener = tokio::net::TcpListener::from_std(listener).expect("listener");
            axum::serve(listener, app).await.expect("serve");
        });
    }
}

/// No framework: the runtime's own API, one request a connection, HTTP/1.0 style.
#[cfg(not(any(feature = "actix", feature = "axum")))]
mod runtime_alone {
    use std::io::{BufRead, BufReader, Write};

    use handler_metrics::{HandlerSite, Metrics};

    static GET_USER: HandlerSite = HandlerSite::new("get_user_by_hand", &[], &[]);

    pub(crate) fn serve(listener: std::net::TcpListener) {
        for stream in listener.incoming().flatten() {
            let _ = answer(stream);
        }
    }

    fn answer(stream: std::net::TcpStream) -> std::io::Result<()> {
        let mut reader = BufReader::new(stream.try_clone()?);
        let mut line = String::new();
        reader.read_line(&mut line)?;
        let mut words = line.split_whitespace();
        let (method, path) = (words.next().unwrap_or(""), words.next().unwrap_or(""));
        let (mut accept, mut accept_encoding) = (None, None);
        loop {
            let mut header = String::new();
            if reader.read_line(&mut header)? == 0 || header.trim().is_empty() {
                break;
            }
            if let Some((name, value)) = header.split_once(':') {
                let value = Some(value.trim().to_owned());
                match name.trim().to_ascii_lowercase().as_str() {
                    "accept" => accept = value,
                    "accept-encoding" => accept_encoding = value,
                    _ => {}
                }
            }
        }
        let (status, headers, body) = if path == "/metrics" {
            match Metrics::global().scrape(accept.as_deref(), accept_encoding.as_deref()) {
                Ok(scrape) => {
                    let headers: Vec<_> = scrape.headers().collect();
                    (200, headers, scrape.into_body())
                }
                Err(err) => (500, Vec::new(), err.to_string().into_bytes()),
            }
        } else if let Some(id) = path.strip_prefix("/users/") {
            let recording = Metrics::global().begin(&GET_USER, Some("/users/{id}"), method);
            crate::JOBS.inc();
            recording.finish(200);
            (200, Vec::new(), format!("user {id}").into_bytes())
        } else {
            (404, Vec::new(), Vec::new())
        };
        let mut out = stream;
        write!(out, "HTTP/1.1 {status} \r\nconnection: close\r\n")?;
        for (name, value) in headers {
            write!(out, "{name}: {value}\r\n")?;
        }
        write!(out, "content-length: {}\r\n\r\n", body.len())?;
        out.write_all(&body)
    }
}
