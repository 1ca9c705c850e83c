//! What can go wrong when reading or changing a document. Messages are for
//! logs and developers; the app maps each variant to a Chinese/English text.

use crate::model::catalogue::CourseId;

#[derive(Debug, thiserror::Error)]
pub enum ModelError {
    #[error("automerge: {0}")]
    Automerge(#[from] automerge::AutomergeError),
    #[error("reading the document: {0}")]
    Hydrate(#[from] autosurgeon::HydrateError),
    #[error("the document does not have the expected shape: {0}")]
    Decode(String),
    #[error("writing the document: {0}")]
    Reconcile(#[from] autosurgeon::ReconcileError),
    #[error("this is a {found} document, not a {expected} document")]
    WrongKind {
        expected: &'static str,
        found: String,
    },
    #[error("document schema {found} is newer than this app understands ({known})")]
    SchemaTooNew { found: i64, known: i64 },
    #[error("the document is missing {0}")]
    Missing(&'static str),
    #[error("no {what} with id {id}")]
    NotFound { what: &'static str, id: String },
    #[error("invalid input: {0}")]
    Invalid(String),
    #[error("{0:?} cannot do this")]
    NotPermitted(crate::model::Role),
    #[error("training missing: {}", missing.join(", "))]
    MissingTraining { missing: Vec<CourseId> },
    #[error(
        "over the 8-hour day on {day}: {scheduled_minutes} min already scheduled, {requested_minutes} min requested"
    )]
    OverDailyCap {
        day: String,
        scheduled_minutes: i64,
        requested_minutes: i64,
    },
    #[error("overlaps the shift at {post} on {day} {from}–{to}")]
    ShiftOverlap {
        /// The other shift's post title, its local day and clock times.
        post: String,
        day: String,
        from: String,
        to: String,
    },
    #[error("the post requires real-name registration on the volunteer platform (insurance)")]
    NotInsured,
    #[error("the post requires a signed volunteer agreement")]
    NoAgreement,
    #[error("psychological-support records are only for qualified volunteers and staff")]
    NotQualified,
}
