/**
 * Server CPU per delivered message in a one-room fan-out, pushlab against the bare baselines,
 * alternated in one run (A B A B …) so a busy machine's noise hits both alike. A quick A/B
 * for server hot-path work; the bench (`pushlab bench --scenario fanout`) gives the figures
 * of record. CPU is the server process's utime + stime from /proc, from the first publish
 * until every message reached every client.
 *
 *   node --import tsx scripts/fanout-cpu.ts --transport websocket --clients 300 --rate 10 --seconds 10 --rounds 3
 *   … --transport long-polling …   --scrape 0 (no /metrics scrape; default 1 a second, as the bench)
 *   … --serve-args "--default-metrics"   extra `pushlab serve` flags
 *   … --rate 0 --only pushlab   idle clients: CPU per second of the scrape and process metrics alone
 *   … --cpu-prof DIR   write the pushlab server's V8 CPU profile to DIR (node --cpu-prof)
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';
import WebSocket from 'ws';
import { benchEnv, spawnServer, type SpawnedServer } from '../bench/targets/spawn-server.ts';

const { values } = parseArgs({
  options: {
    transport: { type: 'string', default: 'websocket' },
    clients: { type: 'string', default: '300' },
    rate: { type: 'string', default: '10' },
    seconds: { type: 'string', default: '10' },
    rounds: { type: 'string', default: '3' },
    scrape: { type: 'string', default: '1' },
    'serve-args': { type: 'string', default: '' },
    'cpu-prof': { type: 'string' },
    only: { type: 'string' },
  },
});
const transport = values.transport === 'long-polling' ? 'long-polling' : 'websocket';
const clients = Number(values.clients);
const rate = Number(values.rate);
const seconds = Number(values.seconds);
const scrapesPerSecond = Number(values.scrape);
const baselineScript = fileURLToPath(new URL(`../bench/targets/baselines/${transport === 'websocket' ? 'ws-broadcast' : 'long-poll'}.ts`, import.meta.url));
const TICKS = 100; // USER_HZ: /proc/<pid>/stat counts CPU in 1/100 s on Linux.

function cpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / TICKS;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
const agent = new Agent({ keepAlive: true, maxSockets: Infinity });

function httpJson(url: string, method: string, body?: unknown): Promise<{ status: number; json: unknown }> {
  return new Promise((resolve, reject) => {
    const data = body === undefined ? undefined : JSON.stringify(body);
    const req = request(url, { method, agent, headers: data === undefined ? {} : { 'content-type': 'application/json', 'content-length': Buffer.byteLength(data) } }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (text += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, json: text.startsWith('{') ? JSON.parse(text) : text }));
    });
    req.on('error', reject);
    req.end(data);
  });
}

interface Load {
  delivered: number;
  stop(): void;
}

async function wsLoad(url: string, room: string): Promise<Load> {
  const load = { delivered: 0, stop: () => {} };
  const sockets: WebSocket[] = [];
  const wsUrl = `${url.replace('http', 'ws')}/ws?nick=s&rooms=${room}`;
  for (let i = 0; i < clients; i++) {
    const ws = new WebSocket(wsUrl);
    ws.on('message', (data: Buffer) => {
      // `{"type":"message"` — counted without parsing: the load side stays cheap.
      if (data[9] === 0x6d) load.delivered++;
    });
    await new Promise((r) => ws.once('message', r));
    sockets.push(ws);
  }
  load.stop = () => sockets.forEach((ws) => ws.terminate());
  return load;
}

async function lpLoad(url: string, room: string): Promise<Load> {
  const load = { delivered: 0, stop: () => {} };
  let stopped = false;
  for (let i = 0; i < clients; i++) {
    const created = await httpJson(`${url}/lp/sessions`, 'POST', { nick: 's', rooms: [room] });
    const session = (created.json as { session: string }).session;
    const poll = (cursor: number): void => {
      if (stopped) return;
      httpJson(`${url}/lp/sessions/${session}/poll?cursor=${cursor}`, 'GET').then(({ json }) => {
        const answer = json as { messages: unknown[]; cursor: number };
        load.delivered += answer.messages.length;
        poll(answer.cursor);
      }, () => {});
    };
    poll(0);
  }
  load.stop = () => {
    stopped = true;
  };
  return load;
}

async function measure(name: string, server: SpawnedServer): Promise<number> {
  const room = 'fan';
  const load = transport === 'websocket' ? await wsLoad(server.url, room) : await lpLoad(server.url, room);
  const sender = transport === 'websocket' ? new WebSocket(`${server.url.replace('http', 'ws')}/ws?nick=p`) : undefined;
  if (sender !== undefined) await new Promise((r) => sender.once('open', r));
  const publish = (i: number): void => {
    const text = `m${i} ${'x'.repeat(90)}`;
    if (sender !== undefined) sender.send(JSON.stringify({ type: 'send', room, text, sentAt: Date.now(), ref: String(i) }));
    else httpJson(`${server.url}/rooms/${room}/messages`, 'POST', { from: 'p', text, sentAt: Date.now() }).catch(() => {});
  };
  let i = 0;
  // CPU from the first publish until every message reached every client (or 30 s more): no
  // window edge, so a load client that lags on a busy machine does not skew the count.
  await sleep(500);
  const cpu0 = cpuSeconds(server.pid);
  // --rate 0: idle clients only (what the /metrics scrape and the process metrics cost).
  const sendTimer = rate > 0 ? setInterval(() => publish(i++), 1000 / rate) : undefined;
  const scrapeTimer = scrapesPerSecond > 0 ? setInterval(() => void httpJson(`${server.url}/metrics`, 'GET').catch(() => {}), 1000 / scrapesPerSecond) : undefined;
  await sleep(seconds * 1000);
  if (sendTimer !== undefined) clearInterval(sendTimer);
  const sent = i;
  for (const until = Date.now() + 30_000; load.delivered < sent * clients && Date.now() < until; ) await sleep(50);
  const cpu = cpuSeconds(server.pid) - cpu0;
  const delivered = load.delivered;
  if (scrapeTimer !== undefined) clearInterval(scrapeTimer);
  load.stop();
  sender?.terminate();
  const us = (cpu * 1e6) / Math.max(1, delivered);
  console.log(`${name.padEnd(10)} cpu ${cpu.toFixed(2)} s (${((cpu / seconds) * 1000).toFixed(1)} ms/s while sending)  delivered ${delivered}  ${us.toFixed(2)} µs/delivery  (${sent} sent × ${clients} = ${sent * clients})`);
  return us;
}

/** `node --cpu-prof` is refused in NODE_OPTIONS, so a profiled server is started by hand. */
function profiledServer(dir: string): Promise<SpawnedServer> {
  const bin = fileURLToPath(new URL('../bin/pushlab.js', import.meta.url));
  const child = spawn(process.execPath, ['--cpu-prof', `--cpu-prof-dir=${dir}`, bin, 'serve', '--port', '0', ...pushlabArgs], { stdio: ['ignore', 'pipe', 'inherit'], env: benchEnv() });
  return new Promise((resolve) => {
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const m = /listening on (http:\/\/\S+:(\d+))/.exec(out);
      if (m === null || child.pid === undefined) return;
      child.stdout.removeAllListeners('data');
      child.stdout.resume();
      const exited = new Promise<number | string>((r) => child.once('exit', (code, signal) => r(code ?? signal ?? '')));
      resolve({ url: m[1] as string, port: Number(m[2]), pid: child.pid, child, stderr: () => '', stop: () => (child.kill('SIGTERM'), exited) });
    });
  });
}

const pushlabArgs = ['--transports', transport, '--no-demo', ...values['serve-args'].split(' ').filter((a) => a !== '')];
const results: Record<string, number[]> = { pushlab: [], baseline: [] };
for (let round = 0; round < Number(values.rounds); round++) {
  const order = round % 2 === 0 ? (['pushlab', 'baseline'] as const) : (['baseline', 'pushlab'] as const);
  for (const name of order) {
    if (values.only !== undefined && values.only !== name) continue;
    const profile = name === 'pushlab' ? values['cpu-prof'] : undefined;
    const server = profile !== undefined ? await profiledServer(profile) : await spawnServer(name === 'pushlab' ? { args: pushlabArgs, startTimeoutMs: 90_000 } : { script: baselineScript, args: ['--hold-ms', '20000'], startTimeoutMs: 90_000 });
    try {
      results[name]?.push(await measure(name, server));
    } finally {
      await server.stop();
      agent.destroy();
    }
  }
}
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;
const p = median(results.pushlab ?? []);
const b = median(results.baseline ?? []);
console.log(`${transport}: pushlab ${p.toFixed(2)} µs, baseline ${b.toFixed(2)} µs per delivery (medians) → ${(p / b).toFixed(2)}×`);
process.exit(0);
