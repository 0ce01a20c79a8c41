/**
 * The decision map's pure pieces: a winner is named only outside the spread (each rule made to
 * fire on purpose), crossovers from the data and from the request law, the section's place
 * (first with a map, absent without), and `report` / `compare` on map results.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BenchResults, RequestLaw } from '../results/types.ts';
import { pollsPerClientSecond } from '../model/batching.ts';
import { runCompareCli } from '../cli/compare.ts';
import { runReportCli } from '../cli/report.ts';
import type { CliIo } from '../cli/io.ts';
import { renderComparison } from '../reports/render/compare.ts';
import { decisionSection } from '../reports/render/decision.ts';
import { dataCrossovers, interpolate, lawCrossover } from '../reports/render/decision-crossover.ts';
import { buildGrid, type Measure } from '../reports/render/decision-grid.ts';
import { DECISION_METRICS } from '../reports/render/decision-metrics.ts';
import { cellVerdict, RELATIVE_TOLERANCE, separated } from '../reports/render/decision-winner.ts';
import { renderReport } from '../reports/render/report.ts';
import { clone, loadFixture, loadMapFixture } from './fixtures/report-helpers.ts';

const m = (value: number, min: number, max: number, repetitions: number, ci?: [number, number]): Measure => ({ value, min, max, repetitions, source: 'test', ...(ci ? { ci } : {}) });
const metric = (id: string) => DECISION_METRICS.find((d) => d.id === id) as (typeof DECISION_METRICS)[number];
const silent: CliIo = { out: () => {}, err: () => {} };

describe('winner only outside the spread', () => {
  it('min–max over repetitions: overlapping ranges are a tie, apart ranges a win', () => {
    expect(separated(m(10, 9, 12, 3), m(11.5, 11, 13, 3))).toBe(false);
    expect(separated(m(10, 9, 10.5, 3), m(11.5, 11, 13, 3))).toBe(true);
    // The ratio alone (1.5×) does not win when the ranges overlap.
    expect(cellVerdict([{ target: 'websocket', measure: m(10, 5, 16, 2), loadBound: false }, { target: 'sse', measure: m(15, 14, 16, 2), loadBound: false }])).toEqual({ tiedWith: ['websocket', 'sse'], methods: ['min-max'] });
  });

  it('bootstrap intervals, where both have one, must not overlap', () => {
    // Ranges apart, intervals overlapping: no winner.
    expect(separated(m(10, 9, 10, 2, [8, 12]), m(11, 11, 12, 2, [10, 13]))).toBe(false);
    expect(separated(m(10, 9, 10, 2, [8, 10.5]), m(11, 11, 12, 2, [10.6, 13]))).toBe(true);
    // One repetition each: the intervals alone decide, even under the relative tolerance.
    expect(separated(m(10, 10, 10, 1, [9, 10.2]), m(11, 11, 11, 1, [10.5, 12]))).toBe(true);
  });

  it('one repetition: a stated relative tolerance', () => {
    expect(RELATIVE_TOLERANCE).toBe(1.2);
    expect(separated(m(10, 10, 10, 1), m(11.9, 11.9, 11.9, 1))).toBe(false);
    expect(separated(m(10, 10, 10, 1), m(12, 12, 12, 1))).toBe(true);
    expect(separated(m(0, 0, 0, 1), m(0, 0, 0, 1))).toBe(false);
    expect(separated(m(0, 0, 0, 1), m(3, 3, 3, 1))).toBe(true);
  });

  it('load-bound figures never win, and a lone eligible transport is not named', () => {
    const lb = { target: 'websocket' as const, measure: m(1, 1, 1, 1), loadBound: true };
    const sse = { target: 'sse' as const, measure: m(10, 10, 10, 1), loadBound: false };
    const sp = { target: 'short-polling' as const, measure: m(30, 30, 30, 1), loadBound: false };
    expect(cellVerdict([lb, sse, sp]).winner).toBe('sse');
    expect(cellVerdict([lb, sse]).winner).toBeUndefined();
  });

  it('fires in the rendered map: a lead inside the spread names no winner, outside it does', () => {
    const results = loadMapFixture();
    const cpuOf = (r: BenchResults, target: string) => r.runs.filter((x) => x.target === target && x.sweepValue === 'c1000-r10s');
    const winnerIn = (r: BenchResults): string => /<td[^>]*data-map-cell="c1000-r10s" data-map-metric="cpu" data-map-winner="([^"]*)"/.exec(decisionSection(r))?.[1] ?? 'missing';
    const inside = clone(results);
    // websocket's two repetitions straddle sse's: ranges overlap, so no winner, though websocket's median is lower.
    const sse = cpuOf(inside, 'sse').map((r) => r.server.cpuSeconds / r.durationSeconds);
    const [ws1, ws2] = cpuOf(inside, 'websocket');
    if (!ws1 || !ws2) throw new Error('fixture lacks websocket runs at c1000-r10s');
    ws1.server.cpuSeconds = Math.min(...sse) * 0.5 * ws1.durationSeconds;
    ws2.server.cpuSeconds = Math.max(...sse) * 1.01 * ws2.durationSeconds;
    expect(winnerIn(inside)).toBe('');
    const outside = clone(inside);
    const [o1, o2] = cpuOf(outside, 'websocket');
    if (!o1 || !o2) throw new Error('unreachable');
    o2.server.cpuSeconds = o1.server.cpuSeconds;
    expect(winnerIn(outside)).toBe('websocket');
  });
});

describe('crossovers', () => {
  it('interpolates on a log rate axis, and not into idle or zero ends', () => {
    expect(interpolate(0.1, 0.5, 1, 2)).toBeCloseTo(Math.sqrt(0.1), 10);
    expect(interpolate(0, 0.5, 1, 2)).toBeUndefined();
    expect(interpolate(0.1, 0, 1, 2)).toBeUndefined();
  });

  it('finds where long polling starts making more requests than short polling in the data', () => {
    const grid = buildGrid(loadMapFixture());
    const found = dataCrossovers(grid, metric('requests')).filter((c) => c.clients === 1000);
    expect(found).toHaveLength(1);
    const [c] = found;
    expect(c?.lowerFirst).toBe('long-polling');
    expect(c?.lowerAfter).toBe('short-polling');
    expect([c?.before.key, c?.after.key]).toEqual(['r60s', 'r10s']);
    // Rooms of 10: each client receives 10× the per-client rate; the law meets 1/(2 s) at ≈ 0.5 msg/s received.
    expect(1 / (c?.atPerClientRate ?? 0)).toBeGreaterThan(15);
    expect(1 / (c?.atPerClientRate ?? 0)).toBeLessThan(25);
  });

  it('solves the request laws for the received rate where their polls per client meet', () => {
    const results = loadMapFixture();
    const law = lawCrossover(results);
    if (law === undefined) throw new Error('no law crossover');
    expect(pollsPerClientSecond(law.longLaw, law.receivedPerSecond)).toBeCloseTo(pollsPerClientSecond(law.shortLaw, law.receivedPerSecond), 6);
    expect(law.receivedPerSecond).toBeCloseTo(1 / 1.996, 3);
    expect(law.roomSizes).toEqual([10]);
    expect(decisionSection(results)).toContain('long polling makes more requests than short polling at a 2 s interval');
    // A renewal gap longer than the interval: long polling never polls more; no crossover claimed.
    const slow = clone(results);
    const lp = slow.map?.models.find((x) => x.target === 'long-polling');
    if (!lp) throw new Error('no long-polling model');
    lp.requests = { ...lp.requests, gapMs: 3000 } satisfies RequestLaw;
    expect(lawCrossover(slow)).toBeUndefined();
    expect(decisionSection(slow)).toContain('No request-law crossover');
  });

  it('tells the crossover at the product\'s 20 s hold when the map measured a shorter one (hold = interval would cross at any traffic)', () => {
    const results = clone(loadMapFixture());
    const lp = results.map?.models.find((x) => x.target === 'long-polling');
    if (!lp) throw new Error('no long-polling model');
    lp.requests = { ...lp.requests, holdMs: 2000 } satisfies RequestLaw;
    const law = lawCrossover(results);
    if (law === undefined) throw new Error('no law crossover');
    expect(law.longLaw.holdMs).toBe(20_000);
    expect(law.measuredHoldMs).toBe(2000);
    expect(law.receivedPerSecond).toBeCloseTo(1 / 1.996, 3);
    expect(decisionSection(results)).toContain('the map measured a 2 s hold');
  });
});

describe('the report with and without a map', () => {
  it('opens with "Which one should I use?" when the results hold a map', () => {
    const html = renderReport(loadMapFixture());
    const decision = html.indexOf('id="decision-h"');
    expect(decision).toBeGreaterThan(0);
    expect(decision).toBeLessThan(html.indexOf('id="verdict-h"'));
    expect(html.indexOf('<section')).toBe(html.indexOf('<section class="decision"'));
    for (const id of ['p99', 'cpu', 'requests', 'bandwidth']) expect(html).toContain(`<table class="heatmap" data-map-metric="${id}">`);
    expect(html).toContain('data-load-bound="true"');
    expect(html).toContain('≥ 2\u202f400 msg/s (lower bound)');
  });

  it('shows each fitted model against every measured cell it was fitted on (residuals) and its cross-validation error', () => {
    const results = loadMapFixture();
    const html = decisionSection(results);
    expect(html).toContain('id="model-h"');
    for (const m of results.map?.models ?? []) {
      expect(html).toContain(`data-model="${m.target}"`);
      // Every fit point's measured and predicted CPU is in the table, as % of a core.
      for (const p of m.fit) expect(html).toContain(`data-fit-measured="${p.measured.cpuCores * 100}" data-fit-predicted="${p.predicted.cpuCores * 100}"`);
    }
    expect(html).toContain('leave-one-out CPU error');
    const none = clone(results);
    if (none.map) none.map.models = [];
    expect(decisionSection(none)).toContain('No cost model');
  });

  it('says so where a cell has no run (an interrupted map), and still draws the rest', () => {
    const partial = loadMapFixture();
    partial.runs = partial.runs.filter((r) => r.sweepValue !== 'c5000-hot');
    partial.summary = partial.summary.filter((s) => s.sweepValue !== 'c5000-hot');
    const html = decisionSection(partial);
    expect(html.match(/no run of a transport here/g)).toHaveLength(4);
    expect(html.match(/class="map-value"/g)?.length).toBe(loadMapFixture().summary.length * 4 - 12 - 4 * 4);
  });

  it('is unchanged without a map', () => {
    const basic = loadFixture('basic');
    expect(decisionSection(basic)).toBe('');
    expect(renderReport(basic)).not.toContain('id="decision-h"');
    expect(renderComparison(basic, basic)).not.toContain('decision-compare-h');
  });
});

describe('report and compare on map results', () => {
  let dir = '';
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'pushlab-decision-'));
  });
  afterAll(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('pushlab report renders a map bench', async () => {
    const path = join(dir, 'results.json');
    await writeFile(path, JSON.stringify(loadMapFixture()));
    expect(await runReportCli([path, '--out', join(dir, 'report')], silent)).toBe(0);
    expect(await readFile(join(dir, 'report', 'index.html'), 'utf8')).toContain('Which one should I use?');
  });

  it('pushlab compare puts every cell and transport side by side, before → after', async () => {
    const a = loadMapFixture();
    const b = clone(a);
    for (const r of b.runs) if (r.target === 'websocket' && r.sweepValue === 'c100-r1s') r.server.cpuSeconds *= 2;
    await writeFile(join(dir, 'a.json'), JSON.stringify(a));
    await writeFile(join(dir, 'b.json'), JSON.stringify(b));
    expect(await runCompareCli([join(dir, 'a.json'), join(dir, 'b.json'), '--out', join(dir, 'cmp')], silent)).toBe(0);
    const html = await readFile(join(dir, 'cmp', 'compare.html'), 'utf8');
    const lines = [...html.matchAll(/<li( class="[^"]*")? data-map-compare="([^"]+)" data-before="([^"]*)" data-after="([^"]*)"/g)];
    // Every transport of every cell on every metric (latency only where something was delivered).
    expect(lines).toHaveLength(15 * 4 * 4);
    const doubled = lines.find((l) => l[2] === 'c100-r1s:websocket:cpu');
    expect(doubled?.[1]).toBe(' class="regression"');
    expect(Number(doubled?.[4])).toBeCloseTo(2 * Number(doubled?.[3]), 12);
    expect(lines.filter((l) => l[1] !== undefined)).toHaveLength(1);
  });
});
