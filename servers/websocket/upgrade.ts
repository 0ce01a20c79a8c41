/**
 * The WebSocket adapter: `ws` in noServer mode on the shared HTTP server. The upgrade is
 * checked first (path, draining, origin, nick and rooms in the query) and refused with a
 * JSON HTTP error before any handshake, so a refused client learns why.
 */
import type { IncomingMessage } from 'node:http';
import type { Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { WebSocketServer } from 'ws';
import { ProtocolError } from '../../protocol/errors.ts';
import { CLOSE } from '../../protocol/types.ts';
import * as validate from '../../protocol/validate.ts';
import { bearer } from '../http/auth.ts';
import { guardOrigin } from '../http/request-guard.ts';
import { checkRoomCount } from '../core/lp-sessions.ts';
import { endWithError } from '../http/respond.ts';
import { splitUrl } from '../http/router.ts';
import { WsConnection } from './connection.ts';
import type { ServerContext } from '../context.ts';

export class WebSocketAdapter {
  readonly #wss: WebSocketServer;
  readonly #server: ServerContext;
  readonly #connections = new Set<WsConnection>();
  readonly #heartbeat: NodeJS.Timeout;

  constructor(server: ServerContext) {
    this.#server = server;
    this.#wss = new WebSocketServer({
      noServer: true,
      maxPayload: server.options.maxFrameBytes,
      // Compression costs CPU per message and memory per connection (a zlib context each way):
      // off unless --compression, as in ws's default. ws applies maxPayload to the inflated
      // size, so a deflate bomb is cut at maxFrameBytes (1009), like any oversized frame.
      perMessageDeflate: server.options.compression === true ? { threshold: 64, concurrencyLimit: 10 } : false,
      clientTracking: false,
      // ws answers pings itself and cuts a peer with 60 pongs unsent (maxPendingAutoPongs,
      // ws ≥ 8.18): a ping flood that never reads the pongs cannot grow our memory.
    });
    // ws's own handshake checks (key, version, subprotocols, method) answer text/html unless
    // someone listens: answer them in the catalog's form instead.
    this.#wss.on('wsClientError', (error: Error, socket: Duplex) => endWithError(socket, handshakeError(error)));
    this.#heartbeat = setInterval(() => this.#ping(), server.options.pingIntervalMs);
    this.#heartbeat.unref();
  }

  get size(): number {
    return this.#connections.size;
  }

  /** Handle an `upgrade` event; returns false when the path is not ours. */
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): boolean {
    const { pathname, query } = splitUrl(req.url ?? '/');
    if (pathname !== '/ws') return false;
    let nick: string;
    let rooms: string[];
    try {
      if (this.#server.draining) throw new ProtocolError('shutting_down');
      guardOrigin(req, this.#server.options.allowedOrigins);
      // With token auth the nick is the token's; the query's is ignored.
      nick = this.#server.auth === undefined ? validate.nick(query.get('nick') ?? '') : '';
      const roomList = query.get('rooms');
      rooms = roomList === null || roomList === '' ? [] : validate.rooms(roomList.split(','));
      checkRoomCount(rooms.length, this.#server.options.maxRoomsPerClient);
    } catch (error) {
      endWithError(socket, error instanceof ProtocolError ? error : new ProtocolError('invalid_message'));
      return true;
    }
    const auth = this.#server.auth;
    if (auth === undefined) {
      // The rate limit counts this client by its address, read if it ever sends (connection.ts).
      this.#accept(req, socket, head, nick, rooms, undefined);
      return true;
    }
    // Browsers cannot set headers on an upgrade, hence ?token=; other clients may use the header.
    // An empty ?token= is no token: it must not shadow a valid Authorization header.
    const queryToken = query.get('token');
    auth.verify(queryToken === null || queryToken === '' ? bearer(req.headers.authorization) : queryToken).then(
      (tokenNick) => {
        if (this.#server.draining) endWithError(socket, new ProtocolError('shutting_down'));
        else this.#accept(req, socket, head, tokenNick, rooms, tokenNick);
      },
      (error: unknown) => endWithError(socket, error instanceof ProtocolError ? error : new ProtocolError('unauthorized')),
    );
    return true;
  }

  #accept(req: IncomingMessage, socket: Duplex, head: Buffer, nick: string, rooms: string[], limitKey: string | undefined): void {
    if (socket.destroyed) return;
    this.#wss.handleUpgrade(req, socket, head, (ws) => {
      // The connection lists itself in #connections and leaves it on close.
      const connection = new WsConnection(ws, nick, this.#server, socket as Socket, this.#connections, limitKey);
      connection.start(rooms);
    });
  }

  /** Tell every client something went wrong that it did not cause (the backplane went down); connections stay open. */
  notifyAll(error: ProtocolError): void {
    const frame = JSON.stringify({ type: 'error', code: error.code, message: error.message });
    for (const connection of this.#connections) {
      if (connection.socket.readyState === connection.socket.OPEN) connection.socket.send(frame);
    }
  }

  /** Close every connection with 1001 (server going away). */
  closeAll(): void {
    for (const connection of this.#connections) connection.close(CLOSE.goingAway, 'server shutting down');
  }

  /** Terminate whatever has not closed (end of a shutdown). */
  terminateAll(): void {
    for (const connection of this.#connections) connection.socket.terminate();
  }

  stop(): void {
    clearInterval(this.#heartbeat);
  }

  // ws's recommended heartbeat: a peer that has not answered the previous ping is dead.
  #ping(): void {
    for (const connection of this.#connections) {
      if (!connection.alive) {
        connection.socket.terminate();
        continue;
      }
      connection.alive = false;
      connection.socket.ping();
    }
  }
}

/** ws's handshake refusal in the catalog's terms: 405 for a method other than GET, else 400. */
function handshakeError(error: Error): ProtocolError {
  if (/method/i.test(error.message)) return new ProtocolError('method_not_allowed', 'a WebSocket upgrade must be GET', { allow: 'GET' });
  const headers: Record<string, string> | undefined = /version/i.test(error.message) ? { 'sec-websocket-version': '13' } : undefined;
  return new ProtocolError('invalid_message', `WebSocket handshake refused: ${error.message}`, headers);
}
