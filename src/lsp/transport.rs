//! The base protocol, read and written here rather than by tower-lsp's
//! transport: frames in, JSON-RPC messages out, and back.
//!
//! tower-lsp-server's own transport ends the server on the first frame it
//! cannot read (tokio-util's framed reader stops after an error) and builds
//! a `serde_json::Value` of every reply. This one never stops before `exit`
//! or the end of input: a frame it cannot read is answered with the JSON-RPC
//! error that fits (`-32700` for bytes that are not JSON, `-32600` for JSON
//! that is not a request, with the request's id whenever one can be read),
//! logged, and skipped. Large replies and notifications are written from
//! their serialised bytes (`wire`), with no placeholder and no capacity:
//! a reply lives until it is written or its request is dropped.
//!
//! [`FrameReader`] and [`classify`] are plain functions of bytes (no I/O),
//! so they are unit-tested and fuzzed directly; [`serve`] wires them to
//! tower-lsp-server's `LspService` (method routing, `$/cancelRequest`, the
//! initialize/shutdown states) and to stdin/stdout.

use std::borrow::Cow;
use std::future::Future;

use futures::channel::mpsc;
use futures::{SinkExt, StreamExt};
use serde_json::Value;
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};
use tower_lsp_server::jsonrpc::{Error, ErrorCode, Id, Request, Response};
use tower_lsp_server::ClientSocket;
use tower_service::Service;

use super::wire::{self, Payload};

/// The largest message body read by default (`bulletin lsp --max-message-size`):
/// far above any real archive page, far below what would exhaust memory.
pub const DEFAULT_MAX_MESSAGE_BYTES: usize = 256 * 1024 * 1024;

/// A header block longer than this without its blank line is not a header.
const MAX_HEADER_BYTES: usize = 8 * 1024;

/// How many requests are handled at once (as tower-lsp's transport).
const MAX_CONCURRENCY: usize = 4;

/// How the server reads and when it stops.
#[derive(Debug, Clone, Copy)]
pub struct ServeOptions {
    /// The largest message body read; a larger one is answered and skipped.
    pub max_body: usize,
    /// How long in-flight replies may still be written once input has ended
    /// (after `exit`, handlers waiting for the client never finish).
    pub grace: std::time::Duration,
}

impl ServeOptions {
    pub fn new(max_body: usize) -> ServeOptions {
        ServeOptions {
            max_body,
            grace: std::time::Duration::from_millis(50),
        }
    }
}

/// What the reader found next in the input.
#[derive(Debug, PartialEq)]
pub enum Frame {
    /// A whole message body.
    Body(Vec<u8>),
    /// A frame that cannot be read; its bytes are being skipped. Answered
    /// with `error` (and the id, when the start of the body showed one).
    Unreadable { id: Id, error: Error },
}

#[derive(Debug)]
enum ReadState {
    /// Waiting for a header block.
    Header,
    /// Waiting for a body of this many bytes.
    Body(usize),
    /// Discarding a body too large to keep; `seen` holds its first bytes
    /// (to find the request's id), `left` is what remains to discard.
    Skipping { left: u64, seen: Vec<u8> },
    /// Lost the frame boundaries (no or bad `Content-Length`): discarding
    /// input up to the next `Content-Length` header.
    Resync,
}

/// Turns a byte stream into frames, tolerant of what real clients send:
/// header names in any case, `\n` as well as `\r\n` between header lines,
/// `Content-Type` with or without a charset, blank lines between frames.
/// Never holds more than one body (bounded by the maximum) plus a header.
#[derive(Debug)]
pub struct FrameReader {
    buffer: Vec<u8>,
    state: ReadState,
    max_body: usize,
}

/// How much of a skipped body is kept to look for its id.
const ID_SEARCH_BYTES: usize = 4096;

impl FrameReader {
    pub fn new(max_body: usize) -> FrameReader {
        FrameReader {
            buffer: Vec::new(),
            state: ReadState::Header,
            max_body,
        }
    }

    /// Takes more input; call [`FrameReader::next_frame`] until it says `None`.
    pub fn push(&mut self, bytes: &[u8]) {
        self.buffer.extend_from_slice(bytes);
    }

    /// The next complete frame, or `None` until more input arrives.
    pub fn next_frame(&mut self) -> Option<Frame> {
        loop {
            match &mut self.state {
                ReadState::Header => {
                    let blank = self
                        .buffer
                        .iter()
                        .take_while(|&&byte| matches!(byte, b'\r' | b'\n'))
                        .count();
                    self.buffer.drain(..blank);
                    let Some((header_end, body_start)) = header_end(&self.buffer) else {
                        if self.buffer.len() > MAX_HEADER_BYTES {
                            self.state = ReadState::Resync;
                            return Some(unreadable_header("a header longer than 8 KiB"));
                        }
                        return None;
                    };
                    let header = read_header(&self.buffer[..header_end]);
                    self.buffer.drain(..body_start);
                    match header {
                        Ok(length) if length <= self.max_body as u64 => {
                            // Fits in usize: at most `max_body`.
                            self.state = ReadState::Body(length as usize);
                        }
                        Ok(length) => {
                            self.state = ReadState::Skipping {
                                left: length,
                                seen: Vec::new(),
                            };
                        }
                        Err(why) => {
                            self.state = ReadState::Resync;
                            return Some(unreadable_header(why));
                        }
                    }
                }
                ReadState::Body(length) => {
                    let length = *length;
                    if self.buffer.len() < length {
                        return None;
                    }
                    let rest = self.buffer.split_off(length);
                    let body = std::mem::replace(&mut self.buffer, rest);
                    self.state = ReadState::Header;
                    return Some(Frame::Body(body));
                }
                ReadState::Skipping { left, seen } => {
                    let take = self
                        .buffer
                        .len()
                        .min(usize::try_from(*left).unwrap_or(usize::MAX));
                    let keep = take.min(ID_SEARCH_BYTES.saturating_sub(seen.len()));
                    seen.extend_from_slice(&self.buffer[..keep]);
                    self.buffer.drain(..take);
                    *left -= take as u64;
                    if *left > 0 {
                        return None;
                    }
                    let id = top_level_id(seen).unwrap_or(Id::Null);
                    let message = format!(
                        "message body too large: more than {} bytes (see --max-message-size)",
                        self.max_body
                    );
                    self.state = ReadState::Header;
                    return Some(Frame::Unreadable {
                        id,
                        error: error(ErrorCode::InvalidRequest, message),
                    });
                }
                ReadState::Resync => {
                    const NEEDLE: &[u8] = b"content-length";
                    let found = self
                        .buffer
                        .windows(NEEDLE.len())
                        .position(|window| window.eq_ignore_ascii_case(NEEDLE));
                    match found {
                        Some(at) => {
                            self.buffer.drain(..at);
                            self.state = ReadState::Header;
                        }
                        None => {
                            // Keep a tail that may be the start of the needle.
                            let keep = NEEDLE.len() - 1;
                            let cut = self.buffer.len().saturating_sub(keep);
                            self.buffer.drain(..cut);
                            return None;
                        }
                    }
                }
            }
        }
    }
}

/// Where the header block at the start of `buffer` ends, and where its body
/// starts: at the first empty line (`\r\n\r\n`, or `\n\n` from lax clients).
fn header_end(buffer: &[u8]) -> Option<(usize, usize)> {
    let mut line_start = 0;
    for (at, &byte) in buffer.iter().enumerate() {
        if byte != b'\n' {
            continue;
        }
        let line = &buffer[line_start..at];
        if line.is_empty() || line == b"\r" {
            return Some((line_start, at + 1));
        }
        line_start = at + 1;
    }
    None
}

/// The body length a header block announces, or why it cannot be read.
fn read_header(header: &[u8]) -> Result<u64, &'static str> {
    let header = std::str::from_utf8(header).map_err(|_| "a header that is not text")?;
    let mut length = None;
    for line in header.lines() {
        let line = line.trim_end_matches('\r');
        let Some((name, value)) = line.split_once(':') else {
            return Err("a header line without a colon");
        };
        let value = value.trim();
        if name.trim().eq_ignore_ascii_case("content-length") {
            let parsed = value
                .parse::<u64>()
                .map_err(|_| "a Content-Length that is not a byte count")?;
            length = Some(parsed);
        } else if name.trim().eq_ignore_ascii_case("content-type") {
            // UTF-8 is the default and the only encoding LSP allows; `utf8`
            // is accepted for old clients. Anything else is read as UTF-8
            // all the same (a body that is not is answered -32700).
            let charset = value
                .split(';')
                .skip(1)
                .filter_map(|param| param.split_once('='))
                .find(|(key, _)| key.trim().eq_ignore_ascii_case("charset"))
                .map(|(_, charset)| charset.trim().trim_matches('"'));
            if let Some(charset) = charset {
                if !charset.eq_ignore_ascii_case("utf-8") && !charset.eq_ignore_ascii_case("utf8") {
                    tracing::warn!("Content-Type charset {charset:?}: reading as UTF-8");
                }
            }
        }
    }
    length.ok_or("a header without Content-Length")
}

fn unreadable_header(why: &str) -> Frame {
    Frame::Unreadable {
        id: Id::Null,
        error: error(ErrorCode::ParseError, format!("unreadable message: {why}")),
    }
}

fn error(code: ErrorCode, message: String) -> Error {
    Error {
        code,
        message: Cow::Owned(message),
        data: None,
    }
}

/// What a message body asks of the server.
#[derive(Debug)]
pub enum Incoming {
    /// A request or notification for the service.
    Request(Request),
    /// The client's answer to a request of the server's.
    Response(Response),
    /// Answer with this error and go on.
    Invalid { id: Id, error: Error },
    /// Nothing to do (a notification that cannot be answered); why, for the log.
    Ignored(String),
}

/// Reads one message body. Never fails: whatever the bytes, says what to do.
pub fn classify(body: &[u8]) -> Incoming {
    let value: Value = match serde_json::from_slice(body) {
        Ok(value) => value,
        Err(err) => {
            return Incoming::Invalid {
                id: top_level_id(body).unwrap_or(Id::Null),
                error: error(ErrorCode::ParseError, format!("not JSON: {err}")),
            }
        }
    };
    let Value::Object(object) = &value else {
        let message = if value.is_array() {
            "a batch: LSP sends one message per frame".to_string()
        } else {
            "a message must be a JSON object".to_string()
        };
        return Incoming::Invalid {
            id: Id::Null,
            error: error(ErrorCode::InvalidRequest, message),
        };
    };
    let id = match object.get("id") {
        None => None,
        Some(id) => match serde_json::from_value::<Id>(id.clone()) {
            Ok(id) => Some(id),
            Err(_) => {
                return Incoming::Invalid {
                    id: Id::Null,
                    error: error(
                        ErrorCode::InvalidRequest,
                        "an id must be an integer or a string".to_string(),
                    ),
                }
            }
        },
    };
    let invalid = |message: &str| match &id {
        Some(id) => Incoming::Invalid {
            id: id.clone(),
            error: error(ErrorCode::InvalidRequest, message.to_string()),
        },
        None => Incoming::Ignored(message.to_string()),
    };
    if object.get("jsonrpc").and_then(Value::as_str) != Some("2.0") {
        return invalid("not a JSON-RPC 2.0 message (\"jsonrpc\": \"2.0\")");
    }
    match object.get("method") {
        Some(Value::String(method)) => {
            if let (Some(id), true) = (&id, method.starts_with("$/")) {
                // `$/` methods are notifications; a request is never one we know.
                return Incoming::Invalid {
                    id: id.clone(),
                    error: Error {
                        code: ErrorCode::MethodNotFound,
                        message: Cow::Owned(format!("no request {method}")),
                        data: None,
                    },
                };
            }
            match serde_json::from_value::<Request>(value) {
                Ok(request) => Incoming::Request(request),
                Err(err) => invalid(&format!("malformed request: {err}")),
            }
        }
        Some(_) => invalid("a method must be a string"),
        None if object.contains_key("result") || object.contains_key("error") => {
            match serde_json::from_value::<Response>(value) {
                Ok(response) => Incoming::Response(response),
                Err(err) => Incoming::Ignored(format!("malformed response: {err}")),
            }
        }
        None => match id {
            Some(id) => Incoming::Invalid {
                id,
                error: error(
                    ErrorCode::InvalidRequest,
                    "a request without a method".to_string(),
                ),
            },
            None => Incoming::Invalid {
                id: Id::Null,
                error: error(
                    ErrorCode::InvalidRequest,
                    "neither a request nor a response".to_string(),
                ),
            },
        },
    }
}

/// The `id` member of the JSON object at the start of `bytes`, read without
/// parsing the whole (it may be truncated or malformed after the id): so
/// that an unreadable request can still be answered under its id.
pub fn top_level_id(bytes: &[u8]) -> Option<Id> {
    let mut depth = 0usize;
    let mut at = 0;
    let mut expect_key = false;
    while at < bytes.len() {
        match bytes[at] {
            b'{' => {
                depth += 1;
                expect_key = depth == 1;
            }
            b'[' => depth += 1,
            b'}' | b']' => depth = depth.checked_sub(1)?,
            b',' => expect_key = depth == 1,
            b'"' => {
                let end = string_end(bytes, at)?;
                if depth == 1 && expect_key && &bytes[at..=end] == b"\"id\"" {
                    return id_value(&bytes[end + 1..]);
                }
                expect_key = false;
                at = end;
            }
            _ => {}
        }
        if depth == 0 && at > 0 {
            return None;
        }
        at += 1;
    }
    None
}

/// Index of the quote that closes the string opening at `start`.
fn string_end(bytes: &[u8], start: usize) -> Option<usize> {
    let mut at = start + 1;
    while at < bytes.len() {
        match bytes[at] {
            b'\\' => at += 2,
            b'"' => return Some(at),
            _ => at += 1,
        }
    }
    None
}

/// The value after `"id"`: `: 12` or `: "abc"`.
fn id_value(after_key: &[u8]) -> Option<Id> {
    let text = after_key
        .trim_ascii_start()
        .strip_prefix(b":")?
        .trim_ascii_start();
    let end = match text.first()? {
        b'"' => string_end(text, 0)? + 1,
        _ => text
            .iter()
            .position(|byte| !(byte.is_ascii_digit() || *byte == b'-'))
            .unwrap_or(text.len()),
    };
    serde_json::from_slice::<Id>(&text[..end]).ok()
}

/// A message on its way to the client.
pub enum Outgoing {
    /// Built by tower-lsp: a reply, or a request or notification of the server's.
    Response(Response),
    ToClient(Request),
    /// A reply whose result was serialised by its handler (`wire`).
    DirectReply {
        id: Id,
        result: Payload,
    },
    /// A notification whose params were serialised by the server (`wire`).
    DirectNotification {
        method: &'static str,
        params: Payload,
    },
}

/// Where the server sends messages it serialised itself.
#[derive(Clone)]
pub struct Outbox(mpsc::Sender<Outgoing>);

impl Outbox {
    /// Sends a notification whose params are already JSON; waits while the
    /// client is slow to read (bounded memory) and returns false once the
    /// connection is gone.
    pub async fn notify(&mut self, method: &'static str, params: Payload) -> bool {
        self.0
            .send(Outgoing::DirectNotification { method, params })
            .await
            .is_ok()
    }
}

/// A channel for outgoing messages; the receiver goes to [`serve`].
pub fn outbox() -> (Outbox, mpsc::Receiver<Outgoing>) {
    let (sender, receiver) = mpsc::channel(16);
    (Outbox(sender), receiver)
}

/// The bytes of a frame carrying `message`, in pieces (a direct payload is
/// not copied).
fn frame(message: Outgoing) -> Vec<Vec<u8>> {
    let json = |value: &dyn erased::Json| value.to_json();
    let pieces = match message {
        Outgoing::Response(response) => vec![json(&response)],
        Outgoing::ToClient(request) => vec![json(&request)],
        Outgoing::DirectReply { id, result } => {
            let mut pieces = vec![br#"{"jsonrpc":"2.0","result":"#.to_vec()];
            pieces.extend(result.into_pieces());
            let mut tail = br#","id":"#.to_vec();
            tail.extend(json(&id));
            tail.push(b'}');
            pieces.push(tail);
            pieces
        }
        Outgoing::DirectNotification { method, params } => {
            let mut head = br#"{"jsonrpc":"2.0","method":"#.to_vec();
            head.extend(json(&method));
            head.extend_from_slice(br#","params":"#);
            let mut pieces = vec![head];
            pieces.extend(params.into_pieces());
            pieces.push(b"}".to_vec());
            pieces
        }
    };
    let length: usize = pieces.iter().map(Vec::len).sum();
    let mut framed = Vec::with_capacity(pieces.len() + 1);
    framed.push(format!("Content-Length: {length}\r\n\r\n").into_bytes());
    framed.extend(pieces);
    framed
}

mod erased {
    /// Serialises any message part; the types written here always serialise.
    pub(super) trait Json {
        fn to_json(&self) -> Vec<u8>;
    }

    impl<T: serde::Serialize> Json for T {
        fn to_json(&self) -> Vec<u8> {
            serde_json::to_vec(self).unwrap_or_else(|err| {
                tracing::error!("cannot serialise an outgoing message: {err}");
                b"null".to_vec()
            })
        }
    }
}

/// Runs the service on `input`/`output` until `exit` or the end of input.
/// `outbox` is the receiving end of the channel whose sender the server holds.
pub async fn serve<S, I, O>(
    mut service: S,
    socket: ClientSocket,
    input: I,
    output: O,
    outbox: mpsc::Receiver<Outgoing>,
    options: ServeOptions,
) where
    S: Service<Request, Response = Option<Response>> + Send + 'static,
    S::Error: std::fmt::Display,
    S::Future: Send + 'static,
    I: AsyncRead + Unpin,
    O: AsyncWrite + Unpin,
{
    let (client_requests, mut client_responses) = socket.split();
    let (tasks, task_queue) = mpsc::channel::<BoxedReply>(100);
    let (replies, reply_queue) = mpsc::channel::<Outgoing>(0);
    let handled = task_queue
        .buffer_unordered(MAX_CONCURRENCY)
        .filter_map(std::future::ready)
        .map(Ok)
        .forward(replies.clone());
    let everything = futures::stream::select(
        futures::stream::select(reply_queue, outbox),
        client_requests.map(Outgoing::ToClient),
    );
    let write = write_all(everything, output);
    let read = read_all(
        &mut service,
        &mut client_responses,
        tasks,
        replies,
        input,
        options.max_body,
    );
    let reading = async {
        read.await;
        // Input is over: replies already computed still go out, briefly.
        tokio::time::sleep(options.grace).await;
    };
    let handling = async {
        let _ = handled.await;
        std::future::pending::<()>().await;
    };
    tokio::select! {
        () = reading => {}
        // The output is gone: nobody is listening any more.
        () = write => {}
        () = handling => {}
    }
}

type BoxedReply = std::pin::Pin<Box<dyn Future<Output = Option<Outgoing>> + Send>>;

async fn read_all<S, I, R>(
    service: &mut S,
    client_responses: &mut R,
    mut tasks: mpsc::Sender<BoxedReply>,
    mut replies: mpsc::Sender<Outgoing>,
    mut input: I,
    max_body: usize,
) where
    S: Service<Request, Response = Option<Response>>,
    S::Error: std::fmt::Display,
    S::Future: Send + 'static,
    I: AsyncRead + Unpin,
    R: futures::Sink<Response> + Unpin,
{
    let mut reader = FrameReader::new(max_body);
    let mut chunk = vec![0u8; 64 * 1024];
    loop {
        while let Some(frame) = reader.next_frame() {
            let incoming = match frame {
                Frame::Body(body) => classify(&body),
                Frame::Unreadable { id, error } => Incoming::Invalid { id, error },
            };
            match incoming {
                Incoming::Request(request) => {
                    if let Err(err) = std::future::poll_fn(|cx| service.poll_ready(cx)).await {
                        tracing::info!("the server has exited: {err}");
                        return;
                    }
                    let exit = request.method() == "exit";
                    let reply = dispatch(service, request);
                    if tasks.send(reply).await.is_err() || exit {
                        return;
                    }
                }
                Incoming::Response(response) => {
                    if client_responses.send(response).await.is_err() {
                        return;
                    }
                }
                Incoming::Invalid { id, error } => {
                    tracing::warn!("skipped a message: {}", error.message);
                    let reply = Outgoing::Response(Response::from_error(id, error));
                    if replies.send(reply).await.is_err() {
                        return;
                    }
                }
                Incoming::Ignored(why) => tracing::warn!("skipped a message: {why}"),
            }
        }
        match input.read(&mut chunk).await {
            Ok(0) => return,
            Ok(read) => reader.push(&chunk[..read]),
            Err(err) if err.kind() == std::io::ErrorKind::Interrupted => {}
            Err(err) => {
                tracing::error!("cannot read standard input: {err}");
                return;
            }
        }
    }
}

/// Calls the service; the reply comes back as its handler's own bytes when
/// the handler serialised it (`wire::reply_directly`).
fn dispatch<S>(service: &mut S, request: Request) -> BoxedReply
where
    S: Service<Request, Response = Option<Response>>,
    S::Error: std::fmt::Display,
    S::Future: Send + 'static,
{
    let future = service.call(request);
    Box::pin(async move {
        let (response, direct) = wire::with_direct_reply(future).await;
        let response = match response {
            Ok(Some(response)) => response,
            Ok(None) => return None,
            Err(err) => {
                tracing::error!("{err}");
                return None;
            }
        };
        Some(match (response.into_parts(), direct) {
            ((id, Ok(_)), Some(result)) => Outgoing::DirectReply { id, result },
            ((id, body), _) => Outgoing::Response(Response::from_parts(id, body)),
        })
    })
}

async fn write_all<M, O>(mut messages: M, mut output: O)
where
    M: futures::Stream<Item = Outgoing> + Unpin,
    O: AsyncWrite + Unpin,
{
    while let Some(message) = messages.next().await {
        for piece in frame(message) {
            if let Err(err) = output.write_all(&piece).await {
                tracing::error!("cannot write standard output: {err}");
                return;
            }
        }
        if let Err(err) = output.flush().await {
            tracing::error!("cannot write standard output: {err}");
            return;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn frames(input: &[u8], max_body: usize) -> Vec<Frame> {
        let mut reader = FrameReader::new(max_body);
        let mut out = Vec::new();
        // One byte at a time: the reader must not depend on chunking.
        for byte in input {
            reader.push(std::slice::from_ref(byte));
            while let Some(frame) = reader.next_frame() {
                out.push(frame);
            }
        }
        out
    }

    fn bodies(frames: &[Frame]) -> Vec<&[u8]> {
        frames
            .iter()
            .filter_map(|frame| match frame {
                Frame::Body(body) => Some(body.as_slice()),
                Frame::Unreadable { .. } => None,
            })
            .collect()
    }

    #[test]
    fn headers_in_any_case_with_or_without_charset() {
        let input = b"content-length: 2\r\n\r\n{}\
Content-Type: application/vscode-jsonrpc\r\nCONTENT-LENGTH:3\r\n\r\n[1]\
\r\nContent-Length: 4\nContent-Type: application/vscode-jsonrpc; charset=utf8\n\nnull";
        let frames = frames(input, 100);
        assert_eq!(bodies(&frames), [&b"{}"[..], b"[1]", b"null"]);
        assert_eq!(frames.len(), 3);
    }

    #[test]
    fn a_frame_without_length_is_skipped_up_to_the_next_one() {
        let input = b"Content-Type: x\r\n\r\n{\"id\":1}Content-Length: 2\r\n\r\n{}\
Content-Length: 99999999999999999999999\r\n\r\nabcContent-Length: 1\r\n\r\n7";
        let frames = frames(input, 100);
        assert_eq!(bodies(&frames), [&b"{}"[..], b"7"]);
        let errors: Vec<_> = frames
            .iter()
            .filter_map(|frame| match frame {
                Frame::Unreadable { id, error } => Some((id.clone(), error.code)),
                Frame::Body(_) => None,
            })
            .collect();
        assert_eq!(
            errors,
            [
                (Id::Null, ErrorCode::ParseError),
                (Id::Null, ErrorCode::ParseError)
            ]
        );
    }

    #[test]
    fn a_body_over_the_limit_is_answered_under_its_id_and_skipped() {
        let big = format!(
            r#"{{"jsonrpc":"2.0","id":"big-1","method":"x","params":"{}"}}"#,
            "a".repeat(500)
        );
        let input = format!(
            "Content-Length: {}\r\n\r\n{big}Content-Length: 2\r\n\r\n{{}}",
            big.len()
        );
        let frames = frames(input.as_bytes(), 100);
        assert_eq!(frames.len(), 2);
        assert!(matches!(
            &frames[0],
            Frame::Unreadable { id: Id::String(id), error } if id == "big-1" && error.code == ErrorCode::InvalidRequest
        ));
        assert_eq!(frames[1], Frame::Body(b"{}".to_vec()));
    }

    #[test]
    fn ids_are_read_from_the_start_of_broken_bodies() {
        let cases: [(&[u8], Option<Id>); 7] = [
            (
                br#"{"jsonrpc":"2.0","id":5,"method":"x","params":{"#,
                Some(Id::Number(5)),
            ),
            (
                br#"{"method":"x","params":{"id":9},"id":"a\"b"}"#,
                Some(Id::String("a\"b".into())),
            ),
            (
                br#"{"params":["id",{"id":1}],"id":-3,"#,
                Some(Id::Number(-3)),
            ),
            (br#"{"method":"x","params":{"id":9}"#, None),
            (br#"[{"id":1}]"#, None),
            (b"\xff\xfe{\"id\":2}", None),
            (br#"{"id":{"nested":1}}"#, None),
        ];
        for (bytes, expected) in cases {
            assert_eq!(
                top_level_id(bytes),
                expected,
                "{}",
                String::from_utf8_lossy(bytes)
            );
        }
    }

    fn invalid_code(body: &[u8]) -> (Id, ErrorCode) {
        match classify(body) {
            Incoming::Invalid { id, error } => (id, error.code),
            other => panic!("{} classified as {other:?}", String::from_utf8_lossy(body)),
        }
    }

    #[test]
    fn bad_messages_get_the_right_error() {
        let nested = format!("{}{}", "[".repeat(10_000), "]".repeat(10_000));
        let cases: Vec<(Vec<u8>, (Id, ErrorCode))> = vec![
            (b"{not json".to_vec(), (Id::Null, ErrorCode::ParseError)),
            (
                br#"{"jsonrpc":"2.0","id":4,"method":"#.to_vec(),
                (Id::Number(4), ErrorCode::ParseError),
            ),
            (
                b"{\"jsonrpc\":\"2.0\",\"id\":6,\"method\":\"a\xff\"}".to_vec(),
                (Id::Number(6), ErrorCode::ParseError),
            ),
            (nested.into_bytes(), (Id::Null, ErrorCode::ParseError)),
            (
                br#"[{"jsonrpc":"2.0","id":1,"method":"shutdown"}]"#.to_vec(),
                (Id::Null, ErrorCode::InvalidRequest),
            ),
            (
                br#""hello""#.to_vec(),
                (Id::Null, ErrorCode::InvalidRequest),
            ),
            (
                br#"{"jsonrpc":"2.0","id":7}"#.to_vec(),
                (Id::Number(7), ErrorCode::InvalidRequest),
            ),
            (
                br#"{"jsonrpc":"2.0","id":8,"method":3}"#.to_vec(),
                (Id::Number(8), ErrorCode::InvalidRequest),
            ),
            (
                br#"{"jsonrpc":"1.0","id":9,"method":"x"}"#.to_vec(),
                (Id::Number(9), ErrorCode::InvalidRequest),
            ),
            (
                br#"{"jsonrpc":"2.0","id":1.5,"method":"x"}"#.to_vec(),
                (Id::Null, ErrorCode::InvalidRequest),
            ),
            (
                br#"{"jsonrpc":"2.0","id":"q","method":"$/unknown"}"#.to_vec(),
                (Id::String("q".into()), ErrorCode::MethodNotFound),
            ),
            (
                br#"{"jsonrpc":"2.0"}"#.to_vec(),
                (Id::Null, ErrorCode::InvalidRequest),
            ),
        ];
        for (body, expected) in cases {
            assert_eq!(
                invalid_code(&body),
                expected,
                "{}",
                String::from_utf8_lossy(&body)
            );
        }
    }

    #[test]
    fn good_messages_pass() {
        assert!(matches!(
            classify(br#"{"jsonrpc":"2.0","id":1,"method":"initialize","params":{}}"#),
            Incoming::Request(request) if request.method() == "initialize"
        ));
        assert!(matches!(
            classify(br#"{"jsonrpc":"2.0","method":"$/setTrace","params":{"value":"off"}}"#),
            Incoming::Request(_)
        ));
        assert!(matches!(
            classify(br#"{"jsonrpc":"2.0","id":3,"result":null}"#),
            Incoming::Response(_)
        ));
        assert!(matches!(
            classify(br#"{"jsonrpc":"2.0","method":7}"#),
            Incoming::Ignored(_)
        ));
    }

    #[test]
    fn direct_frames_are_valid_json_with_the_right_length() {
        let pieces = frame(Outgoing::DirectReply {
            id: Id::String("x\"y".into()),
            result: Payload::from_pieces(vec![
                b"[1,".to_vec(),
                Vec::new(),
                b"\"\xe2\x80\x94\"]".to_vec(),
            ]),
        });
        let bytes: Vec<u8> = pieces.concat();
        let text = std::str::from_utf8(&bytes).expect("utf-8");
        let (header, body) = text.split_once("\r\n\r\n").expect("a header");
        assert_eq!(header, format!("Content-Length: {}", body.len()));
        let value: Value = serde_json::from_str(body).expect("json");
        assert_eq!(
            value,
            serde_json::json!({"jsonrpc":"2.0","result":[1,"—"],"id":"x\"y"})
        );
        let pieces = frame(Outgoing::DirectNotification {
            method: "textDocument/publishDiagnostics",
            params: Payload::from_pieces(vec![br#"{"uri":"file:///a","diagnostics":[]}"#.to_vec()]),
        });
        let bytes = pieces.concat();
        let body = &bytes[bytes
            .windows(4)
            .position(|w| w == b"\r\n\r\n")
            .expect("header")
            + 4..];
        let value: Value = serde_json::from_slice(body).expect("json");
        assert_eq!(value["method"], "textDocument/publishDiagnostics");
        assert_eq!(value["params"]["uri"], "file:///a");
    }
}
