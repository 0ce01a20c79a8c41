/**
 * A watcher on every transport: one pushlab client per transport in a room of its own, and a
 * publisher posting to it every `everyMs` while an attack runs. `finish` stops publishing and
 * waits for every watcher to hold every published seq exactly once; anything missing is lost.
 */
import { createClient, type ChatClient } from '../../clients/index.ts';
import { TRANSPORTS, type Transport } from '../../protocol/types.ts';
import { postJson, sleep } from './probe.ts';

export interface WatchReport {
  published: number;
  /** transport → seqs published but never received. */
  lost: Partial<Record<Transport, number>>;
  /** transport → messages received more than once. */
  duplicated: Partial<Record<Transport, number>>;
  /** Publishes the server refused or failed (never 5xx expected; 429 retried). */
  failedPublishes: string[];
}

export interface Watch {
  finish(timeoutMs?: number): Promise<WatchReport>;
}

export async function startWatch(url: string, options: { room?: string; everyMs?: number; token?: string } = {}): Promise<Watch> {
  const room = options.room ?? 'watch';
  const everyMs = options.everyMs ?? 100;
  const token = options.token;
  const seen = new Map<Transport, number[]>();
  const clients: ChatClient[] = [];
  for (const transport of TRANSPORTS) {
    const client = createClient(transport, { baseUrl: url, nick: `watch-${transport}`.slice(0, 32), pollIntervalMs: 200, backoffMinMs: 50, backoffMaxMs: 500, ...(token === undefined ? {} : { token }) });
    const seqs: number[] = [];
    seen.set(transport, seqs);
    client.on('message', (m) => {
      if (m.room === room) seqs.push(m.seq);
    });
    client.on('error', () => {});
    await client.connect();
    await client.join(room);
    clients.push(client);
  }
  const published: number[] = [];
  const failedPublishes: string[] = [];
  let running = true;
  const loop = (async () => {
    for (let i = 0; running; i++) {
      try {
        const { status, json } = await postJson(`${url}/rooms/${room}/messages`, { from: 'watch', text: `w${i}` }, token);
        if (status === 201) published.push((json as { seq: number }).seq);
        else failedPublishes.push(String(status));
      } catch (error) {
        failedPublishes.push((error as Error).message);
      }
      await sleep(everyMs);
    }
  })();
  return {
    async finish(timeoutMs = 15_000) {
      running = false;
      await loop;
      const deadline = Date.now() + timeoutMs;
      const complete = (): boolean => [...seen.values()].every((seqs) => published.every((seq) => seqs.includes(seq)));
      while (!complete() && Date.now() < deadline) await sleep(100);
      const lost: WatchReport['lost'] = {};
      const duplicated: WatchReport['duplicated'] = {};
      for (const [transport, seqs] of seen) {
        const got = new Set(seqs);
        const missing = published.filter((seq) => !got.has(seq)).length;
        if (missing > 0) lost[transport] = missing;
        if (seqs.length > got.size) duplicated[transport] = seqs.length - got.size;
      }
      await Promise.all(clients.map((c) => c.close()));
      return { published: published.length, lost, duplicated, failedPublishes };
    },
  };
}
