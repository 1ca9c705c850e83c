//! The automerge-repo WebSocket wire protocol, version "1": CBOR maps with
//! string keys, written the way `@automerge/automerge-repo` writes them
//! (cbor-x, no records, byte strings untagged) and read tolerantly (any key
//! order, unknown keys skipped), since other clients add fields over time.
//!
//! Long because its host tests live beside it (the wire format is about 580
//! lines: every message of automerge-repo's protocol, read and written by hand
//! so bytes are checked before anything parses them).

use minicbor::data::Type;
use minicbor::{Decoder, Encoder};
use thiserror::Error;

use crate::vocabulary::{DocumentId, DocumentIdError};

/// The only protocol version there is.
pub const PROTOCOL_V1: &str = "1";

/// A peer's id as it announces it; automerge-repo makes them random strings.
pub type PeerId = String;

/// Longest peer id, storage id, session id or error text accepted.
const MAX_TEXT: usize = 256;
/// Most storage ids in one subscription change or heads announcement.
const MAX_LIST: usize = 1024;

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PeerMetadata {
    /// Where the peer keeps documents, if it keeps them at all.
    pub storage_id: Option<String>,
    /// A peer that forgets everything when it goes (a browser tab without storage).
    pub is_ephemeral: bool,
}

/// Heads of one document in one peer's storage, as `remote-heads-changed` reports them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StorageHeads {
    pub storage_id: String,
    /// base58check-encoded change hashes.
    pub heads: Vec<String>,
    pub timestamp: u64,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Message {
    Join {
        sender: PeerId,
        metadata: PeerMetadata,
        supported_versions: Vec<String>,
    },
    Peer {
        sender: PeerId,
        target: PeerId,
        metadata: PeerMetadata,
        selected_version: String,
    },
    Error {
        sender: PeerId,
        target: PeerId,
        message: String,
    },
    /// "I don't have this document; if you do, sync it to me."
    Request {
        sender: PeerId,
        target: PeerId,
        document: DocumentId,
        data: Vec<u8>,
    },
    Sync {
        sender: PeerId,
        target: PeerId,
        document: DocumentId,
        data: Vec<u8>,
    },
    DocUnavailable {
        sender: PeerId,
        target: PeerId,
        document: DocumentId,
    },
    /// Presence and other passing signals, never stored.
    Ephemeral {
        sender: PeerId,
        target: PeerId,
        count: u64,
        session: String,
        document: DocumentId,
        data: Vec<u8>,
    },
    RemoteSubscriptionChange {
        sender: PeerId,
        target: PeerId,
        add: Vec<String>,
        remove: Vec<String>,
    },
    RemoteHeadsChanged {
        sender: PeerId,
        target: PeerId,
        document: DocumentId,
        new_heads: Vec<StorageHeads>,
    },
}

#[derive(Debug, Error, PartialEq, Eq)]
pub enum MessageError {
    #[error("not CBOR, or not a CBOR map: {0}")]
    Malformed(String),
    #[error("the message has no `type`")]
    MissingType,
    #[error("unknown message type `{0}`")]
    UnknownType(String),
    #[error("`{0}` is missing")]
    MissingField(&'static str),
    #[error("`{0}` has the wrong type")]
    WrongType(&'static str),
    #[error("`{0}` is too long")]
    TooLong(&'static str),
    #[error("bad document id: {0}")]
    DocumentId(#[from] DocumentIdError),
    #[error("bytes after the message")]
    TrailingBytes,
}

impl From<minicbor::decode::Error> for MessageError {
    fn from(e: minicbor::decode::Error) -> Self {
        MessageError::Malformed(e.to_string())
    }
}

impl Message {
    pub fn type_name(&self) -> &'static str {
        match self {
            Message::Join { .. } => "join",
            Message::Peer { .. } => "peer",
            Message::Error { .. } => "error",
            Message::Request { .. } => "request",
            Message::Sync { .. } => "sync",
            Message::DocUnavailable { .. } => "doc-unavailable",
            Message::Ephemeral { .. } => "ephemeral",
            Message::RemoteSubscriptionChange { .. } => "remote-subscription-change",
            Message::RemoteHeadsChanged { .. } => "remote-heads-changed",
        }
    }

    pub fn sender(&self) -> &str {
        match self {
            Message::Join { sender, .. }
            | Message::Peer { sender, .. }
            | Message::Error { sender, .. }
            | Message::Request { sender, .. }
            | Message::Sync { sender, .. }
            | Message::DocUnavailable { sender, .. }
            | Message::Ephemeral { sender, .. }
            | Message::RemoteSubscriptionChange { sender, .. }
            | Message::RemoteHeadsChanged { sender, .. } => sender,
        }
    }

    pub fn document(&self) -> Option<&DocumentId> {
        match self {
            Message::Request { document, .. }
            | Message::Sync { document, .. }
            | Message::DocUnavailable { document, .. }
            | Message::Ephemeral { document, .. }
            | Message::RemoteHeadsChanged { document, .. } => Some(document),
            _ => None,
        }
    }

    pub fn encode(&self) -> Vec<u8> {
        let mut out = Vec::new();
        let e = &mut Encoder::new(&mut out);
        write(self, e).expect("writing to a Vec cannot fail");
        out
    }

    pub fn decode(bytes: &[u8]) -> Result<Self, MessageError> {
        let mut fields = Fields::default();
        let d = &mut Decoder::new(bytes);
        let Some(len) = d.map()? else {
            return Err(MessageError::Malformed(
                "indefinite-length maps are not used by the protocol".into(),
            ));
        };
        for _ in 0..len {
            let key = match d.datatype()? {
                Type::String => d.str()?,
                _ => {
                    d.skip()?;
                    d.skip()?;
                    continue;
                }
            };
            fields.read(key, d)?;
        }
        if d.position() != bytes.len() {
            return Err(MessageError::TrailingBytes);
        }
        fields.into_message()
    }
}

/// The fields of any message, filled in as the map is read.
#[derive(Default)]
struct Fields {
    kind: Option<String>,
    sender: Option<String>,
    target: Option<String>,
    document: Option<String>,
    data: Option<Vec<u8>>,
    metadata: Option<PeerMetadata>,
    supported_versions: Option<Vec<String>>,
    selected_version: Option<String>,
    message: Option<String>,
    count: Option<u64>,
    session: Option<String>,
    add: Option<Vec<String>>,
    remove: Option<Vec<String>>,
    new_heads: Option<Vec<StorageHeads>>,
}

impl Fields {
    fn read(&mut self, key: &str, d: &mut Decoder<'_>) -> Result<(), MessageError> {
        match key {
            "type" => self.kind = Some(text(d, "type")?),
            "senderId" => self.sender = Some(text(d, "senderId")?),
            "targetId" => self.target = Some(text(d, "targetId")?),
            "documentId" => self.document = Some(text(d, "documentId")?),
            "data" => self.data = Some(bytes(d, "data")?),
            "peerMetadata" => self.metadata = Some(metadata(d)?),
            "supportedProtocolVersions" => {
                self.supported_versions = Some(texts(d, "supportedProtocolVersions")?)
            }
            "selectedProtocolVersion" => {
                self.selected_version = Some(text(d, "selectedProtocolVersion")?)
            }
            "message" => self.message = Some(text(d, "message")?),
            "count" => self.count = Some(number(d, "count")?),
            "sessionId" => self.session = Some(text(d, "sessionId")?),
            "add" => self.add = Some(texts(d, "add")?),
            "remove" => self.remove = Some(texts(d, "remove")?),
            "newHeads" => self.new_heads = Some(new_heads(d)?),
            _ => d.skip()?,
        }
        Ok(())
    }

    fn into_message(self) -> Result<Message, MessageError> {
        let kind = self.kind.ok_or(MessageError::MissingType)?;
        let sender = self.sender.ok_or(MessageError::MissingField("senderId"));
        let target = self.target.ok_or(MessageError::MissingField("targetId"));
        let document = || -> Result<DocumentId, MessageError> {
            let text = self
                .document
                .as_deref()
                .ok_or(MessageError::MissingField("documentId"))?;
            Ok(text.parse()?)
        };
        let data = self.data.ok_or(MessageError::MissingField("data"));
        Ok(match kind.as_str() {
            "join" => Message::Join {
                sender: sender?,
                metadata: self.metadata.unwrap_or_default(),
                // automerge-repo treats a join without versions as version 1.
                supported_versions: self
                    .supported_versions
                    .unwrap_or_else(|| vec![PROTOCOL_V1.to_owned()]),
            },
            "peer" => Message::Peer {
                sender: sender?,
                target: target?,
                metadata: self.metadata.unwrap_or_default(),
                selected_version: self
                    .selected_version
                    .ok_or(MessageError::MissingField("selectedProtocolVersion"))?,
            },
            "error" => Message::Error {
                sender: sender.unwrap_or_default(),
                target: target.unwrap_or_default(),
                message: self.message.unwrap_or_default(),
            },
            "request" => Message::Request {
                document: document()?,
                sender: sender?,
                target: target?,
                data: data?,
            },
            "sync" => Message::Sync {
                document: document()?,
                sender: sender?,
                target: target?,
                data: data?,
            },
            "doc-unavailable" => Message::DocUnavailable {
                document: document()?,
                sender: sender?,
                target: target?,
            },
            "ephemeral" => Message::Ephemeral {
                document: document()?,
                sender: sender?,
                target: target?,
                count: self.count.ok_or(MessageError::MissingField("count"))?,
                session: self
                    .session
                    .ok_or(MessageError::MissingField("sessionId"))?,
                data: data?,
            },
            "remote-subscription-change" => Message::RemoteSubscriptionChange {
                sender: sender?,
                target: target?,
                add: self.add.unwrap_or_default(),
                remove: self.remove.unwrap_or_default(),
            },
            "remote-heads-changed" => Message::RemoteHeadsChanged {
                document: document()?,
                sender: sender?,
                target: target?,
                new_heads: self.new_heads.unwrap_or_default(),
            },
            _ => return Err(MessageError::UnknownType(kind)),
        })
    }
}

fn text(d: &mut Decoder<'_>, field: &'static str) -> Result<String, MessageError> {
    if d.datatype()? != Type::String {
        return Err(MessageError::WrongType(field));
    }
    let s = d.str()?;
    if s.len() > MAX_TEXT {
        return Err(MessageError::TooLong(field));
    }
    Ok(s.to_owned())
}

fn bytes(d: &mut Decoder<'_>, field: &'static str) -> Result<Vec<u8>, MessageError> {
    match d.datatype()? {
        Type::Bytes => Ok(d.bytes()?.to_vec()),
        // A Uint8Array tagged by an encoder configured differently (cbor-x tag 64).
        Type::Tag => {
            d.tag()?;
            bytes(d, field)
        }
        _ => Err(MessageError::WrongType(field)),
    }
}

fn number(d: &mut Decoder<'_>, field: &'static str) -> Result<u64, MessageError> {
    match d.datatype()? {
        Type::U8 | Type::U16 | Type::U32 | Type::U64 => Ok(d.u64()?),
        // JavaScript numbers may arrive as floats.
        Type::F16 | Type::F32 | Type::F64 => {
            let f = d.f64()?;
            if f.is_finite() && f >= 0.0 && f.fract() == 0.0 {
                Ok(f as u64)
            } else {
                Err(MessageError::WrongType(field))
            }
        }
        _ => Err(MessageError::WrongType(field)),
    }
}

fn length(d: &mut Decoder<'_>, field: &'static str) -> Result<usize, MessageError> {
    let n = d
        .array()?
        .ok_or(MessageError::WrongType(field))
        .map(|n| n as usize)?;
    if n > MAX_LIST {
        return Err(MessageError::TooLong(field));
    }
    Ok(n)
}

fn texts(d: &mut Decoder<'_>, field: &'static str) -> Result<Vec<String>, MessageError> {
    if d.datatype()? != Type::Array {
        return Err(MessageError::WrongType(field));
    }
    let n = length(d, field)?;
    (0..n).map(|_| text(d, field)).collect()
}

fn map_len(d: &mut Decoder<'_>, field: &'static str) -> Result<usize, MessageError> {
    if d.datatype()? != Type::Map {
        return Err(MessageError::WrongType(field));
    }
    let n = d.map()?.ok_or(MessageError::WrongType(field))? as usize;
    if n > MAX_LIST {
        return Err(MessageError::TooLong(field));
    }
    Ok(n)
}

fn metadata(d: &mut Decoder<'_>) -> Result<PeerMetadata, MessageError> {
    let mut metadata = PeerMetadata::default();
    // cbor-x writes `undefined` fields of JS objects as CBOR undefined.
    if matches!(d.datatype()?, Type::Null | Type::Undefined) {
        d.skip()?;
        return Ok(metadata);
    }
    for _ in 0..map_len(d, "peerMetadata")? {
        let key = if d.datatype()? == Type::String {
            d.str()?
        } else {
            d.skip()?;
            ""
        };
        match (key, d.datatype()?) {
            ("storageId", Type::String) => metadata.storage_id = Some(text(d, "storageId")?),
            ("isEphemeral", Type::Bool) => metadata.is_ephemeral = d.bool()?,
            _ => d.skip()?,
        }
    }
    Ok(metadata)
}

fn new_heads(d: &mut Decoder<'_>) -> Result<Vec<StorageHeads>, MessageError> {
    let mut all = Vec::new();
    for _ in 0..map_len(d, "newHeads")? {
        let storage_id = text(d, "newHeads")?;
        let mut heads = Vec::new();
        let mut timestamp = 0;
        for _ in 0..map_len(d, "newHeads")? {
            let key = text(d, "newHeads")?;
            match key.as_str() {
                "heads" => heads = texts(d, "heads")?,
                "timestamp" => timestamp = number(d, "timestamp")?,
                _ => d.skip()?,
            }
        }
        all.push(StorageHeads {
            storage_id,
            heads,
            timestamp,
        });
    }
    Ok(all)
}

type Enc<'a> = Encoder<&'a mut Vec<u8>>;
type EncResult = Result<(), minicbor::encode::Error<core::convert::Infallible>>;

fn write(message: &Message, e: &mut Enc<'_>) -> EncResult {
    match message {
        Message::Join {
            sender,
            metadata,
            supported_versions,
        } => {
            e.map(4)?.str("type")?.str("join")?;
            e.str("senderId")?.str(sender)?;
            e.str("peerMetadata")?;
            write_metadata(metadata, e)?;
            e.str("supportedProtocolVersions")?
                .array(supported_versions.len() as u64)?;
            for v in supported_versions {
                e.str(v)?;
            }
        }
        Message::Peer {
            sender,
            target,
            metadata,
            selected_version,
        } => {
            e.map(5)?.str("type")?.str("peer")?;
            e.str("senderId")?.str(sender)?;
            e.str("targetId")?.str(target)?;
            e.str("peerMetadata")?;
            write_metadata(metadata, e)?;
            e.str("selectedProtocolVersion")?.str(selected_version)?;
        }
        Message::Error {
            sender,
            target,
            message,
        } => {
            e.map(4)?.str("type")?.str("error")?;
            e.str("senderId")?.str(sender)?;
            e.str("targetId")?.str(target)?;
            e.str("message")?.str(message)?;
        }
        Message::Request {
            sender,
            target,
            document,
            data,
        }
        | Message::Sync {
            sender,
            target,
            document,
            data,
        } => {
            e.map(5)?.str("type")?.str(message.type_name())?;
            e.str("senderId")?.str(sender)?;
            e.str("targetId")?.str(target)?;
            e.str("documentId")?.str(&document.to_string())?;
            e.str("data")?.bytes(data)?;
        }
        Message::DocUnavailable {
            sender,
            target,
            document,
        } => {
            e.map(4)?.str("type")?.str("doc-unavailable")?;
            e.str("senderId")?.str(sender)?;
            e.str("targetId")?.str(target)?;
            e.str("documentId")?.str(&document.to_string())?;
        }
        Message::Ephemeral {
            sender,
            target,
            count,
            session,
            document,
            data,
        } => {
            e.map(7)?.str("type")?.str("ephemeral")?;
            e.str("senderId")?.str(sender)?;
            e.str("targetId")?.str(target)?;
            e.str("count")?.u64(*count)?;
            e.str("sessionId")?.str(session)?;
            e.str("documentId")?.str(&document.to_string())?;
            e.str("data")?.bytes(data)?;
        }
        Message::RemoteSubscriptionChange {
            sender,
            target,
            add,
            remove,
        } => {
            e.map(5)?.str("type")?.str("remote-subscription-change")?;
            e.str("senderId")?.str(sender)?;
            e.str("targetId")?.str(target)?;
            e.str("add")?.array(add.len() as u64)?;
            for s in add {
                e.str(s)?;
            }
            e.str("remove")?.array(remove.len() as u64)?;
            for s in remove {
                e.str(s)?;
            }
        }
        Message::RemoteHeadsChanged {
            sender,
            target,
            document,
            new_heads,
        } => {
            e.map(5)?.str("type")?.str("remote-heads-changed")?;
            e.str("senderId")?.str(sender)?;
            e.str("targetId")?.str(target)?;
            e.str("documentId")?.str(&document.to_string())?;
            e.str("newHeads")?.map(new_heads.len() as u64)?;
            for h in new_heads {
                e.str(&h.storage_id)?.map(2)?;
                e.str("heads")?.array(h.heads.len() as u64)?;
                for head in &h.heads {
                    e.str(head)?;
                }
                e.str("timestamp")?.u64(h.timestamp)?;
            }
        }
    }
    Ok(())
}

fn write_metadata(metadata: &PeerMetadata, e: &mut Enc<'_>) -> EncResult {
    match &metadata.storage_id {
        Some(id) => {
            e.map(2)?.str("storageId")?.str(id)?;
        }
        None => {
            e.map(1)?;
        }
    }
    e.str("isEphemeral")?.bool(metadata.is_ephemeral)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hex(s: &str) -> Vec<u8> {
        (0..s.len())
            .step_by(2)
            .map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap())
            .collect()
    }

    fn doc() -> DocumentId {
        DocumentId::from_random_bytes([7; 16])
    }

    fn every_kind() -> Vec<Message> {
        let (sender, target) = ("phone-a".to_owned(), "relay".to_owned());
        vec![
            Message::Join {
                sender: sender.clone(),
                metadata: PeerMetadata {
                    storage_id: Some("s1".into()),
                    is_ephemeral: false,
                },
                supported_versions: vec!["1".into()],
            },
            Message::Peer {
                sender: sender.clone(),
                target: target.clone(),
                metadata: PeerMetadata::default(),
                selected_version: "1".into(),
            },
            Message::Error {
                sender: sender.clone(),
                target: target.clone(),
                message: "unsupported protocol version".into(),
            },
            Message::Request {
                sender: sender.clone(),
                target: target.clone(),
                document: doc(),
                data: vec![0x42, 1, 2],
            },
            Message::Sync {
                sender: sender.clone(),
                target: target.clone(),
                document: doc(),
                data: vec![0x42],
            },
            Message::DocUnavailable {
                sender: sender.clone(),
                target: target.clone(),
                document: doc(),
            },
            Message::Ephemeral {
                sender: sender.clone(),
                target: target.clone(),
                count: 3,
                session: "sess".into(),
                document: doc(),
                data: vec![0xa0],
            },
            Message::RemoteSubscriptionChange {
                sender: sender.clone(),
                target: target.clone(),
                add: vec!["s2".into()],
                remove: vec![],
            },
            Message::RemoteHeadsChanged {
                sender,
                target,
                document: doc(),
                new_heads: vec![StorageHeads {
                    storage_id: "s2".into(),
                    heads: vec!["abc".into()],
                    timestamp: 1_700_000_000_000,
                }],
            },
        ]
    }

    #[test]
    fn every_kind_round_trips() {
        for m in every_kind() {
            assert_eq!(
                Message::decode(&m.encode()).unwrap(),
                m,
                "{}",
                m.type_name()
            );
        }
    }

    #[test]
    fn reads_what_cbor_x_writes() {
        // `encode({type:"join", senderId:"p", peerMetadata:{isEphemeral:true},
        // supportedProtocolVersions:["1"]})` from automerge-repo's cbor helper.
        // cbor-x writes maps with a 16-bit length (0xb9).
        let bytes = hex(
            "b900046474797065646a6f696e6873656e646572496461706c706565724d65746164617461b900016b6973457068656d6572616cf57819737570706f7274656450726f746f636f6c56657273696f6e73816131",
        );
        assert_eq!(
            Message::decode(&bytes).unwrap(),
            Message::Join {
                sender: "p".into(),
                metadata: PeerMetadata {
                    storage_id: None,
                    is_ephemeral: true
                },
                supported_versions: vec!["1".into()],
            }
        );
    }

    #[test]
    fn refuses_bad_messages_with_a_reason() {
        assert!(matches!(
            Message::decode(&[0xff, 0x00]),
            Err(MessageError::Malformed(_))
        ));
        assert!(matches!(
            Message::decode(&[]),
            Err(MessageError::Malformed(_))
        ));
        let mut unknown = Vec::new();
        Encoder::new(&mut unknown)
            .map(2)
            .unwrap()
            .str("type")
            .unwrap()
            .str("teleport")
            .unwrap()
            .str("senderId")
            .unwrap()
            .str("x")
            .unwrap();
        assert_eq!(
            Message::decode(&unknown),
            Err(MessageError::UnknownType("teleport".into()))
        );
        let mut bad_doc = Vec::new();
        Encoder::new(&mut bad_doc)
            .map(5)
            .unwrap()
            .str("type")
            .unwrap()
            .str("sync")
            .unwrap()
            .str("senderId")
            .unwrap()
            .str("x")
            .unwrap()
            .str("targetId")
            .unwrap()
            .str("y")
            .unwrap()
            .str("documentId")
            .unwrap()
            .str("not-an-id")
            .unwrap()
            .str("data")
            .unwrap()
            .bytes(&[1])
            .unwrap();
        assert!(matches!(
            Message::decode(&bad_doc),
            Err(MessageError::DocumentId(_))
        ));
        let mut trailing = every_kind()[4].encode();
        trailing.push(0);
        assert_eq!(Message::decode(&trailing), Err(MessageError::TrailingBytes));
    }

    #[test]
    fn every_truncation_is_an_error_not_a_panic() {
        for m in every_kind() {
            let bytes = m.encode();
            for end in 0..bytes.len() {
                assert!(Message::decode(&bytes[..end]).is_err());
            }
        }
    }
}
