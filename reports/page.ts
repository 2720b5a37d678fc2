import { html, raw, type Html } from './html.ts';

export const CSS = `
:root { --held: #2e7d32; --degraded: #c62828; --failed: #757575; --info: #3a6ea5; --muted: #666; --line: #ddd; }
* { box-sizing: border-box; }
body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, Helvetica, Arial, sans-serif; color: #222; margin: 0; background: #fafafa; }
main { max-width: 1020px; margin: 0 auto; padding: 20px 24px 60px; background: #fff; }
h1 { font-size: 22px; margin: 0 0 2px; } h2 { font-size: 18px; margin: 28px 0 8px; border-bottom: 1px solid var(--line); padding-bottom: 4px; }
h3 { font-size: 15px; margin: 18px 0 4px; }
.sub, .muted { color: var(--muted); } .sub { margin: 0 0 14px; }
nav { font-size: 13px; margin-bottom: 12px; } nav a { margin-right: 12px; }
.banner { padding: 10px 14px; border-radius: 6px; margin: 10px 0; }
.banner.incomplete { background: #fdecea; border: 2px solid var(--degraded); color: #611; font-size: 15px; }
.banner.warn { background: #fff8e1; border: 1px solid #f0c36d; } .banner ul { margin: 4px 0 0; }
.headline { border: 1px solid var(--line); border-radius: 8px; padding: 4px 18px 12px; background: #fcfcfc; }
.headline h2 { border: 0; margin-top: 12px; } .headline h2.subtitle { margin-top: 0; }
.headline p.repeats { margin: 0 0 6px; }
.findings { list-style: none; padding: 0; margin: 0; }
.findings li { display: flex; gap: 8px; align-items: baseline; padding: 6px 10px; margin: 4px 0; border-left: 4px solid var(--line); background: #fff; }
.findings li.held { border-color: var(--held); } .findings li.info { border-color: var(--info); } .findings li.degraded { border-color: var(--degraded); } .findings li.failed { border-color: var(--failed); } .findings li.skipped { border-color: var(--failed); border-style: dashed; }
.badge { display: inline-block; min-width: 72px; text-align: center; padding: 1px 8px; border-radius: 10px; color: #fff; font-size: 12px; font-weight: 600; text-transform: uppercase; flex: none; }
.badge.held { background: var(--held); } .badge.info { background: var(--info); } .badge.degraded { background: var(--degraded); } .badge.failed { background: var(--failed); } .badge.skipped { background: var(--failed); }
.swatch { display: inline-block; width: 10px; height: 10px; border-radius: 2px; margin-right: 6px; flex: none; }
.over, .bad { color: var(--degraded); font-weight: 600; }
table { border-collapse: collapse; font-size: 13px; margin: 6px 0; }
th, td { padding: 3px 6px; border-bottom: 1px solid #eee; text-align: right; white-space: nowrap; }
th:first-child, td:first-child { text-align: left; } th { background: #f3f3f3; font-weight: 600; }
table.capacity { width: 100%; } table.capacity td:last-child, table.capacity th:last-child { text-align: left; white-space: normal; }
table.capacity td:first-child { white-space: normal; word-break: break-all; }
tr.degraded td { background: #fdecea; }
table.spread th.group { text-align: center; border-left: 1px solid #ddd; } table.spread td.med, table.spread th.med { font-weight: 600; }
table.spread tr:nth-child(2) th:nth-child(3n+1) { border-left: 1px solid #ddd; }
table.modes td.state { text-align: left; white-space: normal; }
table.modes td.reason { text-align: left; white-space: normal; min-width: 22em; }
.scroll { overflow-x: auto; }
.verdict { margin: 0 0 4px; }
dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: 2px 16px; margin: 0; }
dl.facts dt { color: var(--muted); } dl.facts dd { margin: 0; }
pre { background: #f5f5f5; padding: 8px; overflow-x: auto; font-size: 12px; max-height: 360px; }
figure.chart { margin: 18px 0 26px; } figcaption h3 { margin: 0; } figcaption p { margin: 2px 0 6px; color: var(--muted); }
.error-line { color: var(--degraded); font-weight: 600; }
table.thresholds th, table.thresholds td { text-align: left; } table.thresholds .num { text-align: right; } table.thresholds td.why { white-space: normal; min-width: 22em; } table.thresholds tr.fail td { background: #fdecea; }
.badge.pass { background: var(--held); } .badge.fail { background: var(--degraded); } section.thresholds.failed h2 { color: var(--degraded); }
ul.files { columns: 2; padding-left: 18px; } ul.samples code { background: #eee; padding: 0 4px; }
`;

/** Draws every chart from its JSON block; a chart that fails says so in place of the chart. */
const BOOT = `
document.querySelectorAll('[data-spec]').forEach(function (el) {
  var spec = JSON.parse(document.getElementById(el.getAttribute('data-spec')).textContent);
  vegaEmbed(el, spec, { mode: 'vega-lite', renderer: 'svg', actions: false })
    .then(function () { el.setAttribute('data-rendered', 'ok'); })
    .catch(function (e) { el.textContent = 'This chart could not be drawn: ' + e.message; el.setAttribute('data-rendered', 'error'); console.error(e); });
});
`;

export function page(o: { title: string; body: Html; scripts: string[] }): string {
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; script-src 'unsafe-inline' 'unsafe-eval'; style-src 'unsafe-inline'; img-src data:">
<title>${o.title}</title>
<style>${raw(CSS)}</style>
</head>
<body>
<main>
${o.body}
</main>
${o.scripts.map((s) => html`<script>${raw(s)}</script>\n`)}
<script>${raw(BOOT)}</script>
</body>
</html>
`.value;
}
