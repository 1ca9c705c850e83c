//! Several tabs of the app on one phone share one store. Each tab keeps its
//! documents in memory and writes its own chunks (content-keyed, so writing
//! the same chunk twice is harmless, and a tab deletes only chunks it folded
//! into its own snapshot). A BroadcastChannel tells the other tabs which
//! chunk was written, and they read it from the store and merge it, so what
//! one tab records shows in the others at once, online or not. Leaving or
//! joining in one tab reloads the others.

use linli_shared::sync::{
    chunk::{ChunkKey, ChunkKind, StoredChunk},
    document_id::DocumentId,
};
use serde::{Deserialize, Serialize};
use wasm_bindgen::{JsCast, closure::Closure};

use super::Repo;

const CHANNEL: &str = "linli-store";

/// This page's id: a channel delivers to every other channel object of the
/// same name, the sending page's own listener included, which must not act
/// on its own notices.
fn page_id() -> u64 {
    static ID: std::sync::OnceLock<u64> = std::sync::OnceLock::new();
    *ID.get_or_init(|| (js_sys::Math::random() * 9_007_199_254_740_991.0) as u64)
}

#[derive(Serialize, Deserialize)]
struct Envelope {
    from: u64,
    notice: Notice,
}

#[derive(Serialize, Deserialize)]
#[serde(tag = "t", rename_all = "kebab-case")]
enum Notice {
    Chunk {
        document: DocumentId,
        snapshot: bool,
        key: String,
    },
    /// The device left or joined: the other tabs start over.
    Membership,
}

fn channel() -> Option<web_sys::BroadcastChannel> {
    web_sys::BroadcastChannel::new(CHANNEL).ok()
}

fn post(notice: Notice) {
    let envelope = Envelope {
        from: page_id(),
        notice,
    };
    if let (Some(ch), Ok(text)) = (channel(), serde_json::to_string(&envelope)) {
        let _ = ch.post_message(&text.into());
        ch.close();
    }
}

/// Tells the other tabs a chunk is in the store.
pub fn announce(document: &DocumentId, chunk: &StoredChunk) {
    post(Notice::Chunk {
        document: *document,
        snapshot: chunk.kind == ChunkKind::Snapshot,
        key: chunk.key.0.clone(),
    });
}

/// Tells the other tabs this device joined or left.
pub fn membership_changed() {
    post(Notice::Membership);
}

/// Starts merging what other tabs write.
pub fn listen(repo: Repo) {
    let Some(ch) = channel() else { return };
    let on_message =
        Closure::<dyn FnMut(web_sys::MessageEvent)>::new(move |e: web_sys::MessageEvent| {
            let Some(text) = e.data().as_string() else {
                return;
            };
            let Ok(envelope) = serde_json::from_str::<Envelope>(&text) else {
                return;
            };
            if envelope.from == page_id() {
                return;
            }
            match envelope.notice {
                Notice::Chunk {
                    document,
                    snapshot,
                    key,
                } => {
                    let repo = repo.clone();
                    wasm_bindgen_futures::spawn_local(async move {
                        let kind = if snapshot {
                            ChunkKind::Snapshot
                        } else {
                            ChunkKind::Incremental
                        };
                        if let Ok(Some(bytes)) = repo
                            .store()
                            .load_chunk(&document, kind, &ChunkKey(key))
                            .await
                        {
                            repo.merge_from_tab(document, &bytes);
                        }
                    });
                }
                Notice::Membership => {
                    let _ = leptos::prelude::window().location().reload();
                }
            }
        });
    ch.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
    on_message.forget();
    std::mem::forget(ch);
}
