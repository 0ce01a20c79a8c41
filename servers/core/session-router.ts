/**
 * Long-poll sessions across instances (docs/scaling.md). A session's queue lives on
 * the instance that created it — its home. The session id names the home by a tag
 * (`<random>.<tag>`), and every instance registers `tag → its URL` in the backplane's
 * directory (Redis, with a TTL refreshed by a heartbeat). A request for a session whose tag
 * is not ours is forwarded to the home by the HTTP layer (servers/long-polling/forward.ts),
 * so any instance answers any session's poll: no sticky routing needed in the balancer.
 * When the home is gone (its registration expired, or it refuses connections) the answer
 * is 404 unknown_session, and the client re-creates its session with `after`.
 *
 * This file knows nothing of HTTP: it owns the tag, the registration and the lookup.
 */
import { randomBytes } from 'node:crypto';

/** Where instances are reachable; the Redis backplane implements it. */
export interface InstanceDirectory {
  registerInstance(tag: string, url: string, ttlMs: number): Promise<void>;
  /** The URL of a live instance, or undefined when none has this tag. */
  lookupInstance(tag: string): Promise<string | undefined>;
  unregisterInstance(tag: string): Promise<void>;
}

export function isInstanceDirectory(value: object): value is InstanceDirectory {
  const v = value as Partial<InstanceDirectory>;
  return typeof v.registerInstance === 'function' && typeof v.lookupInstance === 'function' && typeof v.unregisterInstance === 'function';
}

export interface SessionRouterOptions {
  /** Registration refresh interval, ms. Default 5000. */
  heartbeatMs?: number;
  /** Registration lifetime without a refresh, ms: how long a dead instance still resolves. Default 15000. */
  ttlMs?: number;
  /** How long a looked-up URL is reused, ms. Default 2000. */
  cacheMs?: number;
}

/** Separates the random part of a session id from its home's tag (base64url never contains it). */
const SEPARATOR = '.';

export class SessionRouter {
  /** This instance's tag: 64 random bits, base64url. */
  readonly tag = randomBytes(8).toString('base64url');
  readonly #directory: InstanceDirectory;
  readonly #heartbeatMs: number;
  readonly #ttlMs: number;
  readonly #cacheMs: number;
  readonly #cache = new Map<string, { url: string; until: number }>();
  #url: string | undefined;
  #timer: NodeJS.Timeout | undefined;

  constructor(directory: InstanceDirectory, options: SessionRouterOptions = {}) {
    this.#directory = directory;
    this.#heartbeatMs = options.heartbeatMs ?? 5000;
    this.#ttlMs = options.ttlMs ?? 15_000;
    this.#cacheMs = options.cacheMs ?? 2000;
  }

  /** The URL other instances forward this one's sessions to, once started. */
  get url(): string | undefined {
    return this.#url;
  }

  /** A new session id homed here. */
  sessionId(random: string): string {
    return `${random}${SEPARATOR}${this.tag}`;
  }

  /** The home tag of a session id, or undefined when the id names none. */
  static tagOf(sessionId: string): string | undefined {
    const i = sessionId.lastIndexOf(SEPARATOR);
    return i < 0 ? undefined : sessionId.slice(i + 1);
  }

  /** True when the session's home is another instance. */
  isRemote(sessionId: string): boolean {
    const tag = SessionRouter.tagOf(sessionId);
    return tag !== undefined && tag !== '' && tag !== this.tag;
  }

  /** URL of the session's home instance, or undefined when no live instance has its tag. */
  async resolve(sessionId: string): Promise<string | undefined> {
    const tag = SessionRouter.tagOf(sessionId);
    if (tag === undefined) return undefined;
    const now = Date.now();
    const cached = this.#cache.get(tag);
    if (cached !== undefined && cached.until > now) return cached.url;
    const url = await this.#directory.lookupInstance(tag);
    if (url === undefined) this.#cache.delete(tag);
    else this.#cache.set(tag, { url, until: now + this.#cacheMs });
    return url;
  }

  /** Forget a cached URL (its instance refused a connection). */
  forget(sessionId: string): void {
    const tag = SessionRouter.tagOf(sessionId);
    if (tag !== undefined) this.#cache.delete(tag);
  }

  /** Register `url` now and keep the registration alive. */
  start(url: string): void {
    this.#url = url;
    this.refresh();
    this.#timer ??= setInterval(() => this.refresh(), this.#heartbeatMs);
    this.#timer.unref();
  }

  /** Register again now (e.g. Redis came back, maybe without its data). */
  refresh(): void {
    if (this.#url === undefined) return;
    // A failure is retried by the next heartbeat; meanwhile our sessions answer locally.
    this.#directory.registerInstance(this.tag, this.#url, this.#ttlMs).catch(() => {});
  }

  async stop(): Promise<void> {
    if (this.#timer !== undefined) clearInterval(this.#timer);
    this.#timer = undefined;
    if (this.#url !== undefined) await this.#directory.unregisterInstance(this.tag).catch(() => {});
    this.#url = undefined;
  }
}
