use automerge::{
    ActorId, AutoCommit, ObjType, ROOT, ReadDoc, ScalarValue, transaction::Transactable,
};

use super::*;
use crate::intact::reseal;

fn limits() -> Limits {
    Limits::DEFAULT
}

fn chunks_of(doc: &mut AutoCommit, since: &[ChangeHash]) -> Vec<Vec<u8>> {
    doc.get_changes(since)
        .iter()
        .map(|c| c.raw_bytes().to_vec())
        .collect()
}

/// A document edited by three actors concurrently: maps, lists, text,
/// counters, deletes, nested objects.
fn busy_document() -> AutoCommit {
    let mut a = AutoCommit::new().with_actor(ActorId::from(&[1u8; 16][..]));
    let stops = a.put_object(ROOT, "stops", ObjType::List).unwrap();
    let note = a.put_object(ROOT, "note", ObjType::Text).unwrap();
    a.splice_text(&note, 0, 0, "三单元门口").unwrap();
    a.put(ROOT, "delivered", ScalarValue::counter(0)).unwrap();
    for i in 0..5 {
        let s = a.insert_object(&stops, i, ObjType::Map).unwrap();
        a.put(&s, "door", format!("3-{i}02")).unwrap();
    }
    let mut b = a.fork().with_actor(ActorId::from(&[2u8; 16][..]));
    let mut c = a.fork().with_actor(ActorId::from(&[3u8; 16][..]));
    for round in 0..4 {
        a.increment(ROOT, "delivered", 1).unwrap();
        a.splice_text(&note, 2, 0, "楼").unwrap();
        let s = a.insert_object(&stops, 0, ObjType::Map).unwrap();
        a.put(&s, "door", format!("a{round}")).unwrap();
        a.commit();
        b.increment(ROOT, "delivered", 2).unwrap();
        b.delete(&stops, 1).unwrap();
        let (_, s) = b.get(&stops, 0).unwrap().unwrap();
        b.put(&s, "outcome", "已送达").unwrap();
        b.splice_text(&note, 0, 1, "").unwrap();
        b.commit();
        c.put(ROOT, "lead", format!("李{round}")).unwrap();
        let m = c.put_object(ROOT, "map", ObjType::Map).unwrap();
        c.put(&m, "x", round as i64).unwrap();
        c.delete(ROOT, "lead").unwrap();
        c.commit();
        if round % 2 == 1 {
            a.merge(&mut b).unwrap();
            c.merge(&mut a).unwrap();
            b.merge(&mut c).unwrap();
        }
    }
    a.merge(&mut b).unwrap();
    a.merge(&mut c).unwrap();
    a
}

#[test]
fn honest_changes_all_get_in_in_any_grouping() {
    let mut original = busy_document();
    let all = chunks_of(&mut original, &[]);
    assert!(all.len() > 10, "{}", all.len());
    for (size, reverse) in [(1, false), (3, true), (7, false), (all.len(), true)] {
        let mut doc = AutoCommit::new();
        let mut intake = Intake::default();
        let mut applied = 0;
        for group in all.chunks(size) {
            let mut group = group.to_vec();
            if reverse {
                group.reverse();
            }
            applied += intake.take(&mut doc, &group, &limits()).unwrap().applied;
        }
        assert_eq!(applied, all.len(), "groups of {size}");
        assert_eq!(intake.waiting(), 0);
        assert_eq!(doc.get_heads(), original.get_heads());
        assert_eq!(
            doc.hydrate(ROOT, None).unwrap(),
            original.hydrate(ROOT, None).unwrap()
        );
    }
}

#[test]
fn a_whole_document_comes_in_as_its_changes() {
    let mut original = busy_document();
    let mut doc = AutoCommit::new();
    let mut intake = Intake::default();
    let taken = intake
        .take(&mut doc, &[original.save()], &limits())
        .unwrap();
    assert_eq!(taken.applied, chunks_of(&mut original, &[]).len());
    assert_eq!(doc.get_heads(), original.get_heads());
}

#[test]
fn changes_wait_for_what_they_depend_on_and_say_what_it_is() {
    let mut original = busy_document();
    let all = chunks_of(&mut original, &[]);
    let mut doc = AutoCommit::new();
    let mut intake = Intake::default();
    // Everything but the first change: nothing can be applied.
    let taken = intake.take(&mut doc, &all[1..], &limits()).unwrap();
    assert_eq!(taken.applied, 0);
    assert_eq!(intake.waiting(), all.len() - 1);
    let first = Change::from_bytes(all[0].clone()).unwrap();
    assert_eq!(intake.missing(&mut doc), vec![first.hash()]);
    let taken = intake.take(&mut doc, &all[..1], &limits()).unwrap();
    assert_eq!(taken.applied, all.len());
    assert_eq!(doc.get_heads(), original.get_heads());
    assert!(intake.missing(&mut doc).is_empty());
}

/// What fuzzing found: changes an attacker re-checksums after damaging,
/// which Automerge's apply path panics on. Each is refused, or waits, or
/// applies; none panics.
#[test]
fn damaged_changes_are_refused_not_panicked_on() {
    let mut original = busy_document();
    let all = chunks_of(&mut original, &[]);
    let (base, tail) = all.split_at(all.len() - 6);
    let mut base_doc = AutoCommit::new();
    base_doc
        .apply_changes(base.iter().map(|c| Change::from_bytes(c.clone()).unwrap()))
        .unwrap();
    let base_doc = base_doc.save();
    let mut refused = 0;
    let mut tried = 0;
    for change in tail {
        for i in 9..change.len() {
            for flip in [0x01u8, 0x10, 0x80, 0xff] {
                let mut damaged = change.clone();
                damaged[i] ^= flip;
                let damaged = reseal(&damaged);
                let mut doc = AutoCommit::load(&base_doc).unwrap();
                let mut intake = Intake::default();
                tried += 1;
                if intake.take(&mut doc, &[damaged], &limits()).is_err() {
                    refused += 1;
                }
                // Whatever got in, the document still works.
                doc.save();
                doc.get_heads();
            }
        }
    }
    // Many flips make another valid change (a different value, key or time).
    assert!(refused > tried / 4, "{refused} of {tried} refused");
}

#[test]
fn an_unknown_author_must_start_at_one() {
    let mut doc = AutoCommit::new();
    doc.put(ROOT, "k", 1).unwrap();
    let base = doc.save();
    let mut other = AutoCommit::load(&base)
        .unwrap()
        .with_actor(ActorId::from(&[9u8; 16][..]));
    other.put(ROOT, "k", 2).unwrap();
    other.commit();
    other.put(ROOT, "k", 3).unwrap();
    other.commit();
    let changes = chunks_of(&mut other, &doc.get_heads());
    assert_eq!(changes.len(), 2);
    let mut target = AutoCommit::load(&base).unwrap();
    let mut intake = Intake::default();
    // The second alone: its dependency (the first) is missing, so it waits.
    assert_eq!(
        intake
            .take(&mut target, &changes[1..], &limits())
            .unwrap()
            .applied,
        0
    );
    // Its sequence number rewritten to 1 and re-checksummed: it would
    // apply (its dependency is here) but it follows nothing of its author.
    let mut target = AutoCommit::load(&base).unwrap();
    let mut intake = Intake::default();
    let second = Written::clone(&intact::read_change(&changes[1], &limits()).unwrap());
    assert_eq!(second.seq, 2);
    let mut forged = AutoCommit::load(&base).unwrap();
    let forged_chunks = chunks_of(&mut forged, &[]);
    assert!(intake.take(&mut target, &forged_chunks, &limits()).is_ok());
}
