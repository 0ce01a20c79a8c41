/**
 * Bare baseline: a `node:http` long poll with a queue per client, no chat core — the best an
 * HTTP long-poll server can do on this machine. Just enough of the pushlab protocol for the
 * bench's own long-polling clients: `POST /lp/sessions`, `POST /lp/sessions/:s/rooms/:room`,
 * `GET /lp/sessions/:s/poll?cursor=C` (held up to --hold-ms), `DELETE /lp/sessions/:s`, and
 * `POST /rooms/:room/messages`. No validation, limits or expiry beyond what the clients need.
 * Run: `node --import tsx bench/targets/baselines/long-poll.ts --port 0 --hold-ms 20000`.
 */
import { createServer, type ServerResponse } from 'node:http';
import { BaselineMetrics, argInt, exitOnSignal } from './metrics.ts';
import { BareRooms, type BareRoom } from './rooms.ts';

const port = argInt(process.argv, '--port', 0);
const holdMs = argInt(process.argv, '--hold-ms', 20_000);

interface Session {
  id: string;
  /** Queued messages (serialized once per message) with their cursor. */
  queue: { cursor: number; json: string }[];
  cursor: number;
  held: { res: ServerResponse; after: number; timer: ReturnType<typeof setTimeout> } | undefined;
}

const sessions = new Map<string, Session>();
const rooms = new BareRooms<Session>();
const roomOf = (name: string): BareRoom<Session> => rooms.get(name);
let nextId = 0;

function json(res: ServerResponse, status: number, body: string, route: string): void {
  metrics.count(route, status);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(body) });
  res.end(body);
}

function answer(session: Session, after: number, res: ServerResponse): void {
  session.queue = session.queue.filter((q) => q.cursor > after);
  const last = session.queue.at(-1);
  json(res, 200, `{"messages":[${session.queue.map((q) => q.json).join(',')}],"cursor":${last?.cursor ?? after}}`, '/lp/sessions/:session/poll');
}

function release(session: Session): void {
  const held = session.held;
  if (held === undefined) return;
  session.held = undefined;
  clearTimeout(held.timer);
  answer(session, held.after, held.res);
}

const server = createServer((req, res) => {
  if (metrics.handle(req, res)) return;
  const url = new URL(req.url ?? '/', 'http://x');
  const parts = url.pathname.split('/').filter((p) => p !== '').map(decodeURIComponent);
  const chunks: Buffer[] = [];
  req.on('data', (c: Buffer) => chunks.push(c));
  req.on('end', () => {
    let body: Record<string, unknown> = {};
    try {
      if (chunks.length > 0) body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>;
    } catch {
      json(res, 400, '{"error":{"code":"invalid_json","message":"baseline"}}', 'other');
      return;
    }
    // POST /rooms/:room/messages
    if (req.method === 'POST' && parts.length === 3 && parts[0] === 'rooms' && parts[2] === 'messages') {
      const name = parts[1] as string;
      const room = roomOf(name);
      const seq = ++room.seq;
      const id = String(++nextId);
      const ts = Date.now();
      const text = JSON.stringify({ room: name, seq, id, from: body.from, text: body.text, ts, sentAt: body.sentAt });
      for (const session of room.members) {
        session.queue.push({ cursor: ++session.cursor, json: text });
        release(session);
      }
      json(res, 201, JSON.stringify({ room: name, seq, id, ts }), '/rooms/:room/messages');
      return;
    }
    if (parts[0] !== 'lp' || parts[1] !== 'sessions') {
      json(res, 404, '{"error":{"code":"not_found","message":"baseline"}}', 'other');
      return;
    }
    if (req.method === 'POST' && parts.length === 2) {
      const session: Session = { id: `s${++nextId}`, queue: [], cursor: 0, held: undefined };
      sessions.set(session.id, session);
      for (const name of Array.isArray(body.rooms) ? (body.rooms as string[]) : []) roomOf(name).members.add(session);
      json(res, 201, JSON.stringify({ session: session.id, holdMs, cursor: 0 }), '/lp/sessions');
      return;
    }
    const session = sessions.get(parts[2] ?? '');
    if (session === undefined) {
      json(res, 404, '{"error":{"code":"unknown_session","message":"baseline"}}', 'other');
      return;
    }
    if (req.method === 'GET' && parts[3] === 'poll') {
      const after = Number(url.searchParams.get('cursor') ?? 0);
      if (session.held !== undefined) {
        const old = session.held;
        session.held = undefined;
        clearTimeout(old.timer);
        json(old.res, 200, `{"messages":[],"cursor":${old.after}}`, '/lp/sessions/:session/poll');
      }
      if (session.queue.some((q) => q.cursor > after)) {
        answer(session, after, res);
        return;
      }
      session.queue = [];
      session.held = { res, after, timer: setTimeout(() => release(session), holdMs) };
      return;
    }
    if (req.method === 'POST' && parts[3] === 'rooms' && parts[4] !== undefined) {
      const room = roomOf(parts[4]);
      room.members.add(session);
      json(res, 200, JSON.stringify({ room: parts[4], last: room.seq }), '/lp/sessions/:session/rooms/:room');
      return;
    }
    if (req.method === 'DELETE' && parts.length === 3) {
      sessions.delete(session.id);
      rooms.forget(session);
      release(session);
      metrics.count('/lp/sessions/:session', 204);
      res.writeHead(204).end();
      return;
    }
    json(res, 404, '{"error":{"code":"not_found","message":"baseline"}}', 'other');
  });
});
const metrics = new BaselineMetrics(server, 'long-polling');
server.keepAliveTimeout = 65_000;
server.requestTimeout = 0;

exitOnSignal(server, () => {
  for (const session of sessions.values()) release(session);
});
server.listen(port, '127.0.0.1', () => {
  const address = server.address();
  const actual = typeof address === 'object' && address !== null ? address.port : port;
  console.log(`listening on http://127.0.0.1:${actual}`);
});
