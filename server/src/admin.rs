//! The admin commands, for people at a terminal and for scripts: each prints
//! only its result on stdout; explanations and the QR code go to stderr.

use std::io::Write as _;

use anyhow::{Context, bail};
use linli_shared::model::actor::{Actor, Role};
use linli_shared::sync::{
    chunk::{ChunkKind, StoredChunk},
    document_id::DocumentId,
    scope::Scope,
};
use qrcode::QrCode;
use qrcode::render::unicode::Dense1x2;

use crate::api::{invite_fields, join_link};
use crate::error::AppError;
use crate::secret;
use crate::storage::{Database, Moved, NewDevice, NewInvite, Record, Registration, Storage, Write};
use linli_shared::sync::ChunkKey;

pub fn create_community(storage: &dyn Storage, name: &str) -> anyhow::Result<String> {
    let name = name.trim();
    if name.is_empty() {
        bail!("the community needs a name");
    }
    let now = secret::now_millis();
    let c = storage.create_community(name, now)?;
    write_community_document(storage, &c.id, &c.name, now)?;
    eprintln!("created community {:?}", c.name);
    Ok(c.id)
}

/// The relay writes the community's first document itself (name, catalogue,
/// an empty directory), at an id every phone derives from the community id:
/// two staff phones starting it offline would otherwise make two documents
/// whose roots fight over every key.
fn write_community_document(
    storage: &dyn Storage,
    community: &str,
    name: &str,
    now: i64,
) -> anyhow::Result<DocumentId> {
    let actor = Actor::new("relay", "relay", Role::Staff);
    let mut doc = linli_shared::model::community::create(&actor, now, name)?;
    let document = DocumentId::for_community(community);
    let registration = Registration {
        document,
        community: community.to_owned(),
        scope: Scope::Community,
        creator: "relay".to_owned(),
        created_at: now,
    };
    storage.register(&registration)?;
    storage.write(&[Write::Chunk {
        document,
        chunk: StoredChunk::new(ChunkKind::Snapshot, doc.save()),
    }])?;
    Ok(document)
}

/// `7d`, `12h`, `30m` → milliseconds.
pub fn parse_duration(text: &str) -> anyhow::Result<i64> {
    let text = text.trim();
    let (number, unit) = text.split_at(text.len().saturating_sub(1));
    let n: i64 = number
        .parse()
        .with_context(|| format!("{text:?}: expected a number and d, h or m, like 7d"))?;
    let unit_ms = match unit {
        "d" => 86_400_000,
        "h" => 3_600_000,
        "m" => 60_000,
        _ => bail!("{text:?}: expected a number and d, h or m, like 7d"),
    };
    if n <= 0 {
        bail!("{text:?}: must be positive");
    }
    n.checked_mul(unit_ms).context("too long")
}

fn require_community(storage: &dyn Storage, id: &str) -> anyhow::Result<()> {
    if storage.community(id)?.is_none() {
        bail!("no community {id}");
    }
    Ok(())
}

/// The community exists, and a lead has a building the community knows:
/// the checks an invite and a token share. Returns the building's id (the
/// name or number given is looked up, see [`crate::buildings::resolve`]).
fn check_membership(
    storage: &dyn Storage,
    community: &str,
    role: Role,
    building: Option<String>,
) -> anyhow::Result<Option<String>> {
    require_community(storage, community)?;
    let building = invite_fields(role, building).map_err(|e| match e {
        AppError::LeadNeedsBuilding => anyhow::anyhow!(
            "a lead needs --building (its name, e.g. 3号楼, or its id: see `building list --community {community}`)"
        ),
        other => anyhow::anyhow!("{}", other.code()),
    })?;
    building
        .map(|b| crate::buildings::resolve(storage, community, &b))
        .transpose()
}

pub struct InviteOptions<'a> {
    pub community: &'a str,
    pub role: Role,
    pub building: Option<String>,
    pub uses: u32,
    pub expires: &'a str,
    pub url: &'a str,
}

/// Returns the join link; draws its QR code on stderr.
pub fn create_invite(storage: &dyn Storage, o: InviteOptions<'_>) -> anyhow::Result<String> {
    let building = check_membership(storage, o.community, o.role, o.building)?;
    if o.uses == 0 {
        bail!("--uses must be at least 1");
    }
    let now = secret::now_millis();
    let code = secret::new_invite_code();
    let invite = storage.create_invite(
        &NewInvite {
            community: o.community.to_owned(),
            role: o.role,
            building,
            uses: o.uses,
            expires_at: now + parse_duration(o.expires)?,
            created_by: None,
            approval: false,
        },
        &secret::hash(&code),
        now,
    )?;
    let link = join_link(o.url, &code);
    let qr = QrCode::new(link.as_bytes()).context("drawing the QR code")?;
    let picture = qr
        .render::<Dense1x2>()
        .dark_color(Dense1x2::Light)
        .light_color(Dense1x2::Dark)
        .quiet_zone(true)
        .build();
    let mut err = std::io::stderr().lock();
    let _ = writeln!(
        err,
        "{picture}\ninvite {} for a {}{}: {} use(s), scan the code or open the link",
        invite.id,
        invite.role.as_str(),
        invite
            .building
            .as_deref()
            .map(|b| format!(" of building {b}"))
            .unwrap_or_default(),
        invite.uses_left
    );
    Ok(link)
}

pub fn revoke_invite(storage: &dyn Storage, id: &str) -> anyhow::Result<()> {
    if !storage.revoke_invite(id, secret::now_millis())? {
        bail!("no invite {id}");
    }
    eprintln!("invite {id} withdrawn");
    Ok(())
}

/// Returns a device token (shown once).
pub fn create_token(
    storage: &dyn Storage,
    community: &str,
    role: Role,
    building: Option<String>,
    name: &str,
) -> anyhow::Result<String> {
    let building = check_membership(storage, community, role, building)?;
    create_token_as_given(storage, community, role, building, name)
}

/// [`create_token`] with the building taken as given (an id), not looked up
/// in the community's document: for tests and tools that lay out their own
/// documents and scopes.
pub fn create_token_as_given(
    storage: &dyn Storage,
    community: &str,
    role: Role,
    building: Option<String>,
    name: &str,
) -> anyhow::Result<String> {
    require_community(storage, community)?;
    let token = secret::new_token();
    let device = storage.create_device(
        &NewDevice {
            community: community.to_owned(),
            role,
            building,
            name: name.to_owned(),
            pending: false,
        },
        &secret::hash(&token),
        secret::now_millis(),
    )?;
    eprintln!(
        "device {} ({}) created; keep the token secret",
        device.id,
        role.as_str()
    );
    Ok(token)
}

/// One line per device: id, role, building, name, created, status (tab-separated).
pub fn list_devices(storage: &dyn Storage, community: &str) -> anyhow::Result<String> {
    require_community(storage, community)?;
    let mut out = String::new();
    for d in storage.devices(community)? {
        let status = match d.revoked_at {
            Some(at) => format!("revoked {}", iso(at)),
            None if d.pending => "pending".to_owned(),
            None => "active".to_owned(),
        };
        out.push_str(&format!(
            "{}\t{}\t{}\t{}\t{}\t{}\n",
            d.id,
            d.role.as_str(),
            d.building.as_deref().unwrap_or("-"),
            if d.name.is_empty() { "-" } else { &d.name },
            iso(d.created_at),
            status
        ));
    }
    Ok(out)
}

pub fn revoke_device(storage: &dyn Storage, id: &str) -> anyhow::Result<()> {
    if !storage.revoke_device(id, secret::now_millis())? {
        bail!("no device {id}");
    }
    eprintln!("device {id} revoked; running relays close its connections within seconds");
    Ok(())
}

/// Milliseconds since the epoch as UTC `YYYY-MM-DDTHH:MMZ`.
fn iso(millis: i64) -> String {
    let secs = millis.div_euclid(1000);
    let days = secs.div_euclid(86_400);
    let rem = secs.rem_euclid(86_400);
    // Civil from days (Howard Hinnant's algorithm).
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}Z",
        rem / 3600,
        rem % 3600 / 60
    )
}

/// `linli-server migrate`: copies every row of `from` into `to` in one
/// transaction, then checks that each arrived (communities, devices,
/// invites by their effect, registrations, and every chunk of every
/// document).
pub fn migrate(from: &Database, to: &Database) -> anyhow::Result<Moved> {
    if from == to {
        bail!("--from and --to are the same database");
    }
    let source = from.open()?;
    let target = to.open()?;
    eprintln!("copying {from} → {to}");
    let moved = target
        .import(&mut |sink| source.export(sink))
        .with_context(|| format!("copying into {to}; nothing was written there"))?;
    let mut missing = Vec::new();
    let mut chunks: std::collections::BTreeMap<DocumentId, Vec<ChunkKey>> = Default::default();
    source.export(&mut |record| {
        let there = match &record {
            Record::Community(c) => target.community(&c.id)?.is_some(),
            Record::Device { device, .. } => target.device(&device.id)?.is_some(),
            Record::Document(r) => target.registration(&r.document)?.is_some(),
            Record::Invite { .. } => true,
            Record::Chunk { document, chunk } => {
                chunks.entry(*document).or_default().push(chunk.key.clone());
                true
            }
        };
        if !there {
            missing.push(format!("{record:?}").chars().take(80).collect::<String>());
        }
        Ok(())
    })?;
    for (document, keys) in chunks {
        let stored: Vec<ChunkKey> = target
            .load_chunks(&document)?
            .into_iter()
            .map(|c| c.key)
            .collect();
        for key in keys {
            if !stored.contains(&key) {
                missing.push(format!("chunk {} of {document}", key.0));
            }
        }
    }
    if !missing.is_empty() {
        bail!(
            "{} rows did not arrive in {to}, the first: {}",
            missing.len(),
            missing[0]
        );
    }
    Ok(moved)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations() {
        assert_eq!(parse_duration("7d").unwrap(), 7 * 86_400_000);
        assert_eq!(parse_duration("12h").unwrap(), 12 * 3_600_000);
        assert_eq!(parse_duration("30m").unwrap(), 30 * 60_000);
        assert!(parse_duration("7").is_err());
        assert!(parse_duration("d").is_err());
        assert!(parse_duration("-1d").is_err());
        assert!(parse_duration("7w").is_err());
    }

    #[test]
    fn dates() {
        assert_eq!(iso(0), "1970-01-01T00:00Z");
        assert_eq!(iso(1_796_000_000_000), "2026-11-30T00:53Z");
    }
}
