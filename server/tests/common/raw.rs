//! A client as a hostile or broken phone would be: raw frames over a
//! WebSocket, hand-made sync messages, and what the relay answers.

#![allow(dead_code)]

use std::time::Duration;

use futures_util::{SinkExt, StreamExt};
use linli_loadgen::Phone;
use linli_shared::sync::{DocumentId, Message, message::PeerMetadata};
use tokio_tungstenite::tungstenite;

use super::TestRelay;

pub const WAIT: Duration = Duration::from_secs(10);

pub type Raw =
    tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

pub async fn raw(relay: &TestRelay, token: &str) -> Raw {
    tokio_tungstenite::connect_async(relay.sync_url(token))
        .await
        .unwrap()
        .0
}

pub fn join(sender: &str, versions: &[&str]) -> Vec<u8> {
    Message::Join {
        sender: sender.into(),
        metadata: PeerMetadata::default(),
        supported_versions: versions.iter().map(|v| v.to_string()).collect(),
    }
    .encode()
}

pub async fn joined(relay: &TestRelay, token: &str, sender: &str) -> Raw {
    let mut ws = raw(relay, token).await;
    ws.send(bin(join(sender, &["1"]))).await.unwrap();
    let (errors, close) = read_until_peer_or_close(&mut ws).await;
    assert!(errors.is_empty() && close.is_none(), "{errors:?} {close:?}");
    ws
}

pub fn bin(bytes: Vec<u8>) -> tungstenite::Message {
    tungstenite::Message::Binary(bytes.into())
}

pub async fn read_until_peer_or_close(ws: &mut Raw) -> (Vec<String>, Option<u16>) {
    let mut errors = Vec::new();
    loop {
        match tokio::time::timeout(WAIT, ws.next())
            .await
            .expect("the relay answers")
        {
            Some(Ok(tungstenite::Message::Binary(b))) => match Message::decode(&b) {
                Ok(Message::Peer { .. }) => return (errors, None),
                Ok(Message::Error { message, .. }) => errors.push(message),
                _ => {}
            },
            Some(Ok(tungstenite::Message::Close(f))) => {
                return (errors, Some(f.map_or(0, |f| u16::from(f.code))));
            }
            Some(Ok(_)) => {}
            Some(Err(_)) | None => return (errors, Some(0)),
        }
    }
}

/// Reads until the relay closes; returns the `error` texts and the close code.
pub async fn errors_then_close(ws: &mut Raw) -> (Vec<String>, u16) {
    let mut errors = Vec::new();
    loop {
        match tokio::time::timeout(WAIT, ws.next())
            .await
            .expect("the relay closes")
        {
            Some(Ok(tungstenite::Message::Binary(b))) => {
                if let Ok(Message::Error { message, .. }) = Message::decode(&b) {
                    errors.push(message);
                }
            }
            Some(Ok(tungstenite::Message::Close(f))) => {
                return (errors, f.map_or(0, |f| u16::from(f.code)));
            }
            Some(Ok(_)) => {}
            Some(Err(_)) | None => return (errors, 0),
        }
    }
}

/// A CBOR map of text keys and text values, for hand-made messages.
pub fn cbor_map(pairs: &[(&str, &str)]) -> Vec<u8> {
    let mut out = Vec::new();
    let mut e = minicbor::Encoder::new(&mut out);
    e.map(pairs.len() as u64).unwrap();
    for (k, v) in pairs {
        e.str(k).unwrap().str(v).unwrap();
    }
    out
}

/// An automerge sync message (as a first message) carrying `changes`.
pub fn sync_data(changes: Vec<Vec<u8>>) -> Vec<u8> {
    use automerge::sync::SyncDoc;
    let mut empty = automerge::AutoCommit::new();
    let mut state = automerge::sync::State::new();
    let mut m = empty.sync().generate_sync_message(&mut state).unwrap();
    m.changes = changes.into();
    m.encode()
}

pub fn sync_frame(sender: &str, document: DocumentId, changes: Vec<Vec<u8>>) -> Vec<u8> {
    Message::Sync {
        sender: sender.into(),
        target: "relay".into(),
        document,
        data: sync_data(changes),
    }
    .encode()
}

/// A real change: a round's first stops.
pub fn a_valid_change() -> Vec<u8> {
    use automerge::transaction::Transactable;
    let mut doc = automerge::AutoCommit::new();
    let stops = doc
        .put_object(automerge::ROOT, "stops", automerge::ObjType::List)
        .unwrap();
    for i in 0..4 {
        doc.insert(&stops, i, format!("3单元{i}02")).unwrap();
    }
    doc.put(automerge::ROOT, "kind", "delivery").unwrap();
    doc.save_incremental()
}

pub async fn healthz(relay: &TestRelay) -> (u16, serde_json::Value) {
    let (status, json) = relay.api("GET", "/healthz", None, None).await;
    (status.as_u16(), json)
}

/// Found by a hostile phone: one sync message whose changes Automerge's
/// decoder panics on stopped all syncing. Now the relay refuses it (and
/// every bit-flipped change an attacker re-checksums) before Automerge sees
/// it, tells the phone why, stores nothing of it, and serves everyone else.
pub async fn still_syncs(phone: &mut Phone, doc: DocumentId) {
    assert!(phone.record(doc, "still here").await);
    phone.settle(&[doc], WAIT).await.unwrap();
}
