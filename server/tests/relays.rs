//! Several relays on one PostgreSQL, as real processes: phones on different
//! relays converge; one relay is killed (`kill -9`) while every phone
//! writes, its phones reconnect to the other, and nothing is lost; a device
//! revoked on one relay's side is cut off on the other; a deployment moves
//! from SQLite to PostgreSQL with `linli-server migrate` and its phones go on
//! with the same tokens.

mod common;

use std::process::Command;
use std::time::{Duration, Instant};

use common::postgres::{TestDatabase, blocking, server};
use common::process::{BIN, Store, admin, serve, stop};
use linli_loadgen::{Phone, document_named, sync_url};
use linli_server::storage::{PostgresStorage, Storage};
use linli_shared::sync::DocumentId;

fn staff_tokens(database: &str, community: &str, n: usize) -> Vec<String> {
    admin(
        Store::Database(database),
        &[
            "token",
            "create",
            "--community",
            community,
            "--role",
            "staff",
            "--count",
            &n.to_string(),
        ],
    )
    .lines()
    .map(str::to_owned)
    .collect()
}

fn stored_events(database: &str, id: &DocumentId) -> Vec<String> {
    let chunks = blocking(|| {
        PostgresStorage::connect(database)
            .unwrap()
            .load_chunks(id)
            .unwrap()
    });
    linli_loadgen::stored_events(&chunks)
}

fn sorted(mut v: Vec<String>) -> Vec<String> {
    v.sort();
    v
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn phones_on_two_relays_converge_and_one_relay_dying_loses_nothing() {
    let Some(admin_url) = server() else { return };
    let db = TestDatabase::create(&admin_url);
    let database = db.url.clone();
    let community = admin(
        Store::Database(&database),
        &["community", "create", "--name", "两台中继"],
    );
    let tokens = staff_tokens(&database, &community, 4);
    let (relay_a, url_a) = serve(Store::Database(&database));
    let (relay_b, url_b) = serve(Store::Database(&database));
    let round = document_named("a round on two relays");

    // Phones 0 and 1 on relay A, 2 and 3 on relay B.
    let mut phones = Vec::new();
    for (i, token) in tokens.iter().enumerate() {
        let mut phone = Phone::new(&format!("phone-{i}"));
        phone.open(round);
        let url = if i < 2 { &url_a } else { &url_b };
        phone.connect(&sync_url(url, token)).await.unwrap();
        phones.push(phone);
    }
    phones[0].create(round, "round planned on A").await;
    phones[0]
        .settle(&[round], Duration::from_secs(10))
        .await
        .unwrap();
    for phone in &mut phones[1..] {
        assert!(
            phone
                .pump_until(Duration::from_secs(10), |p| !p.events(&round).is_empty())
                .await,
            "{} got the round planned on the other relay",
            phone.name
        );
    }

    // One change on B reaches A's phones (the time is measured in the
    // benchmark, not asserted here: the bound only says "it arrives", with
    // room for a loaded CI machine running other relays' tests beside it).
    phones[3].record(round, "door 301 delivered on B").await;
    let started = Instant::now();
    assert!(
        phones[0]
            .pump_until(Duration::from_secs(30), |p| p
                .events(&round)
                .iter()
                .any(|e| e == "door 301 delivered on B"))
            .await
    );
    eprintln!("B → A in {:?}", started.elapsed());
    // A heard B's commit and brought the round up to date from storage.
    assert!(metric(&url_a, "linli_relay_notices_total").await > 0);
    assert!(metric(&url_a, "linli_documents_read_again_total").await > 0);

    // Everyone writes; relay A is killed in the middle of it.
    let mut written: Vec<String> = vec![
        "round planned on A".into(),
        "door 301 delivered on B".into(),
    ];
    let writers: Vec<_> = phones
        .into_iter()
        .map(|mut phone| {
            tokio::spawn(async move {
                let mut mine = Vec::new();
                let until = Instant::now() + Duration::from_millis(2500);
                let mut n = 0;
                while Instant::now() < until {
                    let event = format!("{} #{n}", phone.name);
                    n += 1;
                    if phone.record(round, &event).await {
                        mine.push(event);
                    }
                    phone.pump_for(Duration::from_millis(40)).await;
                }
                (phone, mine)
            })
        })
        .collect();
    tokio::time::sleep(Duration::from_millis(1200)).await;
    let mut relay_a = relay_a;
    relay_a.kill().unwrap(); // SIGKILL: no shutdown, no flush
    relay_a.wait().unwrap();
    let mut phones = Vec::new();
    for w in writers {
        let (phone, mine) = w.await.unwrap();
        written.extend(mine);
        phones.push(phone);
    }
    assert!(written.len() > 20, "the test wrote too little: {written:?}");

    // A's phones find themselves cut off and go to B (as a load balancer
    // sends them when A stops answering); every phone settles there.
    for (i, phone) in phones.iter_mut().enumerate() {
        if i < 2 {
            assert!(
                phone
                    .pump_until(Duration::from_secs(5), |p| !p.is_connected())
                    .await,
                "{} noticed its relay is gone",
                phone.name
            );
            phone.connect(&sync_url(&url_b, &tokens[i])).await.unwrap();
        }
    }
    for phone in &mut phones {
        phone
            .settle(&[round], Duration::from_secs(20))
            .await
            .unwrap();
    }
    let expected = sorted(written.clone());
    for phone in &mut phones {
        assert!(
            phone
                .pump_until(Duration::from_secs(20), |p| p.events(&round).len()
                    >= expected.len())
                .await,
            "{} converged",
            phone.name
        );
        assert_eq!(sorted(phone.events(&round)), expected, "{}", phone.name);
    }
    assert_eq!(sorted(stored_events(&database, &round)), expected);
    // And B heard A's phones' writes before A died.
    assert!(metric(&url_b, "linli_documents_read_again_total").await > 0);
    stop(relay_b);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_device_revoked_through_one_relay_is_cut_off_on_the_other() {
    let Some(admin_url) = server() else { return };
    let db = TestDatabase::create(&admin_url);
    let database = db.url.clone();
    let community = admin(
        Store::Database(&database),
        &["community", "create", "--name", "撤销"],
    );
    let tokens = staff_tokens(&database, &community, 2);
    let (relay_a, url_a) = serve(Store::Database(&database));
    let (relay_b, url_b) = serve(Store::Database(&database));
    let mut phone = Phone::new("on-b");
    // As the app connects: the community rides along for load balancers.
    let url = format!("{}&community={community}", sync_url(&url_b, &tokens[1]));
    phone.connect(&url).await.unwrap();
    phone.pump_for(Duration::from_millis(300)).await;
    assert!(phone.is_connected());
    // Staff on relay A revoke the phone on relay B through the API.
    let victim = linli_server::secret::hash(&tokens[1]);
    let device = blocking(|| {
        PostgresStorage::connect(&database)
            .unwrap()
            .device_by_token(&victim)
            .unwrap()
            .unwrap()
            .id
    });
    let (status, _) = http(
        "POST",
        &url_a,
        &format!("/api/devices/{device}/revoke"),
        Some(&tokens[0]),
    )
    .await;
    assert!((200..300).contains(&status), "{status}");
    assert!(
        phone
            .pump_until(Duration::from_secs(5), |p| p.closed.is_some())
            .await,
        "the phone on B was cut off"
    );
    assert_eq!(phone.closed.as_ref().unwrap().code, Some(4401));
    assert_eq!(
        phone.try_connect(&sync_url(&url_b, &tokens[1])).await,
        Err(401)
    );
    stop(relay_a);
    stop(relay_b);
}

/// An HTTP request over a plain socket (with a bearer token if given);
/// returns the status and the body.
async fn http(method: &str, base: &str, path: &str, token: Option<&str>) -> (u16, String) {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let host = base.trim_start_matches("http://");
    let mut s = tokio::net::TcpStream::connect(host).await.unwrap();
    let auth = token.map_or(String::new(), |t| format!("Authorization: Bearer {t}\r\n"));
    let req = format!(
        "{method} {path} HTTP/1.1\r\nHost: {host}\r\n{auth}Content-Length: 0\r\nConnection: close\r\n\r\n"
    );
    s.write_all(req.as_bytes()).await.unwrap();
    let mut out = String::new();
    s.read_to_string(&mut out).await.unwrap();
    let status = out
        .split_whitespace()
        .nth(1)
        .and_then(|c| c.parse().ok())
        .unwrap_or(0);
    let body = out.split_once("\r\n\r\n").map_or("", |(_, b)| b).to_owned();
    (status, body)
}

/// A counter from a relay's `/metrics`.
async fn metric(base: &str, name: &str) -> u64 {
    let (_, body) = http("GET", base, "/metrics", None).await;
    body.lines()
        .find_map(|l| l.strip_prefix(name)?.trim().parse().ok())
        .unwrap_or_else(|| panic!("{name} in /metrics"))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_deployment_moves_from_sqlite_to_postgres_and_phones_go_on() {
    let Some(admin_url) = server() else { return };
    let db = TestDatabase::create(&admin_url);
    let dir = tempfile::tempdir().unwrap();
    let sqlite = format!("sqlite:{}", dir.path().display());
    let community = admin(
        Store::Database(&sqlite),
        &["community", "create", "--name", "搬家"],
    );
    let token = staff_tokens(&sqlite, &community, 1).remove(0);
    let round = document_named("moved round");
    let (relay, url) = serve(Store::Database(&sqlite));
    let mut phone = Phone::new("before");
    phone.open(round);
    phone.connect(&sync_url(&url, &token)).await.unwrap();
    phone.create(round, "written on SQLite").await;
    phone.record(round, "and once more").await;
    phone
        .settle(&[round], Duration::from_secs(10))
        .await
        .unwrap();
    stop(relay);

    let out = Command::new(BIN)
        .args(["migrate", "--from", &sqlite, "--to", &db.url])
        .output()
        .unwrap();
    let printed = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(printed.contains("1 communities, 1 devices"), "{printed}");
    // Again, as after an interruption: nothing changes.
    let again = admin(
        Store::Database(&db.url),
        &["migrate", "--from", &sqlite, "--to", &db.url],
    );
    assert!(again.contains("rows were there already"), "{again}");

    // The same token works on PostgreSQL, and a new phone gets the round.
    let (relay, url) = serve(Store::Database(&db.url));
    let mut after = Phone::new("after");
    after.open(round);
    after.connect(&sync_url(&url, &token)).await.unwrap();
    assert!(
        after
            .pump_until(Duration::from_secs(10), |p| p.events(&round).len() == 2)
            .await
    );
    assert_eq!(after.events(&round), ["written on SQLite", "and once more"]);
    assert!(
        admin(
            Store::Database(&db.url),
            &["device", "list", "--community", &community]
        )
        .contains("staff")
    );
    stop(relay);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn relays_carry_on_when_the_database_drops_their_connections() {
    let Some(admin_url) = server() else { return };
    let db = TestDatabase::create(&admin_url);
    let database = db.url.clone();
    let community = admin(
        Store::Database(&database),
        &["community", "create", "--name", "断线"],
    );
    let tokens = staff_tokens(&database, &community, 2);
    let (relay_a, url_a) = serve(Store::Database(&database));
    let (relay_b, url_b) = serve(Store::Database(&database));
    let round = document_named("round across a database restart");
    let mut on_a = Phone::new("on-a");
    let mut on_b = Phone::new("on-b");
    on_a.open(round);
    on_b.open(round);
    on_a.connect(&sync_url(&url_a, &tokens[0])).await.unwrap();
    on_b.connect(&sync_url(&url_b, &tokens[1])).await.unwrap();
    on_a.create(round, "before").await;
    // Stored before B's phone asks (a document nobody has brought yet is
    // refused, on one relay as on several, and the app asks again later).
    on_a.settle(&[round], Duration::from_secs(10))
        .await
        .unwrap();
    assert!(
        on_b.pump_until(Duration::from_secs(10), |p| p.events(&round) == ["before"])
            .await
    );

    // Every connection the relays hold — queries and listening — is cut,
    // as a database restart or failover would.
    let name = database.rsplit('/').next().unwrap().to_owned();
    let cut = blocking(|| {
        let mut c = postgres::Client::connect(&admin_url, postgres::NoTls).unwrap();
        c.query(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity
             WHERE datname = $1 AND pid <> pg_backend_pid()",
            &[&name],
        )
        .unwrap()
        .len()
    });
    assert!(cut >= 2, "the relays' connections were cut ({cut})");

    on_a.record(round, "after").await;
    on_b.record(round, "after, on B").await;
    let both = |p: &Phone| p.events(&round).len() == 3;
    assert!(
        on_a.pump_until(Duration::from_secs(15), both).await,
        "A's phone got B's change: {:?}",
        on_a.events(&round)
    );
    assert!(
        on_b.pump_until(Duration::from_secs(15), both).await,
        "B's phone got A's change: {:?}",
        on_b.events(&round)
    );
    // Nobody was cut off: the relays reconnected on their own.
    assert!(on_a.closed.is_none() && on_b.closed.is_none());
    assert_eq!(stored_events(&database, &round).len(), 3);
    stop(relay_a);
    stop(relay_b);
}
