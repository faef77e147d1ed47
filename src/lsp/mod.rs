//! `bulletin lsp`: the language server, over stdio.
//!
//! Protocol glue only: the state and every answer come from the core's
//! `ide` layer (`Workspace`, its queries); this module reads and writes
//! frames, negotiates with the client and converts between the core's plain
//! answers and protocol types (`convert`, `to_proto`, `outline`).

#![deny(clippy::print_stdout)]

mod capabilities;
mod code_actions;
mod convert;
mod entities;
mod outline;
mod server;
mod state;
mod to_proto;
pub mod transport;
mod wire;

use std::process::ExitCode;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use tower_lsp_server::LspService;

pub use server::Backend;

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
pub fn run(log_level: &str, max_message_bytes: usize) -> ExitCode {
    // The server's threads (runtime workers, the blocking pool, rayon)
    // share two arenas: on a 5 MB archive, see the README's figures.
    crate::malloc::limit_arenas(2);
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
        let (outbox, outgoing) = transport::outbox();
        let (service, socket) =
            LspService::new(move |client| Backend::new(client, outbox, level, Arc::clone(&flag)));
        let stdout = tokio::io::BufWriter::with_capacity(64 * 1024, tokio::io::stdout());
        transport::serve(
            service,
            socket,
            tokio::io::stdin(),
            stdout,
            outgoing,
            transport::ServeOptions::new(max_message_bytes),
        )
        .await;
    });
    // Background tasks (indexing, debounced diagnostics) must not hold the exit.
    runtime.shutdown_timeout(std::time::Duration::from_millis(100));
    if shut_down.load(Ordering::SeqCst) {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    }
}
