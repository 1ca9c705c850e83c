//! Recruitment by link: an invite that needs approval makes a pending device
//! that syncs only its own volunteer document; staff list and approve
//! applications, and the approved phone gets the community document on the
//! socket it already has.

mod common;

use std::time::Duration;

use common::TestRelay;
use linli_loadgen::{Phone, document_named};
use linli_server::storage::Storage;
use linli_shared::model::{
    Actor,
    actor::Role,
    catalogue::{Skill, VolunteerSource},
    volunteer,
};
use linli_shared::sync::DocumentId;
use serde_json::json;

const WAIT: Duration = Duration::from_secs(10);

async fn recruitment_link(relay: &TestRelay, staff_token: &str) -> serde_json::Value {
    let (status, minted) = relay
        .api(
            "POST",
            "/api/invites",
            Some(staff_token),
            Some(json!({"role": "volunteer", "approval": true, "uses": 500, "expires_in_hours": 720})),
        )
        .await;
    assert_eq!(status, 200, "{minted}");
    minted
}

async fn register(relay: &TestRelay, code: &str, name: &str) -> (String, String) {
    let (status, joined) = relay
        .api(
            "POST",
            "/api/invites/redeem",
            None,
            Some(json!({"code": code, "device_name": name})),
        )
        .await;
    assert_eq!(status, 200, "{joined}");
    assert_eq!(joined["device"]["pending"], true);
    assert_eq!(joined["device"]["role"], "volunteer");
    (
        joined["device"]["id"].as_str().unwrap().to_owned(),
        joined["token"].as_str().unwrap().to_owned(),
    )
}

/// Staff approve a pending device: the status and the refusal code, if any.
async fn approve(relay: &TestRelay, token: &str, device: &str) -> (u16, Option<String>) {
    let (status, body) = relay
        .api(
            "POST",
            &format!("/api/devices/{device}/approve"),
            Some(token),
            None,
        )
        .await;
    (status.as_u16(), body["error"].as_str().map(str::to_owned))
}

#[tokio::test]
async fn a_recruit_waits_for_approval_then_gets_the_community_without_reconnecting() {
    let relay = TestRelay::start().await;
    let staff = relay.member(Role::Staff, None);
    let minted = recruitment_link(&relay, &staff.token).await;
    let code = minted["code"].as_str().unwrap().to_owned();
    assert!(
        minted["link"]
            .as_str()
            .unwrap()
            .ends_with(&format!("/recruit#{code}")),
        "{minted}"
    );
    assert_eq!(minted["invite"]["approval"], true);

    // The form can name the community before the code is used.
    let (status, preview) = relay
        .api(
            "POST",
            "/api/invites/preview",
            None,
            Some(json!({"code": code})),
        )
        .await;
    assert_eq!(status, 200, "{preview}");
    assert_eq!(preview["community"]["name"], "和平里社区");
    assert_eq!(preview["approval"], true);
    assert_eq!(preview["role"], "volunteer");
    let (status, body) = relay
        .api(
            "POST",
            "/api/invites/preview",
            None,
            Some(json!({"code": "no-such-code"})),
        )
        .await;
    assert_eq!(
        (status.as_u16(), body["error"].as_str()),
        (404, Some("invite_unknown"))
    );

    let (device, token) = register(&relay, &code, "李志愿").await;
    let (status, me) = relay.api("GET", "/api/me", Some(&token), None).await;
    assert_eq!(status, 200);
    assert_eq!(me["device"]["pending"], true);

    // The pending phone: its own volunteer document syncs, the community
    // document and others' documents do not.
    let community_doc = DocumentId::for_community(&relay.community);
    let own = DocumentId::for_volunteer(&relay.community, &device);
    let reg = volunteer::Registration {
        name: "李志愿".into(),
        phone: "13800001234".into(),
        source: Some(VolunteerSource::NewEconomyWorker),
        skills: vec![Skill::Driving, Skill::Medical],
        availability: "周末全天".into(),
    };
    let actor = Actor::new(device.clone(), device.clone(), Role::Volunteer);
    let doc = volunteer::create(&actor, 1, &device, &reg).unwrap();
    // It may declare its own document "me and staff", nothing wider, and
    // no other document.
    let (status, body) = relay
        .api(
            "PUT",
            &format!("/api/documents/{own}/scope"),
            Some(&token),
            Some(json!({"scope": {"kind": "members", "devices": [device]}})),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    let elsewhere = document_named("a pending phone's other document");
    let (status, body) = relay
        .api(
            "PUT",
            &format!("/api/documents/{elsewhere}/scope"),
            Some(&token),
            Some(json!({"scope": {"kind": "members", "devices": [device]}})),
        )
        .await;
    assert_eq!(
        (status.as_u16(), body["error"].as_str()),
        (403, Some("pending_approval"))
    );

    let mut phone = Phone::new("recruit");
    phone.open(community_doc);
    phone.connect(&relay.sync_url(&token)).await.unwrap();
    phone.create_document(own, doc).await;
    phone.create(elsewhere, "not yet").await;
    phone.settle(&[own], WAIT).await.unwrap();
    assert!(
        phone
            .pump_until(WAIT, |p| p.unavailable.contains(&community_doc)
                && p.unavailable.contains(&elsewhere))
            .await,
        "refused: {:?}",
        phone.unavailable
    );
    assert!(
        phone
            .document(&community_doc)
            .is_none_or(|d| { linli_shared::model::community::read(d).is_err() })
    );
    assert!(relay.storage.load_chunks(&elsewhere).unwrap().is_empty());

    // Staff see the application, and the volunteer's document with it.
    let (status, list) = relay
        .api("GET", "/api/applications", Some(&staff.token), None)
        .await;
    assert_eq!(status, 200, "{list}");
    assert_eq!(list.as_array().unwrap().len(), 1);
    assert_eq!(list[0]["id"], device.as_str());
    assert_eq!(list[0]["name"], "李志愿");
    let mut desk = Phone::new("staff");
    desk.open(own);
    desk.connect(&relay.sync_url(&staff.token)).await.unwrap();
    assert!(
        desk.pump_until(WAIT, |p| p
            .document(&own)
            .and_then(|d| volunteer::read(d).ok())
            .is_some_and(|v| v.profile.phone == "13800001234"))
            .await,
        "staff read the registration"
    );

    // Approved: the community document arrives on the same socket.
    assert_eq!(approve(&relay, &staff.token, &device).await, (204, None));
    let named = |p: &Phone| {
        p.document(&community_doc)
            .and_then(|d| linli_shared::model::community::read(d).ok())
            .is_some_and(|c| c.name == "和平里社区")
    };
    assert!(
        phone.pump_until(WAIT, named).await,
        "the community document arrives without reconnecting"
    );
    assert!(phone.closed.is_none());
    let (_, me) = relay.api("GET", "/api/me", Some(&token), None).await;
    assert_eq!(me["device"]["pending"], false);
    let (_, list) = relay
        .api("GET", "/api/applications", Some(&staff.token), None)
        .await;
    assert!(list.as_array().unwrap().is_empty(), "{list}");
    assert_eq!(
        approve(&relay, &staff.token, &device).await,
        (409, Some("not_pending".to_owned()))
    );
}

#[tokio::test]
async fn only_staff_list_and_approve_and_a_rejected_recruit_is_out() {
    let relay = TestRelay::start().await;
    let staff = relay.member(Role::Staff, None);
    let volunteer = relay.member(Role::Volunteer, None);
    let lead = relay.member(Role::Lead, Some("3"));
    let other = linli_server::admin::create_community(relay.storage.as_ref(), "别的社区").unwrap();
    let other_staff = relay.member_of(&other, Role::Staff, None);

    // Only volunteers are recruited with approval.
    let (status, body) = relay
        .api(
            "POST",
            "/api/invites",
            Some(&staff.token),
            Some(json!({"role": "lead", "building": "3", "approval": true})),
        )
        .await;
    assert_eq!(
        (status.as_u16(), body["error"].as_str()),
        (400, Some("approval_volunteers_only"))
    );
    let minted = recruitment_link(&relay, &staff.token).await;
    let code = minted["code"].as_str().unwrap();
    let (first, first_token) = register(&relay, code, "甲").await;
    let (second, _) = register(&relay, code, "乙").await;

    for token in [&volunteer.token, &lead.token, &first_token] {
        let (status, body) = relay
            .api("GET", "/api/applications", Some(token), None)
            .await;
        assert_eq!(
            (status.as_u16(), body["error"].as_str()),
            (403, Some("staff_only"))
        );
        assert_eq!(
            approve(&relay, token, &second).await,
            (403, Some("staff_only".to_owned()))
        );
    }
    let (status, _) = relay.api("GET", "/api/applications", None, None).await;
    assert_eq!(status, 401);
    // Another community's staff neither see nor approve them.
    let (_, list) = relay
        .api("GET", "/api/applications", Some(&other_staff.token), None)
        .await;
    assert!(list.as_array().unwrap().is_empty());
    assert_eq!(
        approve(&relay, &other_staff.token, &first).await,
        (404, Some("device_unknown".to_owned()))
    );

    // Oldest first.
    let (_, list) = relay
        .api("GET", "/api/applications", Some(&staff.token), None)
        .await;
    let ids: Vec<&str> = list
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, vec![first.as_str(), second.as_str()]);

    // Rejecting is revoking: off the list, the token refused, no approving.
    let (status, _) = relay
        .api(
            "POST",
            &format!("/api/devices/{first}/revoke"),
            Some(&staff.token),
            None,
        )
        .await;
    assert_eq!(status, 204);
    let (_, list) = relay
        .api("GET", "/api/applications", Some(&staff.token), None)
        .await;
    assert_eq!(list.as_array().unwrap().len(), 1);
    assert_eq!(list[0]["id"], second.as_str());
    let (status, _) = relay.api("GET", "/api/me", Some(&first_token), None).await;
    assert_eq!(status, 401);
    assert_eq!(
        approve(&relay, &staff.token, &first).await,
        (409, Some("device_revoked".to_owned()))
    );
}

#[tokio::test]
async fn a_normal_invite_makes_a_member_at_once() {
    let relay = TestRelay::start().await;
    let staff = relay.member(Role::Staff, None);
    let (status, minted) = relay
        .api(
            "POST",
            "/api/invites",
            Some(&staff.token),
            Some(json!({"role": "volunteer", "uses": 3})),
        )
        .await;
    assert_eq!(status, 200);
    assert_eq!(minted["invite"]["approval"], false);
    let code = minted["code"].as_str().unwrap();
    assert!(minted["link"].as_str().unwrap().contains("/join#"));
    let (status, joined) = relay
        .api(
            "POST",
            "/api/invites/redeem",
            None,
            Some(json!({"code": code, "device_name": "丙"})),
        )
        .await;
    assert_eq!(status, 200);
    assert_eq!(joined["device"]["pending"], false);
    let token = joined["token"].as_str().unwrap();
    let (_, list) = relay
        .api("GET", "/api/applications", Some(&staff.token), None)
        .await;
    assert!(list.as_array().unwrap().is_empty());

    let community_doc = DocumentId::for_community(&relay.community);
    let mut phone = Phone::new("member");
    phone.open(community_doc);
    phone.connect(&relay.sync_url(token)).await.unwrap();
    assert!(
        phone
            .pump_until(WAIT, |p| p
                .document(&community_doc)
                .is_some_and(|d| linli_shared::model::community::read(d).is_ok()))
            .await
    );
}
