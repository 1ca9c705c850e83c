//! The sync hub is watched: a hub that stops is started again (phones
//! reconnect and carry on), a hub that hangs makes `/healthz` fail and
//! sockets be refused until it answers, and a device revoked while its
//! socket was joining is cut off at once.

mod common;

use std::sync::Arc;
use std::sync::atomic::Ordering::SeqCst;
use std::time::Duration;

use common::TestRelay;
use common::faulty::{Faults, Faulty};
use linli_loadgen::{Phone, document_named};
use linli_server::quota::Quotas;
use linli_server::storage::Storage;
use linli_server::sync_socket::Limits;
use linli_shared::model::actor::Role;

const WAIT: Duration = Duration::from_secs(10);

async fn faulty_relay() -> (TestRelay, Arc<Faults>) {
    let faults = Arc::new(Faults::default());
    let f = faults.clone();
    let relay = TestRelay::with(Limits::default(), Quotas::default(), move |inner| {
        Arc::new(Faulty { inner, faults: f })
    })
    .await;
    (relay, faults)
}

async fn health(relay: &TestRelay) -> (u16, String) {
    let (status, json) = relay.api("GET", "/healthz", None, None).await;
    (
        status.as_u16(),
        json["status"].as_str().unwrap_or_default().to_owned(),
    )
}

#[tokio::test]
async fn a_hub_that_stops_is_started_again_and_phones_carry_on() {
    let (relay, faults) = faulty_relay().await;
    let member = relay.member(Role::Staff, None);
    let doc = document_named("round before the fault");
    let mut phone = Phone::new("staff");
    phone.connect(&relay.sync_url(&member.token)).await.unwrap();
    phone.create(doc, "start").await;
    phone.settle(&[doc], WAIT).await.unwrap();
    assert_eq!(health(&relay).await, (200, "ok".to_owned()));

    // The next document read panics inside the hub thread (outside the
    // engine's containment): the hub stops, and is started again.
    faults.panic_on_load.store(true, SeqCst);
    let other = document_named("a document never read before");
    let mut second = Phone::new("second");
    second
        .connect(&relay.sync_url(&member.token))
        .await
        .unwrap();
    second.create(other, "first").await;
    second.pump_for(Duration::from_millis(500)).await;
    let restarted = async {
        while relay.state.metrics.hub_restarts.load(SeqCst) == 0 {
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    };
    tokio::time::timeout(WAIT, restarted)
        .await
        .expect("the hub was started again");
    // Its sockets were closed; the phone reconnects and syncs on.
    phone.pump_for(Duration::from_millis(200)).await;
    assert!(!phone.is_connected(), "the old hub's sockets are closed");
    phone.connect(&relay.sync_url(&member.token)).await.unwrap();
    assert!(phone.record(doc, "after the restart").await);
    phone.settle(&[doc], WAIT).await.unwrap();
    assert_eq!(health(&relay).await, (200, "ok".to_owned()));
    let stored = linli_loadgen::stored_events(&relay.storage.load_chunks(&doc).unwrap());
    assert!(
        stored.iter().any(|e| e == "after the restart"),
        "{stored:?}"
    );
}

#[tokio::test]
async fn a_hub_that_hangs_fails_the_health_check_and_turns_sockets_away() {
    let (relay, faults) = faulty_relay().await;
    let member = relay.member(Role::Staff, None);
    let doc = document_named("round while the disk hangs");
    let mut phone = Phone::new("staff");
    phone.connect(&relay.sync_url(&member.token)).await.unwrap();
    phone.create(doc, "start").await;
    phone.settle(&[doc], WAIT).await.unwrap();

    faults.stall(true);
    phone.record(doc, "written while stalled").await;
    // Once the hub is stuck in the write, it answers no heartbeat.
    let unhealthy = async {
        loop {
            let answer = health(&relay).await;
            if answer.0 != 200 {
                return answer;
            }
        }
    };
    assert_eq!(
        tokio::time::timeout(WAIT, unhealthy)
            .await
            .expect("noticed"),
        (503, "hub_unresponsive".to_owned())
    );
    tokio::time::sleep(linli_server::hub::SILENT_AFTER).await;
    let mut late = Phone::new("late");
    assert_eq!(
        late.try_connect(&relay.sync_url(&member.token)).await.err(),
        Some(503),
        "a socket the hub cannot serve is refused"
    );

    faults.stall(false);
    let healthy = async {
        while health(&relay).await.0 != 200 {
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    };
    tokio::time::timeout(WAIT, healthy)
        .await
        .expect("healthy again");
    phone.settle(&[doc], WAIT).await.unwrap();
    late.connect(&relay.sync_url(&member.token)).await.unwrap();
}

#[tokio::test]
async fn a_device_revoked_while_its_socket_joins_is_cut_off_at_once() {
    let (relay, faults) = faulty_relay().await;
    let member = relay.member(Role::Volunteer, None);
    // Revoked in storage right after the token check, before the socket
    // reaches the hub (no Revoked event reaches the hub for it).
    faults.revoke_after_auth.store(true, SeqCst);
    let mut phone = Phone::new("revoked");
    phone.connect(&relay.sync_url(&member.token)).await.unwrap();
    let cut = phone
        .pump_until(Duration::from_secs(1), |p| {
            p.closed.is_some() || !p.is_connected()
        })
        .await;
    assert!(cut, "the socket of a revoked device was kept open");
    let code = phone.closed.as_ref().and_then(|c| c.code);
    assert_eq!(
        code,
        Some(4401),
        "{:?}",
        phone.closed.as_ref().map(|c| &c.reason)
    );
}
