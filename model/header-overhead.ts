/**
 * The "header overhead" arithmetic of polling vs WebSocket (websocket.org / Kaazing, 2010: about
 * 871 bytes of HTTP headers per poll, every client polling once a second, against a 2-byte
 * WebSocket frame per message), redone with the bytes pushlab measured. Pure numbers; the
 * report's projection section (reports/render/projection.ts) prints them.
 */
import type { BenchResults, CostModel } from '../results/types.ts';

/** Request + response headers of one poll in the well-known arithmetic, bytes. */
export const WELL_KNOWN_HEADER_BYTES = 871;
/** A small server → client WebSocket frame's header in the same arithmetic, bytes. */
export const WELL_KNOWN_FRAME_BYTES = 2;

export interface MeasuredHeaders {
  /** Bytes of one empty poll, request + response, headers included (TCP payload). */
  bytes: number;
  /** Where it was read: the cost model's own figure, its idle terms, or the runs' idle phase. */
  source: 'model' | 'model-idle' | 'runs-idle';
}

/** Bytes per idle poll from the model: idle bytes per client-second ÷ idle polls per client-second. */
function fromModelIdle(m: CostModel): number | undefined {
  const polls = m.requests.fixedPerClientSecond;
  if (!(polls > 0)) return undefined;
  const perClientSecond = m.bytesOut.perConnection + m.bytesIn.perConnection + (m.bytesOut.perRequest + m.bytesIn.perRequest) * polls;
  return perClientSecond > 0 ? perClientSecond / polls : undefined;
}

/**
 * Measured bytes of an empty short poll: the short-polling model's `headerBytesPerRequest`, else
 * its idle terms, else the idle phase of the short-polling runs (bytes ÷ requests per client-second).
 */
export function measuredHeaderBytes(results: BenchResults): MeasuredHeaders | undefined {
  const model = results.map?.models.find((m) => m.target === 'short-polling');
  if (model?.headerBytesPerRequest !== undefined && model.headerBytesPerRequest > 0) return { bytes: model.headerBytesPerRequest, source: 'model' };
  const idle = model === undefined ? undefined : fromModelIdle(model);
  if (idle !== undefined) return { bytes: idle, source: 'model-idle' };
  const perPoll = results.runs
    .filter((r) => r.target === 'short-polling' && r.cost !== undefined && r.cost.fixed.requestsPerClientSecond > 0)
    .map((r) => (r.cost?.fixed.bytesPerClientSecond ?? 0) / (r.cost?.fixed.requestsPerClientSecond ?? 1));
  if (perPoll.length === 0) return undefined;
  return { bytes: perPoll.reduce((a, b) => a + b, 0) / perPoll.length, source: 'runs-idle' };
}

export interface OverheadRow {
  clients: number;
  /** 871 B × N polls/s, bits/s. */
  wellKnownBitsPerSecond: number;
  /** Measured empty-poll bytes × N polls/s (the arithmetic's one poll per second), bits/s. */
  measuredAtOnePerSecondBitsPerSecond: number;
  /** Measured empty-poll bytes × N × polls per client-second at pushlab's interval, bits/s. */
  measuredAtIntervalBitsPerSecond: number;
  /** 2 B × N (one message per client per second), bits/s. */
  wellKnownFrameBitsPerSecond: number;
}

export function overheadRows(clients: readonly number[], headerBytes: number, pollsPerClientSecond: number): OverheadRow[] {
  return clients.map((n) => ({
    clients: n,
    wellKnownBitsPerSecond: WELL_KNOWN_HEADER_BYTES * n * 8,
    measuredAtOnePerSecondBitsPerSecond: headerBytes * n * 8,
    measuredAtIntervalBitsPerSecond: headerBytes * n * pollsPerClientSecond * 8,
    wellKnownFrameBitsPerSecond: WELL_KNOWN_FRAME_BYTES * n * 8,
  }));
}
