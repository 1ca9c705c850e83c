//! The sync engine: the automerge-repo WebSocket wire protocol v1, sans IO.
//!
//! - [`document_id`]: ids and `automerge:` URLs, interchangeable with
//!   automerge-repo's.
//! - [`message`]: the CBOR messages on the wire.
//! - [`chunk`]: what the engine asks storage to keep.
//! - [`engine`]: the state machine both the relay and the phone drive.

pub mod chunk;
pub mod document_id;
pub mod engine;
pub mod message;

pub use chunk::{ChunkKey, ChunkKind, StoredChunk};
pub use document_id::DocumentId;
pub use engine::{
    Access, CloseReason, Config, ConnId, Effect, Engine, Event, Gate, OpenGate, Side,
};
pub use message::{Message, MessageError, PeerId};
