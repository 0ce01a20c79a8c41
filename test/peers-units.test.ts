/**
 * Unit tests of the peers' pure parts: `--peers` parsing and presets, which peer runs beside
 * which transport, the peers' model checks, heap per connection from samples, and the peer
 * multiples of the summary (pushlab ÷ Socket.IO).
 */
import { describe, expect, it } from 'vitest';
import { UsageError } from '../options/usage-error.ts';
import { parseFlags } from '../cli/args.ts';
import { benchHelp } from '../cli/bench-help.ts';
import { heapPerConnection } from '../bench/measure/connection-memory.ts';
import { BENCH_FLAG_SPECS, resolveBenchOptions } from '../bench/config/options.ts';
import { expectedPings, peerModelChecks } from '../bench/peers/model.ts';
import { parsePeers, peerTargets } from '../bench/peers/peers.ts';
import type { BenchOptions, RunResult } from '../results/types.ts';
import { targetsOf } from '../bench/harness/run.ts';
import type { Sample } from '../bench/measure/sampler.ts';
import { summarizeRuns } from '../bench/measure/summary.ts';
import { renderTable } from '../bench/measure/table.ts';
import { loadFixture } from './fixtures/report-helpers.ts';

const resolve = (argv: string[]): BenchOptions => resolveBenchOptions(parseFlags(argv, BENCH_FLAG_SPECS).values).options;

describe('--peers', () => {
  it('parses names, and none / an empty value as no peer; an unknown name is a usage error', () => {
    expect(parsePeers('socketio,socketio-polling')).toEqual(['socketio', 'socketio-polling']);
    expect(parsePeers(' socketio , socketio ')).toEqual(['socketio']);
    expect(parsePeers('none')).toEqual([]);
    expect(parsePeers('')).toEqual([]);
    expect(() => parsePeers('socketio,signalr')).toThrow(UsageError);
    expect(() => parsePeers('signalr')).toThrow(/unknown peer "signalr" \(known: socketio, socketio-polling, or none\)/);
  });

  it('is on in the default and fanout scenarios, off elsewhere, and the flag overrides the preset', () => {
    expect(resolve([]).peers).toEqual(['socketio', 'socketio-polling']);
    expect(resolve(['--scenario', 'fanout']).peers).toEqual(['socketio', 'socketio-polling']);
    for (const scenario of ['smoke', 'idle', 'chat', 'burst', 'faults']) expect(resolve(['--scenario', scenario]).peers, scenario).toEqual([]);
    expect(resolve(['--peers', 'none']).peers).toEqual([]);
    expect(resolve(['--peers', '']).peers).toEqual([]);
    expect(resolve(['--scenario', 'idle', '--peers', 'socketio']).peers).toEqual(['socketio']);
    expect(() => resolve(['--peers', 'nope'])).toThrow(UsageError);
  });

  it('refuses --faults and --restart-server with peers (no history to resume from)', () => {
    expect(() => resolve(['--faults'])).toThrow(/--peers cannot be combined with --faults or --restart-server/);
    expect(() => resolve(['--scenario', 'faults', '--peers', 'socketio'])).toThrow(/add --peers none/);
    expect(resolve(['--faults', '--peers', 'none']).faults).toBe(true);
  });

  it('is documented in --help', () => {
    // Help shows the chosen scenario's values: smoke runs no peers (the default scenario runs both).
    expect(benchHelp(resolveBenchOptions({ scenario: 'smoke' }))).toMatch(/--peers <list>\s+peers run beside their counterpart: socketio .*none or '' for none.*\(default none\)/);
  });

  it('runs a peer beside its counterpart transport only, after the transports and baselines', () => {
    expect(peerTargets(['socketio', 'socketio-polling'], ['websocket'])).toEqual([{ target: 'peer-socketio', transport: 'websocket' }]);
    expect(peerTargets(['socketio-polling'], ['long-polling', 'websocket'])).toEqual([{ target: 'peer-socketio-polling', transport: 'long-polling' }]);
    expect(peerTargets(undefined, ['websocket'])).toEqual([]);
    expect(targetsOf(resolve([])).map((t) => t.target)).toEqual(['short-polling', 'long-polling', 'websocket', 'sse', 'baseline-ws', 'baseline-long-polling', 'peer-socketio', 'peer-socketio-polling']);
    expect(targetsOf(resolve(['--transports', 'short-polling'])).map((t) => t.target)).toEqual(['short-polling']);
  });
});

describe('peer model checks', () => {
  const options = resolve(['--scenario', 'smoke', '--peers', 'socketio,socketio-polling']);

  it('Socket.IO over WebSocket makes no HTTP requests; a request is off model', () => {
    expect(peerModelChecks('peer-socketio', options, { latencyMeanMs: 1, latencyCount: 10, requestsPerSecond: 0 })[0]?.flagged).toBe(false);
    expect(peerModelChecks('peer-socketio', options, { latencyMeanMs: 1, latencyCount: 10, requestsPerSecond: 5 })[0]?.flagged).toBe(true);
  });

  it('idle Socket.IO polling: 2 requests per 25 s ping, counted from the connect times', () => {
    // The idle scenario: 1,000 clients connect over the first 4 s of a 5 s warm-up; in a 40 s
    // window each is pinged once (at 20–24 s) → 2,000 requests in 40 s.
    const idle = resolve(['--scenario', 'idle', '--peers', 'socketio-polling']);
    expect(expectedPings(idle)).toBe(1000);
    const [check] = peerModelChecks('peer-socketio-polling', idle, { latencyMeanMs: 0, latencyCount: 0, requestsPerSecond: 50 });
    expect(check).toMatchObject({ predicted: 50, flagged: false });
    expect(peerModelChecks('peer-socketio-polling', idle, { latencyMeanMs: 0, latencyCount: 0, requestsPerSecond: 80 })[0]?.flagged).toBe(true);
    // A 20 s window ends before the first ping; a 47 s one also sees the second ping (at 45–49 s) of
    // the half that connected in the first 2 s.
    expect(expectedPings({ ...idle, durationMs: 20_000 })).toBe(0);
    expect(expectedPings({ ...idle, durationMs: 47_000 })).toBe(1500);
  });

  it('Socket.IO polling with traffic: an upper bound (deliveries + 2 per send + pings)', () => {
    // smoke: 20 clients in 2 rooms, 2 senders, 20 msg/s, 5 s window (no ping yet) → 20 × 10 + 2 × 20.
    const [check] = peerModelChecks('peer-socketio-polling', options, { latencyMeanMs: 5, latencyCount: 100, requestsPerSecond: 200 });
    expect(check?.predicted).toBe(240);
    expect(check?.flagged).toBe(false);
    expect(peerModelChecks('peer-socketio-polling', options, { latencyMeanMs: 5, latencyCount: 100, requestsPerSecond: 300 })[0]?.flagged).toBe(true);
  });
});

describe('heap per connection', () => {
  const sample = (t: number, heapUsedBytes: number, scrapeFailed = false): Sample => ({ t, atMs: t * 1000, cpuSeconds: 0, rssBytes: 0, heapUsedBytes, eventLoopDelayP99Ms: 0, requests: 0, bytesIn: 0, bytesOut: 0, scrapeFailed });

  it('is the lowest heap in the window minus the heap before anyone connected, per connection', () => {
    const samples = [sample(-5, 10_000_000), sample(-2, 30_000_000), sample(0, 21_000_000), sample(1, 20_000_000), sample(2, 25_000_000), sample(3, 19_000_000)];
    expect(heapPerConnection(samples, 1000, -5, 2)).toBe(10_000);
  });

  it('needs a sample taken before the clients connect, a window sample and a connection', () => {
    const samples = [sample(-4, 10_000_000), sample(0, 20_000_000)];
    expect(heapPerConnection(samples, 1000, -5, 1)).toBeUndefined();
    expect(heapPerConnection([sample(-5, 10_000_000)], 1000, -5, 1)).toBeUndefined();
    expect(heapPerConnection([sample(-5, 10_000_000), sample(0, 20_000_000)], 0, -5, 1)).toBeUndefined();
    // A failed scrape is no sample; a shrinking heap is not a negative cost.
    expect(heapPerConnection([sample(-5, 0, true), sample(0, 20_000_000)], 10, -5, 1)).toBeUndefined();
    expect(heapPerConnection([sample(-5, 30_000_000), sample(0, 20_000_000)], 10, -5, 1)).toBe(0);
  });
});

describe('peer multiples in the summary', () => {
  it('divide pushlab by its peer at the same sweep value, and only for the lab transport with a peer', () => {
    const fixture = loadFixture('peers');
    const summary = summarizeRuns(fixture.runs, fixture.floors);
    // The fixture predates the bootstrap intervals (test/bootstrap.test.ts checks those): compare without them.
    const withoutIntervals = summary.map((s) => ({ ...s, latencyCi: undefined, ...(s.peerMultiple ? { peerMultiple: { ...s.peerMultiple, ci: undefined } } : {}), ...(s.baselineMultiple ? { baselineMultiple: { ...s.baselineMultiple, ci: undefined } } : {}) }));
    expect(withoutIntervals).toEqual(fixture.summary);
    const ws = summary.find((s) => s.target === 'websocket');
    const peer = summary.find((s) => s.target === 'peer-socketio');
    expect(ws?.peerMultiple?.ci?.p50.length).toBe(2);
    expect({ ...ws?.peerMultiple, ci: undefined }).toEqual({
      p50: Math.round(((ws?.latencyMs.p50 ?? 0) / (peer?.latencyMs.p50 ?? 1)) * 100) / 100,
      p99: Math.round(((ws?.latencyMs.p99 ?? 0) / (peer?.latencyMs.p99 ?? 1)) * 100) / 100,
      cpuPer1k: Math.round(((ws?.cpuSecondsPer1kDelivered.median ?? 0) / (peer?.cpuSecondsPer1kDelivered.median ?? 1)) * 100) / 100,
      heapPerConnection: Math.round((9400 / 21_500) * 100) / 100,
      peer: 'peer-socketio',
    });
    expect(summary.find((s) => s.target === 'long-polling')?.peerMultiple?.peer).toBe('peer-socketio-polling');
    for (const target of ['short-polling', 'baseline-ws', 'peer-socketio']) expect(summary.find((s) => s.target === target)?.peerMultiple, target).toBeUndefined();
    // Without the peer's run there is nothing to divide by; without heap figures, no heap ratio.
    const noPeer = summarizeRuns(fixture.runs.filter((r) => r.target !== 'peer-socketio'), fixture.floors);
    expect(noPeer.find((s) => s.target === 'websocket')?.peerMultiple).toBeUndefined();
    const noHeap = fixture.runs.map((r): RunResult => ({ ...r, server: { ...r.server, heapPerConnectionBytes: undefined } }));
    expect(summarizeRuns(noHeap, fixture.floors).find((s) => s.target === 'websocket')?.peerMultiple).not.toHaveProperty('heapPerConnection');
  });

  it('the terminal table has heap per connection and one line of pushlab ÷ Socket.IO', () => {
    // The table fits 100 columns, so rows may wrap into a block per target: read it unwrapped.
    const table = renderTable(loadFixture('peers')).replace(/\n {2}/g, ' ');
    expect(table).toMatch(/heap\/conn KiB/);
    expect(table).toMatch(/^peer-socketio\s.*heap\/conn KiB 21\.0\s/m);
    const ws = loadFixture('peers').summary.find((s) => s.target === 'websocket')?.peerMultiple;
    expect(table).toContain(`pushlab ÷ Socket.IO (below 1× pushlab is faster or cheaper): long-polling vs peer-socketio-polling: p50 `);
    expect(table).toContain(`websocket vs peer-socketio: p50 ${ws?.p50.toFixed(2)}× p99 ${ws?.p99.toFixed(2)}× CPU/msg ${ws?.cpuPer1k.toFixed(2)}× heap/conn ${ws?.heapPerConnection?.toFixed(2)}×`);
    expect(renderTable(loadFixture('basic'))).not.toContain('Socket.IO');
  });
});
