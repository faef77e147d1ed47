//! The server's input side on arbitrary bytes: the frame reader and message
//! classification, then the whole server (transport, tower-lsp-server's
//! routing, every handler) reading the bytes as its standard input.
//!
//! Properties: nothing panics; the frames found do not depend on how the
//! input is cut into reads; no body exceeds the maximum; every unreadable
//! frame is answered with a JSON-RPC error code the protocol defines; and
//! the server finishes its input (it never hangs on a frame it cannot read).

#![no_main]

use std::sync::atomic::AtomicBool;
use std::sync::{Arc, OnceLock};
use std::time::Duration;

use bulletin::lsp::transport::{self, classify, Frame, FrameReader, Incoming, ServeOptions};
use bulletin::lsp::Backend;
use libfuzzer_sys::fuzz_target;
use tower_lsp_server::jsonrpc::ErrorCode;
use tower_lsp_server::LspService;

const MAX_BODY: usize = 64 * 1024;

fn frames(data: &[u8], cut: impl Fn(usize) -> usize) -> Vec<Frame> {
    let mut reader = FrameReader::new(MAX_BODY);
    let mut out = Vec::new();
    let mut at = 0;
    while at < data.len() {
        let end = (at + cut(at).max(1)).min(data.len());
        reader.push(&data[at..end]);
        while let Some(frame) = reader.next_frame() {
            out.push(frame);
        }
        at = end;
    }
    out
}

fn runtime() -> &'static tokio::runtime::Runtime {
    static RUNTIME: OnceLock<tokio::runtime::Runtime> = OnceLock::new();
    RUNTIME.get_or_init(|| {
        tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .expect("a runtime")
    })
}

fuzz_target!(|data: &[u8]| {
    let whole = frames(data, |_| usize::MAX);
    let seed = data.first().copied().unwrap_or(1) as usize;
    let pieces = frames(data, |at| (at * 31 + seed) % 97 + 1);
    assert_eq!(whole, pieces, "the frames depend on how the input was read");
    for frame in &whole {
        match frame {
            Frame::Body(body) => {
                assert!(body.len() <= MAX_BODY);
                if let Incoming::Invalid { error, .. } = classify(body) {
                    assert!(matches!(
                        error.code,
                        ErrorCode::ParseError
                            | ErrorCode::InvalidRequest
                            | ErrorCode::MethodNotFound
                    ));
                }
            }
            Frame::Unreadable { error, .. } => assert!(matches!(
                error.code,
                ErrorCode::ParseError | ErrorCode::InvalidRequest
            )),
        }
    }

    // The whole server, these bytes as its input, its output discarded.
    let input = data.to_vec();
    runtime().block_on(async move {
        let (outbox, outgoing) = transport::outbox();
        let (service, socket) = LspService::new(move |client| {
            Backend::new(
                client,
                outbox,
                tracing::Level::ERROR,
                Arc::new(AtomicBool::new(false)),
            )
        });
        let options = ServeOptions {
            max_body: MAX_BODY,
            grace: Duration::ZERO,
        };
        let served = transport::serve(
            service,
            socket,
            input.as_slice(),
            tokio::io::sink(),
            outgoing,
            options,
        );
        if tokio::time::timeout(Duration::from_secs(10), served)
            .await
            .is_err()
        {
            panic!("the server did not finish reading its input within 10 s");
        }
    });
});
