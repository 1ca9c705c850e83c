//! Two relay engines sharing one storage, as two relays on one PostgreSQL:
//! phones on different relays converge through the storage's notices alone,
//! whatever order frames and notices arrive in, while both relays compact the
//! same document; a relay that dies loses nothing, and its phones finish on
//! the other one. A lost notice is made good by reading everything again.

use std::collections::{BTreeMap, BTreeSet, VecDeque};

use automerge::transaction::Transactable;
use automerge::{AutoCommit, ObjType, ReadDoc, ScalarValue, Value};
use linli_shared::sync::{
    ChunkKey, Config, ConnId, DocumentId, Effect, Engine, Event, OpenGate, StoredChunk,
};

#[path = "support/rng.rs"]
mod rng;

use rng::Rng;

/// The shared database: chunks per document, in the order written.
#[derive(Default)]
struct Shared(BTreeMap<DocumentId, Vec<StoredChunk>>);

impl Shared {
    fn chunks_except(&self, id: &DocumentId, known: &[ChunkKey]) -> Vec<StoredChunk> {
        self.0
            .get(id)
            .map(|v| {
                v.iter()
                    .filter(|c| !known.contains(&c.key))
                    .cloned()
                    .collect()
            })
            .unwrap_or_default()
    }
}

struct Relay {
    engine: Engine,
    /// Notices from the other relay not yet heard.
    notices: VecDeque<DocumentId>,
    alive: bool,
}

struct Phone {
    engine: Engine,
    disk: BTreeMap<ChunkKey, StoredChunk>,
    /// Which relay and the two ends of the link.
    relay: usize,
    phone_conn: ConnId,
    relay_conn: ConnId,
    to_relay: VecDeque<Vec<u8>>,
    to_phone: VecDeque<Vec<u8>>,
}

struct World {
    rng: Rng,
    shared: Shared,
    relays: Vec<Relay>,
    phones: Vec<Phone>,
    next_conn: ConnId,
    document: DocumentId,
    written: BTreeSet<String>,
}

impl World {
    fn new(seed: u64, relays: usize, phones: usize) -> Self {
        let mut w = Self {
            rng: Rng(seed),
            shared: Shared::default(),
            relays: (0..relays)
                .map(|i| {
                    let mut config = Config::relay(format!("relay-{i}"));
                    // Small, so both relays compact the document often.
                    config.compact_above = 512;
                    Relay {
                        engine: Engine::new(config),
                        notices: VecDeque::new(),
                        alive: true,
                    }
                })
                .collect(),
            phones: Vec::new(),
            next_conn: 1,
            document: DocumentId::for_community("shared-storage"),
            written: BTreeSet::new(),
        };
        for p in 0..phones {
            w.phones.push(Phone {
                engine: Engine::new(Config::phone(format!("phone-{p}"))),
                disk: BTreeMap::new(),
                relay: p % relays,
                phone_conn: 0,
                relay_conn: 0,
                to_relay: VecDeque::new(),
                to_phone: VecDeque::new(),
            });
            w.connect(p);
        }
        w
    }

    fn connect(&mut self, p: usize) {
        let (pc, rc) = (self.next_conn, self.next_conn + 1);
        self.next_conn += 2;
        let phone = &mut self.phones[p];
        phone.phone_conn = pc;
        phone.relay_conn = rc;
        phone.to_relay.clear();
        phone.to_phone.clear();
        let r = phone.relay;
        self.relay_event(r, Event::Connected { conn: rc });
        let effects = self.phones[p]
            .engine
            .handle(Event::Connected { conn: pc }, &mut OpenGate);
        self.phone_effects(p, effects);
    }

    fn relay_event(&mut self, r: usize, event: Event) {
        let mut effects = self.relays[r].engine.handle(event, &mut OpenGate);
        effects.extend(self.relays[r].engine.handle(Event::Flush, &mut OpenGate));
        self.relay_effects(r, effects);
    }

    fn relay_effects(&mut self, r: usize, effects: Vec<Effect>) {
        let mut queue = VecDeque::from(effects);
        let mut stored = BTreeSet::new();
        while let Some(effect) = queue.pop_front() {
            match effect {
                Effect::Send { conn, bytes } => {
                    if let Some(p) = self.phones.iter_mut().find(|p| p.relay_conn == conn) {
                        p.to_phone.push_back(bytes);
                    }
                }
                Effect::Load { document } => {
                    let chunks = self.shared.chunks_except(&document, &[]);
                    let more = self.relays[r]
                        .engine
                        .handle(Event::Loaded { document, chunks }, &mut OpenGate);
                    queue.extend(more);
                }
                Effect::SaveChunk { document, chunk } => {
                    let v = self.shared.0.entry(document).or_default();
                    if !v.iter().any(|c| c.key == chunk.key) {
                        v.push(chunk);
                    }
                    stored.insert(document);
                }
                Effect::Compact {
                    document,
                    snapshot,
                    replaces,
                } => {
                    let v = self.shared.0.entry(document).or_default();
                    if !v.iter().any(|c| c.key == snapshot.key) {
                        v.push(snapshot);
                    }
                    v.retain(|c| !replaces.contains(&c.key));
                    stored.insert(document);
                }
                Effect::CorruptChunk { .. } => panic!("a relay wrote a chunk it cannot read"),
                Effect::Close { .. } | Effect::Denied { .. } => panic!("unexpected {effect:?}"),
                _ => {}
            }
        }
        // Committed: the other relays are told.
        for document in stored {
            for (i, other) in self.relays.iter_mut().enumerate() {
                if i != r {
                    other.notices.push_back(document);
                }
            }
        }
    }

    fn phone_effects(&mut self, p: usize, effects: Vec<Effect>) {
        for effect in effects {
            match effect {
                Effect::Send { bytes, .. } => self.phones[p].to_relay.push_back(bytes),
                Effect::SaveChunk { chunk, .. } => {
                    self.phones[p].disk.insert(chunk.key.clone(), chunk);
                }
                Effect::Compact {
                    snapshot, replaces, ..
                } => {
                    let disk = &mut self.phones[p].disk;
                    disk.insert(snapshot.key.clone(), snapshot);
                    for k in replaces {
                        disk.remove(&k);
                    }
                }
                _ => {}
            }
        }
    }

    /// A relay hears of a document another relay stored.
    fn hear(&mut self, r: usize, document: DocumentId) {
        let Some(known) = self.relays[r].engine.stored_chunks(&document) else {
            return;
        };
        let chunks = self.shared.chunks_except(&document, &known);
        let mut effects = self.relays[r]
            .engine
            .stored_elsewhere(document, chunks, &mut OpenGate);
        effects.extend(self.relays[r].engine.handle(Event::Flush, &mut OpenGate));
        self.relay_effects(r, effects);
    }

    fn write(&mut self, p: usize, n: usize) {
        let event = format!("phone-{p}-{n}");
        let doc = self.phones[p].engine.document_mut(&self.document);
        let doc = match doc {
            Some(d) => d,
            None => return,
        };
        // A phone writes once the document (its list) has reached it.
        let events = match doc.get(automerge::ROOT, "events").unwrap() {
            Some((Value::Object(ObjType::List), id)) => id,
            _ => return,
        };
        let at = doc.length(&events);
        doc.insert(&events, at, ScalarValue::Str(event.clone().into()))
            .unwrap();
        doc.commit();
        self.written.insert(event);
        let effects = self.phones[p].engine.handle(
            Event::LocalChange {
                document: self.document,
            },
            &mut OpenGate,
        );
        self.phone_effects(p, effects);
    }

    /// One frame or notice, picked at random; false when nothing is pending.
    fn step(&mut self) -> bool {
        let mut pending = Vec::new();
        for (i, p) in self.phones.iter().enumerate() {
            if !p.to_relay.is_empty() {
                pending.push((0, i));
            }
            if !p.to_phone.is_empty() {
                pending.push((1, i));
            }
        }
        for (i, r) in self.relays.iter().enumerate() {
            if r.alive && !r.notices.is_empty() {
                pending.push((2, i));
            }
        }
        if pending.is_empty() {
            return false;
        }
        let (kind, i) = pending[self.rng.below(pending.len() as u64) as usize];
        match kind {
            0 => {
                let bytes = self.phones[i].to_relay.pop_front().unwrap();
                let (r, conn) = (self.phones[i].relay, self.phones[i].relay_conn);
                self.relay_event(r, Event::Received { conn, bytes });
            }
            1 => {
                let bytes = self.phones[i].to_phone.pop_front().unwrap();
                let conn = self.phones[i].phone_conn;
                let effects = self.phones[i]
                    .engine
                    .handle(Event::Received { conn, bytes }, &mut OpenGate);
                self.phone_effects(i, effects);
            }
            _ => {
                let document = self.relays[i].notices.pop_front().unwrap();
                self.hear(i, document);
            }
        }
        true
    }

    fn events(doc: &AutoCommit) -> BTreeSet<String> {
        let Some((_, list)) = doc.get(automerge::ROOT, "events").unwrap() else {
            return BTreeSet::new();
        };
        (0..doc.length(&list))
            .filter_map(|i| match doc.get(&list, i).unwrap() {
                Some((Value::Scalar(s), _)) => s.as_str().map(str::to_owned),
                _ => None,
            })
            .collect()
    }

    fn stored_events(&self) -> BTreeSet<String> {
        let mut doc = AutoCommit::new();
        for c in self.shared.chunks_except(&self.document, &[]) {
            doc.load_incremental(&c.bytes).unwrap();
        }
        Self::events(&doc)
    }

    fn phone_events(&self, p: usize) -> BTreeSet<String> {
        self.phones[p]
            .engine
            .document(&self.document)
            .map(Self::events)
            .unwrap_or_default()
    }
}

fn scenario(seed: u64) {
    let mut w = World::new(seed, 2, 4);
    // The document starts on phone 0 (on relay 0); the others open it.
    let mut doc = AutoCommit::new();
    doc.put_object(automerge::ROOT, "events", ObjType::List)
        .unwrap();
    let effects = w.phones[0].engine.create(w.document, doc);
    w.phone_effects(0, effects);
    for p in 1..w.phones.len() {
        let document = w.document;
        let mut effects = w.phones[p]
            .engine
            .handle(Event::Open { document }, &mut OpenGate);
        effects.extend(w.phones[p].engine.handle(
            Event::Loaded {
                document,
                chunks: Vec::new(),
            },
            &mut OpenGate,
        ));
        w.phone_effects(p, effects);
    }
    for n in 0..30 {
        for p in 0..w.phones.len() {
            if w.rng.below(3) > 0 {
                w.write(p, n);
            }
        }
        for _ in 0..w.rng.below(40) {
            w.step();
        }
        if n == 15 && seed.is_multiple_of(2) {
            // Relay 1 dies (its memory with it): its phones reconnect to
            // relay 0, which has everything relay 1 committed.
            w.relays[1].alive = false;
            w.relays[1].notices.clear();
            for p in 0..w.phones.len() {
                if w.phones[p].relay == 1 {
                    w.phones[p].relay = 0;
                    let conn = w.phones[p].phone_conn;
                    let effects = w.phones[p]
                        .engine
                        .handle(Event::Disconnected { conn }, &mut OpenGate);
                    w.phone_effects(p, effects);
                    w.connect(p);
                }
            }
        }
        if n == 20 && !seed.is_multiple_of(2) {
            // Relay 1 misses every notice waiting for it, then hears that
            // it missed some: it reads again what it holds.
            w.relays[1].notices.clear();
            let document = w.document;
            w.hear(1, document);
        }
    }
    let mut steps = 0;
    while w.step() {
        steps += 1;
        assert!(steps < 200_000, "seed {seed}: no quiescence");
    }
    assert_eq!(
        w.stored_events(),
        w.written,
        "seed {seed}: storage lost a change"
    );
    for p in 0..w.phones.len() {
        assert_eq!(
            w.phone_events(p),
            w.written,
            "seed {seed}: phone {p} (relay {}) has not got everything",
            w.phones[p].relay
        );
    }
    // The relays compacted the shared document along the way.
    assert!(
        w.shared.0[&w.document].len() < w.written.len(),
        "seed {seed}: never compacted"
    );
}

#[test]
fn phones_on_different_relays_converge_through_storage_notices() {
    for seed in 0..40 {
        scenario(seed);
    }
}
