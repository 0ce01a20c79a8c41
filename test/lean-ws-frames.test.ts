/**
 * The lean WebSocket subscriber's frame layer and handshake (bench/harness/worker/lean-ws-*.ts)
 * against a real `ws` server on port 0 — which refuses unmasked client frames, so every pong
 * and close it accepts was masked — and on crafted bytes: every split of a run of frames
 * (7-, 16- and 64-bit lengths) across two reads of one shared buffer that is scrambled after
 * each read (nothing may be kept from it), several frames per read, fragmented messages,
 * protocol errors. The upgrade request is compared byte for byte with the one `ws` writes.
 */
import http from 'node:http';
import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket, { WebSocketServer } from 'ws';
import { FrameReader, maskedFrame, OP, type FrameHandler } from '../bench/harness/worker/lean-ws-frames.ts';
import { acceptFor, handshakeError, upgradeRequest, webSocketKey } from '../bench/harness/worker/lean-ws-handshake.ts';
import { LeanWebSocket } from '../bench/harness/worker/lean-websocket.ts';
import { until } from './helpers/until.ts';

/** A handler that keeps copies of what it is given. */
function recorder(): FrameHandler & { texts: string[]; written: Buffer[]; closes: number[] } {
  const r = {
    texts: [] as string[],
    written: [] as Buffer[],
    closes: [] as number[],
    text: (b: Buffer, start: number, end: number) => void r.texts.push(b.toString('utf8', start, end)),
    write: (frame: Buffer) => void r.written.push(frame),
    closed: (code: number) => void r.closes.push(code),
  };
  return r;
}

/** A server frame (unmasked, FIN unless said). */
function serverFrame(opcode: number, payload: Buffer, fin = true): Buffer {
  const n = payload.length;
  const head = n < 126 ? Buffer.from([0, n]) : n < 65536 ? Buffer.from([0, 126, n >> 8, n & 0xff]) : Buffer.alloc(10);
  if (n >= 65536) {
    head[1] = 127;
    head.writeUInt32BE(n, 6);
  }
  head[0] = (fin ? 0x80 : 0) | opcode;
  return Buffer.concat([head, payload]);
}

/** A client frame unmasked (what a server reads): opcode, payload; throws if the mask bit is clear. */
function unmask(frame: Buffer): { opcode: number; payload: Buffer; key: Buffer } {
  expect((frame[1] as number) & 0x80).toBe(0x80);
  let len = (frame[1] as number) & 0x7f;
  let at = 2;
  if (len === 126) [len, at] = [frame.readUInt16BE(2), 4];
  else if (len === 127) [len, at] = [Number(frame.readBigUInt64BE(2)), 10];
  const key = frame.subarray(at, at + 4);
  const payload = Buffer.from(frame.subarray(at + 4, at + 4 + len)).map((c, i) => c ^ (key[i % 4] as number));
  return { opcode: (frame[0] as number) & 0x0f, payload: Buffer.from(payload), key: Buffer.from(key) };
}

/** Feed `bytes` to a reader as reads through one shared buffer, scrambled after each read. */
function feed(reader: FrameReader, bytes: Buffer, cuts: number[]): void {
  const shared = Buffer.alloc(bytes.length + 16);
  let from = 0;
  for (const to of [...cuts, bytes.length]) {
    bytes.copy(shared, 0, from, to);
    reader.read(shared, to - from);
    shared.fill(0xaa);
    from = to;
  }
}

describe('lean-ws-frames: the reader on crafted bytes', () => {
  const texts = ['a'.repeat(100), 'é'.repeat(150), 'c'.repeat(70_000)];
  const run = Buffer.concat(texts.map((t) => serverFrame(OP.text, Buffer.from(t))));

  it('reads 7-, 16- and 64-bit lengths, several frames per read', () => {
    const r = recorder();
    feed(new FrameReader(r), run, []);
    expect(r.texts).toEqual(texts);
  });

  it('reads a run of frames split at every byte across two reads of a reused buffer', () => {
    for (let cut = 1; cut < 400; cut++) {
      const r = recorder();
      feed(new FrameReader(r), run, [cut]);
      expect(r.texts, `cut at ${cut}`).toEqual(texts);
    }
    for (const cut of [run.length - 70_010, run.length - 70_000, run.length - 1]) {
      const r = recorder();
      feed(new FrameReader(r), run, [cut]);
      expect(r.texts).toEqual(texts);
    }
    const r = recorder();
    feed(new FrameReader(r), run, Array.from({ length: run.length - 1 }, (_, i) => i + 1).filter((i) => i < 500 || i % 997 === 0));
    expect(r.texts).toEqual(texts);
  });

  it('puts a fragmented message together, with a ping answered in its middle', () => {
    const r = recorder();
    const bytes = Buffer.concat([serverFrame(OP.text, Buffer.from('hel'), false), serverFrame(OP.ping, Buffer.from('p1')), serverFrame(OP.continuation, Buffer.from('lo '), false), serverFrame(OP.continuation, Buffer.from('world'))]);
    feed(new FrameReader(r), bytes, [2, 7, 12]);
    expect(r.texts).toEqual(['hello world']);
    expect(r.written.map(unmask).map((f) => [f.opcode, f.payload.toString()])).toEqual([[OP.pong, 'p1']]);
  });

  it('echoes a close with its code and reason, then reads nothing more', () => {
    const r = recorder();
    const reason = Buffer.from('bye');
    feed(new FrameReader(r), Buffer.concat([serverFrame(OP.close, Buffer.concat([Buffer.from([0x0f, 0xa1]), reason])), serverFrame(OP.text, Buffer.from('late'))]), []);
    expect(r.closes).toEqual([4001]);
    expect(r.texts).toEqual([]);
    const echo = unmask(r.written[0] as Buffer);
    expect([echo.opcode, echo.payload.readUInt16BE(0), echo.payload.subarray(2).toString()]).toEqual([OP.close, 4001, 'bye']);
  });

  it('closes with 1002 on a protocol error (a masked server frame, a reserved opcode, a continuation with nothing to continue)', () => {
    const masked = serverFrame(OP.text, Buffer.from('x'));
    masked[1] = (masked[1] as number) | 0x80;
    for (const bad of [masked, serverFrame(0x3, Buffer.from('x')), serverFrame(OP.continuation, Buffer.from('x'))]) {
      const r = recorder();
      feed(new FrameReader(r), bad, []);
      expect(r.closes).toEqual([1002]);
      expect(unmask(r.written[0] as Buffer).payload.readUInt16BE(0)).toBe(1002);
    }
  });

  it('masks every client frame with a fresh key (RFC 6455 §5.3), 7/16/64-bit lengths', () => {
    const keys = new Set<string>();
    for (const n of [0, 5, 125, 126, 65_535, 65_536]) {
      const payload = Buffer.alloc(n, 0x61);
      const f = unmask(maskedFrame(OP.text, payload));
      expect([f.opcode, f.payload.equals(payload)]).toEqual([OP.text, true]);
      keys.add(f.key.toString('hex'));
    }
    expect(keys.size).toBe(6);
  });
});

describe('lean-ws: against a real ws server', () => {
  const closers: (() => void)[] = [];
  afterEach(() => {
    for (const c of closers.splice(0)) c();
  });

  /** A ws server on port 0 and one raw client (the lean handshake and reader, onread into a scrambled shared buffer). */
  async function pair(): Promise<{ server: WebSocket; client: ReturnType<typeof recorder>; socket: net.Socket }> {
    const wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
    closers.push(() => wss.close());
    await new Promise((r) => wss.once('listening', r));
    const port = (wss.address() as net.AddressInfo).port;
    const connected = new Promise<WebSocket>((r) => wss.once('connection', r));
    const client = recorder();
    const reader = new FrameReader(client);
    const key = webSocketKey();
    let head: Buffer | undefined = Buffer.alloc(0);
    const shared = Buffer.alloc(1024);
    const socket = net.connect({
      host: '127.0.0.1',
      port,
      onread: {
        buffer: shared,
        callback: (n: number) => {
          if (head === undefined) reader.read(shared, n);
          else {
            head = Buffer.concat([head, shared.subarray(0, n)]);
            const end = head.indexOf('\r\n\r\n');
            if (end >= 0) {
              expect(handshakeError(head.toString('latin1', 0, end), key)).toBeUndefined();
              const rest = head.subarray(end + 4);
              head = undefined;
              if (rest.length > 0) reader.read(rest, rest.length);
            }
          }
          shared.fill(0xaa);
          return true;
        },
      },
    });
    client.write = (frame) => void (client.written.push(frame), socket.write(frame));
    client.closed = (code) => void (client.closes.push(code), socket.end());
    closers.push(() => socket.destroy());
    socket.write(upgradeRequest('/', `127.0.0.1:${port}`, undefined, key), 'latin1');
    return { server: await connected, client, socket };
  }

  it('reads 7-, 16- and 64-bit frames and a fragmented message sent by ws, split by a small read buffer', async () => {
    const { server, client } = await pair();
    const texts = ['a'.repeat(100), 'b'.repeat(300), 'c'.repeat(70_000)];
    for (const t of texts) server.send(t);
    server.send('frag', { fin: false });
    server.send('mented', { fin: true });
    await until(() => client.texts.length === 4, 'four messages');
    expect(client.texts).toEqual([...texts, 'fragmented']);
  });

  it('answers a ping with a masked pong of the same payload (ws accepts it)', async () => {
    const { server } = await pair();
    const pongs: string[] = [];
    server.on('pong', (data) => pongs.push(data.toString()));
    server.ping(Buffer.from('are you there'));
    await until(() => pongs.length === 1, 'the pong');
    expect(pongs).toEqual(['are you there']);
  });

  it('echoes a close (masked, same code and reason) and ends the socket', async () => {
    const { server, client, socket } = await pair();
    const closed = new Promise<[number, string]>((r) => server.once('close', (code, reason) => r([code, reason.toString()])));
    server.close(4000, 'done');
    expect(await closed).toEqual([4000, 'done']);
    expect(client.closes).toEqual([4000]);
    await until(() => socket.destroyed || socket.readyState === 'closed', 'the socket closed');
  });

  it('writes the upgrade request ws writes, byte for byte (header order and case, a header of the same letters collapsed)', async () => {
    const seen: string[] = [];
    const server = net.createServer((s) => s.once('data', (d) => void (seen.push(d.toString('latin1')), s.destroy())));
    closers.push(() => server.close());
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const port = (server.address() as net.AddressInfo).port;
    const headers = { 'user-agent': 'x/1', connection: 'keep-alive', Cookie: 'a=b' };
    const ws = new WebSocket(`ws://127.0.0.1:${port}/ws?nick=a%20b`, { perMessageDeflate: false, headers });
    ws.on('error', () => {});
    await until(() => seen.length === 1, 'the upgrade request');
    const key = /Sec-WebSocket-Key: (\S+)/.exec(seen[0] as string)?.[1] as string;
    expect(upgradeRequest('/ws?nick=a%20b', `127.0.0.1:${port}`, headers, key)).toBe(seen[0]);
  });

  it('refuses an answer that is not an accepted upgrade', async () => {
    const key = webSocketKey();
    const ok = `HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: ${acceptFor(key)}`;
    expect(handshakeError(ok, key)).toBeUndefined();
    expect(handshakeError(ok.replace(acceptFor(key), acceptFor(webSocketKey())), key)).toBe('Invalid Sec-WebSocket-Accept header');
    expect(handshakeError(ok.replace('Upgrade: websocket', 'Upgrade: h2c'), key)).toBe('Invalid Upgrade header');
    expect(handshakeError(`${ok}\r\nSec-WebSocket-Extensions: permessage-deflate`, key)).toMatch(/Extensions/);
    // A refused upgrade rejects the lean subscriber's start with the status.
    const refusing = http.createServer();
    refusing.on('upgrade', (_req, socket: net.Socket) => socket.end('HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\n\r\n'));
    closers.push(() => refusing.close());
    await new Promise<void>((r) => refusing.listen(0, '127.0.0.1', r));
    const lean = new LeanWebSocket({ baseUrl: `http://127.0.0.1:${(refusing.address() as net.AddressInfo).port}`, nick: 'a', room: 'lobby', run: 'r', slot: 0, pollIntervalMs: 0, sink: { deliver: () => {} }, clock: () => 0 });
    closers.push(() => lean.close());
    await expect(lean.start()).rejects.toThrow('Unexpected server response: 403');
  });
});
