/** What the page learns from `GET /config` (servers/http/ops-routes.ts). */
import { DEFAULTS } from '../../protocol/defaults.ts';
import { TRANSPORTS, type Transport } from '../../protocol/types.ts';

export interface DemoConfig {
  transports: Transport[];
  /** Short-polling interval the server expects, ms. */
  pollIntervalMs: number;
  /** Long-poll hold, ms. */
  holdMs: number;
  /** Largest message text, UTF-8 bytes. */
  maxMessageBytes: number;
  historySize: number;
  backplane: string;
}

/** Fetch the server's config, retrying while the server is unreachable (it may be restarting). */
export async function loadConfig(onRetry: (attempt: number) => void): Promise<DemoConfig> {
  for (let attempt = 1; ; attempt++) {
    try {
      const response = await fetch('/config', { cache: 'no-store' });
      if (response.ok) return parseConfig(await response.json());
    } catch {
      // Unreachable: retry below.
    }
    onRetry(attempt);
    await new Promise((resolve) => setTimeout(resolve, Math.min(5000, 250 * 2 ** attempt)));
  }
}

function parseConfig(value: unknown): DemoConfig {
  const v = (typeof value === 'object' && value !== null ? value : {}) as Record<string, unknown>;
  const num = (x: unknown, fallback: number): number => (typeof x === 'number' && Number.isFinite(x) && x > 0 ? x : fallback);
  const transports = Array.isArray(v.transports) ? TRANSPORTS.filter((t) => (v.transports as unknown[]).includes(t)) : [...TRANSPORTS];
  return {
    transports,
    pollIntervalMs: num(v.pollIntervalMs, DEFAULTS.pollIntervalMs),
    holdMs: num(v.holdMs, DEFAULTS.holdMs),
    maxMessageBytes: num(v.maxMessageBytes, DEFAULTS.maxMessageBytes),
    historySize: num(v.historySize, DEFAULTS.historySize),
    backplane: typeof v.backplane === 'string' ? v.backplane : 'memory',
  };
}
