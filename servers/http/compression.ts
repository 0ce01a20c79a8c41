/**
 * `pushlab serve --compression`: gzip on JSON answers (polls, history, publishes' answers)
 * whose client accepts it. Marked per response by the request handler so the hot path in
 * respond.ts only asks a WeakSet. Bodies under GZIP_MIN_BYTES go plain: gzip's 18-byte
 * frame and the CPU cost more than they save on an empty poll. WebSocket permessage-deflate
 * is ws's (servers/websocket/upgrade.ts).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { gzipSync } from 'node:zlib';

/** Smallest body worth compressing, bytes. */
export const GZIP_MIN_BYTES = 256;

const gzipWanted = new WeakSet<ServerResponse>();
/** Whether any answer of this process was ever marked: without --compression the hot path skips the WeakSet. */
let anyMarked = false;

/** With compression on: this answer may be gzipped when its client says it accepts gzip. */
export function markCompressible(req: IncomingMessage, res: ServerResponse): void {
  const accept = req.headers['accept-encoding'];
  if (typeof accept === 'string' && /\bgzip\b/i.test(accept) && !/\bgzip\s*;\s*q=0(?:\.0*)?\b/i.test(accept)) {
    anyMarked = true;
    gzipWanted.add(res);
  }
}

/** The gzipped body when this answer is to be gzipped; undefined: send it as is (no allocation on the hot path). */
export function gzipFor(res: ServerResponse, body: string): Buffer | undefined {
  if (!anyMarked || body.length < GZIP_MIN_BYTES || !gzipWanted.has(res)) return undefined;
  return gzipSync(body, { level: 6 });
}
