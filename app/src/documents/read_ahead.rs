//! Reading ahead while the phone is idle. A staff phone holds every
//! building's ledger and every volunteer's document; the dashboard, the
//! roster and the reports need them read into their model types, which
//! costs most of a second on a slow phone the first time. Once the home
//! screen is up, this reads them one at a time between the phone's other
//! work (a pause after each, so a tap is never kept waiting), into the
//! readings the screens then reuse.

use gloo_timers::future::TimeoutFuture;
use linli_shared::{
    model::{Role, community, directory, doc::DocKind, ledger, volunteer},
    vocabulary::DocumentId,
};

use crate::repo::Repo;

/// Waits this long after the home screen before starting.
const START_AFTER_MS: u32 = 300;

/// Starts reading ahead (staff and leads; a volunteer's phone holds little).
pub fn start(repo: &Repo) {
    let session = repo.session();
    if !matches!(session.role, Role::Staff | Role::Lead) || session.pending {
        return;
    }
    let repo = repo.clone();
    wasm_bindgen_futures::spawn_local(async move {
        TimeoutFuture::new(START_AFTER_MS).await;
        for (id, ledger_doc) in documents(&repo) {
            if ledger_doc {
                repo.parsed(&id, |d| ledger::read(d).ok());
            } else {
                repo.parsed(&id, |d| volunteer::read(d).ok());
            }
            // Lets input, rendering and sync run between documents.
            TimeoutFuture::new(0).await;
        }
        crate::browser::mark("read ahead");
    });
}

/// The ledgers this phone may see, then the volunteers it holds (true for a
/// ledger).
fn documents(repo: &Repo) -> Vec<(DocumentId, bool)> {
    let session = repo.session();
    let id = session.community_document();
    let Some(c) = repo.parsed(&id, |d| community::read(d).ok()) else {
        return Vec::new();
    };
    let ledgers = directory::visible_to(&c.documents, &session.member())
        .into_iter()
        .filter(|(_, l)| l.kind == DocKind::Ledger)
        .filter_map(|(id, _)| Some((id.parse().ok()?, true)));
    let volunteers = session
        .volunteer_documents(&c.roster)
        .into_iter()
        .map(|(_, id)| (id, false));
    ledgers.chain(volunteers).collect()
}
