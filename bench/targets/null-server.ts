/**
 * The null run's server for Server-Sent Events and short polling (`pushlab bench --null-run`):
 * it only keeps each room's messages as pre-built strings and writes them — one event per
 * message for every stream, one body per (room, after) for every poll — so the run's load side
 * is the harness's own cost per delivery. It speaks just enough of the protocol for the
 * bench's clients: `POST /rooms/:room/messages`, `GET /rooms/:room/messages?after=N|limit=0`,
 * `GET /sse?rooms=a,b` (`retry`, one `joined` per room, then `message` events; no resume).
 * The null WebSocket and long-poll servers are the bare baselines, already as lean.
 * Run: `node --import tsx bench/targets/null-server.ts --port 0 [--transport sse]`.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { BaselineMetrics, argInt, exitOnSignal } from './baselines/metrics.ts';

/** Messages kept per room for the short polls (a poll further behind is answered with `gap`). */
const KEEP = 10_000;

interface NullRoom {
  seq: number;
  /** Message JSON of seqs first … seq, each built once. */
  log: string[];
  first: number;
  streams: Set<ServerResponse>;
  /** The last short-poll bodies built, by `after`, while `seq` is unchanged. */
  bodies: Map<number, string>;
}

const port = argInt(process.argv, '--port', 0);
const transport = process.argv.includes('--transport') ? (process.argv[process.argv.indexOf('--transport') + 1] ?? 'sse') : 'sse';
const rooms = new Map<string, NullRoom>();
let nextId = 0;

function roomOf(name: string): NullRoom {
  let room = rooms.get(name);
  if (room === undefined) {
    room = { seq: 0, log: [], first: 1, streams: new Set(), bodies: new Map() };
    rooms.set(name, room);
  }
  return room;
}

const server = createServer((req, res) => {
  if (metrics.handle(req, res)) return;
  const url = new URL(req.url ?? '/', 'http://x');
  const parts = url.pathname.split('/').filter((p) => p !== '').map(decodeURIComponent);
  if (parts[0] === 'rooms' && parts[2] === 'messages' && parts.length === 3) {
    if (req.method === 'POST') return publish(req, res, parts[1] as string);
    if (req.method === 'GET') return poll(res, parts[1] as string, url.searchParams);
  }
  if (req.method === 'GET' && url.pathname === '/sse') return stream(res, (url.searchParams.get('rooms') ?? '').split(',').filter((r) => r !== ''));
  if (req.method === 'GET' && url.pathname === '/health') return json(res, 200, '{"status":"ok"}', '/health');
  json(res, 404, '{"error":{"code":"not_found","message":"null server"}}', 'other');
});
const metrics = new BaselineMetrics(server, transport);

function json(res: ServerResponse, status: number, body: string, route: string): void {
  metrics.count(route, status);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(body) });
  res.end(body);
}

function publish(req: IncomingMessage, res: ServerResponse, name: string): void {
  const chunks: Buffer[] = [];
  req.on('data', (c: Buffer) => chunks.push(c));
  req.on('end', () => {
    let body: { from?: unknown; text?: unknown; sentAt?: unknown };
    try {
      body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as typeof body;
    } catch {
      return json(res, 400, '{"error":{"code":"invalid_json","message":"null server"}}', '/rooms/:room/messages');
    }
    const room = roomOf(name);
    const seq = ++room.seq;
    const id = String(++nextId);
    const ts = Date.now();
    const message = JSON.stringify({ room: name, seq, id, from: body.from, text: body.text, ts, sentAt: body.sentAt });
    room.log.push(message);
    if (room.log.length > KEEP) {
      room.log.shift();
      room.first++;
    }
    room.bodies.clear();
    // One event for every single-room stream of the room; a multi-room stream's id names every room.
    const event = Buffer.from(`id: ${name}:${seq}\nevent: message\ndata: ${message}\n\n`);
    for (const s of room.streams) s.write(streamRooms.get(s)?.length === 1 ? event : `id: ${positions(s)}\nevent: message\ndata: ${message}\n\n`);
    json(res, 201, JSON.stringify({ room: name, seq, id, ts }), '/rooms/:room/messages');
  });
}

function poll(res: ServerResponse, name: string, query: URLSearchParams): void {
  const room = roomOf(name);
  // `limit=0` asks for `last` only (how a client joins).
  const after = query.get('limit') === '0' ? room.seq : Number(query.get('after') ?? 0);
  let body = room.bodies.get(after);
  if (body === undefined) {
    const from = Math.max(after + 1, room.first);
    const gap = after + 1 < room.first && after < room.seq ? ',"gap":true' : '';
    body = `{"room":${JSON.stringify(name)},"messages":[${room.log.slice(from - room.first).join(',')}],"last":${room.seq}${gap}}`;
    room.bodies.set(after, body);
  }
  json(res, 200, body, '/rooms/:room/messages');
}

const streamRooms = new WeakMap<ServerResponse, string[]>();

/** `room:seq` for every room of a stream: its position, as the protocol's SSE ids carry it. */
function positions(s: ServerResponse): string {
  return (streamRooms.get(s) ?? []).map((r) => `${r}:${roomOf(r).seq}`).join(',');
}

function stream(res: ServerResponse, names: string[]): void {
  metrics.count('/sse', 200);
  res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', 'x-accel-buffering': 'no' });
  streamRooms.set(res, names);
  res.write(`retry: 1000\n\n${names.map((r) => `event: joined\ndata: {"room":${JSON.stringify(r)},"last":${roomOf(r).seq}}\n\n`).join('')}`);
  for (const r of names) roomOf(r).streams.add(res);
  res.on('close', () => {
    for (const r of names) roomOf(r).streams.delete(res);
  });
}

exitOnSignal(server);
server.listen(port, '127.0.0.1', () => {
  const address = server.address();
  console.log(`listening on http://127.0.0.1:${typeof address === 'object' && address !== null ? address.port : port}`);
});
