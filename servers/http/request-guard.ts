/**
 * The guards of every request that changes state, and of every SSE stream (docs/protocol.md,
 * "Origins"): a disallowed `Origin` is `403 forbidden_origin`, and a body that is not
 * `application/json` is `415 unsupported_media_type`. Together they stop a foreign page from
 * writing into a room with a "simple" cross-site request (text/plain, no preflight).
 *
 *   guardStateChange(req, options.allowedOrigins); // POST, DELETE: throws ProtocolError
 *   guardOrigin(req, options.allowedOrigins);      // GET /sse (and the WebSocket upgrade)
 */
import type { IncomingMessage } from 'node:http';
import { ProtocolError } from '../../protocol/errors.ts';
import { originAllowed } from './origin.ts';

/** Methods that change state: the Origin and media-type rules apply to them. */
const STATE_CHANGING = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/** Throw `403 forbidden_origin` when the request's Origin is not allowed (no Origin is). */
export function guardOrigin(req: IncomingMessage, allowed: readonly string[] | undefined): void {
  const origin = req.headers.origin;
  if (origin === undefined || originAllowed(origin, req.headers.host, allowed)) return;
  throw new ProtocolError('forbidden_origin', `origin ${origin.slice(0, 200)} is not allowed here`);
}

/**
 * For POST/PUT/PATCH/DELETE: the Origin rule, then the media type. A request with no body
 * and no Content-Type (a join, a leave) passes; one that names a Content-Type or carries a
 * body must say `application/json` (any charset parameter).
 */
export function guardStateChange(req: IncomingMessage, allowed: readonly string[] | undefined): void {
  if (!STATE_CHANGING.has(req.method ?? 'GET')) return;
  const body = hasBody(req);
  // A refused request's body is never read: close rather than let node drain it.
  const close = body ? { connection: 'close' } : undefined;
  const origin = req.headers.origin;
  if (origin !== undefined && !originAllowed(origin, req.headers.host, allowed)) {
    throw new ProtocolError('forbidden_origin', `origin ${origin.slice(0, 200)} may not change state here`, close);
  }
  const type = req.headers['content-type'];
  if (type === undefined ? body : !isJsonType(type)) {
    throw new ProtocolError('unsupported_media_type', `a request body needs Content-Type: application/json${type === undefined ? '' : `, not ${type.slice(0, 100)}`}`, close);
  }
}

/** `application/json`, case-insensitive, with or without parameters (`; charset=utf-8`). */
export function isJsonType(type: string): boolean {
  const semi = type.indexOf(';');
  return (semi === -1 ? type : type.slice(0, semi)).trim().toLowerCase() === 'application/json';
}

function hasBody(req: IncomingMessage): boolean {
  const length = req.headers['content-length'];
  return req.headers['transfer-encoding'] !== undefined || (length !== undefined && length !== '0');
}
