/*
 * The live page: a shell (HTML, CSS) and a script that draws each `status` message. Every URL in
 * it is relative, under the token's path (/TOKEN/), so nothing it loads can leave the lab's origin.
 */

/** The vega libraries, their fetch, and the page's own script load from 'self'; vega compiles expressions with eval. */
export const PAGE_CSP = "default-src 'none'; script-src 'self' 'unsafe-eval'; style-src 'self' 'unsafe-inline'; connect-src 'self'; img-src data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

export function livePage(token: string): string {
  // The token is base64url (newToken): safe in an attribute as it is.
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>loadlab · live</title>
<link rel="stylesheet" href="assets/live.css">
</head>
<body data-token="${token}">
<header>
  <h1>loadlab · live <span id="conn" class="muted">connecting…</span></h1>
  <button id="stop" type="button" title="Stop the run as Ctrl-C does: targets are stopped, results so far kept and marked incomplete">Stop the run</button>
</header>
<section id="end" hidden></section>
<section class="now">
  <dl class="facts">
    <dt>target</dt><dd id="target">–</dd>
    <dt>stage</dt><dd id="stage">–</dd>
    <dt id="load-label">users</dt><dd id="load">–</dd>
    <dt>time</dt><dd id="elapsed">–</dd>
  </dl>
  <dl class="facts">
    <dt>p50 / p95 / p99</dt><dd id="latency">–</dd>
    <dt>successful req/s</dt><dd id="rps">–</dd>
    <dt>errors this second</dt><dd id="errors">–</dd>
  </dl>
  <dl class="facts">
    <dt>target CPU / RSS</dt><dd id="target-res">–</dd>
    <dt>generator CPU / ELD p99</dt><dd id="gen-res">–</dd>
    <dt>run folder</dt><dd id="run-dir" class="path">–</dd>
  </dl>
</section>
<section>
  <h2>Targets done</h2>
  <table id="done"><thead><tr><th>target</th><th>state</th><th>verdict</th><th>validity</th><th>files</th></tr></thead><tbody></tbody></table>
</section>
<section id="charts"></section>
<script src="assets/vega.js"></script>
<script src="assets/vega-lite.js"></script>
<script src="assets/vega-embed.js"></script>
<script src="assets/live.js"></script>
</body>
</html>
`;
}

export const LIVE_CSS = `
:root { --muted: #666; --bad: #b3261e; --ok: #2e7d32; }
body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, Helvetica, Arial, sans-serif; margin: 0 auto; padding: 12px 20px 40px; max-width: 1100px; color: #222; }
header { display: flex; align-items: center; justify-content: space-between; }
h1 { font-size: 20px; margin: 4px 0; } h2 { font-size: 16px; margin: 18px 0 6px; } h3 { font-size: 14px; margin: 0; }
.muted { color: var(--muted); font-size: 13px; font-weight: normal; }
button#stop { background: var(--bad); color: #fff; border: 0; border-radius: 4px; padding: 6px 14px; font-size: 14px; cursor: pointer; }
button#stop:disabled { background: #aaa; cursor: default; }
section.now { display: grid; grid-template-columns: repeat(3, 1fr); gap: 8px 24px; background: #f6f6f6; padding: 10px 14px; border-radius: 6px; }
dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: 2px 12px; margin: 0; }
dl.facts dt { color: var(--muted); } dl.facts dd { margin: 0; font-variant-numeric: tabular-nums; }
.path { word-break: break-all; font-size: 12px; }
#end { padding: 10px 14px; margin: 10px 0; border-radius: 6px; background: #e8f5e9; }
#end.incomplete { background: #fdecea; } #end p { margin: 4px 0; } #end ul { margin: 2px 0; } .bad { color: var(--bad); font-weight: 600; }
table { border-collapse: collapse; width: 100%; } th, td { text-align: left; padding: 3px 8px; border-bottom: 1px solid #eee; vertical-align: top; }
td.verdict { width: 55%; } td.files { font-size: 12px; } td.files a { margin-right: 8px; white-space: nowrap; display: inline-block; }
figure.chart { margin: 16px 0 22px; } figcaption p { margin: 2px 0 6px; color: var(--muted); font-size: 13px; }
`;

/** The page's script: plain ES5-level JS, no build step. Data goes into the page as text only (textContent). */
export const LIVE_JS = `
(function () {
  'use strict';
  var token = document.body.getAttribute('data-token');
  var $ = function (id) { return document.getElementById(id); };
  var set = function (id, text) { var el = $(id); if (el.textContent !== text) el.textContent = text; };
  var ended = false;
  var charts = {};
  // As the report writes durations: 4.2 ms, 131 ms, 2.63 s.
  var fmtMs = function (v) {
    if (v === null || v === undefined) return '–';
    return v >= 1000 ? (v / 1000).toFixed(2) + ' s' : v >= 100 ? Math.round(v) + ' ms' : v.toFixed(1) + ' ms';
  };
  var fmtNum = function (v, unit) { return v === null || v === undefined ? '–' : (Math.round(v * 10) / 10) + (unit || ''); };
  var clock = function (s) { s = Math.floor(s); var m = Math.floor(s / 60); s = s % 60; return (m < 10 ? '0' : '') + m + ':' + (s < 10 ? '0' : '') + s; };

  function countValues(spec) {
    var n = 0;
    (function walk(o) {
      if (!o || typeof o !== 'object') return;
      if (Array.isArray(o)) { o.forEach(walk); return; }
      if (o.data && Array.isArray(o.data.values)) n += o.data.values.length;
      ['layer', 'vconcat', 'hconcat', 'concat'].forEach(function (k) { if (o[k]) walk(o[k]); });
    })(spec);
    return n;
  }

  function chartBox(c) {
    var box = charts[c.id];
    if (box) return box;
    var fig = document.createElement('figure');
    fig.className = 'chart';
    var cap = document.createElement('figcaption');
    var h = document.createElement('h3'); h.textContent = c.title;
    var p = document.createElement('p');
    cap.appendChild(h); cap.appendChild(p);
    var holder = document.createElement('div');
    holder.id = c.id; holder.setAttribute('data-points', '0'); holder.setAttribute('data-renders', '0');
    holder.textContent = 'no data yet';
    fig.appendChild(cap); fig.appendChild(holder);
    $('charts').appendChild(fig);
    box = charts[c.id] = { holder: holder, caption: p, json: null, view: null, busy: false, next: null, renders: 0 };
    return box;
  }

  // One render at a time per chart; the newest spec waits, older ones are dropped. The new chart
  // is drawn off-page and swapped in, so the page does not flicker.
  function draw(box) {
    if (box.busy || box.next === null) return;
    var spec = box.next; box.next = null; box.busy = true;
    var el = document.createElement('div');
    vegaEmbed(el, spec, { mode: 'vega-lite', renderer: 'svg', actions: false, defaultStyle: false }).then(function (res) {
      if (box.view) box.view.finalize();
      box.view = res.view;
      box.holder.replaceChildren(el);
      box.renders++;
      box.holder.setAttribute('data-renders', String(box.renders));
      box.holder.setAttribute('data-points', String(countValues(spec)));
      box.holder.setAttribute('data-rendered', 'ok');
    }).catch(function (e) {
      box.holder.textContent = 'This chart could not be drawn: ' + e.message;
      box.holder.setAttribute('data-rendered', 'error');
      console.error(e);
    }).then(function () { box.busy = false; draw(box); });
  }

  function showCharts(list) {
    list.forEach(function (c) {
      var box = chartBox(c);
      if (box.caption.textContent !== c.caption) box.caption.textContent = c.caption;
      if (c.spec === null) {
        if (!box.view) box.holder.setAttribute('data-rendered', 'empty');
        return;
      }
      var json = JSON.stringify(c.spec);
      if (json === box.json) return;
      box.json = json; box.next = c.spec; draw(box);
    });
  }

  function link(href, text) { var a = document.createElement('a'); a.href = href; a.textContent = text; return a; }
  var runHref = function (p) { return 'run/' + p.split('/').map(encodeURIComponent).join('/'); };

  // As the terminal says it: valid, or SUSPECT: why.
  function validityText(v) { return v === null ? '–' : v.verdict === 'valid' ? 'valid' : 'SUSPECT: ' + v.why.join(' · '); }

  function line(id, text, bad) {
    var p = document.createElement('p'); p.id = id; p.textContent = text; if (bad) p.className = 'bad'; return p;
  }

  // The expression without the target it names, which the line gives first.
  function bare(o) { return o.expression.indexOf(o.target + ':') === 0 ? o.expression.slice(o.target.length + 1) : o.expression; }

  function thresholdLines(list) {
    var judged = list.filter(function (o) { return o.status !== 'skipped'; });
    var failed = list.filter(function (o) { return o.status === 'fail'; });
    var skipped = list.length - judged.length;
    var head = 'Thresholds: ' + (failed.length ? failed.length + ' of ' + judged.length + ' FAILED' : 'all ' + judged.length + ' passed') + (skipped ? ' (' + skipped + ' skipped)' : '');
    var box = document.createElement('div'); box.id = 'end-thresholds';
    box.appendChild(line('end-thresholds-head', head, failed.length > 0));
    var ul = document.createElement('ul');
    failed.forEach(function (o) { var li = document.createElement('li'); li.textContent = 'FAIL ' + o.target + ' ' + bare(o) + ': ' + o.message; ul.appendChild(li); });
    if (failed.length) box.appendChild(ul);
    return box;
  }

  function showDone(done) {
    var body = $('done').tBodies[0];
    var key = JSON.stringify(done);
    if (body.getAttribute('data-key') === key) return;
    body.setAttribute('data-key', key);
    body.replaceChildren();
    done.forEach(function (t) {
      var tr = document.createElement('tr');
      [t.name, t.state, t.verdict === null ? (t.state === 'ok' ? 'being written…' : '–') : t.verdict, validityText(t.validity)].forEach(function (v, i) {
        var td = document.createElement('td'); td.textContent = v; if (i === 2) td.className = 'verdict'; if (i === 3) td.className = 'validity'; tr.appendChild(td);
      });
      var files = document.createElement('td'); files.className = 'files';
      t.files.forEach(function (f) { files.appendChild(link(runHref(f.path), f.path.split('/').pop())); });
      tr.appendChild(files);
      body.appendChild(tr);
    });
  }

  function showStatus(m) {
    set('conn', ended ? '' : 'live');
    set('run-dir', m.runDir);
    var c = m.current;
    var unit = m.profile.model === 'open' ? 'arrivals/s' : 'users';
    set('load-label', unit);
    if (c) {
      set('target', c.name + ' (' + (c.index + 1) + ' of ' + c.count + ')' + (c.phase === 'starting' ? ', starting and warming up' : ''));
      set('stage', c.stage === null ? '–' : 'stage ' + (c.stage + 1) + '/' + m.profile.stageCount + ' (S' + (c.stage + 1) + ')');
      set('load', fmtNum(c.load));
      set('elapsed', clock(c.elapsed) + ' / ' + clock(c.total));
    } else if (!ended) {
      set('target', 'between targets');
    }
    var l = m.latest;
    set('latency', l ? fmtMs(l.p50) + ' / ' + fmtMs(l.p95) + ' / ' + fmtMs(l.p99) : '–');
    set('rps', l ? fmtNum(l.rps) : '–');
    set('errors', l ? (l.errorsTotal === 0 ? '0' : Object.keys(l.errors).filter(function (k) { return l.errors[k] > 0; })
      .map(function (k) { return k + ' ' + l.errors[k]; }).join(', ')) : '–');
    var s = m.saturation;
    set('target-res', s ? fmtNum(s.cpuPct, '%') + ' / ' + fmtNum(s.rssMb, ' MB') : '–');
    set('gen-res', s ? fmtNum(s.genCpuPct, '%') + ' / ' + fmtMs(s.genEldP99Ms) : '–');
    showDone(m.done);
    showCharts(m.charts);
  }

  function showEnd(m) {
    ended = true;
    $('stop').disabled = true;
    set('conn', '');
    set('target', 'run over');
    var end = $('end');
    end.className = m.complete ? 'complete' : 'incomplete';
    end.replaceChildren();
    var p = document.createElement('p');
    p.appendChild(document.createTextNode(m.complete ? 'The run is over. ' : 'The run was stopped: the results so far are kept and marked incomplete. '));
    if (m.report !== null) {
      var a = link(runHref(m.report), 'Open the report (report.html)');
      a.id = 'report-link';
      p.appendChild(a);
      p.appendChild(document.createTextNode(' — this page closes when you leave it; the report stays at ' + m.reportFile));
    } else p.appendChild(document.createTextNode('The report could not be written (see the terminal).'));
    end.appendChild(p);
    if (m.validity !== null) end.appendChild(line('end-validity', 'Validity: ' + validityText(m.validity), m.validity.verdict !== 'valid'));
    if (m.thresholds.length) end.appendChild(thresholdLines(m.thresholds));
    end.hidden = false;
  }

  var es = new EventSource('events');
  es.addEventListener('status', function (e) { showStatus(JSON.parse(e.data)); });
  es.addEventListener('end', function (e) { showEnd(JSON.parse(e.data)); });
  es.onerror = function () {
    if (ended) { es.close(); set('conn', '(the lab has finished; this page no longer updates)'); }
    else set('conn', 'connection lost, retrying…');
  };

  $('stop').addEventListener('click', function () {
    var b = $('stop');
    b.disabled = true; b.textContent = 'Stopping…';
    fetch('stop', { method: 'POST', headers: { 'x-loadlab-token': token } }).then(function (r) {
      if (!r.ok) throw new Error('HTTP ' + r.status);
      b.textContent = 'Stopping: saving results…';
    }).catch(function (e) { b.disabled = false; b.textContent = 'Stop the run'; console.error('stop failed: ' + e.message); });
  });
})();
`;
