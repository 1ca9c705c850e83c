//! Bytes saved on the host load in wasm, and the other way round: both
//! targets produce the checked-in bytes from the same operations, and both
//! read them to the same state. (Run on wasm32 by `cargo xtask test`.)

mod common;

use linli_shared::model::{Actor, Role, doc};

#[cfg(target_arch = "wasm32")]
use wasm_bindgen_test::wasm_bindgen_test as test;

#[test]
fn this_target_saves_the_checked_in_bytes() {
    let mut d = common::round();
    let bytes = d.save();
    if std::env::var_os("LINLI_WRITE_FIXTURES").is_some() {
        std::fs::write(
            concat!(
                env!("CARGO_MANIFEST_DIR"),
                "/tests/fixtures/round.automerge"
            ),
            &bytes,
        )
        .unwrap();
    }
    assert_eq!(
        bytes,
        common::ROUND_BYTES,
        "saved bytes differ from the checked-in fixture"
    );
}

#[test]
fn this_target_reads_the_checked_in_bytes() {
    let reader = Actor::seeded("staff-1", "phone-s", Role::Staff, 9);
    let mut d = doc::load(common::ROUND_BYTES, &reader).unwrap();
    common::check(&d);
    // two phones' concurrent work: two heads, until the next change joins them
    assert_eq!(d.get_heads().len(), 2);
}
