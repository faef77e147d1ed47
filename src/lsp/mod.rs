//! `bulletin lsp`: the language server, over stdio.
//!
//! Every judgement comes from the analysis core (`analysis::configure`,
//! `checks::check_article`, `archive::check_archive`, `fix::fix_text`); this
//! module keeps documents current, caches per-article results and converts
//! byte ranges to LSP positions (all through `convert`).

#![deny(clippy::print_stdout)]

pub mod convert;
pub mod document;
mod entities;
mod features;
mod server;
mod state;
mod wire;

use std::process::ExitCode;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use tower_lsp_server::jsonrpc::{Request, Response};
use tower_lsp_server::{LspService, Server};

pub use server::Backend;

type BoxFuture<'a, T> = std::pin::Pin<Box<dyn std::future::Future<Output = T> + Send + 'a>>;

/// Requests whose (large) results are serialised directly: see `wire`.
const DIRECT_REPLIES: [&str; 2] = [
    "textDocument/documentSymbol",
    "textDocument/semanticTokens/full",
];

/// Passes every message on, signals when `exit` arrives, and lets the
/// handlers of `DIRECT_REPLIES` stash their results for `wire`.
struct ExitWatch<S> {
    inner: S,
    exit: Arc<tokio::sync::Notify>,
}

impl<S> tower_service::Service<Request> for ExitWatch<S>
where
    S: tower_service::Service<Request, Response = Option<Response>>,
    S::Future: Send + 'static,
{
    type Response = Option<Response>;
    type Error = S::Error;
    type Future = BoxFuture<'static, Result<Option<Response>, S::Error>>;

    fn poll_ready(
        &mut self,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<Result<(), Self::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, request: Request) -> Self::Future {
        if request.method() == "exit" {
            self.exit.notify_one();
        }
        let direct = DIRECT_REPLIES.contains(&request.method());
        let future = self.inner.call(request);
        if !direct {
            return Box::pin(future);
        }
        Box::pin(async move {
            let (response, placeholder) = wire::with_direct_reply(future).await;
            let Some(placeholder) = placeholder else {
                return response;
            };
            Ok(response?.map(|response| match response.into_parts() {
                (id, Ok(_)) => Response::from_ok(id, serde_json::Value::String(placeholder)),
                (id, Err(error)) => {
                    wire::discard(&placeholder);
                    Response::from_error(id, error)
                }
            }))
        })
    }
}

/// How a `--log-level` string maps onto tracing levels (anything unknown is `info`).
pub fn parse_level(level: &str) -> tracing::Level {
    match level.to_ascii_lowercase().as_str() {
        "error" => tracing::Level::ERROR,
        "warn" | "warning" => tracing::Level::WARN,
        "debug" => tracing::Level::DEBUG,
        "trace" => tracing::Level::TRACE,
        _ => tracing::Level::INFO,
    }
}

/// Runs the server on stdin/stdout until `exit`. Status 0 after `shutdown`
/// then `exit`, 1 after `exit` alone (or when the client goes away).
pub fn run(log_level: &str) -> ExitCode {
    let level = parse_level(log_level);
    let _ = tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .with_max_level(level)
        .with_ansi(false)
        .with_target(false)
        .try_init();
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(err) => {
            tracing::error!("cannot start the async runtime: {err}");
            return ExitCode::from(2);
        }
    };
    let shut_down = Arc::new(AtomicBool::new(false));
    let flag = Arc::clone(&shut_down);
    runtime.block_on(async move {
        let stdin = tokio::io::stdin();
        let stdout = wire::SplicingWriter::new(tokio::io::stdout());
        let (service, socket) =
            LspService::new(move |client| Backend::new(client, level, Arc::clone(&flag)));
        let exit = Arc::new(tokio::sync::Notify::new());
        let service = ExitWatch {
            inner: service,
            exit: Arc::clone(&exit),
        };
        // `serve` also waits for handlers still awaiting a client answer
        // that will never come after `exit`: stop shortly after `exit` anyway.
        tokio::select! {
            () = Server::new(stdin, stdout, socket).serve(service) => {}
            () = async {
                exit.notified().await;
                tokio::time::sleep(std::time::Duration::from_millis(50)).await;
            } => {}
        }
    });
    // Background tasks (indexing, debounced diagnostics) must not hold the exit.
    runtime.shutdown_timeout(std::time::Duration::from_millis(100));
    if shut_down.load(Ordering::SeqCst) {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    }
}
