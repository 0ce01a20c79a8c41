/**
 * The Socket.IO peers in the report, on the peers fixture (the default scenario's shape with
 * both peers; its summary from the bench's own summarizeRuns): the rows beside the lab's
 * transports, the × Socket.IO column matching the JSON, the ratios in words in the verdict,
 * their own colours and dashes, and never a peer named a winner.
 */
import { describe, expect, it } from 'vitest';
import type { BenchResults } from '../results/types.ts';
import { renderReport } from '../reports/render/report.ts';
import { TARGET_COLOURS } from '../reports/render/targets.ts';
import { clone, expectCellsMatch, loadFixture, metricCells } from './fixtures/report-helpers.ts';

function chartSpecs(html: string): { id: string; datasets: { label: string; borderColor: string; borderDash?: number[] }[] }[] {
  const open = '<script type="application/json" id="chart-specs">';
  const start = html.indexOf(open) + open.length;
  return JSON.parse(html.slice(start, html.indexOf('</script>', start))) as ReturnType<typeof chartSpecs>;
}

/** The visible text of an HTML fragment (tags dropped, entities of the escaper undone). */
function text(html: string): string {
  return html.replace(/<[^>]+>/g, '').replace(/&#39;/g, "'").replace(/&quot;/g, '"').replace(/&amp;/g, '&');
}

describe('report with Socket.IO peers', () => {
  const results: BenchResults = loadFixture('peers');
  const html = renderReport(results);

  it('has one summary row per peer, tagged as a peer, beside the lab transports', () => {
    for (const target of ['peer-socketio', 'peer-socketio-polling']) {
      const row = new RegExp(`<tr class="peer" data-row="${target}">(.*?)</tr>`).exec(html);
      expect(row, target).not.toBeNull();
      expect(row?.[1]).toContain('<span class="tag">peer</span>');
    }
    expect(html).toContain('× Socket.IO</th>');
  });

  it('shows the × Socket.IO ratios as the JSON has them (pushlab ÷ peer)', () => {
    const ws = results.summary.find((s) => s.target === 'websocket');
    const wsPeer = results.summary.find((s) => s.target === 'peer-socketio');
    expect(ws?.peerMultiple?.peer).toBe('peer-socketio');
    expect(ws?.peerMultiple?.p99).toBeCloseTo((ws?.latencyMs.p99 ?? 0) / (wsPeer?.latencyMs.p99 ?? 1), 2);
    expect(ws?.peerMultiple?.heapPerConnection).toBeCloseTo(9400 / 21_500, 2);
    const cells = metricCells(html).filter((c) => c.metric.includes(':peerMultiple.'));
    // p50, p99, CPU and heap per connection for websocket and long polling.
    expect(cells.map((c) => c.metric).sort()).toEqual(
      ['long-polling', 'websocket'].flatMap((t) => ['cpuPer1k', 'heapPerConnection', 'p50', 'p99'].map((m) => `${t}:peerMultiple.${m}`)).sort(),
    );
    expectCellsMatch(results, cells);
  });

  it('shows heap per connection in KiB for every row, as the JSON has it', () => {
    expect(html).toContain('heap per connection (KiB)</th>');
    const cells = metricCells(html).filter((c) => c.metric.endsWith(':heapPerConnectionBytes.median'));
    expect(cells).toHaveLength(results.summary.length);
    expect(cells.find((c) => c.metric === 'peer-socketio:heapPerConnectionBytes.median')?.text).toBe('21');
    expectCellsMatch(results, cells);
  });

  it('says the ratios in words in the verdict', () => {
    const verdict = text(html.slice(html.indexOf('<section class="verdict"'), html.indexOf('</section>')));
    const ws = results.summary.find((s) => s.target === 'websocket')?.peerMultiple;
    expect(verdict).toContain(`pushlab WebSocket vs Socket.IO: p50 ${ws?.p50}× (pushlab faster), p99 ${ws?.p99}× (pushlab faster), CPU per message ${ws?.cpuPer1k}× (pushlab cheaper), memory per connection ${ws?.heapPerConnection}× (pushlab leaner).`);
    expect(verdict).toMatch(/pushlab long polling vs Socket\.IO polling: p50 [\d.]+× \(pushlab faster\), p99 [\d.]+× \(pushlab faster\), CPU per message [\d.]+× \(pushlab cheaper\), memory per connection [\d.]+× \(pushlab leaner\)\./);
    expect(verdict).toMatch(/Socket\.IO itself: p50 [\d.]+ ms, p99 [\d.]+ ms, [\d.]+ ms CPU per 1k, 21 KiB heap per connection\./);
    // A peer is a reference, never a winner.
    expect(html).not.toMatch(/<span class="winner">peer-/);
  });

  it('words a slower or heavier pushlab as such, and a missing heap as not measured', () => {
    const worse = clone(results);
    const ws = worse.summary.find((s) => s.target === 'websocket');
    if (ws?.peerMultiple === undefined) throw new Error('fixture has no websocket peerMultiple');
    ws.peerMultiple = { p50: 1.02, p99: 1.5, cpuPer1k: 2, peer: 'peer-socketio' };
    const verdict = text(renderReport(worse));
    expect(verdict).toContain('pushlab WebSocket vs Socket.IO: p50 1.02× (about the same), p99 1.5× (pushlab slower), CPU per message 2× (pushlab costlier), memory per connection not measured.');
    // Idle (nothing delivered): no latency or CPU ratio, no latency or CPU of the peer — heap only.
    const idle = clone(results);
    const idleWs = idle.summary.find((s) => s.target === 'websocket');
    const idlePeer = idle.summary.find((s) => s.target === 'peer-socketio');
    if (idleWs === undefined || idlePeer === undefined) throw new Error('fixture rows missing');
    idleWs.peerMultiple = { p50: 0, p99: 0, cpuPer1k: 0, heapPerConnection: 0.84, peer: 'peer-socketio' };
    idlePeer.latencyMs = { ...idlePeer.latencyMs, count: 0 };
    expect(text(renderReport(idle))).toContain('pushlab WebSocket vs Socket.IO: p50 —, p99 —, CPU per message —, memory per connection 0.84× (pushlab leaner). Socket.IO itself: 21 KiB heap per connection.');
  });

  it('draws each peer in its own colour and dash', () => {
    const latency = chartSpecs(html).find((c) => c.id === 'latency-percentiles');
    const style = (label: string): { borderColor: string; borderDash?: number[] } | undefined => latency?.datasets.find((d) => d.label === label);
    const peer = style('peer-socketio');
    const polling = style('peer-socketio-polling');
    expect(peer?.borderColor).toBe(TARGET_COLOURS['peer-socketio']);
    expect(polling?.borderColor).toBe(TARGET_COLOURS['peer-socketio-polling']);
    expect(peer?.borderDash).toBeDefined();
    expect(polling?.borderDash).toBeDefined();
    expect(peer?.borderDash).not.toEqual(polling?.borderDash);
    const others = (latency?.datasets ?? []).filter((d) => !d.label.startsWith('peer-'));
    for (const d of others) {
      expect(d.borderColor).not.toBe(peer?.borderColor);
      expect(d.borderColor).not.toBe(polling?.borderColor);
    }
  });

  it('a bench without peers has no × Socket.IO column and no peer paragraph', () => {
    const basic = renderReport(loadFixture('basic'));
    expect(basic).not.toContain('× Socket.IO</th>');
    expect(basic).not.toContain('heap per connection (KiB)</th>');
    expect(basic).not.toContain('class="peers"');
  });
});
