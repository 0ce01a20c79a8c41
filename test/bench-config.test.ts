/**
 * Options from files and the small edges: config layers and their precedence, phases, the
 * published JSON Schema, --from's checks, compound durations, negative values, empty --out,
 * the preflight for binaries, progress without a terminal, and a table that fits 100 columns.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { UsageError } from '../options/usage-error.ts';
import { toDurationMs } from '../options/convert.ts';
import { parseFlags } from '../cli/args.ts';
import { configJsonSchema } from '../bench/config/config-schema.ts';
import { checkFromFlags, configLayers, readConfigFile } from '../bench/config/config.ts';
import { BENCH_FLAG_SPECS, resolveBenchOptions } from '../bench/config/options.ts';
import { preflight } from '../bench/harness/preflight.ts';
import { HEARTBEAT_MS, Progress, describeProgress } from '../bench/harness/progress.ts';
import { planRuns } from '../bench/harness/run.ts';
import { renderTable } from '../bench/measure/table.ts';
import { benchEnv } from '../bench/targets/spawn-server.ts';
import { loadFixture } from './fixtures/report-helpers.ts';

const resolveArgv = (argv: string[]) => resolveBenchOptions(parseFlags(argv, BENCH_FLAG_SPECS).values);
const refused = (f: () => unknown): string => {
  try {
    f();
  } catch (error) {
    expect(error).toBeInstanceOf(UsageError);
    return (error as Error).message;
  }
  throw new Error('accepted');
};

describe('flags: the small edges', () => {
  it('compound durations: 1m30s, 1h5m, 2s500ms; not out of order, not negative', () => {
    expect(toDurationMs('duration', '1m30s')).toBe(90_000);
    expect(toDurationMs('duration', '1h5m')).toBe(3_900_000);
    expect(toDurationMs('duration', '2s500ms')).toBe(2500);
    expect(toDurationMs('duration', '45')).toBe(45_000);
    expect(refused(() => toDurationMs('duration', '30s1m'))).toMatch(/like 30s, 2m, 1m30s/);
    expect(refused(() => toDurationMs('duration', '-5s'))).toMatch(/must not be negative/);
    expect(resolveArgv(['--duration', '1m30s']).options.durationMs).toBe(90_000);
  });

  it('a negative number gets the option\'s own message, not "argument is ambiguous"', () => {
    expect(refused(() => resolveArgv(['--rate', '-5']))).toBe('--rate must be a whole number ≥ 0, got "-5"');
    expect(refused(() => resolveArgv(['--clients', '-1']))).toMatch(/--clients must be a whole number ≥ 1/);
  });

  it('an empty --out (or any empty value) is refused', () => {
    expect(refused(() => resolveArgv(['--out='])) ).toBe('--out needs a value');
    expect(refused(() => resolveArgv(['--out', '']))).toBe('--out needs a value');
  });

  it('--threshold is repeatable and checked at once; --target must be a root URL', () => {
    const { options } = resolveArgv(['--threshold', 'messages.lost==0', '--threshold', 'websocket:latencyMs.p99<50ms', '--no-default-thresholds']);
    expect(options.thresholds).toEqual(['messages.lost==0', 'websocket:latencyMs.p99<50ms']);
    expect(options.defaultThresholds).toBe(false);
    expect(refused(() => resolveArgv(['--threshold', 'latencyMs.p98<1']))).toMatch(/p98/);
    expect(resolveArgv(['--target', 'http://127.0.0.1:3000/']).options.target).toBe('http://127.0.0.1:3000');
    expect(refused(() => resolveArgv(['--target', 'ftp://x']))).toMatch(/http:\/\//);
    expect(refused(() => resolveArgv(['--target', 'http://127.0.0.1:3000', '--instances', '2']))).toMatch(/cannot be combined/);
  });

  it('--phases: steps run in order, each its own row; rate and clients default to the bench\'s', () => {
    const { options } = resolveArgv(['--scenario', 'smoke', '--transports', 'websocket', '--phases', '2s:10:8,3s:20']);
    expect(options.phases).toEqual([{ durationMs: 2000, rate: 10, clients: 8 }, { durationMs: 3000, rate: 20, clients: 20 }]);
    const plan = planRuns(options);
    expect(plan.map((p) => [p.sweepValue, p.options.durationMs, p.options.rate, p.options.clients])).toEqual([
      ['phase 1: 2s · 10 msg/s · 8 clients', 2000, 10, 8],
      ['phase 2: 3s · 20 msg/s · 20 clients', 3000, 20, 20],
    ]);
    expect(refused(() => resolveArgv(['--phases', '2s', '--sweep', 'rate=1,2']))).toMatch(/cannot be combined/);
  });
});

describe('config files', () => {
  const doc = {
    clients: 40,
    thresholds: ['messages.lost==0'],
    scenarios: {
      quick: { extends: 'smoke', rate: 5, duration: '1m30s', thresholds: ['websocket:latencyMs.p99<1s'] },
      ramp: { phases: [{ duration: '2s', rate: 1, clients: 4 }, { duration: '3s' }] },
    },
  };

  it('precedence: preset < top level < scenario < flags; thresholds add up', () => {
    const values = parseFlags(['--rate', '7'], BENCH_FLAG_SPECS).values;
    const { options } = resolveBenchOptions(values, configLayers(doc, 'bench.yaml', 'quick'));
    expect(options).toMatchObject({ scenario: 'quick', clients: 40, rate: 7, durationMs: 90_000, pollIntervalMs: 1000, thresholds: ['messages.lost==0', 'websocket:latencyMs.p99<1s'] });
    // No --scenario: the first in the file; a built-in preset name works too.
    expect(resolveBenchOptions({}, configLayers(doc, 'bench.yaml', undefined)).options.scenario).toBe('quick');
    expect(resolveBenchOptions({}, configLayers(doc, 'bench.yaml', 'idle')).options).toMatchObject({ scenario: 'idle', clients: 40, rate: 0 });
    const ramp = resolveBenchOptions({}, configLayers(doc, 'bench.yaml', 'ramp')).options;
    expect(ramp.phases).toEqual([{ durationMs: 2000, rate: 1, clients: 4 }, { durationMs: 3000, rate: 100, clients: 40 }]);
  });

  it('names the file and the key on a mistake', () => {
    expect(refused(() => configLayers({ clinets: 3 }, 'b.yaml', undefined))).toMatch(/b\.yaml \(top level\): unknown option "clinets"/);
    expect(refused(() => configLayers(doc, 'b.yaml', 'nope'))).toMatch(/"nope" is neither in b\.yaml \(quick, ramp\) nor a built-in preset/);
    expect(refused(() => resolveBenchOptions({}, configLayers({ clients: 'many' }, 'b.yaml', undefined)))).toMatch(/^b\.yaml \(top level\): --clients must be a whole number/);
    expect(refused(() => configLayers({ scenarios: { x: { phases: [{ during: '2s' }] } } }, 'b.yaml', 'x'))).toMatch(/unknown key "during"/);
  });

  it('examples/chat.yaml resolves every scenario, and uses only keys the published schema has', async () => {
    const example = parseYaml(await readFile(new URL('../examples/chat.yaml', import.meta.url), 'utf8')) as { scenarios: Record<string, Record<string, unknown>> };
    for (const name of Object.keys(example.scenarios)) expect(resolveBenchOptions({}, configLayers(example, 'chat.yaml', name)).options.scenario).toBe(name);
    const schema = configJsonSchema() as { properties: Record<string, unknown> & { scenarios: { additionalProperties: { properties: Record<string, unknown> } } } };
    for (const key of Object.keys(example)) expect(schema.properties, key).toHaveProperty([key]);
    for (const s of Object.values(example.scenarios)) for (const key of Object.keys(s)) expect(schema.properties.scenarios.additionalProperties.properties, key).toHaveProperty([key]);
  });

  it('docs/bench-config.schema.json is the schema the option table generates', async () => {
    const published = JSON.parse(await readFile(new URL('../docs/bench-config.schema.json', import.meta.url), 'utf8')) as unknown;
    expect(published).toEqual(configJsonSchema());
  });

  it('reads JSON as well as YAML, and names the file on a syntax error', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'pushlab-config-'));
    try {
      await writeFile(join(dir, 'b.json'), JSON.stringify({ clients: 30, scenarios: { q: { extends: 'smoke', phases: [{ duration: '2s' }] } } }));
      const { options } = resolveBenchOptions({}, configLayers(await readConfigFile(join(dir, 'b.json')), 'b.json', undefined));
      expect(options).toMatchObject({ scenario: 'q', clients: 30, phases: [{ durationMs: 2000, rate: 20, clients: 30 }] });
      await writeFile(join(dir, 'bad.yaml'), 'clients: [1, 2\n');
      await expect(readConfigFile(join(dir, 'bad.yaml'))).rejects.toThrow(/--config .*bad\.yaml: not valid YAML or JSON/);
      await expect(readConfigFile(join(dir, 'none.yaml'))).rejects.toThrow(/--config .*none\.yaml: no such file/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('--from allows only where and how to print', () => {
    expect(() => checkFromFlags({ from: 'r.json', out: 'x', quiet: true })).not.toThrow();
    expect(refused(() => checkFromFlags({ from: 'r.json', clients: '5' }))).toMatch(/--clients cannot be combined with it/);
  });
});

describe('preflight', () => {
  const none = (): undefined => undefined;
  it('names each missing binary with its install command; nothing for a plain bench', () => {
    const cluster = resolveArgv(['--instances', '2']).options;
    expect(preflight(cluster, none)).toEqual([
      'redis-server is not installed (needed by the Redis rungs of --instances 2): install it with `apt-get install -y redis-server`',
      'nginx is not installed (needed by the nginx rungs (scale-out behind a load balancer)): install it with `apt-get install -y nginx`',
    ]);
    expect(preflight(resolveArgv([]).options, none)).toEqual([]);
    expect(preflight(cluster)).toEqual([]);
  });
});

describe('progress without a terminal', () => {
  it('a line per new run or phase, the rest held for the heartbeat; nothing when disabled', () => {
    const lines: string[] = [];
    const progress = new Progress(true, { isTTY: false, write: (t) => lines.push(t) });
    const event = { stage: 'run' as const, run: 2, runs: 3, target: 'websocket #1', phase: 'window' as const, second: 4, seconds: 20, delivered: 1234, etaMs: 95_000 };
    progress.update(event);
    progress.update({ ...event, second: 5 });
    progress.update({ ...event, phase: 'drain' });
    progress.done();
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(/^pushlab bench \[0s\] run 2\/3 websocket #1 · window 4\/20 s · 1234 delivered · ETA 1m35s\n$/);
    expect(HEARTBEAT_MS).toBeLessThanOrEqual(10_000);
    const quiet: string[] = [];
    const off = new Progress(false, { isTTY: false, write: (t) => quiet.push(t) });
    off.update(event);
    off.done();
    expect(quiet).toEqual([]);
    expect(describeProgress({ stage: 'capacity', text: 'publish' })).toBe('capacity · publish');
  });
});

describe('progress on a terminal', () => {
  it('one live line rewritten in place, with the ETA, cut to the terminal\'s width', () => {
    const writes: string[] = [];
    const progress = new Progress(true, { isTTY: true, columns: 60, write: (t) => writes.push(t) });
    progress.update({ stage: 'run', run: 1, runs: 4, target: 'short-polling #1', phase: 'warm-up', second: 2, seconds: 5, delivered: 0, etaMs: 61_000 });
    progress.update({ stage: 'run', run: 1, runs: 4, target: 'short-polling #1', phase: 'window', second: 1, seconds: 20, delivered: 10, etaMs: 59_000 });
    progress.note('pushlab bench: run 1/4 short-polling #1 done');
    progress.done();
    expect(writes[0]).toMatch(/^\r\x1b\[K\[0s · ETA 1m01s\] run 1\/4 short-polling #1 · warm-up 2\/5 s/);
    expect(writes.every((w) => w.replace(/^\r\x1b\[K/, '').replace(/\n$/, '').length <= 60)).toBe(true);
    expect(writes.slice(0, 2).every((w) => !w.includes('\n'))).toBe(true);
    expect(writes).toContain('pushlab bench: run 1/4 short-polling #1 done\n');
    const long = new Progress(true, { isTTY: true, columns: 200, write: (t) => writes.push(t) });
    long.update({ stage: 'run', run: 1, runs: 4, target: 'websocket #1', phase: 'window', second: 3, seconds: 20, delivered: 10, etaMs: 125_000 });
    expect(writes.at(-1)).toMatch(/\[0s · ETA 2m05s\] run 1\/4 websocket #1 · window 3\/20 s · 10 delivered$/);
    const narrow: string[] = [];
    new Progress(true, { isTTY: true, columns: 0, write: (t) => narrow.push(t) }).update({ stage: 'floor', text: 'loopback round trips', etaMs: 9000 });
    expect(narrow[0]).toBe('\r\x1b[K[0s · ETA 9s] floor · loopback round trips');
  });
});

describe('the bench\'s own servers', () => {
  it('do not inherit the user\'s PUSHLAB_* serve settings', () => {
    process.env.PUSHLAB_TOKEN_SECRET = 'a-secret-for-a-real-server';
    try {
      expect(benchEnv().PUSHLAB_TOKEN_SECRET).toBeUndefined();
      expect(benchEnv().PATH).toBe(process.env.PATH);
    } finally {
      delete process.env.PUSHLAB_TOKEN_SECRET;
    }
  });
});

describe('the terminal table', () => {
  it('wraps by target when even two tables would pass 100 columns', () => {
    const results = loadFixture('sweep');
    const long = 'a-very-long-sweep-value-that-names-a-phase-and-its-whole-workload-in-words';
    for (const s of results.summary) s.sweepValue = long;
    for (const r of results.runs) r.sweepValue = long;
    const table = renderTable(results);
    for (const line of table.split('\n')) expect(line.length, line).toBeLessThanOrEqual(100);
    expect(table).toMatch(new RegExp(`^websocket clients=${long}$`, 'm'));
    expect(table).toMatch(/^ {2}p50 ms [\d.]+ · p99 ms/m);
  });

  it('fits 100 columns for every fixture, in the report\'s units (ms per 1k, MiB)', () => {
    for (const name of ['basic', 'sweep', 'scaleout', 'faults'] as const) {
      const table = renderTable(loadFixture(name));
      for (const line of table.split('\n')) expect(line.length, `${name}: ${line}`).toBeLessThanOrEqual(100);
    }
    const basic = loadFixture('basic');
    const table = renderTable(basic);
    expect(table).toMatch(/CPU ms\/1k/);
    expect(table).toMatch(/RSS MiB/);
    const ws = basic.summary.find((s) => s.target === 'websocket');
    const row = table.split('\n').find((l) => l.startsWith('websocket ') && l.includes('×'));
    expect(row).toContain(String(Math.round((ws?.rssPeakBytes.median ?? 0) / 1048576)));
  });
});
