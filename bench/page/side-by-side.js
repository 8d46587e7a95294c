// Side-by-side timing, shared by the Node rows (bench/lib.mjs) and the Chromium page
// (bench/page/bench.js, served by pce-sim): plain JavaScript that runs in both.

export function median(values) {
  const s = [...values].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

const collect = globalThis.gc ?? (() => {});

/**
 * Times `subject` and `baseline` side by side: `warmup` untimed rounds of each, then `runs`
 * timed rounds, alternating which goes first, a full GC before each timed call.
 * Each function returns what it made, kept alive until its time is taken. Medians in ms.
 */
export async function sideBySide(subject, baseline, { warmup = 3, runs = 11, check } = {}) {
  for (let i = 0; i < warmup; i++) {
    const a = await subject();
    const b = await baseline();
    if (i === 0 && check) check(a, b);
  }
  const times = { subject: [], baseline: [] };
  for (let i = 0; i < runs; i++) {
    const order = i % 2 ? [["subject", subject], ["baseline", baseline]] : [["baseline", baseline], ["subject", subject]];
    for (const [name, fn] of order) {
      collect();
      const t0 = performance.now();
      const made = await fn();
      times[name].push(performance.now() - t0);
      void made;
    }
  }
  const s = median(times.subject);
  const b = median(times.baseline);
  return { subject: s, baseline: b, ratio: s / b, runs, warmup };
}
