//! Automerge's column-oriented op storage, walked once before Automerge's
//! own decoders see it: every column decodes in its declared encoding, its
//! runs add up to a bounded number of rows (a run length is a number, so a
//! few bytes can claim billions of ops), actor indices name actors the chunk
//! lists, grouped columns hold what their group counts, and raw values are
//! exactly as long as their metadata says.
//! Format: <https://alexjg.github.io/automerge-storage-docs/#column-oriented-storage>

use std::borrow::Cow;

use super::reader::Reader;
use super::{Damage, Limits};

const GROUP: u32 = 0;
const ACTOR: u32 = 1;
const INTEGER: u32 = 2;
const DELTA: u32 = 3;
const BOOLEAN: u32 = 4;
const STRING: u32 = 5;
const VALUE_METADATA: u32 = 6;
const VALUE: u32 = 7;
const DEFLATE: u32 = 0b1000;

/// One column as a chunk lays it out: its specification and its bytes
/// (inflated already when the chunk deflated it).
pub(super) struct Column<'a> {
    pub(super) spec: u32,
    pub(super) data: Cow<'a, [u8]>,
}

/// A chunk's column specifications and lengths, before their data.
pub(super) fn layout(r: &mut Reader<'_>) -> Result<Vec<(u32, u64)>, Damage> {
    let n = r.count(2)?;
    let mut columns = Vec::new();
    let mut previous: Option<u32> = None;
    for _ in 0..n {
        let spec = u32::try_from(r.uleb()?).map_err(|_| Damage::Columns)?;
        let len = r.uleb()?;
        // Normalised order, each column once (Automerge sorts them so).
        let normal = spec & !DEFLATE;
        if previous.is_some_and(|p| p >= normal) {
            return Err(Damage::Columns);
        }
        previous = Some(normal);
        columns.push((spec, len));
    }
    Ok(columns)
}

/// Splits `data` into the columns `layout` describes, inflating deflated
/// ones within what `budget` still allows (shared by every column of a
/// message, so many small bombs add up as one).
pub(super) fn split<'a>(
    layout: &[(u32, u64)],
    r: &mut Reader<'a>,
    deflate_allowed: bool,
    budget: &mut usize,
) -> Result<Vec<Column<'a>>, Damage> {
    let mut columns = Vec::with_capacity(layout.len());
    for &(spec, len) in layout {
        let raw = r.take(len)?;
        let data = if spec & DEFLATE != 0 {
            if !deflate_allowed {
                return Err(Damage::Columns);
            }
            Cow::Owned(super::inflate(raw, budget)?)
        } else {
            Cow::Borrowed(raw)
        };
        columns.push(Column {
            spec: spec & !DEFLATE,
            data,
        });
    }
    Ok(columns)
}

/// What walking the columns of one chunk found.
#[derive(Debug, Default)]
pub(super) struct Walked {
    /// The most rows any column holds (ops, or changes of a document).
    pub(super) rows: u64,
}

/// Checks every column of one set (a change's ops, or a document's ops or
/// changes) whose actor indices must be below `actors`.
pub(super) fn walk(columns: &[Column<'_>], actors: u64, limits: &Limits) -> Result<Walked, Damage> {
    let mut walked = Walked::default();
    // The group a grouped column belongs to: (column id, items it counts).
    let mut group: Option<(u32, u64)> = None;
    // The value metadata column waiting for its raw values: (id, bytes).
    let mut metadata: Option<(u32, Vec<(u64, u64)>)> = None;
    for column in columns {
        let id = column.spec >> 4;
        let kind = column.spec & 0b111;
        if kind != VALUE
            && let Some((_, runs)) = metadata.take()
        {
            // Metadata without raw values: every value must be empty.
            values(&runs, &[])?;
        }
        let mut r = Reader::new(&column.data);
        let rows = match kind {
            GROUP => {
                let mut items = 0u64;
                let rows = rle(
                    &mut r,
                    limits,
                    |r| r.uleb(),
                    |v, n| {
                        items = items
                            .checked_add(v.unwrap_or(0).checked_mul(n).ok_or(Damage::TooManyRows)?)
                            .ok_or(Damage::TooManyRows)?;
                        Ok(())
                    },
                )?;
                if items > limits.max_rows {
                    return Err(Damage::TooManyRows);
                }
                group = Some((id, items));
                rows
            }
            ACTOR => rle(
                &mut r,
                limits,
                |r| r.uleb(),
                |v, _| match v {
                    Some(a) if a >= actors => Err(Damage::ActorIndex),
                    _ => Ok(()),
                },
            )?,
            INTEGER => rle(&mut r, limits, |r| r.uleb(), |_, _| Ok(()))?,
            DELTA => {
                let mut total = 0i64;
                rle(
                    &mut r,
                    limits,
                    |r| r.sleb(),
                    |v, n| {
                        if let Some(d) = v {
                            let n = i64::try_from(n).map_err(|_| Damage::TooManyRows)?;
                            total = d
                                .checked_mul(n)
                                .and_then(|step| total.checked_add(step))
                                .ok_or(Damage::Number)?;
                        }
                        Ok(())
                    },
                )?
            }
            BOOLEAN => booleans(&mut r, limits, |_, _| ())?,
            STRING => rle(
                &mut r,
                limits,
                |r| {
                    let s = r.bytes()?;
                    std::str::from_utf8(s).map_err(|_| Damage::Text)?;
                    Ok(())
                },
                |_, _| Ok(()),
            )?,
            VALUE_METADATA => {
                let mut runs = Vec::new();
                let rows = rle(
                    &mut r,
                    limits,
                    |r| r.uleb(),
                    |v, n| {
                        runs.push((v.unwrap_or(0), n));
                        Ok(())
                    },
                )?;
                metadata = Some((id, runs));
                rows
            }
            _ => {
                // Raw values: as many bytes as their metadata says, each
                // one decoding as its type.
                match metadata.take() {
                    Some((meta_id, runs)) if meta_id == id => {
                        values(&runs, &column.data)?;
                    }
                    _ => return Err(Damage::Columns),
                }
                continue;
            }
        };
        if !r.is_empty() {
            return Err(Damage::Columns);
        }
        match group {
            Some((gid, items)) if gid == id && kind != GROUP => {
                if rows != items {
                    return Err(Damage::Columns);
                }
            }
            _ => {
                if kind != GROUP {
                    group = None;
                }
            }
        }
        walked.rows = walked.rows.max(rows);
    }
    if let Some((_, runs)) = metadata {
        values(&runs, &[])?;
    }
    Ok(walked)
}

/// A run-length encoded column: runs of one value, literal runs, and runs
/// of nulls. Calls `each(value, count)` per run (per value in a literal
/// run) and returns the rows.
pub(super) fn rle<V>(
    r: &mut Reader<'_>,
    limits: &Limits,
    mut value: impl FnMut(&mut Reader<'_>) -> Result<V, Damage>,
    mut each: impl FnMut(Option<V>, u64) -> Result<(), Damage>,
) -> Result<u64, Damage> {
    let mut rows = 0u64;
    let mut add = |n: u64| -> Result<(), Damage> {
        rows = rows.checked_add(n).ok_or(Damage::TooManyRows)?;
        if rows > limits.max_rows {
            return Err(Damage::TooManyRows);
        }
        Ok(())
    };
    while !r.is_empty() {
        let count = r.sleb()?;
        if count > 0 {
            let n = count.unsigned_abs();
            add(n)?;
            let v = value(r)?;
            each(Some(v), n)?;
        } else if count < 0 {
            let n = count.unsigned_abs();
            add(n)?;
            for _ in 0..n {
                let v = value(r)?;
                each(Some(v), 1)?;
            }
        } else {
            let n = r.uleb()?;
            if n == 0 {
                return Err(Damage::Columns);
            }
            add(n)?;
            each(None, n)?;
        }
    }
    Ok(rows)
}

/// Alternating runs of false and true, starting with false (which may be
/// an empty run); no later run is empty. Calls `each(value, count)` per run.
pub(super) fn booleans(
    r: &mut Reader<'_>,
    limits: &Limits,
    mut each: impl FnMut(bool, u64),
) -> Result<u64, Damage> {
    let mut rows = 0u64;
    let mut value = false;
    let mut first = true;
    while !r.is_empty() {
        let n = r.uleb()?;
        if n == 0 && !first {
            return Err(Damage::Columns);
        }
        first = false;
        rows = rows.checked_add(n).ok_or(Damage::TooManyRows)?;
        if rows > limits.max_rows {
            return Err(Damage::TooManyRows);
        }
        each(value, n);
        value = !value;
    }
    Ok(rows)
}

/// Raw values against their metadata (`(length << 4) | type` per row):
/// the lengths add up to the raw bytes exactly and each value decodes.
fn values(runs: &[(u64, u64)], raw: &[u8]) -> Result<u64, Damage> {
    let mut r = Reader::new(raw);
    let mut rows = 0u64;
    for &(meta, n) in runs {
        let len = meta >> 4;
        let kind = meta & 0xf;
        rows = rows.saturating_add(n);
        let fixed = match kind {
            // null, false, true
            0..=2 => Some(0),
            // a float
            5 => Some(8),
            _ => None,
        };
        if fixed.is_some_and(|f| f != len) {
            return Err(Damage::Values);
        }
        if len == 0 {
            // uLEB, sLEB, counter and timestamp take at least a byte.
            if matches!(kind, 3 | 4 | 8 | 9) {
                return Err(Damage::Values);
            }
            continue;
        }
        // Every value of the run takes `len` bytes: refuse a run the raw
        // bytes cannot hold before looking at any of them.
        if len.saturating_mul(n) > r.rest().len() as u64 {
            return Err(Damage::Values);
        }
        for _ in 0..n {
            let mut value = Reader::new(r.take(len)?);
            match kind {
                3 => {
                    value.uleb()?;
                }
                4 | 8 | 9 => {
                    value.sleb()?;
                }
                6 => {
                    std::str::from_utf8(value.rest()).map_err(|_| Damage::Text)?;
                    continue;
                }
                _ => continue,
            }
            if !value.is_empty() {
                return Err(Damage::Values);
            }
        }
    }
    if !r.is_empty() {
        return Err(Damage::Values);
    }
    Ok(rows)
}
