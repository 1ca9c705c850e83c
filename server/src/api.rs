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
//! Errors are `{"error": code}` with a stable code the app translates.
//! `/api/invites/*` answers 429 `too_many_requests` to an address calling it
//! more than `--max-invite-calls-per-minute` times a minute (guessing codes).

use axum::{
    Json, Router,
    extract::{Path, State},
    http::{HeaderMap, StatusCode, header},
    response::{IntoResponse, Response},
    routing::{get, post, put},
};
use linli_shared::model::actor::Role;
use linli_shared::sync::{DocumentId, Scope};
use serde::{Deserialize, Serialize};

use crate::AppState;
use crate::auth::{blocking, device_from, refuse};
use crate::hub::HubEvent;
use crate::quota::Socket;
use crate::secret;
use crate::storage::{Community, Device, Invite, NewInvite, RedeemError, Registration};

/// Longest device name, building name and the like.
const MAX_NAME: usize = 80;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/invites/redeem", post(redeem))
        .route("/api/invites/preview", post(preview))
        .route("/api/invites", post(mint_invite))
        .route("/api/me", get(me))
        .route("/api/documents/{id}/scope", put(declare_scope))
        .route("/api/devices/{id}/revoke", post(revoke))
        .route("/api/devices/{id}/approve", post(approve))
        .route("/api/applications", get(applications))
}

#[derive(Deserialize)]
struct RedeemRequest {
    code: String,
    #[serde(default)]
    device_name: String,
}

#[derive(Serialize)]
struct DeviceView {
    device: Device,
    community: Community,
    /// Where the community document lives (`DocumentId::for_community`).
    community_document: DocumentId,
}

impl DeviceView {
    fn new(device: Device, community: Community) -> Self {
        let community_document = DocumentId::for_community(&community.id);
        DeviceView {
            device,
            community,
            community_document,
        }
    }
}

#[derive(Serialize)]
struct Redeemed {
    token: String,
    #[serde(flatten)]
    view: DeviceView,
}

/// Counts a call to `/api/invites/*` against the caller's address; the
/// refusal when it is over its allowance.
fn over_invite_allowance(
    state: &AppState,
    socket: Socket,
    headers: &HeaderMap,
) -> Option<Response> {
    let client = state.addresses.client(socket.0, headers);
    if state.addresses.invite_call(client) {
        return None;
    }
    state.metrics.quota_refusals.add("invite_calls");
    tracing::info!("invite calls from one address over the limit; refused");
    Some(refuse(StatusCode::TOO_MANY_REQUESTS, "too_many_requests"))
}

async fn redeem(
    State(state): State<AppState>,
    socket: Socket,
    headers: HeaderMap,
    body: Option<Json<RedeemRequest>>,
) -> Response {
    if let Some(refusal) = over_invite_allowance(&state, socket, &headers) {
        return refusal;
    }
    let Some(Json(body)) = body else {
        return refuse(StatusCode::BAD_REQUEST, "bad_request");
    };
    let code = body.code.trim().to_owned();
    if code.is_empty() || code.len() > 64 {
        return refuse(StatusCode::NOT_FOUND, "invite_unknown");
    }
    let name: String = body.device_name.trim().chars().take(MAX_NAME).collect();
    let token = secret::new_token();
    let (code_hash, token_hash) = (secret::hash(&code), secret::hash(&token));
    let result = blocking(&state, move |s| {
        s.redeem_invite(&code_hash, &name, &token_hash, secret::now_millis())
    })
    .await;
    match result {
        Ok(Ok(r)) => {
            tracing::info!(device = %r.device.id, community = %r.community.id, role = r.device.role.as_str(), "invite redeemed");
            Json(Redeemed {
                token,
                view: DeviceView::new(r.device, r.community),
            })
            .into_response()
        }
        Ok(Err(e)) => refuse_invite(e),
        Err(response) => response,
    }
}

fn refuse_invite(e: RedeemError) -> Response {
    let (status, code) = match e {
        RedeemError::Unknown => (StatusCode::NOT_FOUND, "invite_unknown"),
        RedeemError::Expired => (StatusCode::GONE, "invite_expired"),
        RedeemError::UsedUp => (StatusCode::GONE, "invite_used_up"),
        RedeemError::Revoked => (StatusCode::GONE, "invite_revoked"),
    };
    refuse(status, code)
}

#[derive(Deserialize)]
struct PreviewRequest {
    code: String,
}

#[derive(Serialize)]
struct Preview {
    community: Community,
    role: Role,
    approval: bool,
    expires_at: i64,
}

/// What a code is for, before the person fills in a form for it. A POST, so
/// that the code stays out of URLs and logs.
async fn preview(
    State(state): State<AppState>,
    socket: Socket,
    headers: HeaderMap,
    body: Option<Json<PreviewRequest>>,
) -> Response {
    if let Some(refusal) = over_invite_allowance(&state, socket, &headers) {
        return refusal;
    }
    let Some(Json(body)) = body else {
        return refuse(StatusCode::BAD_REQUEST, "bad_request");
    };
    let code = body.code.trim().to_owned();
    if code.is_empty() || code.len() > 64 {
        return refuse(StatusCode::NOT_FOUND, "invite_unknown");
    }
    let hash = secret::hash(&code);
    match blocking(&state, move |s| {
        s.preview_invite(&hash, secret::now_millis())
    })
    .await
    {
        Ok(Ok((invite, community))) => Json(Preview {
            community,
            role: invite.role,
            approval: invite.approval,
            expires_at: invite.expires_at,
        })
        .into_response(),
        Ok(Err(e)) => refuse_invite(e),
        Err(response) => response,
    }
}

async fn me(State(state): State<AppState>, headers: HeaderMap) -> Response {
    let device = match device_from(&state, &headers).await {
        Ok(d) => d,
        Err(r) => return r,
    };
    let id = device.community.clone();
    match blocking(&state, move |s| s.community(&id)).await {
        Ok(Some(community)) => Json(DeviceView::new(device, community)).into_response(),
        Ok(None) => refuse(StatusCode::NOT_FOUND, "community_unknown"),
        Err(r) => r,
    }
}

#[derive(Deserialize)]
struct MintRequest {
    role: Role,
    #[serde(default)]
    building: Option<String>,
    #[serde(default)]
    uses: Option<u32>,
    #[serde(default)]
    expires_in_hours: Option<u32>,
    /// A recruitment link: its devices wait for staff approval.
    #[serde(default)]
    approval: bool,
}

#[derive(Serialize)]
pub struct Minted {
    pub code: String,
    pub link: String,
    pub invite: Invite,
}

/// Checks an invite's fields the same way for the API and the command line.
pub fn invite_fields(role: Role, building: Option<String>) -> Result<Option<String>, &'static str> {
    let building = building
        .map(|b| b.trim().to_owned())
        .filter(|b| !b.is_empty());
    if building
        .as_ref()
        .is_some_and(|b| b.chars().count() > MAX_NAME)
    {
        return Err("building_too_long");
    }
    if role == Role::Lead && building.is_none() {
        return Err("lead_needs_building");
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
) -> Response {
    if let Some(refusal) = over_invite_allowance(&state, socket, &headers) {
        return refusal;
    }
    let device = match device_from(&state, &headers).await {
        Ok(d) => d,
        Err(r) => return r,
    };
    if device.role != Role::Staff {
        return refuse(StatusCode::FORBIDDEN, "staff_only");
    }
    let Some(Json(body)) = body else {
        return refuse(StatusCode::BAD_REQUEST, "bad_request");
    };
    let building = match invite_fields(body.role, body.building) {
        Ok(b) => b,
        Err(code) => return refuse(StatusCode::BAD_REQUEST, code),
    };
    if body.approval && body.role != Role::Volunteer {
        return refuse(StatusCode::BAD_REQUEST, "approval_volunteers_only");
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
    let invite = match blocking(&state, move |s| s.create_invite(&new, &hash, now)).await {
        Ok(i) => i,
        Err(r) => return r,
    };
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
    Json(Minted { link, code, invite }).into_response()
}

#[derive(Deserialize)]
struct ScopeRequest {
    scope: Scope,
}

#[derive(Serialize)]
struct ScopeView {
    document: DocumentId,
    scope: Scope,
    creator: String,
}

async fn declare_scope(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<String>,
    body: Option<Json<ScopeRequest>>,
) -> Response {
    let device = match device_from(&state, &headers).await {
        Ok(d) => d,
        Err(r) => return r,
    };
    let Ok(document) = DocumentId::from_url(&id).or_else(|_| id.parse()) else {
        return refuse(StatusCode::BAD_REQUEST, "bad_document_id");
    };
    let Some(Json(ScopeRequest { scope })) = body else {
        return refuse(StatusCode::BAD_REQUEST, "bad_scope");
    };
    if !scope.grantable_by(&device.member()) {
        return refuse(StatusCode::FORBIDDEN, "scope_not_grantable");
    }
    // Before approval a device starts one document only: its own.
    if device.pending && document != DocumentId::for_volunteer(&device.community, &device.id) {
        return refuse(StatusCode::FORBIDDEN, "pending_approval");
    }
    let result = blocking(&state, {
        let device = device.clone();
        let scope = scope.clone();
        move |s| -> Result<Result<Registration, StatusCode>, _> {
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
                        return Ok(Ok(r));
                    }
                    r
                }
            };
            // Another community's document: as if it did not exist.
            if current.community != device.community || !current.admits(&device) {
                return Ok(Err(StatusCode::NOT_FOUND));
            }
            let in_their_building = device.role == Role::Lead
                && matches!(&current.scope,
                    Scope::Building { building } | Scope::Members { building: Some(building), .. }
                    if Some(building.as_str()) == device.building.as_deref());
            let may_change =
                device.role == Role::Staff || current.creator == device.id || in_their_building;
            if !may_change {
                return Ok(Err(StatusCode::FORBIDDEN));
            }
            s.set_scope(&document, &scope)?;
            Ok(Ok(Registration { scope, ..current }))
        }
    })
    .await;
    match result {
        Ok(Ok(r)) => {
            state.hub.send(HubEvent::ScopeChanged { document }).await;
            tracing::info!(document = %document, by = %device.id, scope = r.scope.kind(), "scope declared");
            Json(ScopeView {
                document,
                scope: r.scope,
                creator: r.creator,
            })
            .into_response()
        }
        Ok(Err(StatusCode::NOT_FOUND)) => refuse(StatusCode::NOT_FOUND, "document_unknown"),
        Ok(Err(_)) => refuse(StatusCode::FORBIDDEN, "not_allowed"),
        Err(r) => r,
    }
}

/// The staff device calling, and the device `id` of its community.
async fn staff_and_device(
    state: &AppState,
    headers: &HeaderMap,
    id: &str,
) -> Result<(Device, Device), Response> {
    let staff = device_from(state, headers).await?;
    if staff.role != Role::Staff || staff.pending {
        return Err(refuse(StatusCode::FORBIDDEN, "staff_only"));
    }
    let target = id.to_owned();
    match blocking(state, move |s| s.device(&target)).await? {
        Some(d) if d.community == staff.community => Ok((staff, d)),
        _ => Err(refuse(StatusCode::NOT_FOUND, "device_unknown")),
    }
}

async fn revoke(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Response {
    let staff = match staff_and_device(&state, &headers, &id).await {
        Ok((staff, _)) => staff,
        Err(r) => return r,
    };
    let target = id.clone();
    if let Err(r) = blocking(&state, move |s| {
        s.revoke_device(&target, secret::now_millis())
    })
    .await
    {
        return r;
    }
    state
        .hub
        .send(HubEvent::Revoked { device: id.clone() })
        .await;
    tracing::info!(device = %id, by = %staff.id, "device revoked");
    StatusCode::NO_CONTENT.into_response()
}

/// Staff let a recruited volunteer in: the device becomes a member, and its
/// open sockets are offered what they were refused while it waited.
async fn approve(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Response {
    let (staff, target) = match staff_and_device(&state, &headers, &id).await {
        Ok(pair) => pair,
        Err(r) => return r,
    };
    if target.is_revoked() {
        return refuse(StatusCode::CONFLICT, "device_revoked");
    }
    if !target.pending {
        return refuse(StatusCode::CONFLICT, "not_pending");
    }
    let (device, by) = (id.clone(), staff.id.clone());
    let approved = match blocking(&state, move |s| {
        s.approve_device(&device, &by, secret::now_millis())
    })
    .await
    {
        Ok(a) => a,
        Err(r) => return r,
    };
    if !approved {
        // Revoked or approved by someone else in the meantime.
        return refuse(StatusCode::CONFLICT, "not_pending");
    }
    state
        .hub
        .send(HubEvent::Approved { device: id.clone() })
        .await;
    tracing::info!(device = %id, by = %staff.id, "device approved");
    StatusCode::NO_CONTENT.into_response()
}

#[derive(Serialize)]
struct Application {
    id: String,
    /// The name the person gave when registering.
    name: String,
    created_at: i64,
}

/// The community's devices waiting for approval, oldest first.
async fn applications(State(state): State<AppState>, headers: HeaderMap) -> Response {
    let staff = match device_from(&state, &headers).await {
        Ok(d) => d,
        Err(r) => return r,
    };
    if staff.role != Role::Staff || staff.pending {
        return refuse(StatusCode::FORBIDDEN, "staff_only");
    }
    let community = staff.community.clone();
    match blocking(&state, move |s| s.pending_devices(&community)).await {
        Ok(devices) => Json(
            devices
                .into_iter()
                .map(|d| Application {
                    id: d.id,
                    name: d.name,
                    created_at: d.created_at,
                })
                .collect::<Vec<_>>(),
        )
        .into_response(),
        Err(r) => r,
    }
}
