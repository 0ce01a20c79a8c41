/**
 * Heap per connection after a forced GC (bench/targets/gc-heap.ts, gc-hook.js): real servers
 * started as the bench starts them (taskset, --expose-gc, the hook, an IPC channel), real clients.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { fileURLToPath } from 'node:url';
import WebSocket from 'ws';
import { heapAfterGc, heapPerConnectionAfterGc } from '../bench/targets/gc-heap.ts';
import { spawnServer, type SpawnedServer } from '../bench/targets/spawn-server.ts';

const WS_BASELINE = fileURLToPath(new URL('../bench/targets/baselines/ws-broadcast.ts', import.meta.url));
const started: SpawnedServer[] = [];
const sockets: WebSocket[] = [];
afterEach(async () => {
  for (const s of sockets.splice(0)) s.terminate();
  await Promise.all(started.splice(0).map((s) => s.stop()));
});

describe('heapPerConnectionAfterGc', () => {
  it('divides the growth by the connections, and gives nothing without both samples', () => {
    expect(heapPerConnectionAfterGc(1_000_000, 1_560_000, 200)).toBe(2800);
    expect(heapPerConnectionAfterGc(1_000_000, 900_000, 10)).toBe(0);
    expect(heapPerConnectionAfterGc(undefined, 1, 10)).toBeUndefined();
    expect(heapPerConnectionAfterGc(1, 2, 0)).toBeUndefined();
  });
});

describe('the GC hook in a server the bench starts', () => {
  it('answers the heap after a full GC, which grows with connections; the server still stops cleanly', async () => {
    const server = await spawnServer({ script: WS_BASELINE, cpus: '0', gcHook: true });
    started.push(server);
    const before = await heapAfterGc(server.child);
    expect(before).toBeGreaterThan(100_000);
    const n = 200;
    await Promise.all(Array.from({ length: n }, (_, i) => new Promise<void>((resolve, reject) => {
      const ws = new WebSocket(`${server.url.replace('http', 'ws')}/ws?nick=n${i}&rooms=lobby`);
      sockets.push(ws);
      ws.once('message', () => resolve());
      ws.once('error', reject);
    })));
    const after = await heapAfterGc(server.child);
    const perConnection = heapPerConnectionAfterGc(before, after, n);
    // A ws connection holds a few KB (about 2.8 KB measured on this machine): well above 0, well below 100 KB.
    expect(perConnection).toBeGreaterThan(500);
    expect(perConnection).toBeLessThan(100_000);
    expect(await server.stop()).toBe(0);
  });

  it('pushlab serve takes the hook too, and exits 0 on SIGTERM with the channel open', async () => {
    const server = await spawnServer({ args: ['--transports', 'websocket', '--no-demo'], gcHook: true });
    started.push(server);
    expect(await heapAfterGc(server.child)).toBeGreaterThan(100_000);
    const t0 = Date.now();
    expect(await server.stop()).toBe(0);
    // The IPC channel does not hold the process open until the SIGKILL grace.
    expect(Date.now() - t0).toBeLessThan(5000);
  });

  it('a server started without the hook answers nothing', async () => {
    const server = await spawnServer({ script: WS_BASELINE });
    started.push(server);
    expect(await heapAfterGc(server.child, 500)).toBeUndefined();
  });
});
