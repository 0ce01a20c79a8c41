/** /health and /metrics: the names the protocol promises, and counts that follow the traffic. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectClient, http, startServer, type TestServer } from './helpers/server.ts';
import { until } from './helpers/until.ts';

let t: TestServer;
beforeAll(async () => {
  t = await startServer({ holdMs: 5000 });
});
afterAll(async () => {
  await t.close();
});

function sample(text: string, name: string, labels: Record<string, string> = {}): number {
  let total = 0;
  for (const line of text.split('\n')) {
    if (!line.startsWith(name)) continue;
    const m = /^([a-z_]+)(?:\{([^}]*)\})? (\S+)$/.exec(line);
    if (m === null || m[1] !== name) continue;
    const have = Object.fromEntries([...(m[2] ?? '').matchAll(/(\w+)="([^"]*)"/g)].map((x) => [x[1], x[2]]));
    if (Object.entries(labels).every(([k, v]) => have[k] === v)) total += Number(m[3]);
  }
  return total;
}

describe('operations', () => {
  it('GET /health answers ok', async () => {
    const answer = await http(`${t.url}/health`);
    expect(answer.status).toBe(200);
    expect(answer.json).toEqual({ status: 'ok' });
  });

  it('GET /metrics exposes every metric the protocol names, in Prometheus text format', async () => {
    const answer = await http(`${t.url}/metrics`);
    expect(answer.status).toBe(200);
    expect(answer.headers.get('content-type')).toMatch(/^text\/plain/);
    for (const name of [
      'pushlab_http_requests_total',
      'pushlab_open_connections',
      'pushlab_held_polls',
      'pushlab_lp_sessions',
      'pushlab_messages_published_total',
      'pushlab_messages_delivered_total',
      'pushlab_bytes_total',
      'process_cpu_seconds_total',
      'process_resident_memory_bytes',
      'nodejs_eventloop_lag_p99_seconds',
    ]) {
      expect(answer.text).toContain(`# TYPE ${name} `);
    }
  });

  it('counts published and delivered messages per transport, held polls, sessions and socket bytes', async () => {
    const clients = await Promise.all((['short-polling', 'long-polling', 'websocket'] as const).map((tr) => connectClient(tr, t.url, tr, ['m'])));
    await until(() => t.server.held.size === 1, 'the long poll to be held');
    const before = (await http(`${t.url}/metrics`)).text;
    expect(sample(before, 'pushlab_held_polls')).toBe(1);
    expect(sample(before, 'pushlab_lp_sessions')).toBe(1);
    expect(sample(before, 'pushlab_open_connections', { transport: 'websocket' })).toBe(1);
    for (let i = 0; i < 5; i++) await clients[2]?.client.send('m', `x${i}`);
    await until(() => clients.every((c) => c.messages.length === 5), 'every client to get the five messages');
    const after = (await http(`${t.url}/metrics`)).text;
    expect(sample(after, 'pushlab_messages_published_total') - sample(before, 'pushlab_messages_published_total')).toBe(5);
    for (const transport of ['long-polling', 'websocket']) {
      expect(sample(after, 'pushlab_messages_delivered_total', { transport }) - sample(before, 'pushlab_messages_delivered_total', { transport })).toBe(5);
    }
    expect(sample(after, 'pushlab_messages_delivered_total', { transport: 'short-polling' })).toBeGreaterThanOrEqual(5);
    // WebSocket frames are counted on the socket: 5 messages out (plus acks), 5 sends in.
    expect(sample(after, 'pushlab_bytes_total', { transport: 'websocket', direction: 'out' })).toBeGreaterThan(5 * 100);
    expect(sample(after, 'pushlab_bytes_total', { transport: 'websocket', direction: 'in' })).toBeGreaterThan(5 * 40);
    expect(sample(after, 'pushlab_bytes_total', { transport: 'long-polling', direction: 'in' })).toBeGreaterThan(0);
    expect(sample(after, 'pushlab_http_requests_total', { transport: 'short-polling', status: '200' })).toBeGreaterThan(0);
    for (const c of clients) await c.client.close();
  });
});
