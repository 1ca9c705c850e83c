//! A phone that has just joined puts its person on the community's roster,
//! once the community document has reached it (it may join offline, or the
//! document may take a while to arrive). The wish survives a restart: it is a
//! meta record set at joining and cleared once the introduction is made.

use std::{cell::Cell, rc::Rc};

use linli_shared::model::community;

use crate::{
    repo::{Repo, now_ms},
    session::INTRODUCE,
};

/// Whether this phone still has to introduce its person.
#[derive(Clone)]
pub struct Introduction(Rc<Cell<bool>>);

impl Introduction {
    pub fn new(wanted: bool) -> Self {
        Introduction(Rc::new(Cell::new(wanted)))
    }

    /// Makes the introduction if it is still wanted and the community
    /// document is here.
    pub fn try_now(&self, repo: &Repo) {
        let session = repo.session();
        let community = session.community_document();
        if !self.0.get() || !repo.has(&community) {
            return;
        }
        self.0.set(false);
        let done = repo.change(&community, |d, actor| {
            community::introduce(
                d,
                actor,
                now_ms() as i64,
                &session.name,
                session.building.as_deref(),
            )
        });
        if done.is_ok() {
            let store = repo.store();
            wasm_bindgen_futures::spawn_local(async move {
                let _ = store.delete_meta(INTRODUCE).await;
            });
        }
    }
}
