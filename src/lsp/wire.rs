//! Large replies serialised straight to bytes, bypassing `serde_json::Value`.
//!
//! tower-lsp turns every result and every notification's params into a
//! `serde_json::Value` before writing it. For the outline of a 6,500-article
//! archive (a 5 MB reply) that intermediate tree costs ~150 ms and ~60 MB;
//! serialising the typed result directly costs ~10 ms and the bytes alone.
//!
//! How: a handler serialises its payload itself and [`stash`]es the bytes,
//! which yields a *placeholder* string; tower-lsp carries that small string
//! through its usual path (ids, cancellation, ordering are untouched); and
//! [`SplicingWriter`], under tower-lsp's framing on stdout, replaces the
//! placeholder (quotes included) with the stashed bytes and corrects the
//! frame's `Content-Length`. A placeholder nobody stashed, or text that
//! merely looks like one, passes through unchanged: placeholders carry a
//! per-process nonce and a NUL, and only stashed ones are replaced.

use std::collections::VecDeque;
use std::io;
use std::pin::Pin;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, OnceLock};
use std::task::{Context, Poll};

use serde::Serialize;
use tokio::io::AsyncWrite;

/// Payloads waiting for their frame. Bounded: a reply whose request was
/// cancelled never reaches the writer, and its bytes must not live forever.
const MAX_STASHED: usize = 16;

struct Stash {
    /// Every placeholder is this (a NUL, a per-process nonce) and an id.
    placeholder_prefix: String,
    /// How `placeholder_prefix` reads once serialised as the start of a
    /// JSON string: what the writer looks for in outgoing frames.
    serialised_prefix: String,
    next: AtomicU64,
    /// Each payload in pieces, sent one after the other.
    slots: Mutex<VecDeque<(u64, Vec<Vec<u8>>)>>,
}

fn stash_store() -> &'static Stash {
    static STASH: OnceLock<Stash> = OnceLock::new();
    STASH.get_or_init(|| {
        let time = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |since| since.as_nanos() as u64);
        let nonce = time ^ (u64::from(std::process::id()) << 32);
        let placeholder_prefix = format!("\u{0}bulletin-wire:{nonce:x}:");
        // Written by serde_json itself, so it matches the frames' escaping;
        // without its closing quote.
        let mut serialised_prefix = serde_json::to_string(&placeholder_prefix).unwrap_or_default();
        serialised_prefix.pop();
        Stash {
            placeholder_prefix,
            serialised_prefix,
            next: AtomicU64::new(1),
            slots: Mutex::new(VecDeque::new()),
        }
    })
}

/// Serialises `payload` now and returns the placeholder that stands for it
/// (`None` when it cannot be serialised, which typed LSP results never are).
pub fn stash<T: Serialize + ?Sized>(payload: &T) -> Option<String> {
    serde_json::to_vec(payload)
        .ok()
        .map(|json| stash_json(vec![json]))
}

/// Like `stash`, for a payload already serialised as JSON (in pieces whose
/// concatenation is the JSON value).
fn stash_json(pieces: Vec<Vec<u8>>) -> String {
    let store = stash_store();
    let id = store.next.fetch_add(1, Ordering::Relaxed);
    let mut slots = store
        .slots
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    while slots.len() >= MAX_STASHED {
        slots.pop_front();
    }
    slots.push_back((id, pieces));
    format!("{}{id}", store.placeholder_prefix)
}

/// Drops a stashed payload whose reply will not be sent (the request
/// failed or was cancelled).
pub fn discard(placeholder: &str) {
    let id = placeholder
        .rsplit(':')
        .next()
        .and_then(|id| id.parse().ok());
    if let Some(id) = id {
        take(id);
    }
}

fn take(id: u64) -> Option<Vec<Vec<u8>>> {
    let mut slots = stash_store()
        .slots
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    let at = slots.iter().position(|(slot, _)| *slot == id)?;
    slots.remove(at).map(|(_, pieces)| pieces)
}

/// A frame body around a stashed payload: before, the payload's pieces, after.
type Spliced = (Vec<u8>, Vec<Vec<u8>>, Vec<u8>);

/// The frame body cut around its first stashed placeholder: the text
/// before it, the stashed pieces, the text after it (`None` when it holds
/// none). Kept in pieces: the stashed payload can be megabytes.
fn splice(body: &[u8]) -> Option<Spliced> {
    let prefix = &stash_store().serialised_prefix;
    let mut from = 0;
    while let Some(found) = memchr::memmem::find(&body[from..], prefix.as_bytes()) {
        let start = from + found;
        let digits_at = start + prefix.len();
        let digits = body[digits_at..]
            .iter()
            .take_while(|byte| byte.is_ascii_digit())
            .count();
        let end = digits_at + digits;
        if digits > 0 && body.get(end) == Some(&b'"') {
            let id = std::str::from_utf8(&body[digits_at..end])
                .ok()
                .and_then(|text| text.parse().ok());
            if let Some(pieces) = id.and_then(take) {
                return Some((body[..start].to_vec(), pieces, body[end + 1..].to_vec()));
            }
        }
        from = digits_at;
    }
    None
}

/// Where the body of the frame at the start of `buffer` begins and how long
/// it is; `None` while the header is incomplete. Headers are
/// `Name: value\r\n` lines ending with an empty line (LSP base protocol).
fn frame_header(buffer: &[u8]) -> Option<Result<(usize, usize), ()>> {
    let end = memchr::memmem::find(buffer, b"\r\n\r\n")?;
    let header = std::str::from_utf8(&buffer[..end]).ok();
    let length = header.and_then(|header| {
        header.split("\r\n").find_map(|line| {
            let (name, value) = line.split_once(':')?;
            name.trim()
                .eq_ignore_ascii_case("content-length")
                .then(|| value.trim().parse::<usize>().ok())
                .flatten()
        })
    });
    Some(length.map(|length| (end + 4, length)).ok_or(()))
}

/// Sits between tower-lsp's framed writer and stdout; passes every frame on,
/// splicing stashed payloads into the frames that carry their placeholders.
pub struct SplicingWriter<W> {
    inner: W,
    /// Bytes written to us that do not yet form a whole frame.
    partial: Vec<u8>,
    /// Whole frames ready for `inner`, and how much of the first is written.
    ready: VecDeque<Vec<u8>>,
    written: usize,
}

impl<W: AsyncWrite + Unpin> SplicingWriter<W> {
    pub fn new(inner: W) -> SplicingWriter<W> {
        SplicingWriter {
            inner,
            partial: Vec::new(),
            ready: VecDeque::new(),
            written: 0,
        }
    }

    /// Moves every whole frame from `partial` to `ready`, spliced.
    fn frame(&mut self) {
        loop {
            let (body_start, length) = match frame_header(&self.partial) {
                None => return,
                Some(Ok(found)) => found,
                Some(Err(())) => {
                    // Not a frame we understand: pass it on untouched.
                    self.ready.push_back(std::mem::take(&mut self.partial));
                    return;
                }
            };
            let Some(frame_end) = body_start.checked_add(length) else {
                self.ready.push_back(std::mem::take(&mut self.partial));
                return;
            };
            if self.partial.len() < frame_end {
                return;
            }
            let rest = self.partial.split_off(frame_end);
            let frame = std::mem::replace(&mut self.partial, rest);
            match splice(&frame[body_start..]) {
                Some((before, stashed, after)) => {
                    let length =
                        before.len() + stashed.iter().map(Vec::len).sum::<usize>() + after.len();
                    let mut head = format!("Content-Length: {length}\r\n\r\n").into_bytes();
                    head.extend_from_slice(&before);
                    self.ready.push_back(head);
                    self.ready.extend(stashed);
                    self.ready.push_back(after);
                }
                None => self.ready.push_back(frame),
            }
        }
    }

    /// Writes ready frames until done or `inner` would block.
    fn drain(&mut self, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        while let Some(front) = self.ready.front() {
            if self.written == front.len() {
                // Done (or empty, as a payload may be): a zero-length write
                // would read as a closed pipe.
                self.ready.pop_front();
                self.written = 0;
                continue;
            }
            match Pin::new(&mut self.inner).poll_write(cx, &front[self.written..]) {
                Poll::Ready(Ok(0)) => return Poll::Ready(Err(io::ErrorKind::WriteZero.into())),
                Poll::Ready(Ok(n)) => self.written += n,
                Poll::Ready(Err(err)) => return Poll::Ready(Err(err)),
                Poll::Pending => return Poll::Pending,
            }
        }
        Poll::Ready(Ok(()))
    }
}

impl<W: AsyncWrite + Unpin> AsyncWrite for SplicingWriter<W> {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        let this = self.get_mut();
        // Keep memory bounded when the client reads slowly: accept more
        // only once earlier frames are on their way.
        if !this.ready.is_empty() {
            match this.drain(cx) {
                Poll::Ready(Ok(())) => {}
                Poll::Ready(Err(err)) => return Poll::Ready(Err(err)),
                Poll::Pending => return Poll::Pending,
            }
        }
        this.partial.extend_from_slice(buf);
        this.frame();
        // Start writing now; whatever is left goes out on flush.
        if let Poll::Ready(Err(err)) = this.drain(cx) {
            return Poll::Ready(Err(err));
        }
        Poll::Ready(Ok(buf.len()))
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        match this.drain(cx) {
            Poll::Ready(Ok(())) => Pin::new(&mut this.inner).poll_flush(cx),
            other => other,
        }
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        if !this.partial.is_empty() {
            // A truncated frame at shutdown: still never lose bytes.
            this.ready.push_back(std::mem::take(&mut this.partial));
        }
        match this.drain(cx) {
            Poll::Ready(Ok(())) => Pin::new(&mut this.inner).poll_shutdown(cx),
            other => other,
        }
    }
}

tokio::task_local! {
    /// Set while a request whose reply may be stashed is being handled.
    static DIRECT_REPLY: Arc<Mutex<Option<String>>>;
}

/// Runs a request handler future so that [`reply_directly`] inside it can
/// hand over a stashed reply; returns the placeholder it stashed, if any.
pub async fn with_direct_reply<F: std::future::Future>(future: F) -> (F::Output, Option<String>) {
    let slot = Arc::new(Mutex::new(None));
    let output = DIRECT_REPLY.scope(Arc::clone(&slot), future).await;
    let placeholder = slot
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
        .take();
    (output, placeholder)
}

/// Inside [`with_direct_reply`]: serialises `result` as the reply and returns
/// true (the handler then returns any cheap value; it is replaced). Outside
/// it, returns false and the handler returns `result` the usual way.
pub fn reply_directly<T: Serialize + ?Sized>(result: &T) -> bool {
    in_scope() && serde_json::to_vec(result).is_ok_and(|json| hand_over(vec![json]))
}

/// Like `reply_directly`, for a reply the handler writes as JSON itself (in
/// pieces whose concatenation is the value);
/// `json` runs only when the reply can be handed over.
pub fn reply_directly_json(json: impl FnOnce() -> Vec<Vec<u8>>) -> bool {
    in_scope() && hand_over(json())
}

fn in_scope() -> bool {
    DIRECT_REPLY.try_with(|_| ()).is_ok()
}

fn hand_over(json: Vec<Vec<u8>>) -> bool {
    DIRECT_REPLY
        .try_with(|slot| {
            let placeholder = stash_json(json);
            *slot.lock().unwrap_or_else(|poisoned| poisoned.into_inner()) = Some(placeholder);
        })
        .is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use tokio::io::AsyncWriteExt;

    fn frame(body: &str) -> Vec<u8> {
        format!("Content-Length: {}\r\n\r\n{body}", body.len()).into_bytes()
    }

    async fn through_writer(chunks: &[Vec<u8>]) -> Vec<u8> {
        let mut writer = SplicingWriter::new(Vec::new());
        for chunk in chunks {
            writer.write_all(chunk).await.expect("write");
        }
        writer.flush().await.expect("flush");
        writer.inner
    }

    #[tokio::test]
    async fn stashed_payloads_replace_their_placeholders() {
        let payload = serde_json::json!([{"name": "Grain “exports” rise — 🌾", "kind": 5}]);
        let placeholder = stash(&payload).expect("stash");
        let body = serde_json::to_string(
            &serde_json::json!({"jsonrpc": "2.0", "result": placeholder, "id": 7}),
        )
        .expect("serialise");
        let other = frame(r#"{"jsonrpc":"2.0","method":"window/logMessage","params":{}}"#);
        let mut stream = frame(&body);
        stream.extend_from_slice(&other);
        // Split anywhere, even inside the header and inside a multi-byte character.
        let (head, tail) = stream.split_at(9);
        let (middle, tail) = tail.split_at(tail.len() / 2 + 1);
        let out = through_writer(&[head.to_vec(), middle.to_vec(), tail.to_vec()]).await;
        let expected_body = format!(
            r#"{{"jsonrpc":"2.0","result":{},"id":7}}"#,
            serde_json::to_string(&payload).expect("serialise")
        );
        let mut expected = frame(&expected_body);
        expected.extend_from_slice(&other);
        assert_eq!(
            String::from_utf8_lossy(&out),
            String::from_utf8_lossy(&expected)
        );
        // The payload was taken: the same frame again passes unchanged.
        let again = through_writer(&[frame(&body)]).await;
        assert_eq!(again, frame(&body));
    }

    #[tokio::test]
    async fn look_alikes_and_odd_frames_pass_unchanged() {
        let prefix = &stash_store().serialised_prefix;
        let fake = format!(r#"{{"result":{prefix}999999"}}"#);
        let not_a_frame = b"garbage without a header\r\n\r\n".to_vec();
        for input in [frame(&fake), frame("{}"), not_a_frame] {
            assert_eq!(through_writer(std::slice::from_ref(&input)).await, input);
        }
    }

    #[tokio::test]
    async fn reply_directly_only_inside_its_scope() {
        assert!(!reply_directly(&[1, 2, 3]));
        let (inner, placeholder) = with_direct_reply(async { reply_directly(&[1, 2, 3]) }).await;
        assert!(inner);
        let placeholder = placeholder.expect("a placeholder");
        let body =
            serde_json::to_string(&serde_json::json!({"result": placeholder})).expect("serialise");
        let out = through_writer(&[frame(&body)]).await;
        assert_eq!(out, frame(r#"{"result":[1,2,3]}"#));
    }
}
