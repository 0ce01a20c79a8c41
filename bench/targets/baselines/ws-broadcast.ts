/**
 * Bare baseline: a `ws` broadcast to a set of sockets per room, no chat core — the best a
 * WebSocket server can do on this machine. It speaks just enough of the pushlab protocol for
 * the bench's own WebSocket clients: `GET /ws?rooms=a,b` (or `join` frames) → `joined`;
 * `send` → the message serialized once, written to every member, then `ack`.
 * Run: `node --import tsx bench/targets/baselines/ws-broadcast.ts --port 0` (prints `listening on …`).
 */
import { createServer } from 'node:http';
import { WebSocketServer, type WebSocket } from 'ws';
import { BaselineMetrics, argInt, exitOnSignal } from './metrics.ts';
import { BareRooms, type BareRoom } from './rooms.ts';

const port = argInt(process.argv, '--port', 0);
const rooms = new BareRooms<WebSocket>();
const roomOf = (name: string): BareRoom<WebSocket> => rooms.get(name);
let nextId = 0;

const server = createServer((req, res) => {
  if (metrics.handle(req, res)) return;
  metrics.count('other', 404);
  res.writeHead(404, { 'content-type': 'application/json' });
  res.end('{"error":{"code":"not_found","message":"baseline: /ws and /metrics only"}}');
});
const metrics = new BaselineMetrics(server, 'websocket');
const wss = new WebSocketServer({ noServer: true, perMessageDeflate: false });

function join(ws: WebSocket, name: string, ref?: string): void {
  const room = roomOf(name);
  room.members.add(ws);
  ws.send(JSON.stringify(ref === undefined ? { type: 'joined', room: name, last: room.seq } : { type: 'joined', room: name, last: room.seq, ref }));
}

server.on('upgrade', (req, socket, head) => {
  const url = new URL(req.url ?? '/', 'http://x');
  if (url.pathname !== '/ws') {
    socket.destroy();
    return;
  }
  wss.handleUpgrade(req, socket, head, (ws) => {
    const joined = new Set<string>();
    for (const name of (url.searchParams.get('rooms') ?? '').split(',').filter((r) => r !== '')) {
      joined.add(name);
      join(ws, name);
    }
    ws.on('message', (data) => {
      let frame: { type?: string; room?: string; text?: string; sentAt?: number; ref?: string };
      try {
        frame = JSON.parse(String(data)) as typeof frame;
      } catch {
        return;
      }
      if (typeof frame.room !== 'string') return;
      if (frame.type === 'join') {
        joined.add(frame.room);
        join(ws, frame.room, frame.ref);
      } else if (frame.type === 'leave') {
        joined.delete(frame.room);
        roomOf(frame.room).members.delete(ws);
      } else if (frame.type === 'send' && typeof frame.text === 'string') {
        const room = roomOf(frame.room);
        const seq = ++room.seq;
        const message = { room: frame.room, seq, id: String(++nextId), from: 'baseline', text: frame.text, ts: Date.now(), sentAt: frame.sentAt };
        // Serialize once, write to every member: the whole job of a broadcast server.
        const text = JSON.stringify({ type: 'message', message });
        for (const member of room.members) member.send(text);
        ws.send(JSON.stringify({ type: 'ack', ref: frame.ref, room: frame.room, seq }));
      }
    });
    ws.on('close', () => {
      for (const name of joined) roomOf(name).members.delete(ws);
    });
  });
});

exitOnSignal(server, () => {
  for (const ws of wss.clients) ws.close(1001, 'going away');
});
server.listen(port, '127.0.0.1', () => {
  const address = server.address();
  const actual = typeof address === 'object' && address !== null ? address.port : port;
  console.log(`listening on http://127.0.0.1:${actual}`);
});
