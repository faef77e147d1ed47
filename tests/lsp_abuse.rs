//! The protocol-abuse suite: every case a hostile, buggy or merely unusual
//! client has been seen to send, each in a fresh server. The server answers
//! with the JSON-RPC error that fits (and the request's id when it can be
//! read), skips what it cannot read, and goes on serving: each case ends by
//! checking that the same server still answers, then shuts down cleanly.

#[path = "common/lsp_client.rs"]
mod lsp_client;

use std::path::Path;
use std::time::Duration;

use lsp_client::LspClient;
use serde_json::{json, Value};

const PAGE: &str = "Grain exports rise — “again” 🌾\n\nALMATY, MARCH 10 2017 (The Conway Bulletin) — Exports of grain rose, the ministry said.\n\n(News report from Issue No. 320, published on March 13 2017)\n";

fn binary() -> &'static Path {
    Path::new(env!("CARGO_BIN_EXE_bulletin"))
}

fn server(args: &[&str]) -> LspClient {
    let mut all = vec!["lsp"];
    all.extend_from_slice(args);
    LspClient::spawn(binary(), &all)
}

/// A server past `initialize`, with one document open.
fn ready() -> LspClient {
    let mut client = server(&[]);
    client.request("initialize", json!({"processId": null, "capabilities": {}}));
    client.notify("initialized", json!({}));
    client.open("file:///abuse/page.bulletin", PAGE);
    client
}

fn frame(body: &[u8]) -> Vec<u8> {
    let mut framed = format!("Content-Length: {}\r\n\r\n", body.len()).into_bytes();
    framed.extend_from_slice(body);
    framed
}

fn error_code(response: &Value) -> i64 {
    response["error"]["code"]
        .as_i64()
        .unwrap_or_else(|| panic!("not an error: {response}"))
}

/// The error the server answers to `bytes`, which carry a request `id`.
fn answer_to(client: &mut LspClient, bytes: &[u8], id: Value) -> i64 {
    client.send_raw(bytes);
    let response = client.response(&id);
    error_code(&response)
}

/// A fresh server answers the frame carrying `body` with error `code`
/// under `id`, and goes on serving.
fn rejected(body: &[u8], id: Value, code: i64) {
    let mut client = ready();
    assert_eq!(answer_to(&mut client, &frame(body), id), code);
    still_serving(client);
}

/// The same server still answers a real request (an outline of the open
/// page), then shuts down with status 0.
fn still_serving(mut client: LspClient) {
    let symbols = client.request(
        "textDocument/documentSymbol",
        json!({"textDocument": {"uri": "file:///abuse/page.bulletin"}}),
    );
    assert!(
        symbols
            .as_array()
            .is_some_and(|symbols| !symbols.is_empty()),
        "no outline after the abuse: {symbols}"
    );
    assert!(client.shutdown().success());
}

fn rss_kib(client: &LspClient) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{}/status", client.child.id()))
        .expect("the server's /proc status");
    status
        .lines()
        .find_map(|line| line.strip_prefix("VmRSS:"))
        .and_then(|value| value.trim().trim_end_matches("kB").trim().parse().ok())
        .expect("VmRSS")
}

// Bodies that are not JSON: -32700, under the id when it can be read.

#[test]
fn malformed_json_with_a_readable_id() {
    let mut client = ready();
    let code = answer_to(
        &mut client,
        &frame(br#"{"jsonrpc":"2.0","id":50,"method":"textDocument/hover","params":{"#),
        json!(50),
    );
    assert_eq!(code, -32700);
    still_serving(client);
}

#[test]
fn malformed_json_without_an_id() {
    let mut client = ready();
    assert_eq!(
        answer_to(&mut client, &frame(b"{not json at all"), Value::Null),
        -32700
    );
    still_serving(client);
}

#[test]
fn non_utf8_bytes_in_a_body() {
    rejected(b"{\"jsonrpc\":\"2.0\",\"id\":51,\"method\":\"textDocument/hover\",\"params\":\"\xff\xfe\"}", json!(51), -32700);
}

#[test]
fn deeply_nested_json() {
    let mut client = ready();
    let body = format!(
        r#"{{"jsonrpc":"2.0","id":52,"method":"textDocument/hover","params":{}{}}}"#,
        "[".repeat(100_000),
        "]".repeat(100_000)
    );
    assert_eq!(
        answer_to(&mut client, &frame(body.as_bytes()), json!(52)),
        -32700
    );
    still_serving(client);
}

#[test]
fn an_empty_body() {
    rejected(b"", Value::Null, -32700);
}

// JSON that is not a request: -32600.

#[test]
fn a_batch_array() {
    rejected(
        br#"[{"jsonrpc":"2.0","id":53,"method":"shutdown"}]"#,
        Value::Null,
        -32600,
    );
}

#[test]
fn a_request_without_a_method() {
    rejected(
        br#"{"jsonrpc":"2.0","id":54,"params":{}}"#,
        json!(54),
        -32600,
    );
}

#[test]
fn a_method_that_is_not_a_string() {
    rejected(
        br#"{"jsonrpc":"2.0","id":55,"method":["hover"]}"#,
        json!(55),
        -32600,
    );
}

#[test]
fn a_fractional_id() {
    rejected(
        br#"{"jsonrpc":"2.0","id":5.5,"method":"shutdown"}"#,
        Value::Null,
        -32600,
    );
}

#[test]
fn json_rpc_one() {
    rejected(
        br#"{"jsonrpc":"1.0","id":56,"method":"shutdown"}"#,
        json!(56),
        -32600,
    );
}

#[test]
fn a_json_null_body() {
    rejected(b"null", Value::Null, -32600);
}

// Methods: unknown ones -32601, `$/` notifications ignored.

#[test]
fn an_unknown_dollar_request() {
    rejected(
        br#"{"jsonrpc":"2.0","id":57,"method":"$/somethingNew","params":{}}"#,
        json!(57),
        -32601,
    );
}

#[test]
fn an_unknown_request() {
    rejected(
        br#"{"jsonrpc":"2.0","id":58,"method":"textDocument/noSuchThing","params":{}}"#,
        json!(58),
        -32601,
    );
}

#[test]
fn an_unknown_dollar_notification_gets_no_answer() {
    let mut client = ready();
    client.notify("$/somethingNew", json!({"x": 1}));
    client.notify("$/cancelRequest", json!({"id": 999}));
    client.notify("$/setTrace", json!({"value": "verbose"}));
    let symbols = client.request(
        "textDocument/documentSymbol",
        json!({"textDocument": {"uri": "file:///abuse/page.bulletin"}}),
    );
    assert!(symbols.is_array());
    let stray = client
        .backlog
        .iter()
        .filter(|message| message.get("method").is_none())
        .count();
    assert_eq!(stray, 0, "answers to notifications: {:?}", client.backlog);
    still_serving(client);
}

#[test]
fn a_notification_with_bad_params_or_method() {
    let mut client = ready();
    client.send_raw(&frame(
        br#"{"jsonrpc":"2.0","method":"textDocument/didOpen","params":"a string"}"#,
    ));
    client.send_raw(&frame(br#"{"jsonrpc":"2.0","method":5}"#));
    still_serving(client);
}

#[test]
fn wrongly_typed_params() {
    rejected(br#"{"jsonrpc":"2.0","id":59,"method":"textDocument/hover","params":{"textDocument":5,"position":"here"}}"#, json!(59), -32602);
}

#[test]
fn a_response_to_nothing() {
    let mut client = ready();
    client.send_raw(&frame(br#"{"jsonrpc":"2.0","id":123456,"result":{"x":1}}"#));
    client.send_raw(&frame(
        br#"{"jsonrpc":"2.0","id":"nope","error":{"code":-1,"message":"?"}}"#,
    ));
    still_serving(client);
}

// Headers.

#[test]
fn lower_case_content_length() {
    let mut client = ready();
    let body = br#"{"jsonrpc":"2.0","id":60,"method":"textDocument/noSuchThing"}"#;
    let bytes = format!("content-length: {}\r\n\r\n", body.len());
    let mut bytes = bytes.into_bytes();
    bytes.extend_from_slice(body);
    assert_eq!(answer_to(&mut client, &bytes, json!(60)), -32601);
    still_serving(client);
}

#[test]
fn content_type_without_charset_and_with_others() {
    let mut client = ready();
    for (id, content_type) in [
        (61, "application/vscode-jsonrpc"),
        (62, "application/vscode-jsonrpc; charset=utf8"),
        (63, "application/vscode-jsonrpc; charset=\"UTF-8\""),
    ] {
        let body = format!(r#"{{"jsonrpc":"2.0","id":{id},"method":"textDocument/noSuchThing"}}"#);
        let bytes = format!(
            "Content-Length: {}\r\nContent-Type: {content_type}\r\n\r\n{body}",
            body.len()
        );
        assert_eq!(answer_to(&mut client, bytes.as_bytes(), json!(id)), -32601);
    }
    still_serving(client);
}

#[test]
fn header_lines_ending_in_a_bare_newline() {
    let mut client = ready();
    let body = br#"{"jsonrpc":"2.0","id":64,"method":"textDocument/noSuchThing"}"#;
    let mut bytes = format!(
        "Content-Length: {}\nContent-Type: application/vscode-jsonrpc\n\n",
        body.len()
    )
    .into_bytes();
    bytes.extend_from_slice(body);
    assert_eq!(answer_to(&mut client, &bytes, json!(64)), -32601);
    still_serving(client);
}

/// Bytes the reader cannot take as a frame, then a good frame (request
/// `id`): the bad bytes are answered (`skipped_code`, id null) when they
/// look like a frame, and the good one is served.
fn skipped_then_served(bad: &[u8], id: i64, skipped_code: Option<i64>) {
    let mut client = ready();
    let mut bytes = bad.to_vec();
    let body = format!(r#"{{"jsonrpc":"2.0","id":{id},"method":"textDocument/noSuchThing"}}"#);
    bytes.extend(frame(body.as_bytes()));
    client.send_raw(&bytes);
    if let Some(code) = skipped_code {
        assert_eq!(error_code(&client.response(&Value::Null)), code);
    }
    assert_eq!(error_code(&client.response(&json!(id))), -32601);
    still_serving(client);
}

#[test]
fn a_missing_content_length() {
    skipped_then_served(
        b"Content-Type: application/vscode-jsonrpc\r\n\r\n{\"jsonrpc\":\"2.0\",\"id\":65,\"method\":\"shutdown\"}",
        66,
        Some(-32700),
    );
}

#[test]
fn a_content_length_too_large_to_parse() {
    skipped_then_served(
        b"Content-Length: 99999999999999999999999999999\r\n\r\n{}",
        67,
        Some(-32700),
    );
}

#[test]
fn a_header_line_without_a_colon() {
    skipped_then_served(
        b"Content-Length 20\r\n\r\n{\"broken\": \"frame\"}",
        68,
        Some(-32700),
    );
}

#[test]
fn garbage_before_a_frame() {
    skipped_then_served(b"hello there\r\n\r\n", 69, None);
}

#[test]
fn a_message_over_the_configured_maximum() {
    let mut client = server(&["--max-message-size", "2000"]);
    client.request("initialize", json!({"processId": null, "capabilities": {}}));
    client.notify("initialized", json!({}));
    client.open("file:///abuse/page.bulletin", PAGE);
    let body = format!(
        r#"{{"jsonrpc":"2.0","id":70,"method":"textDocument/didOpen","params":{{"text":"{}"}}}}"#,
        "x".repeat(5000)
    );
    assert_eq!(
        answer_to(&mut client, &frame(body.as_bytes()), json!(70)),
        -32600
    );
    still_serving(client);
}

#[test]
fn a_two_gigabyte_claim_with_no_body() {
    let mut client = ready();
    client.send_raw(b"Content-Length: 2000000000\r\n\r\n{\"jsonrpc\":\"2.0\",");
    std::thread::sleep(Duration::from_millis(300));
    let rss = rss_kib(&client);
    assert!(
        rss < 64 * 1024,
        "RSS {rss} KiB while waiting for a 2 GB body"
    );
    // The body never comes; the client goes away: the server ends (status 1,
    // no shutdown).
    client.close_input();
    assert_eq!(client.wait_exit().code(), Some(1));
}

#[test]
fn input_ending_inside_a_body() {
    let mut client = ready();
    client.send_raw(b"Content-Length: 100\r\n\r\n{\"jsonrpc\":");
    client.close_input();
    assert_eq!(client.wait_exit().code(), Some(1));
}

// Lifecycle.

#[test]
fn a_request_before_initialize() {
    let mut client = server(&[]);
    let body = br#"{"jsonrpc":"2.0","id":71,"method":"textDocument/documentSymbol","params":{"textDocument":{"uri":"file:///a.bulletin"}}}"#;
    assert_eq!(answer_to(&mut client, &frame(body), json!(71)), -32002);
    client.request("initialize", json!({"processId": null, "capabilities": {}}));
    client.notify("initialized", json!({}));
    client.open("file:///abuse/page.bulletin", PAGE);
    still_serving(client);
}

#[test]
fn a_second_initialize() {
    rejected(
        br#"{"jsonrpc":"2.0","id":72,"method":"initialize","params":{"capabilities":{}}}"#,
        json!(72),
        -32600,
    );
}

#[test]
fn requests_after_shutdown() {
    let mut client = ready();
    client.request("shutdown", Value::Null);
    let body = br#"{"jsonrpc":"2.0","id":73,"method":"textDocument/documentSymbol","params":{"textDocument":{"uri":"file:///abuse/page.bulletin"}}}"#;
    assert_eq!(answer_to(&mut client, &frame(body), json!(73)), -32600);
    let body = br#"{"jsonrpc":"2.0","id":74,"method":"shutdown"}"#;
    assert_eq!(answer_to(&mut client, &frame(body), json!(74)), -32600);
    client.notify("exit", Value::Null);
    assert_eq!(client.wait_exit().code(), Some(0));
}

#[test]
fn exit_without_shutdown() {
    let mut client = ready();
    client.notify("exit", Value::Null);
    assert_eq!(client.wait_exit().code(), Some(1));
}

// Documents.

fn outline(client: &mut LspClient, uri: &str) -> Value {
    client.request(
        "textDocument/documentSymbol",
        json!({"textDocument": {"uri": uri}}),
    )
}

#[test]
fn a_thousand_rapid_edits_then_an_outline_equal_to_a_fresh_servers() {
    let mut client = ready();
    let uri = "file:///abuse/page.bulletin";
    let mut text = PAGE.to_string();
    // Type in the lead (line 2, after "ALMATY, "), and every tenth time
    // delete a character: the text keeps changing shape.
    let lead_at = text.find("MARCH").expect("the dateline's month");
    for version in 2..1002 {
        let at = json!({"line": 2, "character": 8});
        let past = json!({"line": 2, "character": 9});
        if version % 10 == 0 {
            text.remove(lead_at);
            client.change(
                uri,
                version,
                json!([{"range": {"start": at, "end": past}, "text": ""}]),
            );
        } else {
            text.insert(lead_at, 'Z');
            client.change(
                uri,
                version,
                json!([{"range": {"start": at, "end": at}, "text": "Z"}]),
            );
        }
    }
    let edited = outline(&mut client, uri);
    assert!(edited.as_array().is_some_and(|s| !s.is_empty()), "{edited}");
    // A fresh server given the final text under the same name.
    let mut fresh = server(&[]);
    fresh.request("initialize", json!({"processId": null, "capabilities": {}}));
    fresh.notify("initialized", json!({}));
    fresh.open(uri, &text);
    assert_eq!(edited, outline(&mut fresh, uri));
    still_serving(client);
    still_serving(fresh);
}

#[test]
fn versions_going_backwards() {
    let mut client = ready();
    let uri = "file:///abuse/page.bulletin";
    let at_start =
        json!({"start": {"line": 0, "character": 0}, "end": {"line": 0, "character": 0}});
    client.change(uri, 5, json!([{"range": at_start, "text": "A"}]));
    client.change(uri, 3, json!([{"range": at_start, "text": "B"}]));
    client.change(uri, 3, json!([{"range": at_start, "text": "C"}]));
    still_serving(client);
}

#[test]
fn ranges_past_the_end() {
    let mut client = ready();
    let uri = "file:///abuse/page.bulletin";
    client.change(
        uri,
        2,
        json!([{"range": {"start": {"line": 900, "character": 5}, "end": {"line": 1000, "character": 0}}, "text": "tail"},
               {"range": {"start": {"line": 0, "character": 9000}, "end": {"line": 0, "character": 9001}}, "text": "!"},
               {"range": {"start": {"line": 0, "character": 5}, "end": {"line": 0, "character": 2}}, "text": ""}]),
    );
    let hover = client.request(
        "textDocument/hover",
        json!({"textDocument": {"uri": uri}, "position": {"line": 5000, "character": 5000}}),
    );
    assert!(hover.is_null() || hover.is_object());
    still_serving(client);
}

#[test]
fn a_surrogate_pair_split_by_an_edit() {
    let mut client = ready();
    let uri = "file:///abuse/page.bulletin";
    // "Grain exports rise — “again” 🌾": the emoji's two UTF-16 units start
    // at character 29; insert between them, then delete across one half.
    client.change(uri, 2, json!([{"range": {"start": {"line": 0, "character": 30}, "end": {"line": 0, "character": 30}}, "text": "x"}]));
    client.change(uri, 3, json!([{"range": {"start": {"line": 0, "character": 30}, "end": {"line": 0, "character": 32}}, "text": "🌾"}]));
    still_serving(client);
}

#[test]
fn odd_uris() {
    let mut client = ready();
    for uri in [
        "untitled:Untitled-1",
        "file:///abuse/a%20b%E2%80%94c.bulletin",
        "file:///C:/Users/ed/page.bulletin",
        "vscode-notebook-cell:/x.ipynb#W0sZmlsZQ%3D%3D",
        "file://server/share/page.bulletin",
    ] {
        client.open(uri, PAGE);
        let symbols = outline(&mut client, uri);
        assert!(
            symbols.as_array().is_some_and(|s| !s.is_empty()),
            "{uri}: {symbols}"
        );
    }
    still_serving(client);
}

#[cfg(unix)]
#[test]
fn a_hostile_workspace_folder() {
    let folder = tempfile::tempdir().expect("temp dir");
    let root = folder.path();
    std::fs::write(root.join("page.bulletin"), PAGE).expect("write");
    std::os::unix::fs::symlink(root, root.join("loop")).expect("symlink loop");
    std::os::unix::fs::symlink(root.join("nowhere"), root.join("dangling.bulletin"))
        .expect("dangling");
    let fifo = root.join("fifo.bulletin");
    assert!(std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .expect("mkfifo")
        .success());
    let _socket =
        std::os::unix::net::UnixListener::bind(root.join("socket.bulletin")).expect("socket");
    let uri = format!("file://{}", root.display());
    let mut client = server(&[]);
    client.initialize(&["utf-16"], Some(&uri));
    client.open("file:///abuse/page.bulletin", PAGE);
    let symbols = client.request("workspace/symbol", json!({"query": "grain"}));
    assert!(
        symbols.as_array().is_some_and(|s| !s.is_empty()),
        "{symbols}"
    );
    still_serving(client);
}
