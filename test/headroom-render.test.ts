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
    if (s.target === 'websocket') s.headroom = { loadUsPerDelivery: one(9.5), serverUsPerDelivery: one(14), loadToServer: one(0.68) };
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
    expect(table).toContain('load µs/msg');
    expect(table).toContain('heap/conn after GC KiB');
    expect(table).toMatch(/^long-polling +104 +50.0 +2.08 +5.0 +LOAD ≥ SERVER$/m);
    expect(table).toMatch(/^websocket +9.5 +14.0 +0.68 +–$/m);
    expect(renderTable(loadFixture('basic'))).not.toContain('load÷server');
  });
});

describe('the report\'s Harness headroom section', () => {
  it('lists each measured target and flags a load side that costs at least the server', () => {
    const html = headroomSection(withHeadroom());
    expect(html).toContain('id="headroom-h"');
    expect(html).toMatch(/<tr class="flagged">.*long-polling.*load side ≥ server.*>104<.*>50<.*>2\.08<.*>5</s);
    expect(html).toMatch(/websocket.*>9\.5<.*>14<.*>0\.68</s);
    expect(renderReport(withHeadroom())).toContain('<h2 id="headroom-h">Harness headroom</h2>');
  });

  it('is absent from a report whose runs measured none of it', () => {
    expect(headroomSection(loadFixture('basic'))).toBe('');
    expect(renderReport(loadFixture('basic'))).not.toContain('headroom-h');
  });
});
