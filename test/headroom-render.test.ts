/** Harness headroom and heap after GC as the console table and the report show them. */
import { describe, expect, it } from 'vitest';
import { renderTable } from '../bench/measure/table.ts';
import { renderReport } from '../reports/render/report.ts';
import { headroomSection } from '../reports/render/headroom.ts';
import { loadFixture } from './fixtures/report-helpers.ts';

const one = (median: number) => ({ median, min: median, max: median });

function withHeadroom() {
  const results = loadFixture('basic');
  for (const s of results.summary) {
    if (s.target === 'websocket') s.headroom = { harnessUsPerDelivery: one(8), loadUsPerDelivery: one(9.5), serverUsPerDelivery: one(14), loadToServer: one(0.68) };
    // The longest label, flagged, with wide figures: the table still fits 100 columns.
    if (s.target === 'baseline-long-polling') {
      s.headroom = { harnessUsPerDelivery: one(4321.5), loadUsPerDelivery: one(12345.6), serverUsPerDelivery: one(1234.5), loadToServer: one(10.01) };
      s.heapPerConnectionAfterGcBytes = one(123456);
    }
    if (s.target === 'long-polling') {
      s.headroom = { loadUsPerDelivery: one(104), serverUsPerDelivery: one(50), loadToServer: one(2.08) };
      s.heapPerConnectionAfterGcBytes = one(5 * 1024);
    }
  }
  return results;
}

describe('headroom in the console table', () => {
  it('shows load/server µs per delivery, their ratio and heap after GC, only when measured', () => {
    const table = renderTable(withHeadroom());
    expect(table).toContain('harness µs');
    expect(table).toContain('GC KiB/conn');
    expect(table).toContain('srv÷bare');
    expect(table).toMatch(/^long-polling +104 +– +50.0 +2.08 +[0-9.]+× +5.0 +LOAD≥SRV$/m);
    expect(table).toMatch(/^websocket +9.5 +8.0 +14.0 +0.68 +1.93× +–$/m);
    expect(table.split('\n').every((l) => l.length <= 100)).toBe(true);
    expect(renderTable(loadFixture('basic'))).not.toContain('load÷srv');
  });
});

describe('the null run\'s line', () => {
  it('names the harness\'s own µs per delivery per transport, from the null-* rows', () => {
    const results = withHeadroom();
    const ws = results.summary.find((s) => s.target === 'baseline-ws');
    if (ws === undefined) throw new Error('fixture without baseline-ws');
    results.summary.push({ ...ws, target: 'null-websocket', transport: 'websocket', headroom: { loadUsPerDelivery: one(7.25), serverUsPerDelivery: one(3), loadToServer: one(2.4) } });
    expect(renderTable(results)).toContain("null run (the harness's own CPU per delivery, load cores): websocket 7.3 µs");
    expect(headroomSection(results)).toContain('null run (the harness&#39;s own CPU per delivery, load cores): websocket 7.3 µs');
  });
});

describe('the report\'s Harness headroom section', () => {
  it('lists each measured target and flags a load side that costs at least the server', () => {
    const html = headroomSection(withHeadroom());
    expect(html).toContain('id="headroom-h"');
    expect(html).toMatch(/<tr class="flagged">.*long-polling.*load side ≥ server.*>104<.*>50<.*>2\.08<.*>5</s);
    expect(html).toMatch(/websocket.*>9\.5<.*>14<.*>0\.68<.*>1\.93× <span class="spread">baseline-ws</s);
    expect(html).toContain('server CPU ÷ bare baseline');
    expect(renderReport(withHeadroom())).toContain('<h2 id="headroom-h">Harness headroom</h2>');
  });

  it('is absent from a report whose runs measured none of it', () => {
    expect(headroomSection(loadFixture('basic'))).toBe('');
    expect(renderReport(loadFixture('basic'))).not.toContain('headroom-h');
  });
});
