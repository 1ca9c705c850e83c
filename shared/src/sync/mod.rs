//! The sync engine: the automerge-repo WebSocket wire protocol v1, sans IO.
//!
//! - [`engine`]: the state machine both the relay and the phone drive.
//! - [`message`]: the CBOR messages on the wire.
//! - [`chunk`]: what the engine asks storage to keep.
//! - [`intake`]: how a peer's changes join a document, one checked step at
//!   a time.
//!
//! The engine speaks the words of [`crate::vocabulary`] ([`DocumentId`],
//! [`Scope`], [`Member`]) and checks bytes with [`crate::intact`]. Both live
//! below it, where the model uses them too; `sync::document_id`,
//! `sync::scope` and `sync::intact` still name them. Nothing here imports
//! [`crate::model`]: the model's documents meet the engine in
//! [`crate::fuzzing`] and in the tests under `shared/tests/`.

pub mod chunk;
pub mod engine;
pub mod intake;
pub mod message;

pub use chunk::{ChunkKey, ChunkKind, StoredChunk};
pub use engine::{
    Access, CloseReason, Config, ConnId, Effect, Engine, Event, Gate, OpenGate, Side,
};
pub use message::{Message, MessageError, PeerId};
// Words of the vocabulary the engine speaks, and the byte checks it runs,
// still named from here (`sync::document_id`, `sync::scope`, `sync::intact`)
// as before they moved below both the engine and the model.
pub use crate::intact;
pub use crate::vocabulary::{DocumentId, Member, Scope, document_id, scope};
