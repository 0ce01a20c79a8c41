/**
 * Units of a results.json metric, read from its name (the schema's convention: …Ms is ms,
 * …Seconds… is seconds, …Bytes and bytes.* are bytes), and the one-line text of a checked
 * threshold. The bench uses both (to parse `--threshold 50ms`, to print the verdict), the
 * report prints the same line, so they live with the results.
 */
import type { ThresholdResult } from './types.ts';

/** Time units a threshold may be written in → ms. */
export const TIME_MS: Readonly<Record<string, number>> = { us: 0.001, 'µs': 0.001, ms: 1, s: 1000, m: 60_000 };
/** Size units a threshold may be written in → bytes. */
export const SIZE_BYTES: Readonly<Record<string, number>> = { B: 1, kB: 1000, KB: 1000, KiB: 1024, MB: 1e6, MiB: 1048576, GB: 1e9, GiB: 1073741824 };

/** The unit family of a metric, by its name: …Ms (ms), …Seconds… (s), …Bytes / bytes.* (bytes). */
export function unitFamily(metric: string): { scale: Readonly<Record<string, number>>; base: string } | undefined {
  const last = metric.split('.').pop() ?? '';
  if (metric.startsWith('latencyMs.') || metric.startsWith('latencyUncorrectedMs.') || /Ms$/.test(last)) return { scale: TIME_MS, base: 'ms' };
  if (/Seconds/.test(last)) return { scale: Object.fromEntries(Object.entries(TIME_MS).map(([u, v]) => [u, v / 1000])), base: 's' };
  if (/Bytes$/.test(last) || (metric.startsWith('bytes.') && last !== 'perDelivered')) return { scale: SIZE_BYTES, base: 'bytes' };
  return undefined;
}

/** `websocket: latencyMs.p99 < 50 ms — 3.1 ms ✓`: one line per checked threshold. */
export function describeThreshold(r: ThresholdResult): string {
  const unit = unitFamily(r.metric)?.base ?? '';
  const show = (v: number | boolean | null): string => (v === null ? 'not measured' : typeof v === 'boolean' ? String(v) : `${Number(v.toPrecision(6))}${unit === '' ? '' : ` ${unit}`}`);
  return `${r.ok ? 'ok  ' : 'FAIL'} ${r.target}: ${r.metric} ${r.op} ${show(r.limit)} — ${show(r.actual)}${r.merge === 'worst' ? '' : ` (${r.merge === 'sum' ? 'summed over repetitions' : 'merged histogram'})`}${r.note === undefined ? '' : ` (${r.note})`}${r.source === 'default' ? ' [default]' : ''}`;
}
