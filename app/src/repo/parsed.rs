//! Documents read into their model types, kept until the document changes:
//! reading a round means walking its whole tree (about a millisecond for a
//! day's deliveries on a phone), and every change anywhere redraws screens
//! that read dozens or hundreds of documents — the dashboard a week of a
//! community's rounds, the roster every volunteer. A read is reused while the
//! document's heads are the same; one reader per type, so the type names it.

use std::{
    any::{Any, TypeId},
    collections::HashMap,
    rc::Rc,
};

use automerge::{AutoCommit, ChangeHash};
use linli_shared::sync::document_id::DocumentId;

use super::Repo;

/// A reading and the heads of the document it was read at.
type Reading = (Vec<ChangeHash>, Rc<dyn Any>);

#[derive(Default)]
pub(super) struct Parsed {
    entries: HashMap<(DocumentId, TypeId), Reading>,
}

impl Repo {
    /// The document read by `read` (its model reader, the same one for a
    /// type every time), reusing the last reading while the document is
    /// unchanged. None while the document is not here or does not read.
    pub fn parsed<T: 'static>(
        &self,
        document: &DocumentId,
        read: impl FnOnce(&AutoCommit) -> Option<T>,
    ) -> Option<Rc<T>> {
        let mut inner = self.inner.borrow_mut();
        let heads = inner.engine.document_mut(document)?.get_heads();
        let key = (*document, TypeId::of::<T>());
        if let Some((seen, value)) = inner.parsed.entries.get(&key)
            && *seen == heads
            && let Ok(value) = Rc::clone(value).downcast::<T>()
        {
            return Some(value);
        }
        let value = Rc::new(read(inner.engine.document(document)?)?);
        inner
            .parsed
            .entries
            .insert(key, (heads, Rc::clone(&value) as Rc<dyn Any>));
        Some(value)
    }
}
