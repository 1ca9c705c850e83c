//! Checks stored bytes before Automerge parses them.
//!
//! Automerge 0.12 verifies a chunk's checksum only after parsing its columns,
//! and its column decoder panics on some corrupt input (found by the
//! `load_chunks` fuzz target: a damaged chunk whose type byte says "bundle").
//! A panic aborts the phone's app and ends the relay's hub thread, so every
//! chunk read from storage passes through [`intact`] first: the header must be
//! well formed, the chunk a document, a change or a compressed change (this
//! code never writes bundles), and the SHA-256 checksum in the header must
//! match the bytes. Disk corruption, a torn write or a truncated copy fails
//! here and the chunk is reported corrupt instead of parsed.

use std::io::Read;

use sha2::{Digest, Sha256};

const MAGIC: [u8; 4] = [0x85, 0x6f, 0x4a, 0x83];
const DOCUMENT: u8 = 0;
const CHANGE: u8 = 1;
const COMPRESSED: u8 = 2;

/// True when `bytes` is one or more whole Automerge chunks of the kinds this
/// code writes, each with a checksum that matches its content.
pub fn intact(bytes: &[u8]) -> bool {
    let mut rest = bytes;
    if rest.is_empty() {
        return false;
    }
    while !rest.is_empty() {
        match next_chunk(rest) {
            Some(tail) => rest = tail,
            None => return false,
        }
    }
    true
}

/// Checks the chunk at the start of `bytes` and returns what follows it.
fn next_chunk(bytes: &[u8]) -> Option<&[u8]> {
    let (magic, rest) = bytes.split_first_chunk::<4>()?;
    if *magic != MAGIC {
        return None;
    }
    let (checksum, rest) = rest.split_first_chunk::<4>()?;
    let (&kind, rest) = rest.split_first()?;
    let (len, rest) = leb128(rest)?;
    let len = usize::try_from(len).ok()?;
    if len > rest.len() {
        return None;
    }
    let (data, tail) = rest.split_at(len);
    let sound = match kind {
        DOCUMENT | CHANGE => checksum_of(kind, data) == *checksum,
        // The header carries the checksum of the change before compression.
        COMPRESSED => {
            let mut inflated = Vec::new();
            flate2::read::DeflateDecoder::new(data)
                .read_to_end(&mut inflated)
                .is_ok()
                && checksum_of(CHANGE, &inflated) == *checksum
        }
        _ => false,
    };
    sound.then_some(tail)
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

/// An unsigned LEB128 number at the start of `bytes`, and what follows it.
fn leb128(bytes: &[u8]) -> Option<(u64, &[u8])> {
    let mut value = 0u64;
    for (i, &byte) in bytes.iter().enumerate().take(10) {
        value |= u64::from(byte & 0x7f).checked_shl(7 * i as u32)?;
        if byte & 0x80 == 0 {
            return Some((value, &bytes[i + 1..]));
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use automerge::{AutoCommit, ROOT, transaction::Transactable};

    use super::*;

    fn doc_with(n: usize) -> AutoCommit {
        let mut doc = AutoCommit::new();
        for i in 0..n {
            doc.put(ROOT, format!("k{i}"), "门口放好了，已送达 ".repeat(40))
                .unwrap();
        }
        doc
    }

    #[test]
    fn what_automerge_writes_is_intact() {
        let mut doc = doc_with(3);
        let first = doc.save_incremental();
        assert!(intact(&first));
        assert!(intact(&doc.save()));
        doc.put(ROOT, "more", "x".repeat(2000)).unwrap();
        let second = doc.save_incremental();
        assert!(intact(&second));
        let compressed = compress(&second);
        assert!(
            intact(&compressed),
            "a compressed change (other Automerge writers)"
        );
        let mut fresh = AutoCommit::new();
        fresh.load_incremental(&first).unwrap();
        fresh.load_incremental(&compressed).unwrap();
        assert_eq!(fresh.get_heads(), doc.get_heads());
        let mut damaged = compressed.clone();
        let last = damaged.len() - 1;
        damaged[last] ^= 1;
        assert!(!intact(&damaged));
        let mut both = first.clone();
        both.extend(&second);
        assert!(intact(&both), "chunks concatenated");
        let mut snapshot_and_change = doc.save();
        snapshot_and_change.extend(&second);
        assert!(intact(&snapshot_and_change));
    }

    /// The compressed form of one change chunk, as Automerge writes it.
    fn compress(change: &[u8]) -> Vec<u8> {
        use std::io::Write;
        let (len, data) = leb128(&change[9..]).unwrap();
        assert_eq!(len as usize, data.len());
        let mut deflate = flate2::write::DeflateEncoder::new(Vec::new(), Default::default());
        deflate.write_all(data).unwrap();
        let deflated = deflate.finish().unwrap();
        let mut out = change[..8].to_vec();
        out.push(COMPRESSED);
        write_leb128(&mut out, deflated.len() as u64);
        out.extend(deflated);
        out
    }

    #[test]
    fn any_damage_is_caught() {
        let mut doc = doc_with(2);
        let bytes = doc.save();
        for i in 0..bytes.len() {
            let mut damaged = bytes.clone();
            damaged[i] ^= 0x10;
            assert!(!intact(&damaged), "a flipped bit at {i}");
        }
        for cut in 0..bytes.len() {
            assert!(!intact(&bytes[..cut]), "cut at {cut}");
        }
        let mut longer = bytes.clone();
        longer.push(0);
        assert!(!intact(&longer), "trailing garbage");
    }

    #[test]
    fn bundles_are_refused_before_automerge_parses_them() {
        let found = include_bytes!("../../fuzz/regressions/load_chunks/hexane-unpack-panic");
        // The fuzz input frames chunks with a length byte; the first is the
        // damaged bundle chunk.
        let len = usize::from(found[0]);
        assert!(!intact(&found[1..1 + len]));
        crate::sync::fuzzing::load_chunks(found);
    }
}
