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
pub mod document_id;
pub mod engine;
pub mod fuzzing;
pub mod intact;
pub mod intake;
pub mod message;
pub mod scope;

pub use chunk::{ChunkKey, ChunkKind, StoredChunk};
pub use document_id::DocumentId;
pub use engine::{
    Access, CloseReason, Config, ConnId, Effect, Engine, Event, Gate, OpenGate, Side,
};
pub use message::{Message, MessageError, PeerId};
pub use scope::{Member, Scope};
