/**
 * Help on every command (`-h`, `--help`, `pushlab help <command>`), unknown commands and flags
 * (exit 2), and `bench --help` showing the values a run would really use.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { main } from '../cli/main.ts';
import { SCENARIOS } from '../bench/config/scenarios.ts';

const COMMANDS = ['serve', 'bench', 'report', 'compare', 'token', 'project'];

/** Runs `pushlab …` in-process, capturing what it prints. */
async function pushlab(...argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const log = vi.spyOn(console, 'log').mockImplementation((...a: unknown[]) => void out.push(a.join(' ')));
  const error = vi.spyOn(console, 'error').mockImplementation((...a: unknown[]) => void err.push(a.join(' ')));
  const stdout = vi.spyOn(process.stdout, 'write').mockImplementation((t: string | Uint8Array) => (out.push(String(t)), true));
  const stderr = vi.spyOn(process.stderr, 'write').mockImplementation((t: string | Uint8Array) => (err.push(String(t)), true));
  try {
    const code = await main(argv);
    return { code, stdout: out.join('\n'), stderr: err.join('\n') };
  } finally {
    for (const spy of [log, error, stdout, stderr]) spy.mockRestore();
  }
}

/** The `(default …)` shown beside a flag in a help text. */
function shown(help: string, flag: string): string | undefined {
  const line = help.split('\n').find((l) => l.startsWith(`  --${flag} `) || l.startsWith(`  -o, --${flag} `));
  return line === undefined ? undefined : /\(default ([^)]*)\)(?: \[env [A-Z_]+\])?$/.exec(line)?.[1];
}

afterEach(() => vi.restoreAllMocks());

describe('help', () => {
  it('`pushlab help` lists every command', async () => {
    const { code, stdout } = await pushlab('help');
    expect(code).toBe(0);
    for (const command of COMMANDS) expect(stdout).toMatch(new RegExp(`^  ${command}\\s`, 'm'));
  });

  it('-h, --help and `pushlab help <command>` print the same help, exit 0, for every command', async () => {
    for (const command of COMMANDS) {
      const short = await pushlab(command, '-h');
      const long = await pushlab(command, '--help');
      const viaHelp = await pushlab('help', command);
      expect([short.code, long.code, viaHelp.code], command).toEqual([0, 0, 0]);
      expect(short.stdout, command).toMatch(new RegExp(`Usage: pushlab ${command}`));
      expect(long.stdout, command).toBe(short.stdout);
      expect(viaHelp.stdout, command).toBe(short.stdout);
      expect(short.stdout, command).toMatch(/-h, --help\s+show this help/);
    }
  });

  it('an unknown command, help topic or flag is a clear error with exit 2', async () => {
    const command = await pushlab('benhc');
    expect(command.code).toBe(2);
    expect(command.stderr).toMatch(/unknown command "benhc"/);
    const topic = await pushlab('help', 'benhc');
    expect(topic.code).toBe(2);
    expect(topic.stderr).toMatch(/unknown command "benhc"/);
    for (const name of COMMANDS) {
      const flag = await pushlab(name, '--bogus-flag');
      expect(flag.code, name).toBe(2);
      expect(flag.stderr, name).toMatch(/bogus-flag/);
    }
  });
});

describe('bench --help shows the values a plain run uses', () => {
  it('the default scenario shows its window, repetitions, baselines and peers (not the table base); smoke shows smoke\'s', async () => {
    const preset = SCENARIOS.default?.preset;
    const cases: [string[], Record<string, string>][] = [
      [[], { scenario: 'default', duration: `${(preset?.durationMs ?? 0) / 1000}s`, repeat: String(preset?.repeat), baselines: 'true', peers: 'socketio,socketio-polling', out: 'reports/', tls: 'false' }],
      [['--scenario', 'smoke'], { scenario: 'smoke', duration: '5s', repeat: '1', clients: '20', baselines: 'false', peers: 'none', 'capacity-duration': '1s' }],
    ];
    for (const [argv, expected] of cases) {
      const { code, stdout } = await pushlab('bench', ...argv, '--help');
      expect(code).toBe(0);
      expect(Object.fromEntries(Object.keys(expected).map((flag) => [flag, shown(stdout, flag)])), argv.join(' ')).toEqual(expected);
    }
  });

  it('a path scenario shows its emulated path in flag syntax', async () => {
    const { stdout } = await pushlab('bench', '--scenario', 'mobile', '--help');
    expect([shown(stdout, 'rtt'), shown(stdout, 'jitter'), shown(stdout, 'bandwidth'), shown(stdout, 'tls'), shown(stdout, 'headers')]).toEqual(['150ms', '10ms', '2mbit', 'true', 'browser']);
  });

  it('--config and other flags: the file\'s layers, then the flags, as a run would', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'pushlab-help-'));
    try {
      const file = join(dir, 'bench.yaml');
      await writeFile(file, 'extends: smoke\nclients: 40\nscenarios:\n  mine:\n    duration: 1m30s\n    threshold: ["messages.lost==0"]\n');
      const { code, stdout } = await pushlab('bench', '--config', file, '--rate', '7', '--help');
      expect(code).toBe(0);
      expect(stdout).toMatch(/scenario "mine"/);
      expect([shown(stdout, 'clients'), shown(stdout, 'duration'), shown(stdout, 'rate'), shown(stdout, 'warmup'), shown(stdout, 'threshold')]).toEqual(['40', '90s', '7', '2s', "'messages.lost==0'"]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('help still answers when the other flags do not hold, and says why on stderr', async () => {
    const { code, stdout, stderr } = await pushlab('bench', '--scenario', 'smoke', '--rooms', '500', '--help');
    expect(code).toBe(0);
    expect(stderr).toMatch(/--rooms \(500\) cannot exceed --clients/);
    expect(shown(stdout, 'rooms')).toBe('2');
  });
});
