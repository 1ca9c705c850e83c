//! Volunteers' own documents on this phone (profile, training, shifts,
//! check-ins): which ones this device holds, and the volunteer's own one,
//! started on the volunteer's phone — the only phone that creates it.
//!
//! Staff hold every volunteer on the roster; a building lead the volunteers
//! of their building (who they schedule); a volunteer only their own. The
//! relay enforces the same through the document's scope: the volunteer and
//! staff, and the leads of the volunteer's building when there is one.

use linli_shared::{
    model::{
        Role,
        community::RosterEntry,
        volunteer::{self, Registration},
    },
    sync::{document_id::DocumentId, scope::Scope},
};

use crate::{reading, repo::Repo, session::Session};

/// Where this volunteer's own document lives.
pub fn own_document(session: &Session) -> DocumentId {
    DocumentId::for_volunteer(&session.community, &session.device)
}

/// Whether this device may hold the volunteer document of a roster entry.
pub fn may_hold(session: &Session, person: &str, entry: &RosterEntry) -> bool {
    if entry.role != Role::Volunteer {
        return false;
    }
    match session.role {
        Role::Staff => true,
        Role::Lead => entry.building.is_some() && entry.building == session.building,
        Role::Volunteer => person == session.device,
    }
}

/// The volunteers (roster id, document) this device holds, from the roster.
pub fn documents<'a>(
    session: &Session,
    roster: impl IntoIterator<Item = (&'a String, &'a RosterEntry)>,
) -> Vec<(String, DocumentId)> {
    roster
        .into_iter()
        .filter(|(person, entry)| may_hold(session, person, entry))
        .map(|(person, _)| {
            (
                person.clone(),
                DocumentId::for_volunteer(&session.community, person),
            )
        })
        .collect()
}

/// Opens the volunteer documents this device holds (at start and whenever
/// the roster changes), and starts this volunteer's own one if it has none.
pub fn open(repo: &Repo, roster: &std::collections::BTreeMap<String, RosterEntry>) {
    let session = repo.session();
    if session.pending {
        return;
    }
    for (_, id) in documents(&session, roster) {
        repo.open(id);
    }
    if session.role == Role::Volunteer {
        start_own(repo);
    }
}

/// A volunteer who joined by an ordinary invite has no document yet: it is
/// started here with the name they gave; they complete the profile on
/// "我的". (One who registered through a recruitment link started it then.)
pub fn start_own(repo: &Repo) {
    let session = repo.session();
    let id = own_document(&session);
    repo.open(id);
    if repo.has(&id) {
        return;
    }
    let registration = Registration {
        name: session.name.clone(),
        ..Default::default()
    };
    let Ok(doc) = volunteer::create(
        &session.actor(),
        reading::now(),
        &session.device,
        &registration,
    ) else {
        return;
    };
    let scope = Scope::Members {
        building: session.building.clone(),
        devices: vec![session.device.clone()],
    };
    repo.create(id, doc, Some(scope));
}
