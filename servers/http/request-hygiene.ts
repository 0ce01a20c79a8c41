/**
 * HTTP framing corners node leaves outside the contract's form, answered in the catalog's
 * terms instead (test/request-guard.test.ts):
 *
 * - absolute-form targets (`GET http://host/health`) are accepted (RFC 9112 §3.2.2);
 * - an HTTP/1.1 request without `Host` is `400 invalid_json` ("malformed HTTP request"),
 *   where node answered an empty 400 (the server is created with `requireHostHeader: false`);
 * - an `Expect` other than 100-continue is `417 expectation_failed`, connection closed, where
 *   node answered an empty 417 and kept the connection;
 * - an `Upgrade` other than `websocket` (say `h2c`) is ignored: the request is served as any
 *   other, on a connection that then closes (node has already handed the socket over).
 */
import { ServerResponse, type IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { ProtocolError } from '../../protocol/errors.ts';
import { destroyAfterGrace, endWithError, sendError } from './respond.ts';

const ABSOLUTE = /^[A-Za-z][A-Za-z0-9+.-]*:\/\/[^/?#]*/;

/** The origin-form of a request target: `http://h:1/a?b` → `/a?b`, `http://h` → `/`. */
export function originForm(url: string): string {
  if (url.charCodeAt(0) === 47 /* / */) return url;
  const m = ABSOLUTE.exec(url);
  if (m === null) return url;
  const rest = url.slice(m[0].length);
  return rest === '' || rest.charCodeAt(0) === 63 /* ? */ ? `/${rest}` : rest;
}

/** A request node accepted that the contract refuses, or undefined. */
export function malformed(req: IncomingMessage): ProtocolError | undefined {
  if (req.headers.host === undefined && req.httpVersionMajor === 1 && req.httpVersionMinor >= 1) {
    return new ProtocolError('invalid_json', 'malformed HTTP request: HTTP/1.1 requires a Host header', { connection: 'close' });
  }
  return undefined;
}

/** node's 'checkExpectation' event: any Expect but 100-continue. */
export function refuseExpectation(req: IncomingMessage, res: ServerResponse): void {
  req.resume();
  sendError(res, new ProtocolError('expectation_failed', `cannot meet Expect: ${String(req.headers.expect).slice(0, 100)}; only 100-continue is supported`, { connection: 'close' }));
}

/** Is this upgrade a WebSocket one (the only protocol this server switches to)? */
export function isWebSocketUpgrade(req: IncomingMessage): boolean {
  return req.headers.upgrade?.toLowerCase() === 'websocket';
}

/**
 * Serve an upgrade request for another protocol as a plain request: node has already taken
 * the socket off its parser, so the answer gets a response of its own and the connection
 * closes after it. A body rides in `head`; one that has not fully arrived yet is refused.
 */
export function serveIgnoringUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer, handle: (req: IncomingMessage, res: ServerResponse) => void): void {
  const declared = req.headers['content-length'];
  const length = declared === undefined ? 0 : Number(declared);
  if (req.headers['transfer-encoding'] !== undefined || !(length <= head.length)) {
    endWithError(socket, new ProtocolError('invalid_json', 'a request body beside an Upgrade header must arrive with the headers'));
    return;
  }
  if (length > 0) req.push(head.subarray(0, length));
  req.push(null);
  const res = new ServerResponse(req);
  res.shouldKeepAlive = false;
  res.assignSocket(socket as never);
  res.once('finish', () => {
    socket.end();
    destroyAfterGrace(socket);
  });
  handle(req, res);
}
