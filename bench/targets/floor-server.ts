/**
 * The floor's far end, run as its own process on the server's core: a raw TCP echo, a raw
 * `ws` echo (`/echo`) and a bare `node:http` answer (`GET /`). `GET /tcp-port` says where the
 * TCP echo listens. Run: `node --import tsx bench/targets/floor-server.ts --port 0`.
 */
import { createServer } from 'node:http';
import { createServer as createTcpServer } from 'node:net';
import { WebSocketServer } from 'ws';
import { argInt, exitOnSignal } from './baselines/metrics.ts';

const tcp = createTcpServer((socket) => {
  socket.setNoDelay(true);
  socket.on('data', (chunk) => socket.write(chunk));
  socket.on('error', () => {});
});

const server = createServer((req, res) => {
  const body = req.url === '/tcp-port' ? String((tcp.address() as { port: number }).port) : 'ok';
  res.writeHead(200, { 'content-type': 'text/plain', 'content-length': Buffer.byteLength(body) });
  res.end(body);
});
const wss = new WebSocketServer({ server, path: '/echo', perMessageDeflate: false });
wss.on('connection', (ws) => ws.on('message', (data, isBinary) => ws.send(data, { binary: isBinary })));

exitOnSignal(server, () => tcp.close());
tcp.listen(0, '127.0.0.1', () => {
  server.listen(argInt(process.argv, '--port', 0), '127.0.0.1', () => {
    console.log(`listening on http://127.0.0.1:${(server.address() as { port: number }).port}`);
  });
});
