// `getEvent`, driven from JavaScript through the wasm's synchronous steps: src/js/get_event.rs
// decides everything (the config and arguments, the URL, the request budget, retries, errors,
// the check of the event). An async wasm export's promise and closures, and reading the config
// anew each call, cost a small call more than its fetch.

const ABORTED = { status: 0, failure: "aborted" };
// Strict, and keeping a byte order mark for JSON.parse to refuse, as the wasm's own decoder.
const decoder = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });

// The body as JSON, or undefined: getEventReply checks it, and reads the bytes itself to name
// what is wrong with a body this could not parse.
function parsed(answer) {
  try {
    return JSON.parse(decoder.decode(answer.body));
  } catch {
    return undefined;
  }
}

/** Makes `getEvent` from the wasm glue and the transport's `exchange` and `pause`. */
export function makeGetEvent(wasm, { exchange, pause }) {
  // Each config's checked settings, reused while its own keys and values stay the same:
  // the same keys and values read the same, so nothing a check would refuse gets through.
  const settingsOf = new WeakMap();
  function settings(config) {
    if (typeof config !== "object" || config === null) return wasm.getEventSettings(config);
    const keys = Object.keys(config);
    const known = settingsOf.get(config);
    if (known?.keys.length === keys.length && keys.every((key, i) => key === known.keys[i] && Object.is(config[key], known.values[i]))) {
      return known.settings;
    }
    const fresh = wasm.getEventSettings(config);
    settingsOf.set(config, { keys, values: keys.map((key) => config[key]), settings: fresh });
    return fresh;
  }

  return async function getEvent(config, hrefOrId, options) {
    const { apiRoot, orgId, authorization, timeoutMs, maxRetries, budget, requestsPerMinute } = settings(config);
    const url = apiRoot + wasm.getEventPath(orgId, hrefOrId, options);
    const signal = options?.signal;
    const turn = () => (requestsPerMinute === 0 ? 0 : wasm.requestTurn(budget, requestsPerMinute));
    for (let attempt = 0; ; attempt++) {
      for (let wait = turn(); wait > 0; wait = turn()) {
        // The aborted answer makes getEventReply throw the call's `aborted` error.
        if (!(await pause(wait, signal))) return wasm.getEventReply(url, ABORTED, attempt, maxRetries, timeoutMs, undefined);
      }
      const answer = await exchange(url, authorization, false, timeoutMs, signal);
      const outcome = wasm.getEventReply(url, answer, attempt, maxRetries, timeoutMs, parsed(answer));
      if (typeof outcome !== "number") return outcome;
      if (!(await pause(outcome, signal))) return wasm.getEventReply(url, ABORTED, attempt, maxRetries, timeoutMs, undefined);
    }
  };
}
