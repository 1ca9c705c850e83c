// The dashboard's figures counted again, here, from the documents themselves
// (read with the official @automerge/automerge), by the rules the design
// states — not by the app's code — so a test can compare every number the
// dashboard shows with an independent count.
import * as Automerge from "@automerge/automerge";

const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;

const ordered = (a, b) => a.at - b.at || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
const events = (list) => (list ?? []).map((s) => JSON.parse(String(s)));

/** Every document of a fixture, plain, by kind. */
export function documents(fixture) {
  const out = { community: null, ledgers: [], rounds: [], volunteers: [] };
  for (const c of fixture.chunks) {
    const doc = JSON.parse(JSON.stringify(Automerge.load(new Uint8Array(c.bytes))));
    if (doc.kind === "community") out.community = doc;
    if (doc.kind === "ledger") out.ledgers.push(doc);
    if (doc.kind === "round") out.rounds.push(doc);
    if (doc.kind === "volunteer") out.volunteers.push(doc);
  }
  return out;
}

/** Local midnight of an ISO day, in ms, for a UTC offset in minutes. */
export function dayStart(iso, offset) {
  return Date.parse(`${iso}T00:00:00Z`) - offset * MINUTE;
}

function isoDay(at, offset) {
  return new Date(at + offset * MINUTE).toISOString().slice(0, 10);
}

// A stop's events that count: undos and what a person undid themselves are out.
function activeEvents(round) {
  const all = events(round.events);
  const byId = new Map(all.map((e) => [e.id, e]));
  const cancelled = new Set();
  for (const u of all) {
    if (u.outcome !== "undo") continue;
    const t = byId.get(u.target);
    if (t && t.by === u.by && t.outcome !== "undo") cancelled.add(t.id);
  }
  return all.filter((e) => e.outcome !== "undo" && !cancelled.has(e.id));
}

const ATTENTION = new Set(["problem", "refused", "incident", "needs_help"]);

function roundFigures(round, overdueDay) {
  const active = activeEvents(round);
  const f = { doors: 0, done: 0, problems: 0, points: 0, overdue: 0, households: 0, covered: 0 };
  for (const stop of Object.values(round.stops)) {
    const mine = active.filter((e) => e.stop === stop.id);
    const attention = mine.some((e) => ATTENTION.has(e.outcome));
    if (round.round_kind === "delivery") {
      f.doors += 1;
      f.done += mine.some((e) => e.outcome === "delivered") ? 1 : 0;
      f.problems += attention ? 1 : 0;
    } else if (round.round_kind === "disinfection") {
      const required = Math.max(stop.times_per_day ?? 1, 1);
      const done = mine.filter((e) => e.outcome === "disinfected").length >= required;
      f.points += 1;
      f.done_points = (f.done_points ?? 0) + (done ? 1 : 0);
      f.overdue += !done && overdueDay ? 1 : 0;
    } else if (round.round_kind === "testing_registration") {
      f.households += 1;
      f.covered += mine.some((e) => e.outcome === "tested" || e.outcome === "exempt") ? 1 : 0;
    }
  }
  return f;
}

function needStatus(ledger, need) {
  const mine = events(ledger.need_events).filter((e) => e.need === need).sort(ordered);
  let s = "open";
  for (const e of mine) {
    if (s === "done") s = e.action === "reopened" ? "open" : "done";
    else if (e.action === "done") s = "done";
    else if (e.action === "planned") s = "planned";
    else if (e.action === "reopened") s = "open";
  }
  return s;
}

function archived(ledger, household) {
  const mine = events(ledger.household_events).filter((e) => e.household === household).sort(ordered);
  return mine.length > 0 && mine[mine.length - 1].action === "archive";
}

function needFigures(ledger, since) {
  const n = { urgent: 0, soon: 0, routine: 0, done_since: 0, groups: {} };
  const needEvents = events(ledger.need_events);
  for (const [id, need] of Object.entries(ledger.needs)) {
    const status = needStatus(ledger, id);
    if (status === "done") {
      const last = Math.max(...needEvents.filter((e) => e.need === id && e.action === "done").map((e) => e.at));
      if (last >= since) n.done_since += 1;
      continue;
    }
    if (archived(ledger, need.household)) continue;
    n[need.urgency] += 1;
    for (const [g, on] of Object.entries(ledger.households[need.household]?.groups ?? {})) {
      if (on) n.groups[g] = (n.groups[g] ?? 0) + 1;
    }
  }
  return n;
}

function clockMinutes(hhmm) {
  const [h, m] = hhmm.split(":").map(Number);
  return h * 60 + m;
}

function staffing(community, volunteers, iso, offset, building) {
  const s = { needed: 0, scheduled: 0, gap: 0 };
  const midnight = dayStart(iso, offset);
  for (const [id, post] of Object.entries(community.posts ?? {})) {
    if (post.archived) continue;
    if (building !== undefined && (post.building ?? null) !== building) continue;
    const start = clockMinutes(post.shift_start);
    let end = clockMinutes(post.shift_end);
    if (end <= start) end += 24 * 60;
    const from = midnight + start * MINUTE;
    const to = midnight + end * MINUTE;
    const people = volunteers.filter((v) =>
      Object.values(v.shifts ?? {}).some((sh) => !sh.cancelled && sh.post === id && sh.start < to && sh.end > from)
    ).length;
    s.needed += post.headcount;
    s.scheduled += people;
    s.gap += Math.max(post.headcount - people, 0);
  }
  return s;
}

function serviceMinutes(volunteer, iso, offset, now) {
  const from = dayStart(iso, offset);
  const to = from + DAY;
  let open = null;
  let ms = 0;
  const add = (a, b) => {
    ms += Math.max(0, Math.min(b, to) - Math.max(a, from));
  };
  for (const e of events(volunteer.attendance).sort(ordered)) {
    if (e.action === "check_in" && open === null) open = e.at;
    else if (e.action === "check_out" && open !== null) {
      add(open, e.at);
      open = null;
    }
  }
  if (open !== null && open <= now) add(open, now);
  return Math.floor(ms / MINUTE);
}

/** "4.25", "3.5", "8": hours as the city platform wants them. */
export function hours(minutes) {
  return (minutes / 60).toFixed(2).replace(/0+$/, "").replace(/\.$/, "");
}

/**
 * The dashboard's figures for day `iso`: per building (by id) and for the
 * whole community, as the strings the page shows in its `data-figure`s.
 * `only` limits it to a lead's building.
 */
export function expectedDashboard(docs, iso, { now = Date.now(), only } = {}) {
  const c = docs.community;
  const offset = c.utc_offset_minutes ?? 480;
  const today = isoDay(now, offset);
  const since = dayStart(iso, offset);
  const buildings = Object.entries(c.buildings)
    .filter(([id]) => only === undefined || id === only)
    .sort(([ia, a], [ib, b]) => (a.name < b.name ? -1 : a.name > b.name ? 1 : ia < ib ? -1 : 1));
  const total = {};
  const add = (k, v) => {
    total[k] = (total[k] ?? 0) + v;
  };
  const per = {};
  for (const [id] of buildings) {
    const f = { doors: 0, done: 0, problems: 0, points: 0, done_points: 0, overdue: 0, households: 0, covered: 0 };
    for (const r of docs.rounds.filter((r) => r.building === id && r.date === iso)) {
      const g = roundFigures(r, iso < today);
      for (const k of Object.keys(f)) f[k] += g[k] ?? 0;
    }
    const ledger = docs.ledgers.find((l) => l.building === id);
    const n = ledger ? needFigures(ledger, since) : null;
    const st = staffing(c, docs.volunteers, iso, offset, id);
    const figures = {
      "deliveries-done": f.done,
      "deliveries-doors": f.doors,
      "deliveries-problems": f.problems,
      "disinfection-done": f.done_points,
      "disinfection-points": f.points,
      "disinfection-overdue": f.overdue,
      "testing-covered": f.covered,
      "testing-households": f.households,
      "staffing-scheduled": st.scheduled,
      "staffing-needed": st.needed,
    };
    if (n) Object.assign(figures, { "needs-urgent": n.urgent, "needs-soon": n.soon, "needs-routine": n.routine });
    for (const [k, v] of Object.entries(figures)) {
      if (!k.startsWith("staffing")) add(k, v);
    }
    add("deliveries-pending", f.doors - f.done);
    if (n) {
      add("needs-done-today", n.done_since);
      for (const [g, k] of Object.entries(n.groups)) add(`group:${g}`, k);
    }
    per[id] = Object.fromEntries(Object.entries(figures).map(([k, v]) => [k, String(v)]));
  }
  const st = staffing(c, docs.volunteers, iso, offset, only);
  const served = docs.volunteers.map((v) => serviceMinutes(v, iso, offset, now)).filter((m) => m > 0);
  const community = {
    ...Object.fromEntries(Object.entries(total).filter(([k]) => !k.startsWith("group:")).map(([k, v]) => [k, String(v)])),
    "needs-open": String((total["needs-urgent"] ?? 0) + (total["needs-soon"] ?? 0) + (total["needs-routine"] ?? 0)),
    "staffing-scheduled": String(st.scheduled),
    "staffing-needed": String(st.needed),
    "staffing-gap": String(st.gap),
    "on-duty": iso === today ? undefined : "—",
    "service-hours": hours(served.reduce((a, b) => a + b, 0)),
    serving: String(served.length),
  };
  if (community["on-duty"] === undefined) delete community["on-duty"];
  const groups = Object.fromEntries(
    Object.entries(total).filter(([k]) => k.startsWith("group:")).map(([k, v]) => [k.slice(6), String(v)])
  );
  return { buildings: per, order: buildings.map(([id]) => id), community, groups };
}
