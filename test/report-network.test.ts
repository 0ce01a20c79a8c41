/** The report's network section: the path's calibration (a failed one said so), proxy CPU, connection setup. */
import { describe, expect, it } from 'vitest';
import { calibrate } from '../bench/delay/path.ts';
import { renderReport } from '../reports/render/report.ts';
import { networkSection } from '../reports/render/network.ts';
import { clone, loadFixture } from './fixtures/report-helpers.ts';

describe('network and connection setup section', () => {
  it('is absent from a loopback bench without setup figures', () => {
    expect(networkSection(loadFixture('basic'))).toBe('');
  });

  it('shows the calibration, the proxy CPU and the setup per run, and flags a path that was off', () => {
    const results = clone(loadFixture('basic'));
    const floors = results.floors.map((f) => ({ ...f, latencyMs: { ...f.latencyMs, p50: 100.4 } }));
    const off = floors.map((f, i) => (i === 0 ? { ...f, latencyMs: { ...f.latencyMs, p50: 104 } } : f));
    results.path = [calibrate({ rttMs: 100, jitterMs: 0 }, off)];
    results.options.tls = true;
    const summary = { p50: 310, p90: 320, p99: 330, p999: 330, max: 330, mean: 312, count: 20 };
    const run = results.runs[0];
    if (run === undefined) throw new Error('fixture has no runs');
    run.connectionSetup = { joinedMs: summary, firstMessageMs: { ...summary, p50: 420 } };
    run.path = { mode: 'userspace-delay-proxy', rttMs: 100, proxyCpuSeconds: 1.2, proxyCpuPercent: 12.5, connections: 24 };
    const html = renderReport(results);
    expect(html).toContain('Network and connection setup');
    expect(html).toContain('userspace-delay-proxy');
    expect(html).toContain('OFF — the bench fails');
    expect(html).toContain('12.5 %');
    expect(html).toContain('TLS (https/wss');
    expect(html).toMatch(/420/);
  });
});
