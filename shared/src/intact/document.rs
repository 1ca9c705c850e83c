//! A whole document's columns, checked for what Automerge's document loader
//! assumes and does not check: it rebuilds the change graph and every
//! change from these columns, indexing arrays with their values, so a
//! document whose columns disagree with each other panics inside it (found
//! by fuzzing, each rule below named after what it prevents). Everything
//! Automerge itself writes passes.
//!
//! The change table: one row per change, in an order where dependencies
//! come first.
//! - actor, seq, max op, dependency count and values hold no nulls, and
//!   every number fits in 32 bits (read with unchecked decoders);
//! - every column has one row per change; a change's dependencies are rows
//!   before it, each named once;
//! - each actor's changes come in sequence (1, 2, 3 …), and their op ranges
//!   (above their dependencies' highest op, up to their own) climb without
//!   overlapping;
//! - every actor listed writes at least one change (the author table is
//!   sized by changes, and unused actors are rewritten out at load).
//!
//! The op table: one row per op, grouped by object and key.
//! - op ids are unique counters from 1; no op names the root with a counter;
//! - each (object, key) group is one contiguous run of rows;
//! - an op's successors are later ops (by counter, then actor), in its own
//!   run when they are rows; one that is not a row is a deletion, and every
//!   op naming it is in one run;
//! - every op and deletion falls in exactly one change's range, and each
//!   change's ops fill the top of its range without gaps;
//! - no deletion rows (deletions are implied by successors), and an
//!   increment adds an integer.
//!
//! Row counts are held to [`Limits::max_rows`] by the column walk already.

use std::collections::{HashMap, HashSet};

use super::Damage;
use super::Limits;
use super::columns::{self, Column};
use super::reader::Reader;

/// The change table's columns (spec bytes, deflate bit cleared).
const CHANGE_ACTOR: u32 = 0x01;
const CHANGE_SEQ: u32 = 0x03;
const CHANGE_MAX_OP: u32 = 0x13;
const CHANGE_TIME: u32 = 0x23;
const CHANGE_MESSAGE: u32 = 0x35;
const DEPS_COUNT: u32 = 0x40;
const DEPS_VALUE: u32 = 0x43;
const EXTRA_META: u32 = 0x56;

/// The op table's columns.
const OBJ_ACTOR: u32 = 0x01;
const OBJ_COUNTER: u32 = 0x02;
const KEY_ACTOR: u32 = 0x11;
const KEY_COUNTER: u32 = 0x13;
const KEY_STRING: u32 = 0x15;
const ID_ACTOR: u32 = 0x21;
const ID_COUNTER: u32 = 0x23;
const INSERT: u32 = 0x34;
const ACTION: u32 = 0x42;
const VALUE_META: u32 = 0x56;
const SUCC_COUNT: u32 = 0x80;
const SUCC_ACTOR: u32 = 0x81;
const SUCC_COUNTER: u32 = 0x83;

const DELETE: u64 = 3;
const INCREMENT: u64 = 5;

fn find<'c, 'a>(columns: &'c [Column<'a>], spec: u32) -> Option<&'c Column<'a>> {
    columns.iter().find(|c| c.spec == spec)
}

/// A column's values, one per row, nulls as `None`.
fn uints(column: Option<&Column<'_>>, limits: &Limits) -> Result<Vec<Option<u64>>, Damage> {
    let mut out = Vec::new();
    if let Some(c) = column {
        columns::rle(
            &mut Reader::new(&c.data),
            limits,
            |r| r.uleb(),
            |v, n| {
                out.extend(std::iter::repeat_n(v, n as usize));
                Ok(())
            },
        )?;
    }
    Ok(out)
}

/// A delta column's running sums (nulls stay nulls).
fn deltas(column: Option<&Column<'_>>, limits: &Limits) -> Result<Vec<Option<i64>>, Damage> {
    let mut out = Vec::new();
    let mut total = 0i64;
    if let Some(c) = column {
        columns::rle(
            &mut Reader::new(&c.data),
            limits,
            |r| r.sleb(),
            |v, n| {
                match v {
                    None => out.extend(std::iter::repeat_n(None, n as usize)),
                    Some(d) => {
                        for _ in 0..n {
                            total = total.checked_add(d).ok_or(Damage::Number)?;
                            out.push(Some(total));
                        }
                    }
                }
                Ok(())
            },
        )?;
    }
    Ok(out)
}

fn strings(column: Option<&Column<'_>>, limits: &Limits) -> Result<Vec<Option<String>>, Damage> {
    let mut out = Vec::new();
    if let Some(c) = column {
        columns::rle(
            &mut Reader::new(&c.data),
            limits,
            |r| Ok(String::from_utf8_lossy(r.bytes()?).into_owned()),
            |v, n| {
                out.extend(std::iter::repeat_n(v, n as usize));
                Ok(())
            },
        )?;
    }
    Ok(out)
}

fn booleans(column: Option<&Column<'_>>, limits: &Limits) -> Result<Vec<bool>, Damage> {
    let mut out = Vec::new();
    if let Some(c) = column {
        columns::booleans(&mut Reader::new(&c.data), limits, |v, n| {
            out.extend(std::iter::repeat_n(v, n as usize))
        })?;
    }
    Ok(out)
}

/// Values that may not be null and must fit in 32 bits.
fn required_u32(values: Vec<Option<u64>>) -> Result<Vec<u64>, Damage> {
    values
        .into_iter()
        .map(|v| match v {
            Some(v) if v <= u64::from(u32::MAX) => Ok(v),
            _ => Err(Damage::Columns),
        })
        .collect()
}

fn required_u32_sums(values: Vec<Option<i64>>) -> Result<Vec<u64>, Damage> {
    values
        .into_iter()
        .map(|v| match v {
            Some(v) if (0..=i64::from(u32::MAX)).contains(&v) => Ok(v as u64),
            _ => Err(Damage::Columns),
        })
        .collect()
}

/// One change's place in the document: its actor, and the op counters it
/// owns (above `floor`, up to `max_op`).
struct Owner {
    floor: u64,
    max_op: u64,
    owned: u64,
    lowest: u64,
}

/// Checks a document's change and op tables (already walked) against each
/// other; `actors` is how many actors the document lists.
pub(super) fn check(
    actors: u64,
    changes: &[Column<'_>],
    ops: &[Column<'_>],
    limits: &Limits,
) -> Result<(), Damage> {
    // The change table.
    let actor = required_u32(uints(find(changes, CHANGE_ACTOR), limits)?)?;
    let n = actor.len();
    let seq = required_u32_sums(deltas(find(changes, CHANGE_SEQ), limits)?)?;
    let max_op = required_u32_sums(deltas(find(changes, CHANGE_MAX_OP), limits)?)?;
    let deps_count = required_u32(uints(find(changes, DEPS_COUNT), limits)?)?;
    let deps = required_u32_sums(deltas(find(changes, DEPS_VALUE), limits)?)?;
    let same_length = |len: usize| len == n;
    if !same_length(seq.len()) || !same_length(max_op.len()) || !same_length(deps_count.len()) {
        return Err(Damage::Columns);
    }
    for spec in [CHANGE_TIME, CHANGE_MESSAGE, EXTRA_META] {
        if let Some(c) = find(changes, spec) {
            let rows = columns::rle(
                &mut Reader::new(&c.data),
                limits,
                skip_value(spec),
                |_, _| Ok(()),
            )?;
            if rows as usize != n {
                return Err(Damage::Columns);
            }
        }
    }
    // Dependencies come first; each actor's changes in sequence, their op
    // ranges climbing.
    let mut owners: Vec<Owner> = Vec::with_capacity(n);
    let mut by_actor: HashMap<u64, Vec<usize>> = HashMap::new();
    let mut next_dep = 0usize;
    for i in 0..n {
        let count = deps_count[i] as usize;
        let row_deps = deps
            .get(next_dep..next_dep.checked_add(count).ok_or(Damage::Columns)?)
            .ok_or(Damage::Columns)?;
        next_dep += count;
        let mut floor = 0;
        let mut seen = HashSet::new();
        for &d in row_deps {
            if d as usize >= i || !seen.insert(d) {
                return Err(Damage::Columns);
            }
            floor = floor.max(max_op[d as usize]);
        }
        if floor > max_op[i] || max_op[i] >= u64::from(u32::MAX) {
            return Err(Damage::Columns);
        }
        if actor[i] >= actors {
            return Err(Damage::ActorIndex);
        }
        let mine = by_actor.entry(actor[i]).or_default();
        if let Some(&previous) = mine.last() {
            if seq[i] != seq[previous] + 1 || max_op[previous] > floor {
                return Err(Damage::Sequence);
            }
        } else if seq[i] != 1 {
            return Err(Damage::Sequence);
        }
        mine.push(i);
        owners.push(Owner {
            floor,
            max_op: max_op[i],
            owned: 0,
            lowest: u64::MAX,
        });
    }
    if next_dep != deps.len() {
        return Err(Damage::Columns);
    }
    if (0..actors).any(|a| !by_actor.contains_key(&a)) {
        return Err(Damage::ActorIndex);
    }

    // The op table.
    let id_actor = required_u32(uints(find(ops, ID_ACTOR), limits)?)?;
    let rows = id_actor.len();
    let id_counter = required_u32_sums(deltas(find(ops, ID_COUNTER), limits)?)?;
    let action = uints(find(ops, ACTION), limits)?;
    let value_meta = uints(find(ops, VALUE_META), limits)?;
    let obj_actor = uints(find(ops, OBJ_ACTOR), limits)?;
    let obj_counter = uints(find(ops, OBJ_COUNTER), limits)?;
    let key_actor = uints(find(ops, KEY_ACTOR), limits)?;
    let key_counter = deltas(find(ops, KEY_COUNTER), limits)?;
    let key_string = strings(find(ops, KEY_STRING), limits)?;
    let insert = booleans(find(ops, INSERT), limits)?;
    let succ_count = uints(find(ops, SUCC_COUNT), limits)?;
    let succ_actor = uints(find(ops, SUCC_ACTOR), limits)?;
    let succ_counter = deltas(find(ops, SUCC_COUNTER), limits)?;
    if id_counter.len() != rows || action.len() != rows {
        return Err(Damage::Columns);
    }
    let fits_rows = |len: usize| len == 0 || len == rows;
    let lengths = [
        value_meta.len(),
        obj_actor.len(),
        obj_counter.len(),
        key_actor.len(),
        key_counter.len(),
        key_string.len(),
        insert.len(),
        succ_count.len(),
    ];
    if !lengths.into_iter().all(fits_rows) {
        return Err(Damage::Columns);
    }
    let at = |v: &Vec<Option<u64>>, i: usize| v.get(i).copied().flatten();

    // Ids: unique counters from 1.
    let ids: Vec<(u64, u64)> = (0..rows).map(|i| (id_counter[i], id_actor[i])).collect();
    let mut id_set: HashSet<(u64, u64)> = HashSet::with_capacity(rows);
    for (i, id) in ids.iter().enumerate() {
        if id.0 == 0 || !id_set.insert(*id) {
            return Err(Damage::Columns);
        }
        match at(&action, i) {
            None | Some(DELETE) => return Err(Damage::Ops),
            Some(INCREMENT) if !matches!(at(&value_meta, i).map(|m| m & 0xf), Some(3 | 4)) => {
                return Err(Damage::Ops);
            }
            Some(a) if a > 7 => return Err(Damage::Ops),
            _ => {}
        }
    }

    // Groups: (object, key or own id for an insert), one run each.
    #[derive(Clone, PartialEq, Eq, Hash)]
    enum Key {
        Prop(String),
        Elem(Option<(u64, u64)>),
    }
    let mut group_of = Vec::with_capacity(rows);
    for (i, id) in ids.iter().enumerate() {
        let obj = match (at(&obj_actor, i), at(&obj_counter, i)) {
            (None, None) => None,
            (Some(a), Some(c)) if c > 0 => Some((c, a)),
            _ => return Err(Damage::Columns),
        };
        let key = if insert.get(i).copied().unwrap_or(false) {
            Key::Elem(Some(*id))
        } else {
            match (
                key_string.get(i).cloned().flatten(),
                at(&key_actor, i),
                key_counter.get(i).copied().flatten(),
            ) {
                (Some(s), None, None) => Key::Prop(s),
                (None, None, Some(0)) => Key::Elem(None),
                (None, Some(a), Some(c)) if c > 0 => Key::Elem(Some((c as u64, a))),
                _ => return Err(Damage::Columns),
            }
        };
        group_of.push((obj, key));
    }
    let mut run_of = Vec::with_capacity(rows);
    let mut seen_groups = HashSet::new();
    let mut run = 0usize;
    for i in 0..rows {
        if i > 0 && group_of[i] != group_of[i - 1] {
            run += 1;
        }
        if (i == 0 || group_of[i] != group_of[i - 1]) && !seen_groups.insert(group_of[i].clone()) {
            return Err(Damage::Columns);
        }
        run_of.push(run);
    }
    let index_of: HashMap<(u64, u64), usize> =
        ids.iter().enumerate().map(|(i, id)| (*id, i)).collect();

    // Successors: later, in the run; deletions named from one run only.
    let mut deletions: HashMap<(u64, u64), usize> = HashMap::new();
    let mut next_succ = 0usize;
    for i in 0..rows {
        let count = at(&succ_count, i).unwrap_or(0) as usize;
        for s in next_succ..next_succ.checked_add(count).ok_or(Damage::Columns)? {
            let y = match (at(&succ_actor, s), succ_counter.get(s).copied().flatten()) {
                (Some(a), Some(c)) if c > 0 && c <= i64::from(u32::MAX) => (c as u64, a),
                _ => return Err(Damage::Columns),
            };
            if y <= ids[i] {
                return Err(Damage::Columns);
            }
            match index_of.get(&y) {
                Some(&j) => {
                    if j <= i || run_of[j] != run_of[i] {
                        return Err(Damage::Columns);
                    }
                }
                None => {
                    if *deletions.entry(y).or_insert(run_of[i]) != run_of[i] {
                        return Err(Damage::Columns);
                    }
                }
            }
        }
        next_succ += count;
    }
    if next_succ != succ_counter.len() {
        return Err(Damage::Columns);
    }

    // Every op and deletion in exactly one change's range, each change's
    // filling the top of its range.
    for &(counter, a) in ids.iter().chain(deletions.keys()) {
        let changes = by_actor.get(&a).ok_or(Damage::ActorIndex)?;
        let k = changes.partition_point(|&c| owners[c].max_op < counter);
        let c = *changes.get(k).ok_or(Damage::Columns)?;
        let owner = &mut owners[c];
        if counter <= owner.floor {
            return Err(Damage::Columns);
        }
        owner.owned += 1;
        owner.lowest = owner.lowest.min(counter);
    }
    for owner in &owners {
        if owner.owned > 0 && owner.lowest + owner.owned != owner.max_op + 1 {
            return Err(Damage::Columns);
        }
    }
    Ok(())
}

/// Reads past one value of a change-table column (they are walked already).
fn skip_value(spec: u32) -> impl FnMut(&mut Reader<'_>) -> Result<(), Damage> {
    move |r| match spec {
        CHANGE_MESSAGE => r.bytes().map(|_| ()),
        CHANGE_TIME => r.sleb().map(|_| ()),
        _ => r.uleb().map(|_| ()),
    }
}
