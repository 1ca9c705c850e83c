//! Whether one change may join a document: the invariants Automerge's
//! apply path assumes and does not check (each found by fuzzing as a panic
//! inside it), checked against the document and the changes already let in
//! this round. Every rule holds for anything an honest Automerge writes:
//!
//! - an actor's changes come in sequence (1, 2, 3 …) and each starts its op
//!   counters above its previous change's and above every dependency's;
//! - an op names only ops older than itself (its object, the element it
//!   follows or updates, the ops it overwrites);
//! - its object exists and is of the right kind: a property of a map, an
//!   element of a list or text;
//! - an element it follows or updates is an element of that same object;
//! - the ops it overwrites are at the same key of the same object, and an
//!   increment overwrites only a counter;
//! - inserts overwrite nothing; deletes and increments overwrite something;
//! - no author footer (Linli never writes one; Automerge asserts on it).

use std::collections::HashMap;
use std::sync::Arc;

use automerge::{ActorId, AutoCommit, ChangeHash, ObjType};

use super::ledger::Ledger;
use crate::intact::{Damage, Key, Limits, Op, OpRef, Written, read_change};

const MAKE_MAP: u64 = 0;
const PUT: u64 = 1;
const MAKE_LIST: u64 = 2;
const DELETE: u64 = 3;
const MAKE_TEXT: u64 = 4;
const INCREMENT: u64 = 5;
const MAKE_TABLE: u64 = 6;
const MARK: u64 = 7;
const COUNTER: u64 = 8;

/// The changes let in so far this round, by actor, in the order let in.
#[derive(Default)]
pub(super) struct Admitted {
    pub(super) changes: Vec<Arc<Written>>,
    by_actor: HashMap<ActorId, Vec<usize>>,
    by_hash: HashMap<ChangeHash, usize>,
}

impl Admitted {
    pub(super) fn push(&mut self, w: Arc<Written>) {
        let i = self.changes.len();
        self.by_actor.entry(w.actor.clone()).or_default().push(i);
        self.by_hash.insert(w.hash, i);
        self.changes.push(w);
    }

    fn last_of(&self, actor: &ActorId) -> Option<&Written> {
        let i = *self.by_actor.get(actor)?.last()?;
        Some(&self.changes[i])
    }

    /// The admitted change holding this op.
    fn holding(&self, id: &OpRef) -> Option<&Arc<Written>> {
        let list = self.by_actor.get(&id.actor)?;
        let i = list.partition_point(|&i| self.changes[i].max_op() < id.counter);
        let w = &self.changes[*list.get(i)?];
        (w.start_op <= id.counter && id.counter <= w.max_op()).then_some(w)
    }
}

/// Why a change may not join now.
#[derive(Debug, PartialEq, Eq)]
pub(super) enum Unfit {
    /// It names an op nobody here has (yet): it waits.
    Later,
    /// It breaks a rule: refused.
    Broken(Damage),
}

impl From<Damage> for Unfit {
    fn from(d: Damage) -> Self {
        Unfit::Broken(d)
    }
}

/// What the rules may look at: the document, its ledger, the changes let in
/// before this one in the same round, and a cache of the document's
/// changes already read.
pub(super) struct View<'a> {
    pub(super) doc: &'a mut AutoCommit,
    pub(super) ledger: &'a Ledger,
    pub(super) admitted: &'a Admitted,
    pub(super) cache: &'a mut HashMap<ChangeHash, Arc<Written>>,
    pub(super) limits: &'a Limits,
}

impl View<'_> {
    fn next_seq(&self, change: &Written) -> u64 {
        match self.admitted.last_of(&change.actor) {
            Some(w) => w.seq + 1,
            None => self.ledger.of(&change.actor).last().map_or(0, |e| e.seq) + 1,
        }
    }

    fn last_max_op(&self, change: &Written) -> u64 {
        match self.admitted.last_of(&change.actor) {
            Some(w) => w.max_op(),
            None => self.ledger.of(&change.actor).last().map_or(0, |e| e.max_op),
        }
    }

    fn dep_max_op(&self, hash: &ChangeHash) -> Option<u64> {
        self.ledger.max_op(hash).or_else(|| {
            let i = *self.admitted.by_hash.get(hash)?;
            Some(self.admitted.changes[i].max_op())
        })
    }

    /// The op with this id, in the document or a change let in this round,
    /// and which admitted change held it.
    fn op(&mut self, id: &OpRef) -> Option<(Op, Option<ChangeHash>)> {
        if let Some(w) = self.admitted.holding(id) {
            let op = w.ops.get((id.counter - w.start_op) as usize)?.clone();
            return Some((op, Some(w.hash)));
        }
        let entry = self.ledger.change_of(&id.actor, id.counter)?.clone();
        let written = match self.cache.get(&entry.hash) {
            Some(w) => w.clone(),
            None => {
                let change = self.doc.get_change_by_hash(&entry.hash)?;
                let w = Arc::new(read_change(change.raw_bytes(), self.limits).ok()?);
                if self.cache.len() >= 512 {
                    self.cache.clear();
                }
                self.cache.insert(entry.hash, w.clone());
                w
            }
        };
        let op = written
            .ops
            .get((id.counter - written.start_op) as usize)?
            .clone();
        Some((op, None))
    }
}

/// Checks `change` (whose dependencies are all in the document or let in
/// already) against everything it may name. Returns the admitted changes
/// it names (so it is never applied in one batch with them).
pub(super) fn fits(view: &mut View<'_>, change: &Written) -> Result<Vec<ChangeHash>, Unfit> {
    if change.extra {
        return Err(Damage::Ops.into());
    }
    if change.seq != view.next_seq(change) {
        return Err(Damage::Sequence.into());
    }
    if change.start_op <= view.last_max_op(change) {
        return Err(Damage::Sequence.into());
    }
    for dep in &change.deps {
        match view.dep_max_op(dep) {
            Some(max) if change.start_op > max => {}
            _ => return Err(Damage::Sequence.into()),
        }
    }
    let mut named = Vec::new();
    // The change's own ops, as it makes them.
    let mut own: Vec<Op> = Vec::with_capacity(change.ops.len());
    for (i, op) in change.ops.iter().enumerate() {
        let id = change.op_id(i);
        let mut find = |view: &mut View<'_>, r: &OpRef| -> Result<Op, Unfit> {
            if r.counter >= id.counter {
                return Err(Damage::Ops.into());
            }
            if r.actor == change.actor && r.counter >= change.start_op {
                return own
                    .get((r.counter - change.start_op) as usize)
                    .cloned()
                    .ok_or(Damage::Ops.into());
            }
            let (op, from) = view.op(r).ok_or(Unfit::Later)?;
            named.extend(from);
            Ok(op)
        };
        let kind = match &op.obj {
            None => ObjType::Map,
            Some(obj) => match find(view, obj)?.action {
                MAKE_MAP => ObjType::Map,
                MAKE_TABLE => ObjType::Table,
                MAKE_LIST => ObjType::List,
                MAKE_TEXT => ObjType::Text,
                _ => return Err(Damage::Ops.into()),
            },
        };
        let sequence = matches!(kind, ObjType::List | ObjType::Text);
        match (&op.key, sequence) {
            (Key::Prop(_), false) if !op.insert => {}
            (Key::Head, true) if op.insert => {}
            (Key::Elem(elem), true) => {
                let e = find(view, elem)?;
                if !e.insert || e.obj != op.obj {
                    return Err(Damage::Ops.into());
                }
            }
            _ => return Err(Damage::Ops.into()),
        }
        match op.action {
            DELETE | INCREMENT if op.insert || op.pred.is_empty() => {
                return Err(Damage::Ops.into());
            }
            MARK if !sequence => return Err(Damage::Ops.into()),
            _ if op.insert && !op.pred.is_empty() => return Err(Damage::Ops.into()),
            _ => {}
        }
        for p in &op.pred {
            let target = find(view, p)?;
            let same_place = target.obj == op.obj
                && match &op.key {
                    Key::Elem(elem) if target.insert => *elem == *p,
                    key => target.key == *key && !target.insert,
                };
            if !same_place {
                return Err(Damage::Ops.into());
            }
            if op.action == INCREMENT
                && !(target.action == INCREMENT
                    || (target.action == PUT && target.value_type == COUNTER))
            {
                return Err(Damage::Ops.into());
            }
        }
        own.push(op.clone());
    }
    named.sort();
    named.dedup();
    Ok(named)
}
