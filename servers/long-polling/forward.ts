/**
 * Forwarding long-poll session requests to the session's home instance (docs/scaling.md).
 * Any `/lp/sessions/:session/…` request whose session lives on another instance is proxied
 * there as is (method, path, query, body) over a keep-alive connection, and the answer is
 * relayed unchanged. A home that is gone answers 404 unknown_session: its queue died with it,
 * and the client re-creates its session with `after`, losing nothing history holds.
 */
import { Agent, request, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse, type ClientRequest } from 'node:http';
import { ProtocolError } from '../../protocol/errors.ts';
import { SessionRouter } from '../core/session-router.ts';
import { sendError, sendJsonText } from '../http/respond.ts';

/** Marks a forwarded request, so it is never forwarded again (no loops between instances). */
export const FORWARDED_HEADER = 'x-pushlab-forwarded';

const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'transfer-encoding', 'upgrade', 'proxy-connection', 'te', 'trailer', 'host']);

interface InFlight {
  res: ServerResponse;
  upstream: ClientRequest;
  /** Cursor of a forwarded poll, to answer it empty on shutdown. */
  cursor: string | undefined;
}

export class SessionForwarder {
  readonly #router: SessionRouter;
  // Held polls keep a connection each for up to holdMs: no socket limit, keep-alive reuse.
  readonly #agent = new Agent({ keepAlive: true, maxSockets: Infinity, maxFreeSockets: 256 });
  readonly #inFlight = new Set<InFlight>();

  constructor(router: SessionRouter) {
    this.#router = router;
  }

  /** Requests being forwarded now. */
  get size(): number {
    return this.#inFlight.size;
  }

  /** Forward the request when its session lives elsewhere; false when it is ours to answer. */
  handle(req: IncomingMessage, res: ServerResponse, pathname: string): boolean {
    if (!pathname.startsWith('/lp/sessions/') || req.headers[FORWARDED_HEADER] !== undefined) return false;
    const segment = pathname.split('/')[3] ?? '';
    let sessionId: string;
    try {
      sessionId = decodeURIComponent(segment);
    } catch {
      return false;
    }
    if (!this.#router.isRemote(sessionId)) return false;
    this.#forward(req, res, sessionId).catch((error: unknown) => sendError(res, error));
    return true;
  }

  /** Shutdown: answer forwarded polls at once with an empty batch, drop the rest. */
  releaseAll(): void {
    for (const flight of [...this.#inFlight]) {
      this.#inFlight.delete(flight);
      flight.upstream.destroy();
      if (flight.cursor !== undefined) sendJsonText(flight.res, 200, `{"messages":[],"cursor":${flight.cursor}}`);
      else sendError(flight.res, new ProtocolError('shutting_down'));
    }
    this.#agent.destroy();
  }

  async #forward(req: IncomingMessage, res: ServerResponse, sessionId: string): Promise<void> {
    const home = await this.#router.resolve(sessionId);
    if (home === undefined) {
      req.resume();
      throw new ProtocolError('unknown_session', 'no such session: its server is gone or it never existed; create a new one with after');
    }
    const target = new URL(req.url ?? '/', home);
    const headers: Record<string, string | string[]> = {};
    for (const [name, value] of Object.entries(req.headers as IncomingHttpHeaders)) {
      if (value !== undefined && !HOP_BY_HOP.has(name)) headers[name] = value;
    }
    headers[FORWARDED_HEADER] = this.#router.tag;
    const cursor = target.pathname.endsWith('/poll') ? /^\d+$/.exec(target.searchParams.get('cursor') ?? '0')?.[0] : undefined;
    const upstream = request(target, { method: req.method, headers, agent: this.#agent });
    const flight: InFlight = { res, upstream, cursor };
    this.#inFlight.add(flight);
    const done = (): void => {
      this.#inFlight.delete(flight);
    };
    upstream.on('response', (answer: IncomingMessage) => {
      const out: Record<string, string | string[]> = {};
      for (const [name, value] of Object.entries(answer.headers)) {
        if (value !== undefined && !HOP_BY_HOP.has(name)) out[name] = value;
      }
      if (res.headersSent || res.destroyed) {
        answer.resume();
        done();
        return;
      }
      res.writeHead(answer.statusCode ?? 502, out);
      answer.pipe(res);
      answer.once('end', done);
    });
    upstream.on('error', () => {
      done();
      // The home refuses connections or died mid-request: its sessions are gone with it.
      this.#router.forget(sessionId);
      sendError(res, new ProtocolError('unknown_session', 'the server holding this session is gone; create a new session with after'));
    });
    // The client went away (or the answer is done): stop waiting on the home.
    res.once('close', () => {
      done();
      if (!res.writableFinished) upstream.destroy();
    });
    req.pipe(upstream);
  }
}
