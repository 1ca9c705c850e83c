//! `/metrics` in the Prometheus text format: what an operator watches on a
//! relay that a thousand phones lean on. Counters are plain atomics; the hub
//! and the sockets update them, the endpoint only reads.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering::Relaxed};
use std::time::Duration;

use axum::{Router, extract::State, http::header, response::IntoResponse, routing::get};

use crate::AppState;

/// Upper bounds of the sync latency histogram, in seconds.
const LATENCY_BUCKETS: [f64; 12] = [
    0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5,
];

#[derive(Debug, Default)]
pub struct Metrics {
    pub connections: AtomicU64,
    pub connections_total: AtomicU64,
    pub connections_refused: AtomicU64,
    pub messages_in: AtomicU64,
    pub messages_out: AtomicU64,
    pub bytes_in: AtomicU64,
    pub bytes_out: AtomicU64,
    pub documents_in_memory: AtomicU64,
    pub denied: AtomicU64,
    pub slow_clients_dropped: AtomicU64,
    pub storage_errors: AtomicU64,
    /// Commits of other relays sharing the storage that this one heard of.
    pub relay_notices: AtomicU64,
    /// Documents brought up to date with what other relays stored.
    pub documents_read_again: AtomicU64,
    /// Sync messages refused before Automerge saw them, by what was wrong.
    pub sync_refused: Labelled,
    /// Requests and messages refused by a quota, by quota.
    pub quota_refusals: Labelled,
    /// Documents dropped from memory after Automerge panicked on them.
    pub documents_contained: AtomicU64,
    /// Times the sync hub was started again after it stopped.
    pub hub_restarts: AtomicU64,
    /// Cumulative counts per bucket, then +Inf.
    latency_buckets: [AtomicU64; LATENCY_BUCKETS.len() + 1],
    latency_sum_micros: AtomicU64,
}

/// A counter per label value (a handful of fixed values: reasons, quotas).
#[derive(Debug, Default)]
pub struct Labelled(Mutex<BTreeMap<&'static str, u64>>);

impl Labelled {
    pub fn add(&self, label: &'static str) {
        *self
            .0
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .entry(label)
            .or_default() += 1;
    }

    pub fn get(&self, label: &str) -> u64 {
        self.0
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .get(label)
            .copied()
            .unwrap_or(0)
    }

    fn render(&self, out: &mut String, name: &str, label: &str, help: &str) {
        let _ = writeln!(out, "# HELP {name} {help}\n# TYPE {name} counter");
        for (value, n) in self.0.lock().unwrap_or_else(|p| p.into_inner()).iter() {
            let _ = writeln!(out, "{name}{{{label}=\"{value}\"}} {n}");
        }
    }
}

impl Metrics {
    /// Time from a frame's arrival to its effects being stored and sent.
    pub fn observe_sync_latency(&self, d: Duration) {
        let secs = d.as_secs_f64();
        let i = LATENCY_BUCKETS
            .iter()
            .position(|b| secs <= *b)
            .unwrap_or(LATENCY_BUCKETS.len());
        self.latency_buckets[i].fetch_add(1, Relaxed);
        self.latency_sum_micros
            .fetch_add(u64::try_from(d.as_micros()).unwrap_or(u64::MAX), Relaxed);
    }

    pub fn render(&self) -> String {
        let mut out = String::new();
        let mut line = |name: &str, kind: &str, help: &str, value: u64| {
            let _ = writeln!(
                out,
                "# HELP {name} {help}\n# TYPE {name} {kind}\n{name} {value}"
            );
        };
        line(
            "linli_connections",
            "gauge",
            "Open sync connections.",
            self.connections.load(Relaxed),
        );
        line(
            "linli_connections_total",
            "counter",
            "Sync connections accepted.",
            self.connections_total.load(Relaxed),
        );
        line(
            "linli_connections_refused_total",
            "counter",
            "Sync connections refused (token, limits).",
            self.connections_refused.load(Relaxed),
        );
        line(
            "linli_messages_in_total",
            "counter",
            "Messages received from phones.",
            self.messages_in.load(Relaxed),
        );
        line(
            "linli_messages_out_total",
            "counter",
            "Messages sent to phones.",
            self.messages_out.load(Relaxed),
        );
        line(
            "linli_bytes_in_total",
            "counter",
            "Bytes received from phones.",
            self.bytes_in.load(Relaxed),
        );
        line(
            "linli_bytes_out_total",
            "counter",
            "Bytes sent to phones.",
            self.bytes_out.load(Relaxed),
        );
        line(
            "linli_documents_in_memory",
            "gauge",
            "Documents the relay holds in memory.",
            self.documents_in_memory.load(Relaxed),
        );
        line(
            "linli_denied_total",
            "counter",
            "Requests answered doc-unavailable by access control.",
            self.denied.load(Relaxed),
        );
        line(
            "linli_slow_clients_dropped_total",
            "counter",
            "Connections closed because they did not keep up.",
            self.slow_clients_dropped.load(Relaxed),
        );
        line(
            "linli_storage_errors_total",
            "counter",
            "Failed storage writes or reads.",
            self.storage_errors.load(Relaxed),
        );
        line(
            "linli_relay_notices_total",
            "counter",
            "Commits of other relays sharing the database that this relay heard of.",
            self.relay_notices.load(Relaxed),
        );
        line(
            "linli_documents_read_again_total",
            "counter",
            "Documents in memory brought up to date with what other relays stored.",
            self.documents_read_again.load(Relaxed),
        );
        line(
            "linli_documents_contained_total",
            "counter",
            "Documents dropped from memory after Automerge failed on them (read again from storage).",
            self.documents_contained.load(Relaxed),
        );
        line(
            "linli_hub_restarts_total",
            "counter",
            "Times the sync hub stopped and was started again.",
            self.hub_restarts.load(Relaxed),
        );
        self.sync_refused.render(
            &mut out,
            "linli_sync_refused_total",
            "reason",
            "Sync messages refused whole before Automerge saw them, by what was wrong.",
        );
        self.quota_refusals.render(
            &mut out,
            "linli_quota_refusals_total",
            "quota",
            "Requests and messages refused by a quota.",
        );
        let name = "linli_sync_latency_seconds";
        let _ = writeln!(
            out,
            "# HELP {name} From a message's arrival to its changes stored and replies sent.\n# TYPE {name} histogram"
        );
        let mut cumulative = 0;
        for (i, bound) in LATENCY_BUCKETS.iter().enumerate() {
            cumulative += self.latency_buckets[i].load(Relaxed);
            let _ = writeln!(out, "{name}_bucket{{le=\"{bound}\"}} {cumulative}");
        }
        cumulative += self.latency_buckets[LATENCY_BUCKETS.len()].load(Relaxed);
        let _ = writeln!(out, "{name}_bucket{{le=\"+Inf\"}} {cumulative}");
        let sum = self.latency_sum_micros.load(Relaxed) as f64 / 1e6;
        let _ = writeln!(out, "{name}_sum {sum}\n{name}_count {cumulative}");
        out
    }
}

pub fn routes() -> Router<AppState> {
    Router::new().route("/metrics", get(metrics))
}

async fn metrics(State(state): State<AppState>) -> impl IntoResponse {
    (
        [(
            header::CONTENT_TYPE,
            "text/plain; version=0.0.4; charset=utf-8",
        )],
        state.metrics.render(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_counters_and_a_cumulative_histogram() {
        let m = Metrics::default();
        m.connections.store(3, Relaxed);
        m.observe_sync_latency(Duration::from_micros(300));
        m.observe_sync_latency(Duration::from_millis(20));
        m.observe_sync_latency(Duration::from_secs(10));
        let text = m.render();
        assert!(text.contains("linli_connections 3\n"), "{text}");
        assert!(text.contains("linli_sync_latency_seconds_bucket{le=\"0.0005\"} 1\n"));
        assert!(text.contains("linli_sync_latency_seconds_bucket{le=\"0.025\"} 2\n"));
        assert!(text.contains("linli_sync_latency_seconds_bucket{le=\"+Inf\"} 3\n"));
        assert!(text.contains("linli_sync_latency_seconds_count 3\n"));
    }
}
