import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadChartJs } from '../reports/render/assets.ts';
import { classify, compareSummaries, ratioOf, renderComparison } from '../reports/render/compare.ts';
import { writeComparison, writeReport } from '../reports/render/files.ts';
import { runCompareCli } from '../cli/compare.ts';
import type { CliIo } from '../cli/io.ts';
import { runReportCli } from '../cli/report.ts';
import { escapeHtml, fmtNum, jsonForScript } from '../reports/render/format.ts';
import { renderReport } from '../reports/render/report.ts';
import { clone, closeEnough, expectCellsMatch, loadFixture, metricCells, parseShown, summaryValue } from './fixtures/report-helpers.ts';

let chartJs = '';
beforeAll(async () => {
  chartJs = await loadChartJs();
});

/** The text inside `<script type="application/json" id="…">`, up to the first `</script>`. */
function embeddedJson(html: string, id: string): unknown {
  const open = `<script type="application/json" id="${id}">`;
  const start = html.indexOf(open);
  expect(start).toBeGreaterThanOrEqual(0);
  const end = html.indexOf('</script>', start);
  return JSON.parse(html.slice(start + open.length, end));
}

describe('formatting', () => {
  it('prints 3 significant figures without exponent or trailing zeros', () => {
    expect(fmtNum(0.0068)).toBe('0.0068');
    expect(fmtNum(10)).toBe('10');
    expect(fmtNum(0.5724)).toBe('0.572');
    expect(fmtNum(2663.74)).toBe('2\u202f664');
    expect(fmtNum(Number.NaN)).toBe('—');
  });
  it('escapes HTML and keeps </script> out of embedded JSON', () => {
    expect(escapeHtml(`<a href="x">'&'</a>`)).toBe('&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;');
    const text = jsonForScript({ s: '</script><!--' });
    expect(text).not.toContain('<');
    expect(JSON.parse(text)).toEqual({ s: '</script><!--' });
  });
});

describe('loadChartJs', () => {
  it('reads the UMD bundle of chart.js', () => {
    expect(chartJs).toContain('Chart.js v4');
    expect(chartJs.length).toBeGreaterThan(100_000);
  });
});

describe('renderReport', () => {
  for (const name of ['basic', 'sweep'] as const) {
    it(`renders the ${name} fixture as one self-contained page`, () => {
      const results = loadFixture(name);
      const html = renderReport(results, { chartJs });
      expect(html.startsWith('<!doctype html>')).toBe(true);
      for (const heading of ['Verdict', 'Summary', 'Charts', 'Measured vs model', 'Methodology and environment']) {
        expect(html).toContain(`>${heading}</h2>`);
      }
      expect(html).toContain('<caption>');
      expect(html).toContain('<th scope="row">');
      expect(html).toContain('@media print');
      expect(html.length).toBeLessThan(1_000_000);
      // Nothing is fetched: no external src/href, no stylesheet link, no CSS import or url().
      expect(/\s(?:src|href)\s*=\s*["']?(?:https?:)?\/\//i.test(html), 'external src/href').toBe(false);
      expect(/<link\b/i.test(html), '<link>').toBe(false);
      const css = html.slice(html.indexOf('<style>'), html.indexOf('</style>'));
      expect(/@import|url\(/i.test(css), 'CSS fetches').toBe(false);
      expect(embeddedJson(html, 'results')).toEqual(results);
      expect(html).toContain('id="chart-latency-percentiles"');
    });
  }

  it('is pure: same input, same string', () => {
    const results = loadFixture('basic');
    expect(renderReport(results, { chartJs })).toBe(renderReport(loadFixture('basic'), { chartJs }));
    expect(renderReport(results)).toBe(renderReport(results));
  });

  it('shows every summary number as text equal to the JSON', () => {
    for (const name of ['basic', 'sweep'] as const) {
      const results = loadFixture(name);
      const cells = metricCells(renderReport(results, { chartJs }));
      // 5 targets × (13 main + 20 spread) on basic; every one must match.
      expect(cells.length).toBeGreaterThan(name === 'basic' ? 100 : 50);
      expectCellsMatch(results, cells);
      const metrics = new Set(cells.map((c) => c.metric));
      for (const s of results.summary) {
        const key = s.sweepValue === undefined ? s.target : `${s.target}@${String(s.sweepValue)}`;
        for (const field of ['latencyMs.p50', 'latencyMs.p99', 'latencyMs.max', 'floorMultiple.p50', 'requestsPerSecond.median', 'bytesPerDelivered.median', 'cpuSecondsPer1kDelivered.median', 'rssPeakBytes.median', 'delivered.median', 'lost.max']) {
          expect(metrics.has(`${key}:${field}`), `${key}:${field}`).toBe(true);
        }
      }
    }
  });

  it('names the winner per metric, keeps baselines as references, and never hides a loss', () => {
    const html = renderReport(loadFixture('basic'), { chartJs });
    const verdict = html.slice(html.indexOf('id="verdict-h"'), html.indexOf('id="summary-h"'));
    expect(verdict).toContain('100 clients in 10 rooms');
    expect(verdict).toMatch(/Latency p50<\/span>.*websocket<\/span> wins/);
    expect(verdict).toContain('slower');
    expect(verdict).toContain('References (bare servers');
    expect(verdict).not.toMatch(/baseline-ws<\/span> wins/);
    expect(verdict).toContain('Messages were lost');
    expect(verdict).toContain('long-polling #2: 3 of 15\u202f000 expected deliveries lost');
    expect(verdict).toContain('Warnings from the bench');
    expect(html).toContain('class="num loss"');
  });

  it('escapes strings from the results everywhere', () => {
    const results = clone(loadFixture('basic'));
    results.environment.hostname = '<script>alert(1)</script>';
    results.warnings.push('</script><script>alert(2)</script>');
    const html = renderReport(results, { chartJs });
    expect(html).not.toContain('<script>alert(1)');
    expect(html).not.toContain('<script>alert(2)');
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(embeddedJson(html, 'results')).toEqual(results);
  });

  it('shows failures and load-bound runs prominently', () => {
    const results = clone(loadFixture('basic'));
    results.ok = false;
    const run = results.runs[0];
    if (!run) throw new Error('fixture has no run');
    run.error = 'server crashed: exit code 137';
    run.workers.loadBound = true;
    run.workers.reasons = ['load worker CPU at 98%'];
    run.messages.sendErrors = 4;
    const html = renderReport(results, { chartJs });
    expect(html).toContain('class="alert bad" role="alert"><h3>The bench failed');
    expect(html).toContain('server crashed: exit code 137');
    expect(html).toContain('Load-bound runs');
    expect(html).toContain('load worker CPU at 98%');
    expect(html).toContain('Publishes failed');
    // A load-bound run is marked wherever it is named.
    expect(html).toContain('short-polling ⚠ load-bound #1: 4 publishes failed');
  });

  it('names no winner where nothing was delivered, nor inside the run-to-run spread, nor a load-bound target', () => {
    const results = clone(loadFixture('basic'));
    const ws = results.summary.find((s) => s.target === 'websocket');
    const sse = results.summary.find((s) => s.target === 'sse');
    if (ws === undefined || sse === undefined) throw new Error('fixture lacks websocket or sse');
    // SSE's p50 range overlaps WebSocket's: a tie, not a win.
    sse.p50Ms = { ...ws.p50Ms, max: ws.p50Ms.max * 1.01 };
    sse.latencyMs = { ...sse.latencyMs, p50: ws.latencyMs.p50 * 1.005 };
    let html = renderReport(results, { chartJs });
    expect(html).toMatch(/Latency p50<\/span>: no winner — .*within the run-to-run spread/);
    ws.loadBound = true;
    html = renderReport(results, { chartJs });
    expect(html).toContain('Left out of the winners: websocket ⚠ load-bound (load-bound)');
    expect(html).not.toMatch(/<span class="winner">websocket/);
    for (const s of results.summary) s.delivered = { median: 0, min: 0, max: 0 };
    html = renderReport(results, { chartJs });
    expect(html).toContain('so there is no winner to name');
  });

  it('skips charts with a sentence when data is absent', () => {
    const sweep = renderReport(loadFixture('sweep'), { chartJs });
    expect(sweep).toContain('No capacity test ran');
    expect(sweep).not.toContain('id="chart-capacity"');
    expect(sweep).toContain('id="chart-sweep-p99"');

    const bare = clone(loadFixture('basic'));
    for (const run of bare.runs) run.timeline = [];
    bare.capacity = [];
    const html = renderReport(bare, { chartJs });
    expect(html).toContain('No run recorded a timeline.');
    expect(html).not.toContain('id="chart-timeline-delivered"');
    expect(html).toContain('id="chart-latency-cdf"');
  });

  it('falls back to the JSON percentiles when a histogram is unreadable', () => {
    const results = clone(loadFixture('basic'));
    for (const run of results.runs) run.histogram = 'not-a-histogram';
    const html = renderReport(results, { chartJs });
    expect(html).toContain('id="chart-latency-percentiles"');
  });
});

describe('scale-out section', () => {
  it('appears only when the bench ran several topologies', () => {
    for (const name of ['basic', 'sweep'] as const) expect(renderReport(loadFixture(name))).not.toContain('>Scale-out</h2>');
    const html = renderReport(loadFixture('scaleout'), { chartJs });
    expect(html).toContain('>Scale-out</h2>');
    for (const heading of ['Verdict', 'Summary', 'Charts', 'Measured vs model']) expect(html).toContain(`>${heading}</h2>`);
  });

  it('shows each topology of each transport with numbers equal to the JSON, parts and ratios included', () => {
    const results = loadFixture('scaleout');
    const html = renderReport(results, { chartJs });
    const section = html.slice(html.indexOf('id="scaleout-h"'), html.indexOf('id="summary-h"'));
    const cells = metricCells(section);
    expectCellsMatch(results, cells);
    const metrics = new Set(cells.map((c) => c.metric));
    const topologies = results.options.topologies ?? [];
    expect(topologies.length).toBe(4);
    for (const transport of results.options.transports) {
      for (const topology of topologies) {
        const s = results.summary.find((x) => x.target === transport && x.topology === topology);
        if (s === undefined) throw new Error(`no summary for ${transport} ${topology}`);
        const key = `${transport}/${topology}`;
        expect(section).toContain(`data-row="${key}"`);
        for (const field of ['latencyMs.p50', 'latencyMs.p99', 'cpuSecondsPer1kDelivered.median', 'rssPeakBytes.median', 'delivered.median', 'lost.max']) {
          expect(metrics.has(`${key}:${field}`), `${key}:${field}`).toBe(true);
        }
        (s.parts ?? []).forEach((_, i) => expect(metrics.has(`${key}:parts.${i}.cpuSecondsPer1kDelivered.median`), `${key} part ${i}`).toBe(true));
        if (topology === 'memory · 1 · direct') {
          expect(s.topologyMultiple).toBeUndefined();
        } else {
          const ref = results.summary.find((x) => x.target === transport && x.topology === 'memory · 1 · direct');
          if (ref === undefined || s.topologyMultiple === undefined) throw new Error(`no reference or multiple for ${key}`);
          // The multiple is the rung over the single process, as the bench computed it.
          expect(s.topologyMultiple.p50).toBeCloseTo(s.latencyMs.p50 / ref.latencyMs.p50, 2);
          expect(s.topologyMultiple.cpuPer1k).toBeCloseTo(s.cpuSecondsPer1kDelivered.median / ref.cpuSecondsPer1kDelivered.median, 2);
          for (const field of ['p50', 'p99', 'cpuPer1k']) expect(metrics.has(`${key}:topologyMultiple.${field}`), `${key} ×${field}`).toBe(true);
        }
      }
    }
    // The verdict in words names what Redis + nginx and the second instance cost.
    const text = section.replace(/<[^>]+>/g, '');
    expect(text).toContain('one instance on Redis behind nginx (redis · 1 · nginx) adds');
    expect(text).toContain('2 instances on Redis behind nginx (redis · 2 · nginx)');
    const wsCluster = results.summary.find((x) => x.target === 'websocket' && x.topology === 'redis · 2 · nginx');
    expect(text).toContain(`${fmtNum(wsCluster?.topologyMultiple?.cpuPer1k ?? Number.NaN)}× the CPU per message`);
  });

  it('keeps the winners among single processes and every number of the summary matching the JSON', () => {
    const results = loadFixture('scaleout');
    const html = renderReport(results, { chartJs });
    const verdict = html.slice(html.indexOf('id="verdict-h"'), html.indexOf('id="scaleout-h"'));
    expect(verdict).not.toContain('redis · 2 · nginx]');
    for (const cell of metricCells(html)) {
      expect(cell.value, cell.metric).toBe(summaryValue(results, cell.metric));
    }
    expect(embeddedJson(html, 'results')).toEqual(results);
  });
});

describe('renderComparison', () => {
  function perturbed() {
    const b = clone(loadFixture('basic'));
    for (const s of b.summary) {
      if (s.target === 'websocket') s.latencyMs.p99 *= 1.5; // regression: latency up 50%
      if (s.target === 'long-polling') s.delivered.median *= 0.85; // regression: fewer deliveries
      if (s.target === 'short-polling') s.bytesPerDelivered.median *= 0.8; // improvement
    }
    b.environment.commit = 'abc1234';
    return b;
  }

  it('classifies changes by direction, with a 10% threshold', () => {
    expect(classify(1.11, true)).toBe('regression');
    expect(classify(1.09, true)).toBe('same');
    expect(classify(0.85, true)).toBe('improvement');
    expect(classify(0.85, false)).toBe('regression');
    expect(ratioOf(0, 3)).toBe(Infinity);
    expect(ratioOf(0, 0)).toBe(1);
    const changes = compareSummaries(loadFixture('basic'), perturbed());
    const find = (key: string, path: string) => changes.find((c) => c.key === key && c.metric.path === path);
    expect(find('websocket', 'latencyMs.p99')?.change).toBe('regression');
    expect(find('long-polling', 'delivered.median')?.change).toBe('regression');
    expect(find('short-polling', 'bytesPerDelivered.median')?.change).toBe('improvement');
    expect(find('websocket', 'latencyMs.p50')?.change).toBe('same');
  });

  it('shows both runs, the ratios, and highlights regressions', () => {
    const a = loadFixture('basic');
    const b = perturbed();
    const html = renderComparison(a, b, { chartJs });
    expect(html).toContain('commit 9dc2986');
    expect(html).toContain('commit abc1234');
    expect(embeddedJson(html, 'results-before')).toEqual(a);
    expect(embeddedJson(html, 'results-after')).toEqual(b);
    expect(html).toMatch(/<td class="num regression" data-compare="websocket:latencyMs\.p99" data-ratio="1\.5\d*" data-change="regression">1\.5× ▲ worse/);
    expect(html).toMatch(/<td class="num regression" data-compare="long-polling:delivered\.median"/);
    expect(html).toMatch(/<td class="num improvement" data-compare="short-polling:bytesPerDelivered\.median"/);
    expect(html).toMatch(/<td class="num" data-compare="websocket:latencyMs\.p50" data-ratio="1"/);
    expect(html).toContain('2 regressions beyond 10%');
    // Charts overlay both runs.
    const specs = embeddedJson(html, 'chart-specs') as { id: string; datasets: { label: string }[] }[];
    const percentiles = specs.find((s) => s.id === 'latency-percentiles');
    const labels = percentiles?.datasets.map((d) => d.label) ?? [];
    expect(labels).toContain('websocket (before)');
    expect(labels).toContain('websocket (after)');
    expect(renderComparison(a, b, { chartJs })).toBe(html);
  });

  it('handles benches with nothing in common', () => {
    const html = renderComparison(loadFixture('basic'), loadFixture('sweep'), { chartJs });
    expect(html).toContain('no target (and sweep value) in common');
    expect(html).toContain('Only in after: short-polling@10');
  });
});

describe('report files and CLI', () => {
  let dir = '';
  const captured = (): CliIo & { outText: string[]; errText: string[] } => {
    const outText: string[] = [];
    const errText: string[] = [];
    return { outText, errText, out: (t) => outText.push(t), err: (t) => errText.push(t) };
  };

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'pushlab-report-'));
    await writeFile(join(dir, 'results.json'), JSON.stringify(loadFixture('basic')));
    await writeFile(join(dir, 'sweep.json'), JSON.stringify(loadFixture('sweep')));
    await writeFile(join(dir, 'v2.json'), JSON.stringify({ ...loadFixture('basic'), schemaVersion: 2 }));
    await writeFile(join(dir, 'broken.json'), '{"schemaVersion": 1,');
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('writes index.html next to results.json by default and prints the path', async () => {
    const io = captured();
    expect(await runReportCli([join(dir, 'results.json')], io)).toBe(0);
    const written = join(dir, 'index.html');
    expect(io.outText).toEqual([written]);
    expect(io.errText).toEqual([]);
    const html = await readFile(written, 'utf8');
    expect(html).toContain('Chart.js v4');
    expect(html).toBe(renderReport(loadFixture('basic'), { chartJs }));
  });

  it('honours --out and creates the folder', async () => {
    const io = captured();
    const out = join(dir, 'out', 'nested');
    expect(await runReportCli([join(dir, 'sweep.json'), '--out', out], io)).toBe(0);
    expect(existsSync(join(out, 'index.html'))).toBe(true);
    expect(await writeReport(join(dir, 'results.json'), join(dir, 'w'))).toBe(join(dir, 'w', 'index.html'));
  });

  it('fails clearly on a missing, invalid or wrong-version file (exit 1)', async () => {
    const cases: [string, RegExp][] = [
      [join(dir, 'nope.json'), /cannot read results file .*nope\.json: no such file/],
      [join(dir, 'broken.json'), /broken\.json: not valid JSON/],
      [join(dir, 'v2.json'), /unsupported results schemaVersion 2; this pushlab reads schemaVersion 1/],
    ];
    for (const [file, message] of cases) {
      const io = captured();
      expect(await runReportCli([file], io)).toBe(1);
      expect(io.errText.join('\n')).toMatch(message);
      expect(io.outText).toEqual([]);
    }
  });

  it('reports usage errors with exit 2 and prints help with exit 0', async () => {
    let io = captured();
    expect(await runReportCli([], io)).toBe(2);
    expect(io.errText.join('\n')).toMatch(/missing the results\.json[\s\S]*Usage: pushlab report/);
    io = captured();
    expect(await runReportCli(['a.json', '--bogus'], io)).toBe(2);
    expect(io.errText.join('\n')).toMatch(/bogus/);
    io = captured();
    expect(await runCompareCli([join(dir, 'results.json')], io)).toBe(2);
    io = captured();
    expect(await runReportCli(['--help'], io)).toBe(0);
    expect(io.outText.join('\n')).toContain('Usage: pushlab report <results.json> [--out DIR]');
    io = captured();
    expect(await runCompareCli(['-h'], io)).toBe(0);
    expect(io.outText.join('\n')).toContain('Usage: pushlab compare <a.json> <b.json> [--out DIR]');
  });

  it('writes compare.html', async () => {
    const io = captured();
    const out = join(dir, 'cmp');
    expect(await runCompareCli([join(dir, 'results.json'), join(dir, 'sweep.json'), '--out', out, '--force'], io)).toBe(0);
    expect(io.outText).toEqual([join(out, 'compare.html')]);
    expect(await readFile(join(out, 'compare.html'), 'utf8')).toContain('pushlab comparison');
    expect(await writeComparison(join(dir, 'results.json'), join(dir, 'results.json'), out)).toBe(join(out, 'compare.html'));
    const bad = captured();
    expect(await runCompareCli([join(dir, 'results.json'), join(dir, 'v2.json')], bad)).toBe(1);
    expect(bad.errText.join('\n')).toContain('schemaVersion');
  });
});

describe('Faults section', () => {
  it('renders for runs with faults: one row per transport whose numbers match results.json, plus the recovery chart', () => {
    const results = loadFixture('faults');
    const html = renderReport(results, { chartJs });
    expect(html).toContain('>Faults</h2>');
    expect(html).toContain('id="chart-fault-recovery"');
    // The restart note says the in-memory history loss is by design.
    expect(html).toContain('by design');
    const cells = metricCells(html).filter((c) => c.metric.startsWith('faults:'));
    for (const run of results.runs) {
      const faults = run.faults;
      if (faults === undefined) throw new Error('fixture run without faults');
      const shown = (field: string): number => {
        const cell = cells.find((c) => c.metric === `faults:${run.target}:${field}`);
        if (cell === undefined) throw new Error(`no cell for ${run.target} ${field}`);
        return cell.value;
      };
      expect(shown('cuts')).toBe(faults.cuts);
      expect(shown('reconnects')).toBe(faults.reconnects);
      expect(shown('recovered')).toBe(faults.recovered);
      expect(shown('serverRestarts')).toBe(faults.serverRestarts);
      expect(shown('lost')).toBe(run.messages.lost);
      expect(shown('duplicates')).toBe(run.messages.duplicates);
      // One repetition: the merged histogram's percentiles are the run's own summary.
      expect(closeEnough(shown('recoveryMs.p50'), faults.recoveryMs.p50)).toBe(true);
      expect(closeEnough(shown('recoveryMs.p99'), faults.recoveryMs.p99)).toBe(true);
      expect(closeEnough(shown('recoveryMs.max'), faults.recoveryMs.max)).toBe(true);
      expect(shown('restartRecoveryMs.p50')).toBe(faults.restartRecoveryMs?.p50);
    }
    for (const cell of cells) expect(closeEnough(parseShown(cell.text.replace(/ ms$/, '')), cell.value), cell.metric).toBe(true);
    const specs = embeddedJson(html, 'chart-specs') as { id: string; datasets: { data: number[] }[] }[];
    const chart = specs.find((s) => s.id === 'fault-recovery');
    expect(chart?.datasets.map((d) => d.data.length)).toEqual([3, 3, 3]);
  });

  it('is absent when no run carries faults', () => {
    const html = renderReport(loadFixture('basic'), { chartJs });
    expect(html).not.toContain('>Faults</h2>');
    expect(html).not.toContain('chart-fault-recovery');
  });
});
