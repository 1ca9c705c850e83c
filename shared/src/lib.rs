//! What the phone app and the relay share. No IO lives here: no sockets, no
//! files, no browser APIs, so every line runs the same on wasm32 and the host.
//!
//! - [`release`]: which build of Linli this is, so a phone and its relay can tell
//!   whether they run the same code.
//!
//! The domain model (typed Automerge documents) and the sync engine join this
//! crate as they are built.

pub mod release;
