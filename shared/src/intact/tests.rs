use automerge::sync::SyncDoc;
use automerge::{AutoCommit, ObjType, ROOT, transaction::Transactable};

use super::*;

fn doc_with(n: usize) -> AutoCommit {
    let mut doc = AutoCommit::new();
    for i in 0..n {
        doc.put(ROOT, format!("k{i}"), "门口放好了，已送达 ".repeat(40))
            .unwrap();
    }
    let list = doc.put_object(ROOT, "events", ObjType::List).unwrap();
    for i in 0..20 {
        let e = doc.insert_object(&list, i, ObjType::Map).unwrap();
        doc.put(&e, "at", i as i64 * 1000).unwrap();
        doc.put(&e, "ok", i % 3 == 0).unwrap();
        doc.put(&e, "weight", 1.5 * i as f64).unwrap();
    }
    doc.delete(&list, 3).unwrap();
    doc
}

fn check(bytes: &[u8]) -> Result<(), Damage> {
    check_chunks(bytes, &Limits::DEFAULT)
}

#[test]
fn what_automerge_writes_is_intact() {
    let mut doc = doc_with(3);
    let first = doc.save_incremental();
    assert_eq!(check(&first), Ok(()));
    assert_eq!(check(&doc.save()), Ok(()));
    assert_eq!(check(&doc.save_nocompress()), Ok(()));
    doc.put(ROOT, "more", "x".repeat(2000)).unwrap();
    let second = doc.save_incremental();
    assert_eq!(check(&second), Ok(()));
    let compressed = compress(&second);
    assert_eq!(
        check(&compressed),
        Ok(()),
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
    let mut r = Reader::new(&change[9..]);
    let len = r.uleb().unwrap();
    let data = r.rest();
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
    assert_eq!(check(&found[1..1 + len]), Err(Damage::Kind(3)));
    assert_eq!(check(&reseal(&found[1..1 + len])), Err(Damage::Kind(3)));
    // The whole input, through a document's storage, is replayed with every
    // other load_chunks regression by tests/fuzz_regressions.rs.
}

/// A change chunk made by hand: `ops` are (column spec, data) pairs.
fn change_chunk(ops: &[(u32, Vec<u8>)]) -> Vec<u8> {
    let mut data = Vec::new();
    data.push(0); // no dependencies
    data.extend([1, 0xab]); // the actor
    data.push(1); // seq
    data.push(1); // start op
    data.push(0); // time
    data.push(0); // no message
    data.push(0); // no other actors
    write_leb128(&mut data, ops.len() as u64);
    for (spec, bytes) in ops {
        write_leb128(&mut data, u64::from(*spec));
        write_leb128(&mut data, bytes.len() as u64);
    }
    for (_, bytes) in ops {
        data.extend(bytes);
    }
    let mut chunk = MAGIC.to_vec();
    chunk.extend(checksum_of(CHANGE, &data));
    chunk.push(CHANGE);
    write_leb128(&mut chunk, data.len() as u64);
    chunk.extend(data);
    chunk
}

fn sleb(v: i64) -> Vec<u8> {
    let mut out = Vec::new();
    let mut v = v;
    loop {
        let byte = (v & 0x7f) as u8;
        v >>= 7;
        if (v == 0 && byte & 0x40 == 0) || (v == -1 && byte & 0x40 != 0) {
            out.push(byte);
            return out;
        }
        out.push(byte | 0x80);
    }
}

#[test]
fn a_few_bytes_may_not_claim_billions_of_ops() {
    // Action column (id 4, integer): a run of 2^40 "make map" ops.
    let mut run = sleb(1 << 40);
    run.push(0);
    let bomb = change_chunk(&[(4 << 4 | 2, run)]);
    assert_eq!(check(&bomb), Err(Damage::TooManyRows));
    // A null run as large.
    let mut nulls = vec![0];
    write_leb128(&mut nulls, 1 << 40);
    assert_eq!(
        check(&change_chunk(&[(4 << 4 | 2, nulls)])),
        Err(Damage::TooManyRows)
    );
    // Within the limit, the same shape passes.
    let mut small = sleb(3);
    small.push(0);
    assert_eq!(check(&change_chunk(&[(4 << 4 | 2, small)])), Ok(()));
}

#[test]
fn a_change_that_inflates_past_the_limit_is_refused() {
    use std::io::Write;
    // 100 MiB of zeros deflate to about 100 KiB.
    let zeros = vec![0u8; 100 << 20];
    let mut deflate = flate2::write::DeflateEncoder::new(Vec::new(), Default::default());
    deflate.write_all(&zeros).unwrap();
    let deflated = deflate.finish().unwrap();
    assert!(deflated.len() < 200 << 10, "{}", deflated.len());
    let mut bomb = MAGIC.to_vec();
    bomb.extend([0, 0, 0, 0, COMPRESSED]);
    write_leb128(&mut bomb, deflated.len() as u64);
    bomb.extend(&deflated);
    assert_eq!(check(&bomb), Err(Damage::TooLarge));
    let small = Limits {
        max_inflated: 1 << 10,
        ..Limits::DEFAULT
    };
    let mut doc = doc_with(3);
    doc.save_incremental();
    doc.put(ROOT, "more", "x".repeat(4000)).unwrap();
    let change = compress(&doc.save_incremental());
    assert_eq!(check_chunks(&change, &small), Err(Damage::TooLarge));
}

#[test]
fn actors_columns_name_only_listed_actors() {
    // Object actor column (id 0, actor): index 5 of one actor.
    let literal = [sleb(-1), vec![5]].concat();
    assert_eq!(
        check(&change_chunk(&[(1, literal)])),
        Err(Damage::ActorIndex)
    );
    let literal = [sleb(-1), vec![0]].concat();
    assert_eq!(check(&change_chunk(&[(1, literal)])), Ok(()));
}

#[test]
fn values_must_match_their_metadata() {
    // Value metadata (id 5, type 6): one uLEB value of 2 bytes; raw (type 7).
    let meta = [sleb(-1), vec![(2 << 4) | 3]].concat();
    let ok = change_chunk(&[(5 << 4 | 6, meta.clone()), (5 << 4 | 7, vec![0x81, 0x01])]);
    assert_eq!(check(&ok), Ok(()));
    let short = change_chunk(&[(5 << 4 | 6, meta.clone()), (5 << 4 | 7, vec![0x81])]);
    assert_eq!(check(&short), Err(Damage::Values));
    let bad = change_chunk(&[(5 << 4 | 6, meta), (5 << 4 | 7, vec![0x81, 0x81])]);
    assert!(check(&bad).is_err());
    // Columns out of order.
    let swapped = change_chunk(&[(5 << 4 | 7, vec![]), (4 << 4 | 2, vec![])]);
    assert_eq!(check(&swapped), Err(Damage::Columns));
}

fn sync_message_of(doc: &mut AutoCommit) -> Vec<u8> {
    let mut state = automerge::sync::State::new();
    doc.sync().generate_sync_message(&mut state).unwrap();
    // The second message carries changes (the first only heads and have).
    let mut peer = AutoCommit::new();
    let mut peer_state = automerge::sync::State::new();
    let first = peer.sync().generate_sync_message(&mut peer_state).unwrap();
    doc.sync().receive_sync_message(&mut state, first).unwrap();
    doc.sync()
        .generate_sync_message(&mut state)
        .unwrap()
        .encode()
}

#[test]
fn sync_messages_are_checked_whole() {
    let mut doc = doc_with(2);
    let message = sync_message_of(&mut doc);
    assert_eq!(check_sync_message(&message, &Limits::DEFAULT), Ok(()));
    let decoded = automerge::sync::Message::decode(&message).unwrap();
    assert!(!decoded.changes.is_empty());
    for cut in 0..message.len() {
        // Cut just before the flags, the message is still whole (they are
        // optional); anywhere else it is refused.
        if check_sync_message(&message[..cut], &Limits::DEFAULT).is_ok() {
            assert!(automerge::sync::Message::decode(&message[..cut]).is_ok());
            assert!(
                cut + 3 >= message.len(),
                "cut at {cut} of {}",
                message.len()
            );
        }
    }
    // A message whose "have" filter would divide by zero in Automerge.
    let mut hostile = vec![0x42, 0, 0, 1, 0];
    hostile.extend([3, 1, 0, 7]); // one entry, zero bits per entry
    hostile.push(0);
    assert_eq!(
        check_sync_message(&hostile, &Limits::DEFAULT),
        Err(Damage::Bloom)
    );
    // …and one asking for four billion probes.
    let mut hostile = vec![0x42, 0, 0, 1, 0];
    hostile.extend([8, 1, 10]);
    hostile.extend([0xff, 0xff, 0xff, 0xff, 0x0f]);
    hostile.extend([0; 2]);
    hostile.push(0);
    hostile[5] = 3 + 5 + 2;
    assert_eq!(
        check_sync_message(&hostile, &Limits::DEFAULT),
        Err(Damage::Bloom)
    );
}
