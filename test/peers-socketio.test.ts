/**
 * The Socket.IO peer: its real server script (a child process on port 0, as the bench starts
 * it) and the bench's `socket.io-client` ChatClient, on each of the two engine transports —
 * the lab's message JSON with a seq per room, acks, rooms kept apart, one transport only, and
 * the /metrics the sampler reads (requests per polling exchange, bytes, heap).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChatMessage } from '../protocol/types.ts';
import { PEERS, type PeerName, PEER_INFO } from '../bench/peers/peers.ts';
import { SocketIoClient } from '../bench/peers/socketio-client.ts';
import { startPeerServer } from '../bench/peers/start.ts';
import { parsePrometheus, snapshotFrom } from '../bench/measure/prometheus.ts';
import { scrape } from '../bench/measure/scrape.ts';
import type { SpawnedServer } from '../bench/targets/spawn-server.ts';
import { until } from './helpers/until.ts';

describe.each(PEERS.map((p) => [p]))('Socket.IO peer: %s', (peer: PeerName) => {
  let server: SpawnedServer;
  const clients: SocketIoClient[] = [];
  const client = (nick: string): SocketIoClient => {
    const c = new SocketIoClient({ baseUrl: server.url, nick, peer });
    clients.push(c);
    return c;
  };

  beforeAll(async () => {
    server = await startPeerServer(PEER_INFO[peer].target, undefined);
  }, 20_000);

  afterAll(async () => {
    await Promise.all(clients.map((c) => c.close()));
    await server?.stop();
  });

  it('delivers the lab message JSON to every member of the room, sender included, with a seq per room and an ack', async () => {
    const alice = client('alice');
    const bob = client('bob');
    const carol = client('carol');
    const got = new Map<string, ChatMessage[]>([['alice', []], ['bob', []], ['carol', []]]);
    for (const c of [alice, bob, carol]) c.on('message', (m) => got.get(c.nick)?.push(m));
    expect(await alice.join('lobby')).toBe(0);
    await bob.join('lobby');
    await carol.join('dev');
    expect(alice.transport).toBe(PEER_INFO[peer].counterpart);

    const ack1 = await alice.send('lobby', 'one', 1732270000120.5);
    const ack2 = await bob.send('lobby', 'two');
    const ack3 = await carol.send('dev', 'elsewhere');
    expect([ack1, ack2, ack3]).toEqual([{ room: 'lobby', seq: 1 }, { room: 'lobby', seq: 2 }, { room: 'dev', seq: 1 }]);
    await until(() => (got.get('alice')?.length ?? 0) === 2 && (got.get('bob')?.length ?? 0) === 2 && (got.get('carol')?.length ?? 0) === 1, 'every peer message', 5000);

    const first = got.get('bob')?.[0] as ChatMessage;
    expect(Object.keys(first).sort()).toEqual(['from', 'id', 'room', 'sentAt', 'seq', 'text', 'ts']);
    expect(first).toMatchObject({ room: 'lobby', seq: 1, from: 'alice', text: 'one', sentAt: 1732270000120.5 });
    expect(typeof first.id).toBe('string');
    expect(Math.abs(first.ts - Date.now())).toBeLessThan(10_000);
    expect(got.get('alice')?.[1]).not.toHaveProperty('sentAt');
    expect(got.get('alice')?.map((m) => m.seq)).toEqual([1, 2]);
    expect(got.get('carol')?.map((m) => `${m.room}:${m.seq}`)).toEqual(['dev:1']);
    // A later joiner learns the room's newest seq from the join's ack.
    expect(await client('dave').join('lobby')).toBe(2);
  });

  it('refuses bad input with an error ack, and the connection goes on', async () => {
    const c = client('erin');
    await c.join('lobby');
    await expect(c.send('lobby', '')).rejects.toThrow(/invalid_message/);
    await expect(c.send('', 'x')).rejects.toThrow(/invalid_room/);
    expect((await c.send('lobby', 'still here')).seq).toBeGreaterThan(0);
  });

  it('serves its one transport only, and counts requests and bytes for the sampler', async () => {
    const c = client('frank');
    await c.join('metrics-room');
    await c.send('metrics-room', 'counted');
    const other = PEER_INFO[peer].engineTransport === 'polling' ? 'websocket' : 'polling';
    const res = await fetch(`${server.url}/socket.io/?EIO=4&transport=${other}`);
    expect(res.status).toBe(400);

    const snap = snapshotFrom(parsePrometheus(await scrape(server.url)));
    expect(snap.bytesIn).toBeGreaterThan(0);
    expect(snap.bytesOut).toBeGreaterThan(0);
    expect(snap.heapUsedBytes).toBeGreaterThan(0);
    const stats = c.stats;
    expect(stats.bytesSent).toBeGreaterThan(0);
    expect(stats.bytesReceived).toBeGreaterThan(0);
    if (PEER_INFO[peer].engineTransport === 'polling') {
      // Handshake GET, then the CONNECT POST, polls, the join and send POSTs: all HTTP.
      expect(stats.requests).toBeGreaterThanOrEqual(4);
      expect(snap.requests).toBeGreaterThanOrEqual(stats.requests - 1);
    } else {
      // One upgrade; everything after it is frames. The refused polling GET is the one HTTP request.
      expect(stats.requests).toBe(1);
      expect(snap.requests).toBe(1);
    }
  });
});
