/**
 * The inline browser runtime of the report, as text. Kept as plain ES2020 in a string (not a
 * compiled function's `.toString()`: tsx/esbuild may inject helpers such as `__name` that do not
 * exist in the page). It reads the chart specs from `<script type="application/json"
 * id="chart-specs">`, creates one Chart.js chart per spec, wires the "download JSON" links, and
 * finally sets `<html data-charts="ready">` so tests and screenshots know drawing is done.
 * It makes no network request.
 */
export const CLIENT_SCRIPT = String.raw`
(function () {
  'use strict';
  var root = document.documentElement;

  function fmt(v) {
    if (v === null || v === undefined || !isFinite(v)) return String(v);
    var a = Math.abs(v);
    if (a === 0) return '0';
    if (a >= 1000) return Math.round(v).toString().replace(/\B(?=(\d{3})+(?!\d))/g, '\u202f');
    return Number(v.toPrecision(3)).toString();
  }

  // "Nines" axis: x = 1 / (1 - p). Ticks at 1, 2, 10, 100, ... labelled 0%, 50%, 90%, 99%, ...
  function ninesLabel(x) {
    if (x <= 1) return '0%';
    var p = 100 * (1 - 1 / x);
    return Number(p.toPrecision(6)).toString() + '%';
  }
  function ninesTicks(scale) {
    var ticks = [{ value: 1 }, { value: 2 }];
    for (var x = 10; x <= scale.max * 1.0001; x *= 10) ticks.push({ value: x });
    scale.ticks = ticks.filter(function (t) { return t.value >= scale.min && t.value <= scale.max * 1.0001; });
  }

  function axis(spec) {
    var o = {
      title: { display: true, text: spec.title, color: '#222', font: { size: 12, weight: 'bold' } },
      grid: { color: '#e6e6e6' },
      ticks: { color: '#333' },
    };
    if (spec.kind === 'log') {
      o.type = 'logarithmic';
      o.ticks.callback = function (v) {
        var m = v / Math.pow(10, Math.floor(Math.log10(v)));
        return Math.abs(m - 1) < 1e-9 || Math.abs(m - 2) < 1e-9 || Math.abs(m - 5) < 1e-9 ? fmt(v) : '';
      };
    } else if (spec.kind === 'nines') {
      o.type = 'logarithmic';
      o.afterBuildTicks = ninesTicks;
      o.ticks.callback = function (v) { return ninesLabel(v); };
    } else if (spec.kind === 'category') {
      o.type = 'category';
    } else {
      o.type = 'linear';
      o.beginAtZero = !!spec.beginAtZero;
      o.ticks.callback = function (v) { return fmt(v); };
    }
    if (typeof spec.max === 'number') o.max = spec.max;
    return o;
  }

  function tooltipLabel(spec) {
    return function (ctx) {
      var raw = ctx.raw;
      var y = raw && typeof raw === 'object' ? raw.y : raw;
      var x = raw && typeof raw === 'object' ? raw.x : null;
      var where = '';
      if (spec.x.kind === 'nines' && x !== null) where = ' at p' + ninesLabel(x).replace('%', '');
      else if (spec.x.kind !== 'category' && x !== null) where = ' at ' + fmt(x);
      return ctx.dataset.label + ': ' + fmt(y) + where;
    };
  }

  function draw(spec, canvas) {
    var datasets = spec.datasets.map(function (d) {
      var out = {};
      for (var k in d) out[k] = d[k];
      if (spec.type === 'line') {
        out.fill = false;
        out.tension = 0;
        if (out.pointRadius === undefined) out.pointRadius = 2;
      }
      return out;
    });
    var data = { datasets: datasets };
    if (spec.labels) data.labels = spec.labels;
    return new Chart(canvas, {
      type: spec.type,
      data: data,
      options: {
        animation: false,
        responsive: true,
        maintainAspectRatio: false,
        interaction: { mode: 'nearest', intersect: false },
        scales: { x: axis(spec.x), y: axis(spec.y) },
        plugins: {
          legend: { display: !spec.hideLegend, position: 'bottom', labels: { boxWidth: 28, color: '#222' } },
          tooltip: { callbacks: { label: tooltipLabel(spec) } },
        },
      },
    });
  }

  function wireDownloads() {
    var links = document.querySelectorAll('a[data-download-json]');
    for (var i = 0; i < links.length; i++) {
      var link = links[i];
      var source = document.getElementById(link.getAttribute('data-download-json'));
      if (!source) continue;
      var pretty = JSON.stringify(JSON.parse(source.textContent), null, 2) + '\n';
      link.href = URL.createObjectURL(new Blob([pretty], { type: 'application/json' }));
    }
  }

  function main() {
    try { wireDownloads(); } catch (e) { console.error('pushlab report: download link failed', e); }
    var specsEl = document.getElementById('chart-specs');
    var specs = specsEl ? JSON.parse(specsEl.textContent) : [];
    var charts = [];
    if (typeof Chart === 'undefined') {
      var boxes = document.querySelectorAll('.chart-box');
      for (var b = 0; b < boxes.length; b++) {
        boxes[b].innerHTML = '<p class="chart-missing">Chart.js was not inlined in this report, so the chart cannot be drawn. The numbers are in the tables.</p>';
      }
    } else {
      for (var i = 0; i < specs.length; i++) {
        var canvas = document.getElementById('chart-' + specs[i].id);
        if (!canvas) continue;
        try { charts.push(draw(specs[i], canvas)); }
        catch (e) { console.error('pushlab report: chart ' + specs[i].id + ' failed', e); }
      }
      window.addEventListener('beforeprint', function () { charts.forEach(function (c) { c.resize(); }); });
    }
    root.setAttribute('data-charts', 'ready');
  }

  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', main);
  else main();
})();
`;
