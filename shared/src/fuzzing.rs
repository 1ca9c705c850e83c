//! What the fuzz targets run (`shared/fuzz/`), kept here so that every input
//! a fuzzer ever crashed on is replayed by an ordinary test
//! (`shared/tests/fuzz_regressions.rs`). Each function must return normally
//! for any input: errors are fine, panics are bugs.

use std::sync::OnceLock;

use automerge::sync::SyncDoc;
use automerge::{
    ActorId, AutoCommit, ObjType, ROOT, ReadDoc, ScalarValue, transaction::Transactable,
};

use crate::intact::reseal;
use crate::model::generate;
use crate::sync::engine::{Config, Engine, Event, OpenGate};
use crate::sync::{ChunkKind, DocumentId, Effect, Message, StoredChunk};

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

/// A phone that has `base` stored and has just joined a relay: what the
/// phone's receive path looks like to a hostile (or broken) relay.
struct JoinedPhone {
    engine: Engine,
    document: DocumentId,
}

const PHONE: &str = "phone";
const RELAY: &str = "relay";

impl JoinedPhone {
    fn new(base: &[u8]) -> Self {
        let document = DocumentId::from_random_bytes([7; 16]);
        let mut engine = Engine::new(Config::phone(PHONE));
        engine.handle(Event::Open { document }, &mut OpenGate);
        let chunks = if base.is_empty() {
            Vec::new()
        } else {
            vec![StoredChunk::new(ChunkKind::Snapshot, base.to_vec())]
        };
        engine.handle(Event::Loaded { document, chunks }, &mut OpenGate);
        engine.handle(Event::Connected { conn: 1 }, &mut OpenGate);
        let peer = Message::Peer {
            sender: RELAY.into(),
            target: PHONE.into(),
            metadata: Default::default(),
            selected_version: "1".into(),
        };
        engine.handle(
            Event::Received {
                conn: 1,
                bytes: peer.encode(),
            },
            &mut OpenGate,
        );
        Self { engine, document }
    }

    /// The relay sends an Automerge sync message about the document.
    fn sync(&mut self, data: Vec<u8>) {
        let frame = Message::Sync {
            sender: RELAY.into(),
            target: PHONE.into(),
            document: self.document,
            data,
        };
        self.frame(frame.encode());
    }

    fn frame(&mut self, bytes: Vec<u8>) {
        self.engine
            .handle(Event::Received { conn: 1, bytes }, &mut OpenGate);
        // Whatever got in, the document still saves and syncs on.
        self.engine
            .handle(Event::Tick { now: 20_000 }, &mut OpenGate);
    }
}

/// A sync message carrying `changes` as Automerge would send them.
fn sync_message(heads: Vec<automerge::ChangeHash>, changes: Vec<Vec<u8>>) -> Vec<u8> {
    let mut doc = AutoCommit::new();
    let mut state = automerge::sync::State::new();
    let mut message = doc
        .sync()
        .generate_sync_message(&mut state)
        .expect("a first message");
    message.heads = heads;
    message.changes = changes.into();
    message.encode()
}

/// Real documents to damage: a base (what the phone has) and the changes
/// that follow it, from several writers, with maps, lists, text, counters,
/// deletes and the model's own documents.
struct Material {
    base: Vec<u8>,
    changes: Vec<Vec<u8>>,
    whole: Vec<u8>,
}

fn material() -> &'static [Material] {
    static MATERIAL: OnceLock<Vec<Material>> = OnceLock::new();
    MATERIAL.get_or_init(|| {
        let mut docs: Vec<AutoCommit> = vec![busy_document()];
        if let Ok(mut g) = generate::community(generate::Shape::SMALL, 5) {
            docs.push(g.community.clone());
            docs.extend(g.ledgers.iter().take(1).cloned());
            docs.extend(g.volunteers.iter().take(1).map(|(_, d)| d.clone()));
            docs.extend(g.rounds.iter_mut().take(2).map(|r| r.doc.clone()));
        }
        docs.into_iter()
            .map(|mut doc| {
                let all: Vec<Vec<u8>> = doc
                    .get_changes(&[])
                    .iter()
                    .map(|c| c.raw_bytes().to_vec())
                    .collect();
                let keep = all.len().saturating_sub(4);
                let mut base = AutoCommit::new();
                for c in &all[..keep] {
                    let _ = base.load_incremental(c);
                }
                Material {
                    base: base.save(),
                    changes: all[keep..].to_vec(),
                    whole: doc.save(),
                }
            })
            .collect()
    })
}

/// Three writers editing one document concurrently.
fn busy_document() -> AutoCommit {
    let mut a = AutoCommit::new().with_actor(ActorId::from(&[1u8; 16][..]));
    let stops = a.put_object(ROOT, "stops", ObjType::List).unwrap_or(ROOT);
    let note = a.put_object(ROOT, "note", ObjType::Text).unwrap_or(ROOT);
    let _ = a.splice_text(&note, 0, 0, "三单元门口");
    let _ = a.put(ROOT, "delivered", ScalarValue::counter(0));
    for i in 0..3 {
        if let Ok(s) = a.insert_object(&stops, i, ObjType::Map) {
            let _ = a.put(&s, "door", format!("3-{i}02"));
        }
    }
    let mut b = a.fork().with_actor(ActorId::from(&[2u8; 16][..]));
    let _ = a.increment(ROOT, "delivered", 1);
    let _ = a.splice_text(&note, 2, 1, "楼");
    a.commit();
    let _ = b.delete(&stops, 1);
    if let Ok(Some((_, s))) = b.get(&stops, 0) {
        let _ = b.put(&s, "outcome", "已送达");
    }
    let _ = b.increment(ROOT, "delivered", 2);
    b.commit();
    let m = b.put_object(ROOT, "map", ObjType::Map).unwrap_or(ROOT);
    let _ = b.put(&m, "x", 1.5);
    b.commit();
    let _ = a.merge(&mut b);
    let _ = a.delete(ROOT, "map");
    a.commit();
    a
}

/// Damages `bytes` as the script says: each three bytes are an edit (what,
/// where, with what).
fn damage(bytes: &mut Vec<u8>, script: &[u8]) {
    for edit in script.chunks_exact(3) {
        if bytes.is_empty() {
            return;
        }
        let at = (usize::from(edit[1]) * 7 + usize::from(edit[2])) % bytes.len();
        let value = edit[2];
        match edit[0] % 8 {
            0 => bytes[at] ^= 1 << (value % 8),
            1 => bytes[at] = value,
            2 => bytes[at] = bytes[at].wrapping_add(1),
            3 => bytes[at] = bytes[at].wrapping_sub(1),
            4 => bytes.insert(at, value),
            5 => {
                bytes.remove(at);
            }
            6 => {
                let other = usize::from(value) % bytes.len();
                bytes.swap(at, other);
            }
            _ => bytes.truncate(at.max(1)),
        }
    }
}

/// A phone receives real changes damaged by `data`, re-checksummed as a
/// hostile peer would, in every shape a sync message carries them: one
/// change, several in one entry (v2), a whole document, or the message
/// around them damaged. Nothing may panic: a phone cannot catch a panic.
pub fn sync_changes(data: &[u8]) {
    let [pick, shape, script @ ..] = data else {
        return;
    };
    let material = material();
    let Some(m) = material.get(usize::from(*pick) % material.len().max(1)) else {
        return;
    };
    let mut phone = JoinedPhone::new(&m.base);
    let heads = Vec::new();
    match shape % 4 {
        0 => {
            let mut change = m.changes[usize::from(*pick / 8) % m.changes.len().max(1)].clone();
            damage(&mut change, script);
            phone.sync(sync_message(heads, vec![reseal(&change)]));
        }
        1 => {
            let mut entry: Vec<u8> = m.changes.concat();
            damage(&mut entry, script);
            phone.sync(sync_message(heads, vec![reseal(&entry)]));
        }
        2 => {
            let mut whole = m.whole.clone();
            damage(&mut whole, script);
            let mut fresh = JoinedPhone::new(&[]);
            fresh.sync(sync_message(heads.clone(), vec![reseal(&whole)]));
            phone.sync(sync_message(heads, vec![reseal(&whole)]));
        }
        _ => {
            let mut message = sync_message(heads, m.changes.clone());
            damage(&mut message, script);
            phone.sync(message);
        }
    }
}

/// A phone receives `data` cut into frames (a length byte before each), as
/// [`relay_frames`] feeds a relay: the kept inputs of both run through a
/// phone's receive path too.
pub fn phone_frames(data: &[u8]) {
    let mut phone = JoinedPhone::new(&[]);
    let mut rest = data;
    while let Some((&len, tail)) = rest.split_first() {
        let len = usize::from(len).min(tail.len());
        let (frame, tail) = tail.split_at(len);
        phone.frame(frame.to_vec());
        rest = tail;
    }
}

/// A phone receives the chunks [`load_chunks`] reads from storage, as the
/// changes of a sync message (re-checksummed, as a hostile peer would).
pub fn phone_chunks(data: &[u8]) {
    let mut chunks = Vec::new();
    let mut rest = data;
    while let Some((&len, tail)) = rest.split_first() {
        let len = usize::from(len).min(tail.len());
        let (bytes, tail) = tail.split_at(len);
        chunks.push(bytes.to_vec());
        rest = tail;
    }
    let mut phone = JoinedPhone::new(&[]);
    phone.sync(sync_message(Vec::new(), chunks.clone()));
    let resealed = chunks.iter().map(|c| reseal(c)).collect();
    phone.sync(sync_message(Vec::new(), resealed));
}
