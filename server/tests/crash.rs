//! `kill -9` of the real relay binary while phones write concurrently: every
//! change the relay had acknowledged is in its storage after the restart,
//! and the phones finish syncing by themselves once it is back.

mod common;

use std::path::Path;
use std::time::Duration;

use common::process::{Store, admin, serve};
use linli_loadgen::{Phone, document_named};
use linli_server::storage::{SqliteStorage, Storage};
use linli_shared::sync::DocumentId;

fn stored_events(data: &Path, id: &DocumentId) -> Vec<String> {
    let storage = SqliteStorage::open(data).unwrap();
    linli_loadgen::stored_events(&storage.load_chunks(id).unwrap())
}

struct Writer {
    phone: Phone,
    written: Vec<String>,
    /// How many of `written` the relay had acknowledged when it died.
    acknowledged: usize,
}

/// Writes events to the shared round and the phone's own document as fast as
/// the relay answers, until the connection dies. Events acknowledged are
/// those written before a moment the relay's heads matched the phone's.
async fn write_until_cut(mut w: Writer, docs: [DocumentId; 2]) -> Writer {
    let mut n = 0;
    while w.phone.is_connected() {
        let event = format!("{} #{n}", w.phone.name);
        n += 1;
        for id in docs {
            if w.phone.record(id, &event).await {
                w.written.push(format!("{id} {event}"));
            }
        }
        // Wait briefly for the acknowledgement, but write on regardless.
        if w.phone
            .pump_until(Duration::from_millis(100), |p| {
                docs.iter().all(|id| p.on_relay(id))
            })
            .await
        {
            w.acknowledged = w.written.len();
        }
    }
    w
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn kill_9_during_concurrent_writes_loses_nothing_acknowledged() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path();
    let community = admin(
        Store::Data(data),
        &["community", "create", "--name", "crash test"],
    );
    let tokens: Vec<String> = (0..3)
        .map(|_| {
            admin(
                Store::Data(data),
                &[
                    "token",
                    "create",
                    "--community",
                    &community,
                    "--role",
                    "staff",
                ],
            )
        })
        .collect();
    let round = document_named("crash round");
    let (mut relay, url) = serve(Store::Data(data));

    let mut writers = Vec::new();
    for (i, token) in tokens.iter().enumerate() {
        let mut phone = Phone::new(&format!("phone-{i}"));
        let own = document_named(&format!("own {i}"));
        phone.open(round);
        phone
            .connect(&linli_loadgen::sync_url(&url, token))
            .await
            .unwrap();
        if i == 0 {
            phone.create(round, "round created").await;
        }
        phone.create(own, "own created").await;
        phone.settle(&[own], Duration::from_secs(10)).await.unwrap();
        writers.push((phone, own));
    }
    for (phone, _) in &mut writers {
        assert!(
            phone
                .pump_until(Duration::from_secs(10), |p| !p.events(&round).is_empty())
                .await
        );
    }

    let tasks: Vec<_> = writers
        .into_iter()
        .map(|(phone, own)| {
            let w = Writer {
                phone,
                written: Vec::new(),
                acknowledged: 0,
            };
            tokio::spawn(write_until_cut(w, [round, own]))
        })
        .collect();
    tokio::time::sleep(Duration::from_millis(1500)).await;
    relay.kill().unwrap(); // SIGKILL: no shutdown, no flush
    relay.wait().unwrap();
    let mut writers = Vec::new();
    for t in tasks {
        writers.push(t.await.unwrap());
    }

    // Everything acknowledged is on disk.
    let mut total_acknowledged = 0;
    for w in &writers {
        assert!(
            w.acknowledged > 0,
            "{} got acknowledgements before the kill",
            w.phone.name
        );
        total_acknowledged += w.acknowledged;
        for entry in &w.written[..w.acknowledged] {
            let (id, event) = entry.split_once(' ').unwrap();
            let id: DocumentId = id.parse().unwrap();
            assert!(
                stored_events(data, &id).iter().any(|e| e == event),
                "acknowledged but lost: {entry}"
            );
        }
    }
    assert!(
        total_acknowledged >= 6,
        "the test wrote too little: {total_acknowledged}"
    );

    // The relay comes back; the phones reconnect and finish by themselves.
    let (mut relay, url) = serve(Store::Data(data));
    let mut everything: Vec<String> = Vec::new();
    for (w, token) in writers.iter_mut().zip(&tokens) {
        w.phone
            .connect(&linli_loadgen::sync_url(&url, token))
            .await
            .unwrap();
        everything.extend(w.written.iter().cloned());
    }
    let owns: Vec<DocumentId> = (0..3)
        .map(|i| document_named(&format!("own {i}")))
        .collect();
    for (i, w) in writers.iter_mut().enumerate() {
        w.phone
            .settle(&[round, owns[i]], Duration::from_secs(20))
            .await
            .unwrap();
    }
    let round_events = stored_events(data, &round);
    for entry in &everything {
        let (id, event) = entry.split_once(' ').unwrap();
        let id: DocumentId = id.parse().unwrap();
        let stored = if id == round {
            round_events.clone()
        } else {
            stored_events(data, &id)
        };
        assert!(
            stored.iter().any(|e| e == event),
            "never reached the relay: {entry}"
        );
    }
    // And every phone converges on the shared round.
    for w in &mut writers {
        let expected = round_events.len();
        assert!(
            w.phone
                .pump_until(Duration::from_secs(20), |p| p.events(&round).len()
                    == expected)
                .await,
            "{} has the whole round",
            w.phone.name
        );
    }
    drop(relay.stdin.take());
    relay.wait().unwrap();
}
