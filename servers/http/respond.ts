/** Writing answers on bare node:http responses (express's `res` is one too). */
import { STATUS_CODES, type ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { ProtocolError } from '../../protocol/errors.ts';
import { gzipFor } from './compression.ts';

const JSON_TYPE = 'application/json; charset=utf-8';

/** Send a JSON body that is already a string (hot paths build it by concatenation). */
export function sendJsonText(res: ServerResponse, status: number, body: string, headers?: Readonly<Record<string, string>>): void {
  if (res.headersSent || res.destroyed) return;
  // --compression: gzip when the client accepts it (servers/http/compression.ts).
  const gzipped = gzipFor(res, body);
  // One writeHead with a flat list rather than a setHeader per header: on a response with no
  // header set yet, node stores the list as is (merged through setHeader otherwise).
  const list: (string | number)[] = ['content-type', JSON_TYPE, 'content-length', gzipped === undefined ? Buffer.byteLength(body) : gzipped.length, 'cache-control', 'no-store'];
  if (gzipped !== undefined) list.push('content-encoding', 'gzip', 'vary', 'accept-encoding');
  if (headers !== undefined) for (const name in headers) list.push(name, headers[name] as string);
  res.writeHead(status, list as string[]);
  res.end(gzipped ?? body);
  // An answer that closes the connection (413, a draining server) must free the socket even
  // when the client never reads it: node only ends it, and a peer that ignores FIN keeps it.
  if (headers?.connection === 'close' && res.socket !== null) destroyAfterGrace(res.socket);
}

/** How long a closing socket may take to flush its last answer before it is cut, ms. */
export const CLOSE_GRACE_MS = 1000;

/** Cut `socket` CLOSE_GRACE_MS from now unless it closed by itself. */
export function destroyAfterGrace(socket: Duplex): void {
  const timer = setTimeout(() => socket.destroy(), CLOSE_GRACE_MS);
  timer.unref();
  socket.once('close', () => clearTimeout(timer));
}

export function sendJson(res: ServerResponse, status: number, value: unknown): void {
  sendJsonText(res, status, JSON.stringify(value));
}

/**
 * Answer any thrown value. A ProtocolError keeps its code; anything else is a bug, logged
 * on the server and answered 500 without internals (no stack trace leaves the process).
 */
export function sendError(res: ServerResponse, error: unknown): void {
  const protocolError = toProtocolError(error);
  if (protocolError !== undefined) {
    sendJsonText(res, protocolError.status, JSON.stringify(protocolError.toJSON()), protocolError.headers);
    return;
  }
  console.error('pushlab: internal error', error);
  sendJsonText(res, 500, '{"error":{"code":"internal","message":"internal error"}}');
}

export function toProtocolError(error: unknown): ProtocolError | undefined {
  return error instanceof ProtocolError ? error : undefined;
}

/**
 * Answer on a raw socket that has no ServerResponse (a refused WebSocket upgrade, a request
 * node's parser rejected) and close it: the same JSON body and headers as any other error.
 * The socket is destroyed CLOSE_GRACE_MS later whether or not the client read the answer.
 */
export function endWithError(socket: Duplex, error: ProtocolError): void {
  const body = JSON.stringify(error.toJSON());
  let extra = '';
  for (const [name, value] of Object.entries(error.headers ?? {})) extra += `${name}: ${value}\r\n`;
  if (socket.destroyed) return;
  socket.end(
    `HTTP/1.1 ${error.status} ${STATUS_CODES[error.status] ?? 'Error'}\r\nConnection: close\r\n${extra}Content-Type: application/json; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
  );
  // end() only half-closes: a client that neither reads nor closes would hold the descriptor.
  destroyAfterGrace(socket);
}
