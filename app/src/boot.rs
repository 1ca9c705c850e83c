//! What the app does before its first screen: opens the store, finds whether
//! this phone has joined a community, and if so reads every document from the
//! store and starts the features that follow them.

use crate::{
    context::Boot,
    features,
    repo::Repo,
    session::{INTRODUCE, Session},
    store::{self, Store},
};

pub async fn boot() -> Boot {
    let store = match Store::open(store::DATABASE).await {
        Ok(s) => s,
        Err(e) => return Boot::NoStore(e),
    };
    let session = match Session::load(&store).await {
        Ok(Some(s)) => s,
        Ok(None) => return Boot::NotJoined(store),
        Err(e) => return Boot::NoStore(e),
    };
    let introduce = matches!(store.get_meta(INTRODUCE).await, Ok(Some(_)));
    crate::browser::mark("linli:store-open");
    match Repo::start(store, session).await {
        Ok(repo) => {
            features::start(&repo, introduce);
            Boot::Joined(repo)
        }
        Err(e) => Boot::NoStore(e),
    }
}
