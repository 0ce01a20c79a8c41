/**
 * The floor: the machine's own loopback round trip, measured in the same run with the same
 * clock and histograms as the transports — a raw TCP echo, a raw `ws` echo and a bare
 * `node:http` request, server on the server's core, client here (on the load core). No chat
 * transport can beat its floor; each transport's latency is also reported as a multiple of it.
 */
import http from 'node:http';
import { connect } from 'node:net';
import { fileURLToPath } from 'node:url';
import WebSocket from 'ws';
import { clockMs } from '../measure/clock.ts';
import { createHistogram, encodeHistogram, recordMs, summarize, type Histogram } from '../../results/histogram.ts';
import type { FloorResult } from '../../results/types.ts';
import { spawnServer } from './spawn-server.ts';
import type { PathSpec } from '../delay/link.ts';
import { spawnDelayProxy, type SpawnedProxy } from '../delay/spawn-proxy.ts';

const SCRIPT = fileURLToPath(new URL('./floor-server.ts', import.meta.url));
/** Sequential round trips per floor, after WARMUP unrecorded ones. 64-byte payloads. */
const SAMPLES = 2000;
const WARMUP = 200;
const PAYLOAD = 'x'.repeat(64);

/** Across an emulated path round trips are slow: about 5 s per floor, at least 50 samples. */
function sampleCount(path: PathSpec | undefined): { samples: number; warmup: number } {
  if (path === undefined || path.rttMs <= 0) return { samples: SAMPLES, warmup: WARMUP };
  return { samples: Math.max(50, Math.min(SAMPLES, Math.round(5000 / path.rttMs))), warmup: 5 };
}

async function measure(roundTrip: () => Promise<void>, count: { samples: number; warmup: number }): Promise<Histogram> {
  const histogram = createHistogram();
  for (let i = 0; i < count.warmup; i++) await roundTrip();
  for (let i = 0; i < count.samples; i++) {
    const start = clockMs();
    await roundTrip();
    recordMs(histogram, clockMs() - start);
  }
  return histogram;
}

function result(name: FloorResult['name'], histogram: Histogram): FloorResult {
  return { name, latencyMs: summarize(histogram), histogram: encodeHistogram(histogram), samples: histogram.totalCount };
}

function get(agent: http.Agent, url: string): Promise<string> {
  return new Promise((resolve, reject) => {
    http.get(url, { agent }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (text += c));
      res.on('end', () => resolve(text));
      res.on('error', reject);
    }).on('error', reject);
  });
}

/**
 * `path`: measure across the emulated path (bench/delay/) — the same proxy the load clients
 * cross, started on `loadCpus` — so the floors calibrate it (bench/delay/path.ts).
 */
export async function measureFloors(cpus: string | undefined, path?: PathSpec, loadCpus?: string): Promise<FloorResult[]> {
  const server = await spawnServer({ script: SCRIPT, cpus });
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  let proxy: SpawnedProxy | undefined;
  const count = sampleCount(path);
  try {
    const floors: FloorResult[] = [];
    const directTcpPort = Number(await get(agent, `${server.url}/tcp-port`));
    if (path !== undefined) proxy = await spawnDelayProxy([server.url, `http://127.0.0.1:${directTcpPort}`], path, loadCpus);
    const baseUrl = proxy?.urls[0] ?? server.url;
    const tcpPort = proxy === undefined ? directTcpPort : Number(new URL(proxy.urls[1] as string).port);

    const socket = connect(tcpPort, '127.0.0.1');
    socket.setNoDelay(true);
    await new Promise<void>((resolve, reject) => socket.once('connect', resolve).once('error', reject));
    let pending: (() => void) | undefined;
    let received = 0;
    socket.on('data', (chunk: Buffer) => {
      received += chunk.length;
      if (received >= PAYLOAD.length) {
        received -= PAYLOAD.length;
        pending?.();
      }
    });
    floors.push(result('tcp-echo', await measure(() => new Promise<void>((resolve) => {
      pending = resolve;
      socket.write(PAYLOAD);
    }), count)));
    socket.destroy();

    const ws = new WebSocket(`${baseUrl.replace(/^http/, 'ws')}/echo`, { perMessageDeflate: false });
    await new Promise<void>((resolve, reject) => ws.once('open', resolve).once('error', reject));
    let wsPending: (() => void) | undefined;
    ws.on('message', () => wsPending?.());
    floors.push(result('ws-echo', await measure(() => new Promise<void>((resolve) => {
      wsPending = resolve;
      ws.send(PAYLOAD);
    }), count)));
    ws.terminate();

    floors.push(result('http-request', await measure(async () => {
      await get(agent, `${baseUrl}/`);
    }, count)));
    return floors;
  } finally {
    agent.destroy();
    await proxy?.stop();
    await server.stop();
  }
}
