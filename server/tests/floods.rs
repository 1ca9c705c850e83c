//! Floods from one device or one address: the relay takes a device's quota
//! of new documents and no more, and turns away tokenless sockets beyond an
//! address's allowance, while an honest phone beside them syncs throughout.
//! (Apart from the other hostile tests: each floods the machine.)

mod common;

use common::TestRelay;
use common::raw::*;
use futures_util::{SinkExt, StreamExt};
use linli_loadgen::{Phone, document_named};
use linli_server::storage::Storage;
use linli_server::sync_socket::Limits;
use linli_shared::model::actor::Role;
use linli_shared::sync::Message;
use tokio_tungstenite::tungstenite;

/// One device starting ten thousand new documents, in bursts of a hundred
/// as fast as the relay answers: the relay takes its quota's worth, then
/// closes the socket saying why, and the honest phone beside it syncs on.
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

    let mut ws = joined(&relay, &hostile.token, "flood").await;
    let mut sent = 0;
    let mut closed = None;
    let mut errors = Vec::new();
    'flood: for burst in 0..100 {
        for i in 0..100 {
            let id = document_named(&format!("flood {burst}-{i}"));
            if ws.send(bin(sync_frame("flood", id, vec![]))).await.is_err() {
                break 'flood;
            }
            sent += 1;
        }
        // Every new document is answered (a sync or a refusal).
        let mut answers = 0;
        while answers < 100 {
            match tokio::time::timeout(WAIT, ws.next())
                .await
                .expect("answered")
            {
                Some(Ok(tungstenite::Message::Binary(b))) => {
                    answers += 1;
                    if let Ok(Message::Error { message, .. }) = Message::decode(&b) {
                        errors.push(message);
                    }
                }
                Some(Ok(tungstenite::Message::Close(f))) => {
                    closed = Some(f.map_or(0, |f| u16::from(f.code)));
                    break 'flood;
                }
                Some(Ok(_)) => {}
                Some(Err(_)) | None => {
                    closed = Some(0);
                    break 'flood;
                }
            }
        }
        if burst % 10 == 0 {
            still_syncs(&mut phone, doc).await;
        }
    }
    // The relay closed the socket once the quota was reached (the flood may
    // have been sending still, and lost the close to a reset).
    assert!(
        matches!(closed, None | Some(0) | Some(4429)) && (2_000..2_200).contains(&sent),
        "closed for the quota after {sent} sent: {closed:?} {errors:?}"
    );
    // Asked again, calmly, the device is told why.
    let mut ws = joined(&relay, &hostile.token, "calm").await;
    ws.send(bin(sync_frame("calm", document_named("one more"), vec![])))
        .await
        .unwrap();
    let (errors, code) = errors_then_close(&mut ws).await;
    assert_eq!(code, 4429);
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
