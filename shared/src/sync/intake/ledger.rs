//! Who wrote which op ids in a document: each actor's changes in sequence,
//! with the op counters each used. Built once from the document's change
//! metadata (no ops are decoded) and brought up to date from the heads it
//! last saw, so the rules in `fits` can ask "what is this actor's next
//! sequence number" and "which change holds op 7@ab…" without scanning the
//! history.

use std::collections::HashMap;

use automerge::{ActorId, AutoCommit, ChangeHash};

#[derive(Clone, Debug)]
pub(super) struct Entry {
    pub(super) seq: u64,
    pub(super) start_op: u64,
    pub(super) max_op: u64,
    pub(super) hash: ChangeHash,
}

#[derive(Default)]
pub(super) struct Ledger {
    heads: Vec<ChangeHash>,
    actors: HashMap<ActorId, Vec<Entry>>,
    max_ops: HashMap<ChangeHash, u64>,
}

impl Ledger {
    /// Takes in what the document gained since the ledger last looked.
    pub(super) fn refresh(&mut self, doc: &mut AutoCommit) {
        let heads = doc.get_heads();
        if heads == self.heads {
            return;
        }
        // The document was replaced (read again from storage): start over.
        let known = self
            .heads
            .iter()
            .all(|h| doc.get_change_meta_by_hash(h).is_some());
        if !known {
            *self = Ledger::default();
        }
        let since = std::mem::take(&mut self.heads);
        let mut touched = Vec::new();
        for meta in doc.get_changes_meta(&since) {
            let actor = meta.actor.into_owned();
            self.max_ops.insert(meta.hash, meta.max_op);
            self.actors.entry(actor.clone()).or_default().push(Entry {
                seq: meta.seq,
                start_op: meta.start_op,
                max_op: meta.max_op,
                hash: meta.hash,
            });
            touched.push(actor);
        }
        for actor in touched {
            if let Some(v) = self.actors.get_mut(&actor) {
                v.sort_by_key(|e| e.seq);
            }
        }
        self.heads = heads;
    }

    /// The actor's changes, in sequence.
    pub(super) fn of(&self, actor: &ActorId) -> &[Entry] {
        self.actors.get(actor).map_or(&[], Vec::as_slice)
    }

    /// The change that holds the actor's op with this counter.
    pub(super) fn change_of(&self, actor: &ActorId, counter: u64) -> Option<&Entry> {
        let entries = self.of(actor);
        let i = entries.partition_point(|e| e.max_op < counter);
        entries
            .get(i)
            .filter(|e| e.start_op <= counter && counter <= e.max_op)
    }

    /// The highest op counter of a change in the document.
    pub(super) fn max_op(&self, hash: &ChangeHash) -> Option<u64> {
        self.max_ops.get(hash).copied()
    }
}
