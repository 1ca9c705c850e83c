//! The sync engine: the automerge-repo WebSocket wire protocol v1, sans IO.
//!
//! - [`document_id`]: ids and `automerge:` URLs, interchangeable with
//!   automerge-repo's.
//! - [`message`]: the CBOR messages on the wire.
//! - [`chunk`]: what the engine asks storage to keep.
//! - [`scope`]: who may sync a document, the rules the relay enforces.
//! - [`engine`]: the state machine both the relay and the phone drive.
//! - [`intact`]: the checks every byte passes before Automerge parses it.
//! - [`intake`]: how a peer's changes join a document, one checked step at
//!   a time.
//! - [`fuzzing`]: the bodies of the fuzz targets, replayed by tests.

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
