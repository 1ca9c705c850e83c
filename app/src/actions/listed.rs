//! Starting a document the community's directory lists (a ledger, a round,
//! the casebook): created on this phone, its scope declared to the relay,
//! and listed with the same scope, so phones know to ask for it.

use linli_shared::{
    model::{
        ModelError,
        directory::{self, Listing},
    },
    vocabulary::DocumentId,
};

use crate::repo::Repo;

/// Creates `doc` under a new id and lists it; returns the id.
pub fn start(
    repo: &Repo,
    doc: automerge::AutoCommit,
    listing: Listing,
) -> Result<DocumentId, ModelError> {
    let id = DocumentId::random();
    repo.create(id, doc, Some(listing.scope.clone()));
    relist(repo, &id, listing.at, listing)?;
    Ok(id)
}

/// Writes (or rewrites) a document's listing in the directory, as a change
/// made at `at`.
pub fn relist(
    repo: &Repo,
    id: &DocumentId,
    at: linli_shared::model::civil::Millis,
    listing: Listing,
) -> Result<(), ModelError> {
    let community = repo.session().community_document();
    repo.change(&community, |d, actor| {
        directory::list(d, actor, at, &id.to_string(), listing)
    })
}
