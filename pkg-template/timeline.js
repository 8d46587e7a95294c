// eventTimeline's per-event loop, in JavaScript because reading a million objects from
// wasm costs several boundary crossings each. It only gathers columns, and builds the
// Timeline objects from the columns Rust counted: every decision (strict RFC 3339 reading,
// bucket sizes, alignment, counting, validation) stays in Rust.
// scripts/build-pkg.sh derives the CommonJS copy (node/timeline.cjs) from this file.

const GROUPED_BY_FIELD = new Set(["severity", "event_type", "status"]);

/** A group as sent, the way the Rust side names it: a string as is, other values as String() or JSON. */
function groupName(value) {
  if (typeof value === "string") return value;
  if (value === null || typeof value !== "object") return String(value);
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return "object";
  }
}

/** The Timeline of the columns Rust counted: [startMs, endMs, bucketMs, firstMs, groups, totals, counts, skipped]. */
export function timelineOf([startMs, endMs, bucketMs, firstMs, groups, totals, counts, skipped]) {
  const buckets = new Array(totals.length);
  for (let b = 0; b < totals.length; b++) {
    const byGroup = {};
    for (let g = 0; g < groups.length; g++) byGroup[groups[g]] = counts[b * groups.length + g];
    buckets[b] = { start: iso(firstMs + b * bucketMs), total: totals[b], counts: byGroup };
  }
  return { start: iso(startMs), end: iso(endMs), bucketMs, groups, buckets, skipped };
}

const iso = (ms) => new Date(ms).toISOString();

/** Builds eventTimeline over a module's wasm exports. */
export function makeEventTimeline(wasm) {
  return function eventTimeline(events, options) {
    const groupBy = options !== null && typeof options === "object" && options.groupBy !== undefined
      ? options.groupBy
      : "severity";
    const byCreator = groupBy === "created_by";
    if (!Array.isArray(events) || (!byCreator && !GROUPED_BY_FIELD.has(groupBy))) {
      // Rust names what is wrong with the arguments.
      return timelineOf(wasm.timelineFromColumns(events, new Uint8Array(0), new Uint32Array(0), [], options));
    }
    const timestamps = new Array(events.length);
    const groups = new Uint32Array(events.length);
    const names = [];
    const index = new Map();
    for (let i = 0; i < events.length; i++) {
      const event = events[i];
      if (event === null || typeof event !== "object") {
        timestamps[i] = "";
        continue;
      }
      const timestamp = event.timestamp;
      // A newline cannot be in an RFC 3339 timestamp, and it separates them on the way to Rust.
      timestamps[i] = typeof timestamp === "string" && !timestamp.includes("\n") ? timestamp : "";
      let value = event[byCreator ? "created_by" : groupBy];
      if (byCreator && value !== null && typeof value === "object") {
        const kinds = Object.keys(value);
        if (kinds.length > 0) value = kinds[0];
      }
      let group = index.get(value);
      if (group === undefined) {
        group = names.length;
        names.push(groupName(value));
        index.set(value, group);
      }
      groups[i] = group;
    }
    // Bytes cross into wasm as one copy; a string would be copied a character at a time.
    const text = new TextEncoder().encode(timestamps.join("\n"));
    return timelineOf(wasm.timelineFromColumns(events, text, groups, names, options));
  };
}
