/** `pushlab` as a user runs it: help, option errors, the listening line, clean exit on SIGTERM. */
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { spawnServer } from '../bench/targets/spawn-server.ts';

const run = promisify(execFile);
const BIN = fileURLToPath(new URL('../bin/pushlab.js', import.meta.url));

async function pushlab(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, [BIN, ...args]);
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

describe('pushlab CLI', () => {
  it('--help lists the commands', async () => {
    const { code, stdout } = await pushlab('--help');
    expect(code).toBe(0);
    for (const command of ['serve', 'bench', 'report', 'compare']) expect(stdout).toContain(command);
  });

  it('serve --help lists every option with its default and unit', async () => {
    const { code, stdout } = await pushlab('serve', '--help');
    expect(code).toBe(0);
    expect(stdout).toMatch(/--hold-ms <ms>\s+long-poll hold with nothing to send \(default 20000\)/);
    expect(stdout).toMatch(/--port/);
    expect(stdout).toMatch(/--allowed-origins/);
  });

  it('refuses a bad option with a clear message and exit code 2', async () => {
    const unknown = await pushlab('serve', '--nope');
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/nope/);
    const bad = await pushlab('serve', '--hold-ms', 'soon');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--hold-ms must be a whole number/);
    const transport = await pushlab('serve', '--transports', 'carrier-pigeon');
    expect(transport.code).toBe(2);
    expect(transport.stderr).toMatch(/unknown transport "carrier-pigeon"/);
    const command = await pushlab('fly');
    expect(command.code).toBe(2);
  });

  it('serve --port 0 prints the real port, serves, and exits 0 on SIGTERM', async () => {
    const server = await spawnServer({ args: ['--transports', 'websocket,long-polling'] });
    expect(server.port).toBeGreaterThan(0);
    const health = await fetch(`${server.url}/health`);
    expect(await health.json()).toEqual({ status: 'ok' });
    const config = (await (await fetch(`${server.url}/config`)).json()) as { transports: string[] };
    expect(config.transports).toEqual(['websocket', 'long-polling']);
    // Short polling is off: its read route is there only for long-polling's gap refetch, and
    // the publish route stays (long polling publishes over HTTP too).
    expect(await server.stop()).toBe(0);
  });

  it('serve --transports sse serves event streams and the POST they publish with, and nothing else', async () => {
    const server = await spawnServer({ args: ['--transports', 'sse'] });
    const config = (await (await fetch(`${server.url}/config`)).json()) as { transports: string[] };
    expect(config.transports).toEqual(['sse']);
    const controller = new AbortController();
    const stream = await fetch(`${server.url}/sse?nick=cli&rooms=lobby`, { signal: controller.signal });
    expect([stream.status, stream.headers.get('content-type')]).toEqual([200, 'text/event-stream']);
    const published = await fetch(`${server.url}/rooms/lobby/messages`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ from: 'cli', text: 'hi' }) });
    expect(published.status).toBe(201);
    const reader = (stream.body as ReadableStream<Uint8Array>).getReader();
    let text = '';
    while (!text.includes('event: message')) text += new TextDecoder().decode((await reader.read()).value);
    expect(text).toContain('id: lobby:1');
    controller.abort();
    expect((await fetch(`${server.url}/lp/sessions`, { method: 'POST', body: '{}' })).status).toBe(404);
    expect(await server.stop()).toBe(0);
  });
});
