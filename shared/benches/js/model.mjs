// The shapes of `cargo bench -p linli-shared --bench model` through JS
// Automerge 3: the same documents (keys, maps, lists, events as compact JSON
// scalars), the same community size, the same measurements. Run by
// `cargo xtask bench`; results side by side in docs/benchmarks.md.
import * as A from "@automerge/automerge";

const BUILDINGS = 20, HOUSEHOLDS = 150, VOLUNTEERS = 200, DAYS = 30, DELIVERIES = 45, POINTS = 6, TIMES = 3;
let seed = 2022;
const rnd = (n) => { seed = (seed * 1103515245 + 12345) % 2147483648; return seed % n; };
let idn = 0;
const id = () => (++idn).toString(16).padStart(16, "0");
const MIN = 60000, HOUR = 60 * MIN;

function community() {
  let d = A.from({ kind: "community", schema: 1, name: "和平里社区", utc_offset_minutes: 480, buildings: {}, posts: {}, courses: {}, roster: {}, announcements: [] });
  const buildings = [];
  for (let b = 0; b < BUILDINGS; b++) {
    const bid = id(); buildings.push(bid);
    d = A.change(d, (x) => { x.buildings[bid] = { name: `${b + 1}号楼`, zones: [{ zone: "sealed", since: "2022-04-28", by: "staff-1", device: "staff-phone", at: 0 }] }; });
  }
  d = A.change(d, (x) => {
    for (let c = 0; c < 17; c++) x.courses[`g-${c}`] = { section: "防护篇", title: "如何正确穿脱防护用品", custom: false };
    for (const t of ["物资配送", "防疫消杀"]) x.posts[id()] = { category: "delivery", title: t, requirements: "身体健康", content: t, headcount: 40, shift_start: "08:00", shift_end: "12:00", required_courses: ["g-0", "g-1", "g-2"], requires_insurance: true, requires_agreement: false, building: null, archived: false };
    x.announcements.push(JSON.stringify({ id: id(), title: "封控期间物资配送安排", body: "每日上午配送到户", by: "staff-1", device: "staff-phone", at: 0 }));
  });
  for (let v = 0; v < VOLUNTEERS; v++) {
    d = A.change(d, (x) => { x.roster[`vol-${String(v).padStart(3, "0")}`] = { display_name: "王芳", role: "volunteer", source: "resident", building: buildings[v % BUILDINGS] }; });
  }
  return { doc: d, buildings };
}

function ledger(building) {
  let d = A.from({ kind: "ledger", schema: 1, building, households: {}, needs: {}, welfare: {}, household_events: [], need_events: [] });
  const doors = [];
  for (let h = 0; h < HOUSEHOLDS; h++) {
    const hid = id(); const unit = `${Math.floor(h / 50) + 1}单元`; const room = `${Math.floor((h % 50) / 2) + 1}0${(h % 2) + 1}`;
    d = A.change(d, (x) => {
      x.households[hid] = { unit, room, size: 1 + rnd(5), phone: `138${String(rnd(1e8)).padStart(8, "0")}`, groups: rnd(10) === 0 ? { elderly_alone: true } : {}, created_by: "lead", created_at: 0 };
      if (rnd(5) === 0) x.needs[id()] = { household: hid, kind: "food", urgency: "soon", created_by: "lead", device: "lead-phone", at: 0 };
    });
    doors.push([hid, `${unit} ${room}`]);
  }
  return { doc: d, doors };
}

function record(d, who, at, stop, outcome) {
  return A.change(d, { time: Math.floor(at / 1000) }, (x) => { x.events.push(JSON.stringify({ id: id(), stop, outcome, by: who, device: `phone-${who}`, at })); });
}

function deliveryRound(doors, crew, day) {
  let d = A.from({ kind: "round", schema: 1, round_kind: "delivery", date: day, building: "b", title: `${day} 配送`, created_by: "lead", assignees: Object.fromEntries(crew.map((c) => [c, true])), stops: {}, events: [] });
  const stops = [];
  d = A.change(d, (x) => {
    for (let i = 0; i < DELIVERIES; i++) {
      const [hh, label] = doors[rnd(doors.length)]; const sid = id(); stops.push(sid);
      x.stops[sid] = { id: sid, order: i, label, unit: label.split(" ")[0], household: hh, items: ["蔬菜包"] };
    }
  });
  return { doc: d, stops };
}

function dayOfWork(d, who, stops, t0) {
  stops.forEach((s, i) => {
    const t = t0 + i * 2 * MIN;
    if (i % 10 === 0) d = record(d, who, t, s, "no_answer");
    d = record(d, who, t + MIN, s, "delivered");
  });
  return d;
}

function disinfectionRound(who, day) {
  let d = A.from({ kind: "round", schema: 1, round_kind: "disinfection", date: day, building: "b", title: `${day} 消杀`, created_by: "lead", assignees: { [who]: true }, stops: {}, events: [] });
  const stops = [];
  d = A.change(d, (x) => { for (let p = 0; p < POINTS; p++) { const sid = id(); stops.push(sid); x.stops[sid] = { id: sid, order: p, label: "电梯厅", times_per_day: TIMES }; } });
  for (let t = 0; t < TIMES; t++) for (const s of stops) d = record(d, who, t * 4 * HOUR, s, "disinfected");
  return d;
}

function volunteer(vid) {
  let d = A.from({ kind: "volunteer", schema: 1, volunteer: vid, profile: { name: "李明", phone: "13900139000", source: "resident", skills: {}, availability: "每天上午", platform_registered: true, agreement_signed_on: "2022-04-28" }, training: [], shifts: {}, attendance: [] });
  d = A.change(d, (x) => { for (let c = 0; c < 3; c++) { x.training.push(JSON.stringify({ id: id(), course: `g-${c}`, action: "completed", by: vid, device: "p", at: 0 })); x.training.push(JSON.stringify({ id: id(), course: `g-${c}`, action: "confirmed", by: "staff-1", device: "s", at: 0 })); } });
  return d;
}

function attend(d, vid, action, at) {
  return A.change(d, (x) => { x.attendance.push(JSON.stringify({ id: id(), action, ...(action === "check_in" ? { ppe_checked: true } : {}), by: vid, device: "p", at })); });
}

function timeIt(fn, setup, minMs = 2000) {
  const samples = [];
  const start = performance.now();
  while (performance.now() - start < minMs || samples.length < 10) {
    const input = setup ? setup() : undefined;
    const t = performance.now(); fn(input); samples.push(performance.now() - t);
  }
  samples.sort((a, b) => a - b);
  return samples[Math.floor(samples.length / 2)];
}

const started = performance.now();
const c = community();
const ledgers = c.buildings.map((b) => ledger(b));
const vols = Array.from({ length: VOLUNTEERS }, (_, v) => `vol-${String(v).padStart(3, "0")}`);
const volDocs = new Map(vols.map((v) => [v, volunteer(v)]));
const rounds = [];
for (let day = 0; day < DAYS; day++) {
  const date = `2022-05-${String(day + 1).padStart(2, "0")}`;
  c.buildings.forEach((b, bi) => {
    const crew = [vols[(bi + 20 * rnd(10)) % VOLUNTEERS], vols[(bi + 20 * rnd(10)) % VOLUNTEERS]];
    const r = deliveryRound(ledgers[bi].doors, crew, date);
    r.doc = dayOfWork(r.doc, crew[0], r.stops, day * 24 * HOUR + 8 * HOUR);
    rounds.push({ day, kind: "delivery", crew, doc: r.doc });
    rounds.push({ day, kind: "disinfection", crew: [crew[0]], doc: disinfectionRound(crew[0], date) });
    for (const v of new Set(crew)) {
      let d = volDocs.get(v);
      d = A.change(d, (x) => { x.shifts[id()] = { post: "p", start: day * 24 * HOUR + 8 * HOUR, end: day * 24 * HOUR + 12 * HOUR, scheduled_by: "staff-1", at: 0 }; });
      d = attend(d, v, "check_in", day * 24 * HOUR + 8 * HOUR - 5 * MIN);
      d = attend(d, v, "check_out", day * 24 * HOUR + 12 * HOUR + 10 * MIN);
      volDocs.set(v, d);
    }
  });
}
console.log(`generated ${BUILDINGS} buildings, ${BUILDINGS * HOUSEHOLDS} households, ${VOLUNTEERS} volunteers, ${rounds.length} rounds in ${((performance.now() - started) / 1000).toFixed(1)} s`);
const avg = (xs) => Math.round(xs.reduce((a, b) => a + b, 0) / xs.length);
const size = (d) => A.save(d).length;
console.log("saved size (bytes, Automerge.save):");
console.log(`  community                 ${size(c.doc)}`);
console.log(`  building ledger (avg)     ${avg(ledgers.map((l) => size(l.doc)))}`);
console.log(`  delivery round (avg)      ${avg(rounds.filter((r) => r.kind === "delivery").map((r) => size(r.doc)))}`);
console.log(`  disinfection round (avg)  ${avg(rounds.filter((r) => r.kind === "disinfection").map((r) => size(r.doc)))}`);
console.log(`  volunteer (avg, 30 days)  ${avg([...volDocs.values()].map(size))}`);

const last = DAYS - 1;
const counts = new Map();
for (const r of rounds) if (r.day === last) for (const v of r.crew) counts.set(v, (counts.get(v) ?? 0) + 1);
const who = [...counts.entries()].sort((a, b) => b[1] - a[1])[0][0];
const set = [A.save(c.doc), ...rounds.filter((r) => r.day === last && r.crew.includes(who)).map((r) => A.save(r.doc)), A.save(volDocs.get(who))];
console.log(`working set of ${who} on the last day: ${set.length} documents, ${set.reduce((a, b) => a + b.length, 0)} bytes`);

const parseEvents = (list) => (list ?? []).map((s) => JSON.parse(s));
const loadMs = timeIt(() => {
  let n = 0;
  for (const bytes of set) {
    const js = A.toJS(A.load(bytes));
    n += parseEvents(js.events).length + parseEvents(js.attendance).length + Object.keys(js.roster ?? {}).length;
  }
  return n;
});
console.log(`load working set (load + read)              ${loadMs.toFixed(3)} ms`);

const fresh = deliveryRound(ledgers[0].doors, ["vol-a", "vol-b"], "2022-06-01");
const busy = dayOfWork(A.clone(fresh.doc), "vol-a", fresh.stops, 1_000_000);
const recMs = timeIt((d) => record(d, "vol-a", 9_000_000, fresh.stops[3], "delivered"), () => A.clone(busy));
console.log(`record one event                            ${(recMs * 1000).toFixed(1)} µs`);

const dayMs = timeIt(([d, v]) => {
  v = attend(v, "vol-000", "check_in", 1_000_000);
  d = dayOfWork(d, "vol-000", fresh.stops.slice(0, Math.floor(fresh.stops.length / 2)), 1_000_000);
  v = attend(v, "vol-000", "check_out", 20_000_000);
}, () => [A.clone(fresh.doc), A.clone(volDocs.get("vol-000"))]);
console.log(`record a volunteer's day (round + check-in/out) ${dayMs.toFixed(3)} ms`);

const half = Math.floor(fresh.stops.length / 2);
const a = dayOfWork(A.clone(fresh.doc), "vol-a", fresh.stops.slice(0, half), 1_000_000);
const b = dayOfWork(A.clone(fresh.doc), "vol-b", fresh.stops.slice(half), 1_000_000);
const mergeMs = timeIt(([x, y]) => A.merge(x, y), () => [A.clone(a), A.clone(b)]);
console.log(`merge two phones' day on one round          ${mergeMs.toFixed(3)} ms`);
