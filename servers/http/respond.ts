/** Writing answers on bare node:http responses (express's `res` is one too). */
import { STATUS_CODES, type ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { ProtocolError } from '../../protocol/errors.ts';

const JSON_TYPE = 'application/json; charset=utf-8';

/** Send a JSON body that is already a string (hot paths build it by concatenation). */
export function sendJsonText(res: ServerResponse, status: number, body: string, headers?: Readonly<Record<string, string>>): void {
  if (res.headersSent || res.destroyed) return;
  res.statusCode = status;
  res.setHeader('content-type', JSON_TYPE);
  res.setHeader('content-length', Buffer.byteLength(body));
  res.setHeader('cache-control', 'no-store');
  if (headers !== undefined) for (const [name, value] of Object.entries(headers)) res.setHeader(name, value);
  res.end(body);
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
 */
export function endWithError(socket: Duplex, error: ProtocolError): void {
  const body = JSON.stringify(error.toJSON());
  let extra = '';
  for (const [name, value] of Object.entries(error.headers ?? {})) extra += `${name}: ${value}\r\n`;
  socket.end(
    `HTTP/1.1 ${error.status} ${STATUS_CODES[error.status] ?? 'Error'}\r\nConnection: close\r\n${extra}Content-Type: application/json; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
  );
}
