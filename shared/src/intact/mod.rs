//! One check for every chunk before Automerge parses it: from a sync
//! message, from storage, from a file, from another phone.
//!
//! Automerge 0.12 verifies a chunk's checksum only after parsing it, its
//! column decoders panic on some malformed input (a panic aborts the phone's
//! app, `panic = "abort"` on wasm, and would end the relay's hub thread),
//! and its run-length and DEFLATE encodings let a few bytes claim gigabytes.
//! So bytes pass through here first, and are refused (with a [`Damage`]
//! saying why) unless:
//!
//! - they are whole chunks of the kinds Linli accepts: a document, a change
//!   or a compressed change (never a bundle, which Automerge's fast path
//!   decodes without validating);
//! - each chunk's SHA-256 checksum matches its bytes (disk damage, a torn
//!   write, a bit flipped in transit);
//! - what DEFLATE inflates stays within [`Limits::max_inflated`], counted
//!   over the whole message;
//! - every column decodes in its declared encoding, holds at most
//!   [`Limits::max_rows`] rows, names only actors the chunk lists, and its
//!   raw values match their metadata ([`columns`]).
//!
//! A checksum proves nothing against a phone that computes it on purpose;
//! the column walk is what stands between such a phone and Automerge's
//! decoders. What it misses, the relay contains at the document boundary
//! ([`crate::sync::engine`]), and the fuzz targets ([`crate::fuzzing`]) look for.
//!
//! - [`reader`]: a cursor over untrusted bytes.
//! - [`columns`]: the column walk.
//! - [`document`]: a whole document's tables, checked against each other.
//! - [`sync_message`]: what an Automerge sync message carries.

mod columns;
mod document;
pub mod ops;
mod reader;
pub mod sync_message;

use std::io::Read;

use sha2::{Digest, Sha256};

use reader::Reader;

pub use ops::{Key, Op, OpRef, Written, read_change};
pub use sync_message::check_sync_message;

const MAGIC: [u8; 4] = [0x85, 0x6f, 0x4a, 0x83];
const DOCUMENT: u8 = 0;
const CHANGE: u8 = 1;
const COMPRESSED: u8 = 2;

/// Why bytes were refused before Automerge saw them. The text goes to the
/// phone that sent them (in English, as protocol errors are) and to the log.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum Damage {
    #[error("no chunk")]
    Empty,
    #[error("not an Automerge chunk")]
    NotAChunk,
    #[error("cut short")]
    Truncated,
    #[error("a malformed number")]
    Number,
    #[error("a chunk of a kind not accepted ({0})")]
    Kind(u8),
    #[error("checksum does not match")]
    Checksum,
    #[error("compressed data does not inflate")]
    Deflate,
    #[error("inflates to more than the limit")]
    TooLarge,
    #[error("columns malformed")]
    Columns,
    #[error("more rows than the limit")]
    TooManyRows,
    #[error("an actor index out of range")]
    ActorIndex,
    #[error("values do not match their metadata")]
    Values,
    #[error("text is not UTF-8")]
    Text,
    #[error("bytes after the data")]
    Trailing,
    #[error("a malformed sync message")]
    SyncMessage,
    #[error("a malformed bloom filter")]
    Bloom,
    #[error("an op that is not one")]
    Ops,
    #[error("a change out of sequence")]
    Sequence,
    #[error("too many changes waiting for what they depend on")]
    TooManyWaiting,
}

impl Damage {
    /// A short stable name, for metrics labels.
    pub fn code(self) -> &'static str {
        match self {
            Damage::Empty => "empty",
            Damage::NotAChunk => "not_a_chunk",
            Damage::Truncated => "truncated",
            Damage::Number => "number",
            Damage::Kind(_) => "kind",
            Damage::Checksum => "checksum",
            Damage::Deflate => "deflate",
            Damage::TooLarge => "too_large",
            Damage::Columns => "columns",
            Damage::TooManyRows => "too_many_rows",
            Damage::ActorIndex => "actor_index",
            Damage::Values => "values",
            Damage::Text => "text",
            Damage::Trailing => "trailing",
            Damage::SyncMessage => "sync_message",
            Damage::Bloom => "bloom",
            Damage::Ops => "ops",
            Damage::Sequence => "sequence",
            Damage::TooManyWaiting => "too_many_waiting",
        }
    }
}

/// How much one message (or one stored chunk) may ask of whoever loads it.
#[derive(Clone, Copy, Debug)]
pub struct Limits {
    /// Bytes DEFLATE may inflate to, over everything checked at once.
    pub max_inflated: usize,
    /// Rows one column may hold (ops of a change or document, changes of a
    /// document). Linli's largest documents hold tens of thousands of ops;
    /// a phone must not be made to allocate for billions.
    pub max_rows: u64,
}

impl Limits {
    pub const DEFAULT: Limits = Limits {
        max_inflated: 64 << 20,
        max_rows: 1 << 20,
    };
}

impl Default for Limits {
    fn default() -> Self {
        Self::DEFAULT
    }
}

/// True when `bytes` is one or more whole chunks that pass [`check_chunks`].
pub fn intact(bytes: &[u8]) -> bool {
    check_chunks(bytes, &Limits::DEFAULT).is_ok()
}

/// Checks one or more concatenated chunks (what storage and files hold).
pub fn check_chunks(bytes: &[u8], limits: &Limits) -> Result<(), Damage> {
    let mut budget = limits.max_inflated;
    check_with(bytes, limits, &mut budget)
}

/// [`check_chunks`] drawing on a DEFLATE budget shared with other chunks
/// of the same message.
pub fn check_chunks_within(
    bytes: &[u8],
    limits: &Limits,
    budget: &mut usize,
) -> Result<(), Damage> {
    check_with(bytes, limits, budget)
}

fn check_with(bytes: &[u8], limits: &Limits, budget: &mut usize) -> Result<(), Damage> {
    if bytes.is_empty() {
        return Err(Damage::Empty);
    }
    let mut r = Reader::new(bytes);
    while !r.is_empty() {
        chunk(&mut r, limits, budget)?;
    }
    Ok(())
}

/// The chunk at the reader's position.
fn chunk(r: &mut Reader<'_>, limits: &Limits, budget: &mut usize) -> Result<(), Damage> {
    let magic = r.take(4).map_err(|_| Damage::NotAChunk)?;
    if magic != MAGIC {
        return Err(Damage::NotAChunk);
    }
    let checksum = r.take(4)?;
    let kind = r.byte()?;
    let len = r.uleb()?;
    let data = r.take(len)?;
    match kind {
        DOCUMENT => {
            if checksum_of(DOCUMENT, data) != checksum {
                return Err(Damage::Checksum);
            }
            document(data, limits, budget)
        }
        CHANGE => {
            if checksum_of(CHANGE, data) != checksum {
                return Err(Damage::Checksum);
            }
            change(data, limits)
        }
        // The header carries the checksum of the change before compression.
        COMPRESSED => {
            let inflated = inflate(data, budget)?;
            if checksum_of(CHANGE, &inflated) != checksum {
                return Err(Damage::Checksum);
            }
            change(&inflated, limits)
        }
        other => Err(Damage::Kind(other)),
    }
}

/// A document chunk's data: actors, heads, the changes' and the ops'
/// columns, and the heads' indices.
fn document(data: &[u8], limits: &Limits, budget: &mut usize) -> Result<(), Damage> {
    let mut r = Reader::new(data);
    let actors = r.count(1)?;
    for _ in 0..actors {
        r.bytes()?;
    }
    let heads = r.count(32)?;
    r.take(heads * 32)?;
    let change_layout = columns::layout(&mut r)?;
    let op_layout = columns::layout(&mut r)?;
    let changes = columns::split(&change_layout, &mut r, true, budget)?;
    let ops = columns::split(&op_layout, &mut r, true, budget)?;
    let walked = columns::walk(&changes, actors, limits)?;
    columns::walk(&ops, actors, limits)?;
    document::check(actors, &changes, &ops, limits)?;
    let changes = walked;
    // Older JS writers leave out the heads' indices.
    if !r.is_empty() {
        for _ in 0..heads {
            if r.uleb()? >= changes.rows {
                return Err(Damage::Columns);
            }
        }
        if !r.is_empty() {
            return Err(Damage::Trailing);
        }
    }
    Ok(())
}

/// A change chunk's data: dependencies, author, sequence, first op,
/// time, message, other actors, then the ops' columns (never deflated
/// inside a change) and any extra bytes.
fn change(data: &[u8], limits: &Limits) -> Result<(), Damage> {
    change_body(data, limits).map(|_| ())
}

/// What a change chunk's data holds, its columns checked.
struct ChangeBody<'a> {
    deps: Vec<&'a [u8]>,
    /// The author first, then the other actors the ops name.
    actors: Vec<&'a [u8]>,
    seq: u64,
    start_op: u64,
    columns: Vec<columns::Column<'a>>,
    rows: u64,
    extra: &'a [u8],
}

/// Counters stay exact in JavaScript's numbers (automerge-repo peers).
const MAX_COUNTER: u64 = 1 << 53;

fn change_body<'a>(data: &'a [u8], limits: &Limits) -> Result<ChangeBody<'a>, Damage> {
    let mut r = Reader::new(data);
    let n = r.count(32)?;
    let mut deps = Vec::new();
    for _ in 0..n {
        deps.push(r.take(32)?);
    }
    let mut actors = vec![r.bytes()?];
    let seq = r.uleb()?;
    let start_op = r.uleb()?;
    if start_op == 0 || seq == 0 || seq > MAX_COUNTER {
        return Err(Damage::Number);
    }
    r.sleb()?;
    std::str::from_utf8(r.bytes()?).map_err(|_| Damage::Text)?;
    let others = r.count(1)?;
    for _ in 0..others {
        actors.push(r.bytes()?);
    }
    let layout = columns::layout(&mut r)?;
    let mut no_budget = 0;
    let columns = columns::split(&layout, &mut r, false, &mut no_budget)?;
    let walked = columns::walk(&columns, actors.len() as u64, limits)?;
    if start_op.saturating_add(walked.rows) > MAX_COUNTER {
        return Err(Damage::Number);
    }
    Ok(ChangeBody {
        deps,
        actors,
        seq,
        start_op,
        columns,
        rows: walked.rows,
        extra: r.rest(),
    })
}

/// Inflates DEFLATE data, drawing its size from `budget`.
fn inflate(data: &[u8], budget: &mut usize) -> Result<Vec<u8>, Damage> {
    let mut out = Vec::new();
    let allowed = *budget as u64;
    flate2::read::DeflateDecoder::new(data)
        .take(allowed + 1)
        .read_to_end(&mut out)
        .map_err(|_| Damage::Deflate)?;
    if out.len() as u64 > allowed {
        return Err(Damage::TooLarge);
    }
    *budget -= out.len();
    Ok(out)
}

/// The first four bytes of SHA-256 over the type, the LEB128 length and the
/// data, as Automerge computes it.
fn checksum_of(kind: u8, data: &[u8]) -> [u8; 4] {
    let mut header = vec![kind];
    write_leb128(&mut header, data.len() as u64);
    let digest = Sha256::new()
        .chain_update(&header)
        .chain_update(data)
        .finalize();
    [digest[0], digest[1], digest[2], digest[3]]
}

fn write_leb128(out: &mut Vec<u8>, mut value: u64) {
    loop {
        let byte = (value & 0x7f) as u8;
        value >>= 7;
        if value == 0 {
            out.push(byte);
            return;
        }
        out.push(byte | 0x80);
    }
}

/// The chunks `bytes` holds one after another (a v2 sync message carries
/// several changes in one entry), each whole with its header; nothing
/// checked beyond the framing.
pub fn split_chunks(bytes: &[u8]) -> Result<Vec<&[u8]>, Damage> {
    let mut out = Vec::new();
    let mut r = Reader::new(bytes);
    while !r.is_empty() {
        let start = r.rest();
        r.take(4 + 4 + 1)?;
        let len = r.uleb()?;
        r.take(len)?;
        let used = start.len() - r.rest().len();
        out.push(&start[..used]);
    }
    if out.is_empty() {
        return Err(Damage::Empty);
    }
    Ok(out)
}

/// Rewrites the header of each chunk in `bytes` so that its checksum matches
/// its content again: what a phone crafting damage on purpose does, so the
/// fuzz targets and the hostile tests reach past the checksum.
pub fn reseal(bytes: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(bytes.len());
    let mut r = Reader::new(bytes);
    while !r.is_empty() {
        let start = r.rest();
        let header = (|| {
            let magic = r.take(4).ok()?;
            r.take(4).ok()?;
            let kind = r.byte().ok()?;
            let len = r.uleb().ok()?;
            let data = r.take(len).ok()?;
            Some((magic, kind, data))
        })();
        let Some((magic, kind, data)) = header else {
            out.extend_from_slice(start);
            break;
        };
        let sum = match kind {
            COMPRESSED => {
                let mut inflated = Vec::new();
                let _ = flate2::read::DeflateDecoder::new(data)
                    .take(64 << 20)
                    .read_to_end(&mut inflated);
                checksum_of(CHANGE, &inflated)
            }
            _ => checksum_of(kind, data),
        };
        out.extend_from_slice(magic);
        out.extend_from_slice(&sum);
        out.push(kind);
        write_leb128(&mut out, data.len() as u64);
        out.extend_from_slice(data);
    }
    out
}

#[cfg(test)]
mod tests;
