//! Replays every input kept under `shared/fuzz/regressions/<target>/` (inputs
//! a fuzzer once crashed on, and hand-made edge cases) through the fuzz
//! targets' code, so a fixed crash stays fixed without a fuzzer installed.

use std::path::Path;

use linli_shared::fuzzing;

fn replay(target: &str, run: fn(&[u8])) -> usize {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fuzz/regressions")
        .join(target);
    let mut n = 0;
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        let bytes = std::fs::read(&path).unwrap();
        run(&bytes);
        n += 1;
    }
    n
}

#[test]
fn kept_inputs_still_pass() {
    assert!(replay("decode_message", fuzzing::decode_message) > 0);
    assert!(replay("load_chunks", fuzzing::load_chunks) > 0);
    assert!(replay("relay_frames", fuzzing::relay_frames) > 0);
    assert!(replay("sync_changes", fuzzing::sync_changes) > 0);
}

/// A phone cannot catch a panic (wasm, `panic = "abort"`): every input that
/// ever crashed anything goes through a phone's receive path, where the
/// checks must refuse it before Automerge sees it.
#[test]
fn kept_inputs_reach_a_phone_without_a_panic() {
    assert!(replay("load_chunks", fuzzing::phone_chunks) > 0);
    assert!(replay("relay_frames", fuzzing::phone_frames) > 0);
    assert!(replay("sync_changes", fuzzing::sync_changes) > 0);
}
