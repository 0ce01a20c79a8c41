/**
 * Peer: a minimal Socket.IO 4 chat server, written the way the Socket.IO docs teach it — one
 * Socket.IO room per chat room, `io.to(room).emit('message', …)` to broadcast, acknowledgements
 * for joins and sends. It delivers the lab's message JSON (room, seq, id, from, text, ts,
 * sentAt) with a seq per room, so the bench's ledger and histograms work on it unchanged.
 *
 * Events (client → server, each with an ack callback):
 *   join  "room"                          → ack { room, last }
 *   send  { room, text, sentAt? }         → ack { room, seq, id, ts } (or { error: { code, message } })
 * Server → client: `message` with the message JSON. The sender's nick is `auth.nick`.
 *
 * `--transport websocket|polling` restricts the engine to that one transport (no upgrade), so
 * each peer row measures one wire. Socket.IO's defaults otherwise (25 s ping, no compression
 * of WebSocket frames, no connection-state recovery): what a team gets out of the box.
 * `/metrics` is the baselines' hand-written one (bench/targets/baselines/metrics.ts): bytes on every
 * client socket, HTTP requests (each polling GET/POST, counted when answered), heap and
 * event-loop delay; the bench reads CPU and RSS from /proc itself.
 * `--ping-interval <ms>` (default SOCKETIO_PING_INTERVAL_MS) only for tests that need a ping on the
 * wire within seconds (test/wire-equivalence-socketio.test.ts); the bench never passes it.
 * Run: `node --import tsx bench/peers/socketio-server.ts --port 0 --transport polling`.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { Server } from 'socket.io';
import { BaselineMetrics, argInt, exitOnSignal } from '../targets/baselines/metrics.ts';
import { SOCKETIO_PING_INTERVAL_MS } from './peers.ts';

const port = argInt(process.argv, '--port', 0);
const transportArg = process.argv[process.argv.indexOf('--transport') + 1];
const engineTransport: 'websocket' | 'polling' = transportArg === 'polling' ? 'polling' : 'websocket';
const pingInterval = argInt(process.argv, '--ping-interval', SOCKETIO_PING_INTERVAL_MS);
/** Socket.IO's path; every request under it is the engine's. */
const PATH = '/socket.io/';

const server = createServer((req, res) => {
  if (metrics.handle(req, res)) return;
  metrics.count('other', 404);
  res.writeHead(404, { 'content-type': 'application/json' });
  res.end('{"error":{"code":"not_found","message":"peer: /socket.io/ and /metrics only"}}');
});
// Labelled as the lab transport this peer stands beside, so the sampler sums its bytes alike.
const metrics = new BaselineMetrics(server, engineTransport === 'polling' ? 'long-polling' : 'websocket');

const io = new Server(server, { path: PATH, transports: [engineTransport], serveClient: false, pingInterval });

// Every engine HTTP request (polling GET and POST, a refused upgrade), counted once answered.
// Prepended: engine.io replaces the server's request listeners with its own dispatcher.
server.prependListener('request', (req: IncomingMessage, res: ServerResponse) => {
  if (!(req.url ?? '').startsWith(PATH)) return;
  res.once('finish', () => metrics.count(`${PATH}${engineTransport}`, res.statusCode));
});

/** The whole chat state: a seq counter per room. Membership is Socket.IO's own rooms. */
const seqs = new Map<string, number>();
let nextId = 0;

type Ack = (answer: unknown) => void;
const error = (code: string, message: string): { error: { code: string; message: string } } => ({ error: { code, message } });

io.on('connection', (socket) => {
  const auth = socket.handshake.auth as { nick?: unknown };
  const nick = typeof auth.nick === 'string' && auth.nick !== '' ? auth.nick : 'anonymous';
  socket.on('join', (room: unknown, ack?: Ack) => {
    if (typeof room !== 'string' || room === '') {
      ack?.(error('invalid_room', 'room must be a non-empty string'));
      return;
    }
    void socket.join(room);
    ack?.({ room, last: seqs.get(room) ?? 0 });
  });
  socket.on('leave', (room: unknown) => {
    if (typeof room === 'string') void socket.leave(room);
  });
  socket.on('send', (body: { room?: unknown; text?: unknown; sentAt?: unknown } | undefined, ack?: Ack) => {
    const room = body?.room;
    const text = body?.text;
    if (typeof room !== 'string' || room === '') {
      ack?.(error('invalid_room', 'room must be a non-empty string'));
      return;
    }
    if (typeof text !== 'string' || text === '') {
      ack?.(error('invalid_message', 'text must be a non-empty string'));
      return;
    }
    const seq = (seqs.get(room) ?? 0) + 1;
    seqs.set(room, seq);
    const id = String(++nextId);
    const ts = Date.now();
    const sentAt = typeof body?.sentAt === 'number' && Number.isFinite(body.sentAt) ? body.sentAt : undefined;
    // The broadcast is encoded once and written to every member of the room.
    io.to(room).emit('message', sentAt === undefined ? { room, seq, id, from: nick, text, ts } : { room, seq, id, from: nick, text, ts, sentAt });
    ack?.({ room, seq, id, ts });
  });
});

exitOnSignal(server, () => {
  io.disconnectSockets(true);
  io.engine.close();
});
server.listen(port, '127.0.0.1', () => {
  const address = server.address();
  const actual = typeof address === 'object' && address !== null ? address.port : port;
  console.log(`listening on http://127.0.0.1:${actual}`);
});
