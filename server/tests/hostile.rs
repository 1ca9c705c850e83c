//! Hostile and broken clients: each gets a clear error or a close, while a
//! phone syncing beside them is served throughout and nothing stored breaks.

mod common;

use std::sync::atomic::Ordering::Relaxed;
use std::time::Duration;

use common::TestRelay;
use common::raw::*;
use futures_util::{SinkExt, StreamExt};
use linli_loadgen::{Phone, document_named};
use linli_server::storage::Storage;
use linli_server::sync_socket::Limits;
use linli_shared::model::actor::Role;
use linli_shared::sync::{DocumentId, Message};
use tokio_tungstenite::tungstenite;

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
    assert_eq!(errors, vec!["damaged changes: cut short".to_owned()]);

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
    // 24 documents of a megabyte that does not compress (Automerge deflates
    // its columns: a repeated letter would travel as a few hundred bytes):
    // more replies than its queue holds.
    let blob = noise(1024 * 1024, 1);
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
    // How much the sockets' kernel buffers take before the relay's writes
    // block varies (loopback receive buffers grow up to 32 MiB), so the
    // writer keeps sending until they are full: then either the sleeper's
    // queue fills or one write waits 20 s, and both drop it.
    let mut round = 1;
    while dropped() == 0 && started.elapsed() < Duration::from_secs(90) {
        round += 1;
        let half = noise(512 * 1024, round);
        // The writer keeps working meanwhile, and is answered.
        assert!(phone.record(docs[0], &half).await);
        phone.settle(&docs[..1], WAIT).await.unwrap();
    }
    assert!(dropped() >= 1, "the sleeper was dropped");
    drop(ws);
}

/// Letters that do not compress: a xorshift stream over 64 of them.
fn noise(len: usize, seed: u64) -> String {
    const LETTERS: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut x = 0x9E37_79B9_7F4A_7C15 ^ seed;
    (0..len)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            char::from(LETTERS[(x >> 58) as usize])
        })
        .collect()
}

#[tokio::test]
async fn damaged_changes_are_refused_and_everyone_else_syncs() {
    let relay = TestRelay::start().await;
    let honest = relay.member(Role::Volunteer, None);
    let hostile = relay.member(Role::Volunteer, None);
    let doc = document_named("honest delivery round");
    let mut phone = Phone::new("honest");
    phone.connect(&relay.sync_url(&honest.token)).await.unwrap();
    phone.create(doc, "start").await;
    phone.settle(&[doc], WAIT).await.unwrap();

    // The kept crasher: a damaged "bundle" chunk (the fuzz input frames its
    // chunks with a length byte).
    let found = include_bytes!("../../shared/fuzz/regressions/load_chunks/hexane-unpack-panic");
    let bundle = found[1..1 + usize::from(found[0])].to_vec();
    let target = document_named("hostile 1");
    let mut ws = joined(&relay, &hostile.token, "h1").await;
    ws.send(bin(sync_frame("h1", target, vec![bundle.clone()])))
        .await
        .unwrap();
    let (errors, code) = errors_then_close(&mut ws).await;
    assert_eq!(
        errors,
        vec!["damaged changes: a chunk of a kind not accepted (3)".to_owned()]
    );
    assert_eq!(code, 1002);
    // Re-checksummed, it is still refused.
    let mut ws = joined(&relay, &hostile.token, "h1b").await;
    let resealed = linli_shared::sync::intact::reseal(&bundle);
    ws.send(bin(sync_frame("h1b", target, vec![resealed])))
        .await
        .unwrap();
    let (errors, _) = errors_then_close(&mut ws).await;
    assert!(errors[0].starts_with("damaged changes"), "{errors:?}");

    // Bit flips of a valid change, checksums fixed up as an attacker would.
    let valid = a_valid_change();
    let mut refused = 0;
    for (n, i) in (9..valid.len()).step_by(3).enumerate() {
        let mut damaged = valid.clone();
        damaged[i] ^= 1 << (n % 8);
        let damaged = linli_shared::sync::intact::reseal(&damaged);
        let target = document_named(&format!("hostile flip {i}"));
        let sender = format!("f{i}");
        let mut ws = joined(&relay, &hostile.token, &sender).await;
        ws.send(bin(sync_frame(&sender, target, vec![damaged])))
            .await
            .unwrap();
        // Either refused (an error, then the close) or taken as some other
        // valid change (answered, and the socket stays open).
        let answer = tokio::time::timeout(WAIT, ws.next())
            .await
            .expect("the relay answers");
        if let Some(Ok(tungstenite::Message::Binary(b))) = answer
            && let Ok(Message::Error { message, .. }) = Message::decode(&b)
        {
            assert!(message.starts_with("damaged changes"), "{message}");
            refused += 1;
            assert!(
                relay.storage.load_chunks(&target).unwrap().is_empty(),
                "nothing of a refused message is stored"
            );
        }
        if n % 16 == 0 {
            still_syncs(&mut phone, doc).await;
        }
    }
    assert!(refused > 10, "{refused} flips refused");
    still_syncs(&mut phone, doc).await;
    let metrics = &relay.state.metrics;
    assert!(metrics.sync_refused.get("kind") >= 2);
    assert!(
        metrics.sync_refused.get("kind")
            + metrics.sync_refused.get("ops")
            + metrics.sync_refused.get("columns")
            > 10
    );
    assert_eq!(healthz(&relay).await.0, 200);
    let text = relay.api("GET", "/metrics", None, None).await;
    let _ = text;
}

/// A compressed change that inflates to far more than its size is refused
/// before it is inflated past the limit.
#[tokio::test]
async fn a_change_that_inflates_to_far_more_than_its_size_is_refused() {
    use std::io::Write as _;
    // 200 MiB of zeros deflate to about 200 KiB (made before the relay
    // starts: the test's runtime has one thread, which the relay's clock
    // shares).
    let mut deflate = flate2::write::DeflateEncoder::new(Vec::new(), flate2::Compression::best());
    let zeros = vec![0u8; 1 << 20];
    for _ in 0..200 {
        deflate.write_all(&zeros).unwrap();
    }
    let deflated = deflate.finish().unwrap();
    let mut bomb = vec![0x85, 0x6f, 0x4a, 0x83, 0, 0, 0, 0, 2];
    let mut len = deflated.len() as u64;
    loop {
        let byte = (len & 0x7f) as u8;
        len >>= 7;
        if len == 0 {
            bomb.push(byte);
            break;
        }
        bomb.push(byte | 0x80);
    }
    bomb.extend(&deflated);
    let relay = TestRelay::start().await;
    let hostile = relay.member(Role::Volunteer, None);
    let mut ws = joined(&relay, &hostile.token, "bomb").await;
    ws.send(bin(sync_frame("bomb", document_named("bomb"), vec![bomb])))
        .await
        .unwrap();
    let (errors, code) = errors_then_close(&mut ws).await;
    assert_eq!(
        errors,
        vec!["damaged changes: inflates to more than the limit".to_owned()]
    );
    assert_eq!(code, 1002);
    assert_eq!(relay.state.metrics.sync_refused.get("too_large"), 1);
    assert_eq!(healthz(&relay).await.0, 200);
}

/// A volunteer's own document lives at an id derived from the community and
/// the device: another member who knows the device id cannot take it first,
/// by syncing or by declaring its scope; the device itself can.
#[tokio::test]
async fn a_volunteers_own_document_belongs_to_that_volunteer() {
    let relay = TestRelay::start().await;
    let victim = relay.member(Role::Volunteer, None);
    let squatter = relay.member(Role::Volunteer, None);
    let theirs = DocumentId::for_volunteer(&relay.community, &victim.device);

    // Syncing it first: refused as not the squatter's to hold.
    let mut ws = joined(&relay, &squatter.token, "squat").await;
    ws.send(bin(sync_frame("squat", theirs, vec![a_valid_change()])))
        .await
        .unwrap();
    let refused = loop {
        match tokio::time::timeout(WAIT, ws.next())
            .await
            .expect("answered")
        {
            Some(Ok(tungstenite::Message::Binary(b))) => {
                if let Ok(Message::DocUnavailable { document, .. }) = Message::decode(&b) {
                    break document;
                }
            }
            other => panic!("unexpected {other:?}"),
        }
    };
    assert_eq!(refused, theirs);
    assert!(relay.storage.load_chunks(&theirs).unwrap().is_empty());

    // Declaring its scope: as if it did not exist.
    let (status, body) = relay
        .api(
            "PUT",
            &format!("/api/documents/{theirs}/scope"),
            Some(&squatter.token),
            Some(serde_json::json!({"scope": {"kind": "members", "devices": [squatter.device]}})),
        )
        .await;
    assert_eq!(
        (status.as_u16(), body["error"].as_str()),
        (404, Some("document_unknown"))
    );

    // The volunteer's own phone starts it, declares its scope and syncs.
    let (status, _) = relay
        .api(
            "PUT",
            &format!("/api/documents/{theirs}/scope"),
            Some(&victim.token),
            Some(serde_json::json!({"scope": {"kind": "members", "devices": [victim.device]}})),
        )
        .await;
    assert_eq!(status.as_u16(), 200);
    let mut phone = Phone::new("victim");
    phone.connect(&relay.sync_url(&victim.token)).await.unwrap();
    phone.create(theirs, "我的资料").await;
    phone.settle(&[theirs], WAIT).await.unwrap();
}
