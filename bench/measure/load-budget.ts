/**
 * Before the run: can this machine's load cores drive the workload? A rough budget of
 * deliveries per second one load core can receive and stamp (Node clients, JSON frames of a
 * few hundred bytes), per transport. Beyond it the run would measure the harness, so the CLI
 * says so up front and names the largest client count it can drive at the requested rate.
 * The budgets are deliberately round: the run's own load-bound check (bench/measure/load-bound.ts)
 * is the measurement; this is only the warning before minutes are spent.
 */
import type { Transport } from '../../protocol/types.ts';
import type { BenchOptions } from '../../results/types.ts';

/** Deliveries per second one load core keeps up with, by transport. Polling batches many messages per response. */
export const DELIVERIES_PER_LOAD_CORE: Record<Transport, number> = {
  websocket: 40_000,
  sse: 40_000,
  'long-polling': 20_000,
  'short-polling': 80_000,
};

/** One line per transport the load cores cannot drive, with the largest workload they can; empty when all fit. */
export function loadBudgetWarnings(options: Pick<BenchOptions, 'transports' | 'clients' | 'rooms' | 'rate'>, loadCores: number): string[] {
  const perClient = options.rooms > 0 ? options.rate / options.rooms : 0;
  const deliveries = options.clients * perClient;
  const out: string[] = [];
  for (const t of options.transports) {
    const budget = DELIVERIES_PER_LOAD_CORE[t] * Math.max(1, loadCores);
    if (deliveries <= budget) continue;
    const clients = perClient > 0 ? Math.floor(budget / perClient) : options.clients;
    const rate = options.clients > 0 ? Math.floor((budget / options.clients) * options.rooms) : options.rate;
    out.push(
      `${t}: ${Math.round(deliveries).toLocaleString('en')} deliveries/s is beyond what ${loadCores} load core${loadCores === 1 ? '' : 's'} can drive (about ${budget.toLocaleString('en')}/s): the run will likely be load-bound. ` +
        `The largest this machine can drive is about ${clients.toLocaleString('en')} clients at ${options.rate} msg/s, or ${rate.toLocaleString('en')} msg/s with ${options.clients} clients.`,
    );
  }
  return out;
}
