/** What every adapter is handed: the core, the options in force, the metrics. */
import type { ChatCore } from './core/chat-core.ts';
import type { LpSessions } from './core/lp-sessions.ts';
import type { ServerMetrics } from './metrics.ts';
import type { ServerOptions } from './options.ts';
import type { TokenVerifier } from './http/auth.ts';
import type { RateLimiter } from './http/rate-limit.ts';

export interface ServerContext {
  readonly core: ChatCore;
  readonly sessions: LpSessions;
  readonly options: ServerOptions;
  readonly metrics: ServerMetrics;
  /** True once shutdown began: new requests get 503 shutting_down. */
  readonly draining: boolean;
  /** Token auth, when `tokenSecret` is set (servers/http/auth.ts). */
  readonly auth: TokenVerifier | undefined;
  /** Per-client publish limit, when `rateLimit` > 0 (servers/http/rate-limit.ts). */
  readonly publishLimit: RateLimiter | undefined;
}
