//! Large replies and notifications serialised straight to bytes, bypassing
//! tower-lsp's `serde_json::Value`.
//!
//! tower-lsp turns every result into a `serde_json::Value` before it is
//! written. For the outline of a 6,500-article archive (a 5 MB reply) that
//! intermediate tree costs ~150 ms and ~60 MB; serialising the typed result
//! directly costs ~10 ms and the bytes alone.
//!
//! How: a handler running inside [`with_direct_reply`] (the transport runs
//! every request so) serialises its result itself with [`reply_directly`]
//! and returns any cheap value of the right type; the transport writes the
//! serialised bytes under the request's id instead of that value. The bytes
//! belong to the request's future: written with its reply, or dropped with
//! it when the request is cancelled. Nothing is stored elsewhere, so no
//! reply can be lost to a full store. Notifications go the same way
//! through `transport::Outbox`.

use std::sync::{Arc, Mutex};

use serde::Serialize;

/// A JSON value in pieces whose concatenation is the value (a large reply
/// is written in runs, never copied into one buffer).
#[derive(Debug, Default)]
pub struct Payload(Vec<Vec<u8>>);

impl Payload {
    pub fn from_pieces(pieces: Vec<Vec<u8>>) -> Payload {
        Payload(pieces)
    }

    /// `value` serialised (`None` when it cannot be, which typed LSP values never are).
    pub fn of<T: Serialize + ?Sized>(value: &T) -> Option<Payload> {
        serde_json::to_vec(value)
            .ok()
            .map(|json| Payload(vec![json]))
    }

    pub fn into_pieces(self) -> Vec<Vec<u8>> {
        self.0
    }
}

tokio::task_local! {
    /// Set while a request is being handled.
    static DIRECT_REPLY: Arc<Mutex<Option<Payload>>>;
}

/// Runs a request handler future so that [`reply_directly`] inside it can
/// hand over its serialised reply; returns that reply, if any.
pub(crate) async fn with_direct_reply<F: std::future::Future>(
    future: F,
) -> (F::Output, Option<Payload>) {
    let slot = Arc::new(Mutex::new(None));
    let output = DIRECT_REPLY.scope(Arc::clone(&slot), future).await;
    let payload = slot
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
        .take();
    (output, payload)
}

/// Inside [`with_direct_reply`]: serialises `result` as the reply and returns
/// true (the handler then returns any cheap value; it is replaced). Outside
/// it, returns false and the handler returns `result` the usual way.
pub(crate) fn reply_directly<T: Serialize + ?Sized>(result: &T) -> bool {
    in_scope() && Payload::of(result).is_some_and(hand_over)
}

/// Like `reply_directly`, for a reply the handler writes as JSON itself (in
/// pieces whose concatenation is the value); `json` runs only when the reply
/// can be handed over.
pub(crate) fn reply_directly_json(json: impl FnOnce() -> Vec<Vec<u8>>) -> bool {
    in_scope() && hand_over(Payload(json()))
}

fn in_scope() -> bool {
    DIRECT_REPLY.try_with(|_| ()).is_ok()
}

fn hand_over(payload: Payload) -> bool {
    DIRECT_REPLY
        .try_with(|slot| {
            *slot.lock().unwrap_or_else(|poisoned| poisoned.into_inner()) = Some(payload);
        })
        .is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn reply_directly_only_inside_its_scope() {
        assert!(!reply_directly(&[1, 2, 3]));
        let (inner, payload) = with_direct_reply(async { reply_directly(&[1, 2, 3]) }).await;
        assert!(inner);
        assert_eq!(
            payload.expect("a payload").into_pieces().concat(),
            b"[1,2,3]"
        );
        let (_, none) = with_direct_reply(async {}).await;
        assert!(none.is_none());
    }
}
