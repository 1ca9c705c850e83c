//! The model's own documents through the sync engine's checks: every kind
//! Linli writes (a generated community's community document, ledgers,
//! volunteers' documents and rounds), as snapshots and change by change.
//! Here rather than beside the checks, so `intact` and `sync` need not know
//! the model.

use automerge::AutoCommit;
use linli_shared::intact::{Limits, check_chunks};
use linli_shared::model::generate::{self, Generated, Shape};
use linli_shared::sync::intake::Intake;

/// Every document of a small generated community.
fn documents(g: &mut Generated) -> Vec<&mut AutoCommit> {
    let mut docs: Vec<&mut AutoCommit> = vec![&mut g.community];
    docs.extend(g.ledgers.iter_mut());
    docs.extend(g.volunteers.iter_mut().map(|(_, d)| d));
    docs.extend(g.rounds.iter_mut().map(|r| &mut r.doc));
    docs
}

#[test]
fn the_generated_community_passes_the_byte_checks() {
    // Real documents of every kind, as the app writes them: snapshots and
    // every change.
    let mut g = generate::community(Shape::SMALL, 7).unwrap();
    let check = |bytes: &[u8]| check_chunks(bytes, &Limits::DEFAULT);
    let mut n = 0;
    for doc in documents(&mut g) {
        assert_eq!(check(&doc.save()), Ok(()));
        for change in doc.get_changes(&[]) {
            assert_eq!(check(change.raw_bytes()), Ok(()));
            n += 1;
        }
    }
    assert!(n > 50, "{n} changes");
}

#[test]
fn the_generated_community_gets_in_change_by_change() {
    let mut g = generate::community(Shape::SMALL, 11).unwrap();
    for original in documents(&mut g) {
        let mut doc = AutoCommit::new();
        let mut intake = Intake::default();
        let chunks: Vec<Vec<u8>> = original
            .get_changes(&[])
            .iter()
            .map(|c| c.raw_bytes().to_vec())
            .collect();
        for chunk in chunks {
            intake.take(&mut doc, &[chunk], &Limits::DEFAULT).unwrap();
        }
        assert_eq!(doc.get_heads(), original.get_heads());
    }
}
