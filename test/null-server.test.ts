/**
 * The null run's servers (bench/targets/null-targets.ts, null-server.ts) against the product's
 * own clients: each transport's subscriber gets every message, in order, with the sender's
 * sentAt — what the load clients count deliveries and latency by — and /metrics answers.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { createClient, type ChatClient } from '../clients/index.ts';
import { resolveBenchOptions } from '../bench/config/options.ts';
import { targetsOf } from '../bench/harness/run.ts';
import { isNullTarget, nullServer, nullTarget } from '../bench/targets/null-targets.ts';
import { spawnServer, type SpawnedServer } from '../bench/targets/spawn-server.ts';
import { TRANSPORTS, type ChatMessage } from '../protocol/types.ts';

const started: SpawnedServer[] = [];
const clients: ChatClient[] = [];
afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close().catch(() => {})));
  await Promise.all(started.splice(0).map((s) => s.stop()));
});

describe('--null-run', () => {
  it('adds a null-<transport> target per transport, and none without the flag', () => {
    const { options } = resolveBenchOptions({ scenario: 'smoke', transports: 'websocket,sse', 'null-run': true });
    expect(targetsOf(options).map((t) => t.target)).toEqual(['websocket', 'sse', 'null-websocket', 'null-sse']);
    expect(targetsOf(resolveBenchOptions({ scenario: 'smoke', transports: 'websocket' }).options).map((t) => t.target)).toEqual(['websocket']);
    expect(isNullTarget('null-sse')).toBe(true);
    expect(isNullTarget('baseline-ws')).toBe(false);
  });

  for (const transport of TRANSPORTS) {
    it(`null-${transport}: the product's ${transport} client receives every message with its sentAt`, async () => {
      const { options } = resolveBenchOptions({ 'hold-ms': '2000', 'poll-interval-ms': '100' });
      const server = await spawnServer(nullServer(nullTarget(transport), options));
      started.push(server);
      const sub = createClient(transport, { baseUrl: server.url, nick: 'sub', pollIntervalMs: 100 });
      const pub = createClient(transport, { baseUrl: server.url, nick: 'pub', pollIntervalMs: 100 });
      clients.push(sub, pub);
      const got: ChatMessage[] = [];
      sub.on('message', (m) => got.push(m));
      await sub.connect();
      await sub.join('lobby');
      await pub.connect();
      for (let i = 0; i < 3; i++) await pub.send('lobby', `hello ${i}`, 1000.5 + i);
      const deadline = Date.now() + 5000;
      while (got.length < 3 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
      expect(got.map((m) => [m.seq, m.text, m.sentAt])).toEqual([[1, 'hello 0', 1000.5], [2, 'hello 1', 1001.5], [3, 'hello 2', 1002.5]]);
      const metrics = await (await fetch(`${server.url}/metrics`)).text();
      expect(metrics).toContain(`pushlab_bytes_total{transport="${transport}",direction="out"}`);
    });
  }
});
