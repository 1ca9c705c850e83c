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

/// An automerge sync message (as a first message) carrying `changes`.
fn sync_data(changes: Vec<Vec<u8>>) -> Vec<u8> {
    use automerge::sync::SyncDoc;
    let mut empty = automerge::AutoCommit::new();
    let mut state = automerge::sync::State::new();
    let mut m = empty.sync().generate_sync_message(&mut state).unwrap();
    m.changes = changes.into();
    m.encode()
}

fn sync_frame(sender: &str, document: DocumentId, changes: Vec<Vec<u8>>) -> Vec<u8> {
    Message::Sync {
        sender: sender.into(),
        target: "relay".into(),
        document,
        data: sync_data(changes),
    }
    .encode()
}

/// A real change: a round's first stops.
fn a_valid_change() -> Vec<u8> {
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

async fn healthz(relay: &TestRelay) -> (u16, serde_json::Value) {
    let (status, json) = relay.api("GET", "/healthz", None, None).await;
    (status.as_u16(), json)
}

/// Found by a hostile phone: one sync message whose changes Automerge's
/// decoder panics on stopped all syncing. Now the relay refuses it (and
/// every bit-flipped change an attacker re-checksums) before Automerge sees
/// it, tells the phone why, stores nothing of it, and serves everyone else.
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

async fn still_syncs(phone: &mut Phone, doc: DocumentId) {
    assert!(phone.record(doc, "still here").await);
    phone.settle(&[doc], WAIT).await.unwrap();
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

/// One device registering new documents without end: the relay takes its
/// quota's worth, then closes the socket saying why, and the honest phone
/// beside it never notices.
#[tokio::test]
async fn ten_thousand_new_documents_from_one_device_stop_at_its_quota() {
    let relay = TestRelay::with(
        Limits {
            messages_per_second: 100_000.0,
            message_burst: 100_000.0,
            ..Limits::default()
        },
        linli_server::quota::Quotas {
            documents_per_device: 2_000,
            ..Default::default()
        },
        |s| s,
    )
    .await;
    let honest = relay.member(Role::Volunteer, None);
    let hostile = relay.member(Role::Volunteer, None);
    let doc = document_named("a round beside the flood");
    let mut phone = Phone::new("honest");
    phone.connect(&relay.sync_url(&honest.token)).await.unwrap();
    phone.create(doc, "start").await;
    phone.settle(&[doc], WAIT).await.unwrap();

    let ws = joined(&relay, &hostile.token, "flood").await;
    // It reads what the relay says (a client that does not read is dropped
    // as too slow, which is not what this test is about).
    let (mut sink, mut stream) = ws.split();
    let reader = tokio::spawn(async move {
        let mut errors = Vec::new();
        loop {
            match tokio::time::timeout(Duration::from_secs(60), stream.next()).await {
                Ok(Some(Ok(tungstenite::Message::Binary(b)))) => {
                    if let Ok(Message::Error { message, .. }) = Message::decode(&b) {
                        errors.push(message);
                    }
                }
                Ok(Some(Ok(tungstenite::Message::Close(f)))) => {
                    return (errors, f.map_or(0, |f| u16::from(f.code)));
                }
                Ok(Some(Ok(_))) => {}
                _ => return (errors, 0),
            }
        }
    });
    let mut sent = 0;
    for i in 0..10_000 {
        let frame = sync_frame("flood", document_named(&format!("flood {i}")), vec![]);
        if sink.send(bin(frame)).await.is_err() {
            break;
        }
        sent += 1;
    }
    let (errors, code) = reader.await.unwrap();
    assert_eq!(code, 4429, "closed for the quota after {sent} sent");
    assert!(
        errors
            .iter()
            .any(|e| e.contains("registered 2000 documents")),
        "{errors:?}"
    );
    // Its own volunteer document counts too.
    assert_eq!(
        relay.storage.documents_created_by(&hostile.device).unwrap(),
        2_000
    );
    assert!(relay.state.metrics.quota_refusals.get("documents") >= 1);
    still_syncs(&mut phone, doc).await;
    assert_eq!(healthz(&relay).await.0, 200);
}

/// Five hundred sockets from one address without a token: the first few
/// are told 401, the rest 429, and phones with tokens (from the same
/// address) connect and sync throughout.
#[tokio::test]
async fn five_hundred_tokenless_sockets_from_one_address_are_turned_away() {
    let relay = TestRelay::start().await;
    let honest = relay.member(Role::Volunteer, None);
    let doc = document_named("a round beside the knocking");
    let mut phone = Phone::new("honest");
    phone.connect(&relay.sync_url(&honest.token)).await.unwrap();
    phone.create(doc, "start").await;
    phone.settle(&[doc], WAIT).await.unwrap();

    let url = relay.sync_url("").replace("token=", "t=");
    let mut statuses = std::collections::BTreeMap::new();
    for _ in 0..500 {
        match tokio_tungstenite::connect_async(&url).await {
            Err(tungstenite::Error::Http(r)) => {
                *statuses.entry(r.status().as_u16()).or_insert(0) += 1;
            }
            other => panic!("a tokenless socket was let in: {:?}", other.map(|_| ())),
        }
    }
    let allowance = linli_server::quota::Quotas::default().anonymous_upgrades_per_minute;
    assert_eq!(
        statuses.get(&401),
        Some(&(allowance as i32)),
        "{statuses:?}"
    );
    assert_eq!(
        statuses.get(&429),
        Some(&(500 - allowance as i32)),
        "{statuses:?}"
    );
    assert!(relay.state.metrics.quota_refusals.get("anonymous_upgrades") > 400);
    // A phone with a token, from the same address, still gets in.
    let mut second = Phone::new("honest again");
    second
        .connect(&relay.sync_url(&honest.token))
        .await
        .unwrap();
    still_syncs(&mut phone, doc).await;
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
