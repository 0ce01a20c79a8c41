/**
 * Held polls (servers/long-polling/held-polls.ts) end on one shared timer: each hold ends at
 * its own time, in order; a shorter hold begun after a longer one still ends at its own time
 * (the out-of-order path); a publish wakes a held poll, and with nothing held no timer is left.
 * A real node:http server on port 0 holds real requests; the hold is named per request here.
 */
import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { ChatCore } from '../servers/core/chat-core.ts';
import { LpSessions, type LpSession } from '../servers/core/lp-sessions.ts';
import { MemoryBackplane } from '../servers/core/memory-backplane.ts';
import { HeldPolls } from '../servers/long-polling/held-polls.ts';
import { ServerMetrics } from '../servers/metrics.ts';

interface Rig {
  core: ChatCore;
  sessions: LpSessions;
  held: HeldPolls;
  url: string;
  byId: Map<string, LpSession>;
}

const open: { http: Server; sessions: LpSessions }[] = [];
afterEach(async () => {
  for (const { http, sessions } of open.splice(0)) {
    sessions.endAll();
    http.closeAllConnections();
    await new Promise((r) => http.close(r));
  }
});

async function rig(): Promise<Rig> {
  const core = new ChatCore(new MemoryBackplane());
  const sessions = new LpSessions(core, { maxQueueBytes: 1 << 20, sessionTtlMs: 60_000, maxSessions: 100 });
  const held = new HeldPolls(sessions, new ServerMetrics({ heldPolls: () => held.size, sessions: () => sessions.size }));
  const byId = new Map<string, LpSession>();
  // GET /<session id>?hold=<ms>: hold that session's poll for that long.
  const http = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    const session = byId.get(url.pathname.slice(1)) as LpSession;
    held.poll(session, res, 0, Number(url.searchParams.get('hold')), false);
  });
  await new Promise<void>((r) => http.listen(0, '127.0.0.1', r));
  open.push({ http, sessions });
  return { core, sessions, held, url: `http://127.0.0.1:${(http.address() as AddressInfo).port}`, byId };
}

async function session(r: Rig, nick: string): Promise<LpSession> {
  const s = await r.sessions.create(nick, ['lobby'], undefined);
  r.byId.set(s.id, s);
  return s;
}

/** Resolves with how long the poll was held, ms, and its body. */
function poll(r: Rig, s: LpSession, holdMs: number): Promise<{ ms: number; body: string }> {
  const start = performance.now();
  return new Promise((resolve, reject) => {
    request(`${r.url}/${s.id}?hold=${holdMs}`, (res) => {
      let body = '';
      res.on('data', (c: Buffer) => (body += c.toString()));
      res.on('end', () => resolve({ ms: performance.now() - start, body }));
    })
      .on('error', reject)
      .end();
  });
}

const timeouts = (): number => process.getActiveResourcesInfo().filter((t) => t === 'Timeout').length;

describe('held polls on one timer', () => {
  it('ends each hold at its own time, in order', async () => {
    const r = await rig();
    const a = await session(r, 'a');
    const b = await session(r, 'b');
    const c = await session(r, 'c');
    const pa = poll(r, a, 200);
    await new Promise((res) => setTimeout(res, 50));
    const pb = poll(r, b, 200);
    const pc = poll(r, c, 200);
    const [ra, rb, rc] = await Promise.all([pa, pb, pc]);
    for (const x of [ra, rb, rc]) {
      expect(x.body).toBe('{"messages":[],"cursor":0}');
      expect(x.ms).toBeGreaterThanOrEqual(190);
    }
    expect(r.held.size).toBe(0);
  });

  it('ends a shorter hold begun after a longer one at its own time, not after the longer', async () => {
    const r = await rig();
    const long = await session(r, 'long');
    const short = await session(r, 'short');
    const pl = poll(r, long, 3000);
    await new Promise((res) => setTimeout(res, 30));
    const ps = await poll(r, short, 150);
    expect(ps.ms).toBeGreaterThanOrEqual(140);
    // Well before the long hold ends (how early is the bench's business: this is only the order).
    expect(ps.ms).toBeLessThan(2500);
    expect(r.held.size).toBe(1);
    const pl2 = await pl;
    expect(pl2.ms).toBeGreaterThanOrEqual(2900);
  });

  it('answers a held poll as soon as its session has something queued, leaving no timer behind', async () => {
    const r = await rig();
    const s = await session(r, 'w');
    const before = timeouts();
    const p = poll(r, s, 5000);
    const deadline = Date.now() + 5000;
    while (r.held.size === 0 && Date.now() < deadline) await new Promise((res) => setTimeout(res, 5));
    await r.core.publish('lobby', { from: 'p', text: 'wake' });
    const answer = await p;
    expect(answer.ms).toBeLessThan(4000);
    expect(JSON.parse(answer.body).messages.map((m: { text: string }) => m.text)).toEqual(['wake']);
    // The hold ended early and nothing else is held: its timer must not keep the process up.
    expect(r.held.size).toBe(0);
    expect(timeouts()).toBeLessThanOrEqual(before);
  });
});
