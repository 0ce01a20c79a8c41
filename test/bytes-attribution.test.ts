/**
 * Every transport pays for what it sends: a polling client's publishes (the shared
 * `POST /rooms/:room/messages`) are metered under its own transport, and what the clients
 * count on their side agrees with the server's socket counts within a few percent.
 */
import { describe, expect, it } from 'vitest';
import { createClient } from '../clients/index.ts';
import type { Transport } from '../protocol/types.ts';
import { TRANSPORT_HEADER } from '../protocol/defaults.ts';
import { publisherTransport } from '../servers/metrics.ts';
import { http, serversPerTest } from './helpers/server.ts';

const server = serversPerTest();

async function metric(server: { server: { metrics: { registry: { getSingleMetricAsString(name: string): Promise<string> } } } }, name: string, labels: Record<string, string>): Promise<number> {
  const text = await server.server.metrics.registry.getSingleMetricAsString(name);
  let total = 0;
  for (const line of text.split('\n')) {
    const m = /^([a-z_]+)\{([^}]*)\} (\S+)$/.exec(line);
    if (m === null || m[1] !== name) continue;
    const have = Object.fromEntries([...(m[2] ?? '').matchAll(/(\w+)="([^"]*)"/g)].map((x) => [x[1], x[2]]));
    if (Object.entries(labels).every(([k, v]) => have[k] === v)) total += Number(m[3]);
  }
  return total;
}

describe('publishes are metered under their client\'s transport', () => {
  for (const transport of ['short-polling', 'long-polling', 'sse'] as const satisfies readonly Transport[]) {
    it(`${transport}: 30 publishes of 100-byte texts — requests and bytes under ${transport}, client and server within 3%`, async () => {
      const s = await server();
      // A bench sender: it only publishes (no connection held), as the bench's polling senders do.
      const client = createClient(transport, { baseUrl: s.url, nick: 'sender' });
      for (let i = 0; i < 30; i++) await client.send('lobby', 'x'.repeat(100), Date.now());
      const requests = await metric(s, 'pushlab_http_requests_total', { transport, route: '/rooms/:room/messages', status: '201' });
      expect(requests).toBe(30);
      expect(await metric(s, 'pushlab_http_requests_total', { transport: 'http', route: '/rooms/:room/messages' })).toBe(0);
      const serverIn = await metric(s, 'pushlab_bytes_total', { transport, direction: 'in' });
      const serverOut = await metric(s, 'pushlab_bytes_total', { transport, direction: 'out' });
      const { bytesSent, bytesReceived, requests: clientRequests } = client.stats;
      expect(clientRequests).toBe(30);
      // 30 bodies of > 100 bytes each, headers on top: the publishes are paid for.
      expect(serverIn).toBeGreaterThan(30 * 100);
      expect(Math.abs(serverIn - bytesSent) / bytesSent).toBeLessThan(0.03);
      expect(Math.abs(serverOut - bytesReceived) / bytesReceived).toBeLessThan(0.03);
      await client.close();
    });
  }

  it('a publish without the header, or naming something else, stays plain http', async () => {
    const s = await server();
    const body = JSON.stringify({ from: 'curl', text: 'hi' });
    const headers = { 'content-type': 'application/json' };
    expect((await http(`${s.url}/rooms/lobby/messages`, { method: 'POST', body, headers })).status).toBe(201);
    expect((await http(`${s.url}/rooms/lobby/messages`, { method: 'POST', body, headers: { ...headers, [TRANSPORT_HEADER]: 'carrier-pigeon' } })).status).toBe(201);
    expect(await metric(s, 'pushlab_http_requests_total', { transport: 'http', route: '/rooms/:room/messages', status: '201' })).toBe(2);
    expect(publisherTransport('websocket')).toBe('http');
    expect(publisherTransport(['short-polling'])).toBe('http');
    expect(publisherTransport('long-polling')).toBe('long-polling');
  });
});
