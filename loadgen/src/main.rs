//! `linli-loadgen`: P phones in groups of G (a building's team), each group
//! sharing D documents; every phone makes E edits to each of its group's
//! documents. Reports the time until every phone holds every edit of its
//! group, and the relay's CPU seconds and peak memory (from /proc, given its
//! pid). Speaks plain automerge-repo protocol v1, so the same run works
//! against linli-server and against the reference Node sync server.
//!
//! Given several relays (`--url` more than once, sharing one database),
//! phones take them in turn, so every group spans relays and every edit
//! must cross from one relay to another. After the edits, one phone of each
//! group makes one more change and every phone of the group times its
//! arrival: how long a single change takes to reach everyone.

use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use clap::Parser;
use linli_loadgen::{Phone, document_named, sync_url};
use tokio::sync::{Barrier, Semaphore};

#[derive(Parser, Debug)]
struct Args {
    /// The relay's base URL (http://127.0.0.1:PORT); several relays: once
    /// for each, and phones take them in turn.
    #[arg(long, required = true)]
    url: Vec<String>,
    /// Device tokens, one per line (phones take them in turn).
    #[arg(long)]
    tokens: Option<std::path::PathBuf>,
    #[arg(long, default_value_t = 100)]
    phones: usize,
    /// Phones sharing the same documents.
    #[arg(long, default_value_t = 10)]
    group: usize,
    /// Documents per group.
    #[arg(long, default_value_t = 2)]
    docs: usize,
    /// Edits per phone per document.
    #[arg(long, default_value_t = 20)]
    edits: usize,
    /// The relays' process ids (once for each), for CPU and memory figures.
    #[arg(long)]
    relay_pid: Vec<u32>,
    /// A label for the report.
    #[arg(long, default_value = "relay")]
    label: String,
    /// Seconds to wait for convergence before giving up.
    #[arg(long, default_value_t = 600)]
    timeout: u64,
}

/// utime + stime of a process, in seconds.
fn cpu_seconds(pid: u32) -> Option<f64> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    let after = stat.rsplit_once(')')?.1;
    let fields: Vec<&str> = after.split_whitespace().collect();
    let utime: f64 = fields.get(11)?.parse().ok()?;
    let stime: f64 = fields.get(12)?.parse().ok()?;
    Some((utime + stime) / 100.0)
}

/// Summed over processes; `None` if any cannot be read (or none given).
fn total(pids: &[u32], f: fn(u32) -> Option<f64>) -> Option<f64> {
    if pids.is_empty() {
        return None;
    }
    pids.iter().map(|p| f(*p)).sum()
}

/// The `q` quantile of sorted values.
fn quantile(sorted: &[f64], q: f64) -> Option<f64> {
    if sorted.is_empty() {
        return None;
    }
    let i = ((sorted.len() - 1) as f64 * q).round() as usize;
    Some(sorted[i])
}

/// Peak resident memory (VmHWM), in MiB.
fn peak_rss_mib(pid: u32) -> Option<f64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kib: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib / 1024.0)
}

/// Waits at a barrier while still reading the socket: a phone that stops
/// reading misses pings and relays rightly drop it.
async fn wait_reading(phone: &mut Phone, barrier: &Arc<Barrier>) {
    let passed = Arc::new(std::sync::atomic::AtomicBool::new(false));
    let (b, flag) = (barrier.clone(), passed.clone());
    tokio::spawn(async move {
        b.wait().await;
        flag.store(true, std::sync::atomic::Ordering::Release);
    });
    while !passed.load(std::sync::atomic::Ordering::Acquire) {
        phone
            .pump_until(Duration::from_millis(100), |_| {
                passed.load(std::sync::atomic::Ordering::Acquire)
            })
            .await;
    }
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    if args.group == 0 || args.phones == 0 || args.phones % args.group != 0 {
        bail!("--phones must be a positive multiple of --group");
    }
    let tokens: Vec<String> = match &args.tokens {
        Some(path) => std::fs::read_to_string(path)
            .with_context(|| format!("reading {}", path.display()))?
            .lines()
            .filter(|l| !l.trim().is_empty())
            .map(|l| l.trim().to_owned())
            .collect(),
        None => vec!["none".to_owned()],
    };
    let run = format!("{}-{}", args.label, std::process::id());
    let cpu_before = total(&args.relay_pid, cpu_seconds);
    let connecting = Arc::new(Semaphore::new(50));
    let created = Arc::new(Barrier::new(args.phones));
    let finished = Arc::new(Barrier::new(args.phones));
    let ready = Arc::new(Barrier::new(args.phones + 1));
    let go = Arc::new(Barrier::new(args.phones + 1));
    let probe = Arc::new(Barrier::new(args.phones));
    let expected = 1 + args.group * args.edits;
    let mut tasks = Vec::new();
    for i in 0..args.phones {
        let group = i / args.group;
        let docs: Vec<_> = (0..args.docs)
            .map(|d| document_named(&format!("{run} group {group} doc {d}")))
            .collect();
        let url = sync_url(&args.url[i % args.url.len()], &tokens[i % tokens.len()]);
        let (connecting, created, ready, go, probe, finished) = (
            connecting.clone(),
            created.clone(),
            ready.clone(),
            go.clone(),
            probe.clone(),
            finished.clone(),
        );
        let (edits, timeout) = (args.edits, Duration::from_secs(args.timeout));
        let creator = i % args.group == 0;
        tasks.push(tokio::spawn(async move {
            let mut phone = Phone::new(&format!("p{i}"));
            // A phone that fails ends the run: the others would wait for it.
            let fail = |e: anyhow::Error| -> ! {
                eprintln!("p{i}: {e:#}");
                std::process::exit(1)
            };
            {
                let _permit = connecting.acquire().await;
                if let Err(e) = phone.connect(&url).await {
                    fail(e);
                }
            }
            // Creators bring the documents to the relay first, then the
            // others ask for them (a reference server does not push a
            // document to a phone it already told "unavailable").
            if creator {
                for id in &docs {
                    phone.create(*id, "created").await;
                }
                if let Err(e) = phone.settle(&docs, timeout).await {
                    fail(e);
                }
            }
            wait_reading(&mut phone, &created).await;
            if !creator {
                for id in &docs {
                    phone.open(*id);
                }
            }
            // Everyone starts editing once every phone has every document.
            let have_all = phone
                .pump_until(timeout, |p| docs.iter().all(|id| !p.events(id).is_empty()))
                .await;
            wait_reading(&mut phone, &ready).await;
            wait_reading(&mut phone, &go).await;
            if !have_all {
                fail(anyhow::anyhow!("never received its documents"));
            }
            for k in 0..edits {
                for id in &docs {
                    phone.record(*id, &format!("p{i} e{k}")).await;
                }
                phone.pump_for(Duration::from_millis(5)).await;
            }
            let converged = phone
                .pump_until(timeout, |p| {
                    docs.iter().all(|id| p.events(id).len() >= expected)
                })
                .await;
            let done = Instant::now();
            // One change, timed to every phone of the group.
            wait_reading(&mut phone, &probe).await;
            let sent = Instant::now();
            if creator {
                phone.record(docs[0], "probe").await;
            }
            let arrived = phone
                .pump_until(timeout, |p| p.events(&docs[0]).iter().any(|e| e == "probe"))
                .await;
            let probe_ms = (arrived && !creator).then(|| sent.elapsed().as_secs_f64() * 1000.0);
            // Keep answering the relay until everyone is done.
            wait_reading(&mut phone, &finished).await;
            anyhow::Ok((converged && arrived, done, probe_ms, phone))
        }));
    }
    ready.wait().await;
    let setup_cpu = total(&args.relay_pid, cpu_seconds);
    let started = Instant::now();
    go.wait().await;
    let mut converged = 0;
    let mut last = started;
    let mut bytes = (0, 0);
    let mut phones = Vec::new();
    let mut probes = Vec::new();
    for t in tasks {
        match t.await? {
            Ok((ok, done, probe_ms, phone)) => {
                converged += usize::from(ok);
                last = last.max(done);
                probes.extend(probe_ms);
                bytes.0 += phone.bytes_sent;
                bytes.1 += phone.bytes_received;
                phones.push(phone);
            }
            Err(e) => eprintln!("{e:#}"),
        }
    }
    let seconds = last.duration_since(started).as_secs_f64();
    let cpu_after = total(&args.relay_pid, cpu_seconds);
    probes.sort_by(f64::total_cmp);
    let ms = |q: f64| quantile(&probes, q).map(|v| (v * 10.0).round() / 10.0);
    let edits = args.phones * args.docs * args.edits;
    let report = serde_json::json!({
        "label": args.label,
        "relays": args.url.len(),
        "phones": args.phones,
        "group": args.group,
        "documents": args.phones / args.group * args.docs,
        "edits": edits,
        "converged_phones": converged,
        "seconds_to_converge": (seconds * 100.0).round() / 100.0,
        "edits_per_second": (edits as f64 / seconds).round(),
        "one_change_to_every_phone_ms": {"p50": ms(0.5), "p95": ms(0.95), "max": ms(1.0)},
        "relay_cpu_seconds_total": cpu_before.zip(cpu_after).map(|(a, b)| ((b - a) * 100.0).round() / 100.0),
        "relay_cpu_seconds_editing": setup_cpu.zip(cpu_after).map(|(a, b)| ((b - a) * 100.0).round() / 100.0),
        "relay_peak_rss_mib": total(&args.relay_pid, peak_rss_mib).map(|m| (m * 10.0).round() / 10.0),
        "phone_bytes_sent": bytes.0,
        "phone_bytes_received": bytes.1,
    });
    println!("{report}");
    drop(phones);
    if converged != args.phones {
        bail!("{} of {} phones converged", converged, args.phones);
    }
    Ok(())
}
