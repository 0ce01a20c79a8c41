/**
 * The two pure printers of a projection: `pushlab project`'s table (cli/project-print.ts) and
 * the report's projection section (reports/render/projection.ts), on the results-map.json fixture.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { BenchResults } from '../results/types.ts';
import { project } from '../model/project.ts';
import { measuredHeaderBytes } from '../model/header-overhead.ts';
import { printProjection } from '../cli/project-print.ts';
import { chatWorkload, fmtBitsPerSecond, PROJECTION_CLIENTS, renderProjection } from '../reports/render/projection.ts';
import { THOUSANDS_SEPARATOR } from '../reports/render/format.ts';

const read = (name: string): BenchResults => JSON.parse(readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8')) as BenchResults;
const results = read('results-map.json');
const MILLION = { clients: 1_000_000, rooms: 10_000, ratePerSecond: 1000 };
/** `1 000 000` as the printers group it (narrow no-break spaces between digit groups). */
const grouped = (text: string): string => text.replace(/(?<=\d) (?=\d{3})/g, THOUSANDS_SEPARATOR);

describe('the projection table of `pushlab project`', () => {
  it('labels the extrapolation, states the workload and prints one row per transport', () => {
    const text = printProjection(project(results, MILLION));
    const lines = text.split('\n');
    expect(lines[0]).toBe('Projection — a linear extrapolation of the cost model, not a measurement.');
    expect(lines[1]).toBe('Measured on AMD EPYC (2 cores, 23.5 GiB); one core = one of its cores.');
    expect(lines[2]).toBe(grouped('Workload: 1 000 000 clients in 10 000 rooms (100 per room), 1 000 msg/s in total (0.1 per room), 100 000 deliveries/s, 100-byte texts.'));
    const head = lines.findIndex((l) => l.startsWith('transport'));
    expect(lines[head]).toMatch(/^transport\s+requests\/s\s+CPU cores\s+memory \(RSS\)\s+out\s+in\s+instances\s+Redis backplane$/);
    const rows = lines.slice(head + 2, head + 6);
    expect(rows.map((r) => r.split(/\s+/)[0])).toEqual(['short-polling', 'long-polling', 'websocket', 'sse']);
    expect(rows[0]).toMatch(new RegExp(`^short-polling \\*\\s+${grouped('501 000')}\\s+116\\s+16\\.1 GiB\\s+1\\.17 Gbit/s\\s+424 Mbit/s\\s+170 \\(cpu\\)\\s+—$`));
    expect(text).toMatch(/\* outside the measured range of clients or rate: extrapolated past what was measured\./);
    expect(text).toMatch(/Redis backplane: no scale-out ladder in these results\./);
    expect(text).not.toMatch(/SLO/);
  });

  it('adds the SLO column and its reasons with --slo-p99, and says when no instance count fits', () => {
    const text = printProjection(project(results, MILLION, { sloP99Ms: 100 }));
    expect(text.split('\n').find((l) => l.startsWith('transport'))).toMatch(/p99 ≤ 100 ms$/);
    expect(text).toMatch(/^short-polling \*.*fails$/m);
    expect(text).toMatch(/^ {2}short-polling: fails — latency floor: a message waits for the next poll, so p99 ≥ 1980 ms at a 2000 ms interval/m);
    // An idle process (0.015 cores) already exceeds 1% of a core.
    const starved = project(results, MILLION, { utilisation: 0.01 });
    expect(printProjection(starved)).toMatch(/^websocket \*.*none fits/m);
    expect(starved.warnings.some((w) => /websocket: one idle process already uses more than the utilisation target/.test(w))).toBe(true);
  });
});

describe('renderProjection (the report section)', () => {
  it('is empty without a map', () => {
    expect(renderProjection(read('results-basic.json'))).toBe('');
  });

  it('projects the chat-like workload at 10k–10M clients, each figure the model\'s', () => {
    const html = renderProjection(results);
    expect(html).toMatch(/^<section aria-labelledby="projection-h"><h2 id="projection-h">Projection past one machine<\/h2>/);
    expect(html).toMatch(/rooms of 100, each client sending one message per minute/);
    expect(html).toMatch(/<strong>linear extrapolation<\/strong> of what one machine measured \(1\u202f000 clients, 0–10 msg\/s; 1\u202f000 clients, 10 msg\/s\)/);
    expect([...html.matchAll(/<tbody data-clients="(\d+)">/g)].map((m) => Number(m[1]))).toEqual([...PROJECTION_CLIENTS]);
    expect(chatWorkload(1_000_000)).toEqual({ clients: 1_000_000, rooms: 10_000, ratePerSecond: 1_000_000 / 60 });
    for (const n of PROJECTION_CLIENTS) {
      const p = project(results, chatWorkload(n));
      const group = /<tbody data-clients="\d+">(.*?)<\/tbody>/s.exec(html.slice(html.indexOf(`<tbody data-clients="${n}">`)))?.[1] ?? '';
      for (const t of Object.values(p.transports)) {
        const row = new RegExp(`<tr data-projection="${t.target}">.*?</tr>`).exec(group)?.[0] ?? '';
        const values = [...row.matchAll(/data-value="([^"]+)"/g)].map((m) => Number(m[1]));
        expect(values, `${n} ${t.target}`).toEqual([t.requestsPerSecond, t.cpuCores, t.memoryBytes, t.bandwidthBitsPerSecond.out, t.bandwidthBitsPerSecond.in, t.instances]);
        // Every size here lies past the fixture's measured 1,000 clients.
        expect(row).toMatch(/<span class="tag">extrapolated<\/span>/);
      }
    }
  });

  it('redoes the 871-byte header arithmetic with the measured empty poll and says where they differ', () => {
    const html = renderProjection(results);
    expect(html).toMatch(/<h3>Header overhead: the well-known arithmetic against measurement<\/h3>/);
    expect(html).toMatch(/Measured empty poll: 350 bytes \(the cost model&#39;s measured empty poll\)/);
    const row = /<tr><th scope="row" class="num">1\u202f000<\/th>(.*?)<\/tr>/.exec(html)?.[1] ?? '';
    const bytes = measuredHeaderBytes(results)?.bytes ?? 0;
    expect(bytes).toBeCloseTo(350, 1);
    const polls = results.map?.models.find((m) => m.target === 'short-polling')?.requests.fixedPerClientSecond ?? 0;
    expect([...row.matchAll(/data-value="([^"]+)"/g)].map((m) => Number(m[1]))).toEqual([871 * 1000 * 8, bytes * 1000 * 8, bytes * 1000 * polls * 8, 2 * 1000 * 8]);
    expect(row).toMatch(/6\.97 Mbit\/s/);
    expect(html).toMatch(/an empty poll measured 350 bytes, request and response together .* 0\.402× the arithmetic’s 871/);
    expect(html).toMatch(/pushlab’s short polling polls every 2\u202f000 ms/);
    expect(html).toMatch(/at 1,000,000 clients the model gives short polling \d+ CPU cores against WebSocket’s [\d.]+/);
  });

  it('formats bit rates in decimal network units', () => {
    expect(fmtBitsPerSecond(0)).toBe('0 bit/s');
    expect(fmtBitsPerSecond(999)).toBe('999 bit/s');
    expect(fmtBitsPerSecond(6_968_000)).toBe('6.97 Mbit/s');
    expect(fmtBitsPerSecond(1.17e9)).toBe('1.17 Gbit/s');
    expect(fmtBitsPerSecond(4.2e16)).toBe(`${grouped('42 000')} Tbit/s`);
  });
});
