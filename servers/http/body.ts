/**
 * Reading a JSON request body with a byte limit. The limit is checked against
 * Content-Length before reading (an absurd length is refused at once, 413) and again while
 * streaming (chunked bodies have no length). Time limits are the http server's
 * `requestTimeout`, not ours.
 */
import type { IncomingMessage } from 'node:http';
import { ProtocolError } from '../../protocol/errors.ts';
import { jsonBody } from '../../protocol/validate.ts';

export function readBody(req: IncomingMessage, maxBytes: number): Promise<Uint8Array> {
  const declared = req.headers['content-length'];
  if (declared !== undefined && Number(declared) > maxBytes) {
    // Leave the connection: its unread body would be parsed as the next request.
    req.on('error', () => {});
    return Promise.reject(tooLarge(maxBytes, true));
  }
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer): void => {
      size += chunk.length;
      if (size > maxBytes) {
        req.off('data', onData);
        req.resume();
        reject(tooLarge(maxBytes, true));
        return;
      }
      chunks.push(chunk);
    };
    req.on('data', onData);
    req.once('end', () => resolve(chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks, size)));
    req.once('error', () => reject(new ProtocolError('invalid_json', 'the request body could not be read')));
  });
}

function tooLarge(maxBytes: number, close: boolean): ProtocolError {
  return new ProtocolError('payload_too_large', `the body is over ${maxBytes} bytes`, close ? { connection: 'close' } : undefined);
}

export async function readJson(req: IncomingMessage, maxBytes: number): Promise<Record<string, unknown>> {
  const raw = await readBody(req, maxBytes);
  if (raw.length === 0) throw new ProtocolError('invalid_json', 'the body is empty; a JSON object is required');
  return jsonBody(raw);
}
