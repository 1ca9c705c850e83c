//! What an Automerge sync message carries, checked before Automerge decodes
//! it: heads, needs, "have" summaries with their Bloom filters, and the
//! changes, each of which must pass the chunk check.
//!
//! The Bloom filters matter as much as the changes: Automerge trusts a
//! filter's parameters, so one with no bits divides by zero and one that
//! claims four billion probes allocates sixteen gigabytes.

use super::reader::Reader;
use super::{Damage, Limits};

const V1: u8 = 0x42;
const V2: u8 = 0x43;
/// Automerge writes 7 probes and 10 bits per entry; this leaves room for
/// other writers while bounding the work a filter asks for.
const MAX_PROBES: u64 = 64;
const MAX_BITS_PER_ENTRY: u64 = 64;

/// Checks an encoded `automerge::sync::Message`.
pub fn check_sync_message(data: &[u8], limits: &Limits) -> Result<(), Damage> {
    let mut r = Reader::new(data);
    let version = r.byte().map_err(|_| Damage::SyncMessage)?;
    if version != V1 && version != V2 {
        return Err(Damage::SyncMessage);
    }
    hashes(&mut r)?;
    hashes(&mut r)?;
    let haves = r.count(2)?;
    for _ in 0..haves {
        hashes(&mut r)?;
        bloom(r.bytes()?)?;
    }
    let changes = r.count(1)?;
    let mut budget = limits.max_inflated;
    for _ in 0..changes {
        super::check_with(r.bytes()?, limits, &mut budget)?;
    }
    if !r.is_empty() {
        // The flags: one length-prefixed run of bytes, and nothing after.
        r.bytes()?;
        if !r.is_empty() {
            return Err(Damage::Trailing);
        }
    }
    Ok(())
}

fn hashes(r: &mut Reader<'_>) -> Result<(), Damage> {
    let n = r.count(32)?;
    r.take(n * 32)?;
    Ok(())
}

fn bloom(bytes: &[u8]) -> Result<(), Damage> {
    if bytes.is_empty() {
        return Ok(());
    }
    let mut r = Reader::new(bytes);
    let entries = r.uleb()?;
    let bits_per_entry = r.uleb()?;
    let probes = r.uleb()?;
    let sane = (1..=u64::from(u32::MAX)).contains(&entries)
        && (1..=MAX_BITS_PER_ENTRY).contains(&bits_per_entry)
        && (1..=MAX_PROBES).contains(&probes);
    if !sane {
        return Err(Damage::Bloom);
    }
    let bits = (entries * bits_per_entry).div_ceil(8);
    if r.rest().len() as u64 != bits {
        return Err(Damage::Bloom);
    }
    Ok(())
}
