//! The phone's IndexedDB store in a real browser: chunks saved and loaded,
//! compaction, a crash between writing a snapshot and deleting the chunks it
//! replaced, the schema migration from version 1, wiping, and the pieces of
//! the sync client that need no relay (backoff, the sync book, invite links).

use automerge::{AutoCommit, ROOT, ReadDoc, transaction::Transactable};
use linli_app::store::{Store, schema};
use linli_shared::sync::{
    chunk::{ChunkKind, StoredChunk},
    document_id::DocumentId,
};
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

/// A store of its own for each test.
async fn fresh(name: &str) -> Store {
    if let Ok(request) = indexed_db_futures::database::Database::delete_by_name(name) {
        let _ = request.await;
    }
    Store::open(name).await.expect("IndexedDB opens")
}

fn doc_with(items: &[&str]) -> AutoCommit {
    let mut d = AutoCommit::new();
    for (i, item) in items.iter().enumerate() {
        d.put(ROOT, format!("k{i}"), *item).unwrap();
        d.commit();
    }
    d
}

/// What a phone does on start: every chunk of the document, loaded together.
fn load(chunks: &[StoredChunk]) -> AutoCommit {
    let mut d = AutoCommit::new();
    for c in chunks {
        d.load_incremental(&c.bytes).expect("chunk loads");
    }
    d
}

fn value(d: &AutoCommit, key: &str) -> Option<String> {
    d.get(ROOT, key)
        .unwrap()
        .map(|(v, _)| v.into_string().unwrap_or_default())
}

#[wasm_bindgen_test]
async fn saves_and_loads_chunks_of_several_documents() {
    let store = fresh("linli-test-save").await;
    let (a, b) = (DocumentId::random(), DocumentId::random());
    let mut da = doc_with(&["一", "二"]);
    let first = StoredChunk::new(ChunkKind::Incremental, da.save_incremental());
    da.put(ROOT, "k2", "三").unwrap();
    let second = StoredChunk::new(ChunkKind::Incremental, da.save_incremental());
    let mut db = doc_with(&["乙"]);
    let other = StoredChunk::new(ChunkKind::Incremental, db.save_incremental());
    for c in [&first, &second] {
        store.save_chunk(&a, c).await.unwrap();
    }
    store.save_chunk(&b, &other).await.unwrap();
    // The same chunk twice (two tabs) is one record.
    store.save_chunk(&a, &first).await.unwrap();

    let all = store.load_all().await.unwrap();
    assert_eq!(all[&a].len(), 2);
    assert_eq!(all[&b].len(), 1);
    let loaded = load(&all[&a]);
    assert_eq!(value(&loaded, "k2").as_deref(), Some("三"));
    assert_eq!(value(&load(&all[&b]), "k0").as_deref(), Some("乙"));
}

#[wasm_bindgen_test]
async fn compaction_replaces_chunks_with_one_snapshot() {
    let store = fresh("linli-test-compact").await;
    let id = DocumentId::random();
    let mut d = AutoCommit::new();
    let mut keys = Vec::new();
    for i in 0..5 {
        d.put(ROOT, format!("k{i}"), i as i64).unwrap();
        let c = StoredChunk::new(ChunkKind::Incremental, d.save_incremental());
        store.save_chunk(&id, &c).await.unwrap();
        keys.push(c.key);
    }
    let snapshot = StoredChunk::new(ChunkKind::Snapshot, d.save());
    store.compact(&id, &snapshot, &keys).await.unwrap();
    let all = store.load_all().await.unwrap();
    assert_eq!(all[&id].len(), 1, "only the snapshot is left");
    assert_eq!(all[&id][0].kind, ChunkKind::Snapshot);
    assert_eq!(load(&all[&id]).get_heads(), d.get_heads());
}

#[wasm_bindgen_test]
async fn a_crash_between_snapshot_and_delete_loses_nothing() {
    let store = fresh("linli-test-crash").await;
    let id = DocumentId::random();
    let mut d = AutoCommit::new();
    let mut keys = Vec::new();
    for i in 0..4 {
        d.put(ROOT, format!("k{i}"), format!("v{i}")).unwrap();
        let c = StoredChunk::new(ChunkKind::Incremental, d.save_incremental());
        store.save_chunk(&id, &c).await.unwrap();
        keys.push(c.key);
    }
    // Compaction's first step is written; the tab dies before the second.
    let snapshot = StoredChunk::new(ChunkKind::Snapshot, d.save());
    store.save_chunk(&id, &snapshot).await.unwrap();
    drop(store);

    // A later change lands after the crash, as a new chunk.
    let reopened = Store::open("linli-test-crash").await.unwrap();
    let mut again = load(&reopened.load_all().await.unwrap()[&id]);
    assert_eq!(
        again.get_heads(),
        d.get_heads(),
        "snapshot and chunks load together"
    );
    again.put(ROOT, "after", "crash").unwrap();
    let later = StoredChunk::new(ChunkKind::Incremental, again.save_incremental());
    reopened.save_chunk(&id, &later).await.unwrap();

    // The next compaction finishes the job and keeps the later change.
    let snapshot2 = StoredChunk::new(ChunkKind::Snapshot, again.save());
    let mut replaced = keys.clone();
    replaced.push(snapshot.key.clone());
    replaced.push(later.key.clone());
    reopened.compact(&id, &snapshot2, &replaced).await.unwrap();
    let all = reopened.load_all().await.unwrap();
    assert_eq!(all[&id].len(), 1);
    let last = load(&all[&id]);
    assert_eq!(value(&last, "k3").as_deref(), Some("v3"));
    assert_eq!(value(&last, "after").as_deref(), Some("crash"));
}

#[wasm_bindgen_test]
async fn a_version_one_database_is_migrated_with_its_chunks() {
    use indexed_db_futures::{database::Database, prelude::*, transaction::TransactionMode};
    let name = "linli-test-migrate";
    if let Ok(r) = Database::delete_by_name(name) {
        let _ = r.await;
    }
    let id = DocumentId::random();
    let mut d = doc_with(&["旧"]);
    let chunk = StoredChunk::new(ChunkKind::Incremental, d.save_incremental());
    {
        // What version 1 of the app wrote.
        let v1 = Database::open(name)
            .with_version(1u32)
            .with_on_upgrade_needed(|_, db| {
                db.create_object_store(schema::CHUNKS).build()?;
                Ok(())
            })
            .await
            .unwrap();
        let tx = v1
            .transaction(schema::CHUNKS)
            .with_mode(TransactionMode::Readwrite)
            .build()
            .unwrap();
        let bytes = js_sys::Uint8Array::from(chunk.bytes.as_slice());
        tx.object_store(schema::CHUNKS)
            .unwrap()
            .put(wasm_bindgen::JsValue::from(bytes))
            .with_key(format!("{id}/i/{}", chunk.key.0))
            .await
            .unwrap();
        tx.commit().await.unwrap();
        v1.close();
    }
    let store = Store::open(name).await.unwrap();
    store.put_meta("probe", "{}").await.unwrap();
    assert_eq!(
        store.get_meta("probe").await.unwrap().as_deref(),
        Some("{}")
    );
    let all = store.load_all().await.unwrap();
    assert_eq!(value(&load(&all[&id]), "k0").as_deref(), Some("旧"));
}

#[wasm_bindgen_test]
async fn wiping_removes_documents_and_membership() {
    let store = fresh("linli-test-wipe").await;
    let id = DocumentId::random();
    let mut d = doc_with(&["x"]);
    store
        .save_chunk(
            &id,
            &StoredChunk::new(ChunkKind::Incremental, d.save_incremental()),
        )
        .await
        .unwrap();
    store
        .put_meta("session", "{\"token\":\"t\"}")
        .await
        .unwrap();
    store.wipe().await.unwrap();
    assert!(store.load_all().await.unwrap().is_empty());
    assert_eq!(store.get_meta("session").await.unwrap(), None);
}

#[wasm_bindgen_test]
fn backoff_doubles_to_a_cap_with_jitter() {
    use linli_app::repo::link::backoff_ms;
    assert_eq!(backoff_ms(1, 1.0), 1_000.0);
    assert_eq!(backoff_ms(1, 0.0), 500.0);
    assert_eq!(backoff_ms(3, 1.0), 4_000.0);
    assert_eq!(backoff_ms(30, 1.0), 300_000.0);
    assert!(backoff_ms(30, 0.0) >= 150_000.0);
}

#[wasm_bindgen_test]
fn the_sync_book_keeps_a_change_unsynced_until_confirmed() {
    use linli_app::repo::sync_book::SyncBook;
    let d = DocumentId::random();
    let mut book = SyncBook::default();
    assert!(book.changed_here(d));
    assert!(!book.changed_here(d));
    assert_eq!(book.unsynced(), 1);
    assert!(book.confirmed(d, 1000.0));
    assert!(!book.confirmed(d, 2000.0));
    assert!(book.confirmed(d, 70_000.0));
    assert_eq!(book.unsynced(), 0);
    assert_eq!(book.last_synced(), Some(70_000.0));
    assert_eq!(SyncBook::from_json(&book.to_json()), book);
    assert_eq!(SyncBook::from_json("garbage"), SyncBook::default());
}

#[wasm_bindgen_test]
fn invite_codes_are_found_in_links_and_bare_codes() {
    use linli_app::enrol::invite_code;
    assert_eq!(
        invite_code("https://linli.example/join#3yQ7abcDEF12").as_deref(),
        Some("3yQ7abcDEF12")
    );
    assert_eq!(
        invite_code("#3yQ7abcDEF12").as_deref(),
        Some("3yQ7abcDEF12")
    );
    assert_eq!(
        invite_code(" 3yQ7abcDEF12 ").as_deref(),
        Some("3yQ7abcDEF12")
    );
    assert_eq!(invite_code("https://evil.example/other#3yQ7abcDEF12"), None);
    assert_eq!(invite_code("short"), None);
    assert_eq!(invite_code("has spaces in it"), None);
}

#[wasm_bindgen_test]
fn the_export_encodes_bytes_as_standard_base64() {
    use linli_app::repo::export::base64;
    assert_eq!(base64(b""), "");
    assert_eq!(base64(b"f"), "Zg==");
    assert_eq!(base64(b"fo"), "Zm8=");
    assert_eq!(base64(b"foobar"), "Zm9vYmFy");
}

#[wasm_bindgen_test]
fn refusals_name_what_is_missing() {
    use linli_app::text::refusals::explain;
    use linli_shared::model::ModelError;
    let e = ModelError::MissingTraining {
        missing: vec!["如何正确佩戴口罩".into(), "七步洗手法".into()],
    };
    assert_eq!(
        explain(&e, false),
        "不培训不上岗：还没有通过 如何正确佩戴口罩、七步洗手法。"
    );
    // On an English screen the guideline's courses are named in English; a
    // community's own course stays as typed.
    let english = explain(&e, true);
    assert!(english.starts_with("No training, no post"), "{english}");
    assert!(english.contains("Wearing a mask correctly"), "{english}");
    assert!(!english.contains("如何正确佩戴口罩"), "{english}");
    let own = ModelError::MissingTraining {
        missing: vec!["测温枪使用".into()],
    };
    assert!(explain(&own, true).contains("测温枪使用"));
    let cap = ModelError::OverDailyCap {
        day: "2022-05-01".into(),
        scheduled_minutes: 420,
        requested_minutes: 90,
    };
    assert_eq!(
        explain(&cap, false),
        "2022-05-01 已排 7 小时，再排 1.5 小时会超过每天 8 小时的上限。"
    );
}
