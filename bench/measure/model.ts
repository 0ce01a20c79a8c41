/**
 * What theory predicts, beside what was measured — so a surprising number is either
 * explained or flagged. The models are deliberately simple (they hold when the server
 * keeps up):
 * - short polling: a message waits for the subscriber's next poll, uniformly 0…interval,
 *   so mean latency ≈ interval / 2, and two-sided on the distribution: p50 ≈ interval / 2,
 *   p99 ≈ 0.99 × interval; requests/s ≈ clients / interval (+ publishes).
 * - long polling, idle: each client renews its poll once a hold → requests/s ≈ clients / hold.
 *   With traffic each message can answer every held poll, so requests/s ≤ clients × per-room
 *   rate + publishes (an upper bound: batching only lowers it); and, two-sided, from the
 *   measured batch sizes: requests/s ≈ deliveries/s ÷ messages per response + publishes.
 * - WebSocket: no HTTP requests once connected (sends and deliveries are frames).
 * - Server-Sent Events: the stream is one request, so none while idle; with traffic only the
 *   publishes (one POST each). Each delivery costs one event on the wire — its `id:`, `event:`
 *   and `data:` lines around the message JSON, in one HTTP chunk — so bytes per delivered
 *   message follow from the framing, plus the publishes' POSTs (metered under the transport),
 *   taken from the senders' own byte counts.
 *   Like a WebSocket it pushes down an open connection, so its p50 should be close to
 *   WebSocket's on the same workload: `sseVersusWebSocket` compares the two across runs.
 * When the prediction is 0, `ratio` is (measured + 1) / (predicted + 1), so 0 vs 0 reads 1.
 */
import type { Transport } from '../../protocol/types.ts';
import type { BenchOptions, ModelCheck, RunResult } from '../../results/types.ts';
import { RTT_MODEL_TOLERANCE, rttModelChecks } from './model-rtt.ts';

export interface Measured {
  latencyMeanMs: number;
  latencyCount: number;
  /** Latency p50 and p99, ms (two-sided short-polling checks). */
  latencyP50Ms?: number;
  latencyP99Ms?: number;
  /** Long polling: mean messages per response that carried any (bench/measure/batches.ts). */
  batchMean?: number;
  /** Bytes of the publishes (request + answer, counted by the senders) per delivered message. */
  publishBytesPerDelivered?: number;
  requestsPerSecond: number;
  /** Server bytes of the transport (in + out) per delivered message. */
  bytesPerDelivered?: number;
  /** For the models under RTT (bench/measure/model-rtt.ts), with latencyP50Ms above. */
  requestsPerDelivered?: number;
}

export function check(metric: string, predicted: number, measured: number, unit: string, tolerance: number, note: string, upperBoundOnly = false): ModelCheck {
  const ratio = predicted === 0 ? (measured + 1) / (predicted + 1) : measured / predicted;
  const flagged = upperBoundOnly ? ratio > 1 + tolerance : Math.abs(ratio - 1) > tolerance;
  const r = (n: number): number => Math.round(n * 1000) / 1000;
  return { metric, predicted: r(predicted), measured: r(measured), unit, ratio: r(ratio), flagged, tolerance, note };
}

export function modelChecks(transport: Transport, options: BenchOptions, measured: Measured): ModelCheck[] {
  const checks: ModelCheck[] = [];
  // With --faults, reconnections add requests the models don't count: only latency is modelled.
  const requestModels = options.faults !== true;
  const publishes = options.rate; // every publish is one HTTP request on the HTTP transports
  switch (transport) {
    case 'short-polling': {
      if (options.rate > 0 && measured.latencyCount > 0) {
        // Under --rtt both legs add one RTT (bench/measure/model-rtt.ts): mean ≈ I/2 + RTT, held tighter.
        const rtt = options.rttMs ?? 0;
        checks.push(check('latency mean', options.pollIntervalMs / 2 + rtt, measured.latencyMeanMs, 'ms', rtt > 0 ? RTT_MODEL_TOLERANCE.shortPollingMean : 0.1, rtt > 0 ? 'a message waits for the next poll (uniform over the interval) and crosses both legs: I/2 + RTT' : 'a message waits for the next poll: uniform over the interval, mean interval/2'));
        if (measured.latencyP50Ms !== undefined) checks.push(check('latency p50', options.pollIntervalMs / 2 + rtt, measured.latencyP50Ms, 'ms', 0.1, 'uniform wait over the interval: the median is half of it (plus one RTT under --rtt)'));
        if (measured.latencyP99Ms !== undefined) checks.push(check('latency p99', 0.99 * options.pollIntervalMs + rtt, measured.latencyP99Ms, 'ms', 0.05, 'uniform wait over the interval: the 99th percentile is 0.99 of it (plus one RTT under --rtt)'));
      }
      if (requestModels) checks.push(check('requests per second', (options.clients * 1000) / options.pollIntervalMs + publishes, measured.requestsPerSecond, 'req/s', 0.05, 'each client polls its room once per interval, plus one POST per message'));
      break;
    }
    case 'long-polling': {
      if (!requestModels) break;
      if (options.rate === 0) {
        checks.push(check('requests per second', (options.clients * 1000) / options.holdMs, measured.requestsPerSecond, 'req/s', 0.05, 'idle: each client renews its held poll once per hold'));
      } else {
        const perRoomRate = options.rate / options.rooms;
        checks.push(check('requests per second (upper bound)', options.clients * perRoomRate + publishes + (options.clients * 1000) / options.holdMs, measured.requestsPerSecond, 'req/s', 0.05, 'each message can answer every held poll of its room (then one re-poll each); batching only lowers it', true));
        if (measured.batchMean !== undefined && measured.batchMean > 0) {
          checks.push(check('requests per second (from batch sizes)', (options.clients * perRoomRate) / measured.batchMean + publishes, measured.requestsPerSecond, 'req/s', 0.1, 'each answered poll carries the measured mean batch, then one re-poll; plus one POST per message'));
        }
      }
      break;
    }
    case 'websocket':
      if (requestModels) checks.push(check('requests per second', 0, measured.requestsPerSecond, 'req/s', 0.05, 'after the upgrade everything is frames: no HTTP requests'));
      break;
    case 'sse':
      if (requestModels) checks.push(check('requests per second', publishes, measured.requestsPerSecond, 'req/s', 0.05, 'the stream is one request: none while idle, one POST per message'));
      if (options.rate > 0 && measured.bytesPerDelivered !== undefined && measured.bytesPerDelivered > 0) {
        const publish = measured.publishBytesPerDelivered ?? 0;
        // --tls: each event is one TLS 1.3 record: 5-byte header, 1-byte type, 16-byte AEAD tag.
        const tlsRecord = options.tls === true ? 22 : 0;
        checks.push(check('bytes per delivered message', sseEventBytes(options) + tlsRecord + publish, measured.bytesPerDelivered, 'B', 0.1, `one event per delivery: id, event and data lines around the message JSON, in one HTTP chunk (one TLS record under --tls)${publish > 0 ? `, plus the publishes' POSTs (${Math.round(publish)} B per delivery, as the senders counted them)` : ''}`));
      }
      break;
  }
  if (measured.latencyP50Ms !== undefined) checks.push(...rttModelChecks(transport, options, { latencyP50Ms: measured.latencyP50Ms, latencyMeanMs: measured.latencyMeanMs, latencyCount: measured.latencyCount, requestsPerDelivered: measured.requestsPerDelivered ?? 0 }));
  return checks;
}

/**
 * Wire bytes of one SSE message event in the bench, from the framing (servers/sse/stream.ts):
 * `id: room:seq\nevent: message\ndata: <json>\n\n` in an HTTP/1.1 chunk (`<hex>\r\n…\r\n`).
 * The JSON's variable fields take typical bench widths: room `bench-xxxxxx-0`, a 26-character
 * id, sender `send0`, 13-digit ts and an 18-character fractional sentAt.
 */
export function sseEventBytes(options: Pick<BenchOptions, 'rate' | 'rooms' | 'size' | 'durationMs' | 'warmupMs'>): number {
  const room = 'bench-xxxxxx-0'.length + String(options.rooms - 1).length - 1;
  // The seq at the middle of the window, per room.
  const seqDigits = String(Math.max(1, Math.round(((options.rate / options.rooms) * (options.warmupMs / 2 + options.durationMs / 2)) / 1000))).length;
  const json = '{"room":"","seq":,"id":"","from":"","text":"","ts":,"sentAt":}'.length + room + seqDigits + 26 + 'send0'.length + options.size + 13 + 18;
  const event = 'id: :\n'.length + room + seqDigits + 'event: message\n'.length + 'data: \n\n'.length + json;
  return event + event.toString(16).length + 4;
}

/** SSE's p50 may exceed WebSocket's by this factor plus this many ms before it is a finding. */
export const SSE_P50_VS_WS = { factor: 1.5, slackMs: 1 };

/**
 * Findings where SSE's median p50 is not close to WebSocket's in the same bench (per sweep
 * value and topology): both push each message down a connection that is already open. Runs
 * with faults are left out: their latency includes recovery, which SSE paces by its
 * `retry: 1000` and a WebSocket by its own backoff.
 */
export function sseVersusWebSocket(runs: readonly RunResult[]): string[] {
  const groups = new Map<string, { sse: number[]; websocket: number[] }>();
  for (const r of runs) {
    if (r.error !== undefined || r.faults !== undefined || (r.target !== 'sse' && r.target !== 'websocket') || r.latencyMs.count === 0) continue;
    const key = `${r.topology ?? ''}|${String(r.sweepValue ?? '')}`;
    const g = groups.get(key) ?? { sse: [], websocket: [] };
    g[r.target].push(r.latencyMs.p50);
    groups.set(key, g);
  }
  const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)] ?? 0;
  const findings: string[] = [];
  for (const [key, g] of groups) {
    if (g.sse.length === 0 || g.websocket.length === 0) continue;
    const sse = median(g.sse);
    const ws = median(g.websocket);
    if (sse <= ws * SSE_P50_VS_WS.factor + SSE_P50_VS_WS.slackMs) continue;
    const where = key === '|' ? '' : ` [${key}]`;
    findings.push(`sse${where}: p50 ${sse} ms vs WebSocket ${ws} ms (×${(sse / Math.max(ws, 0.001)).toFixed(2)}) — the model expects them close (both push down an open connection; tolerance ×${SSE_P50_VS_WS.factor} + ${SSE_P50_VS_WS.slackMs} ms)`);
  }
  return findings;
}
