//! A change read all the way down to its ops, for the rules that decide
//! whether it may join a document (`sync::intake`). Only chunks that passed
//! the structural check are read here, so every column is known to decode;
//! this reads the values out of them, row by row, and refuses rows that do
//! not make an op (a key that is neither a property nor an element, an
//! action Automerge does not know, an increment by something not a number).
//! Column ids: <https://alexjg.github.io/automerge-storage-docs/#change-chunk-columns>

use automerge::{ActorId, ChangeHash};
use sha2::{Digest, Sha256};

use super::columns::{self, Column};
use super::reader::Reader;
use super::{CHANGE, COMPRESSED, Damage, Limits, MAGIC};

/// An op's id: a counter and the actor that made it.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct OpRef {
    pub counter: u64,
    pub actor: ActorId,
}

/// Where an op acts within its object.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Key {
    /// A map's property.
    Prop(String),
    /// The start of a sequence (only an insert may name it).
    Head,
    /// An element of a sequence: the id of the insert that made it.
    Elem(OpRef),
}

/// One op of a change.
#[derive(Clone, Debug)]
pub struct Op {
    /// `None` is the root map.
    pub obj: Option<OpRef>,
    pub key: Key,
    pub insert: bool,
    /// 0 make map, 1 put, 2 make list, 3 delete, 4 make text, 5 increment,
    /// 6 make table, 7 mark.
    pub action: u64,
    /// The value's type code (3 uint, 4 int, 8 counter, …; 0 null).
    pub value_type: u64,
    pub pred: Vec<OpRef>,
}

/// A change as written: who, which in their sequence, its ops.
#[derive(Clone, Debug)]
pub struct Written {
    pub hash: ChangeHash,
    pub actor: ActorId,
    pub seq: u64,
    pub start_op: u64,
    pub deps: Vec<ChangeHash>,
    pub ops: Vec<Op>,
    /// Bytes after the ops (Automerge keeps an author there).
    pub extra: bool,
}

impl Written {
    /// The id of the change's `i`th op.
    pub fn op_id(&self, i: usize) -> OpRef {
        OpRef {
            counter: self.start_op + i as u64,
            actor: self.actor.clone(),
        }
    }

    /// The highest op counter the change uses (`start_op - 1` when it has
    /// no ops).
    pub fn max_op(&self) -> u64 {
        self.start_op + self.ops.len() as u64 - 1
    }
}

/// Reads one change chunk (plain or compressed), checking it as
/// [`super::check_chunks`] does.
pub fn read_change(chunk: &[u8], limits: &Limits) -> Result<Written, Damage> {
    let mut r = Reader::new(chunk);
    if r.take(4).map_err(|_| Damage::NotAChunk)? != MAGIC {
        return Err(Damage::NotAChunk);
    }
    let checksum = r.take(4)?;
    let kind = r.byte()?;
    let len = r.uleb()?;
    let data = r.take(len)?;
    if !r.is_empty() {
        return Err(Damage::Trailing);
    }
    let inflated;
    let data = match kind {
        CHANGE => data,
        COMPRESSED => {
            let mut budget = limits.max_inflated;
            inflated = super::inflate(data, &mut budget)?;
            &inflated[..]
        }
        other => return Err(Damage::Kind(other)),
    };
    let hash = hash_of(data);
    if hash.0[..4] != *checksum {
        return Err(Damage::Checksum);
    }
    let body = super::change_body(data, limits)?;
    let actors: Vec<ActorId> = body.actors.iter().map(|a| ActorId::from(*a)).collect();
    let ops = decode(&body.columns, body.rows, &actors, limits)?;
    let deps = body
        .deps
        .iter()
        .map(|d| ChangeHash::try_from(*d).map_err(|_| Damage::Truncated))
        .collect::<Result<_, _>>()?;
    Ok(Written {
        hash,
        actor: actors[0].clone(),
        seq: body.seq,
        start_op: body.start_op,
        deps,
        ops,
        extra: !body.extra.is_empty(),
    })
}

/// A change's hash: SHA-256 over its type, length and data.
fn hash_of(data: &[u8]) -> ChangeHash {
    let mut header = vec![CHANGE];
    super::write_leb128(&mut header, data.len() as u64);
    let digest = Sha256::new()
        .chain_update(&header)
        .chain_update(data)
        .finalize();
    let mut bytes = [0u8; 32];
    bytes.copy_from_slice(&digest);
    ChangeHash(bytes)
}

const OBJ: u32 = 0;
const KEY: u32 = 1;
const INSERT: u32 = 3;
const ACTION: u32 = 4;
const VALUE: u32 = 5;
const PRED: u32 = 7;
const MARK_NAME: u32 = 10;

/// Each column's values by row.
#[derive(Default)]
struct Rows {
    obj_actor: Vec<Option<u64>>,
    obj_counter: Vec<Option<u64>>,
    key_actor: Vec<Option<u64>>,
    key_counter: Vec<Option<u64>>,
    key_prop: Vec<Option<String>>,
    insert: Vec<bool>,
    action: Vec<Option<u64>>,
    value_type: Vec<Option<u64>>,
    pred_count: Vec<Option<u64>>,
    pred_actor: Vec<Option<u64>>,
    pred_counter: Vec<Option<u64>>,
    mark_name: Vec<Option<String>>,
}

fn decode(
    columns: &[Column<'_>],
    rows: u64,
    actors: &[ActorId],
    limits: &Limits,
) -> Result<Vec<Op>, Damage> {
    let mut c = Rows::default();
    for column in columns {
        let mut r = Reader::new(&column.data);
        let (id, kind) = (column.spec >> 4, column.spec & 0b111);
        match (id, kind) {
            (OBJ, 1) => c.obj_actor = uints(&mut r, limits)?,
            (OBJ, 2) => c.obj_counter = uints(&mut r, limits)?,
            (KEY, 1) => c.key_actor = uints(&mut r, limits)?,
            (KEY, 3) => c.key_counter = deltas(&mut r, limits)?,
            (KEY, 5) => c.key_prop = strings(&mut r, limits)?,
            (INSERT, 4) => {
                columns::booleans(&mut r, limits, |v, n| {
                    c.insert.extend(std::iter::repeat_n(v, n as usize))
                })?;
            }
            (ACTION, 2) => c.action = uints(&mut r, limits)?,
            (VALUE, 6) => c.value_type = uints(&mut r, limits)?,
            (PRED, 0) => c.pred_count = uints(&mut r, limits)?,
            (PRED, 1) => c.pred_actor = uints(&mut r, limits)?,
            (PRED, 3) => c.pred_counter = deltas(&mut r, limits)?,
            (MARK_NAME, 5) => c.mark_name = strings(&mut r, limits)?,
            _ => {}
        }
    }
    let op_ref = |actor: Option<u64>, counter: Option<u64>| -> Result<Option<OpRef>, Damage> {
        match (actor, counter) {
            (None, None) => Ok(None),
            (Some(a), Some(counter)) => {
                let actor = actors
                    .get(usize::try_from(a).map_err(|_| Damage::ActorIndex)?)
                    .ok_or(Damage::ActorIndex)?
                    .clone();
                Ok(Some(OpRef { counter, actor }))
            }
            _ => Err(Damage::Ops),
        }
    };
    let at = |v: &Vec<Option<u64>>, i: usize| v.get(i).copied().flatten();
    let mut ops = Vec::with_capacity(rows as usize);
    let mut pred_at = 0usize;
    for i in 0..rows as usize {
        let obj = op_ref(at(&c.obj_actor, i), at(&c.obj_counter, i))?;
        let key = match c.key_prop.get(i).cloned().flatten() {
            Some(prop) => Key::Prop(prop),
            None => match (at(&c.key_actor, i), at(&c.key_counter, i)) {
                (None, Some(0)) => Key::Head,
                (actor, counter) => Key::Elem(op_ref(actor, counter)?.ok_or(Damage::Ops)?),
            },
        };
        let action = at(&c.action, i).ok_or(Damage::Ops)?;
        let value_type = at(&c.value_type, i).unwrap_or(0) & 0xf;
        let has_name = c.mark_name.get(i).is_some_and(Option::is_some);
        let sound = match action {
            0..=4 | 6 => !has_name,
            // An increment by an integer.
            5 => matches!(value_type, 3 | 4) && !has_name,
            // A mark begins with a name and ends without one.
            7 => true,
            _ => false,
        };
        if !sound {
            return Err(Damage::Ops);
        }
        let n = at(&c.pred_count, i).unwrap_or(0) as usize;
        let mut pred = Vec::new();
        for p in pred_at..pred_at.checked_add(n).ok_or(Damage::Ops)? {
            pred.push(op_ref(at(&c.pred_actor, p), at(&c.pred_counter, p))?.ok_or(Damage::Ops)?);
        }
        pred_at += n;
        ops.push(Op {
            obj,
            key,
            insert: c.insert.get(i).copied().unwrap_or(false),
            action,
            value_type,
            pred,
        });
    }
    Ok(ops)
}

fn uints(r: &mut Reader<'_>, limits: &Limits) -> Result<Vec<Option<u64>>, Damage> {
    let mut out = Vec::new();
    columns::rle(
        r,
        limits,
        |r| r.uleb(),
        |v, n| {
            out.extend(std::iter::repeat_n(v, n as usize));
            Ok(())
        },
    )?;
    Ok(out)
}

/// A delta column's running sums; a counter below zero is refused.
fn deltas(r: &mut Reader<'_>, limits: &Limits) -> Result<Vec<Option<u64>>, Damage> {
    let mut out = Vec::new();
    let mut total = 0i64;
    columns::rle(
        r,
        limits,
        |r| r.sleb(),
        |v, n| {
            match v {
                None => out.extend(std::iter::repeat_n(None, n as usize)),
                Some(d) => {
                    for _ in 0..n {
                        total = total.checked_add(d).ok_or(Damage::Number)?;
                        let value = u64::try_from(total).map_err(|_| Damage::Number)?;
                        out.push(Some(value));
                    }
                }
            }
            Ok(())
        },
    )?;
    Ok(out)
}

fn strings(r: &mut Reader<'_>, limits: &Limits) -> Result<Vec<Option<String>>, Damage> {
    let mut out = Vec::new();
    columns::rle(
        r,
        limits,
        |r| {
            let s = std::str::from_utf8(r.bytes()?).map_err(|_| Damage::Text)?;
            Ok(s.to_owned())
        },
        |v, n| {
            out.extend(std::iter::repeat_n(v, n as usize));
            Ok(())
        },
    )?;
    Ok(out)
}
