//! What the engine asks storage to keep: incremental chunks (the changes since
//! the last save) and compacted snapshots, each under a key derived from its
//! bytes, so two relays or two tabs writing the same chunk write the same row.

use sha2::{Digest, Sha256};

/// Names one stored chunk or snapshot of one document.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ChunkKey(pub String);

impl ChunkKey {
    /// The first 16 bytes of the SHA-256 of the bytes, in hex.
    pub fn of(bytes: &[u8]) -> Self {
        let digest = Sha256::digest(bytes);
        let mut key = String::with_capacity(32);
        for b in &digest[..16] {
            key.push(char::from_digit(u32::from(b >> 4), 16).unwrap_or('0'));
            key.push(char::from_digit(u32::from(b & 0x0f), 16).unwrap_or('0'));
        }
        Self(key)
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ChunkKind {
    /// The changes made since the previous chunk.
    Incremental,
    /// The whole document; replaces every chunk and snapshot before it.
    Snapshot,
}

impl ChunkKind {
    pub fn as_str(self) -> &'static str {
        match self {
            ChunkKind::Incremental => "incremental",
            ChunkKind::Snapshot => "snapshot",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "incremental" => Some(ChunkKind::Incremental),
            "snapshot" => Some(ChunkKind::Snapshot),
            _ => None,
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StoredChunk {
    pub key: ChunkKey,
    pub kind: ChunkKind,
    pub bytes: Vec<u8>,
}

impl StoredChunk {
    pub fn new(kind: ChunkKind, bytes: Vec<u8>) -> Self {
        Self {
            key: ChunkKey::of(&bytes),
            kind,
            bytes,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_follow_content() {
        assert_eq!(ChunkKey::of(b"a"), ChunkKey::of(b"a"));
        assert_ne!(ChunkKey::of(b"a"), ChunkKey::of(b"b"));
        assert_eq!(ChunkKey::of(b"").0, "e3b0c44298fc1c149afbf4c8996fb924");
    }
}
