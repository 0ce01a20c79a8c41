/**
 * A run's workload as an object (results/schema/map.ts `Workload`), from the options it ran with:
 * `clients` subscribers in `rooms` rooms, `ratePerSecond` messages published in total, each
 * delivered to its room's subscribers (deliveries/s = rate × clients ÷ rooms). Pure, so the
 * bench (every run), the fit and `pushlab project` compute it the same way.
 */
import type { Workload } from '../results/types.ts';

export interface WorkloadInput {
  clients: number;
  rooms: number;
  senders: number;
  /** Messages per second, total (0 = idle). */
  rate: number;
  size: number;
}

const round = (n: number): number => Math.round(n * 1e6) / 1e6;

export function workloadOf(o: WorkloadInput, cell?: string): Workload {
  const rooms = Math.max(1, o.rooms);
  const clients = Math.max(0, o.clients);
  const rate = Math.max(0, o.rate);
  return {
    clients,
    rooms,
    // No sender runs at rate 0 (bench/harness/run.ts starts a sender worker only under traffic).
    senders: rate > 0 ? o.senders : 0,
    ratePerSecond: round(rate),
    perClientRatePerSecond: clients > 0 ? round(rate / clients) : 0,
    roomRatePerSecond: round(rate / rooms),
    deliveriesPerSecond: round((rate * clients) / rooms),
    size: o.size,
    ...(cell === undefined ? {} : { cell }),
  };
}
