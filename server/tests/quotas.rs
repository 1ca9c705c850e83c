//! Quotas: each stops one device, community or address at its limit with a
//! clear refusal and a count in `/metrics`, and never slows anyone else.

mod common;

use std::time::Duration;

use common::TestRelay;
use linli_loadgen::{Phone, document_named};
use linli_server::quota::Quotas;
use linli_shared::model::actor::Role;
use tokio_tungstenite::tungstenite;

const WAIT: Duration = Duration::from_secs(10);

/// Writes `n` events of `size` bytes each, until the relay closes the link.
async fn write_until_closed(
    phone: &mut Phone,
    doc: linli_shared::sync::DocumentId,
    size: usize,
) -> usize {
    let blob = "送".repeat(size / 3);
    for n in 0..200 {
        if !phone.record(doc, &format!("{n} {blob}")).await {
            return n;
        }
        let _ = phone.settle(&[doc], Duration::from_secs(2)).await;
        if !phone.is_connected() {
            return n;
        }
    }
    200
}

#[tokio::test]
async fn a_device_may_add_its_daily_bytes_and_no_more() {
    let relay = TestRelay::with_quotas(Quotas {
        device_bytes_per_day: 64 * 1024,
        ..Quotas::default()
    })
    .await;
    let greedy = relay.member(Role::Volunteer, None);
    let other = relay.member(Role::Volunteer, None);
    let doc = document_named("greedy round");
    let mut phone = Phone::new("greedy");
    phone.connect(&relay.sync_url(&greedy.token)).await.unwrap();
    phone.create(doc, "start").await;
    phone.settle(&[doc], WAIT).await.unwrap();
    let written = write_until_closed(&mut phone, doc, 8 * 1024).await;
    assert!(
        (5..20).contains(&written),
        "closed after {written} writes of 8 KiB"
    );
    assert_eq!(
        phone.closed.as_ref().and_then(|c| c.code),
        Some(4429),
        "{:?}",
        phone.closed.as_ref().map(|c| &c.reason)
    );
    assert!(relay.state.metrics.quota_refusals.get("device_bytes") >= 1);
    // Within a few bytes of the quota: one message may overshoot it by its
    // own size at most.
    let today = linli_server::quota::today();
    let used = linli_server::storage::Storage::device_bytes_on(
        relay.storage.as_ref(),
        &greedy.device,
        today,
    )
    .unwrap();
    assert!(used <= 64 * 1024 + 16 * 1024, "{used}");
    // Another device of the same community is not slowed.
    let doc2 = document_named("another round");
    let mut second = Phone::new("other");
    second.connect(&relay.sync_url(&other.token)).await.unwrap();
    second.create(doc2, "start").await;
    second.settle(&[doc2], WAIT).await.unwrap();
    assert!(second.record(doc2, "fine").await);
    second.settle(&[doc2], WAIT).await.unwrap();
}

#[tokio::test]
async fn a_community_may_store_its_bytes_and_no_more() {
    let relay = TestRelay::with_quotas(Quotas {
        community_bytes: 48 * 1024,
        ..Quotas::default()
    })
    .await;
    let a = relay.member(Role::Volunteer, None);
    let doc = document_named("a round");
    let mut phone = Phone::new("a");
    phone.connect(&relay.sync_url(&a.token)).await.unwrap();
    phone.create(doc, "start").await;
    phone.settle(&[doc], WAIT).await.unwrap();
    let written = write_until_closed(&mut phone, doc, 8 * 1024).await;
    assert!(written < 20, "closed after {written} writes");
    assert_eq!(
        phone.closed.as_ref().and_then(|c| c.code),
        Some(4429),
        "{:?}",
        phone.closed.as_ref().map(|c| &c.reason)
    );
    assert!(relay.state.metrics.quota_refusals.get("community_bytes") >= 1);
    // Another community on the same relay is not affected.
    let other_community =
        linli_server::admin::create_community(relay.storage.as_ref(), "另一个社区").unwrap();
    let b = relay.member_of(&other_community, Role::Volunteer, None);
    let doc2 = document_named("their round");
    let mut theirs = Phone::new("b");
    theirs.connect(&relay.sync_url(&b.token)).await.unwrap();
    theirs.create(doc2, "start").await;
    theirs.settle(&[doc2], WAIT).await.unwrap();
}

#[tokio::test]
async fn a_relay_holds_its_sockets_and_no_more() {
    let relay = TestRelay::with_quotas(Quotas {
        sockets: 3,
        ..Quotas::default()
    })
    .await;
    let mut phones = Vec::new();
    for i in 0..3 {
        let m = relay.member(Role::Volunteer, None);
        let mut p = Phone::new(&format!("p{i}"));
        p.connect(&relay.sync_url(&m.token)).await.unwrap();
        phones.push(p);
    }
    let late = relay.member(Role::Volunteer, None);
    match tokio_tungstenite::connect_async(relay.sync_url(&late.token)).await {
        Err(tungstenite::Error::Http(r)) => {
            assert_eq!(r.status().as_u16(), 503);
            let body = String::from_utf8_lossy(r.body().as_deref().unwrap_or_default()).to_string();
            assert!(body.contains("relay_full"), "{body}");
        }
        other => panic!("a fourth socket was let in: {:?}", other.map(|_| ())),
    }
    assert_eq!(relay.state.metrics.quota_refusals.get("sockets"), 1);
    // One leaves: the late phone gets in.
    phones.pop().unwrap().disconnect().await;
    let mut p = Phone::new("late");
    let mut tries = 0;
    while p.try_connect(&relay.sync_url(&late.token)).await.is_err() {
        tries += 1;
        assert!(tries < 50, "the freed socket was not given back");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

#[tokio::test]
async fn an_address_calls_the_invite_api_its_allowance_and_no_more() {
    let relay = TestRelay::start().await;
    let allowance = Quotas::default().invite_calls_per_minute;
    let client = reqwest_like(&relay);
    let mut statuses = Vec::new();
    for _ in 0..allowance + 5 {
        statuses.push(
            client
                .post_json(
                    "/api/invites/redeem",
                    r#"{"code":"guess","device_name":"x"}"#,
                )
                .await,
        );
    }
    assert!(
        statuses[..allowance as usize].iter().all(|s| *s == 404),
        "{statuses:?}"
    );
    assert!(
        statuses[allowance as usize..].iter().all(|s| *s == 429),
        "{statuses:?}"
    );
    assert_eq!(relay.state.metrics.quota_refusals.get("invite_calls"), 5);
}

/// A plain HTTP/1.1 client over a real socket (the per-address allowance
/// needs the socket's address, which `oneshot` does not have).
struct Http {
    addr: String,
}

fn reqwest_like(relay: &TestRelay) -> Http {
    Http {
        addr: relay.base.trim_start_matches("http://").to_owned(),
    }
}

impl Http {
    async fn post_json(&self, path: &str, body: &str) -> u16 {
        use tokio::io::{AsyncReadExt, AsyncWriteExt};
        let mut s = tokio::net::TcpStream::connect(&self.addr).await.unwrap();
        let req = format!(
            "POST {path} HTTP/1.1\r\nHost: {}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
            self.addr,
            body.len()
        );
        s.write_all(req.as_bytes()).await.unwrap();
        let mut out = Vec::new();
        s.read_to_end(&mut out).await.unwrap();
        let text = String::from_utf8_lossy(&out);
        text.split_whitespace().nth(1).unwrap().parse().unwrap()
    }
}
