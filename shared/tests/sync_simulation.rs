//! Deterministic simulation of the sync engine: several phones and one relay
//! on a seeded in-memory network that partitions links, delivers frames of
//! different links in any order, duplicates frames, answers storage reads
//! late, and restarts phones and the relay from what they stored. Whatever
//! happens, once the network heals every phone and the relay's storage hold
//! every event any phone wrote.

use std::collections::{BTreeMap, BTreeSet, VecDeque};

use automerge::transaction::Transactable;
use automerge::{AutoCommit, ObjType, ReadDoc, ScalarValue, Value};
use linli_shared::sync::{
    ChunkKey, ChunkKind, Config, ConnId, DocumentId, Effect, Engine, Event, OpenGate, StoredChunk,
};

#[path = "support/rng.rs"]
mod rng;

use rng::Rng;

/// One device's disk: chunks per document, as the engine asked.
#[derive(Default, Clone)]
struct Disk(BTreeMap<DocumentId, BTreeMap<ChunkKey, StoredChunk>>);

impl Disk {
    fn chunks(&self, id: &DocumentId) -> Vec<StoredChunk> {
        self.0
            .get(id)
            .map(|m| m.values().cloned().collect())
            .unwrap_or_default()
    }
}

struct Node {
    engine: Engine,
    disk: Disk,
    /// Storage reads not yet answered.
    loads: Vec<DocumentId>,
    name: String,
}

impl Node {
    fn new(name: &str, is_relay: bool, disk: Disk) -> Self {
        let config = if is_relay {
            Config::relay(name)
        } else {
            Config::phone(name)
        };
        Self {
            engine: Engine::new(config),
            disk,
            loads: Vec::new(),
            name: name.to_owned(),
        }
    }
}

/// A link between phone `phone` and the relay; frames in flight each way.
struct Link {
    phone_conn: ConnId,
    relay_conn: ConnId,
    to_relay: VecDeque<Vec<u8>>,
    to_phone: VecDeque<Vec<u8>>,
}

struct World {
    rng: Rng,
    relay: Node,
    phones: Vec<Node>,
    links: BTreeMap<usize, Link>,
    next_conn: ConnId,
    documents: Vec<DocumentId>,
    /// Every event a phone wrote (and its disk saved).
    written: BTreeSet<String>,
    writes: u64,
    now: u64,
}

enum Target {
    Relay,
    Phone(usize),
}

impl World {
    fn new(seed: u64, phones: usize, documents: usize) -> Self {
        let mut rng = Rng(seed);
        let documents = (0..documents)
            .map(|_| {
                let mut b = [0u8; 16];
                for chunk in b.chunks_mut(8) {
                    chunk.copy_from_slice(&rng.next().to_le_bytes());
                }
                DocumentId::from_random_bytes(b)
            })
            .collect();
        Self {
            rng,
            relay: Node::new("relay", true, Disk::default()),
            phones: (0..phones)
                .map(|i| Node::new(&format!("phone-{i}"), false, Disk::default()))
                .collect(),
            links: BTreeMap::new(),
            next_conn: 1,
            documents,
            written: BTreeSet::new(),
            writes: 0,
            now: 0,
        }
    }

    fn node(&mut self, t: &Target) -> &mut Node {
        match t {
            Target::Relay => &mut self.relay,
            Target::Phone(i) => &mut self.phones[*i],
        }
    }

    fn handle(&mut self, t: Target, event: Event) {
        let trace = std::env::var("LINLI_SIM_TRACE").is_ok();
        if trace {
            let who = self.node(&t).name.clone();
            match &event {
                Event::Received { conn, bytes } => {
                    let m = linli_shared::sync::Message::decode(bytes).unwrap();
                    eprintln!("{who} <- c{conn} {} {:?}", m.type_name(), m.document());
                    if let linli_shared::sync::Message::Sync { data, .. }
                    | linli_shared::sync::Message::Request { data, .. } = &m
                    {
                        let sm = automerge::sync::Message::decode(data).unwrap();
                        eprintln!(
                            "    heads {:?} need {:?} changes {}",
                            sm.heads,
                            sm.need,
                            sm.changes.len()
                        );
                    }
                }
                e => eprintln!("{who} {e:?}"),
            }
        }
        let relay = matches!(t, Target::Relay);
        let mut effects = self.node(&t).engine.handle(event, &mut OpenGate);
        if relay {
            // The relay passes changes on once per event, as the hub does
            // once per batch.
            effects.extend(self.relay.engine.handle(Event::Flush, &mut OpenGate));
        }
        self.run(t, effects);
    }

    fn run(&mut self, t: Target, effects: Vec<Effect>) {
        for effect in effects {
            match effect {
                Effect::Send { conn, bytes } => self.send(&t, conn, bytes),
                Effect::Close { conn, .. } => self.close_conn(&t, conn),
                Effect::Load { document } => self.node(&t).loads.push(document),
                Effect::SaveChunk { document, chunk } => {
                    self.node(&t)
                        .disk
                        .0
                        .entry(document)
                        .or_default()
                        .insert(chunk.key.clone(), chunk);
                }
                Effect::Compact {
                    document,
                    snapshot,
                    replaces,
                } => {
                    let disk = self.node(&t).disk.0.entry(document).or_default();
                    disk.insert(snapshot.key.clone(), snapshot);
                    for key in replaces {
                        disk.remove(&key);
                    }
                }
                Effect::CorruptChunk { .. } => panic!("the engine wrote a chunk it cannot read"),
                Effect::Denied { .. } => panic!("an open gate denied"),
                _ => {}
            }
        }
    }

    fn send(&mut self, from: &Target, conn: ConnId, bytes: Vec<u8>) {
        let duplicate = self.rng.chance(3);
        for link in self.links.values_mut() {
            let queue = match from {
                Target::Relay if link.relay_conn == conn => &mut link.to_phone,
                Target::Phone(_) if link.phone_conn == conn => &mut link.to_relay,
                _ => continue,
            };
            if duplicate {
                queue.push_back(bytes.clone());
            }
            queue.push_back(bytes);
            return;
        }
    }

    fn close_conn(&mut self, from: &Target, conn: ConnId) {
        let phone = self.links.iter().find_map(|(p, l)| match from {
            Target::Relay if l.relay_conn == conn => Some(*p),
            Target::Phone(_) if l.phone_conn == conn => Some(*p),
            _ => None,
        });
        if let Some(p) = phone {
            self.partition(p);
        }
    }

    fn connect(&mut self, phone: usize) {
        if self.links.contains_key(&phone) {
            return;
        }
        let (phone_conn, relay_conn) = (self.next_conn, self.next_conn + 1);
        self.next_conn += 2;
        self.links.insert(
            phone,
            Link {
                phone_conn,
                relay_conn,
                to_relay: VecDeque::new(),
                to_phone: VecDeque::new(),
            },
        );
        self.handle(Target::Relay, Event::Connected { conn: relay_conn });
        self.handle(Target::Phone(phone), Event::Connected { conn: phone_conn });
    }

    fn partition(&mut self, phone: usize) {
        if let Some(link) = self.links.remove(&phone) {
            self.handle(
                Target::Phone(phone),
                Event::Disconnected {
                    conn: link.phone_conn,
                },
            );
            self.handle(
                Target::Relay,
                Event::Disconnected {
                    conn: link.relay_conn,
                },
            );
        }
    }

    /// Delivers one frame or answers one storage read, picked at random.
    /// Returns false when nothing is pending.
    fn step(&mut self) -> bool {
        let mut pending: Vec<(usize, bool)> = Vec::new();
        for (p, l) in &self.links {
            if !l.to_relay.is_empty() {
                pending.push((*p, true));
            }
            if !l.to_phone.is_empty() {
                pending.push((*p, false));
            }
        }
        let mut loads: Vec<Option<usize>> = Vec::new();
        if !self.relay.loads.is_empty() {
            loads.push(None);
        }
        for (i, p) in self.phones.iter().enumerate() {
            if !p.loads.is_empty() {
                loads.push(Some(i));
            }
        }
        let total = pending.len() + loads.len();
        if total == 0 {
            return false;
        }
        let pick = self.rng.below(total as u64) as usize;
        if pick < pending.len() {
            let (p, to_relay) = pending[pick];
            let link = self.links.get_mut(&p).expect("pending link");
            if to_relay {
                let bytes = link.to_relay.pop_front().expect("pending frame");
                let conn = link.relay_conn;
                self.handle(Target::Relay, Event::Received { conn, bytes });
            } else {
                let bytes = link.to_phone.pop_front().expect("pending frame");
                let conn = link.phone_conn;
                self.handle(Target::Phone(p), Event::Received { conn, bytes });
            }
        } else {
            let who = loads[pick - pending.len()];
            let t = match who {
                None => Target::Relay,
                Some(i) => Target::Phone(i),
            };
            let node = self.node(&t);
            let document = node.loads.remove(0);
            let chunks = node.disk.chunks(&document);
            self.handle(t, Event::Loaded { document, chunks });
        }
        true
    }

    /// Time passes for everyone.
    fn tick(&mut self, millis: u64) {
        self.now += millis;
        let now = self.now;
        self.handle(Target::Relay, Event::Tick { now });
        for p in 0..self.phones.len() {
            self.handle(Target::Phone(p), Event::Tick { now });
        }
    }

    fn frames_in_flight(&self) -> bool {
        self.links
            .values()
            .any(|l| !l.to_relay.is_empty() || !l.to_phone.is_empty())
    }

    fn run_until_quiescent(&mut self) {
        let mut steps = 0;
        while self.step() {
            steps += 1;
            assert!(steps < 200_000, "the network never went quiet");
        }
    }

    /// A phone records an event in a document it has (with content).
    fn write(&mut self, phone: usize, doc_index: usize) {
        let id = self.documents[doc_index];
        let name = format!("{}-{}", self.phones[phone].name, self.writes);
        let creator = doc_index % self.phones.len() == phone;
        let node = &mut self.phones[phone];
        let engine = &mut node.engine;
        let Some(doc) = engine.document_mut(&id) else {
            return; // storage not read yet
        };
        let events = match doc.get(automerge::ROOT, "events").unwrap() {
            Some((Value::Object(ObjType::List), events)) => events,
            // Only the creator starts a document; the others wait for it.
            None if creator => doc
                .put_object(automerge::ROOT, "events", ObjType::List)
                .unwrap(),
            _ => return,
        };
        let len = doc.length(&events);
        doc.insert(&events, len, ScalarValue::Str(name.clone().into()))
            .unwrap();
        doc.commit();
        self.writes += 1;
        self.written.insert(name);
        self.handle(Target::Phone(phone), Event::LocalChange { document: id });
    }

    fn restart_phone(&mut self, phone: usize) {
        self.partition(phone);
        let disk = self.phones[phone].disk.clone();
        let name = self.phones[phone].name.clone();
        self.phones[phone] = Node::new(&name, false, disk);
        self.open_all(phone);
    }

    fn open_all(&mut self, phone: usize) {
        for i in 0..self.documents.len() {
            let document = self.documents[i];
            // Creators open what they created; everyone else asks for it.
            self.handle(Target::Phone(phone), Event::Open { document });
        }
    }

    fn restart_relay(&mut self) {
        for p in 0..self.phones.len() {
            self.partition(p);
        }
        let disk = self.relay.disk.clone();
        self.relay = Node::new("relay", true, disk);
    }

    fn events_in(doc: &AutoCommit) -> BTreeSet<String> {
        let Some((_, events)) = doc.get(automerge::ROOT, "events").unwrap() else {
            return BTreeSet::new();
        };
        (0..doc.length(&events))
            .filter_map(|i| match doc.get(&events, i).unwrap() {
                Some((Value::Scalar(s), _)) => match s.as_ref() {
                    ScalarValue::Str(s) => Some(s.to_string()),
                    _ => None,
                },
                _ => None,
            })
            .collect()
    }
}

/// Returns how many events the phones wrote.
fn simulate(seed: u64) -> usize {
    let phones = 4;
    let mut w = World::new(seed, phones, 3);
    for p in 0..phones {
        w.open_all(p);
        w.connect(p);
    }
    for _ in 0..120 {
        match w.rng.below(100) {
            0..=39 => {
                let p = w.rng.below(phones as u64) as usize;
                let d = w.rng.below(w.documents.len() as u64) as usize;
                w.write(p, d);
            }
            40..=74 => {
                for _ in 0..w.rng.below(12) {
                    w.step();
                }
            }
            75..=84 => {
                let p = w.rng.below(phones as u64) as usize;
                w.partition(p);
            }
            85..=92 => {
                let p = w.rng.below(phones as u64) as usize;
                w.connect(p);
            }
            93..=96 => {
                let p = w.rng.below(phones as u64) as usize;
                w.restart_phone(p);
            }
            97 => w.restart_relay(),
            _ => w.tick(5_000),
        }
    }
    // Heal: everyone connected (phones reconnect after a close, as the app
    // does), everything delivered, and time enough for stalled conversations
    // to start over.
    let mut rounds = 0;
    loop {
        for p in 0..phones {
            w.connect(p);
        }
        w.run_until_quiescent();
        w.tick(15_000);
        if !w.frames_in_flight() && w.links.len() == phones {
            break;
        }
        rounds += 1;
        assert!(rounds < 20, "seed {seed}: phones keep resyncing");
    }

    let mut seen_anywhere = BTreeSet::new();
    for id in &w.documents {
        let relay_doc = {
            let mut doc = AutoCommit::new();
            for chunk in w.relay.disk.chunks(id) {
                doc.load_incremental(&chunk.bytes).unwrap();
            }
            doc
        };
        let on_relay = World::events_in(&relay_doc);
        for phone in &w.phones {
            let on_phone = phone
                .engine
                .document(id)
                .map(World::events_in)
                .unwrap_or_default();
            assert_eq!(
                on_phone, on_relay,
                "seed {seed}: {} and the relay's storage differ on {id}",
                phone.name
            );
        }
        seen_anywhere.extend(on_relay);
    }
    assert_eq!(seen_anywhere, w.written, "seed {seed}: an event was lost");
    w.written.len()
}

#[test]
fn phones_and_relay_converge_whatever_the_network_does() {
    let seeds: u64 = std::env::var("LINLI_SIM_SEEDS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(300);
    let first: u64 = std::env::var("LINLI_SIM_FIRST")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    let mut quiet_runs = 0;
    for seed in first..first + seeds {
        if simulate(seed) == 0 {
            quiet_runs += 1;
        }
    }
    assert!(
        quiet_runs * 10 < seeds,
        "{quiet_runs} of {seeds} runs wrote nothing: the simulation tests too little"
    );
}

#[test]
fn snapshot_and_chunks_both_present_after_a_crash_load_fine() {
    // A crash between writing a snapshot and deleting the chunks it replaces
    // leaves both on disk; loading them together gives the same document.
    let id = DocumentId::from_random_bytes([9; 16]);
    let mut phone = Engine::new(Config {
        compact_above: 64,
        ..Config::phone("p")
    });
    let mut doc = AutoCommit::new();
    let events = doc
        .put_object(automerge::ROOT, "events", ObjType::List)
        .unwrap();
    doc.commit();
    let mut disk: BTreeMap<ChunkKey, StoredChunk> = BTreeMap::new();
    let mut crashed_disk = None;
    let effects = phone.create(id, doc);
    for e in effects {
        if let Effect::SaveChunk { chunk, .. } = e {
            disk.insert(chunk.key.clone(), chunk);
        }
    }
    for i in 0..40 {
        let doc = phone.document_mut(&id).unwrap();
        doc.insert(&events, i, format!("event {i}")).unwrap();
        doc.commit();
        for e in phone.handle(Event::LocalChange { document: id }, &mut OpenGate) {
            match e {
                Effect::SaveChunk { chunk, .. } => {
                    disk.insert(chunk.key.clone(), chunk);
                }
                Effect::Compact {
                    snapshot, replaces, ..
                } => {
                    assert_eq!(snapshot.kind, ChunkKind::Snapshot);
                    disk.insert(snapshot.key.clone(), snapshot);
                    if crashed_disk.is_none() {
                        crashed_disk = Some((disk.clone(), i + 1));
                    }
                    for k in replaces {
                        disk.remove(&k);
                    }
                }
                _ => {}
            }
        }
    }
    let (crashed, events_then) = crashed_disk.expect("40 events outgrow a 64-byte threshold");
    assert!(disk.len() < 40, "compaction removed chunks");
    for (stored, expected) in [(disk, 40), (crashed, events_then)] {
        let mut reopened = Engine::new(Config::phone("p"));
        reopened.handle(Event::Open { document: id }, &mut OpenGate);
        let effects = reopened.handle(
            Event::Loaded {
                document: id,
                chunks: stored.into_values().collect(),
            },
            &mut OpenGate,
        );
        assert!(
            !effects
                .iter()
                .any(|e| matches!(e, Effect::CorruptChunk { .. }))
        );
        let doc = reopened.document(&id).unwrap();
        let (_, list) = doc.get(automerge::ROOT, "events").unwrap().unwrap();
        assert_eq!(doc.length(&list), expected);
    }
}
