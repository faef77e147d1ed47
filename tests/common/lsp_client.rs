//! A small LSP client over a child process's stdio, for end-to-end tests
//! and the latency benchmark: Content-Length framing, request ids, and a
//! reader thread that queues everything the server sends.

#![allow(dead_code)]

use std::io::{BufRead, BufReader, Read, Write};
use std::path::Path;
use std::process::{Child, ChildStdin, Command, ExitStatus, Stdio};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError};
use std::time::{Duration, Instant};

use serde_json::{json, Value};

pub struct LspClient {
    pub child: Child,
    stdin: Option<ChildStdin>,
    incoming: Receiver<(Instant, Value)>,
    /// Notifications and server requests seen while waiting for something else.
    pub backlog: Vec<Value>,
    /// When each backlog message had been read (parallel to `backlog`).
    backlog_arrivals: Vec<Instant>,
    /// When the message `wait_for` returned last had been read off the pipe,
    /// before it was parsed: what latency measurements stop the clock at.
    pub last_arrival: Instant,
    next_id: i64,
    /// While set, the reader thread leaves the server's output in the pipe
    /// (a client slow to read).
    reading_paused: std::sync::Arc<std::sync::atomic::AtomicBool>,
    /// How long `wait_for` waits for one message.
    pub timeout: Duration,
}

pub const TIMEOUT: Duration = Duration::from_secs(20);

impl LspClient {
    pub fn spawn(binary: &Path, args: &[&str]) -> LspClient {
        let mut child = Command::new(binary)
            .args(args)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("start the server");
        let stdin = child.stdin.take().expect("stdin");
        let stdout = child.stdout.take().expect("stdout");
        let (sender, incoming) = mpsc::channel();
        let reading_paused = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
        let paused = std::sync::Arc::clone(&reading_paused);
        std::thread::spawn(move || {
            let mut reader = BufReader::new(stdout);
            loop {
                while paused.load(std::sync::atomic::Ordering::SeqCst) {
                    std::thread::sleep(Duration::from_millis(5));
                }
                let mut length = None;
                loop {
                    let mut line = String::new();
                    match reader.read_line(&mut line) {
                        Ok(0) | Err(_) => return,
                        Ok(_) => {}
                    }
                    let line = line.trim_end();
                    if line.is_empty() {
                        break;
                    }
                    if let Some(value) = line.strip_prefix("Content-Length: ") {
                        length = value.parse::<usize>().ok();
                    }
                }
                let Some(length) = length else { return };
                let mut body = vec![0; length];
                if reader.read_exact(&mut body).is_err() {
                    return;
                }
                let arrived = Instant::now();
                let Ok(message) = serde_json::from_slice::<Value>(&body) else {
                    return;
                };
                if sender.send((arrived, message)).is_err() {
                    return;
                }
            }
        });
        LspClient {
            child,
            stdin: Some(stdin),
            incoming,
            backlog: Vec::new(),
            backlog_arrivals: Vec::new(),
            last_arrival: Instant::now(),
            next_id: 1,
            reading_paused,
            timeout: TIMEOUT,
        }
    }

    pub fn send(&mut self, message: &Value) {
        let body = serde_json::to_string(message).expect("serialise");
        self.send_raw(format!("Content-Length: {}\r\n\r\n{body}", body.len()).as_bytes());
    }

    /// Stops or resumes reading the server's output (after the message
    /// being read, if any).
    pub fn pause_reading(&self, paused: bool) {
        self.reading_paused
            .store(paused, std::sync::atomic::Ordering::SeqCst);
    }

    /// Writes bytes as they are: frames of any shape, or none.
    pub fn send_raw(&mut self, bytes: &[u8]) {
        let stdin = self.stdin.as_mut().expect("the server's input is open");
        stdin.write_all(bytes).expect("write");
        stdin.flush().expect("flush");
    }

    /// Closes the server's input (the client went away).
    pub fn close_input(&mut self) {
        self.stdin = None;
    }

    /// The response to request `id` (its `result` or `error` left in place).
    pub fn response(&mut self, id: &Value) -> Value {
        self.wait_for(|message| message.get("id") == Some(id) && message.get("method").is_none())
    }

    pub fn notify(&mut self, method: &str, params: Value) {
        self.send(&json!({"jsonrpc": "2.0", "method": method, "params": params}));
    }

    /// Sends a request without waiting; returns its id.
    pub fn request_async(&mut self, method: &str, params: Value) -> i64 {
        let id = self.next_id;
        self.next_id += 1;
        self.send(&json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params}));
        id
    }

    /// Sends a request and waits for its response; returns `result` (panics on an error).
    pub fn request(&mut self, method: &str, params: Value) -> Value {
        let id = self.request_async(method, params);
        let mut response = self.wait_for(|message| {
            message.get("id") == Some(&json!(id)) && message.get("method").is_none()
        });
        if let Some(error) = response.get("error") {
            panic!("{method} failed: {error}");
        }
        response
            .get_mut("result")
            .map(Value::take)
            .unwrap_or(Value::Null)
    }

    fn answer_server_request(&mut self, message: &Value) {
        // Server-to-client requests (configuration, progress, registration) get a plain answer.
        if let (Some(id), Some(method)) = (message.get("id"), message.get("method")) {
            let result = match method.as_str() {
                Some("workspace/configuration") => json!([null]),
                Some("workspace/applyEdit") => json!({"applied": true}),
                _ => Value::Null,
            };
            let id = id.clone();
            self.send(&json!({"jsonrpc": "2.0", "id": id, "result": result}));
        }
    }

    /// Waits for the first message matching `wanted` (from the backlog first).
    pub fn wait_for(&mut self, wanted: impl Fn(&Value) -> bool) -> Value {
        if let Some(at) = self.backlog.iter().position(&wanted) {
            self.last_arrival = self.backlog_arrivals.remove(at);
            return self.backlog.remove(at);
        }
        let deadline = Instant::now() + self.timeout;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match self.incoming.recv_timeout(left) {
                Ok((arrived, message)) => {
                    self.answer_server_request(&message);
                    if wanted(&message) {
                        self.last_arrival = arrived;
                        return message;
                    }
                    self.backlog.push(message);
                    self.backlog_arrivals.push(arrived);
                }
                Err(RecvTimeoutError::Timeout) => panic!("timed out; backlog: {:#?}", self.backlog),
                Err(RecvTimeoutError::Disconnected) => {
                    panic!("server closed its output; backlog: {:#?}", self.backlog)
                }
            }
        }
    }

    /// The next `publishDiagnostics` for `uri` at `version`.
    pub fn diagnostics(&mut self, uri: &str, version: i64) -> Vec<Value> {
        let mut message = self.wait_for(|message| {
            message["method"] == "textDocument/publishDiagnostics"
                && message["params"]["uri"] == uri
                && message["params"]["version"] == version
        });
        match message["params"]["diagnostics"].take() {
            Value::Array(diagnostics) => diagnostics,
            _ => Vec::new(),
        }
    }

    /// `initialize` (then `initialized`) as a rich client, VS Code-like:
    /// every optional capability the server can use is declared.
    pub fn initialize(&mut self, encodings: &[&str], root: Option<&str>) -> Value {
        let mut capabilities = rich_capabilities();
        capabilities["general"] = json!({"positionEncodings": encodings});
        self.initialize_with(capabilities, root)
    }

    /// `initialize` (then `initialized`) with exactly these client capabilities.
    pub fn initialize_with(&mut self, capabilities: Value, root: Option<&str>) -> Value {
        let result = self.request(
            "initialize",
            json!({
                "processId": null,
                "rootUri": root,
                "workspaceFolders": root.map(|uri| vec![json!({"uri": uri, "name": "root"})]),
                "capabilities": capabilities,
            }),
        );
        self.notify("initialized", json!({}));
        result
    }

    pub fn open(&mut self, uri: &str, text: &str) {
        self.notify(
            "textDocument/didOpen",
            json!({"textDocument": {"uri": uri, "languageId": "bulletin", "version": 1, "text": text}}),
        );
    }

    pub fn change(&mut self, uri: &str, version: i64, changes: Value) {
        self.notify(
            "textDocument/didChange",
            json!({"textDocument": {"uri": uri, "version": version}, "contentChanges": changes}),
        );
    }

    /// `shutdown` then `exit`; returns the exit status.
    pub fn shutdown(mut self) -> ExitStatus {
        self.request("shutdown", Value::Null);
        self.notify("exit", Value::Null);
        self.wait_exit()
    }

    pub fn wait_exit(&mut self) -> ExitStatus {
        let deadline = Instant::now() + Duration::from_secs(5);
        loop {
            if let Some(status) = self.child.try_wait().expect("wait") {
                return status;
            }
            if Instant::now() > deadline {
                let _ = self.child.kill();
                panic!("server did not exit");
            }
            std::thread::sleep(Duration::from_millis(10));
        }
    }
}

/// What a VS Code-like client declares (the parts this server can use).
pub fn rich_capabilities() -> Value {
    let symbol_kinds: Vec<u32> = (1..=26).collect();
    let completion_kinds: Vec<u32> = (1..=25).collect();
    json!({
        "general": {"positionEncodings": ["utf-16"]},
        "window": {"workDoneProgress": true, "showMessage": {}},
        "workspace": {
            "applyEdit": true,
            "workspaceEdit": {"documentChanges": true},
            "configuration": true,
            "didChangeConfiguration": {"dynamicRegistration": true},
            "didChangeWatchedFiles": {"dynamicRegistration": true},
            "symbol": {"symbolKind": {"valueSet": symbol_kinds}},
            "executeCommand": {},
            "diagnostics": {"refreshSupport": true},
            "semanticTokens": {"refreshSupport": true},
            "workspaceFolders": true
        },
        "textDocument": {
            "synchronization": {"didSave": true},
            "hover": {"contentFormat": ["markdown", "plaintext"]},
            "completion": {
                "completionItem": {
                    "snippetSupport": true,
                    "documentationFormat": ["markdown", "plaintext"],
                    "labelDetailsSupport": true
                },
                "completionItemKind": {"valueSet": completion_kinds},
                "contextSupport": true
            },
            "documentSymbol": {
                "symbolKind": {"valueSet": symbol_kinds},
                "hierarchicalDocumentSymbolSupport": true,
                "labelSupport": true
            },
            "codeAction": {
                "codeActionLiteralSupport": {"codeActionKind": {"valueSet": [
                    "", "quickfix", "refactor", "source", "source.fixAll"
                ]}},
                "isPreferredSupport": true,
                "dataSupport": true
            },
            "rename": {"prepareSupport": true},
            "foldingRange": {
                "lineFoldingOnly": true,
                "foldingRangeKind": {"valueSet": ["comment", "imports", "region"]},
                "foldingRange": {"collapsedText": true}
            },
            "publishDiagnostics": {
                "relatedInformation": true,
                "versionSupport": true,
                "tagSupport": {"valueSet": [1, 2]},
                "codeDescriptionSupport": true,
                "dataSupport": true
            },
            "semanticTokens": {
                "requests": {"range": true, "full": {"delta": true}},
                "tokenTypes": [],
                "tokenModifiers": [],
                "formats": ["relative"]
            },
            "inlayHint": {},
            "selectionRange": {},
            "documentHighlight": {},
            "references": {},
            "definition": {"linkSupport": true}
        }
    })
}

impl Drop for LspClient {
    fn drop(&mut self) {
        if let Ok(None) = self.child.try_wait() {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}
