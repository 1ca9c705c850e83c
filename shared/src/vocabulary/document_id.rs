//! Document ids as automerge-repo writes them: 16 random bytes (a UUID v4),
//! base58check-encoded, so `automerge:` URLs made here open in any
//! automerge-repo client and the other way round.

use std::fmt;
use std::str::FromStr;

use thiserror::Error;

/// The URL prefix automerge-repo uses for documents.
pub const URL_PREFIX: &str = "automerge:";

/// One synced document's identity.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct DocumentId([u8; 16]);

#[derive(Debug, Error, PartialEq, Eq)]
pub enum DocumentIdError {
    #[error("not a base58check document id")]
    NotBase58Check,
    #[error("a document id is 16 bytes, this one is {0}")]
    WrongLength(usize),
    #[error("not an automerge: URL")]
    NotAUrl,
}

impl DocumentId {
    /// A fresh random id (UUID v4 layout, as automerge-repo's `Repo.create`).
    pub fn random() -> Self {
        let mut bytes = [0u8; 16];
        getrandom::fill(&mut bytes).expect("the platform has a random source");
        Self::from_random_bytes(bytes)
    }

    /// Sets the UUID version and variant bits on caller-supplied randomness, so
    /// deterministic tests make ids shaped like real ones.
    pub fn from_random_bytes(mut bytes: [u8; 16]) -> Self {
        bytes[6] = (bytes[6] & 0x0f) | 0x40;
        bytes[8] = (bytes[8] & 0x3f) | 0x80;
        Self(bytes)
    }

    /// The community document's id, derived from the community's id on the
    /// relay: the relay creates the document when the community is created,
    /// and every phone that joins knows where to find it without asking.
    pub fn for_community(community: &str) -> Self {
        use sha2::{Digest, Sha256};
        let digest = Sha256::new()
            .chain_update(b"linli community document\0")
            .chain_update(community.as_bytes())
            .finalize();
        let mut bytes = [0u8; 16];
        bytes.copy_from_slice(&digest[..16]);
        Self::from_random_bytes(bytes)
    }

    /// A volunteer's own document (profile, training, shifts, check-ins),
    /// derived from the community and the volunteer's device: only that
    /// phone creates it, and staff and the building's leads find it from the
    /// roster without a directory entry.
    pub fn for_volunteer(community: &str, device: &str) -> Self {
        use sha2::{Digest, Sha256};
        let digest = Sha256::new()
            .chain_update(b"linli volunteer document\0")
            .chain_update(community.as_bytes())
            .chain_update(b"\0")
            .chain_update(device.as_bytes())
            .finalize();
        let mut bytes = [0u8; 16];
        bytes.copy_from_slice(&digest[..16]);
        Self::from_random_bytes(bytes)
    }

    pub fn from_bytes(bytes: [u8; 16]) -> Self {
        Self(bytes)
    }

    pub fn as_bytes(&self) -> &[u8; 16] {
        &self.0
    }

    /// `automerge:<id>`.
    pub fn url(&self) -> String {
        format!("{URL_PREFIX}{self}")
    }

    /// Accepts `automerge:<id>` (ignoring a `#heads` part) or a bare id.
    pub fn from_url(url: &str) -> Result<Self, DocumentIdError> {
        let rest = url
            .strip_prefix(URL_PREFIX)
            .ok_or(DocumentIdError::NotAUrl)?;
        let id = rest.split('#').next().unwrap_or_default();
        id.parse()
    }
}

impl fmt::Display for DocumentId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&bs58::encode(self.0).with_check().into_string())
    }
}

impl fmt::Debug for DocumentId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "DocumentId({self})")
    }
}

impl FromStr for DocumentId {
    type Err = DocumentIdError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        // A base58check id of 16 bytes is at most 28 characters; refuse long
        // strings before decoding them.
        if s.is_empty() || s.len() > 40 {
            return Err(DocumentIdError::NotBase58Check);
        }
        let bytes = bs58::decode(s)
            .with_check(None)
            .into_vec()
            .map_err(|_| DocumentIdError::NotBase58Check)?;
        let bytes: [u8; 16] = bytes
            .as_slice()
            .try_into()
            .map_err(|_| DocumentIdError::WrongLength(bytes.len()))?;
        Ok(Self(bytes))
    }
}

impl serde::Serialize for DocumentId {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> serde::Deserialize<'de> for DocumentId {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_community_document_id_is_stable_and_its_own() {
        let a = DocumentId::for_community("c-1");
        assert_eq!(a, DocumentId::for_community("c-1"));
        assert_ne!(a, DocumentId::for_community("c-2"));
        assert_eq!(a.as_bytes()[6] >> 4, 4, "shaped like a UUID v4");
    }

    #[test]
    fn reads_an_id_written_by_automerge_repo() {
        // From @automerge/automerge-repo 2.5: stringifyAutomergeUrl of the UUID
        // 6ba7b810-9dad-41d1-80b4-00c04fd430c8's bytes.
        let bytes = [
            0x6b, 0xa7, 0xb8, 0x10, 0x9d, 0xad, 0x41, 0xd1, 0x80, 0xb4, 0x00, 0xc0, 0x4f, 0xd4,
            0x30, 0xc8,
        ];
        let id = DocumentId::from_bytes(bytes);
        assert_eq!(id.to_string(), "2VzPLXwa4R41PB944FYJS46nvFdj");
        let round_trip: DocumentId = id.to_string().parse().unwrap();
        assert_eq!(round_trip, id);
        assert_eq!(DocumentId::from_url(&id.url()).unwrap(), id);
        assert_eq!(
            DocumentId::from_url(&format!("{}#abc|def", id.url())).unwrap(),
            id
        );
    }

    #[test]
    fn refuses_what_is_not_an_id() {
        assert_eq!(
            "".parse::<DocumentId>(),
            Err(DocumentIdError::NotBase58Check)
        );
        assert_eq!(
            "0OIl".parse::<DocumentId>(),
            Err(DocumentIdError::NotBase58Check)
        );
        let short = bs58::encode([1u8, 2, 3]).with_check().into_string();
        assert_eq!(
            short.parse::<DocumentId>(),
            Err(DocumentIdError::WrongLength(3))
        );
        let mut id = DocumentId::random().to_string();
        id.replace_range(0..1, if id.starts_with('2') { "3" } else { "2" });
        assert!(id.parse::<DocumentId>().is_err(), "checksum catches a typo");
        assert_eq!(
            DocumentId::from_url("https://x"),
            Err(DocumentIdError::NotAUrl)
        );
    }

    #[test]
    fn random_ids_are_uuid_v4() {
        let id = DocumentId::random();
        assert_eq!(id.as_bytes()[6] >> 4, 4);
        assert_eq!(id.as_bytes()[8] >> 6, 2);
    }
}
