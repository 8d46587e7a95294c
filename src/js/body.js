// The contract check of a parsed collection in one crossing: made of wasm-bindgen calls it
// took eight crossings an event (the object, then each field and its type), about 80,000
// for 10000 events. Which fields must be strings is body.rs's to say; this only looks.

// The index of the first element that is not a plain object with a string at each of `keys`,
// or -1 when every one is.
export function firstMisshapen(events, keys) {
  for (let i = 0; i < events.length; i++) {
    const event = events[i];
    if (typeof event !== "object" || event === null || Array.isArray(event)) return i;
    for (const key of keys) {
      if (typeof event[key] !== "string") return i;
    }
  }
  return -1;
}
