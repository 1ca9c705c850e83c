//! Quotas: how much one device, one community and one client address may
//! ask of the relay, so that no one of them can exhaust it for the others.
//! Each has a default, a flag and an environment variable (`cli.rs`), a
//! clear refusal, and a count in `/metrics` (`linli_quota_refusals_total`).
//!
//! - per device: documents it may register, bytes its messages may add in a
//!   day (UTC); the sync hub checks both (`hub.rs`) and closes the socket
//!   with [`CLOSE_QUOTA`] and the reason;
//! - per community: bytes stored for all its documents;
//! - per relay: open sync sockets (`sync_socket.rs`, 503 `relay_full`);
//! - per client address: WebSocket upgrades without a valid token, and
//!   calls to `/api/invites/*`, per minute (429 `too_many_requests`).
//!
//! Client addresses come from the socket, or from `X-Forwarded-For` when the
//! socket is a proxy listed in `--trusted-proxy` (otherwise every phone
//! behind nginx would share one allowance).

use std::net::{IpAddr, SocketAddr};
use std::num::NonZeroU32;
use std::sync::Arc;

use axum::extract::{ConnectInfo, FromRequestParts};
use axum::http::{HeaderMap, request::Parts};
use governor::{DefaultKeyedRateLimiter, Quota};

/// The relay closes a sync socket with this code when a quota refuses what
/// the phone sent (4000–4999 are the application's).
pub const CLOSE_QUOTA: u16 = 4429;

#[derive(Debug, Clone)]
pub struct Quotas {
    /// Documents one device may register (a staff phone starts a few rounds
    /// a day per building).
    pub documents_per_device: u64,
    /// Bytes one device's messages may add to storage in a UTC day.
    pub device_bytes_per_day: u64,
    /// Bytes one community's documents may take in storage.
    pub community_bytes: u64,
    /// Sync sockets open on this relay at once.
    pub sockets: usize,
    /// WebSocket upgrades without a valid token, per client address and
    /// minute.
    pub anonymous_upgrades_per_minute: u32,
    /// Calls to `/api/invites/*` (redeem, preview, mint), per client address
    /// and minute.
    pub invite_calls_per_minute: u32,
}

impl Default for Quotas {
    fn default() -> Self {
        Self {
            documents_per_device: 5_000,
            device_bytes_per_day: 64 << 20,
            community_bytes: 4 << 30,
            sockets: 8_000,
            anonymous_upgrades_per_minute: 30,
            invite_calls_per_minute: 20,
        }
    }
}

/// Per-address allowances, shared by every request handler.
pub struct Addresses {
    anonymous_upgrades: DefaultKeyedRateLimiter<IpAddr>,
    invite_calls: DefaultKeyedRateLimiter<IpAddr>,
    /// Proxies whose `X-Forwarded-For` names the client.
    trusted_proxies: Vec<IpAddr>,
}

impl std::fmt::Debug for Addresses {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Addresses")
            .field("trusted_proxies", &self.trusted_proxies)
            .finish()
    }
}

fn per_minute(n: u32) -> Quota {
    Quota::per_minute(NonZeroU32::new(n.max(1)).unwrap_or(NonZeroU32::MIN))
}

impl Addresses {
    pub fn new(quotas: &Quotas, trusted_proxies: Vec<IpAddr>) -> Arc<Self> {
        Arc::new(Self {
            anonymous_upgrades: DefaultKeyedRateLimiter::keyed(per_minute(
                quotas.anonymous_upgrades_per_minute,
            )),
            invite_calls: DefaultKeyedRateLimiter::keyed(per_minute(
                quotas.invite_calls_per_minute,
            )),
            trusted_proxies,
        })
    }

    /// Counts one WebSocket upgrade without a valid token; false when the
    /// address has used its allowance.
    pub fn anonymous_upgrade(&self, client: IpAddr) -> bool {
        self.anonymous_upgrades.check_key(&client).is_ok()
    }

    /// Counts one call to `/api/invites/*`; false when over.
    pub fn invite_call(&self, client: IpAddr) -> bool {
        self.invite_calls.check_key(&client).is_ok()
    }

    /// Forgets addresses that have not been seen for a while (call now and
    /// then, so that the tables do not grow without end).
    pub fn forget_idle(&self) {
        self.anonymous_upgrades.retain_recent();
        self.anonymous_upgrades.shrink_to_fit();
        self.invite_calls.retain_recent();
        self.invite_calls.shrink_to_fit();
    }

    /// The client's address: the socket's, or, behind a trusted proxy, the
    /// last address in `X-Forwarded-For` that is not itself a trusted proxy.
    pub fn client(&self, socket: Option<SocketAddr>, headers: &HeaderMap) -> IpAddr {
        let peer = socket.map_or(IpAddr::from([0, 0, 0, 0]), |s| s.ip());
        if !self.trusted_proxies.contains(&peer) {
            return peer;
        }
        headers
            .get_all("x-forwarded-for")
            .iter()
            .filter_map(|v| v.to_str().ok())
            .flat_map(|v| v.split(','))
            .filter_map(|a| a.trim().parse::<IpAddr>().ok())
            .rev()
            .find(|a| !self.trusted_proxies.contains(a))
            .unwrap_or(peer)
    }
}

/// The socket address a request came from (absent when a test drives the
/// router without a socket).
#[derive(Debug, Clone, Copy)]
pub struct Socket(pub Option<SocketAddr>);

impl<S: Send + Sync> FromRequestParts<S> for Socket {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        Ok(Socket(
            parts
                .extensions
                .get::<ConnectInfo<SocketAddr>>()
                .map(|c| c.0),
        ))
    }
}

/// Today, as days since 1970 (UTC): the key of a device's daily allowance.
pub fn today() -> i64 {
    crate::secret::now_millis().div_euclid(86_400_000)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_address_gets_its_allowance_and_no_more() {
        let quotas = Quotas {
            anonymous_upgrades_per_minute: 3,
            ..Quotas::default()
        };
        let a = Addresses::new(&quotas, vec![]);
        let one: IpAddr = "10.0.0.1".parse().unwrap();
        let two: IpAddr = "10.0.0.2".parse().unwrap();
        assert!((0..3).all(|_| a.anonymous_upgrade(one)));
        assert!(!a.anonymous_upgrade(one));
        assert!(a.anonymous_upgrade(two), "another address is not slowed");
    }

    #[test]
    fn forwarded_for_counts_only_behind_a_trusted_proxy() {
        let proxy: IpAddr = "127.0.0.1".parse().unwrap();
        let a = Addresses::new(&Quotas::default(), vec![proxy]);
        let mut headers = HeaderMap::new();
        headers.insert(
            "x-forwarded-for",
            "203.0.113.9, 198.51.100.7".parse().unwrap(),
        );
        let via_proxy = Some(SocketAddr::new(proxy, 5000));
        assert_eq!(
            a.client(via_proxy, &headers),
            "198.51.100.7".parse::<IpAddr>().unwrap()
        );
        let direct = Some(SocketAddr::new("192.0.2.1".parse().unwrap(), 5000));
        assert_eq!(
            a.client(direct, &headers),
            "192.0.2.1".parse::<IpAddr>().unwrap(),
            "a client cannot claim another address"
        );
    }
}
