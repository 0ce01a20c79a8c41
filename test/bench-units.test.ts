/** Unit tests of the bench's pure parts: schedule, histograms, accounting, options, model, summary. */
import { describe, expect, it, vi } from 'vitest';
import { UsageError } from '../options/usage-error.ts';
import { SubscriberLedger, decodeMessageText, encodeMessageText, scheduledForRoom, subscribersPerRoom, tally } from '../bench/measure/accounting.ts';
import { createHistogram, decodeHistogram, encodeHistogram, mergeEncoded, recordMs, summarize } from '../results/histogram.ts';
import { readFileSync } from 'node:fs';
import { modelChecks, sseEventBytes, sseVersusWebSocket } from '../bench/measure/model.ts';
import type { BenchResults, RunResult } from '../results/types.ts';
import { createPushlabServer } from '../servers/server.ts';
import { openStream } from './helpers/sse.ts';
import { applySweep, parseSweep, resolveBenchOptions } from '../bench/config/options.ts';
import { parsePrometheus, snapshotFrom } from '../bench/measure/prometheus.ts';
import { connectTimes, countInWindow, runSchedule, scheduleLength, scheduledAt, seededRandom, type Scheduled } from '../bench/measure/schedule.ts';
import { stat } from '../bench/measure/summary.ts';

describe('schedule', () => {
  const spec = { startMs: 1000, endMs: 3000, rate: 10, senders: 3, rooms: 2 };

  it('is fixed in advance: message k is due at start + k/rate, sender k mod senders, room k mod rooms', () => {
    expect(scheduleLength(spec)).toBe(20);
    expect(scheduledAt(spec, 0)).toEqual({ k: 0, atMs: 1000, sender: 0, room: 0 });
    expect(scheduledAt(spec, 7)).toEqual({ k: 7, atMs: 1700, sender: 1, room: 1 });
    expect(scheduleLength({ ...spec, rate: 0 })).toBe(0);
  });

  it('counts the messages due inside a window', () => {
    expect(countInWindow(spec, 1500, 2500)).toEqual({ first: 5, end: 15 });
    expect(countInWindow(spec, 0, 10_000)).toEqual({ first: 0, end: 20 });
  });

  it('runs open loop: a late wake-up fires every overdue message, in order, none skipped', () => {
    let now = 0;
    const fired: Scheduled[] = [];
    let done = false;
    // A clock that jumps: everything already due fires at once.
    const clock = (): number => now;
    now = 1650;
    // The clock is injected, so the timers can be fake too: no real waiting.
    vi.useFakeTimers();
    try {
      runSchedule(spec, () => true, (s) => fired.push(s), clock, () => (done = true));
      vi.advanceTimersByTime(5);
      expect(fired.map((s) => s.k)).toEqual([0, 1, 2, 3, 4, 5, 6]);
      now = 5000;
      vi.advanceTimersByTime(1100);
      expect(fired.map((s) => s.k)).toEqual(Array.from({ length: 20 }, (_, k) => k));
      expect(done).toBe(true);
    } finally {
      vi.useRealTimers();
    }
  });

  it('fires only the messages a worker owns', () => {
    const fired: number[] = [];
    vi.useFakeTimers();
    try {
      runSchedule(spec, (s) => s.sender === 1, (s) => fired.push(s.k), () => 10_000, () => {});
      vi.advanceTimersByTime(5);
      expect(fired).toEqual([1, 4, 7, 10, 13, 16, 19]);
    } finally {
      vi.useRealTimers();
    }
  });

  it('seeds: the same seed gives the same connect times, spread over 80% of the warm-up', () => {
    const a = connectTimes(100, 0, 1000, 7);
    expect(connectTimes(100, 0, 1000, 7)).toEqual(a);
    expect(connectTimes(100, 0, 1000, 8)).not.toEqual(a);
    expect(Math.min(...a)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...a)).toBeLessThan(800);
    const r = seededRandom(1);
    for (let i = 0; i < 1000; i++) {
      const v = r();
      expect(v >= 0 && v < 1).toBe(true);
    }
  });
});

describe('histograms', () => {
  it('records µs and summarizes in ms', () => {
    const h = createHistogram();
    for (let i = 1; i <= 1000; i++) recordMs(h, i / 10); // 0.1 … 100 ms
    const s = summarize(h);
    expect(s.count).toBe(1000);
    expect(s.p50).toBeCloseTo(50, 0);
    expect(s.p99).toBeCloseTo(99, 0);
    expect(s.max).toBeCloseTo(100, 0);
    expect(s.mean).toBeCloseTo(50.05, 0);
  });

  it('round-trips through the encoding', () => {
    const h = createHistogram();
    recordMs(h, 1.5);
    recordMs(h, 2.5);
    const back = decodeHistogram(encodeHistogram(h));
    expect(back.totalCount).toBe(2);
    expect(summarize(back)).toEqual(summarize(h));
  });

  it('merges counts: percentiles of the merge, never the average of percentiles', () => {
    const fast = createHistogram();
    const slow = createHistogram();
    for (let i = 0; i < 900; i++) recordMs(fast, 1);
    for (let i = 0; i < 100; i++) recordMs(slow, 100);
    const merged = summarize(mergeEncoded([encodeHistogram(fast), encodeHistogram(slow), '']));
    expect(merged.count).toBe(1000);
    expect(merged.p50).toBeCloseTo(1, 1);
    expect(merged.p99).toBeCloseTo(100, 0);
    // The average of the two p50s would be ~50 ms: wrong.
    expect(merged.p50).toBeLessThan(2);
  });

  it('an empty histogram summarizes to zeros', () => {
    expect(summarize(createHistogram())).toEqual({ p50: 0, p90: 0, p99: 0, p999: 0, max: 0, mean: 0, count: 0 });
  });
});

describe('accounting', () => {
  it('encodes ids into a text of exactly --size bytes and decodes them back', () => {
    const id = { run: 'ab12cd', sender: 3, k: 123_456, pred: 123_400, lateUs: 1500 };
    const text = encodeMessageText(id, 100);
    expect(text.length).toBe(100);
    expect(decodeMessageText(text)).toEqual(id);
    expect(decodeMessageText(encodeMessageText({ ...id, pred: -1 }, 32))?.pred).toBe(-1);
    expect(decodeMessageText('hello')).toBeUndefined();
  });

  it('keeps its ledger on raw deliveries: wire duplicates, true duplicates, seq regressions, late', () => {
    const ledger = new SubscriberLedger();
    const m = (k: number) => ({ run: 'r', sender: 0, k, pred: -1, lateUs: 0 });
    expect(ledger.receive(m(0), 1)).toBe(true);
    expect(ledger.receive(m(1), 2)).toBe(true);
    expect(ledger.receive(m(1), 2)).toBe(false); // a replay of the same (room, seq): wire duplicate
    expect(ledger.wireDuplicates).toBe(1);
    expect(ledger.receive(m(1), 7)).toBe(false); // the same message under another seq: the user sees it twice
    expect(ledger.duplicates).toBe(1);
    expect(ledger.receive(m(3), 4)).toBe(true);
    expect(ledger.receive(m(2), 3)).toBe(true); // seq 3 after seq 4: a true regression
    expect(ledger.outOfOrder).toBe(1);
    // A restarted server numbers from 1 again: later ts, lower seq — a new numbering, not a reordering.
    const restarted = new SubscriberLedger();
    restarted.receive(m(10), 40, false, 1000);
    restarted.receive(m(11), 1, false, 2000);
    restarted.receive(m(12), 2, false, 2001);
    expect(restarted.outOfOrder).toBe(0);
    restarted.receive(m(13), 1, false, 1999); // but a lower seq accepted earlier is still out of order
    expect(restarted.outOfOrder).toBe(1);
    expect(ledger.receive(m(4), 5, true)).toBe(true); // after the drain: late, not delivered
    expect(ledger.delivered).toBe(4);
    expect(ledger.late).toBe(1);
    // Six were scheduled for this subscriber's room: one never came.
    expect(ledger.lostOf(6)).toBe(1);
  });

  it('expected comes from the schedule, per room; loss is per (subscriber, message), never offset by surplus', () => {
    expect(subscribersPerRoom(10, 3)).toEqual([4, 3, 3]);
    // k in [2, 11) over 3 rooms: room 0 gets 3, 6, 9; room 1 gets 4, 7, 10; room 2 gets 2, 5, 8.
    expect([0, 1, 2].map((r) => scheduledForRoom({ first: 2, end: 11 }, 3, r))).toEqual([3, 3, 3]);
    expect([0, 1].map((r) => scheduledForRoom({ first: 0, end: 5 }, 2, r))).toEqual([3, 2]);
    const a = new SubscriberLedger();
    const b = new SubscriberLedger();
    const m = (k: number) => ({ run: 'r', sender: 0, k, pred: -1, lateUs: 0 });
    for (const k of [0, 2, 4]) a.receive(m(k), k + 1);
    b.receive(m(0), 1);
    b.receive(m(0), 9); // b's surplus copy does not make up for what it missed
    expect(a.lostOf(3) + b.lostOf(3)).toBe(2);
    const t = tally({ scheduled: 5, expected: 6, beforeJoin: 0, acked: 3, failed: 1, unanswered: 1, delivered: 4, late: 0, lost: 2, duplicates: 1, wireDuplicates: 0, outOfOrder: 0 });
    expect(t).toMatchObject({ scheduled: 5, sent: 3, failed: 1, unanswered: 1, expected: 6, lost: 2 });
  });
});

describe('options', () => {
  it('the default scenario: all transports, real 2 s interval and 20 s hold, baselines on', () => {
    const { options, output } = resolveBenchOptions({});
    expect(options.scenario).toBe('default');
    expect(options.transports).toEqual(['short-polling', 'long-polling', 'websocket', 'sse']);
    expect(options.pollIntervalMs).toBe(2000);
    expect(options.holdMs).toBe(20_000);
    expect(options.baselines).toBe(true);
    expect(output).toEqual({ out: 'reports/', json: false, quiet: false });
  });

  it('a preset sets options and explicit flags override it', () => {
    const idle = resolveBenchOptions({ scenario: 'idle' }).options;
    expect(idle.rate).toBe(0);
    const { options, output } = resolveBenchOptions({ scenario: 'smoke', clients: '7', duration: '1.5s', warmup: '500ms', transports: 'websocket', baselines: true, out: '/tmp/x', json: true });
    expect(options.clients).toBe(7);
    expect(options.durationMs).toBe(1500);
    expect(options.warmupMs).toBe(500);
    expect(options.transports).toEqual(['websocket']);
    expect(options.baselines).toBe(true);
    expect(options.rate).toBe(20); // from the smoke preset
    expect(output).toEqual({ out: '/tmp/x', json: true, quiet: false });
  });

  it('rejects bad input with a message naming the flag', () => {
    expect(() => resolveBenchOptions({ scenario: 'nope' })).toThrow(/--scenario.*nope/);
    expect(() => resolveBenchOptions({ clients: 'many' })).toThrow(UsageError);
    expect(() => resolveBenchOptions({ clients: '0' })).toThrow(/--clients/);
    expect(() => resolveBenchOptions({ transports: 'carrier-pigeon' })).toThrow(/--transports/);
    expect(() => resolveBenchOptions({ duration: 'soon' })).toThrow(/--duration/);
    expect(() => resolveBenchOptions({ rooms: '5', clients: '2' })).toThrow(/--rooms/);
    expect(() => resolveBenchOptions({ rate: '5', senders: '0' })).toThrow(/--senders/);
    expect(() => resolveBenchOptions({ size: '8' })).toThrow(/--size/);
  });

  it('parses a sweep and applies one value at a time', () => {
    expect(parseSweep('clients=10,100,1000')).toEqual({ option: 'clients', values: [10, 100, 1000] });
    expect(parseSweep('duration=1s,2s')).toEqual({ option: 'duration', values: [1000, 2000] });
    expect(parseSweep('transports=websocket,long-polling').values).toEqual(['websocket', 'long-polling']);
    expect(() => parseSweep('clients')).toThrow(/option=v1/);
    expect(() => parseSweep('seed=1,2')).toThrow(/cannot be swept/);
    const { options } = resolveBenchOptions({ sweep: 'rate=0,50' });
    expect(applySweep(options, 50).rate).toBe(50);
    expect(applySweep(resolveBenchOptions({ sweep: 'transports=websocket' }).options, 'websocket').transports).toEqual(['websocket']);
  });
});

describe('model', () => {
  const base = resolveBenchOptions({ scenario: 'default' }).options;

  it('short polling: mean latency ≈ interval/2, requests/s ≈ clients/interval + publishes', () => {
    const checks = modelChecks('short-polling', base, { latencyMeanMs: 1010, latencyCount: 100, requestsPerSecond: 150 });
    expect(checks.find((c) => c.metric === 'latency mean')).toMatchObject({ predicted: 1000, flagged: false });
    expect(checks.find((c) => c.metric === 'requests per second')).toMatchObject({ predicted: 150, flagged: false });
    const off = modelChecks('short-polling', base, { latencyMeanMs: 1500, latencyCount: 100, requestsPerSecond: 150 });
    expect(off.find((c) => c.metric === 'latency mean')?.flagged).toBe(true);
  });

  it('short polling, two-sided on the distribution: p50 ≈ interval/2, p99 ≈ 0.99 × interval', () => {
    const good = modelChecks('short-polling', base, { latencyMeanMs: 1005, latencyCount: 100, latencyP50Ms: 1004, latencyP99Ms: 1985, requestsPerSecond: 150 });
    expect(good.filter((c) => c.metric.startsWith('latency p')).map((c) => [c.metric, c.predicted, c.flagged])).toEqual([['latency p50', 1000, false], ['latency p99', 1980, false]]);
    // Polls that fire early (p99 well under the interval) are as wrong as late ones.
    const early = modelChecks('short-polling', base, { latencyMeanMs: 1005, latencyCount: 100, latencyP50Ms: 1000, latencyP99Ms: 1500, requestsPerSecond: 150 });
    expect(early.find((c) => c.metric === 'latency p99')?.flagged).toBe(true);
  });

  it('long polling with traffic: requests from the measured batch sizes, two-sided', () => {
    // 100 clients × 100 msg/s in one room, 20 messages per response: 500 polls/s + 100 publishes.
    const ok = modelChecks('long-polling', base, { latencyMeanMs: 2, latencyCount: 100, requestsPerSecond: 610, batchMean: 20 });
    expect(ok.find((c) => c.metric === 'requests per second (from batch sizes)')).toMatchObject({ predicted: 600, flagged: false });
    const low = modelChecks('long-polling', base, { latencyMeanMs: 2, latencyCount: 100, requestsPerSecond: 300, batchMean: 20 });
    expect(low.find((c) => c.metric === 'requests per second (from batch sizes)')?.flagged).toBe(true);
  });

  it('idle long polling ≈ clients/hold; idle WebSocket makes no requests', () => {
    const idle = { ...base, rate: 0, clients: 1000 };
    expect(modelChecks('long-polling', idle, { latencyMeanMs: 0, latencyCount: 0, requestsPerSecond: 50.5 })[0]).toMatchObject({ predicted: 50, flagged: false });
    expect(modelChecks('websocket', idle, { latencyMeanMs: 0, latencyCount: 0, requestsPerSecond: 0 })[0]).toMatchObject({ predicted: 0, ratio: 1, flagged: false });
    expect(modelChecks('websocket', idle, { latencyMeanMs: 0, latencyCount: 0, requestsPerSecond: 3 })[0]?.flagged).toBe(true);
  });

  it('SSE: no requests while idle, one per publish with traffic; a stream that polls is flagged', () => {
    const idle = { ...base, rate: 0, clients: 1000 };
    expect(modelChecks('sse', idle, { latencyMeanMs: 0, latencyCount: 0, requestsPerSecond: 0 })[0]).toMatchObject({ metric: 'requests per second', predicted: 0, flagged: false });
    expect(modelChecks('sse', idle, { latencyMeanMs: 0, latencyCount: 0, requestsPerSecond: 20 })[0]?.flagged).toBe(true);
    expect(modelChecks('sse', base, { latencyMeanMs: 1, latencyCount: 10, requestsPerSecond: 100 })[0]).toMatchObject({ predicted: 100, flagged: false });
  });

  it('SSE bytes per delivery: the model is the size of a real event on the wire', async () => {
    // A real event as the server writes it, for a bench-like message: id, event and data lines in one chunk.
    const server = await createPushlabServer({ port: 0 });
    const { url } = await server.listen();
    try {
      const options = { ...base, rooms: 1, size: 100 };
      const stream = await openStream(url, 'nick=m&rooms=bench-abc123-0');
      const sentAt = 1795797755421.1235;
      await server.core.publish('bench-abc123-0', { from: 'send0', text: 'x'.repeat(options.size), sentAt });
      const deadline = Date.now() + 5000;
      while (!stream.text().includes('event: message') || !stream.text().endsWith('\n\n')) {
        if (Date.now() > deadline) throw new Error('no message event');
        await new Promise((r) => setTimeout(r, 10));
      }
      const event = stream.text().slice(stream.text().lastIndexOf('id: '));
      // Chunk framing: hex length, CRLF, the event, CRLF.
      const wire = event.length + event.length.toString(16).length + 4;
      stream.close();
      // The model takes the seq in the middle of the window (here 5 digits where the real one has 1).
      const seqDigits = String(Math.round((options.rate * (options.warmupMs / 2 + options.durationMs / 2)) / 1000)).length;
      expect(sseEventBytes(options)).toBe(wire + 2 * (seqDigits - 1));
      expect(modelChecks('sse', options, { latencyMeanMs: 1, latencyCount: 10, requestsPerSecond: options.rate, bytesPerDelivered: wire * 1.3 }).find((c) => c.metric === 'bytes per delivered message')?.flagged).toBe(true);
    } finally {
      await server.shutdown();
    }
  });

  it('SSE p50 is compared with WebSocket p50 across runs: close is quiet, far is a finding', () => {
    const results = JSON.parse(readFileSync(new URL('./fixtures/results-basic.json', import.meta.url), 'utf8')) as BenchResults;
    expect(sseVersusWebSocket(results.runs)).toEqual([]);
    const slow = results.runs.map((r) => (r.target === 'sse' ? { ...r, latencyMs: { ...r.latencyMs, p50: r.latencyMs.p50 * 3 + 2 } } : r));
    const findings = sseVersusWebSocket(slow);
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatch(/^sse: p50 .* vs WebSocket .* the model expects them close/);
    // With faults, latency includes each transport's own recovery pace: not compared.
    const faults = { cuts: 1, reconnects: 1, recovered: 1, unrecovered: 0, recoveryMs: (results.runs[0] as RunResult).latencyMs, recoveryHistogram: '', serverRestarts: 0 };
    expect(sseVersusWebSocket(slow.map((r) => ({ ...r, faults })))).toEqual([]);
  });
});

describe('sampler parsing and summary stats', () => {
  it('reads requests (scrapes excluded) and bytes (lab transports only) from /metrics text', () => {
    const text = [
      '# HELP pushlab_http_requests_total x',
      'pushlab_http_requests_total{transport="short-polling",route="/rooms/:room/messages",status="200"} 40',
      'pushlab_http_requests_total{transport="http",route="/metrics",status="200"} 7',
      'pushlab_bytes_total{transport="short-polling",direction="in"} 1000',
      'pushlab_bytes_total{transport="http",direction="in"} 500',
      'pushlab_bytes_total{transport="short-polling",direction="out"} 3000',
      'nodejs_eventloop_lag_p99_seconds 0.012',
      'nodejs_heap_size_used_bytes 123',
    ].join('\n');
    const snap = snapshotFrom(parsePrometheus(text));
    expect(snap).toMatchObject({ requests: 40, bytesIn: 1000, bytesOut: 3000, heapUsedBytes: 123 });
    expect(snap.eventLoopDelayP99Ms).toBeCloseTo(2); // 12 ms less the 10 ms monitor timer
  });

  it('median, min, max', () => {
    expect(stat([3, 1, 2])).toEqual({ median: 2, min: 1, max: 3 });
    expect(stat([4, 1, 2, 3])).toEqual({ median: 2.5, min: 1, max: 4 });
    expect(stat([])).toEqual({ median: 0, min: 0, max: 0 });
  });
});
