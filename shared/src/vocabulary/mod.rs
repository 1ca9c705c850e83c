//! The words the model and the sync engine both speak, defined once at the
//! bottom of the crate. This module imports neither [`crate::model`] nor
//! [`crate::sync`], so those two need not import each other.
//!
//! - [`document_id`]: a document's identity and its `automerge:` URL,
//!   interchangeable with automerge-repo's.
//! - [`role`]: a person's role in the community: staff, lead or volunteer.
//! - [`scope`]: who may sync a document, and the rules the relay enforces
//!   (and the phone and the directory follow) for a member of a role.
//! - `stored_name` (crate-internal): the macros that store such words, and
//!   the model's enums, in documents by a stable lowercase name.

pub mod document_id;
pub mod role;
pub mod scope;
pub(crate) mod stored_name;

pub use document_id::{DocumentId, DocumentIdError};
pub use role::Role;
pub use scope::{Member, Scope};
