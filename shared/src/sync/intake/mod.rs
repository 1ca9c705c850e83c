//! Changes from a peer enter a document here, one checked step at a time.
//!
//! Automerge applies what a sync message carries as one batch and trusts
//! it: a change whose author skips a sequence number, an op on an object
//! that does not exist, an insert after an element of another list — each
//! panics somewhere inside it (the fuzz targets found them). A panic aborts
//! a phone's app and, on the relay, costs the document its memory state. So
//! the engine takes the changes out of every sync message and passes them
//! here:
//!
//! 1. each chunk passes the structural check and is read down to its ops
//!    (`intact`); a whole document (a v2 sync message) is loaded apart and
//!    read as its changes;
//! 2. changes whose dependencies the document has are checked against the
//!    document and each other (`fits`) in an order Automerge could apply
//!    them; one that does not fit refuses the whole message, and nothing of
//!    it is applied;
//! 3. the checked changes are applied in that same order, a few at a time
//!    (never two in one batch where one names the other, so Automerge's own
//!    ordering cannot differ from the one checked);
//! 4. changes whose dependencies have not arrived wait here — not in
//!    Automerge's queue, where they would later be applied unchecked — and
//!    their missing dependencies are what the engine asks its peer for.
//!
//! - [`ledger`]: who wrote which op ids in a document.
//! - [`fits`]: the rules one change must meet.

mod fits;
mod ledger;

use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use automerge::{AutoCommit, Change, ChangeHash};

use crate::intact::{self, Damage, Limits, Written};
use fits::{Admitted, Unfit, View, fits};
use ledger::Ledger;

/// Most changes that may wait for their dependencies, per document.
const MAX_WAITING: usize = 4096;

/// A document's intake: its ledger, and the changes waiting.
#[derive(Default)]
pub struct Intake {
    ledger: Ledger,
    waiting: Vec<Waiting>,
    cache: HashMap<ChangeHash, Arc<Written>>,
}

struct Waiting {
    written: Arc<Written>,
    bytes: Vec<u8>,
}

impl std::fmt::Debug for Intake {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Intake")
            .field("waiting", &self.waiting.len())
            .finish()
    }
}

/// What one message brought.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Taken {
    /// Changes applied to the document.
    pub applied: usize,
    /// Changes that had waited and turned out not to fit when their
    /// dependencies came (someone sent them earlier): dropped.
    pub dropped: usize,
}

impl Intake {
    /// Lets the chunks of one sync message into `doc`, or refuses them all.
    pub fn take(
        &mut self,
        doc: &mut AutoCommit,
        chunks: &[Vec<u8>],
        limits: &Limits,
    ) -> Result<Taken, Damage> {
        let mut budget = limits.max_inflated;
        let mut arrived: Vec<Waiting> = Vec::new();
        for entry in chunks {
            // One entry may hold several chunks (a v2 message's changes).
            for chunk in intact::split_chunks(entry)? {
                match chunk.get(8) {
                    Some(0) => {
                        arrived.extend(Self::document_changes(doc, chunk, limits, &mut budget)?);
                    }
                    _ => {
                        let written = intact::read_change(chunk, limits)?;
                        arrived.push(Waiting {
                            written: Arc::new(written),
                            bytes: chunk.to_vec(),
                        });
                    }
                }
            }
        }
        self.ledger.refresh(doc);
        let arrived_hashes: HashSet<ChangeHash> = arrived.iter().map(|w| w.written.hash).collect();
        let mut pool: Vec<Waiting> = std::mem::take(&mut self.waiting);
        pool.extend(arrived);
        // Duplicates, and what the document has already.
        let mut seen = HashSet::new();
        pool.retain(|w| {
            seen.insert(w.written.hash) && self.ledger.max_op(&w.written.hash).is_none()
        });

        // Check in an order Automerge could apply them (dependencies
        // first), putting off a change that names an op not seen yet until
        // nothing else moves.
        let index: HashMap<ChangeHash, usize> = pool
            .iter()
            .enumerate()
            .map(|(i, w)| (w.written.hash, i))
            .collect();
        let mut blocking: Vec<usize> = vec![0; pool.len()];
        let mut dependents: HashMap<usize, Vec<usize>> = HashMap::new();
        for (i, w) in pool.iter().enumerate() {
            for d in &w.written.deps {
                if let Some(&j) = index.get(d) {
                    blocking[i] += 1;
                    dependents.entry(j).or_default().push(i);
                } else if self.ledger.max_op(d).is_none() {
                    // Depends on something nobody here has: it waits.
                    blocking[i] += 1;
                }
            }
        }
        let mut ready: std::collections::VecDeque<usize> =
            (0..pool.len()).filter(|&i| blocking[i] == 0).collect();
        let mut put_off: Vec<usize> = Vec::new();
        let mut admitted = Admitted::default();
        let mut names: Vec<Vec<ChangeHash>> = Vec::new();
        let mut taken = vec![false; pool.len()];
        let mut dropped = 0;
        let mut moved = false;
        loop {
            let Some(i) = ready.pop_front() else {
                if moved && !put_off.is_empty() {
                    moved = false;
                    ready.extend(put_off.drain(..));
                    continue;
                }
                break;
            };
            let hash = pool[i].written.hash;
            let mut view = View {
                doc,
                ledger: &self.ledger,
                admitted: &admitted,
                cache: &mut self.cache,
                limits,
            };
            match fits(&mut view, &pool[i].written) {
                Ok(named) => {
                    moved = true;
                    taken[i] = true;
                    admitted.push(pool[i].written.clone());
                    names.push(named);
                    for &j in dependents.get(&i).map_or(&[][..], Vec::as_slice) {
                        blocking[j] -= 1;
                        if blocking[j] == 0 {
                            ready.push_back(j);
                        }
                    }
                }
                Err(Unfit::Later) => put_off.push(i),
                Err(Unfit::Broken(damage)) if arrived_hashes.contains(&hash) => {
                    // Nothing of this message is applied; what waited
                    // before it waits on.
                    self.waiting = pool
                        .into_iter()
                        .filter(|w| !arrived_hashes.contains(&w.written.hash))
                        .collect();
                    return Err(damage);
                }
                Err(Unfit::Broken(_)) => {
                    // Sent earlier, found not to fit once it could be
                    // checked: it goes, and what depends on it waits.
                    taken[i] = true;
                    dropped += 1;
                }
            }
        }
        let mut bytes_of: HashMap<ChangeHash, Vec<u8>> = HashMap::new();
        let mut rest = Vec::new();
        for (i, w) in pool.into_iter().enumerate() {
            if taken[i] {
                bytes_of.insert(w.written.hash, w.bytes);
            } else {
                rest.push(w);
            }
        }
        if rest.len() > MAX_WAITING {
            self.waiting = rest
                .into_iter()
                .filter(|w| !arrived_hashes.contains(&w.written.hash))
                .collect();
            return Err(Damage::TooManyWaiting);
        }
        self.waiting = rest;

        // Apply in the order checked, in as few batches as Automerge cannot
        // reorder harmfully: it applies a batch in some order where
        // dependencies come first, so a change may share a batch with what
        // it names or follows in its author's sequence only when that is
        // one of its ancestors. Honest histories are one batch; a change
        // naming a concurrent one starts a new batch.
        let n = admitted.changes.len();
        let position: HashMap<ChangeHash, usize> = admitted
            .changes
            .iter()
            .enumerate()
            .map(|(i, w)| (w.hash, i))
            .collect();
        let ancestry = Ancestry::of(&admitted.changes, &position);
        let mut batch: Vec<Change> = Vec::new();
        let mut batch_start = 0;
        let mut last_of_actor: HashMap<&automerge::ActorId, usize> = HashMap::new();
        for (k, (written, named)) in admitted.changes.iter().zip(&names).enumerate() {
            let leans_on = named
                .iter()
                .filter_map(|h| position.get(h).copied())
                .chain(last_of_actor.get(&written.actor).copied());
            let unordered = leans_on
                .filter(|&j| j >= batch_start)
                .any(|j| !ancestry.is_ancestor(j, k));
            if unordered {
                apply(doc, std::mem::take(&mut batch))?;
                batch_start = k;
            }
            let bytes = bytes_of.remove(&written.hash).unwrap_or_default();
            let change = Change::from_bytes(bytes).map_err(|_| Damage::Ops)?;
            last_of_actor.insert(&written.actor, k);
            batch.push(change);
        }
        debug_assert!(batch.len() <= n);
        apply(doc, batch)?;
        Ok(Taken {
            applied: admitted.changes.len(),
            dropped,
        })
    }

    /// The changes of a whole document (what a v2 sync message carries)
    /// that `doc` has not got, read like any other change.
    fn document_changes(
        doc: &mut AutoCommit,
        chunk: &[u8],
        limits: &Limits,
        budget: &mut usize,
    ) -> Result<Vec<Waiting>, Damage> {
        intact::check_chunks_within(chunk, limits, budget)?;
        let mut whole = AutoCommit::load(chunk).map_err(|_| Damage::Columns)?;
        let mut out = Vec::new();
        for change in whole.get_changes(&[]) {
            if doc.get_change_meta_by_hash(&change.hash()).is_some() {
                continue;
            }
            let bytes = change.raw_bytes().to_vec();
            let written = intact::read_change(&bytes, limits)?;
            out.push(Waiting {
                written: Arc::new(written),
                bytes,
            });
        }
        Ok(out)
    }

    /// What the waiting changes need that the document has not got: asked
    /// of the peer as Automerge would ask for its own queue's.
    pub fn missing(&self, doc: &mut AutoCommit) -> Vec<ChangeHash> {
        let waiting: HashSet<ChangeHash> = self.waiting.iter().map(|w| w.written.hash).collect();
        let mut missing: Vec<ChangeHash> = self
            .waiting
            .iter()
            .flat_map(|w| w.written.deps.iter().copied())
            .filter(|d| !waiting.contains(d) && doc.get_change_meta_by_hash(d).is_none())
            .collect();
        missing.sort();
        missing.dedup();
        missing
    }

    /// Whether a change waits here.
    pub fn holds(&self, hash: &ChangeHash) -> bool {
        self.waiting.iter().any(|w| w.written.hash == *hash)
    }

    /// Changes waiting for their dependencies.
    pub fn waiting(&self) -> usize {
        self.waiting.len()
    }
}

/// Which changes of a round are ancestors of which (bit sets over their
/// positions; dependencies come before dependents). Past [`MAX_ANCESTRY`]
/// changes it knows nothing, and every reference starts a new batch.
struct Ancestry {
    words: usize,
    bits: Vec<u64>,
}

/// Changes whose ancestry is worked out in one round (a few megabytes).
const MAX_ANCESTRY: usize = 4096;

impl Ancestry {
    fn of(changes: &[Arc<Written>], position: &HashMap<ChangeHash, usize>) -> Self {
        let n = changes.len();
        if n > MAX_ANCESTRY {
            return Self {
                words: 0,
                bits: Vec::new(),
            };
        }
        let words = n.div_ceil(64);
        let mut bits = vec![0u64; words * n];
        for (k, w) in changes.iter().enumerate() {
            for d in &w.deps {
                let Some(&j) = position.get(d) else { continue };
                if j >= k {
                    continue;
                }
                let (head, tail) = bits.split_at_mut(k * words);
                let mine = &mut tail[..words];
                let theirs = &head[j * words..(j + 1) * words];
                for (m, t) in mine.iter_mut().zip(theirs) {
                    *m |= t;
                }
                mine[j / 64] |= 1 << (j % 64);
            }
        }
        Self { words, bits }
    }

    /// Whether change `j` is an ancestor of change `k`.
    fn is_ancestor(&self, j: usize, k: usize) -> bool {
        self.words > 0 && j < k && self.bits[k * self.words + j / 64] & (1 << (j % 64)) != 0
    }
}

fn apply(doc: &mut AutoCommit, batch: Vec<Change>) -> Result<(), Damage> {
    if batch.is_empty() {
        return Ok(());
    }
    doc.apply_changes(batch).map_err(|_| Damage::Ops)
}

#[cfg(test)]
mod tests;
