//! Every write a screen makes to the phone's documents that is more than one
//! model operation, or that more than one screen makes: recording at a door,
//! starting a listed document, adding a building. Screens call these (or
//! [`apply`] for a single operation); the rules themselves live in the model.
//!
//! - [`listed`]: starting a document the directory lists, and relisting it.
//! - [`round`]: recording an outcome at a stop, and undoing one's own record.
//! - [`building`]: adding a building with its ledger.

pub mod building;
pub mod listed;
pub mod round;

use linli_shared::{
    model::{Actor, ModelError},
    vocabulary::DocumentId,
};

use crate::repo::Repo;

/// Runs a model operation on a document as one change; a refusal comes back
/// as a sentence for the screen in the person's language, saying which rule
/// refused and why ([`crate::text::refusals::explain`]). A refused operation
/// leaves the document as it was.
pub fn apply<T>(
    repo: &Repo,
    doc: &DocumentId,
    op: impl FnOnce(&mut automerge::AutoCommit, &Actor) -> Result<T, ModelError>,
) -> Result<T, String> {
    repo.change(doc, op).map_err(|e| said(&e))
}

/// A model's refusal as a sentence in the screen's language.
pub fn said(e: &ModelError) -> String {
    crate::text::refusals::explain(e, crate::text::labels::english_untracked())
}
