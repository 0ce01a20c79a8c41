/**
 * The Server-Sent Events adapter: `GET /sse?nick=…&rooms=…` on the lean router, one
 * SseStream per request, and one heartbeat timer for all of them. Everything is checked
 * before the stream starts, so a refused client gets the error catalog's JSON answer.
 */
import type { IncomingMessage } from 'node:http';
import { ProtocolError } from '../../protocol/errors.ts';
import { parseSseCursor } from '../../protocol/sse-cursor.ts';
import * as validate from '../../protocol/validate.ts';
import { checkRoomCount } from '../core/lp-sessions.ts';
import { bearer } from '../http/auth.ts';
import { guardOrigin } from '../http/request-guard.ts';
import type { Query, RequestContext, Route } from '../http/router.ts';
import type { ServerContext } from '../context.ts';
import { SSE_HEADERS, SseStream } from './stream.ts';

export class SseAdapter {
  readonly #server: ServerContext;
  readonly #streams = new Set<SseStream>();
  readonly #heartbeat: NodeJS.Timeout;

  constructor(server: ServerContext) {
    this.#server = server;
    this.#heartbeat = setInterval(() => this.#ping(), server.options.pingIntervalMs);
    this.#heartbeat.unref();
  }

  get size(): number {
    return this.#streams.size;
  }

  route(): Route {
    return {
      method: 'GET',
      path: '/sse',
      transport: 'sse',
      // Not open at all: it checks the token itself, because EventSource cannot set headers
      // and so sends it as ?token= (as on the WebSocket upgrade); the header works too.
      open: true,
      handle: (ctx) => this.#handle(ctx),
    };
  }

  async #handle({ req, res, query }: RequestContext): Promise<void> {
    const server = this.#server;
    guardOrigin(req, server.options.allowedOrigins);
    // With token auth the nick is the token's; the query's is ignored.
    if (server.auth !== undefined) await server.auth.verify(query.get('token') ?? bearer(req.headers.authorization));
    else validate.nick(query.get('nick') ?? '');
    const rooms = roomsOf(query);
    checkRoomCount(rooms.length, server.options.maxRoomsPerClient);
    const after = afterOf(req, query);
    if (req.method === 'HEAD') {
      res.writeHead(200, SSE_HEADERS).end();
      return;
    }
    // The stream lists itself in #streams and leaves it on close.
    const stream = new SseStream(res, rooms, after, server, this.#streams);
    await stream.start();
  }

  /** End every stream (shutdown): clients reconnect elsewhere, or get 503 here. */
  endAll(): void {
    for (const stream of this.#streams) stream.end();
  }

  stop(): void {
    clearInterval(this.#heartbeat);
  }

  #ping(): void {
    for (const stream of this.#streams) stream.ping();
  }
}

function roomsOf(query: Query): string[] {
  const list = query.get('rooms');
  // A stream cannot join later (it is one-way), so a stream of no room is a mistake.
  if (list === null || list === '') throw new ProtocolError('invalid_room', 'rooms must name at least one room (rooms=lobby,dev)');
  return validate.rooms(list.split(','));
}

/** Where to resume: the Last-Event-ID header (EventSource's reconnect) wins over `after`. */
function afterOf(req: IncomingMessage, query: Query): Map<string, number> {
  const header = req.headers['last-event-id'];
  if (typeof header === 'string' && header.trim() !== '') return parseSseCursor(header, 'Last-Event-ID');
  const after = query.get('after');
  return after === null ? new Map() : parseSseCursor(after, 'after');
}
