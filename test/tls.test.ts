/**
 * The TLS server: `pushlab serve --tls-self-signed` (openssl makes the certificate) serves
 * https and wss through the same handlers, pipeline and guards; the project's clients trust it
 * via NODE_EXTRA_CA_CERTS; an untrusted client is refused; --tls-cert/--tls-key are checked.
 */
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import https from 'node:https';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { spawnServer, type SpawnedServer } from '../bench/targets/spawn-server.ts';
import { createPushlabServer } from '../servers/server.ts';
import { tlsFor } from '../servers/tls.ts';
import { parseFlags } from '../cli/args.ts';
import { BENCH_FLAG_SPECS, resolveBenchOptions } from '../bench/config/options.ts';
import { targetsOf } from '../bench/harness/run.ts';
import { serverArgs } from '../bench/targets/targets.ts';

const run = promisify(execFile);
const EXCHANGE = fileURLToPath(new URL('./fixtures/tls-exchange.ts', import.meta.url));
const TSX_LOADER = import.meta.resolve('tsx');
const stops: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const s of stops.splice(0)) await s();
});

function get(url: string, ca?: Buffer): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    https.get(url, { ...(ca === undefined ? {} : { ca }), agent: false }, (res) => {
      let text = '';
      res.on('data', (c: Buffer) => (text += c.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
    }).on('error', reject);
  });
}

describe('pushlab serve --tls-self-signed', () => {
  it('serves https and wss that the project clients trust with NODE_EXTRA_CA_CERTS', async () => {
    const server: SpawnedServer = await spawnServer({ args: ['--tls-self-signed', '--poll-interval-ms', '100'] });
    stops.push(() => server.stop());
    expect(server.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    expect(server.tlsCertPath).toBeDefined();
    const ca = readFileSync(server.tlsCertPath as string);
    expect((await get(`${server.url}/health`, ca)).status).toBe(200);
    // Not trusted: the self-signed certificate is refused.
    await expect(get(`${server.url}/health`)).rejects.toThrow(/self[- ]signed/i);
    const { stdout } = await run(process.execPath, ['--import', TSX_LOADER, EXCHANGE, server.url, 'websocket', 'long-polling', 'short-polling', 'sse'], {
      env: { ...process.env, NODE_EXTRA_CA_CERTS: server.tlsCertPath as string },
      timeout: 20_000,
    });
    expect(JSON.parse(stdout)).toEqual({ websocket: 'hello over websocket', 'long-polling': 'hello over long-polling', 'short-polling': 'hello over short-polling', sse: 'hello over sse' });
  }, 30_000);
});

describe('the TLS server in process', () => {
  it('goes through the same pipeline and guards: bad input gets the catalog error, wire bytes (TLS included) are metered', async () => {
    const server = await createPushlabServer({ port: 0, tlsSelfSigned: true });
    stops.push(() => server.shutdown());
    const { url } = await server.listen();
    expect(url).toMatch(/^https:/);
    const ca = readFileSync(server.tlsCertPath as string);
    // A malformed room is the protocol's 400 with a JSON error, as over plain HTTP.
    const bad = await get(`${url}/rooms/${'x'.repeat(300)}/messages`, ca);
    expect(bad.status).toBe(400);
    expect(JSON.parse(bad.text)).toHaveProperty('error');
    const bytesIn = async (): Promise<number> => {
      const text = (await get(`${url}/metrics`, ca)).text;
      return [...text.matchAll(/^pushlab_bytes_total\{[^}]*direction="in"[^}]*\} (\d+)/gm)].reduce((sum, m) => sum + Number(m[1]), 0);
    };
    const before = await bytesIn();
    await get(`${url}/health`, ca);
    // Between the scrapes: /health and the second /metrics, ~70 bytes of HTTP each in plaintext.
    // Wire bytes add each new connection's TLS handshake (ClientHello, key share, Finished:
    // several hundred bytes), so the difference shows the meter reads the TCP socket.
    expect((await bytesIn()) - before).toBeGreaterThan(400);
  });

  it('checks --tls-cert and --tls-key', () => {
    expect(() => tlsFor({ tlsCert: '/nonexistent.pem', tlsKey: '/nonexistent.key' })).toThrow(/--tls-cert: cannot read/);
    expect(() => tlsFor({ tlsCert: '/x.pem' })).toThrow(/go together/);
    expect(() => tlsFor({ tlsSelfSigned: true, tlsCert: '/x.pem' })).toThrow(/cannot be combined/);
    expect(tlsFor({})).toBeUndefined();
  });
});

describe('pushlab bench --tls', () => {
  it('starts the servers with the bench certificate and leaves out the baselines and peers (no TLS of their own)', () => {
    const { options } = resolveBenchOptions(parseFlags(['--tls'], BENCH_FLAG_SPECS).values);
    expect(options.baselines).toBe(true);
    expect(targetsOf(options).map((t) => t.target)).toEqual(options.transports);
    const args = serverArgs('websocket', options);
    const cert = args[args.indexOf('--tls-cert') + 1] as string;
    expect(readFileSync(cert, 'utf8')).toMatch(/BEGIN CERTIFICATE/);
    // Everything the bench forks from now on trusts it.
    expect(process.env.NODE_EXTRA_CA_CERTS).toBe(cert);
    expect(() => resolveBenchOptions(parseFlags(['--tls', '--target', 'http://127.0.0.1:1'], BENCH_FLAG_SPECS).values)).toThrow(/--tls covers/);
  });
});
