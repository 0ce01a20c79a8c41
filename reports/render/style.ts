/**
 * The report's stylesheet, inlined in the page. A string rather than a .css file read at render
 * time, so the renderer stays a pure function with no I/O. Light theme, system fonts only (no
 * web fonts: the page must not fetch anything), print-friendly.
 */
export const STYLE = `
:root {
  --ink: #1b1b1b; --muted: #5a5a5a; --rule: #d9d9d9; --paper: #ffffff; --band: #f5f6f8;
  --bad: #b00020; --bad-bg: #fdecee; --warn: #7a4b00; --warn-bg: #fff4dc; --good: #00613f; --good-bg: #e6f5ee;
  --info-bg: #eef4fb;
}
* { box-sizing: border-box; }
html { background: var(--paper); color: var(--ink); }
body { margin: 0 auto; max-width: 1240px; padding: 24px 20px 64px;
  font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; }
h1 { font-size: 1.7rem; margin: 0 0 4px; }
h2 { font-size: 1.3rem; margin: 40px 0 10px; padding-bottom: 4px; border-bottom: 2px solid var(--ink); }
h3 { font-size: 1.05rem; margin: 22px 0 6px; }
p { margin: 6px 0 10px; }
.subtitle { color: var(--muted); margin: 0 0 18px; }
.num, td.num, th.num { font-variant-numeric: tabular-nums; text-align: right; white-space: nowrap; }
code { font: 0.9em ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; background: var(--band); padding: 0 3px; border-radius: 3px; }
a { color: #0b57d0; }

/* Verdict */
.verdict { border: 2px solid var(--ink); border-radius: 8px; padding: 14px 18px; margin: 10px 0 18px; background: var(--band); }
.verdict h2 { margin-top: 0; border: 0; padding: 0; }
.workload { font-size: 1rem; margin-bottom: 10px; }
.verdict ul.wins { list-style: none; padding: 0; margin: 8px 0; }
.verdict ul.wins li { margin: 6px 0; padding-left: 0; }
.verdict .metric-name { display: inline-block; min-width: 12.5em; font-weight: 600; }
.verdict .winner { font-weight: 700; }
.verdict .refs { color: var(--muted); font-size: 0.92rem; }
.sweep-verdict { margin-top: 12px; }

/* Decision map ("Which one should I use?"): heatmaps as tables, the winner's colour per cell. */
.decision h2 { margin-top: 10px; }
table.heatmap td.map-cell { min-width: 9em; font-size: 0.78rem; padding: 4px; }
table.heatmap td.map-cell ul { list-style: none; margin: 0; padding: 0; }
table.heatmap td.map-cell li { white-space: nowrap; }
table.heatmap td.map-cell li.won { font-weight: 700; }
table.heatmap td.tie { background: #ececec; }
table.heatmap td.load-bound { outline: 2px dashed #c47f00; outline-offset: -3px; }
.map-value { font-variant-numeric: tabular-nums; }
.map-target { display: inline-block; min-width: 6.6em; }
.map-lb { display: block; color: var(--warn); font-weight: 600; }
.map-note { color: var(--muted); font-size: 0.85rem; margin: 2px 0; white-space: normal; }
.map-key { display: inline-block; padding: 1px 6px; border-radius: 3px; margin: 2px 4px 2px 0; font-size: 0.85rem; }
.map-key.tie { background: #ececec; }
table.heatmap li.regression { color: var(--bad); font-weight: 600; }
table.heatmap li.improvement { color: var(--good); font-weight: 600; }
.tag.warn { background: var(--warn-bg); color: var(--warn); }

/* Alerts: losses, load-bound runs, warnings and failed runs are never hidden. */
.alert { border-left: 6px solid; border-radius: 4px; padding: 10px 14px; margin: 10px 0; }
.alert h3 { margin: 0 0 4px; font-size: 1rem; }
.alert ul { margin: 4px 0 0; padding-left: 20px; }
.alert.bad { border-color: var(--bad); background: var(--bad-bg); }
.alert.warn { border-color: #c47f00; background: var(--warn-bg); }
.alert.info { border-color: #0b57d0; background: var(--info-bg); }
.alert.ok { border-color: var(--good); background: var(--good-bg); }

/* Tables */
.table-wrap { overflow-x: auto; margin: 8px 0 16px; }
table { border-collapse: collapse; width: 100%; font-size: 0.84rem; }
table.summary { font-size: 0.8rem; }
table.summary th, table.summary td { padding: 4px 4px; }
table.kv { width: auto; min-width: 45%; }
.settings { display: grid; grid-template-columns: 1fr 1fr; gap: 0 24px; align-items: start; }
.settings table.kv { width: 100%; }
caption { caption-side: top; text-align: left; font-weight: 600; padding: 0 0 6px; color: var(--ink); }
caption .caption-note { display: block; font-weight: 400; color: var(--muted); font-size: 0.85rem; }
th, td { padding: 4px 6px; border-bottom: 1px solid var(--rule); vertical-align: top; }
thead th, thead th.num { background: var(--band); border-bottom: 2px solid #9a9a9a; text-align: right; font-weight: 600; vertical-align: bottom; white-space: normal; }
thead th.left, tbody th { text-align: left; }
thead tr.group th { text-align: center; border-bottom: 1px solid var(--rule); }
tbody tr:nth-child(even) { background: #fafafa; }
tbody th { font-weight: 600; white-space: nowrap; }
.line { display: block; }
.spread.wrap { white-space: normal; max-width: 8em; margin-left: auto; }
.spread { display: block; color: var(--muted); font-size: 0.78rem; }
.swatch { display: inline-block; width: 12px; height: 12px; border-radius: 2px; margin-right: 6px; vertical-align: -1px; border: 1px solid rgba(0,0,0,0.25); }
.swatch.dashed { background-image: repeating-linear-gradient(90deg, transparent 0 3px, rgba(255,255,255,0.8) 3px 5px); }
.tag { display: inline-block; margin-top: 2px; font-size: 0.72rem; font-weight: 600; padding: 0 5px; border-radius: 3px; margin-left: 4px; background: #e6e6e6; color: #333; vertical-align: 1px; }
td.loss, td.regression, tr.flagged td { background: var(--bad-bg); color: var(--bad); font-weight: 600; }
td.improvement { background: var(--good-bg); color: var(--good); font-weight: 600; }
td.changed { background: var(--warn-bg); }
tr.baseline th, tr.baseline td { color: #444; font-style: italic; }
dl.env { display: grid; grid-template-columns: max-content 1fr; gap: 2px 16px; margin: 8px 0; }
dl.env dt { font-weight: 600; }
dl.env dd { margin: 0; }

/* Charts */
.charts { display: grid; grid-template-columns: 1fr 1fr; gap: 18px 22px; }
figure.chart { margin: 0; padding: 10px 12px; border: 1px solid var(--rule); border-radius: 6px; break-inside: avoid; }
figure.chart.wide { grid-column: 1 / -1; }
figure.chart figcaption { font-size: 0.85rem; color: var(--muted); margin-bottom: 6px; }
figure.chart figcaption strong { display: block; color: var(--ink); font-size: 0.98rem; }
.chart-box { position: relative; height: 340px; }
figure.chart.wide .chart-box { height: 400px; }
.chart-skipped { color: var(--muted); font-style: italic; }
.chart-missing { color: var(--bad); }

.download { margin: 6px 0 0; font-size: 0.92rem; }
footer { margin-top: 48px; color: var(--muted); font-size: 0.85rem; border-top: 1px solid var(--rule); padding-top: 8px; }

@media (max-width: 900px) { .charts, .settings { grid-template-columns: 1fr; } }

@media print {
  body { max-width: none; padding: 0; font-size: 11pt; }
  h2 { break-after: avoid; }
  .verdict, .alert, table, figure.chart { break-inside: avoid; }
  .charts { grid-template-columns: 1fr 1fr; }
  .chart-box { height: 260px; }
  .download, .no-print { display: none; }
  a { color: inherit; text-decoration: none; }
  tbody tr:nth-child(even) { background: none; }
  * { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
}
`;
