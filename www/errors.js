// What each failure means for the person looking at the page, and what to do about it.

/**
 * Turns an error into { kind, level, title, advice, retryAfter? }.
 * `ctx` is { source, orgId }: "simulator" or the upstream PCE's URL.
 */
export function describeError(err, ctx = {}) {
  const upstream = ctx.source && ctx.source !== "simulator";
  const where = upstream ? `the PCE at ${ctx.source}` : "pce-sim's simulated PCE";
  const kind = err?.name === "PceError" ? err.kind : "other";
  const d = { kind, level: "error", title: "", advice: "" };

  switch (kind) {
    case "http": {
      const st = err.status;
      d.kind = `http-${st}`;
      if (st === 401) {
        d.title = "The PCE refused the credentials (HTTP 401).";
        d.advice = upstream
          ? "The page holds no credentials: pce-sim adds them when it forwards to the PCE. Check the API key and secret it was started with (PCE_API_KEY / PCE_API_SECRET for make demo, --upstream-key / --upstream-secret), and that the key has not expired or been deleted."
          : "The page holds no credentials: pce-sim adds them on the server side. Restart pce-sim (make demo) so that its proxy and its simulated PCE agree on the API key.";
      } else if (st === 403) {
        d.title = `The API key may not read the events of org ${ctx.orgId ?? "?"} (HTTP 403).`;
        d.advice = "Give the API key's user a role that can read events (for example Global Read Only) and check the org id (PCE_ORG / --org) pce-sim was started with.";
      } else if (st === 404) {
        d.title = "The PCE does not know this address (HTTP 404).";
        d.advice = `Check the org id (${ctx.orgId ?? "?"}) and that ${where} serves the Events API (/api/v2/orgs/N/events).`;
      } else if (st === 429) {
        d.level = "warn";
        d.title = "The PCE is rate limiting requests (HTTP 429).";
        d.retryAfter = Number.isFinite(err.retryAfter) ? err.retryAfter : undefined;
        d.advice = d.retryAfter !== undefined
          ? `It asks to wait ${d.retryAfter} s before the next request. A PCE allows about 500 requests a minute per API key; other tools using the same key count too.`
          : "Wait a minute before retrying. A PCE allows about 500 requests a minute per API key; other tools using the same key count too.";
      } else if (st === 502 || st === 503 || st === 504) {
        d.title = `The PCE or the proxy in front of it is unavailable (HTTP ${st}).`;
        d.advice = upstream
          ? `pce-sim could not get an answer from ${ctx.source}. Check that the PCE is up and reachable from the machine running pce-sim, then retry.`
          : "Retry in a moment; if it persists, restart pce-sim.";
      } else if (st >= 500) {
        d.title = `The PCE failed to answer (HTTP ${st}).`;
        d.advice = "Retry; if it keeps failing, narrow the time range or check the PCE's health.";
      } else {
        d.title = `The PCE rejected the request (HTTP ${st}).`;
        d.advice = "Check the filters; the PCE's own message is below.";
      }
      break;
    }
    case "network":
      d.title = "The PCE is unreachable.";
      d.advice = upstream
        ? `The connection to pce-sim or from pce-sim to ${ctx.source} failed or broke off. Check that pce-sim is still running and that the PCE is reachable from it (address, port, firewall, TLS CA: PCE_CA_FILE).`
        : "The connection to pce-sim failed or broke off. Check that pce-sim is still running (make demo), then retry.";
      break;
    case "timeout":
      d.title = "The PCE took too long to answer.";
      d.advice = "It may be busy, or the range holds a great many events. Retry, or narrow the time range or the filters.";
      break;
    case "invalid_response":
      d.title = "The answer was not what the Events API sends.";
      d.advice = upstream
        ? `Check that ${ctx.source} is a PCE and not, say, a login page of a proxy in front of it, and that the PCE version supports the Events API.`
        : "pce-sim sent something unexpected. Retry; if it persists, restart pce-sim.";
      break;
    case "async_job_failed":
      d.title = "The PCE's asynchronous collection failed.";
      d.advice = "The PCE gave up collecting the events of this range. Retry, or narrow the time range so fewer events match.";
      break;
    case "aborted":
      d.level = "info";
      d.title = "Loading cancelled.";
      d.advice = "The previous results stay on screen. Retry to load this view, or narrow the range first.";
      break;
    case "invalid_argument":
      d.title = "A filter is not valid.";
      d.advice = "Correct the filter and apply again.";
      break;
    default:
      d.title = "Something went wrong.";
      d.advice = "Reload the page; if it persists, restart pce-sim.";
  }
  return d;
}

/** The technical details worth showing (never credentials: the package never puts them in errors). */
export function errorDetails(err) {
  const rows = [];
  if (err?.name === "PceError") {
    rows.push(["kind", err.kind]);
    if (err.status !== undefined) rows.push(["status", String(err.status)]);
    if (err.token) rows.push(["token", err.token]);
    if (err.pceMessage) rows.push(["PCE says", err.pceMessage]);
    if (err.retryAfter !== undefined) rows.push(["retry after", `${err.retryAfter} s`]);
    if (err.url) rows.push(["request", err.url]);
  }
  if (err?.message) rows.push(["message", err.message]);
  return rows;
}
