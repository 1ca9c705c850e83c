//! The link to the relay: one WebSocket to `/sync?token=…` at a time,
//! reconnecting with exponential backoff and jitter (1 s doubling to 5 min,
//! so a relay that is down for days is not hammered), and at once when the
//! browser comes online, when the app becomes visible, or when the user taps
//! "sync now". The engine resyncs every open document on each connection.

use futures::{FutureExt, StreamExt, channel::mpsc, select};
use gloo_timers::future::TimeoutFuture;
use leptos::prelude::*;
use linli_shared::sync::engine::Event;
use wasm_bindgen::{JsCast, closure::Closure};

use super::{Link, Repo};
use crate::api::{self, ApiError};

/// The relay closes with this code when the device has been revoked.
const CLOSE_REVOKED: u16 = 4401;
const FIRST_DELAY_MS: f64 = 1_000.0;
const MAX_DELAY_MS: f64 = 300_000.0;

pub(super) enum SocketEvent {
    Open,
    Frame(Vec<u8>),
    Closed(u16, String),
}

/// How one connection ended.
enum Ended {
    /// The relay let us join (and later closed, or the network went).
    Joined,
    /// Never joined: unreachable, or refused at the handshake.
    NotJoined,
    /// The relay refused what this phone sent (a quota, damaged changes):
    /// trying again at once would only be refused again.
    Refused,
}

/// Backoff before attempt `failures` (≥ 1): doubling, capped, with jitter
/// between half and all of it, so phones that lost the relay together do
/// not all return in the same second.
pub fn backoff_ms(failures: u32, random: f64) -> f64 {
    let full =
        (FIRST_DELAY_MS * 2f64.powi(failures.saturating_sub(1).min(20) as i32)).min(MAX_DELAY_MS);
    full * (0.5 + 0.5 * random.clamp(0.0, 1.0))
}

fn online() -> bool {
    window().navigator().on_line()
}

pub fn spawn(repo: Repo, wake: mpsc::UnboundedReceiver<()>) {
    // Wake-ups: the network returns, the app is looked at again.
    let on_online = {
        let repo = repo.clone();
        window_event_listener(leptos::ev::online, move |_| repo.wake())
    };
    let on_offline = {
        let repo = repo.clone();
        // The browser knows first: drop the socket rather than wait for a ping.
        window_event_listener(leptos::ev::offline, move |_| repo.drop_socket())
    };
    let on_visible = {
        let repo = repo.clone();
        Closure::<dyn FnMut()>::new(move || {
            if document().visibility_state() == web_sys::VisibilityState::Visible {
                repo.wake();
            }
        })
    };
    let _ = document()
        .add_event_listener_with_callback("visibilitychange", on_visible.as_ref().unchecked_ref());
    on_visible.forget();
    std::mem::forget((on_online, on_offline));
    wasm_bindgen_futures::spawn_local(run(repo, wake));
}

async fn run(repo: Repo, mut wake: mpsc::UnboundedReceiver<()>) {
    let mut failures: u32 = 0;
    loop {
        if repo.signals.link.get_untracked() == Link::Revoked {
            return;
        }
        if !online() {
            repo.signals.link.set(Link::Offline);
            if wake.next().await.is_none() {
                return;
            }
            continue;
        }
        repo.signals.link.set(Link::Connecting);
        repo.declare_scopes().await;
        if repo.signals.link.get_untracked() == Link::Revoked {
            return;
        }
        let ended = connect_once(&repo).await;
        if repo.signals.link.get_untracked() == Link::Revoked {
            return;
        }
        repo.signals.link.set(Link::Offline);
        let joined = matches!(ended, Ended::Joined);
        if matches!(ended, Ended::Refused) {
            // Back off as far as after many failures: a quota frees up
            // tomorrow or when staff act, not in a second.
            failures = 9;
        } else if joined {
            failures = 0;
        } else {
            failures += 1;
            // A socket refused at the handshake hides its status; ask the API
            // whether this device is still a member.
            if failures >= 2 && repo.check_membership().await {
                return;
            }
        }
        let delay = if joined && failures == 0 {
            // A relay that let us in and then closed is restarting, most likely.
            backoff_ms(1, js_sys::Math::random())
        } else {
            backoff_ms(failures, js_sys::Math::random())
        };
        // Drain wake-ups that arrived while connected.
        while wake.try_recv().is_ok() {}
        select! {
            _ = TimeoutFuture::new(delay as u32).fuse() => {}
            w = wake.next() => if w.is_none() { return },
        }
    }
}

/// The community rides along only so that a load balancer in front of
/// several relays can send a community's phones to the same relay (the
/// relay itself goes by the token).
fn sync_url(token: &str, community: &str) -> String {
    let location = window().location();
    let protocol = if location.protocol().unwrap_or_default() == "https:" {
        "wss:"
    } else {
        "ws:"
    };
    let host = location.host().unwrap_or_default();
    format!("{protocol}//{host}/sync?community={community}&token={token}")
}

/// One connection, from open to close.
async fn connect_once(repo: &Repo) -> Ended {
    let session = repo.session();
    let Ok(socket) = web_sys::WebSocket::new(&sync_url(&session.token, &session.community)) else {
        return Ended::NotJoined;
    };
    socket.set_binary_type(web_sys::BinaryType::Arraybuffer);
    let (tx, mut rx) = mpsc::unbounded::<SocketEvent>();
    let on_open = {
        let tx = tx.clone();
        Closure::<dyn FnMut()>::new(move || {
            let _ = tx.unbounded_send(SocketEvent::Open);
        })
    };
    let on_message = {
        let tx = tx.clone();
        Closure::<dyn FnMut(web_sys::MessageEvent)>::new(move |e: web_sys::MessageEvent| {
            if let Ok(buffer) = e.data().dyn_into::<js_sys::ArrayBuffer>() {
                let bytes = js_sys::Uint8Array::new(&buffer).to_vec();
                let _ = tx.unbounded_send(SocketEvent::Frame(bytes));
            }
        })
    };
    let on_close = {
        let tx = tx.clone();
        Closure::<dyn FnMut(web_sys::CloseEvent)>::new(move |e: web_sys::CloseEvent| {
            let _ = tx.unbounded_send(SocketEvent::Closed(e.code(), e.reason()));
        })
    };
    socket.set_onopen(Some(on_open.as_ref().unchecked_ref()));
    socket.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
    socket.set_onclose(Some(on_close.as_ref().unchecked_ref()));
    let conn = repo.attach(socket.clone(), tx.clone());
    let mut ended = Ended::NotJoined;
    while let Some(event) = rx.next().await {
        match event {
            SocketEvent::Open => repo.handle(Event::Connected { conn }),
            SocketEvent::Frame(bytes) => {
                repo.handle(Event::Received { conn, bytes });
                if repo.inner.borrow().engine.peer_of(conn).is_some() {
                    if matches!(ended, Ended::NotJoined) {
                        // Through again: whatever was refused before is not now.
                        repo.signals.refusal.set(None);
                    }
                    ended = Ended::Joined;
                }
                repo.check_confirmed();
            }
            SocketEvent::Closed(code, reason) => {
                if code == CLOSE_REVOKED {
                    repo.signals.link.set(Link::Revoked);
                }
                if let Some(refusal) = super::Refusal::from_close(code, &reason) {
                    repo.signals.refusal.set(Some(refusal));
                    ended = Ended::Refused;
                }
                break;
            }
        }
    }
    socket.set_onopen(None);
    socket.set_onmessage(None);
    socket.set_onclose(None);
    repo.detach(conn);
    ended
}

impl Repo {
    fn attach(
        &self,
        socket: web_sys::WebSocket,
        hang_up: mpsc::UnboundedSender<SocketEvent>,
    ) -> u64 {
        let mut inner = self.inner.borrow_mut();
        let conn = inner.next_conn;
        inner.next_conn += 1;
        inner.socket = Some((conn, socket));
        inner.hang_up = Some(hang_up);
        conn
    }

    fn detach(&self, conn: u64) {
        let was = {
            let mut inner = self.inner.borrow_mut();
            match &inner.socket {
                Some((c, _)) if *c == conn => {
                    inner.hang_up = None;
                    inner.socket.take()
                }
                _ => None,
            }
        };
        if let Some((_, socket)) = was {
            let _ = socket.close();
        }
        self.handle(Event::Disconnected { conn });
    }

    /// Ends the connection now (the browser went offline): the phone shows
    /// "offline" at once instead of waiting out a closing handshake that an
    /// unreachable relay never answers; the socket is closed on the way out.
    pub fn drop_socket(&self) {
        let hang_up = self.inner.borrow().hang_up.clone();
        if let Some(hang_up) = hang_up {
            let _ = hang_up.unbounded_send(SocketEvent::Closed(1000, String::new()));
        }
    }

    /// Tells the relay the scopes of documents this phone started, before
    /// their content goes out (otherwise they would be "creator and staff").
    pub(super) async fn declare_scopes(&self) {
        let (pending, token) = {
            let inner = self.inner.borrow();
            (inner.pending_scopes.clone(), inner.session.token.clone())
        };
        if pending.is_empty() {
            return;
        }
        let mut done = Vec::new();
        for p in &pending {
            match api::declare_scope(&token, &p.document, p.scope.clone()).await {
                Ok(_) => done.push(p.clone()),
                Err(ApiError::Network) => return,
                Err(ApiError::Refused { status: 401, .. }) => {
                    self.signals.link.set(Link::Revoked);
                    return;
                }
                // Refused for good (not ours to scope): keep the default.
                Err(e) => {
                    leptos::logging::warn!("scope of {} refused: {}", p.document, e.code());
                    done.push(p.clone());
                }
            }
        }
        self.inner.borrow_mut().pending_scopes.retain(|p| {
            !done
                .iter()
                .any(|d| d.document == p.document && d.scope == p.scope)
        });
        self.save_pending_scopes();
    }

    /// Asks `/api/me`; marks the device revoked (and returns true) when the
    /// relay no longer knows it.
    async fn check_membership(&self) -> bool {
        let token = self.session().token;
        match api::me(&token).await {
            Err(ApiError::Refused { status: 401, .. }) => {
                self.signals.link.set(Link::Revoked);
                true
            }
            _ => false,
        }
    }
}
