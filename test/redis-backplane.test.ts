/**
 * The Redis backplane on a real redis-server: the shared contract (two instances on one Redis),
 * then what only Redis has — outages, reconnects, catching up what pub/sub missed.
 */
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ProtocolError } from '../protocol/errors.ts';
import type { Backplane } from '../servers/core/backplane.ts';
import type { Envelope } from '../servers/core/envelope.ts';
import { RedisBackplane } from '../servers/core/redis-backplane.ts';
import { backplaneContract } from './backplane-contract.ts';
import { startRedis, type TestRedis } from './helpers/redis.ts';
import { until } from './helpers/until.ts';

backplaneContract('redis', async () => {
  const redis = await startRedis();
  const made: Backplane[] = [];
  return {
    async group(historySize) {
      const group = [new RedisBackplane({ url: redis.url, historySize }), new RedisBackplane({ url: redis.url, historySize })];
      made.push(...group);
      for (const bp of group) expect(await bp.waitUntilAvailable(5000)).toBe(true);
      return group;
    },
    async cleanup() {
      await Promise.all(made.map((bp) => bp.close()));
      await redis.stop();
    },
  };
});

describe('redis backplane: trouble', () => {
  let redis: TestRedis;
  const made: RedisBackplane[] = [];
  const make = async (): Promise<{ bp: RedisBackplane; got: Envelope[]; status: boolean[]; logged: string[] }> => {
    // The logger is injected: what the backplane reports lands here, not on the console.
    const logged: string[] = [];
    const logger = { log: (line: string) => logged.push(line), error: (line: string) => logged.push(line) };
    const bp = new RedisBackplane({ url: redis.url, historySize: 100, logger });
    made.push(bp);
    const got: Envelope[] = [];
    const status: boolean[] = [];
    bp.setListener((e) => got.push(e));
    bp.setStatusListener((up) => status.push(up));
    expect(await bp.waitUntilAvailable(5000)).toBe(true);
    return { bp, got, status, logged };
  };

  beforeAll(async () => {
    redis = await startRedis();
  });
  afterAll(async () => {
    await Promise.all(made.map((bp) => bp.close()));
    await redis.stop();
  });

  it('replays from history what pub/sub missed while its subscriber connection was down', async () => {
    const a = await make();
    const b = await make();
    await a.bp.subscribe('catchup');
    for (let i = 0; i < 3; i++) await b.bp.publish('catchup', { from: 'b', text: `before ${i}` });
    await until(() => a.got.length === 3, 'live messages');
    // Cut A's subscriber connection (as a network blip would) and publish while it is away.
    const admin = new Redis(redis.url);
    await admin.call('CLIENT', 'KILL', 'TYPE', 'pubsub');
    for (let i = 0; i < 20; i++) await b.bp.publish('catchup', { from: 'b', text: `during ${i}` });
    admin.disconnect();
    await until(() => a.got.length >= 23, 'catch-up after the reconnect');
    // A sentinel: once it is in, any duplicate of the catch-up would be too (per-room order).
    await b.bp.publish('catchup', { from: 'b', text: 'sentinel' });
    await until(() => a.got.at(-1)?.message.text === 'sentinel', 'the sentinel');
    expect(a.got.map((e) => e.seq)).toEqual(Array.from({ length: 24 }, (_, i) => i + 1));
  });

  it('fails fast with backplane_unavailable while Redis is down, reports down/up, and recovers on its own', async () => {
    const a = await make();
    const b = await make();
    await a.bp.subscribe('outage');
    await b.bp.publish('outage', { from: 'b', text: 'one' });
    await until(() => a.got.length === 1, 'first message');

    await redis.stop();
    await until(() => a.status.includes(false) && b.status.includes(false), 'both report down');
    const started = Date.now();
    const failure = await b.bp.publish('outage', { from: 'b', text: 'lost' }).then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(failure).toBeInstanceOf(ProtocolError);
    expect((failure as ProtocolError).code).toBe('backplane_unavailable');
    expect((failure as ProtocolError).status).toBe(503);
    expect(Date.now() - started).toBeLessThan(3000); // fails fast, no offline queue
    await expect(a.bp.history('outage', 0, 10)).rejects.toMatchObject({ code: 'backplane_unavailable' });
    await expect(a.bp.subscribe('elsewhere')).rejects.toMatchObject({ code: 'backplane_unavailable' });

    // A fresh, empty Redis: the instances reconnect, re-subscribe, and never reuse a seq.
    await redis.restart();
    await until(() => a.status.at(-1) === true && b.status.at(-1) === true, 'both report up again');
    const next = await b.bp.publish('outage', { from: 'b', text: 'two' });
    expect(next.seq).toBe(2);
    await until(() => a.got.length === 2, 'message after the restart');
    expect(a.got.map((e) => e.seq)).toEqual([1, 2]);
    expect(a.got[1]?.message.text).toBe('two');
    expect(a.logged.filter((line) => /backplane (connected|unavailable)/.test(line)).map((line) => line.split(';')[0])).toEqual([
      'pushlab: redis backplane connected',
      'pushlab: redis backplane unavailable',
      'pushlab: redis backplane connected',
    ]);
  });
});
