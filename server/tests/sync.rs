//! Phones syncing through a real relay on 127.0.0.1: convergence, fan-out,
//! the access matrix, invites, scopes and revocation.

mod common;

use std::time::Duration;

use common::TestRelay;
use linli_loadgen::{Phone, document_named};
use linli_server::storage::Storage;
use linli_shared::model::actor::Role;
use serde_json::json;

const WAIT: Duration = Duration::from_secs(10);

#[tokio::test]
async fn a_change_reaches_the_other_phones_at_once() {
    let relay = TestRelay::start().await;
    let staff = relay.member(Role::Staff, None);
    let other = relay.member(Role::Staff, None);
    let third = relay.member(Role::Staff, None);
    let round = document_named("fan-out round");

    let mut a = Phone::new("a");
    a.connect(&relay.sync_url(&staff.token)).await.unwrap();
    a.create(round, "created").await;
    a.settle(&[round], WAIT).await.unwrap();

    let mut b = Phone::new("b");
    b.open(round);
    b.connect(&relay.sync_url(&other.token)).await.unwrap();
    assert!(b.pump_until(WAIT, |p| p.events(&round).len() == 1).await);
    let mut c = Phone::new("c");
    c.open(round);
    c.connect(&relay.sync_url(&third.token)).await.unwrap();
    assert!(c.pump_until(WAIT, |p| p.events(&round).len() == 1).await);

    // B and C only listen: the relay pushes A's change to them.
    assert!(a.record(round, "delivered 3-201").await);
    a.settle(&[round], WAIT).await.unwrap();
    let started = std::time::Instant::now();
    assert!(b.pump_until(WAIT, |p| p.events(&round).len() == 2).await);
    assert!(c.pump_until(WAIT, |p| p.events(&round).len() == 2).await);
    assert!(
        started.elapsed() < Duration::from_secs(2),
        "pushed, not polled: {:?}",
        started.elapsed()
    );

    // Concurrent edits from B and C merge; everyone ends with all four.
    assert!(b.record(round, "no answer 3-202").await);
    assert!(c.record(round, "refused 3-203").await);
    b.settle(&[round], WAIT).await.unwrap();
    c.settle(&[round], WAIT).await.unwrap();
    for p in [&mut a, &mut b, &mut c] {
        assert!(
            p.pump_until(WAIT, |p| p.events(&round).len() == 4).await,
            "{}",
            p.name
        );
    }
    assert_eq!(a.events(&round), b.events(&round));
    assert_eq!(b.events(&round), c.events(&round));

    // What the relay stored is what the phones have.
    let chunks =
        linli_server::storage::Storage::load_chunks(relay.storage.as_ref(), &round).unwrap();
    let mut stored = automerge::AutoCommit::new();
    for c in chunks {
        stored.load_incremental(&c.bytes).unwrap();
    }
    assert_eq!(
        automerge::ReadDoc::length(&stored, &{
            let (_, list) = automerge::ReadDoc::get(&stored, automerge::ROOT, "events")
                .unwrap()
                .unwrap();
            list
        }),
        4
    );

    // Ephemeral signals reach the other phones on the document, not the sender.
    a.signal(round, 1, vec![0xa1, 0x61, b'u', 0x61, b'3']).await;
    assert!(b.pump_until(WAIT, |p| !p.ephemeral.is_empty()).await);
    assert!(c.pump_until(WAIT, |p| !p.ephemeral.is_empty()).await);
    a.pump_for(Duration::from_millis(300)).await;
    assert!(a.ephemeral.is_empty());
}

/// Which of the five devices may sync each kind of document.
#[tokio::test]
async fn the_access_matrix_holds_for_every_role_and_scope() {
    let relay = TestRelay::start().await;
    let staff = relay.member(Role::Staff, None);
    let lead_a = relay.member(Role::Lead, Some("A"));
    let lead_b = relay.member(Role::Lead, Some("B"));
    let vol_1 = relay.member(Role::Volunteer, Some("A"));
    let vol_2 = relay.member(Role::Volunteer, Some("A"));
    let elsewhere = relay
        .storage
        .create_community("别的社区", 0)
        .map(|c| c.id)
        .unwrap();
    let outsider = relay.member_of(&elsewhere, Role::Staff, None);

    let scopes = [
        ("community", json!({"kind": "community"})),
        ("staff", json!({"kind": "staff"})),
        ("ledger A", json!({"kind": "building", "building": "A"})),
        (
            "round A",
            json!({"kind": "members", "building": "A", "devices": [vol_1.device]}),
        ),
    ];
    let mut staff_phone = Phone::new("staff");
    staff_phone
        .connect(&relay.sync_url(&staff.token))
        .await
        .unwrap();
    let mut docs = Vec::new();
    for (name, scope) in &scopes {
        let id = document_named(name);
        let (status, _) = relay
            .api(
                "PUT",
                &format!("/api/documents/{id}/scope"),
                Some(&staff.token),
                Some(json!({"scope": scope})),
            )
            .await;
        assert_eq!(status, 200, "{name}");
        staff_phone.create(id, name).await;
        docs.push(id);
    }
    staff_phone.settle(&docs, WAIT).await.unwrap();
    // A volunteer's own document, undeclared: creator and staff.
    let own = document_named("volunteer 1's own");
    let mut v1 = Phone::new("v1");
    v1.connect(&relay.sync_url(&vol_1.token)).await.unwrap();
    v1.create(own, "v1's shift").await;
    v1.settle(&[own], WAIT).await.unwrap();
    docs.push(own);

    let devices = [
        ("staff", &staff),
        ("lead A", &lead_a),
        ("lead B", &lead_b),
        ("volunteer 1", &vol_1),
        ("volunteer 2", &vol_2),
        ("outsider", &outsider),
    ];
    //                community staff  ledgerA roundA own-v1
    let expected = [
        [true, true, true, true, true],      // staff
        [true, false, true, true, false],    // lead A
        [true, false, false, false, false],  // lead B
        [true, false, false, true, true],    // volunteer 1
        [true, false, false, false, false],  // volunteer 2
        [false, false, false, false, false], // staff of another community
    ];
    for ((who, member), row) in devices.iter().zip(expected) {
        let mut phone = Phone::new(who);
        for id in &docs {
            phone.open(*id);
        }
        phone.connect(&relay.sync_url(&member.token)).await.unwrap();
        let answered = phone
            .pump_until(WAIT, |p| {
                docs.iter()
                    .all(|id| !p.events(id).is_empty() || p.unavailable.contains(id))
            })
            .await;
        assert!(answered, "{who}: every document answered");
        let got: Vec<bool> = docs.iter().map(|id| !phone.events(id).is_empty()).collect();
        assert_eq!(got, row, "{who}");
        for (id, allowed) in docs.iter().zip(row) {
            assert_eq!(
                phone.unavailable.contains(id),
                !allowed,
                "{who}: doc-unavailable iff denied"
            );
        }
    }

    // Offering changes to a document out of scope changes nothing.
    let staff_only = docs[1];
    let mut v2 = Phone::new("v2 forging");
    v2.connect(&relay.sync_url(&vol_2.token)).await.unwrap();
    v2.create(staff_only, "forged").await;
    assert!(
        v2.pump_until(WAIT, |p| p.unavailable.contains(&staff_only))
            .await
    );
    staff_phone.pump_for(Duration::from_millis(500)).await;
    assert_eq!(staff_phone.events(&staff_only), vec!["staff".to_owned()]);
    assert!(
        relay
            .state
            .metrics
            .denied
            .load(std::sync::atomic::Ordering::Relaxed)
            > 0
    );
}

#[tokio::test]
async fn invites_tokens_and_scopes_through_the_api() {
    let relay = TestRelay::start().await;
    let staff = relay.member(Role::Staff, None);
    let volunteer = relay.member(Role::Volunteer, None);

    // Staff mint; volunteers may not.
    let (status, minted) = relay
        .api(
            "POST",
            "/api/invites",
            Some(&staff.token),
            Some(json!({"role": "lead", "building": "7", "uses": 2})),
        )
        .await;
    assert_eq!(status, 200, "{minted}");
    let code = minted["code"].as_str().unwrap().to_owned();
    assert!(
        minted["link"]
            .as_str()
            .unwrap()
            .ends_with(&format!("/join#{code}"))
    );
    let (status, body) = relay
        .api(
            "POST",
            "/api/invites",
            Some(&volunteer.token),
            Some(json!({"role": "staff"})),
        )
        .await;
    assert_eq!(
        (status.as_u16(), body["error"].as_str()),
        (403, Some("staff_only"))
    );
    let (status, body) = relay
        .api(
            "POST",
            "/api/invites",
            Some(&staff.token),
            Some(json!({"role": "lead"})),
        )
        .await;
    assert_eq!(
        (status.as_u16(), body["error"].as_str()),
        (400, Some("lead_needs_building"))
    );

    // Two uses, then used up.
    for n in 0..2 {
        let (status, joined) = relay
            .api(
                "POST",
                "/api/invites/redeem",
                None,
                Some(json!({"code": code, "device_name": format!("phone {n}")})),
            )
            .await;
        assert_eq!(status, 200, "{joined}");
        assert_eq!(joined["device"]["role"], "lead");
        assert_eq!(joined["device"]["building"], "7");
        assert_eq!(joined["community"]["name"], "和平里社区");
        let token = joined["token"].as_str().unwrap();
        let (status, me) = relay.api("GET", "/api/me", Some(token), None).await;
        assert_eq!(status, 200);
        assert_eq!(me["device"]["id"], joined["device"]["id"]);
    }
    let (status, body) = relay
        .api(
            "POST",
            "/api/invites/redeem",
            None,
            Some(json!({"code": code})),
        )
        .await;
    assert_eq!(
        (status.as_u16(), body["error"].as_str()),
        (410, Some("invite_used_up"))
    );
    let (status, body) = relay
        .api(
            "POST",
            "/api/invites/redeem",
            None,
            Some(json!({"code": "nonsense"})),
        )
        .await;
    assert_eq!(
        (status.as_u16(), body["error"].as_str()),
        (404, Some("invite_unknown"))
    );
    let (status, _) = relay.api("GET", "/api/me", Some("wrong"), None).await;
    assert_eq!(status, 401);

    // An expired invite.
    let expired = linli_server::storage::NewInvite {
        community: relay.community.clone(),
        role: Role::Volunteer,
        building: None,
        uses: 5,
        expires_at: 1,
        created_by: None,
        approval: false,
    };
    relay
        .storage
        .create_invite(&expired, &linli_server::secret::hash("old-code"), 0)
        .unwrap();
    let (status, body) = relay
        .api(
            "POST",
            "/api/invites/redeem",
            None,
            Some(json!({"code": "old-code"})),
        )
        .await;
    assert_eq!(
        (status.as_u16(), body["error"].as_str()),
        (410, Some("invite_expired"))
    );

    // A withdrawn invite.
    let (_, minted) = relay
        .api(
            "POST",
            "/api/invites",
            Some(&staff.token),
            Some(json!({"role": "volunteer", "uses": 5})),
        )
        .await;
    linli_server::admin::revoke_invite(
        relay.storage.as_ref(),
        minted["invite"]["id"].as_str().unwrap(),
    )
    .unwrap();
    let (status, body) = relay
        .api(
            "POST",
            "/api/invites/redeem",
            None,
            Some(json!({"code": minted["code"]})),
        )
        .await;
    assert_eq!(
        (status.as_u16(), body["error"].as_str()),
        (410, Some("invite_revoked"))
    );

    // Scopes: a volunteer may only keep "me and staff"; staff may widen it.
    let doc = document_named("scoped");
    let path = format!("/api/documents/{doc}/scope");
    let (status, _) = relay
        .api(
            "PUT",
            &path,
            Some(&volunteer.token),
            Some(json!({"scope": {"kind": "community"}})),
        )
        .await;
    assert_eq!(status, 403);
    let own = json!({"scope": {"kind": "members", "devices": [volunteer.device]}});
    let (status, body) = relay
        .api("PUT", &path, Some(&volunteer.token), Some(own))
        .await;
    assert_eq!(status, 200, "{body}");
    let (status, body) = relay
        .api(
            "PUT",
            &path,
            Some(&staff.token),
            Some(json!({"scope": {"kind": "community"}})),
        )
        .await;
    assert_eq!(status, 200);
    assert_eq!(body["scope"]["kind"], "community");
    let (status, _) = relay
        .api(
            "PUT",
            "/api/documents/not-an-id/scope",
            Some(&staff.token),
            Some(json!({"scope": {"kind": "staff"}})),
        )
        .await;
    assert_eq!(status, 400);
}

#[tokio::test]
async fn a_revoked_device_is_disconnected_and_kept_out() {
    let relay = TestRelay::start().await;
    let staff = relay.member(Role::Staff, None);
    let volunteer = relay.member(Role::Volunteer, None);
    let by_cli = relay.member(Role::Volunteer, None);
    let doc = document_named("own");

    let mut phone = Phone::new("lost phone");
    phone
        .connect(&relay.sync_url(&volunteer.token))
        .await
        .unwrap();
    phone.create(doc, "mine").await;
    phone.settle(&[doc], WAIT).await.unwrap();

    let (status, _) = relay
        .api(
            "POST",
            &format!("/api/devices/{}/revoke", volunteer.device),
            Some(&staff.token),
            None,
        )
        .await;
    assert_eq!(status, 204);
    assert!(phone.pump_until(WAIT, |p| p.closed.is_some()).await);
    assert_eq!(phone.closed.as_ref().unwrap().code, Some(4401));
    assert!(
        phone.errors.iter().any(|e| e == "device revoked"),
        "{:?}",
        phone.errors
    );
    assert_eq!(
        phone.try_connect(&relay.sync_url(&volunteer.token)).await,
        Err(401)
    );

    // Revoked from the command line (another process): the relay notices.
    let mut other = Phone::new("second phone");
    other.connect(&relay.sync_url(&by_cli.token)).await.unwrap();
    other.pump_for(Duration::from_millis(200)).await;
    linli_server::admin::revoke_device(relay.storage.as_ref(), &by_cli.device).unwrap();
    assert!(other.pump_until(WAIT, |p| p.closed.is_some()).await);
    assert_eq!(other.closed.as_ref().unwrap().code, Some(4401));

    // Missing and wrong tokens never get a socket.
    let mut nobody = Phone::new("nobody");
    assert_eq!(
        nobody
            .try_connect(&format!("{}/sync", relay.base.replace("http", "ws")))
            .await,
        Err(401)
    );
    assert_eq!(nobody.try_connect(&relay.sync_url("guess")).await, Err(401));
}

#[tokio::test]
async fn metrics_count_what_happened() {
    let relay = TestRelay::start().await;
    let staff = relay.member(Role::Staff, None);
    let doc = document_named("counted");
    let mut phone = Phone::new("p");
    phone.connect(&relay.sync_url(&staff.token)).await.unwrap();
    phone.create(doc, "x").await;
    phone.settle(&[doc], WAIT).await.unwrap();
    let response = reqwest_get(&relay, "/metrics").await;
    for needle in [
        "linli_connections 1",
        "linli_documents_in_memory 1",
        "# TYPE linli_sync_latency_seconds histogram",
    ] {
        assert!(response.contains(needle), "{needle} in\n{response}");
    }
    let count_line = response
        .lines()
        .find(|l| l.starts_with("linli_messages_in_total "))
        .unwrap();
    let n: u64 = count_line.split(' ').nth(1).unwrap().parse().unwrap();
    assert!(n >= 2, "join and sync at least: {n}");
}

async fn reqwest_get(relay: &TestRelay, path: &str) -> String {
    use tower::ServiceExt;
    let req = axum::http::Request::get(path)
        .body(axum::body::Body::empty())
        .unwrap();
    let response = linli_server::app(relay.state.clone())
        .oneshot(req)
        .await
        .unwrap();
    let bytes = axum::body::to_bytes(response.into_body(), 1 << 20)
        .await
        .unwrap();
    String::from_utf8(bytes.to_vec()).unwrap()
}

/// The community document is written by `community create`, and any member
/// finds it at the id derived from the community; a round the volunteer
/// asked for before it existed, and then before its scope admitted them,
/// reaches them as soon as its scope is declared.
#[tokio::test]
async fn members_find_the_community_document_and_late_scoped_rounds() {
    let relay = TestRelay::start().await;
    let community = linli_server::admin::create_community(relay.storage.as_ref(), "和平里社区")
        .expect("community created");
    let volunteer = relay.member_of(&community, Role::Volunteer, None);
    let staff = relay.member_of(&community, Role::Staff, None);
    let id = linli_shared::sync::document_id::DocumentId::for_community(&community);
    let round = document_named("late round");
    let mut phone = Phone::new("volunteer");
    phone.open(id);
    phone.open(round);
    phone
        .connect(&relay.sync_url(&volunteer.token))
        .await
        .unwrap();
    let named = |p: &Phone| {
        p.document(&id)
            .and_then(|d| linli_shared::model::community::read(d).ok())
            .is_some_and(|c| c.name == "和平里社区" && !c.courses.is_empty())
    };
    assert!(
        phone.pump_until(WAIT, named).await,
        "the community document arrives"
    );
    assert!(
        phone
            .pump_until(WAIT, |p| p.unavailable.contains(&round))
            .await
    );

    // Staff starts the round; undeclared, it is "creator and staff" only.
    let mut s = Phone::new("staff");
    s.connect(&relay.sync_url(&staff.token)).await.unwrap();
    s.create(round, "planned").await;
    s.settle(&[round], WAIT).await.unwrap();
    phone.unavailable.clear();
    phone.retry_unavailable().await;
    assert!(
        phone
            .pump_until(WAIT, |p| p.unavailable.contains(&round))
            .await
    );
    assert!(
        phone.events(&round).is_empty(),
        "refused before its scope admits them"
    );

    let (status, _) = relay
        .api(
            "PUT",
            &format!("/api/documents/{round}/scope"),
            Some(&staff.token),
            Some(json!({"scope": {"kind": "members", "devices": [volunteer.device]}})),
        )
        .await;
    assert_eq!(status, 200);
    assert!(
        phone
            .pump_until(WAIT, |p| p.events(&round) == vec!["planned".to_owned()])
            .await,
        "the relay offers the round once its scope admits the volunteer, unasked"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_document_asked_for_before_anyone_brought_it_arrives_when_it_is_brought() {
    let relay = TestRelay::start().await;
    let (early, creator) = (
        relay.member(Role::Staff, None),
        relay.member(Role::Staff, None),
    );
    let round = document_named("asked for early");
    let mut asker = Phone::new("early");
    asker.open(round);
    asker.connect(&relay.sync_url(&early.token)).await.unwrap();
    assert!(
        asker
            .pump_until(WAIT, |p| p.unavailable.contains(&round))
            .await,
        "nobody has brought it yet"
    );
    let mut s = Phone::new("creator");
    s.connect(&relay.sync_url(&creator.token)).await.unwrap();
    s.create(round, "planned").await;
    s.settle(&[round], WAIT).await.unwrap();
    // The asker does not ask again: the relay offers it.
    assert!(
        asker
            .pump_until(WAIT, |p| p.events(&round) == vec!["planned".to_owned()])
            .await,
        "offered once brought"
    );
}
