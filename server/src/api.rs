//! The HTTP API the app calls besides `/sync`:
//!
//! - `POST /api/invites/redeem` `{code, device_name}` → a device token (the
//!   only time it is shown), the device and its community;
//! - `GET /api/me` → the device the bearer token belongs to;
//! - `POST /api/invites/preview` `{code}` → the invite's community and role,
//!   without using it (the recruitment form names the community);
//! - `POST /api/invites` (staff) `{role, building?, uses?, expires_in_hours?,
//!   approval?}` → a new invite code and its join link; `approval` (volunteers
//!   only) makes a recruitment link (`/recruit#CODE`) whose devices wait for
//!   staff approval, syncing only their own volunteer document until then;
//! - `GET /api/applications` (staff) → the community's devices waiting for
//!   approval, oldest first;
//! - `POST /api/devices/{id}/approve` (staff) → the device becomes a member;
//!   its open sockets get the documents they were refused;
//! - `PUT /api/documents/{id}/scope` `{scope}` → declares who may sync a
//!   document (before or after it first syncs), within what the role may grant;
//! - `POST /api/devices/{id}/revoke` (staff) → the device's sockets close.
//!
//! The bodies are [`linli_shared::api`]'s types, shared with the app. Every
//! handler answers `Result<_, AppError>`: a refusal is `{"error": code}` with
//! a stable code the app translates ([`AppError`] lists them).
//! `/api/invites/*` answers 429 `too_many_requests` to an address calling it
//! more than `--max-invite-calls-per-minute` times a minute (guessing codes).

use axum::{
    Json, Router,
    extract::{Path, State},
    http::{HeaderMap, StatusCode, header},
    routing::{get, post, put},
};
use linli_shared::api::{
    Application, DeviceView, MintRequest, Minted, Preview, PreviewRequest, RedeemRequest, Redeemed,
    ScopeRequest, ScopeView, path,
};
use linli_shared::model::actor::Role;
use linli_shared::sync::{DocumentId, Scope};

use crate::AppState;
use crate::auth::{blocking, device_from};
use crate::error::AppError;
use crate::hub::HubEvent;
use crate::quota::Socket;
use crate::secret;
use crate::storage::{Device, NewInvite, RedeemError, Registration};

/// Longest device name, building name and the like.
const MAX_NAME: usize = 80;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route(path::REDEEM, post(redeem))
        .route(path::PREVIEW, post(preview))
        .route(path::INVITES, post(mint_invite))
        .route(path::ME, get(me))
        .route("/api/documents/{id}/scope", put(declare_scope))
        .route("/api/devices/{id}/revoke", post(revoke))
        .route("/api/devices/{id}/approve", post(approve))
        .route(path::APPLICATIONS, get(applications))
}

/// Counts a call to `/api/invites/*` against the caller's address; refused
/// when it is over its allowance.
fn invite_allowance(state: &AppState, socket: Socket, headers: &HeaderMap) -> Result<(), AppError> {
    let client = state.addresses.client(socket.0, headers);
    if state.addresses.invite_call(client) {
        return Ok(());
    }
    let quota = "invite_calls";
    state.metrics.quota_refusals.add(quota);
    Err(AppError::TooManyRequests { quota })
}

/// The code of a redeem or preview body, trimmed; a code no invite can
/// have is unknown without asking storage.
fn invite_code(code: &str) -> Result<String, AppError> {
    let code = code.trim();
    if code.is_empty() || code.len() > 64 {
        return Err(RedeemError::Unknown.into());
    }
    Ok(code.to_owned())
}

async fn redeem(
    State(state): State<AppState>,
    socket: Socket,
    headers: HeaderMap,
    body: Option<Json<RedeemRequest>>,
) -> Result<Json<Redeemed>, AppError> {
    invite_allowance(&state, socket, &headers)?;
    let Json(body) = body.ok_or(AppError::BadRequest)?;
    let code = invite_code(&body.code)?;
    let name: String = body.device_name.trim().chars().take(MAX_NAME).collect();
    let token = secret::new_token();
    let (code_hash, token_hash) = (secret::hash(&code), secret::hash(&token));
    let r = blocking(&state, move |s| {
        s.redeem_invite(&code_hash, &name, &token_hash, secret::now_millis())
    })
    .await??;
    tracing::info!(device = %r.device.id, community = %r.community.id, role = r.device.role.as_str(), "invite redeemed");
    Ok(Json(Redeemed {
        token,
        view: DeviceView::new(r.device, r.community),
    }))
}

/// What a code is for, before the person fills in a form for it. A POST, so
/// that the code stays out of URLs and logs.
async fn preview(
    State(state): State<AppState>,
    socket: Socket,
    headers: HeaderMap,
    body: Option<Json<PreviewRequest>>,
) -> Result<Json<Preview>, AppError> {
    invite_allowance(&state, socket, &headers)?;
    let Json(body) = body.ok_or(AppError::BadRequest)?;
    let hash = secret::hash(&invite_code(&body.code)?);
    let (invite, community) = blocking(&state, move |s| {
        s.preview_invite(&hash, secret::now_millis())
    })
    .await??;
    Ok(Json(Preview {
        community,
        role: invite.role,
        approval: invite.approval,
        expires_at: invite.expires_at,
    }))
}

async fn me(
    State(state): State<AppState>,
    headers: HeaderMap,
) -> Result<Json<DeviceView>, AppError> {
    let device = device_from(&state, &headers).await?;
    let id = device.community.clone();
    match blocking(&state, move |s| s.community(&id)).await? {
        Some(community) => Ok(Json(DeviceView::new(device, community))),
        None => Err(AppError::CommunityUnknown {
            community: device.community,
        }),
    }
}

/// Checks an invite's fields the same way for the API and the command line:
/// the building, trimmed, or [`AppError::BuildingTooLong`] or
/// [`AppError::LeadNeedsBuilding`].
pub fn invite_fields(role: Role, building: Option<String>) -> Result<Option<String>, AppError> {
    let building = building
        .map(|b| b.trim().to_owned())
        .filter(|b| !b.is_empty());
    if building
        .as_ref()
        .is_some_and(|b| b.chars().count() > MAX_NAME)
    {
        return Err(AppError::BuildingTooLong);
    }
    if role == Role::Lead && building.is_none() {
        return Err(AppError::LeadNeedsBuilding);
    }
    Ok(building)
}

/// The join link for an invite code: the code travels in the fragment, so
/// it never reaches a server log or a `Referer` header.
pub fn join_link(base: &str, code: &str) -> String {
    format!("{}/join#{code}", base.trim_end_matches('/'))
}

/// The recruitment link for an invite that needs approval: it opens the
/// registration form rather than the plain join screen.
pub fn recruit_link(base: &str, code: &str) -> String {
    format!("{}/recruit#{code}", base.trim_end_matches('/'))
}

async fn mint_invite(
    State(state): State<AppState>,
    socket: Socket,
    headers: HeaderMap,
    body: Option<Json<MintRequest>>,
) -> Result<Json<Minted>, AppError> {
    invite_allowance(&state, socket, &headers)?;
    let device = device_from(&state, &headers).await?;
    if device.role != Role::Staff {
        return Err(AppError::StaffOnly { device: device.id });
    }
    let Json(body) = body.ok_or(AppError::BadRequest)?;
    let building = invite_fields(body.role, body.building)?;
    if body.approval && body.role != Role::Volunteer {
        return Err(AppError::ApprovalVolunteersOnly);
    }
    let uses = body.uses.unwrap_or(1).clamp(1, 10_000);
    let hours = i64::from(body.expires_in_hours.unwrap_or(24 * 7).clamp(1, 24 * 90));
    let now = secret::now_millis();
    let new = NewInvite {
        community: device.community.clone(),
        role: body.role,
        building,
        uses,
        expires_at: now + hours * 3_600_000,
        created_by: Some(device.id.clone()),
        approval: body.approval,
    };
    let code = secret::new_invite_code();
    let hash = secret::hash(&code);
    let invite = blocking(&state, move |s| s.create_invite(&new, &hash, now)).await?;
    let base = match &state.public_url {
        Some(url) => url.to_string(),
        None => {
            let host = headers
                .get(header::HOST)
                .and_then(|h| h.to_str().ok())
                .unwrap_or("localhost");
            format!("http://{host}")
        }
    };
    tracing::info!(invite = %invite.id, by = %device.id, role = invite.role.as_str(), approval = invite.approval, "invite minted");
    let link = if invite.approval {
        recruit_link(&base, &code)
    } else {
        join_link(&base, &code)
    };
    Ok(Json(Minted { link, code, invite }))
}

async fn declare_scope(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<String>,
    body: Option<Json<ScopeRequest>>,
) -> Result<Json<ScopeView>, AppError> {
    let device = device_from(&state, &headers).await?;
    let document = DocumentId::from_url(&id)
        .or_else(|_| id.parse())
        .map_err(|_| AppError::BadDocumentId)?;
    let Json(ScopeRequest { scope }) = body.ok_or(AppError::BadScope)?;
    if !scope.grantable_by(&device.member()) {
        return Err(AppError::ScopeNotGrantable { device: device.id });
    }
    // Before approval a device starts one document only: its own.
    if device.pending && document != DocumentId::for_volunteer(&device.community, &device.id) {
        return Err(AppError::PendingApproval { device: device.id });
    }
    let r = blocking(&state, {
        let device = device.clone();
        let scope = scope.clone();
        move |s| -> Result<Registration, AppError> {
            let wanted = Registration {
                document,
                community: device.community.clone(),
                scope: scope.clone(),
                creator: device.id.clone(),
                created_at: secret::now_millis(),
            };
            let current = match s.registration(&document)? {
                Some(r) => r,
                None => {
                    let r = s.register(&wanted)?;
                    if r == wanted {
                        return Ok(r);
                    }
                    r
                }
            };
            // Another community's document: as if it did not exist.
            if current.community != device.community || !current.admits(&device) {
                return Err(AppError::DocumentUnknown { device: device.id });
            }
            let in_their_building = device.role == Role::Lead
                && matches!(&current.scope,
                    Scope::Building { building } | Scope::Members { building: Some(building), .. }
                    if Some(building.as_str()) == device.building.as_deref());
            let may_change =
                device.role == Role::Staff || current.creator == device.id || in_their_building;
            if !may_change {
                return Err(AppError::NotAllowed { device: device.id });
            }
            s.set_scope(&document, &scope)?;
            Ok(Registration { scope, ..current })
        }
    })
    .await?;
    state.hub.send(HubEvent::ScopeChanged { document }).await;
    tracing::info!(document = %document, by = %device.id, scope = r.scope.kind(), "scope declared");
    Ok(Json(ScopeView {
        document,
        scope: r.scope,
        creator: r.creator,
    }))
}

/// The staff device calling, and the device `id` of its community.
async fn staff_and_device(
    state: &AppState,
    headers: &HeaderMap,
    id: &str,
) -> Result<(Device, Device), AppError> {
    let staff = staff_from(state, headers).await?;
    let target = id.to_owned();
    match blocking(state, move |s| s.device(&target)).await? {
        Some(d) if d.community == staff.community => Ok((staff, d)),
        _ => Err(AppError::DeviceUnknown {
            device: id.to_owned(),
        }),
    }
}

/// The staff device calling (approved: a pending device is a volunteer).
async fn staff_from(state: &AppState, headers: &HeaderMap) -> Result<Device, AppError> {
    let staff = device_from(state, headers).await?;
    if staff.role != Role::Staff || staff.pending {
        return Err(AppError::StaffOnly { device: staff.id });
    }
    Ok(staff)
}

async fn revoke(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Result<StatusCode, AppError> {
    let (staff, _) = staff_and_device(&state, &headers, &id).await?;
    let target = id.clone();
    blocking(&state, move |s| {
        s.revoke_device(&target, secret::now_millis())
    })
    .await?;
    state
        .hub
        .send(HubEvent::Revoked { device: id.clone() })
        .await;
    tracing::info!(device = %id, by = %staff.id, "device revoked");
    Ok(StatusCode::NO_CONTENT)
}

/// Staff let a recruited volunteer in: the device becomes a member, and its
/// open sockets are offered what they were refused while it waited.
async fn approve(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Result<StatusCode, AppError> {
    let (staff, target) = staff_and_device(&state, &headers, &id).await?;
    if target.is_revoked() {
        return Err(AppError::DeviceRevoked { device: id });
    }
    if !target.pending {
        return Err(AppError::NotPending { device: id });
    }
    let (device, by) = (id.clone(), staff.id.clone());
    let approved = blocking(&state, move |s| {
        s.approve_device(&device, &by, secret::now_millis())
    })
    .await?;
    if !approved {
        // Revoked or approved by someone else in the meantime.
        return Err(AppError::NotPending { device: id });
    }
    state
        .hub
        .send(HubEvent::Approved { device: id.clone() })
        .await;
    tracing::info!(device = %id, by = %staff.id, "device approved");
    Ok(StatusCode::NO_CONTENT)
}

/// The community's devices waiting for approval, oldest first.
async fn applications(
    State(state): State<AppState>,
    headers: HeaderMap,
) -> Result<Json<Vec<Application>>, AppError> {
    let staff = staff_from(&state, &headers).await?;
    let community = staff.community;
    let devices = blocking(&state, move |s| s.pending_devices(&community)).await?;
    Ok(Json(
        devices
            .into_iter()
            .map(|d| Application {
                id: d.id,
                name: d.name,
                created_at: d.created_at,
            })
            .collect(),
    ))
}
