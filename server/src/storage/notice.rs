//! What a relay's commits tell the other relays sharing its storage
//! (PostgreSQL's LISTEN/NOTIFY): each notice names what changed, never its
//! content, and travels only once the transaction that made it commits.

use linli_shared::sync::DocumentId;

/// One channel for every kind of notice.
pub const CHANNEL: &str = "linli";

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Notice {
    /// New chunks of a document are stored.
    Stored(DocumentId),
    /// A document's scope changed.
    Scope(DocumentId),
    /// A pending device was approved.
    Approved(String),
    /// A device was revoked.
    Revoked(String),
    /// Notices may have been lost (the listening connection dropped and is
    /// back): whatever is held in memory must be read again.
    Missed,
}

/// Who hears the notices: the relay's sync hub.
pub trait Listener: Send + 'static {
    /// Another relay's notice; false once no longer listening.
    fn notice(&mut self, notice: Notice) -> bool;
    /// Asked while nothing happens; false once no longer listening.
    fn listening(&self) -> bool;
}

impl Notice {
    /// The payload: `<origin> <kind> <id>`, where origin tells a relay its
    /// own notices apart.
    pub fn payload(&self, origin: &str) -> String {
        let (kind, id) = match self {
            Notice::Stored(d) => ("c", d.to_string()),
            Notice::Scope(d) => ("s", d.to_string()),
            Notice::Approved(device) => ("a", device.clone()),
            Notice::Revoked(device) => ("r", device.clone()),
            Notice::Missed => ("m", String::new()),
        };
        format!("{origin} {kind} {id}")
    }

    /// Reads a payload; `None` for a malformed one or one of `own` origin.
    pub fn parse(payload: &str, own: &str) -> Option<Self> {
        let mut parts = payload.splitn(3, ' ');
        let (origin, kind, id) = (parts.next()?, parts.next()?, parts.next()?);
        if origin == own {
            return None;
        }
        match kind {
            "c" => id.parse().ok().map(Notice::Stored),
            "s" => id.parse().ok().map(Notice::Scope),
            "a" if !id.is_empty() => Some(Notice::Approved(id.to_owned())),
            "r" if !id.is_empty() => Some(Notice::Revoked(id.to_owned())),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn payloads_read_back_and_own_ones_are_skipped() {
        let d = DocumentId::for_community("c1");
        for n in [
            Notice::Stored(d),
            Notice::Scope(d),
            Notice::Approved("dev1".into()),
            Notice::Revoked("dev2".into()),
        ] {
            let p = n.payload("relayA");
            assert_eq!(Notice::parse(&p, "relayB"), Some(n.clone()), "{p}");
            assert_eq!(Notice::parse(&p, "relayA"), None, "{p}");
        }
        for bad in ["", "x", "x c", "x c notanid", "x z id", "x a "] {
            assert_eq!(Notice::parse(bad, "y"), None, "{bad:?}");
        }
    }
}
