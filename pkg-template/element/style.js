// The shadow root's styles, adopted as a constructable stylesheet: no <style> element and no
// style attribute, so the element works under a Content-Security-Policy without 'unsafe-inline'.
// Host pages restyle it through the --pce-* custom properties and the ::part() names.

export const CSS = `
:host {
  --bg: var(--pce-bg, #0e1116);
  --panel: var(--pce-panel, #151a21);
  --panel-2: var(--pce-panel-2, #1b212a);
  --panel-3: var(--pce-panel-3, #232a35);
  --border: var(--pce-border, #2a323e);
  --border-strong: var(--pce-border-strong, #3a4452);
  --text: var(--pce-text, #e7eaef);
  --muted: var(--pce-muted, #98a2b0);
  --faint: var(--pce-faint, #6b7480);
  --accent: var(--pce-accent, #56b4e9);
  --accent-ink: var(--pce-accent-ink, #0b1b26);
  --focus: var(--pce-focus, #f0e442);
  --row-hover: var(--pce-row-hover, #1c232c);
  --row-active: var(--pce-row-active, #223042);
  --grid: var(--pce-grid, #232a34);
  --info-bg: var(--pce-info-bg, #10222d);
  /* Okabe-Ito, plus two of Paul Tol's for the rare top severities: distinguishable with the
     common colour-vision deficiencies, and always paired with a text label. */
  --sev-emerg: var(--pce-sev-emerg, #aa3377);
  --sev-alert: var(--pce-sev-alert, #cc79a7);
  --sev-crit: var(--pce-sev-crit, #ee6677);
  --sev-err: var(--pce-sev-err, #d55e00);
  --sev-warning: var(--pce-sev-warning, #e69f00);
  --sev-notice: var(--pce-sev-notice, #f0e442);
  --sev-info: var(--pce-sev-info, #56b4e9);
  --sev-debug: var(--pce-sev-debug, #8c96a3);
  --sev-unknown: var(--pce-sev-unknown, #6b7480);
  --st-success: var(--pce-st-success, #009e73);
  --st-failure: var(--pce-st-failure, #d55e00);
  --st-other: var(--pce-st-other, #8c96a3);
  --cat-0: var(--pce-cat-0, #56b4e9);
  --cat-1: var(--pce-cat-1, #e69f00);
  --cat-2: var(--pce-cat-2, #009e73);
  --cat-3: var(--pce-cat-3, #f0e442);
  --cat-4: var(--pce-cat-4, #3d8fd1);
  --cat-5: var(--pce-cat-5, #d55e00);
  --cat-6: var(--pce-cat-6, #cc79a7);
  --cat-other: var(--pce-cat-other, #6b7480);
  --radius: var(--pce-radius, 10px);
  --shadow: 0 10px 30px rgb(0 0 0 / 0.45);
  --row-h: 34px;
  --detail-w: 540px;
  display: block;
  color: var(--text);
  font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", Ubuntu, sans-serif;
  font-variant-numeric: tabular-nums;
  color-scheme: dark;
}
@media (prefers-color-scheme: light) {
  :host {
    --bg: var(--pce-bg, #f3f5f8);
    --panel: var(--pce-panel, #ffffff);
    --panel-2: var(--pce-panel-2, #f6f8fa);
    --panel-3: var(--pce-panel-3, #ffffff);
    --border: var(--pce-border, #dde2e8);
    --border-strong: var(--pce-border-strong, #c3cad3);
    --text: var(--pce-text, #1b2028);
    --muted: var(--pce-muted, #5b6573);
    --faint: var(--pce-faint, #8a93a0);
    --accent: var(--pce-accent, #0072b2);
    --accent-ink: var(--pce-accent-ink, #ffffff);
    --focus: var(--pce-focus, #0072b2);
    --row-hover: var(--pce-row-hover, #f1f4f8);
    --row-active: var(--pce-row-active, #e3eefa);
    --grid: var(--pce-grid, #e9edf2);
    --info-bg: var(--pce-info-bg, #e8f3fb);
    --sev-notice: var(--pce-sev-notice, #d5c200);
    --sev-info: var(--pce-sev-info, #3f9fd6);
    --cat-3: var(--pce-cat-3, #d5c200);
    --shadow: 0 10px 30px rgb(20 30 50 / 0.18);
    color-scheme: light;
  }
}
:host([hidden]) { display: none; }
* { box-sizing: border-box; }
h2, h3, p { margin: 0; }
[hidden] { display: none !important; }
code, pre, .c-time, .c-ip, .c-api, .d-time, .tip-time { font-family: ui-monospace, "SF Mono", "Cascadia Mono", "DejaVu Sans Mono", Menlo, monospace; }
.muted { color: var(--muted); }
:focus-visible { outline: 2px solid var(--focus); outline-offset: 2px; }
.frame { display: flex; flex-direction: column; gap: 14px; }
button { font: inherit; color: inherit; }
.btn {
  display: inline-flex; align-items: center; justify-content: center; gap: 6px;
  height: 28px; padding: 0 10px; font-size: 13px;
  background: var(--panel-2); color: var(--text);
  border: 1px solid var(--border-strong); border-radius: 6px; cursor: pointer; white-space: nowrap;
}
.btn:hover:not(:disabled) { background: var(--panel-3); border-color: var(--muted); }
.btn:disabled { opacity: 0.5; cursor: not-allowed; }
.btn.icon { width: 32px; height: 32px; padding: 0; font-size: 15px; }

.progress {
  display: flex; align-items: center; gap: 12px; padding: 10px 14px;
  background: var(--info-bg); border: 1px solid var(--border); border-left: 4px solid var(--accent);
  border-radius: var(--radius);
}
.progress-text { display: flex; flex-wrap: wrap; gap: 4px 12px; flex: 1; align-items: baseline; }
.progress-text span { color: var(--muted); }
.progress-meter { flex: 0 1 160px; height: 6px; accent-color: var(--accent); }
.spinner {
  width: 18px; height: 18px; border-radius: 50%; flex: none;
  border: 2px solid color-mix(in srgb, var(--accent) 30%, transparent); border-top-color: var(--accent);
  animation: spin 0.9s linear infinite;
}
@keyframes spin { to { transform: rotate(360deg); } }

.card { background: var(--panel); border: 1px solid var(--border); border-radius: var(--radius); }
.card-head { display: flex; align-items: baseline; gap: 12px; flex-wrap: wrap; padding: 12px 16px 6px; }
.card-head h2 { font-size: 15px; font-weight: 650; }
.card-head .muted { font-size: 13px; }
.card-tools { margin-left: auto; display: flex; gap: 8px; }

.chart-wrap { position: relative; padding: 0 8px; min-height: 180px; }
.chart { display: block; width: 100%; height: auto; touch-action: none; user-select: none; cursor: crosshair; border-radius: 6px; }
.chart .axis text { fill: var(--muted); font-size: 11px; }
.chart .axis .grid { stroke: var(--grid); stroke-width: 1; }
.chart .axis .base, .chart .axis .tick { stroke: var(--border-strong); stroke-width: 1; }
.chart .hover-band { fill: var(--text); opacity: 0.07; pointer-events: none; }
.chart .pending-mark { fill: var(--muted); opacity: 0.1; }
.chart .selection { fill: var(--accent); opacity: 0.18; stroke: var(--accent); stroke-width: 1; pointer-events: none; }
.chart-empty { position: absolute; inset: 40% 0 auto; text-align: center; color: var(--muted); pointer-events: none; }
.chart-foot { display: flex; flex-wrap: wrap; align-items: center; justify-content: space-between; gap: 8px 20px; padding: 6px 16px 8px; }
.hint { font-size: 12px; color: var(--faint); }

.tooltip {
  position: absolute; z-index: 5; pointer-events: none;
  min-width: 180px; max-width: 300px; padding: 8px 10px;
  background: var(--panel-3); border: 1px solid var(--border-strong); border-radius: 8px;
  box-shadow: var(--shadow); font-size: 12.5px;
}
.tip-time { font-size: 12px; }
.tip-total { margin: 2px 0 6px; font-size: 13px; }
.tip-total strong { font-size: 16px; }
.tip-rows { list-style: none; margin: 0; padding: 0; display: grid; gap: 2px; }
.tip-rows li { display: grid; grid-template-columns: 12px 1fr auto; align-items: center; gap: 8px; }
.tip-label { overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }
.tip-count { font-weight: 600; }
.tip-hint { margin-top: 6px; color: var(--faint); font-size: 11.5px; }

.legend { list-style: none; margin: 0; padding: 0; display: flex; flex-wrap: wrap; gap: 4px 6px; }
.legend-item {
  display: inline-flex; align-items: center; gap: 6px;
  height: 26px; padding: 0 8px; border-radius: 6px;
  background: transparent; border: 1px solid transparent; font-size: 12.5px; cursor: pointer;
}
.legend-item.static { cursor: default; }
button.legend-item:hover { background: var(--panel-2); border-color: var(--border); }
.legend-label { max-width: 220px; overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }
.legend-count { color: var(--muted); }
.swatch { width: 11px; height: 11px; border-radius: 3px; display: inline-block; flex: none; background: var(--c); }

.sev-emerg { --c: var(--sev-emerg); }
.sev-alert { --c: var(--sev-alert); }
.sev-crit { --c: var(--sev-crit); }
.sev-err { --c: var(--sev-err); }
.sev-warning { --c: var(--sev-warning); }
.sev-notice { --c: var(--sev-notice); }
.sev-info { --c: var(--sev-info); }
.sev-debug { --c: var(--sev-debug); }
.sev-unknown { --c: var(--sev-unknown); }
.st-success { --c: var(--st-success); }
.st-failure { --c: var(--st-failure); }
.st-other { --c: var(--st-other); }
.cat-0 { --c: var(--cat-0); } .cat-1 { --c: var(--cat-1); } .cat-2 { --c: var(--cat-2); }
.cat-3 { --c: var(--cat-3); } .cat-4 { --c: var(--cat-4); } .cat-5 { --c: var(--cat-5); }
.cat-6 { --c: var(--cat-6); } .cat-other { --c: var(--cat-other); }
.chart .bar { fill: var(--c); }
.chart .bucket:hover .bar { filter: brightness(1.15); }

.table-alt { padding: 0 16px 12px; font-size: 13px; }
.table-alt summary { cursor: pointer; color: var(--muted); width: max-content; }
.table-scroll { overflow-x: auto; }
.buckets { border-collapse: collapse; margin-top: 6px; font-size: 12.5px; }
.buckets th, .buckets td { text-align: right; padding: 2px 8px; border-bottom: 1px solid var(--border); white-space: nowrap; }
.buckets th:first-child, .buckets td:first-child { text-align: left; }
.buckets thead th { color: var(--muted); font-weight: 600; }

.list-card { display: flex; flex-direction: column; }
.list-head, .row {
  display: grid;
  grid-template-columns: 158px 92px minmax(170px, 1.3fr) 80px minmax(150px, 1.2fr) 118px minmax(150px, 1.4fr);
  gap: 12px; align-items: center; padding: 0 16px;
}
.list-head {
  height: 30px; border-top: 1px solid var(--border); border-bottom: 1px solid var(--border);
  font-size: 11px; font-weight: 600; letter-spacing: 0.06em; text-transform: uppercase; color: var(--muted);
  background: var(--panel-2);
}
.list {
  position: relative; overflow-y: auto; overflow-x: hidden;
  height: var(--pce-list-height, clamp(300px, calc(100vh - 250px), 760px));
  outline-offset: -2px; border-radius: 0 0 var(--radius) var(--radius);
  contain: strict;
}
.list-spacer { width: 1px; }
.row {
  position: absolute; top: 0; left: 0; right: 0; height: var(--row-h);
  border-bottom: 1px solid color-mix(in srgb, var(--border) 60%, transparent);
  cursor: pointer; font-size: 13px;
}
.row > span { overflow: hidden; text-overflow: ellipsis; white-space: nowrap; min-width: 0; }
.row:hover { background: var(--row-hover); }
.row.active { background: var(--row-active); }
.list:focus-visible .row.active { box-shadow: inset 3px 0 0 var(--focus); }
.row.fresh { animation: fresh-bg 4s ease-out; }
.row.fresh > span { animation: slide-in 0.45s ease-out; }
@keyframes fresh-bg { from { background: color-mix(in srgb, var(--sev-notice) 22%, transparent); } to { background: transparent; } }
@keyframes slide-in { from { opacity: 0; transform: translateX(-14px); } to { opacity: 1; transform: none; } }
.c-time { color: var(--muted); font-size: 12.5px; }
.c-type { font-weight: 550; }
.c-ip, .c-api { color: var(--muted); font-size: 12.5px; }
.c-status.st-failure { color: var(--st-failure); font-weight: 600; }
.c-status.st-success { color: var(--muted); }
.c-who .kind {
  display: inline-block; min-width: 44px; margin-right: 6px; padding: 0 5px;
  font-size: 10.5px; text-transform: uppercase; letter-spacing: 0.04em; color: var(--muted);
  border: 1px solid var(--border); border-radius: 4px; text-align: center;
}
.row.active .c-who .kind { border-color: var(--border-strong); }
.list-empty { padding: 28px 16px; color: var(--muted); text-align: center; }

.badge { display: inline-flex; align-items: center; gap: 6px; font-size: 12.5px; }
.badge::before { content: ""; width: 9px; height: 9px; border-radius: 2px; background: var(--c); flex: none; }
.badge.sev-emerg, .badge.sev-alert, .badge.sev-crit, .badge.sev-err { font-weight: 700; }
.badge.sev-emerg::before, .badge.sev-alert::before, .badge.sev-crit::before { border-radius: 50%; }
.badge.sev-err::before, .badge.sev-warning::before { clip-path: polygon(50% 0, 100% 100%, 0 100%); width: 11px; height: 10px; border-radius: 0; }
.pill {
  display: inline-block; padding: 1px 8px; border-radius: 999px; font-size: 12px;
  border: 1px solid color-mix(in srgb, var(--c, var(--muted)) 60%, transparent);
  background: color-mix(in srgb, var(--c, var(--muted)) 15%, transparent);
}
.ct-create { --c: var(--st-success); } .ct-update { --c: var(--accent); } .ct-delete { --c: var(--st-failure); } .ct-other { --c: var(--muted); }

.detail {
  position: fixed; top: 0; right: 0; bottom: 0; z-index: 30;
  width: min(var(--detail-w), 100vw);
  display: flex; flex-direction: column;
  background: var(--panel); border-left: 1px solid var(--border-strong); box-shadow: var(--shadow);
  animation: panel-in 0.16s ease-out;
}
@keyframes panel-in { from { transform: translateX(24px); opacity: 0; } }
.detail-head {
  display: flex; align-items: flex-start; justify-content: space-between; gap: 12px;
  padding: 14px 18px 12px; border-bottom: 1px solid var(--border);
}
.detail-kicker { font-size: 12px; color: var(--muted); }
.detail-head h2 { font-size: 18px; font-family: ui-monospace, "DejaVu Sans Mono", Menlo, monospace; font-weight: 650; word-break: break-all; }
.detail-body { overflow-y: auto; padding: 6px 18px 24px; }
.d-badges { display: flex; flex-wrap: wrap; align-items: center; gap: 10px; padding: 10px 0 4px; }
.d-time { font-size: 12.5px; }
.d-section { padding: 12px 0; border-bottom: 1px solid var(--border); }
.d-section:last-child { border-bottom: 0; }
.d-section h3 { font-size: 11px; font-weight: 700; letter-spacing: 0.08em; text-transform: uppercase; color: var(--muted); margin-bottom: 8px; }
.kv { display: grid; grid-template-columns: minmax(90px, max-content) 1fr; gap: 4px 14px; margin: 0; }
.kv dt { color: var(--muted); }
.kv dd { margin: 0; min-width: 0; overflow-wrap: anywhere; }
.v-json { font-size: 12.5px; overflow-wrap: anywhere; }
.d-change { padding: 8px 10px; margin-bottom: 8px; background: var(--panel-2); border: 1px solid var(--border); border-radius: 8px; }
.d-change-head { display: flex; flex-wrap: wrap; align-items: center; gap: 6px 8px; margin-bottom: 6px; }
.d-href { color: var(--muted); font-size: 12px; }
.changes { border-collapse: collapse; width: 100%; font-size: 12.5px; }
.changes th, .changes td { text-align: left; padding: 3px 6px; vertical-align: top; overflow-wrap: anywhere; }
.changes thead th { color: var(--muted); font-weight: 600; font-size: 11px; border-bottom: 1px solid var(--border); }
.changes tbody th { white-space: nowrap; overflow-wrap: normal; font-weight: 600; font-family: ui-monospace, "DejaVu Sans Mono", Menlo, monospace; }
.changes .arrow { color: var(--faint); width: 1em; }
.d-notes { list-style: none; margin: 0; padding: 0; display: grid; gap: 8px; }
.mini-json, .raw {
  margin: 6px 0 0; padding: 10px; overflow: auto;
  background: var(--bg); border: 1px solid var(--border); border-radius: 8px;
  font-size: 12px; line-height: 1.5; white-space: pre;
}
.raw { max-height: 420px; }
.raw-tools { display: flex; justify-content: flex-end; margin-bottom: 4px; }

@media (max-width: 1200px) {
  .list-head, .row { grid-template-columns: 150px 88px minmax(160px, 1.3fr) 76px minmax(140px, 1fr) 118px; }
  .c-api { display: none; }
}
@media (max-width: 860px) {
  .list-head, .row { grid-template-columns: 136px 84px minmax(120px, 1fr) minmax(100px, 0.8fr); gap: 10px; }
  .c-ip, .c-status { display: none; }
  .hint { display: none; }
}
@media (max-width: 560px) {
  .list-head, .row { grid-template-columns: 70px 1fr 84px; padding: 0 10px; }
  .c-who { display: none; }
  .c-time { font-size: 11.5px; }
  .row .c-sev, .list-head .c-sev { order: 2; }
}
@media (prefers-reduced-motion: reduce) {
  *, *::before, *::after { animation: none !important; transition: none !important; }
}
`;

let sheet = null;
/** The one constructable stylesheet every element adopts. */
export function styles() {
  if (!sheet) {
    sheet = new CSSStyleSheet();
    sheet.replaceSync(CSS);
  }
  return sheet;
}
