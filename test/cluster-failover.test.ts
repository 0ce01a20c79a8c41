/**
 * The cluster as the bench runs it (bench/targets/cluster.ts): a redis-server, two `pushlab serve`
 * processes and nginx in front, all real child processes. One instance is killed with SIGKILL
 * while publishing goes on through the other: every client reconnects (through nginx, to the
 * survivor) and resumes with nothing lost.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCluster, type Cluster } from '../bench/targets/cluster.ts';
import { TRANSPORTS, type ChatMessage } from '../protocol/types.ts';
import { connectClient, http, type Recorded } from './helpers/server.ts';
import { until } from './helpers/until.ts';

let cluster: Cluster;
const clients: Recorded[] = [];

beforeAll(async () => {
  cluster = await startCluster({ instances: 2, transports: [...TRANSPORTS], serverArgs: ['--hold-ms', '3000', '--no-demo'] });
}, 60_000);

afterAll(async () => {
  await Promise.all(clients.map((c) => c.client.close()));
  await cluster?.stop();
});

/** Seqs a client got for a room, in arrival order. */
function seqs(recorded: Recorded, room: string): number[] {
  return recorded.messages.filter((m) => m.room === room).map((m) => m.seq);
}

describe('a cluster behind nginx', () => {
  it('runs redis, two instances and nginx as child processes', async () => {
    expect(cluster.instanceUrls).toHaveLength(2);
    expect(cluster.pids).toHaveLength(4);
    for (const url of [cluster.url, ...cluster.instanceUrls]) expect((await http(`${url}/health`)).status).toBe(200);
  });

  it('loses nothing when an instance is killed with SIGKILL while publishing continues on the other', async () => {
    const room = 'failover';
    // Through nginx, round robin: each transport's clients land on both instances.
    for (const transport of TRANSPORTS) {
      for (let i = 0; i < 3; i++) clients.push(await connectClient(transport, cluster.url, `${transport}-${i}`, [room]));
    }
    const [victim, survivor] = cluster.instances;
    if (victim === undefined || survivor === undefined) throw new Error('two instances expected');

    // A publisher on the survivor, one message every 10 ms, until told to stop.
    const acked: number[] = [];
    let publishing = true;
    const publisher = (async () => {
      for (let i = 0; publishing; i++) {
        const answer = await http(`${survivor.url}/rooms/${room}/messages`, {
          method: 'POST',
          body: JSON.stringify({ from: 'publisher', text: `m${i}` }),
          headers: { 'content-type': 'application/json' },
        });
        expect(answer.status).toBe(201);
        acked.push((answer.json as { seq: number }).seq);
        await new Promise((r) => setTimeout(r, 10));
      }
    })();

    await until(() => acked.length >= 30, 'publishing under way');
    process.kill(victim.pid, 'SIGKILL');
    await until(() => victim.child.exitCode !== null || victim.child.signalCode !== null, 'the instance to die');
    await until(() => acked.length >= 80, 'more publishing after the kill', 15_000);
    publishing = false;
    await publisher;

    const last = Math.max(...acked);
    expect(acked).toEqual(Array.from({ length: last }, (_, i) => i + 1));
    await until(() => clients.every((c) => (c.client.lastSeq.get(room) ?? 0) >= last), 'every client to catch up', 25_000);
    const expected = Array.from({ length: last }, (_, i) => i + 1);
    const reference = new Map<number, string>();
    for (const c of clients) {
      // Contiguous, each once, in order; identical everywhere.
      expect(seqs(c, room), `${c.client.nick}`).toEqual(expected);
      for (const m of c.messages as ChatMessage[]) {
        const json = JSON.stringify(m);
        const seen = reference.get(m.seq);
        if (seen === undefined) reference.set(m.seq, json);
        else expect(json).toBe(seen);
      }
    }
    // Clients that were on the dead instance did reconnect (WebSockets and long-poll sessions
    // live on one instance; short polling has nothing to lose).
    const reconnected = clients.filter((c) => c.client.transport !== 'short-polling' && c.client.stats.reconnects > 0);
    expect(reconnected.length).toBeGreaterThan(0);
  }, 60_000);
});
