//! Real servers on 127.0.0.1, each on its own thread, stopped and joined when dropped: actix-web
//! (`local_server!`) and axum ([`Server::axum`]).

use std::net::SocketAddr;
use std::sync::mpsc;
use std::thread;
use std::time::Duration;

use actix_web::dev::ServerHandle;

/// A server running on its own thread and actix system; stopped and joined when dropped.
pub(crate) struct Server {
    pub(crate) addr: SocketAddr,
    stop: Option<Stop>,
    thread: Option<thread::JoinHandle<()>>,
}

/// How a server is told to stop.
enum Stop {
    Actix(ServerHandle),
    Axum(tokio::sync::oneshot::Sender<()>),
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
            stop: Some(Stop::Actix(handle)),
            thread: Some(thread),
        }
    }

    /// Serves `app` with `axum::serve` on a free 127.0.0.1 port, on a new thread with its own
    /// two-worker tokio runtime; connections still open when it stops are dropped.
    pub(crate) fn axum(app: axum::Router) -> Server {
        let (tx, rx) = mpsc::channel();
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let thread = thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_multi_thread()
                .worker_threads(2)
                .enable_all()
                .build()
                .expect("a tokio runtime");
            runtime.block_on(async move {
                let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
                    .await
                    .expect("server binds to 127.0.0.1");
                tx.send(listener.local_addr().expect("bound address"))
                    .expect("test thread waits");
                tokio::select! {
                    served = axum::serve(listener, app) => served.expect("server runs"),
                    _ = stopped => {}
                }
            });
            runtime.shutdown_timeout(Duration::from_secs(5));
        });
        let addr = rx
            .recv_timeout(Duration::from_secs(30))
            .expect("server started within 30 s");
        Server {
            addr,
            stop: Some(Stop::Axum(stop)),
            thread: Some(thread),
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        match self.stop.take() {
            Some(Stop::Actix(handle)) => {
                actix_web::rt::System::new().block_on(handle.stop(false));
            }
            Some(Stop::Axum(stop)) => {
                let _ = stop.send(());
            }
            None => {}
        }
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
