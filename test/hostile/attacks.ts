/**
 * The hostile clients' attacks, each written as an outside client would (raw TCP where a library
 * would behave), against any `pushlab serve` on loopback. Each returns what it observed; the
 * suite (test/hostile.test.ts) asserts on it and scripts/hostile-figures.ts prints it for the
 * original code and this one.
 */
import net from 'node:net';
import type { Child } from './probe.ts';
import { deafSocket, fdCount, healthMs, many, postJson, seed, sleep, within } from './probe.ts';

const WS_HEAD = (port: number, query: string, extra = ''): string =>
  `GET /ws?${query} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n${extra}\r\n`;

/** A client frame with an all-zero mask key (legal, and the payload goes as is). */
function clientFrame(opcode: number, payload: Buffer): Buffer {
  const len = payload.length;
  const head = len < 126 ? Buffer.from([0x80 | opcode, 0x80 | len]) : Buffer.from([0x80 | opcode, 0x80 | 126, len >> 8, len & 0xff]);
  return Buffer.concat([head, Buffer.alloc(4), payload]);
}

/** Upgrade a raw socket; resolves once the 101 arrived. `read`: keep reading (and dropping) frames. */
export function wsRaw(port: number, query: string, read: boolean): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1', () => socket.write(WS_HEAD(port, query)));
    let head = '';
    const onData = (chunk: Buffer): void => {
      head += chunk.toString('latin1');
      if (!head.includes('\r\n\r\n')) return;
      socket.off('data', onData);
      if (!head.startsWith('HTTP/1.1 101')) {
        socket.destroy();
        reject(new Error(head.split('\r\n')[0]));
        return;
      }
      if (read) socket.resume();
      else socket.pause();
      resolve(socket);
    };
    socket.on('data', onData);
    socket.on('error', () => {});
    socket.once('close', () => reject(new Error('closed during the handshake')));
  });
}

/** Item 1: one write of `count` pipelined history reads of a 1,000 × 1 KB room, never read back. */
export async function pipelinedHistory(c: Child, count = 400): Promise<{ socket: net.Socket }> {
  await seed(c.url, 'hist', 1000, 1000);
  const one = `GET /rooms/hist/messages HTTP/1.1\r\nHost: x\r\n\r\n`;
  const socket = await deafSocket(c.port, one.repeat(count));
  await sleep(3000);
  return { socket };
}

/** Item 1 (no pipelining): 20 sockets each asking once for a room of 1,000 × 16 KB, never reading. */
export async function bigHistoryReads(c: Child, sockets = 20): Promise<{ sockets: net.Socket[] }> {
  await seed(c.url, 'big', 1000, 16_000);
  const out = await many(sockets, () => deafSocket(c.port, `GET /rooms/big/messages HTTP/1.1\r\nHost: x\r\n\r\n`));
  await sleep(3000);
  return { sockets: out };
}

/** Item 3: `sessions` long-poll sessions asking `after: 0` in 12 rooms of `perRoom` messages, each polled once. */
export async function replaySessions(c: Child, sessions = 1000, perRoom = 200): Promise<{ created: number; refused: number }> {
  const rooms = Array.from({ length: 12 }, (_, i) => `replay${i}`);
  for (const room of rooms) await seed(c.url, room, perRoom, 100);
  const after = Object.fromEntries(rooms.map((r) => [r, 0]));
  let created = 0;
  let refused = 0;
  await many(sessions, async (i) => {
    const { status, json } = await postJson(`${c.url}/lp/sessions`, { nick: `r${i}`, rooms, after });
    if (status !== 201) {
      refused++;
      return;
    }
    created++;
    const id = (json as { session: string }).session;
    await (await fetch(`${c.url}/lp/sessions/${id}/poll?cursor=0`)).text();
  }, 20);
  return { created, refused };
}

/** Item 3: `sessions` session creates naming 40,000 rooms each. */
export async function roomFlood(c: Child, sessions = 20, rooms = 40_000): Promise<{ statuses: number[] }> {
  const names = Array.from({ length: rooms }, (_, i) => `r${i}`);
  const statuses: number[] = [];
  for (let i = 0; i < sessions; i++) statuses.push((await postJson(`${c.url}/lp/sessions`, { nick: `f${i}`, rooms: names })).status);
  return { statuses };
}

/** Item 4/6: `mb` MB of pings on a WebSocket that never reads the pongs. */
export async function pingFlood(c: Child, mb = 40): Promise<{ closedByServer: boolean }> {
  const socket = await wsRaw(c.port, 'nick=pinger', false);
  let closed = false;
  socket.once('close', () => (closed = true));
  // Empty pings: the most frames (and pongs) per byte sent.
  const chunk = Buffer.concat(Array.from({ length: 8000 }, () => clientFrame(0x9, Buffer.alloc(0))));
  let sent = 0;
  while (sent < mb * 1_000_000 && !closed) {
    if (!socket.write(chunk)) await new Promise<void>((r) => {
      const done = (): void => {
        socket.off('drain', done);
        socket.off('close', done);
        r();
      };
      socket.once('drain', done);
      socket.once('close', done);
    });
    sent += chunk.length;
  }
  // A paused socket never sees the server's FIN: read (and drop) what is there, then wait for the end.
  socket.resume();
  await within(5000, () => closed);
  socket.destroy();
  return { closedByServer: closed };
}

/** Item 2: `count` sockets that got a 408 (headers never finished) or a refused upgrade, then sat there. */
export async function lingering(c: Child, kind: '408' | 'refused-upgrade', count = 1000): Promise<{ sockets: net.Socket[] }> {
  const data = kind === '408' ? 'GET /health HTTP/1.1\r\nHost: x\r\n' : WS_HEAD(c.port, 'nick=x', 'Origin: http://evil.example\r\n');
  return { sockets: await many(count, () => deafSocket(c.port, data)) };
}

/** Wait for the server's descriptor count to fall back to `start` (+ slack); the ms it took, or Infinity. */
export async function fdsReturn(c: Child, start: number, ms: number, slack = 5): Promise<number> {
  const t0 = Date.now();
  return (await within(ms, () => fdCount(c.pid) <= start + slack)) ? Date.now() - t0 : Number.POSITIVE_INFINITY;
}

/** Item 2: SIGTERM with a deaf WebSocket, a trickling upload, a silent socket and a refused upgrade open. */
export async function stubbornShutdown(c: Child): Promise<{ exit: number | string; ms: number }> {
  const sockets: net.Socket[] = [];
  sockets.push(await wsRaw(c.port, 'nick=deaf&rooms=lobby', false));
  const trickle = await deafSocket(c.port, 'POST /rooms/lobby/messages HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{');
  const drip = setInterval(() => trickle.write(' '), 200);
  sockets.push(trickle, await deafSocket(c.port), await deafSocket(c.port, WS_HEAD(c.port, 'nick=x', 'Origin: http://evil.example\r\n')));
  await sleep(300);
  const t0 = Date.now();
  c.child.kill('SIGTERM');
  const exit = await c.exited;
  const ms = Date.now() - t0;
  clearInterval(drip);
  for (const s of sockets) s.destroy();
  return { exit, ms };
}

/** Item 4: `members` WebSockets in one room; one client writes `sends` send frames at once (or as pipelined POSTs); /health's latency meanwhile. */
export async function burst(c: Child, mode: 'websocket' | 'http', members = 1000, sends = 1000): Promise<{ healthMs: number; members: net.Socket[] }> {
  const room = 'crowd';
  const crowd = await many(members, (i) => wsRaw(c.port, `nick=m${i}&rooms=${room}`, true), 50);
  await sleep(500);
  const text = 'y'.repeat(100);
  let payload: Buffer;
  let attacker: net.Socket;
  if (mode === 'websocket') {
    attacker = await wsRaw(c.port, 'nick=burster', true);
    payload = Buffer.concat(Array.from({ length: sends }, (_, i) => clientFrame(0x1, Buffer.from(JSON.stringify({ type: 'send', room, text, ref: `b${i}` })))));
  } else {
    attacker = await deafSocket(c.port);
    attacker.resume();
    const body = JSON.stringify({ from: 'burster', text });
    payload = Buffer.from(`POST /rooms/${room}/messages HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n${body}`.repeat(sends));
  }
  attacker.write(payload);
  await sleep(50);
  const ms = await healthMs(c.url);
  crowd.push(attacker);
  return { healthMs: ms, members: crowd };
}
