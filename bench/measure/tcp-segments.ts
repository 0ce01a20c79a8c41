/**
 * TCP segments per delivered message, from the kernel's counters in /proc/net/snmp (Tcp
 * OutSegs, InSegs) at the window's two edges. Segments matter for mobile radios: each wakes
 * the radio, however few bytes it carries.
 *
 * Honest only on a quiet machine: the counters are the whole network namespace's, so every
 * other TCP exchange in the window (other processes, the bench's own 1/s /metrics scrape,
 * a redis backplane) is counted too. On loopback every segment is counted once sent (OutSegs)
 * and once received (InSegs): segments on the wire = OutSegs. The result says so
 * (`validOn: 'quiet-machine'`); rerun on a quiet machine before quoting it.
 */
import { readProcFile } from './proc-file.ts';
import type { TcpSegments } from '../../results/types.ts';

export type { TcpSegments };

export interface TcpCounters {
  outSegs: number;
  inSegs: number;
}

/** Parse /proc/net/snmp's two Tcp lines (text given for tests); undefined where it is missing. */
export function readTcpCounters(text?: string): (TcpCounters & { retransSegs: number }) | undefined {
  const snmp = text ?? readProcFile('/proc/net/snmp');
  if (snmp === undefined) return undefined;
  const lines = snmp.split('\n').filter((l) => l.startsWith('Tcp:'));
  const names = lines[0]?.split(/\s+/).slice(1) ?? [];
  const values = lines[1]?.split(/\s+/).slice(1).map(Number) ?? [];
  const get = (name: string): number | undefined => {
    const i = names.indexOf(name);
    return i < 0 ? undefined : values[i];
  };
  const outSegs = get('OutSegs');
  const inSegs = get('InSegs');
  if (outSegs === undefined || inSegs === undefined) return undefined;
  return { outSegs, inSegs, retransSegs: get('RetransSegs') ?? 0 };
}

export function segmentsOf(a: ReturnType<typeof readTcpCounters>, b: ReturnType<typeof readTcpCounters>, delivered: number): TcpSegments | undefined {
  if (a === undefined || b === undefined) return undefined;
  const outSegments = b.outSegs - a.outSegs;
  return { outSegments, inSegments: b.inSegs - a.inSegs, perDelivered: delivered > 0 ? Math.round((outSegments / delivered) * 1000) / 1000 : 0, retransmitted: b.retransSegs - a.retransSegs, validOn: 'quiet-machine' };
}

/** The run's `tcp` field from the window-edge counters the load-core sampler took. */
export function tcpOf(edges: { tcp?: { start: ReturnType<typeof readTcpCounters>; end: ReturnType<typeof readTcpCounters> } } | undefined, delivered: number): { tcp?: TcpSegments } {
  const tcp = segmentsOf(edges?.tcp?.start, edges?.tcp?.end, delivered);
  return tcp === undefined ? {} : { tcp };
}
