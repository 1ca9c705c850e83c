//! What the phone app and the relay share. No IO lives here: no sockets, no
//! files, no browser APIs, so every line runs the same on wasm32 and the host.
//!
//! The modules from the bottom up; each imports only modules listed before
//! it, so the model and the sync engine never import each other:
//!
//! - [`vocabulary`]: the words both speak: a document's id, a person's role,
//!   who may sync a document (its scope) and the device asking (a member).
//! - [`intact`]: the checks every byte passes before Automerge parses it,
//!   from the wire, from storage or from a file.
//! - [`table`]: CSV and .xlsx reading and writing, for importing and exporting
//!   spreadsheets such as the household ledger.
//! - [`release`]: which build of Linli this is, so a phone and its relay can tell
//!   whether they run the same code.
//! - [`model`]: the typed Automerge documents (community, building ledger,
//!   round, volunteer, casebook), the operations people perform on them, and
//!   the rules that derive what screens show from recorded events.
//! - [`sync`]: the sans-IO sync engine speaking automerge-repo's wire
//!   protocol, driven by the relay's sockets and the phone's.
//! - [`api`]: the relay's HTTP API (paths, request and answer bodies, refusal
//!   codes), used by the relay's handlers and the app's HTTP client alike.
//! - [`fuzzing`]: the bodies of the fuzz targets (`shared/fuzz/`), feeding the
//!   engine damaged bytes and the model's documents; every input a fuzzer
//!   crashed on is replayed by `tests/fuzz_regressions.rs`.

pub mod api;
pub mod fuzzing;
pub mod intact;
pub mod model;
pub mod release;
pub mod sync;
pub mod table;
pub mod vocabulary;
