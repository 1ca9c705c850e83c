//! The header every Linli document carries (its kind and schema version) and
//! the few Automerge moves the operations share: create, check, append an
//! event, put a field, commit one change per operation.

use automerge::{
    ActorId, AutoCommit, ObjId, ObjType, ROOT, ReadDoc, ScalarValue, Value, ValueRef,
    transaction::{CommitOptions, Transactable},
};

use crate::model::{Actor, ModelError, civil::Millis};
use crate::vocabulary::stored_name::string_enum;

/// The schema this code writes. A document with a larger number came from a
/// newer app: reading it is refused rather than misread.
pub const SCHEMA: i64 = 1;

string_enum! {
    /// The kinds of document, cut along who may see what.
    pub enum DocKind {
        Community = "community",
        Ledger = "ledger",
        Round = "round",
        Volunteer = "volunteer",
        Casebook = "casebook",
    }
}

/// A new, empty document of `kind` whose changes are attributed to a fresh
/// Automerge actor (derived from the actor's id source, so seeded actors make
/// reproducible documents).
pub fn create(kind: DocKind, actor: &Actor) -> Result<AutoCommit, ModelError> {
    let mut doc = AutoCommit::new().with_actor(automerge_actor(actor));
    doc.put(ROOT, "kind", kind.as_str())?;
    doc.put(ROOT, "schema", SCHEMA)?;
    Ok(doc)
}

/// Loads saved bytes (a snapshot, or chunks concatenated) as a document this
/// device will write to with its own Automerge actor.
pub fn load(bytes: &[u8], actor: &Actor) -> Result<AutoCommit, ModelError> {
    if !bytes.is_empty() && !crate::intact::intact(bytes) {
        return Err(ModelError::Decode("the saved bytes are damaged".into()));
    }
    let doc = AutoCommit::load(bytes)?;
    Ok(doc.with_actor(automerge_actor(actor)))
}

/// A fresh Automerge actor id for this device session. Two sessions never
/// share one: Automerge requires each actor's changes to form one sequence.
fn automerge_actor(actor: &Actor) -> ActorId {
    let id = format!("{}{}", actor.new_id(), actor.new_id());
    let bytes: Vec<u8> = (0..id.len())
        .step_by(2)
        .filter_map(|i| u8::from_str_radix(&id[i..i + 2], 16).ok())
        .collect();
    ActorId::from(bytes)
}

/// Fails unless `doc` is a `kind` document this code can read.
pub fn check(doc: &AutoCommit, kind: DocKind) -> Result<(), ModelError> {
    let found = match doc.get(ROOT, "kind")? {
        Some((Value::Scalar(s), _)) => match s.as_ref() {
            ScalarValue::Str(s) => s.to_string(),
            other => other.to_string(),
        },
        _ => return Err(ModelError::Missing("its kind")),
    };
    if found != kind.as_str() {
        return Err(ModelError::WrongKind {
            expected: kind.as_str(),
            found,
        });
    }
    let schema = match doc.get(ROOT, "schema")? {
        Some((Value::Scalar(s), _)) => match s.as_ref() {
            ScalarValue::Int(n) => *n,
            ScalarValue::Uint(n) => i64::try_from(*n).unwrap_or(i64::MAX),
            _ => return Err(ModelError::Missing("its schema version")),
        },
        _ => return Err(ModelError::Missing("its schema version")),
    };
    if schema > SCHEMA {
        return Err(ModelError::SchemaTooNew {
            found: schema,
            known: SCHEMA,
        });
    }
    Ok(())
}

/// Reads a whole document into its typed form in one pass: a walk over the
/// document's maps, lists and texts builds the JSON tree serde maps onto the
/// type. (Automerge's `hydrate` builds the same tree about eight times
/// slower — 0.9 ms for a day's delivery round — which a dashboard reading a
/// week of a community's rounds pays 280 times; reading field by field costs
/// a lookup per field, slower still.)
pub fn read_as<T: serde::de::DeserializeOwned>(doc: &AutoCommit) -> Result<T, ModelError> {
    serde_json::from_value(object_json(doc, &ROOT, ObjType::Map))
        .map_err(|e| ModelError::Decode(e.to_string()))
}

fn object_json(doc: &AutoCommit, obj: &ObjId, kind: ObjType) -> serde_json::Value {
    use serde_json::Value as J;
    match kind {
        ObjType::Map | ObjType::Table => J::Object(
            doc.map_range(obj, ..)
                .map(|item| {
                    let value = value_json(doc, item.value.clone(), || item.id());
                    (item.key.into_owned(), value)
                })
                .collect(),
        ),
        ObjType::List => J::Array(
            doc.list_range(obj, ..)
                .map(|item| value_json(doc, item.value.clone(), || item.id()))
                .collect(),
        ),
        ObjType::Text => J::String(doc.text(obj).unwrap_or_default()),
    }
}

/// A value as JSON; `id` names it when it is an object (asked for only then:
/// making an object id costs a lookup).
fn value_json(
    doc: &AutoCommit,
    value: ValueRef<'_>,
    id: impl FnOnce() -> ObjId,
) -> serde_json::Value {
    use automerge::ScalarValueRef as S;
    use serde_json::Value as J;
    match value {
        ValueRef::Object(kind) => object_json(doc, &id(), kind),
        ValueRef::Scalar(s) => match s {
            S::Str(s) => J::String(s.into_owned()),
            S::Int(n) | S::Timestamp(n) | S::Counter(n) => J::from(n),
            S::Uint(n) => J::from(n),
            S::F64(f) => serde_json::Number::from_f64(f).map_or(J::Null, J::Number),
            S::Boolean(b) => J::Bool(b),
            S::Bytes(_) | S::Unknown { .. } | S::Null => J::Null,
        },
    }
}

/// Ends the operation's change, stamped with its time (seconds) and a message
/// naming the operation, so the history reads as what people did.
pub fn commit(doc: &mut AutoCommit, at: Millis, message: &str) {
    doc.commit_with(
        CommitOptions::default()
            .with_message(message.to_owned())
            .with_time(at.div_euclid(1000)),
    );
}

/// The object stored at `key` of `parent`.
pub fn child(doc: &AutoCommit, parent: &ObjId, key: &'static str) -> Result<ObjId, ModelError> {
    match doc.get(parent, key)? {
        Some((Value::Object(_), id)) => Ok(id),
        _ => Err(ModelError::Missing(key)),
    }
}

/// The object stored at `key` of `parent`, where the key is data (an id).
pub fn entry(
    doc: &AutoCommit,
    parent: &ObjId,
    what: &'static str,
    key: &str,
) -> Result<ObjId, ModelError> {
    match doc.get(parent, key)? {
        Some((Value::Object(_), id)) => Ok(id),
        _ => Err(ModelError::NotFound {
            what,
            id: key.to_owned(),
        }),
    }
}

/// Appends an event to the list at `list_key` of the root: the one way field
/// records enter a document.
///
/// An event is never edited after it is recorded, so it is stored as one
/// scalar (compact JSON) rather than a map of fields: one Automerge operation
/// instead of eight, which makes recording and loading several times faster
/// and documents smaller. Concurrent appends merge like any list inserts.
pub fn append_event<T: serde::Serialize>(
    doc: &mut AutoCommit,
    list_key: &'static str,
    event: &T,
) -> Result<(), ModelError> {
    let list = child(doc, &ROOT, list_key)?;
    let end = doc.length(&list);
    let json = serde_json::to_string(event).map_err(|e| ModelError::Decode(e.to_string()))?;
    doc.insert(&list, end, json)?;
    Ok(())
}

/// Reads an event list written by [`append_event`]. An entry this version
/// cannot read (written by a newer app) is skipped, not fatal: it stays in
/// the document for the apps that understand it.
pub fn events<'de, D, T>(d: D) -> Result<Vec<T>, D::Error>
where
    D: serde::Deserializer<'de>,
    T: serde::de::DeserializeOwned,
{
    use serde::Deserialize;
    let raw = Vec::<serde_json::Value>::deserialize(d)?;
    Ok(raw
        .into_iter()
        .filter_map(|v| match v {
            serde_json::Value::String(s) => serde_json::from_str(&s).ok(),
            _ => None,
        })
        .collect())
}

/// For `skip_serializing_if`.
pub fn is_zero(n: &i64) -> bool {
    *n == 0
}

/// For `skip_serializing_if`.
pub fn is_false(b: &bool) -> bool {
    !*b
}

/// Puts a string unless it is empty (absent and empty read the same).
pub fn put_text(
    doc: &mut AutoCommit,
    obj: &ObjId,
    key: &str,
    value: &str,
) -> Result<(), ModelError> {
    if !value.is_empty() {
        doc.put(obj, key, value)?;
    }
    Ok(())
}

/// Requires a non-blank value, trimmed.
pub fn required(field: &str, value: &str) -> Result<String, ModelError> {
    let v = value.trim();
    if v.is_empty() {
        return Err(ModelError::Invalid(format!("{field} is empty")));
    }
    Ok(v.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Role;

    #[test]
    fn a_document_knows_its_kind_and_refuses_others() {
        let actor = Actor::seeded("staff-1", "phone-1", Role::Staff, 1);
        let mut doc = create(DocKind::Round, &actor).unwrap();
        commit(&mut doc, 0, "create");
        check(&doc, DocKind::Round).unwrap();
        match check(&doc, DocKind::Ledger) {
            Err(ModelError::WrongKind {
                expected: "ledger",
                found,
            }) => assert_eq!(found, "round"),
            other => panic!("{other:?}"),
        }
        let reloaded = load(&doc.save(), &actor).unwrap();
        check(&reloaded, DocKind::Round).unwrap();
        assert_ne!(reloaded.get_actor(), doc.get_actor());
    }

    #[test]
    fn a_newer_schema_is_refused_not_misread() {
        let actor = Actor::seeded("s", "d", Role::Staff, 2);
        let mut doc = create(DocKind::Community, &actor).unwrap();
        doc.put(ROOT, "schema", SCHEMA + 1).unwrap();
        assert!(matches!(
            check(&doc, DocKind::Community),
            Err(ModelError::SchemaTooNew { .. })
        ));
        let empty = AutoCommit::new();
        assert!(matches!(
            check(&empty, DocKind::Community),
            Err(ModelError::Missing(_))
        ));
    }

    #[test]
    fn garbage_bytes_are_an_error_not_a_panic() {
        let actor = Actor::seeded("s", "d", Role::Staff, 3);
        assert!(load(b"not an automerge document", &actor).is_err());
    }
}
