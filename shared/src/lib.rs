//! What the phone app and the relay share. No IO lives here: no sockets, no
//! files, no browser APIs, so every line runs the same on wasm32 and the host.
//!
//! - [`api`]: the relay's HTTP API (paths, request and answer bodies, refusal
//!   codes), used by the relay's handlers and the app's HTTP client alike.
//! - [`model`]: the typed Automerge documents (community, building ledger,
//!   round, volunteer, casebook), the operations people perform on them, and
//!   the rules that derive what screens show from recorded events.
//! - [`release`]: which build of Linli this is, so a phone and its relay can tell
//!   whether they run the same code.
//! - [`sync`]: the sans-IO sync engine speaking automerge-repo's wire
//!   protocol, driven by the relay's sockets and the phone's.
//! - [`table`]: CSV and .xlsx reading and writing, for importing and exporting
//!   spreadsheets such as the household ledger.

pub mod api;
pub mod fuzzing;
pub mod intact;
pub mod model;
pub mod release;
pub mod sync;
pub mod table;
pub mod vocabulary;
