/**
 * Raw wire access for the bad-input battery: HTTP requests written byte for byte on a `net`
 * socket (so nothing normalizes a path or fixes a header for us), and a hand-made RFC 6455
 * handshake plus frame writer/reader for what a well-behaved WebSocket library refuses to
 * send (unmasked frames, invalid UTF-8, absurd lengths).
 */
import { createHash, randomBytes } from 'node:crypto';
import net from 'node:net';
import { expect } from 'vitest';
import { ERRORS, isErrorCode } from '../protocol/errors.ts';

export interface RawAnswer {
  /** 0 when the server closed without answering. */
  status: number;
  headers: Record<string, string>;
  body: string;
  /** The server closed the connection after answering (or instead of it). */
  closed: boolean;
}

/**
 * Write `parts` on a fresh connection (with `gapMs` between parts: a trickle), then read
 * one answer. Resolves when the server closes or a full Content-Length body has arrived.
 */
export function rawHttp(port: number, parts: (string | Buffer)[], options: { gapMs?: number; timeoutMs?: number } = {}): Promise<RawAnswer> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1');
    let data = Buffer.alloc(0);
    let done = false;
    const timer = setTimeout(() => finish(new Error(`no answer within ${options.timeoutMs ?? 10_000} ms; got ${JSON.stringify(data.toString('latin1').slice(0, 200))}`)), options.timeoutMs ?? 10_000);
    const finish = (error?: Error, closed = true): void => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      if (error !== undefined) {
        socket.destroy();
        reject(error);
        return;
      }
      const answer = parseAnswer(data, closed);
      socket.destroy();
      resolve(answer);
    };
    socket.on('data', (chunk: Buffer) => {
      data = Buffer.concat([data, chunk]);
      const answer = parseAnswer(data, false);
      const length = Number(answer.headers['content-length'] ?? Number.NaN);
      // A complete answer on a connection the server keeps open: stop reading.
      if (answer.status !== 0 && Number.isFinite(length) && Buffer.byteLength(answer.body) >= length && answer.headers.connection !== 'close') finish(undefined, false);
    });
    socket.on('error', () => finish(undefined, true));
    socket.on('close', () => finish(undefined, true));
    void (async () => {
      for (let i = 0; i < parts.length; i++) {
        if (socket.destroyed) return;
        socket.write(parts[i] as string | Buffer);
        if (options.gapMs !== undefined && i < parts.length - 1) await new Promise((r) => setTimeout(r, options.gapMs));
      }
    })();
  });
}

function parseAnswer(data: Buffer, closed: boolean): RawAnswer {
  const text = data.toString('utf8');
  const end = text.indexOf('\r\n\r\n');
  if (end === -1) return { status: 0, headers: {}, body: '', closed };
  const [statusLine = '', ...lines] = text.slice(0, end).split('\r\n');
  const headers: Record<string, string> = {};
  for (const line of lines) {
    const colon = line.indexOf(':');
    if (colon > 0) headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  const status = Number(/^HTTP\/1\.[01] (\d{3})/.exec(statusLine)?.[1] ?? 0);
  return { status, headers, body: text.slice(end + 4), closed };
}

/** An HTTP/1.1 request as bytes; `Connection: close` unless headers say otherwise. */
export function request(method: string, path: string, port: number, body?: string | Buffer, headers: Record<string, string> = {}): Buffer {
  const all: Record<string, string> = { host: `127.0.0.1:${port}`, connection: 'close', ...headers };
  if (body !== undefined && all['content-length'] === undefined && all['transfer-encoding'] === undefined) all['content-length'] = String(Buffer.byteLength(body));
  if (body !== undefined && all['content-type'] === undefined) all['content-type'] = 'application/json';
  const head = `${method} ${path} HTTP/1.1\r\n${Object.entries(all).map(([k, v]) => `${k}: ${v}`).join('\r\n')}\r\n\r\n`;
  return body === undefined ? Buffer.from(head, 'latin1') : Buffer.concat([Buffer.from(head, 'latin1'), Buffer.isBuffer(body) ? body : Buffer.from(body)]);
}

/**
 * Every error answer must be the protocol's: a 4xx (or the catalog's 503s), a JSON body
 * `{ error: { code, message } }` with a catalog code whose status it carries, and nothing
 * of the server's insides (no stack trace, no file paths).
 */
export function expectCatalogError(status: number, body: string, code?: string): string {
  expect(status, `status ${status} body ${body}`).toBeGreaterThanOrEqual(400);
  expect(status, `a 5xx: ${body}`).toBeLessThan(500);
  let parsed: unknown;
  expect(() => (parsed = JSON.parse(body)), `not JSON: ${body}`).not.toThrow();
  const error = (parsed as { error?: { code?: unknown; message?: unknown } }).error;
  expect(Object.keys(parsed as object)).toEqual(['error']);
  expect(isErrorCode(error?.code), `not a catalog code: ${body}`).toBe(true);
  expect(typeof error?.message).toBe('string');
  if (isErrorCode(error?.code)) expect(status).toBe(ERRORS[error.code].status);
  expect(body).not.toMatch(/\n\s+at |\.ts:\d+|node_modules|\/work\//);
  if (code !== undefined) expect(error?.code, body).toBe(code);
  return String(error?.code);
}

/** RFC 6455 §1.3's GUID. */
export const WS_GUID = '258EAFA5-E914-47DA-95CA-C5AB0DC85B11';

export interface RawWebSocket {
  socket: net.Socket;
  /** Frames received so far (opcode and payload). */
  frames: { opcode: number; payload: Buffer }[];
  /** Resolves with the close frame's code (or 1006 when the TCP connection just ended). */
  closed: Promise<number>;
  write(opcode: number, payload: Buffer, options?: { mask?: boolean; declaredLength?: number }): void;
}

/** Open a WebSocket by hand, checking the server's Sec-WebSocket-Accept. */
export function rawWebSocket(port: number, query: string): Promise<RawWebSocket> {
  const key = randomBytes(16).toString('base64');
  const expected = createHash('sha1').update(key + WS_GUID).digest('base64');
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1');
    let buffer = Buffer.alloc(0);
    let upgraded = false;
    const frames: { opcode: number; payload: Buffer }[] = [];
    let onClose: (code: number) => void = () => {};
    const closed = new Promise<number>((r) => (onClose = r));
    socket.on('error', () => {});
    socket.on('close', () => {
      if (!upgraded) reject(new Error(`connection closed during the handshake: ${buffer.toString('latin1')}`));
      onClose(1006);
    });
    socket.write(
      `GET /ws?${query} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: ${key}\r\nSec-WebSocket-Version: 13\r\n\r\n`,
    );
    socket.on('data', (chunk: Buffer) => {
      buffer = Buffer.concat([buffer, chunk]);
      if (!upgraded) {
        const end = buffer.indexOf('\r\n\r\n');
        if (end === -1) return;
        const head = buffer.subarray(0, end).toString('latin1');
        buffer = buffer.subarray(end + 4);
        if (!/^HTTP\/1\.1 101 /.test(head)) {
          reject(new Error(`upgrade refused: ${head.split('\r\n')[0] ?? ''}`));
          socket.destroy();
          return;
        }
        const accept = /\r\nsec-websocket-accept:\s*(\S+)/i.exec(head)?.[1];
        if (accept !== expected) {
          reject(new Error(`Sec-WebSocket-Accept is ${accept ?? 'missing'}, expected ${expected}`));
          socket.destroy();
          return;
        }
        upgraded = true;
        resolve({ socket, frames, closed, write: (opcode, payload, options) => socket.write(frame(opcode, payload, options)) });
      }
      // Parse whole server frames (servers never mask).
      for (;;) {
        if (buffer.length < 2) return;
        const opcode = (buffer[0] as number) & 0x0f;
        let length = (buffer[1] as number) & 0x7f;
        let offset = 2;
        if (length === 126) {
          if (buffer.length < 4) return;
          length = buffer.readUInt16BE(2);
          offset = 4;
        } else if (length === 127) {
          if (buffer.length < 10) return;
          length = Number(buffer.readBigUInt64BE(2));
          offset = 10;
        }
        if (buffer.length < offset + length) return;
        const payload = buffer.subarray(offset, offset + length);
        buffer = buffer.subarray(offset + length);
        frames.push({ opcode, payload });
        if (opcode === 0x8) onClose(payload.length >= 2 ? payload.readUInt16BE(0) : 1005);
      }
    });
  });
}

/** One FIN frame. Client frames are masked unless `mask: false`; `declaredLength` lies about the size. */
export function frame(opcode: number, payload: Buffer, options: { mask?: boolean; declaredLength?: number } = {}): Buffer {
  const mask = options.mask ?? true;
  const length = options.declaredLength ?? payload.length;
  const parts: Buffer[] = [];
  const head = Buffer.alloc(2);
  head[0] = 0x80 | opcode;
  if (length < 126) {
    head[1] = (mask ? 0x80 : 0) | length;
    parts.push(head);
  } else if (length < 65536) {
    head[1] = (mask ? 0x80 : 0) | 126;
    const ext = Buffer.alloc(2);
    ext.writeUInt16BE(length);
    parts.push(head, ext);
  } else {
    head[1] = (mask ? 0x80 : 0) | 127;
    const ext = Buffer.alloc(8);
    ext.writeBigUInt64BE(BigInt(length));
    parts.push(head, ext);
  }
  if (mask) {
    const key = randomBytes(4);
    const masked = Buffer.alloc(payload.length);
    for (let i = 0; i < payload.length; i++) masked[i] = (payload[i] as number) ^ (key[i % 4] as number);
    parts.push(key, masked);
  } else {
    parts.push(payload);
  }
  return Buffer.concat(parts);
}
