//! The phone fixture the dashboard's e2e test and the first-screen
//! benchmark load: a staff phone holds every document of the generated
//! community, each confirmed in its sync book, and the volunteers'
//! documents at the ids the app derives for them.

use std::process::Command;

use linli_shared::sync::document_id::DocumentId;

#[test]
fn a_staff_phone_holds_every_document_each_in_its_sync_book() {
    let out = std::env::temp_dir().join(format!("linli-fixture-{}.json", std::process::id()));
    let status = Command::new(env!("CARGO_BIN_EXE_linli-phone-fixture"))
        .args(["--role", "staff", "--small", "--out"])
        .arg(&out)
        .status()
        .unwrap();
    assert!(status.success());
    let fixture: serde_json::Value = serde_json::from_slice(&std::fs::read(&out).unwrap()).unwrap();
    let _ = std::fs::remove_file(&out);
    assert_eq!(fixture["session"]["role"], "staff");
    let chunks = fixture["chunks"].as_array().unwrap();
    let book = fixture["sync_book"]["documents"].as_object().unwrap();
    // Small shape: community, 2 ledgers, 2 days × 2 buildings × 2 rounds,
    // the day in progress's 3 extra rounds, 6 volunteers.
    assert_eq!(chunks.len(), 1 + 2 + 8 + 3 + 6);
    for c in chunks {
        let id = c["id"].as_str().unwrap();
        assert!(c["key"].as_str().unwrap().starts_with(&format!("{id}/s/")));
        assert!(book[id]["last_synced"].is_number(), "{id} confirmed");
    }
    let volunteer = DocumentId::for_volunteer("benchmark-community", "vol-000").to_string();
    assert!(chunks.iter().any(|c| c["id"] == volunteer.as_str()));
}
