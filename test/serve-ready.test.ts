/**
 * Serve from the environment, and readiness: PUSHLAB_* variables set every option (a secret
 * stays out of `ps`), the flag wins; GET /ready answers 503 while a real redis-server is down
 * or the server drains, while /health stays 200 (liveness).
 */
import { execFile } from 'node:child_process';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ServerContext } from '../servers/context.ts';
import { opsRoutes } from '../servers/http/ops-routes.ts';
import { splitUrl } from '../servers/http/router.ts';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { spawnServer, type SpawnedServer } from '../bench/targets/spawn-server.ts';
import { startCluster } from '../bench/targets/cluster.ts';
import { startRedis, type TestRedis } from './helpers/redis.ts';
import { errorCode, http, startServer, type TestServer } from './helpers/server.ts';

const BIN = fileURLToPath(new URL('../bin/pushlab.js', import.meta.url));
const run = promisify(execFile);

async function pushlab(args: string[], env: NodeJS.ProcessEnv = process.env): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, [BIN, ...args], { env });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

describe('pushlab serve from environment variables', () => {
  let server: SpawnedServer | undefined;
  afterEach(async () => {
    await server?.stop();
    server = undefined;
  });

  it('PUSHLAB_TOKEN_SECRET makes every transport require a token', async () => {
    server = await spawnServer({ args: ['--no-demo'], env: { ...process.env, PUSHLAB_TOKEN_SECRET: 'an-environment-secret-0123456789' } });
    const anonymous = await http(`${server.url}/rooms/lobby/messages`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ from: 'a', text: 'hi' }) });
    expect(anonymous.status).toBe(401);
    expect(errorCode(anonymous)).toBe('unauthorized');
    const { stdout: token } = await pushlab(['token', '--secret', 'an-environment-secret-0123456789', '--nick', 'alice']);
    const signed = await http(`${server.url}/rooms/lobby/messages`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token.trim()}` }, body: JSON.stringify({ from: 'alice', text: 'hi' }) });
    expect(signed.status).toBe(201);
  });

  it('a flag wins over its variable; a bad value names the variable', async () => {
    server = await spawnServer({ args: ['--hold-ms', '1234', '--transports', 'long-polling'], env: { ...process.env, PUSHLAB_HOLD_MS: '9999', PUSHLAB_POLL_INTERVAL_MS: '777', PUSHLAB_DEMO: 'false' } });
    const config = (await http(`${server.url}/config`)).json as { holdMs: number; pollIntervalMs: number };
    expect(config).toMatchObject({ holdMs: 1234, pollIntervalMs: 777 });
    expect((await http(`${server.url}/`)).status).toBe(404);
    const bad = await pushlab(['serve', '--port', '0'], { ...process.env, PUSHLAB_HOLD_MS: 'soon' });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/PUSHLAB_HOLD_MS must be a whole number, got "soon"/);
  });

  it('PUSHLAB_TOKEN_SECRET=x: a short secret still requires tokens, with a warning that it is weak', async () => {
    server = await spawnServer({ args: ['--no-demo'], env: { ...process.env, PUSHLAB_TOKEN_SECRET: 'x' } });
    const anonymous = await http(`${server.url}/rooms/lobby/messages`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ from: 'a', text: 'hi' }) });
    expect([anonymous.status, errorCode(anonymous)]).toEqual([401, 'unauthorized']);
    expect(server.stderr()).toMatch(/warning: the token secret is 1 characters/);
    const { stdout: token } = await pushlab(['token', '--secret', 'x', '--nick', 'alice']);
    const signed = await http(`${server.url}/rooms/lobby/messages`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token.trim()}` }, body: JSON.stringify({ from: 'alice', text: 'hi' }) });
    expect(signed.status).toBe(201);
  });

  it('serve --help lists the variable of every option', async () => {
    const { code, stdout } = await pushlab(['serve', '-h']);
    expect(code).toBe(0);
    for (const name of ['PUSHLAB_TOKEN_SECRET', 'PUSHLAB_BACKPLANE', 'PUSHLAB_PORT', 'PUSHLAB_HOLD_MS', 'PUSHLAB_DEMO']) expect(stdout).toContain(`[env ${name}]`);
  });
});

describe('GET /ready', () => {
  let redis: TestRedis | undefined;
  let server: TestServer | undefined;
  afterEach(async () => {
    await server?.close();
    await redis?.stop();
    server = undefined;
    redis = undefined;
  });

  it('503 backplane_unavailable while Redis is down, 200 when it is back; /health stays 200', async () => {
    redis = await startRedis();
    server = await startServer({ backplane: redis.url });
    expect((await http(`${server.url}/ready`)).json).toEqual({ status: 'ready' });
    await redis.stop();
    let answer = await http(`${server.url}/ready`);
    const deadline = Date.now() + 10_000;
    while (answer.status !== 503 && Date.now() < deadline) answer = await http(`${server.url}/ready`);
    expect(answer.status).toBe(503);
    expect(errorCode(answer)).toBe('backplane_unavailable');
    expect((await http(`${server.url}/health`)).status).toBe(200);
    await redis.restart();
    while (answer.status !== 200 && Date.now() < deadline + 10_000) {
      await new Promise((r) => setTimeout(r, 50));
      answer = await http(`${server.url}/ready`);
    }
    expect(answer.status).toBe(200);
  });

  it('503 shutting_down while draining', async () => {
    server = await startServer();
    // A draining server closes its listener at once (new requests cannot reach it), so the
    // route is served here from a context that is draining, as it is during the shutdown.
    const draining = Object.create(server.server, { draining: { value: true } }) as ServerContext;
    const ready = opsRoutes(draining).find((r) => r.path === '/ready');
    const probe = createServer((req, res) => void ready?.handle({ req, res, params: {}, query: splitUrl('/ready').query, nick: undefined }));
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
    const { port } = probe.address() as AddressInfo;
    const answer = await http(`http://127.0.0.1:${port}/ready`);
    probe.close();
    expect(answer.status).toBe(503);
    expect(errorCode(answer)).toBe('shutting_down');
    expect((await http(`${server.url}/ready`)).status).toBe(200);
  });
});

describe('GET /ready through the cluster bench\'s nginx', () => {
  it('200 while an instance is ready, 503 while Redis is down, 200 again after', async () => {
    const redis = await startRedis();
    const cluster = await startCluster({ instances: 2, transports: ['websocket'], serverArgs: ['--no-demo'], backplane: redis.url });
    try {
      const readyAt = async (want: number): Promise<number> => {
        const deadline = Date.now() + 15_000;
        let status = 0;
        while (status !== want && Date.now() < deadline) {
          status = (await http(`${cluster.url}/ready`)).status;
          if (status !== want) await new Promise((r) => setTimeout(r, 100));
        }
        return status;
      };
      expect(await readyAt(200)).toBe(200);
      await redis.stop();
      expect(await readyAt(503)).toBe(503);
      // A 503 on /ready never marks an instance down for the API routes (its own upstream block).
      expect((await http(`${cluster.url}/health`)).status).toBe(200);
      await redis.restart();
      expect(await readyAt(200)).toBe(200);
    } finally {
      await cluster.stop();
      await redis.stop();
    }
  }, 90_000);
});
