//! Benchmark: the bytes a volunteer's phone exchanges with the relay to sync
//! one day of field work recorded during 8 hours offline, beside the size of
//! the changes themselves.
//!
//! A staff phone plans the day (a delivery round of 45 doors and a
//! disinfection round of 6 points × 3 times) and declares the rounds'
//! scope; the volunteer's phone syncs them, goes offline, records the day one
//! tap at a time (as the app commits one change per tap), comes back and
//! syncs. Prints one JSON line.
//!
//! `linli-volunteer-day --url URL --community ID --staff TOKEN --volunteer TOKEN`

use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use automerge::AutoCommit;
use linli_loadgen::{Phone, sync_url};
use linli_shared::{
    model::{
        Actor, Role,
        civil::{Day, HOUR, MINUTE},
        round::{self, Details, Outcome, RoundKind, StopPlan},
    },
    sync::{document_id::DocumentId, scope::Scope},
};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

const DOORS: usize = 45;
const POINTS: usize = 6;
const TIMES: i64 = 3;

/// A plain HTTP/1.1 call to the relay's API (the headless phone has no HTTP
/// client); returns the body.
async fn api(
    url: &str,
    method: &str,
    path: &str,
    token: &str,
    body: &str,
) -> anyhow::Result<String> {
    let host = url
        .trim_start_matches("http://")
        .trim_end_matches('/')
        .to_owned();
    let mut s = tokio::net::TcpStream::connect(&host).await?;
    let request = format!(
        "{method} {path} HTTP/1.1\r\nHost: {host}\r\nAuthorization: Bearer {token}\r\n\
         Content-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    s.write_all(request.as_bytes()).await?;
    let mut response = String::new();
    s.read_to_string(&mut response).await?;
    let (head, body) = response.split_once("\r\n\r\n").context("no HTTP body")?;
    if !head.starts_with("HTTP/1.1 2") {
        bail!("{method} {path}: {head}");
    }
    Ok(body.to_owned())
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let value = |flag: &str| -> anyhow::Result<String> {
        args.iter()
            .position(|a| a == flag)
            .and_then(|i| args.get(i + 1).cloned())
            .with_context(|| format!("{flag} is required"))
    };
    let (url, community) = (value("--url")?, value("--community")?);
    let (staff_token, volunteer_token) = (value("--staff")?, value("--volunteer")?);
    let me: serde_json::Value =
        serde_json::from_str(&api(&url, "GET", "/api/me", &volunteer_token, "").await?)?;
    let volunteer_id = me["device"]["id"].as_str().context("device id")?.to_owned();
    let staff_me: serde_json::Value =
        serde_json::from_str(&api(&url, "GET", "/api/me", &staff_token, "").await?)?;
    let staff_id = staff_me["device"]["id"]
        .as_str()
        .context("device id")?
        .to_owned();

    // Staff plans the day.
    let staff_actor = Actor::new(staff_id.clone(), staff_id, Role::Staff);
    let day = Day::parse("2022-04-28").context("day")?;
    let t0 = day.start(480) + 8 * HOUR;
    let doors: Vec<StopPlan> = (0..DOORS)
        .map(|i| StopPlan {
            label: format!("{}单元 {}{:02}", i / 15 + 1, (i % 15) / 2 + 1, i % 2 + 1),
            unit: format!("{}单元", i / 15 + 1),
            floor: ((i % 15) / 2 + 1) as i64,
            items: vec!["蔬菜包".into(), "大米 5kg".into()],
            ..StopPlan::default()
        })
        .collect();
    let points: Vec<StopPlan> = ["电梯厅", "楼梯间", "垃圾站", "单元门", "信报箱", "地下车库"]
        .iter()
        .take(POINTS)
        .map(|p| StopPlan {
            label: (*p).into(),
            times_per_day: TIMES,
            ..StopPlan::default()
        })
        .collect();
    let assignees = [volunteer_id.as_str()];
    let delivery = round::create(
        &staff_actor,
        t0,
        RoundKind::Delivery,
        day,
        "b3",
        "3号楼 配送",
        &assignees,
        &doors,
    )?;
    let disinfection = round::create(
        &staff_actor,
        t0,
        RoundKind::Disinfection,
        day,
        "b3",
        "3号楼 消杀",
        &assignees,
        &points,
    )?;
    let ids = [DocumentId::random(), DocumentId::random()];
    let scope = Scope::Members {
        building: Some("b3".into()),
        devices: vec![volunteer_id.clone()],
    };
    for id in ids {
        let body = serde_json::json!({ "scope": scope }).to_string();
        api(
            &url,
            "PUT",
            &format!("/api/documents/{id}/scope"),
            &staff_token,
            &body,
        )
        .await?;
    }
    let mut staff = Phone::new("staff");
    staff.connect(&sync_url(&url, &staff_token)).await?;
    staff.create_document(ids[0], delivery).await;
    staff.create_document(ids[1], disinfection).await;
    staff.settle(&ids, Duration::from_secs(30)).await?;

    // The volunteer's phone gets the day's rounds and the community.
    let community_doc = DocumentId::for_community(&community);
    let mut phone = Phone::new("volunteer");
    phone.connect(&sync_url(&url, &volunteer_token)).await?;
    for id in [community_doc, ids[0], ids[1]] {
        phone.open(id);
    }
    let has = |p: &Phone, id: &DocumentId| p.document(id).is_some_and(|d| round::read(d).is_ok());
    if !phone
        .pump_until(Duration::from_secs(30), |p| ids.iter().all(|id| has(p, id)))
        .await
    {
        bail!("the volunteer did not get the rounds");
    }
    phone.pump_for(Duration::from_millis(500)).await;
    phone.disconnect().await;

    // Eight hours offline, one tap at a time.
    let before: Vec<_> = ids
        .iter()
        .map(|id| {
            phone
                .document(id)
                .map(|d| d.clone().get_heads())
                .unwrap_or_default()
        })
        .collect();
    let actor = Actor::new(volunteer_id.clone(), volunteer_id.clone(), Role::Volunteer);
    let stops = |p: &Phone, id: &DocumentId| -> Vec<String> {
        p.document(id)
            .and_then(|d| round::read(d).ok())
            .map(|r| r.stops.into_iter().map(|s| s.id).collect())
            .unwrap_or_default()
    };
    let (door_ids, point_ids) = (stops(&phone, &ids[0]), stops(&phone, &ids[1]));
    let mut taps = 0;
    let mut at = t0;
    for (i, stop) in door_ids.iter().enumerate() {
        at += 8 * MINUTE;
        let outcome = if i % 9 == 4 {
            Outcome::NoAnswer
        } else {
            Outcome::Delivered
        };
        let details = Details {
            note: if i % 11 == 0 {
                "放门口，已电话告知".into()
            } else {
                String::new()
            },
            ..Details::default()
        };
        phone
            .change(ids[0], |d: &mut AutoCommit| {
                round::record(d, &actor, at, stop, outcome, &details).ok();
            })
            .await;
        taps += 1;
    }
    for stop in door_ids.iter().skip(4).step_by(9) {
        at += 5 * MINUTE;
        phone
            .change(ids[0], |d: &mut AutoCommit| {
                round::record(d, &actor, at, stop, Outcome::Delivered, &Details::default()).ok();
            })
            .await;
        taps += 1;
    }
    for time in 0..TIMES {
        for stop in &point_ids {
            let at = t0 + time * 3 * HOUR + 20 * MINUTE;
            phone
                .change(ids[1], |d: &mut AutoCommit| {
                    round::record(
                        d,
                        &actor,
                        at,
                        stop,
                        Outcome::Disinfected,
                        &Details::default(),
                    )
                    .ok();
                })
                .await;
            taps += 1;
        }
    }
    let (mut compressed, mut raw, mut changes) = (0usize, 0usize, 0usize);
    for (id, heads) in ids.iter().zip(&before) {
        let mut d = phone.document(id).context("round")?.clone();
        compressed += d.save_after(heads).len();
        for c in d.get_changes(heads) {
            raw += c.raw_bytes().len();
            changes += 1;
        }
    }

    // Back in signal: everything reaches the relay and the staff phone.
    let (sent0, received0) = (phone.bytes_sent, phone.bytes_received);
    let started = Instant::now();
    phone.connect(&sync_url(&url, &volunteer_token)).await?;
    phone
        .settle(&[community_doc, ids[0], ids[1]], Duration::from_secs(60))
        .await?;
    let synced = started.elapsed();
    let want: Vec<_> = ids
        .iter()
        .map(|id| phone.document(id).map(|d| d.clone().get_heads()))
        .collect();
    if !staff
        .pump_until(Duration::from_secs(30), |s| {
            ids.iter()
                .zip(&want)
                .all(|(id, w)| s.document(id).map(|d| d.clone().get_heads()) == *w)
        })
        .await
    {
        bail!("staff did not receive the day");
    }
    println!(
        "{}",
        serde_json::json!({
            "taps": taps,
            "changes": changes,
            "change_bytes_raw": raw,
            "change_bytes_compressed": compressed,
            "phone_sent": phone.bytes_sent - sent0,
            "phone_received": phone.bytes_received - received0,
            "documents_synced": 3,
            "sync_ms": synced.as_millis() as u64,
        })
    );
    Ok(())
}
