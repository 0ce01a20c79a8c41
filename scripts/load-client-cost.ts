/**
 * The load side's own cost, measured apart from the bench: N subscribers of one room, all lean
 * (bench/harness/worker/lean-*.ts) or all the product's clients (as the workers made them
 * before), in this process; a pushlab server and a sender in a child process at R msg/s. Over
 * the window it reports this process's CPU (user + system, µs) per delivery and its
 * event-loop delay (p99 and max, ms) — the figures of the load worker alone, which a busy
 * machine disturbs far less than wall-clock figures. Usage:
 *
 *   node --import tsx scripts/load-client-cost.ts <transport> <lean|product> [clients=200] [rate=10] [seconds=10]
 *
 * `<transport>` may also be a Socket.IO peer, `socketio` or `socketio-polling`: then the child
 * starts the peer's server (bench/peers/socketio-server.ts) and sends through socket.io-client,
 * and the subscribers are the lean Socket.IO ones or socket.io-client itself. The peer's server
 * is a process of its own, so its CPU per delivery (/proc) is printed beside (serverUsPerDelivery,
 * loadToServer): the ratio, measured in CPU time.
 */
import { fork } from 'node:child_process';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { createClient } from '../clients/index.ts';
import type { Transport } from '../protocol/types.ts';
import { encodeMessageText } from '../bench/measure/accounting.ts';
import { clockMs } from '../bench/measure/clock.ts';
import { leanSubscriber } from '../bench/harness/worker/lean-clients.ts';
import { LeanPool } from '../bench/harness/worker/lean-http.ts';
import { trackedEventSource } from '../bench/harness/worker/tracked-event-source.ts';
import { trackedWebSocket } from '../bench/harness/worker/tracked-web-socket.ts';
import { decodeMessageText } from '../bench/measure/accounting.ts';
import { PEER_INFO, PEERS, type PeerName } from '../bench/peers/peers.ts';
import { SocketIoClient } from '../bench/peers/socketio-client.ts';
import { startPeerServer } from '../bench/peers/start.ts';
import { procStat } from '../bench/measure/procfs.ts';

const RUN = 'cost';

async function serverChild(rate: number, peer: PeerName | undefined): Promise<void> {
  let url: string;
  let serverPid: number | undefined;
  let sender: { send(room: string, text: string, sentAt?: number): Promise<unknown> };
  if (peer === undefined) {
    const { createPushlabServer } = await import('../servers/server.ts');
    const server = await createPushlabServer({ port: 0 });
    url = (await server.listen()).url;
    sender = createClient('long-polling', { baseUrl: url, nick: 'send0' });
  } else {
    const server = await startPeerServer(PEER_INFO[peer].target, undefined);
    // The parent ends this child with SIGTERM: take the peer server along.
    for (const signal of ['SIGTERM', 'SIGINT', 'disconnect'] as const) process.once(signal as 'SIGTERM', () => (server.child.kill('SIGKILL'), process.exit(0)));
    url = server.url;
    serverPid = server.pid;
    sender = new SocketIoClient({ baseUrl: url, nick: 'send0', peer });
  }
  process.send?.({ url, serverPid });
  let k = 0;
  process.on('message', () => {
    setInterval(() => void sender.send('lobby', encodeMessageText({ run: RUN, sender: 0, k: k++, pred: k - 2, lateUs: 0 }, 100), clockMs()), 1000 / rate);
  });
  process.on('disconnect', () => process.exit(0));
}

async function main(): Promise<void> {
  const [kind, mode, clientsArg, rateArg, secondsArg] = process.argv.slice(2) as [string, string, string?, string?, string?];
  const peer = (PEERS as readonly string[]).includes(kind) ? (kind as PeerName) : undefined;
  const transport = peer === undefined ? (kind as Transport) : PEER_INFO[peer].counterpart;
  if (process.env.LOAD_COST_CHILD === '1') return serverChild(Number(rateArg ?? 10), peer);
  const clients = Number(clientsArg ?? 200);
  const rate = Number(rateArg ?? 10);
  const seconds = Number(secondsArg ?? 10);
  const child = fork(fileURLToPath(import.meta.url), process.argv.slice(2), { execArgv: ['--import', 'tsx'], env: { ...process.env, LOAD_COST_CHILD: '1' } });
  const { url, serverPid } = await new Promise<{ url: string; serverPid?: number }>((resolve) => child.once('message', resolve));
  let delivered = 0;
  const pool = new LeanPool();
  const joins: Promise<unknown>[] = [];
  const stats: { stats: { requests: number; reconnects: number } }[] = [];
  for (let i = 0; i < clients; i++) {
    if (mode === 'lean') {
      const lean = leanSubscriber(transport, { baseUrl: url, nick: `sub${i}`, room: 'lobby', run: RUN, slot: i, pollIntervalMs: 2000, sink: { deliver: (_s, _t, m) => void (m.k >= 0 && delivered++) }, clock: clockMs }, pool, peer);
      joins.push(lean.start());
      stats.push(lean);
    } else {
      const c = peer !== undefined ? new SocketIoClient({ baseUrl: url, nick: `sub${i}`, peer }) : createClient(transport, { baseUrl: url, nick: `sub${i}`, pollIntervalMs: 2000, webSocket: trackedWebSocket, eventSource: trackedEventSource, clock: clockMs });
      // What the worker did per raw delivery before: decode the id from the text.
      c.on('raw', (d) => void (decodeMessageText(d.message.text) !== undefined && delivered++));
      joins.push(c.connect().then(() => c.join('lobby')));
      stats.push(c);
    }
  }
  await Promise.all(joins);
  child.send('go');
  await new Promise((r) => setTimeout(r, 2000));
  const eld = monitorEventLoopDelay({ resolution: 10 });
  eld.enable();
  const cpu0 = process.cpuUsage();
  const server0 = serverPid === undefined ? undefined : procStat(serverPid)?.cpuSeconds;
  const d0 = delivered;
  await new Promise((r) => setTimeout(r, seconds * 1000));
  const cpu = process.cpuUsage(cpu0);
  const server1 = serverPid === undefined ? undefined : procStat(serverPid)?.cpuSeconds;
  eld.disable();
  const n = delivered - d0;
  const requests = stats.reduce((sum, c) => sum + c.stats.requests, 0);
  const reconnects = stats.reduce((sum, c) => sum + c.stats.reconnects, 0);
  const us = cpu.user + cpu.system;
  const serverUs = server0 === undefined || server1 === undefined ? undefined : (server1 - server0) * 1e6;
  const server = serverUs === undefined ? {} : { serverUsPerDelivery: Math.round((serverUs / Math.max(1, n)) * 10) / 10, loadToServer: Math.round((us / serverUs) * 100) / 100 };
  console.log(JSON.stringify({ transport: kind, mode, clients, rate, seconds, deliveries: n, cpuMs: Math.round(us / 1000), usPerDelivery: Math.round((us / Math.max(1, n)) * 10) / 10, cpuPercent: Math.round(us / 1e4 / seconds), eldP99Ms: Math.round((eld.percentile(99) / 1e6 - 10) * 10) / 10, eldMaxMs: Math.round((eld.max / 1e6 - 10) * 10) / 10, requests, reconnects, systemShare: Math.round((cpu.system / Math.max(1, us)) * 100) / 100, ...server }));
  child.kill();
  process.exit(0);
}

void main();
