//! Everything on this phone as one JSON file the person can keep or hand to
//! community staff: each document's content as readable JSON, its full
//! Automerge bytes (base64, loadable by any Automerge), and whether it held
//! changes the relay had not confirmed. Works offline and after revocation.

use leptos::prelude::*;
use linli_shared::model::doc;
use serde::Serialize;

use super::{Repo, now_ms};

#[derive(Serialize)]
struct Export {
    exported_at: f64,
    device: String,
    name: String,
    community: String,
    community_name: String,
    documents: Vec<ExportedDocument>,
}

#[derive(Serialize)]
struct ExportedDocument {
    id: String,
    unsynced: bool,
    last_synced: Option<f64>,
    content: serde_json::Value,
    automerge_base64: String,
}

const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

pub fn base64(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let b = [
            chunk[0],
            chunk.get(1).copied().unwrap_or(0),
            chunk.get(2).copied().unwrap_or(0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(ALPHABET[((n >> (18 - 6 * i)) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

impl Repo {
    /// The export as JSON text.
    pub fn export_json(&self) -> String {
        let session = self.session();
        let book = self.signals.book.get_untracked();
        let documents = self
            .documents()
            .into_iter()
            .filter_map(|id| {
                self.read(&id, |d| {
                    let state = book.documents.get(&id).cloned().unwrap_or_default();
                    let mut d = d.clone();
                    ExportedDocument {
                        id: id.to_string(),
                        unsynced: state.unsynced,
                        last_synced: state.last_synced,
                        content: doc::read_as::<serde_json::Value>(&d)
                            .unwrap_or(serde_json::Value::Null),
                        automerge_base64: base64(&d.save()),
                    }
                })
            })
            .collect();
        let export = Export {
            exported_at: now_ms(),
            device: session.device,
            name: session.name,
            community: session.community,
            community_name: session.community_name,
            documents,
        };
        serde_json::to_string_pretty(&export).unwrap_or_default()
    }

    /// Offers the export as a download.
    pub fn download_export(&self) -> Result<(), wasm_bindgen::JsValue> {
        let day = js_sys::Date::new_0()
            .to_iso_string()
            .as_string()
            .unwrap_or_default();
        crate::browser::files::download(
            &format!("linli-export-{}.json", &day[..10.min(day.len())]),
            "application/json",
            self.export_json().as_bytes(),
        )
    }
}
