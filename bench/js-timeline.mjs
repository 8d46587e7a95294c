// The baseline of eventTimeline: the plain JavaScript loop a dashboard would write for the
// same counts (default bucket size, grouped by severity), giving the same Timeline object.

const MINUTE = 60000;
const STEPS = [1, 5, 10, 15, 30, 60, 120, 180, 360, 720, 1440, 10080].map((m) => m * MINUTE);
const SEVERITIES = ["emerg", "alert", "crit", "err", "warning", "notice", "info", "debug"];

export function jsTimeline(events) {
  const n = events.length;
  const at = new Float64Array(n);
  const group = new Int32Array(n);
  const index = new Map();
  const names = [];
  let earliest = Infinity;
  let latest = -Infinity;
  for (let i = 0; i < n; i++) {
    const event = events[i];
    const t = typeof event?.timestamp === "string" ? Date.parse(event.timestamp) : NaN;
    at[i] = t;
    if (Number.isNaN(t)) continue;
    if (t < earliest) earliest = t;
    if (t > latest) latest = t;
    const value = event.severity;
    const name = typeof value === "string" ? value : String(value);
    let g = index.get(name);
    if (g === undefined) {
      g = names.length;
      names.push(name);
      index.set(name, g);
    }
    group[i] = g;
  }
  if (earliest === Infinity) earliest = latest = Date.now();
  const first = (step) => Math.floor(earliest / step) * step;
  const bucketMs = STEPS.find((s) => Math.floor((latest - first(s)) / s) + 1 <= 120) ?? STEPS[STEPS.length - 1];
  const firstMs = first(bucketMs);
  const count = Math.floor((latest - firstMs) / bucketMs) + 1;
  const width = names.length;
  const cells = new Uint32Array(count * width);
  const totals = new Uint32Array(count);
  let skipped = 0;
  for (let i = 0; i < n; i++) {
    const t = at[i];
    if (Number.isNaN(t) || t < earliest || t > latest) {
      skipped++;
      continue;
    }
    const b = Math.floor((t - firstMs) / bucketMs);
    cells[b * width + group[i]]++;
    totals[b]++;
  }
  const rank = (name) => {
    const r = SEVERITIES.indexOf(name);
    return r < 0 ? SEVERITIES.length : r;
  };
  const order = names
    .map((name, i) => i)
    .sort((a, b) => rank(names[a]) - rank(names[b]) || (names[a] < names[b] ? -1 : names[a] > names[b] ? 1 : 0));
  const buckets = new Array(count);
  for (let b = 0; b < count; b++) {
    const counts = {};
    for (const g of order) counts[names[g]] = cells[b * width + g];
    buckets[b] = { start: new Date(firstMs + b * bucketMs).toISOString(), total: totals[b], counts };
  }
  return {
    start: new Date(earliest).toISOString(),
    end: new Date(latest).toISOString(),
    bucketMs,
    groups: order.map((g) => names[g]),
    buckets,
    skipped,
  };
}
