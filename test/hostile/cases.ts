/**
 * The hostile-client resource cases (bounded memory and descriptors, health, nothing lost), each
 * on a fresh `pushlab serve` child with a watcher on every transport, RSS and open descriptors
 * read before and after. Shared by the suite
 * (test/hostile.test.ts, which asserts) and scripts/hostile-figures.ts (which prints the same
 * figures for any checkout, e.g. the original code).
 */
import type net from 'node:net';
import { bigHistoryReads, burst, fdsReturn, lingering, pingFlood, pipelinedHistory, replaySessions, roomFlood, stubbornShutdown } from './attacks.ts';
import { fdCount, healthMs, rssMb, sleep, startChild, type Child } from './probe.ts';
import { startWatch, type WatchReport } from './watch.ts';

export type Figures = Record<string, number | string | boolean | number[]>;

export interface CaseResult {
  name: string;
  rssBeforeMb: number;
  rssAfterMb: number;
  fdBefore: number;
  fdAfter: number;
  /** `GET /health` latency after the attack, ms (Infinity: no answer). */
  healthAfterMs: number;
  figures: Figures;
  /** Undefined when the case ends the server itself (shutdown). */
  watch: WatchReport | undefined;
}

export interface HostileCase {
  name: string;
  /** Extra `pushlab serve` flags (each older checkout understands these too). */
  args: string[];
  /** The attack; returns figures and the sockets to close once the "after" is read. */
  run(c: Child, fdBefore: number): Promise<{ figures: Figures; sockets?: net.Socket[]; ended?: boolean }>;
}

/** Seeding publishes from loopback in bulk: these cases raise the per-client publish limit. */
const SEEDING = ['--rate-limit', '100000'];

export const CASES: HostileCase[] = [
  {
    name: 'pipelined history reads never read (400 in one write)',
    args: SEEDING,
    async run(c) {
      const { socket } = await pipelinedHistory(c, 400);
      return { figures: { cut: socket.destroyed }, sockets: [socket] };
    },
  },
  {
    name: '20 non-reading sockets each reading a 1,000 × 16 KB room',
    args: SEEDING,
    async run(c) {
      const { sockets } = await bigHistoryReads(c, 20);
      return { figures: {}, sockets };
    },
  },
  {
    name: '1,000 sessions replaying 12 rooms of 200 messages',
    args: SEEDING,
    async run(c) {
      return { figures: await replaySessions(c, 1000, 200) };
    },
  },
  {
    name: '40 MB of pings whose pongs are never read',
    args: [],
    async run(c) {
      return { figures: await pingFlood(c, 40) };
    },
  },
  {
    name: '20 sessions naming 40,000 rooms each',
    args: [],
    async run(c) {
      const { statuses } = await roomFlood(c, 20, 40_000);
      return { figures: { statuses: [...new Set(statuses)] } };
    },
  },
  {
    name: '1,000 sockets left open after a 408',
    args: ['--headers-timeout-ms', '1000', '--request-timeout-ms', '1000'],
    async run(c, fdBefore) {
      const { sockets } = await lingering(c, '408', 1000);
      const fdPeak = fdCount(c.pid);
      // The 408 comes within ~1.5 s (timeout + check interval); then "within a few seconds".
      return { figures: { fdPeak, fdsBackAfterMs: await fdsReturn(c, fdBefore, 8000) }, sockets };
    },
  },
  {
    name: '1,000 sockets left open after a refused upgrade (403)',
    args: [],
    async run(c, fdBefore) {
      const { sockets } = await lingering(c, 'refused-upgrade', 1000);
      const fdPeak = fdCount(c.pid);
      return { figures: { fdPeak, fdsBackAfterMs: await fdsReturn(c, fdBefore, 8000) }, sockets };
    },
  },
  {
    name: 'SIGTERM with a deaf WebSocket, a trickling upload, a silent socket and a refused upgrade',
    args: ['--shutdown-timeout-ms', '2000'],
    async run(c) {
      const { exit, ms } = await stubbornShutdown(c);
      return { figures: { exit, ms }, ended: true };
    },
  },
  {
    name: 'one WebSocket bursts 1,000 sends into a room of 1,000 members',
    args: [],
    async run(c) {
      const { healthMs: ms, members } = await burst(c, 'websocket', 1000, 1000);
      return { figures: { healthDuringBurstMs: Math.round(ms) }, sockets: members };
    },
  },
  {
    name: '1,000 pipelined POSTs into a room of 1,000 members',
    args: SEEDING,
    async run(c) {
      const { healthMs: ms, members } = await burst(c, 'http', 1000, 1000);
      return { figures: { healthDuringBurstMs: Math.round(ms) }, sockets: members };
    },
  },
];

/** Run one case on a fresh child of `bin`; the child is gone when this resolves. */
export async function runCase(bin: string, hostile: HostileCase): Promise<CaseResult> {
  const c = await startChild(bin, hostile.args);
  try {
    const watch = await startWatch(c.url);
    await sleep(500);
    const rssBeforeMb = rssMb(c.pid);
    const fdBefore = fdCount(c.pid);
    const { figures, sockets = [], ended = false } = await hostile.run(c, fdBefore);
    if (ended) {
      await watch.finish(1000).catch(() => undefined);
      return { name: hostile.name, rssBeforeMb, rssAfterMb: Number.NaN, fdBefore, fdAfter: Number.NaN, healthAfterMs: Number.NaN, figures, watch: undefined };
    }
    const healthAfterMs = await healthMs(c.url);
    const rssAfterMb = rssMb(c.pid);
    const fdAfter = fdCount(c.pid);
    for (const socket of sockets) socket.destroy();
    const report = await watch.finish();
    return { name: hostile.name, rssBeforeMb, rssAfterMb, fdBefore, fdAfter, healthAfterMs, figures, watch: report };
  } finally {
    if (c.child.exitCode === null && c.child.signalCode === null) c.child.kill('SIGKILL');
    await c.exited;
  }
}
