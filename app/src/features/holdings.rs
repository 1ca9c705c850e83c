//! Volunteers' own documents on this phone (profile, training, shifts,
//! check-ins): opened as the roster names them, and the volunteer's own one
//! started on the volunteer's phone — the only phone that creates it. Which
//! documents a device holds is the session's rule
//! ([`crate::session::Session::volunteer_documents`]); the relay enforces the
//! same through each document's scope.

use linli_shared::{
    model::{
        Role, community,
        volunteer::{self, Registration},
    },
    vocabulary::Scope,
};

use crate::{documents, repo::Repo};

/// Opens the volunteer documents this device holds (at start and whenever
/// the roster changes), and starts this volunteer's own one if it has none.
pub fn open(repo: &Repo) {
    let session = repo.session();
    if session.pending {
        return;
    }
    let roster = repo
        .parsed(&session.community_document(), |d| community::read(d).ok())
        .map(|c| c.roster.clone())
        .unwrap_or_default();
    for (_, id) in session.volunteer_documents(&roster) {
        repo.open(id);
    }
    if session.role == Role::Volunteer {
        start_own(repo);
    }
}

/// A volunteer who joined by an ordinary invite has no document yet: it is
/// started here with the name they gave; they complete the profile on
/// "我的". (One who registered through a recruitment link started it then.)
fn start_own(repo: &Repo) {
    let session = repo.session();
    let id = session.volunteer_document();
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
        documents::now(),
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
