//! What the fuzz targets run (`shared/fuzz/`), kept here so that every input
//! a fuzzer ever crashed on is replayed by an ordinary test
//! (`shared/tests/fuzz_regressions.rs`). Each function must return normally
//! for any input: errors are fine, panics are bugs.

use super::engine::{Config, Engine, Event, OpenGate};
use super::{ChunkKind, DocumentId, Effect, Message, StoredChunk};

/// Decodes a wire message; whatever decodes must encode and decode to itself.
pub fn decode_message(data: &[u8]) {
    if let Ok(message) = Message::decode(data) {
        let again = Message::decode(&message.encode()).expect("what we encode decodes");
        assert_eq!(again, message);
    }
}

/// Splits `data` into chunks (a length byte before each) and loads them as a
/// document's storage: corrupt chunks are reported, never fatal.
pub fn load_chunks(data: &[u8]) {
    let mut chunks = Vec::new();
    let mut rest = data;
    while let Some((&len, tail)) = rest.split_first() {
        let len = usize::from(len).min(tail.len());
        let (bytes, tail) = tail.split_at(len);
        let kind = if len % 2 == 0 {
            ChunkKind::Incremental
        } else {
            ChunkKind::Snapshot
        };
        chunks.push(StoredChunk::new(kind, bytes.to_vec()));
        rest = tail;
    }
    let id = DocumentId::from_random_bytes([1; 16]);
    let mut phone = Engine::new(Config::phone("fuzz"));
    phone.handle(Event::Open { document: id }, &mut OpenGate);
    let effects = phone.handle(
        Event::Loaded {
            document: id,
            chunks,
        },
        &mut OpenGate,
    );
    for e in effects {
        if let Effect::SaveChunk { .. } = e {
            panic!("loading must not write");
        }
    }
}

/// A relay receives a valid `join`, then `data` cut into frames (a length
/// byte before each), answering storage reads with nothing.
pub fn relay_frames(data: &[u8]) {
    let mut relay = Engine::new(Config::relay("relay"));
    relay.handle(Event::Connected { conn: 1 }, &mut OpenGate);
    let join = Message::Join {
        sender: "fuzzer".into(),
        metadata: Default::default(),
        supported_versions: vec!["1".into()],
    };
    relay.handle(
        Event::Received {
            conn: 1,
            bytes: join.encode(),
        },
        &mut OpenGate,
    );
    let mut rest = data;
    while let Some((&len, tail)) = rest.split_first() {
        let len = usize::from(len).min(tail.len());
        let (frame, tail) = tail.split_at(len);
        let mut effects = relay.handle(
            Event::Received {
                conn: 1,
                bytes: frame.to_vec(),
            },
            &mut OpenGate,
        );
        effects.extend(relay.handle(Event::Flush, &mut OpenGate));
        for e in effects {
            if let Effect::Load { document } = e {
                relay.handle(
                    Event::Loaded {
                        document,
                        chunks: Vec::new(),
                    },
                    &mut OpenGate,
                );
            }
        }
        rest = tail;
    }
}
