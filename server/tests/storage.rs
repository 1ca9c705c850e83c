//! The storage suite: every guarantee the relay relies on, checked on SQLite
//! and on PostgreSQL alike (`cargo xtask test` starts a PostgreSQL server),
//! and moving a deployment between them.

mod common;

use std::sync::Arc;
use std::sync::mpsc;
use std::time::Duration;

use common::postgres::{TestDatabase, server};
use linli_server::storage::{
    Database, Listener, NewDevice, NewInvite, Notice, PostgresStorage, Record, RedeemError,
    Registration, SqliteStorage, Storage, StorageError, Write,
};
use linli_shared::model::actor::Role;
use linli_shared::sync::{ChunkKind, DocumentId, Scope, StoredChunk};

/// A fresh, empty storage of each kind; the PostgreSQL one only when a
/// server was given.
struct Fresh {
    storage: Arc<dyn Storage>,
    _keep: Box<dyn std::any::Any>,
}

fn sqlite() -> Fresh {
    let dir = tempfile::tempdir().unwrap();
    Fresh {
        storage: Arc::new(SqliteStorage::open(dir.path()).unwrap()),
        _keep: Box::new(dir),
    }
}

fn postgres() -> Option<(Fresh, String)> {
    let db = TestDatabase::create(&server()?);
    let url = db.url.clone();
    Some((
        Fresh {
            storage: Arc::new(PostgresStorage::connect(&url).unwrap()),
            _keep: Box::new(db),
        },
        url,
    ))
}

/// Runs a check on SQLite, then on PostgreSQL.
macro_rules! on_both {
    ($($name:ident),* $(,)?) => {
        mod on_sqlite {
            $(#[test] fn $name() { super::$name(super::sqlite().storage.as_ref()); })*
        }
        mod on_postgres {
            $(#[test] fn $name() {
                if let Some((fresh, _)) = super::postgres() {
                    super::$name(fresh.storage.as_ref());
                }
            })*
        }
    };
}

on_both!(
    chunks_come_back_snapshot_first_and_compaction_replaces,
    the_first_registration_wins_and_scopes_change,
    devices_tokens_and_revocation,
    pending_devices_wait_for_approval,
    invites_refuse_what_they_must,
    the_last_use_of_an_invite_goes_to_one_phone,
    a_move_carries_everything_and_can_be_run_again,
    two_relays_compacting_one_document_at_once_both_succeed,
    a_device_owns_its_volunteer_document_from_the_start,
    quotas_are_counted_where_they_are_stored,
);

/// The id of a volunteer's own document is derived from the community and
/// the device, so any member who knows the device could register it first:
/// it is registered to the device as the device is made.
fn a_device_owns_its_volunteer_document_from_the_start(s: &dyn Storage) {
    let c = community(s);
    let d = device(s, &c, Role::Volunteer, "t1");
    let own = s
        .registration(&DocumentId::for_volunteer(&c, &d))
        .unwrap()
        .expect("registered with the device");
    assert_eq!(own.creator, d);
    assert_eq!(own.community, c);
    assert_eq!(own.scope, Scope::creator(&d));
    // Someone else's claim does not take it.
    let claim = Registration {
        creator: "someone-else".into(),
        scope: Scope::Community,
        ..own.clone()
    };
    assert_eq!(s.register(&claim).unwrap(), own);
    assert_eq!(s.documents_created_by(&d).unwrap(), 1);
}

fn quotas_are_counted_where_they_are_stored(s: &dyn Storage) {
    let c = community(s);
    let d = device(s, &c, Role::Volunteer, "t1");
    let doc = DocumentId::from_random_bytes([4; 16]);
    s.register(&Registration {
        document: doc,
        community: c.clone(),
        scope: Scope::Community,
        creator: d.clone(),
        created_at: 11,
    })
    .unwrap();
    assert_eq!(s.documents_created_by(&d).unwrap(), 2);
    assert_eq!(s.community_bytes(&c).unwrap(), 0);
    s.write(&[
        Write::Chunk {
            document: doc,
            chunk: chunk(ChunkKind::Incremental, &[7; 100]),
        },
        Write::Usage {
            device: d.clone(),
            day: 20_000,
            bytes: 100,
        },
        Write::Usage {
            device: d.clone(),
            day: 20_000,
            bytes: 20,
        },
    ])
    .unwrap();
    assert_eq!(s.community_bytes(&c).unwrap(), 100);
    assert_eq!(s.community_bytes("another").unwrap(), 0);
    assert_eq!(s.device_bytes_on(&d, 20_000).unwrap(), 120);
    assert_eq!(s.device_bytes_on(&d, 20_001).unwrap(), 0);
}

fn chunk(kind: ChunkKind, bytes: &[u8]) -> StoredChunk {
    StoredChunk::new(kind, bytes.to_vec())
}

fn community(s: &dyn Storage) -> String {
    s.create_community("和平里社区", 1).unwrap().id
}

fn device(s: &dyn Storage, community: &str, role: Role, token: &str) -> String {
    s.create_device(
        &NewDevice {
            community: community.into(),
            role,
            building: Some("3号楼".into()),
            name: "手机".into(),
            pending: false,
        },
        token,
        10,
    )
    .unwrap()
    .id
}

fn chunks_come_back_snapshot_first_and_compaction_replaces(s: &dyn Storage) {
    let doc = DocumentId::for_community("c");
    let (a, b) = (
        chunk(ChunkKind::Incremental, b"a"),
        chunk(ChunkKind::Incremental, b"b"),
    );
    s.write(&[
        Write::Chunk {
            document: doc,
            chunk: a.clone(),
        },
        Write::Chunk {
            document: doc,
            chunk: b.clone(),
        },
        // The same chunk twice is kept once.
        Write::Chunk {
            document: doc,
            chunk: a.clone(),
        },
    ])
    .unwrap();
    assert_eq!(s.load_chunks(&doc).unwrap(), vec![a.clone(), b.clone()]);
    let snapshot = chunk(ChunkKind::Snapshot, b"ab");
    let c = chunk(ChunkKind::Incremental, b"c");
    s.write(&[
        Write::Compact {
            document: doc,
            snapshot: snapshot.clone(),
            replaces: vec![a.key.clone(), b.key.clone()],
        },
        Write::Chunk {
            document: doc,
            chunk: c.clone(),
        },
    ])
    .unwrap();
    // A chunk written after the snapshot still comes after it.
    assert_eq!(
        s.load_chunks(&doc).unwrap(),
        vec![snapshot.clone(), c.clone()]
    );
    assert_eq!(
        s.load_chunks_except(&doc, std::slice::from_ref(&snapshot.key))
            .unwrap(),
        vec![c.clone()]
    );
    assert!(
        s.load_chunks_except(&doc, &[snapshot.key.clone(), c.key.clone()])
            .unwrap()
            .is_empty()
    );
    assert!(
        s.load_chunks(&DocumentId::for_community("other"))
            .unwrap()
            .is_empty()
    );
    s.write(&[]).unwrap();
    s.ping().unwrap();
}

/// Found by the several-relays benchmark: two relays folding the same
/// chunks into a snapshot at the same moment deleted the same rows in
/// different orders, PostgreSQL aborted one as a deadlock, and that relay
/// closed every phone's connection.
fn two_relays_compacting_one_document_at_once_both_succeed(s: &dyn Storage) {
    let doc = DocumentId::for_community("busy");
    for round in 0..10u8 {
        let chunks: Vec<StoredChunk> = (0..40u8)
            .map(|i| chunk(ChunkKind::Incremental, &[round, i]))
            .collect();
        let writes: Vec<Write> = chunks
            .iter()
            .map(|c| Write::Chunk {
                document: doc,
                chunk: c.clone(),
            })
            .collect();
        s.write(&writes).unwrap();
        let keys: Vec<_> = chunks.iter().map(|c| c.key.clone()).collect();
        std::thread::scope(|scope| {
            for relay in 0..2u8 {
                let mut replaces = keys.clone();
                if relay == 1 {
                    replaces.reverse();
                }
                scope.spawn(move || {
                    s.write(&[Write::Compact {
                        document: doc,
                        snapshot: chunk(ChunkKind::Snapshot, &[round, 100 + relay]),
                        replaces,
                    }])
                    .unwrap();
                });
            }
        });
        let left: Vec<_> = s.load_chunks(&doc).unwrap();
        assert!(
            left.iter().all(|c| c.kind == ChunkKind::Snapshot),
            "round {round}: every replaced chunk is gone"
        );
    }
}

fn the_first_registration_wins_and_scopes_change(s: &dyn Storage) {
    let c = community(s);
    let doc = DocumentId::for_community(&c);
    assert_eq!(s.registration(&doc).unwrap(), None);
    let first = Registration {
        document: doc,
        community: c.clone(),
        scope: Scope::creator("dev-1"),
        creator: "dev-1".into(),
        created_at: 5,
    };
    assert_eq!(s.register(&first).unwrap(), first);
    let second = Registration {
        creator: "dev-2".into(),
        scope: Scope::creator("dev-2"),
        ..first.clone()
    };
    assert_eq!(s.register(&second).unwrap(), first);
    s.set_scope(&doc, &Scope::Community).unwrap();
    assert_eq!(
        s.registration(&doc).unwrap().unwrap().scope,
        Scope::Community
    );
}

fn devices_tokens_and_revocation(s: &dyn Storage) {
    let c = community(s);
    assert_eq!(s.community(&c).unwrap().unwrap().name, "和平里社区");
    assert_eq!(s.community("nope").unwrap(), None);
    let lead = device(s, &c, Role::Lead, "hash-lead");
    let staff = device(s, &c, Role::Staff, "hash-staff");
    let found = s.device_by_token("hash-lead").unwrap().unwrap();
    assert_eq!(
        (found.id.as_str(), found.role, found.building.as_deref()),
        (lead.as_str(), Role::Lead, Some("3号楼"))
    );
    assert_eq!(s.device_by_token("hash-none").unwrap(), None);
    assert_eq!(s.devices(&c).unwrap().len(), 2);
    match s.create_device(
        &NewDevice {
            community: "nope".into(),
            role: Role::Volunteer,
            building: None,
            name: String::new(),
            pending: false,
        },
        "hash-x",
        1,
    ) {
        Err(StorageError::NoCommunity(_)) => {}
        other => panic!("expected NoCommunity, got {other:?}"),
    }
    assert!(s.revoke_device(&lead, 100).unwrap());
    assert!(
        s.revoke_device(&lead, 200).unwrap(),
        "revoking twice is fine"
    );
    assert!(!s.revoke_device("nope", 100).unwrap());
    assert_eq!(s.device(&lead).unwrap().unwrap().revoked_at, Some(100));
    assert_eq!(s.revoked_since(100).unwrap(), vec![(lead.clone(), 100)]);
    assert!(s.revoked_since(101).unwrap().is_empty());
    assert!(!s.device(&staff).unwrap().unwrap().is_revoked());
}

fn pending_devices_wait_for_approval(s: &dyn Storage) {
    let c = community(s);
    let recruit = recruit(s, &c, "hash-r");
    assert!(recruit.pending);
    assert_eq!(s.pending_devices(&c).unwrap(), vec![recruit.clone()]);
    assert!(s.approve_device(&recruit.id, "staff-1", 30).unwrap());
    assert!(!s.approve_device(&recruit.id, "staff-1", 31).unwrap());
    assert!(!s.device(&recruit.id).unwrap().unwrap().pending);
    assert!(s.pending_devices(&c).unwrap().is_empty());
}

/// A device registered through a recruitment link, waiting for approval.
fn recruit(s: &dyn Storage, community: &str, token: &str) -> linli_server::storage::Device {
    s.create_device(
        &NewDevice {
            community: community.into(),
            role: Role::Volunteer,
            building: None,
            name: "新志愿者".into(),
            pending: true,
        },
        token,
        20,
    )
    .unwrap()
}

fn invite(s: &dyn Storage, c: &str, uses: u32, expires_at: i64, code: &str) -> String {
    s.create_invite(
        &NewInvite {
            community: c.into(),
            role: Role::Volunteer,
            building: Some("1号楼".into()),
            uses,
            expires_at,
            created_by: None,
            approval: false,
        },
        code,
        1,
    )
    .unwrap()
    .id
}

fn invites_refuse_what_they_must(s: &dyn Storage) {
    let c = community(s);
    let now = 1_000;
    invite(s, &c, 1, now + 10, "code-once");
    invite(s, &c, 5, now - 1, "code-expired");
    let withdrawn = invite(s, &c, 5, now + 10, "code-withdrawn");
    assert!(s.revoke_invite(&withdrawn, now).unwrap());
    assert!(!s.revoke_invite("nope", now).unwrap());
    let (preview, community) = s.preview_invite("code-once", now).unwrap().unwrap();
    assert_eq!((preview.uses_left, community.id.as_str()), (1, c.as_str()));
    let redeemed = s
        .redeem_invite("code-once", "手机", "token-1", now)
        .unwrap()
        .unwrap();
    assert_eq!(redeemed.device.building.as_deref(), Some("1号楼"));
    assert_eq!(
        s.device_by_token("token-1").unwrap().unwrap().id,
        redeemed.device.id
    );
    for (code, why) in [
        ("code-once", RedeemError::UsedUp),
        ("code-expired", RedeemError::Expired),
        ("code-withdrawn", RedeemError::Revoked),
        ("code-unknown", RedeemError::Unknown),
    ] {
        assert_eq!(
            s.preview_invite(code, now).unwrap().err(),
            Some(why),
            "{code}"
        );
        assert_eq!(
            s.redeem_invite(code, "x", "token-x", now).unwrap().err(),
            Some(why),
            "{code}"
        );
    }
    assert!(s.device_by_token("token-x").unwrap().is_none());
    match s.create_invite(
        &NewInvite {
            community: "nope".into(),
            role: Role::Volunteer,
            building: None,
            uses: 1,
            expires_at: now + 10,
            created_by: None,
            approval: false,
        },
        "code-nope",
        now,
    ) {
        Err(StorageError::NoCommunity(_)) => {}
        other => panic!("expected NoCommunity, got {other:?}"),
    }
}

fn the_last_use_of_an_invite_goes_to_one_phone(s: &dyn Storage) {
    let c = community(s);
    invite(s, &c, 3, i64::MAX, "code-three");
    let results: Vec<bool> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..8)
            .map(|i| {
                scope.spawn(move || {
                    match s
                        .redeem_invite("code-three", "手机", &format!("token-{i}"), 5)
                        .unwrap()
                    {
                        Ok(_) => true,
                        Err(RedeemError::UsedUp) => false,
                        Err(e) => panic!("unexpected refusal {e:?}"),
                    }
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    assert_eq!(results.iter().filter(|ok| **ok).count(), 3, "{results:?}");
    assert_eq!(s.devices(&c).unwrap().len(), 3);
}

/// Fills a storage with one of everything.
fn fill(s: &dyn Storage) -> (String, DocumentId) {
    let c = community(s);
    let dev = device(s, &c, Role::Staff, "hash-staff");
    recruit(s, &c, "hash-pending");
    s.revoke_device(&device(s, &c, Role::Volunteer, "hash-gone"), 12)
        .unwrap();
    invite(s, &c, 4, i64::MAX, "code-open");
    let doc = DocumentId::for_community(&c);
    s.register(&Registration {
        document: doc,
        community: c.clone(),
        scope: Scope::Community,
        creator: dev,
        created_at: 13,
    })
    .unwrap();
    s.write(&[
        Write::Chunk {
            document: doc,
            chunk: chunk(ChunkKind::Snapshot, b"snapshot"),
        },
        Write::Chunk {
            document: doc,
            chunk: chunk(ChunkKind::Incremental, b"after"),
        },
    ])
    .unwrap();
    (c, doc)
}

fn records(s: &dyn Storage) -> Vec<String> {
    let mut out = Vec::new();
    s.export(&mut |r: Record| {
        out.push(format!("{r:?}"));
        Ok(())
    })
    .unwrap();
    out
}

fn a_move_carries_everything_and_can_be_run_again(s: &dyn Storage) {
    let (c, doc) = fill(s);
    // Into the other kind of storage where there is one, and back.
    let targets: Vec<Fresh> = std::iter::once(sqlite())
        .chain(postgres().map(|(f, _)| f))
        .collect();
    for target in &targets {
        let t = target.storage.as_ref();
        let moved = t.import(&mut |sink| s.export(sink)).unwrap();
        assert_eq!(
            (
                moved.communities,
                moved.devices,
                moved.invites,
                moved.documents,
                moved.chunks
            ),
            // The round, and each of the three devices' own volunteer
            // document (registered to it when it was made).
            (1, 3, 1, 4, 2)
        );
        assert_eq!(moved.already_there, 0);
        assert_eq!(records(t), records(s));
        // Everything works on the copy: tokens, invites, chunks, approval.
        assert_eq!(
            t.device_by_token("hash-staff").unwrap().unwrap().role,
            Role::Staff
        );
        assert_eq!(t.pending_devices(&c).unwrap().len(), 1);
        assert_eq!(t.revoked_since(12).unwrap().len(), 1);
        assert!(
            t.redeem_invite("code-open", "x", "token-new", 1)
                .unwrap()
                .is_ok()
        );
        assert_eq!(t.load_chunks(&doc).unwrap(), s.load_chunks(&doc).unwrap());
        // Again: nothing is written twice, and the change made since stays.
        let again = t.import(&mut |sink| s.export(sink)).unwrap();
        assert_eq!(again.already_there, 11);
        assert_eq!(
            t.preview_invite("code-open", 1)
                .unwrap()
                .unwrap()
                .0
                .uses_left,
            3
        );
    }
}

// PostgreSQL only: migrations shared by several relays, and the notices.

#[test]
fn postgres_migrates_once_and_refuses_a_newer_schema() {
    let Some(admin) = server() else { return };
    let db = TestDatabase::create(&admin);
    // Relays starting together: one migrates, the others find it done.
    let started: Vec<_> = (0..4)
        .map(|_| {
            let url = db.url.clone();
            std::thread::spawn(move || PostgresStorage::connect(&url).map(|s| s.schema_version()))
        })
        .collect();
    for s in started {
        assert_eq!(s.join().unwrap().unwrap().unwrap(), 4);
    }
    let mut c = postgres::Client::connect(&db.url, postgres::NoTls).unwrap();
    c.batch_execute("UPDATE linli_schema SET version = 99")
        .unwrap();
    match PostgresStorage::connect(&db.url) {
        Err(StorageError::TooNew {
            found: 99,
            known: 4,
        }) => {}
        other => panic!("expected TooNew, got {other:?}"),
    }
}

struct Heard(mpsc::Sender<Notice>);

impl Listener for Heard {
    fn notice(&mut self, notice: Notice) -> bool {
        self.0.send(notice).is_ok()
    }
    fn listening(&self) -> bool {
        true
    }
}

#[test]
fn postgres_tells_other_relays_what_was_committed() {
    let Some((one, url)) = postgres() else { return };
    let other = PostgresStorage::connect(&url).unwrap();
    let (tx, heard) = mpsc::channel();
    assert!(other.listen(Box::new(Heard(tx))).unwrap());
    let (own_tx, own) = mpsc::channel();
    assert!(one.storage.listen(Box::new(Heard(own_tx))).unwrap());
    let s = one.storage.as_ref();
    let c = community(s);
    let doc = DocumentId::for_community(&c);
    s.write(&[Write::Chunk {
        document: doc,
        chunk: chunk(ChunkKind::Incremental, b"x"),
    }])
    .unwrap();
    s.register(&Registration {
        document: doc,
        community: c.clone(),
        scope: Scope::creator("d"),
        creator: "d".into(),
        created_at: 1,
    })
    .unwrap();
    s.set_scope(&doc, &Scope::Community).unwrap();
    let recruit = recruit(s, &c, "hash-r");
    s.approve_device(&recruit.id, "staff", 2).unwrap();
    s.revoke_device(&recruit.id, 3).unwrap();
    let wait = Duration::from_secs(10);
    assert_eq!(heard.recv_timeout(wait).unwrap(), Notice::Stored(doc));
    // Registered (phones elsewhere may have asked for it before), then
    // declared.
    assert_eq!(heard.recv_timeout(wait).unwrap(), Notice::Scope(doc));
    assert_eq!(heard.recv_timeout(wait).unwrap(), Notice::Scope(doc));
    assert_eq!(
        heard.recv_timeout(wait).unwrap(),
        Notice::Approved(recruit.id.clone())
    );
    assert_eq!(
        heard.recv_timeout(wait).unwrap(),
        Notice::Revoked(recruit.id.clone())
    );
    // A relay does not hear itself, and nothing else was said.
    assert!(own.recv_timeout(Duration::from_millis(500)).is_err());
    assert!(heard.recv_timeout(Duration::from_millis(200)).is_err());
}

#[test]
fn database_urls_open_the_right_backend() {
    let dir = tempfile::tempdir().unwrap();
    let sqlite = Database::parse(&format!("sqlite:{}", dir.path().display())).unwrap();
    sqlite.open().unwrap().ping().unwrap();
    assert!(dir.path().join("linli.sqlite3").is_file());
    if let Some(admin) = server() {
        let db = TestDatabase::create(&admin);
        Database::parse(&db.url)
            .unwrap()
            .open()
            .unwrap()
            .ping()
            .unwrap();
    }
}
