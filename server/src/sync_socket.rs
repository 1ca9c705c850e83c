//! `/sync`: the WebSocket phones sync over. The device token comes in
//! `?token=` (browsers cannot set headers on a WebSocket) or as
//! `Authorization: Bearer`; it is checked before the upgrade, and never logged.
//!
//! Each connection is one task: frames from the phone go to the hub (waiting
//! when the hub is busy), frames from the hub go to the phone, a ping every
//! 30 s finds phones that vanished, and the hub can close the socket at once
//! (revoked, too slow, protocol error).

use std::collections::HashMap;
use std::sync::atomic::Ordering::Relaxed;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::{
    Router,
    extract::{
        Query, State,
        ws::{CloseFrame, Message, WebSocket, WebSocketUpgrade},
    },
    http::HeaderMap,
    response::Response,
    routing::get,
};
use serde::Deserialize;
use tokio::sync::{mpsc, watch};

use crate::AppState;
use crate::auth::{authenticate, bearer};
use crate::error::AppError;
use crate::hub::{CLOSE_POLICY, ConnLink, HubEvent, Outbound};
use crate::quota::Socket;
use crate::storage::Device;

/// Limits that keep one phone (or one attacker) from hurting the others.
#[derive(Debug, Clone)]
pub struct Limits {
    /// Largest frame or message accepted, in bytes.
    pub max_message_bytes: usize,
    /// Sustained messages per second per device, and the burst allowed
    /// (a phone opening all its documents at once sends one per document).
    pub messages_per_second: f64,
    pub message_burst: f64,
    /// Open sockets per device (tabs of the app on one phone).
    pub connections_per_device: usize,
    /// Frames queued for a phone before it counts as too slow.
    pub outbox: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            max_message_bytes: 8 * 1024 * 1024,
            messages_per_second: 200.0,
            message_burst: 2000.0,
            connections_per_device: 4,
            outbox: 1024,
        }
    }
}

/// Per-device use of the limits, shared by the device's connections, and
/// the relay's open sockets.
#[derive(Debug, Default)]
pub struct Usage {
    devices: Mutex<HashMap<String, DeviceUse>>,
    sockets: std::sync::atomic::AtomicUsize,
}

#[derive(Debug)]
struct DeviceUse {
    connections: usize,
    tokens: f64,
    refilled: Instant,
}

impl Usage {
    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<String, DeviceUse>> {
        self.devices.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// A place for one more socket of `device`, within the device's
    /// allowance and the relay's (`max_sockets`).
    fn connect(
        self: &Arc<Self>,
        device: &str,
        limits: &Limits,
        max_sockets: usize,
    ) -> Result<ConnectionSlot, Full> {
        let mut devices = self.lock();
        if self.sockets.load(Relaxed) >= max_sockets {
            return Err(Full::Relay);
        }
        let entry = devices.entry(device.to_owned()).or_insert(DeviceUse {
            connections: 0,
            tokens: limits.message_burst,
            refilled: Instant::now(),
        });
        if entry.connections >= limits.connections_per_device {
            return Err(Full::Device);
        }
        entry.connections += 1;
        self.sockets.fetch_add(1, Relaxed);
        Ok(ConnectionSlot {
            usage: self.clone(),
            device: device.to_owned(),
        })
    }

    /// Sync sockets open on this relay.
    pub fn sockets(&self) -> usize {
        self.sockets.load(Relaxed)
    }

    /// Takes one message from the device's bucket; false when it is empty.
    fn take(&self, device: &str, limits: &Limits) -> bool {
        let mut devices = self.lock();
        let Some(d) = devices.get_mut(device) else {
            return false;
        };
        let now = Instant::now();
        let refill = now.duration_since(d.refilled).as_secs_f64() * limits.messages_per_second;
        d.tokens = (d.tokens + refill).min(limits.message_burst);
        d.refilled = now;
        if d.tokens >= 1.0 {
            d.tokens -= 1.0;
            true
        } else {
            false
        }
    }
}

/// A connection's place in its device's allowance, given back on drop.
struct ConnectionSlot {
    usage: Arc<Usage>,
    device: String,
}

/// Which allowance a refused socket was over.
enum Full {
    Device,
    Relay,
}

impl Drop for ConnectionSlot {
    fn drop(&mut self) {
        self.usage.sockets.fetch_sub(1, Relaxed);
        let mut devices = self.usage.lock();
        if let Some(d) = devices.get_mut(&self.device) {
            d.connections = d.connections.saturating_sub(1);
            if d.connections == 0 {
                devices.remove(&self.device);
            }
        }
    }
}

pub fn routes() -> Router<AppState> {
    Router::new().route("/sync", get(upgrade))
}

#[derive(Deserialize)]
struct TokenQuery {
    token: Option<String>,
}

async fn upgrade(
    State(state): State<AppState>,
    Query(query): Query<TokenQuery>,
    Socket(socket): Socket,
    headers: HeaderMap,
    ws: WebSocketUpgrade,
) -> Result<Response, AppError> {
    let refused = |e: AppError| {
        state.metrics.connections_refused.fetch_add(1, Relaxed);
        e
    };
    // A hub that does not answer cannot serve a socket: say so, so that a
    // load balancer sends the phone to another relay.
    if !state.hub.lately_alive() {
        return Err(refused(AppError::RelayUnavailable));
    }
    let client = state.addresses.client(socket, &headers);
    // Upgrades without a valid token draw on the address's allowance.
    let anonymous = |e: AppError| {
        if state.addresses.anonymous_upgrade(client) {
            refused(e)
        } else {
            let quota = "anonymous_upgrades";
            state.metrics.quota_refusals.add(quota);
            refused(AppError::TooManyRequests { quota })
        }
    };
    let Some(token) = query.token.or_else(|| bearer(&headers)) else {
        return Err(anonymous(AppError::MissingToken));
    };
    let device = match authenticate(&state, &token).await {
        Ok(d) => d,
        Err(e @ (AppError::UnknownToken | AppError::TokenRevoked { .. })) => {
            return Err(anonymous(e));
        }
        Err(e) => return Err(refused(e)),
    };
    let slot = state
        .usage
        .connect(&device.id, &state.limits, state.quotas.sockets)
        .map_err(|full| {
            refused(match full {
                Full::Device => AppError::TooManyConnections {
                    device: device.id.clone(),
                },
                Full::Relay => {
                    state.metrics.quota_refusals.add("sockets");
                    AppError::RelayFull {
                        max: state.quotas.sockets,
                    }
                }
            })
        })?;
    let max = state.limits.max_message_bytes;
    // Small buffers: a thousand phones at tungstenite's default 128 KiB read
    // and write buffers each would hold a quarter of a gigabyte for nothing;
    // buffers grow for a large message and most messages are small.
    Ok(ws
        .max_message_size(max)
        .max_frame_size(max)
        .read_buffer_size(8 * 1024)
        .write_buffer_size(8 * 1024)
        .on_upgrade(move |socket| connection(socket, state, device, slot)))
}

async fn connection(mut socket: WebSocket, state: AppState, device: Device, slot: ConnectionSlot) {
    let conn = state.next_conn.fetch_add(1, Relaxed);
    let (outbox, mut from_hub) = mpsc::channel(state.limits.outbox);
    let (kill, mut killed) = watch::channel(None);
    let device_id = device.id.clone();
    state
        .hub
        .send(HubEvent::Connect {
            conn,
            link: ConnLink {
                device,
                outbox,
                kill,
            },
        })
        .await;
    state.metrics.connections.fetch_add(1, Relaxed);
    state.metrics.connections_total.fetch_add(1, Relaxed);

    let mut ping = tokio::time::interval(Duration::from_secs(30));
    ping.tick().await;
    let mut heard = Instant::now();
    let close: Option<(u16, String)> = loop {
        tokio::select! {
            incoming = socket.recv() => {
                let message = match incoming {
                    Some(Ok(m)) => m,
                    // The phone went, or sent something the WebSocket layer
                    // refused (a frame over the size limit).
                    Some(Err(e)) => {
                        tracing::debug!(conn, error = %e, "socket error");
                        break Some((1009, "message too big or malformed".into()));
                    }
                    None => break None,
                };
                heard = Instant::now();
                match message {
                    Message::Binary(bytes) => {
                        if !state.usage.take(&device_id, &state.limits) {
                            tracing::info!(conn, device = %device_id, "message rate over the limit; closing");
                            break Some((CLOSE_POLICY, "too many messages".into()));
                        }
                        state.metrics.messages_in.fetch_add(1, Relaxed);
                        state.metrics.bytes_in.fetch_add(bytes.len() as u64, Relaxed);
                        state.hub.send(HubEvent::Frame { conn, bytes: bytes.to_vec(), at: Instant::now() }).await;
                    }
                    Message::Text(_) => break Some((1003, "binary CBOR frames only".into())),
                    Message::Close(_) => break None,
                    Message::Ping(_) | Message::Pong(_) => {}
                }
            }
            out = from_hub.recv() => {
                match out {
                    Some(Outbound::Frame(bytes)) => {
                        let sent = tokio::time::timeout(Duration::from_secs(20), socket.send(Message::Binary(bytes.into()))).await;
                        match sent {
                            Ok(Ok(())) => {}
                            Ok(Err(_)) => break None,
                            // The phone has not taken a message in 20 s: as
                            // slow as one whose queue filled up.
                            Err(_) => {
                                state.metrics.slow_clients_dropped.fetch_add(1, Relaxed);
                                tracing::info!(conn, "phone is not reading its messages; closing");
                                break Some((CLOSE_POLICY, "too slow".into()));
                            }
                        }
                    }
                    Some(Outbound::Close { code, reason }) => break Some((code, reason)),
                    // The hub let go of this connection: killed, with a reason.
                    None => break killed.borrow().clone(),
                }
            }
            _ = killed.changed() => {
                let reason = killed.borrow().clone();
                if reason.is_some() {
                    // Flush what was queued before the close (an `error`
                    // message telling the phone why).
                    while let Ok(Outbound::Frame(bytes)) = from_hub.try_recv() {
                        let _ = tokio::time::timeout(Duration::from_secs(2), socket.send(Message::Binary(bytes.into()))).await;
                    }
                    break reason;
                }
            }
            _ = ping.tick() => {
                if heard.elapsed() > Duration::from_secs(75) {
                    tracing::debug!(conn, "phone silent for 75 s; closing");
                    break None;
                }
                if socket.send(Message::Ping(Default::default())).await.is_err() {
                    break None;
                }
            }
        }
    };
    let closing = close.is_some();
    if let Some((code, mut reason)) = close {
        // A close frame's reason is at most 123 bytes.
        let mut end = reason.len().min(120);
        while !reason.is_char_boundary(end) {
            end -= 1;
        }
        reason.truncate(end);
        let frame = CloseFrame {
            code,
            reason: reason.into(),
        };
        let _ = tokio::time::timeout(
            Duration::from_secs(2),
            socket.send(Message::Close(Some(frame))),
        )
        .await;
    }
    // The phone is gone for the hub, and its place is free, from here on.
    state.hub.send(HubEvent::Disconnect { conn }).await;
    state.metrics.connections.fetch_sub(1, Relaxed);
    drop(slot);
    if closing {
        // Read on (and drop) what the phone still sends until it answers the
        // close, briefly: a socket closed with unread frames is reset, and
        // the reset can take the close frame, and the reason, with it.
        let _ = tokio::time::timeout(Duration::from_secs(2), async {
            while let Some(Ok(m)) = socket.recv().await {
                if matches!(m, Message::Close(_)) {
                    break;
                }
            }
        })
        .await;
    }
}
