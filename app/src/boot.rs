//! What the app knows before its first screen: the store, whether this phone
//! has joined a community, and (if so) every document read from the store.

use crate::{
    repo::Repo,
    session::Session,
    store::{self, Store, StoreError},
};

/// Set at joining, cleared once the person is on the community's roster.
pub const INTRODUCE: &str = "introduce";

#[derive(Clone, Debug)]
pub enum Boot {
    /// A new phone (or one that left): the welcome and join screens.
    NotJoined(Store),
    Joined(Repo),
    /// IndexedDB refused to open (private mode, storage disabled, disk full).
    NoStore(StoreError),
}

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
    crate::mark("linli:store-open");
    match Repo::start(store, session, introduce).await {
        Ok(repo) => Boot::Joined(repo),
        Err(e) => Boot::NoStore(e),
    }
}
