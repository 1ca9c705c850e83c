//! Hostile and broken clients: each gets a clear error or a close, while a
//! phone syncing beside them is served throughout and nothing stored breaks.

mod common;

use std::sync::atomic::Ordering::Relaxed;
use std::time::Duration;

use common::TestRelay;
use futures_util::{SinkExt, StreamExt};
use linli_loadgen::{Phone, document_named};
use linli_server::storage::Storage;
use linli_server::sync_socket::Limits;
use linli_shared::model::actor::Role;
use linli_shared::sync::{DocumentId, Message, message::PeerMetadata};
use tokio_tungstenite::tungstenite;

const WAIT: Duration = Duration::from_secs(10);

type Raw =
    tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

async fn raw(relay: &TestRelay, token: &str) -> Raw {
    tokio_tungstenite::connect_async(relay.sync_url(token))
        .await
        .unwrap()
        .0
}

fn join(sender: &str, versions: &[&str]) -> Vec<u8> {
    Message::Join {
        sender: sender.into(),
        metadata: PeerMetadata::default(),
        supported_versions: versions.iter().map(|v| v.to_string()).collect(),
    }
    .encode()
}

async fn joined(relay: &TestRelay, token: &str, sender: &str) -> Raw {
    let mut ws = raw(relay, token).await;
    ws.send(bin(join(sender, &["1"]))).await.unwrap();
    let (errors, close) = read_until_peer_or_close(&mut ws).await;
    assert!(errors.is_empty() && close.is_none(), "{errors:?} {close:?}");
    ws
}

fn bin(bytes: Vec<u8>) -> tungstenite::Message {
    tungstenite::Message::Binary(bytes.into())
}

async fn read_until_peer_or_close(ws: &mut Raw) -> (Vec<String>, Option<u16>) {
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
async fn errors_then_close(ws: &mut Raw) -> (Vec<String>, u16) {
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

#[tokio::test]
async fn hostile_clients_are_refused_and_everyone_else_is_served() {
    let relay = TestRelay::with_limits(Limits {
        max_message_bytes: 64 * 1024,
        messages_per_second: 20.0,
        message_burst: 60.0,
        connections_per_device: 3,
        outbox: 1024,
    })
    .await;
    let honest = relay.member(Role::Staff, None);
    let hostile = relay.member(Role::Staff, None);
    let doc = document_named("honest round");
    let mut phone = Phone::new("honest");
    phone.connect(&relay.sync_url(&honest.token)).await.unwrap();
    phone.create(doc, "start").await;
    phone.settle(&[doc], WAIT).await.unwrap();
    let mut n = 0;
    let mut still_served = async |phone: &mut Phone| {
        n += 1;
        assert!(phone.record(doc, &format!("event {n}")).await);
        phone.settle(&[doc], WAIT).await.unwrap();
    };

    // Not CBOR at all.
    let mut ws = joined(&relay, &hostile.token, "h1").await;
    ws.send(bin(vec![0xff, 0x00, 0x13])).await.unwrap();
    let (errors, code) = errors_then_close(&mut ws).await;
    assert!(errors[0].starts_with("invalid message"), "{errors:?}");
    assert_eq!(code, 1002);
    still_served(&mut phone).await;

    // A protocol version the relay does not speak.
    let mut ws = raw(&relay, &hostile.token).await;
    ws.send(bin(join("h2", &["99"]))).await.unwrap();
    let (errors, _) = errors_then_close(&mut ws).await;
    assert_eq!(errors, vec!["unsupported protocol version".to_owned()]);

    // Sync before join.
    let mut ws = raw(&relay, &hostile.token).await;
    let early = Message::Sync {
        sender: "h3".into(),
        target: "relay".into(),
        document: doc,
        data: vec![0x42],
    };
    ws.send(bin(early.encode())).await.unwrap();
    let (errors, code) = errors_then_close(&mut ws).await;
    assert_eq!(errors, vec!["send join before anything else".to_owned()]);
    assert_eq!(code, 1002);

    // An unknown message type, and a document id that is not one.
    for bytes in [
        cbor_map(&[("type", "teleport"), ("senderId", "h4"), ("targetId", "r")]),
        cbor_map(&[
            ("type", "request"),
            ("senderId", "h4"),
            ("targetId", "r"),
            ("documentId", "0OIl-not-base58"),
        ]),
    ] {
        let mut ws = joined(&relay, &hostile.token, "h4").await;
        ws.send(bin(bytes)).await.unwrap();
        let (errors, code) = errors_then_close(&mut ws).await;
        assert!(errors[0].starts_with("invalid message"), "{errors:?}");
        assert_eq!(code, 1002);
    }
    still_served(&mut phone).await;

    // Garbage where an automerge sync message belongs, for a real document.
    let mut ws = joined(&relay, &hostile.token, "h5").await;
    let garbage = Message::Sync {
        sender: "h5".into(),
        target: "relay".into(),
        document: doc,
        data: vec![0x42, 0xde, 0xad, 0xbe, 0xef],
    };
    ws.send(bin(garbage.encode())).await.unwrap();
    let (errors, _) = errors_then_close(&mut ws).await;
    assert_eq!(errors, vec!["invalid automerge sync message".to_owned()]);

    // A text frame, and a frame over the size limit.
    let mut ws = joined(&relay, &hostile.token, "h6").await;
    ws.send(tungstenite::Message::Text("{\"type\":\"join\"}".into()))
        .await
        .unwrap();
    assert_eq!(errors_then_close(&mut ws).await.1, 1003);
    let mut ws = joined(&relay, &hostile.token, "h7").await;
    let _ = ws.send(bin(vec![0u8; 200 * 1024])).await;
    let (_, code) = errors_then_close(&mut ws).await;
    assert!(code == 1009 || code == 0, "closed for size: {code}");
    still_served(&mut phone).await;

    // A flood: the device's message budget runs out and the socket closes.
    let mut ws = joined(&relay, &hostile.token, "h8").await;
    let mut sent = 0;
    for _ in 0..400 {
        if ws
            .send(bin(cbor_map(&[
                ("type", "remote-subscription-change"),
                ("senderId", "h8"),
                ("targetId", "r"),
            ])))
            .await
            .is_err()
        {
            break;
        }
        sent += 1;
    }
    let (_, code) = errors_then_close(&mut ws).await;
    assert_eq!(code, 1008, "flood closed after {sent} frames");

    // Connections per device.
    let keep: Vec<Raw> =
        futures_util::future::join_all((0..3).map(|_| raw(&relay, &hostile.token))).await;
    let refused = tokio_tungstenite::connect_async(relay.sync_url(&hostile.token)).await;
    match refused {
        Err(tungstenite::Error::Http(r)) => assert_eq!(r.status().as_u16(), 429),
        other => panic!(
            "a fourth connection was not refused: {:?}",
            other.map(|_| ())
        ),
    }
    drop(keep);
    still_served(&mut phone).await;

    // Nothing stored is damaged: the document loads whole from storage.
    let mut stored = automerge::AutoCommit::new();
    for chunk in relay.storage.load_chunks(&doc).unwrap() {
        stored
            .load_incremental(&chunk.bytes)
            .expect("every stored chunk loads");
    }
    let (_, list) = automerge::ReadDoc::get(&stored, automerge::ROOT, "events")
        .unwrap()
        .unwrap();
    assert_eq!(
        automerge::ReadDoc::length(&stored, &list),
        phone.events(&doc).len()
    );
    assert!(relay.state.metrics.connections_refused.load(Relaxed) >= 1);
}

#[tokio::test]
async fn a_phone_that_stops_reading_is_dropped_without_stalling_others() {
    let relay = TestRelay::with_limits(Limits {
        outbox: 16,
        ..Limits::default()
    })
    .await;
    let writer = relay.member(Role::Staff, None);
    let sleeper = relay.member(Role::Staff, None);
    // 24 documents of a megabyte: more than the socket buffers hold, and
    // more replies than its queue holds.
    let blob: String = "x".repeat(1024 * 1024);
    let docs: Vec<DocumentId> = (0..24)
        .map(|i| document_named(&format!("big {i}")))
        .collect();
    let mut phone = Phone::new("writer");
    phone.connect(&relay.sync_url(&writer.token)).await.unwrap();
    for id in &docs {
        phone.create(*id, &blob).await;
        phone.settle(&[*id], WAIT).await.unwrap();
    }

    // Asks for all of them, then never reads again.
    let mut ws = joined(&relay, &sleeper.token, "sleeper").await;
    let empty_sync = {
        use automerge::sync::SyncDoc;
        let mut empty = automerge::AutoCommit::new();
        let mut state = automerge::sync::State::new();
        empty
            .sync()
            .generate_sync_message(&mut state)
            .unwrap()
            .encode()
    };
    for id in &docs {
        let ask = Message::Request {
            sender: "sleeper".into(),
            target: "relay".into(),
            document: *id,
            data: empty_sync.clone(),
        };
        ws.send(bin(ask.encode())).await.unwrap();
    }
    let dropped = || relay.state.metrics.slow_clients_dropped.load(Relaxed);
    let started = std::time::Instant::now();
    while dropped() == 0 && started.elapsed() < Duration::from_secs(30) {
        // The writer keeps working meanwhile, and is answered.
        assert!(phone.record(docs[0], "still here").await);
        phone.settle(&docs[..1], WAIT).await.unwrap();
    }
    assert!(dropped() >= 1, "the sleeper was dropped");
    drop(ws);
}

/// A CBOR map of text keys and text values, for hand-made messages.
fn cbor_map(pairs: &[(&str, &str)]) -> Vec<u8> {
    let mut out = Vec::new();
    let mut e = minicbor::Encoder::new(&mut out);
    e.map(pairs.len() as u64).unwrap();
    for (k, v) in pairs {
        e.str(k).unwrap().str(v).unwrap();
    }
    out
}
