// The contract check of a parsed collection (or event) in one crossing: made of wasm-bindgen calls it
// took eight crossings an event (the object, then each field and its type), about 80,000
// for 10000 events. Which fields must be strings is body.rs's to say; this only looks.

// The index of the first element that is not a plain object with a string at each of `keys`,
// or -1 when every one is.
export function firstMisshapen(events, keys) {
  for (let i = 0; i < events.length; i++) {
    if (!isShaped(events[i], keys)) return i;
  }
  return -1;
}

// Whether `event` is a plain object with a string at each of `keys`.
export function isShaped(event, keys) {
  if (typeof event !== "object" || event === null || Array.isArray(event)) return false;
  // Indexed, not for-of: an iterator an event was 2 MiB more at the peak of 10000.
  for (let k = 0; k < keys.length; k++) {
    if (typeof event[keys[k]] !== "string") return false;
  }
  return true;
}
