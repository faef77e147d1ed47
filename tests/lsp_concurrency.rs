//! Many large requests in flight at once, with a client slow to read: every
//! reply arrives, exactly once, equal to the answer the same request gets
//! alone. (Large replies are serialised by their handlers and written from
//! those bytes; none may be dropped or replaced, whatever the backlog.)

#[path = "../benches/common/archive.rs"]
mod archive;
#[path = "common/lsp_client.rs"]
mod lsp_client;

use std::collections::HashMap;
use std::path::Path;
use std::time::Duration;

use lsp_client::LspClient;
use serde_json::{json, Value};

const URI: &str = "file:///concurrency/archive.bulletin";

/// The parts of a reply that do not depend on when it was asked for
/// (semantic tokens carry a fresh result id each time).
fn stable(method: &str, result: &Value) -> Value {
    match method {
        "textDocument/semanticTokens/full" => result["data"].clone(),
        _ => result.clone(),
    }
}

#[test]
fn two_hundred_concurrent_large_requests_with_a_slow_reader() {
    let text = archive::generate(5 * 1024 * 1024);
    let mut client = LspClient::spawn(Path::new(env!("CARGO_BIN_EXE_bulletin")), &["lsp"]);
    // A debug build on a loaded machine: the first answers on 5 MB take a while.
    client.timeout = Duration::from_secs(300);
    client.initialize(&["utf-16"], None);
    client.open(URI, &text);
    let document = json!({"uri": URI});
    let hover_lines = [2, 4000, 30_000];
    let mut requests: Vec<(&str, Value)> = vec![
        (
            "textDocument/documentSymbol",
            json!({"textDocument": document}),
        ),
        (
            "textDocument/semanticTokens/full",
            json!({"textDocument": document}),
        ),
    ];
    for line in hover_lines {
        requests.push((
            "textDocument/hover",
            json!({"textDocument": document, "position": {"line": line, "character": 2}}),
        ));
    }
    // Each request alone first.
    let alone: Vec<Value> = requests
        .iter()
        .map(|(method, params)| stable(method, &client.request(method, params.clone())))
        .collect();
    assert!(alone[0].to_string().len() > 1_000_000, "a large outline");
    assert!(alone[1].as_array().is_some_and(|data| data.len() > 50_000));

    // Then 200 at once, while the client does not read for two seconds.
    client.pause_reading(true);
    let mut sent = HashMap::new();
    for n in 0..200 {
        let which = n % requests.len();
        let (method, params) = &requests[which];
        sent.insert(client.request_async(method, params.clone()), which);
    }
    std::thread::sleep(Duration::from_secs(2));
    client.pause_reading(false);
    for (id, which) in sent {
        let response = client.response(&json!(id));
        let method = requests[which].0;
        let result = response
            .get("result")
            .unwrap_or_else(|| panic!("{method} #{id} failed: {response}"));
        assert!(
            stable(method, result) == alone[which],
            "{method} #{id}: the reply differs from the same request's alone ({} bytes)",
            result.to_string().len()
        );
    }
    let duplicates = client
        .backlog
        .iter()
        .filter(|message| message.get("method").is_none())
        .count();
    assert_eq!(duplicates, 0, "replies nobody asked for");
    assert!(client.shutdown().success());
}
