/** `node bin/pushlab.js …` as a child process, its exit code and output collected (the end-to-end tests). */
import { spawn } from 'node:child_process';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BenchResults } from '../../results/types.ts';

const BIN = fileURLToPath(new URL('../../bin/pushlab.js', import.meta.url));

export function runCli(args: string[], timeoutMs: number): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`pushlab bench did not finish within ${timeoutMs} ms\n${stderr}`));
    }, timeoutMs);
    child.once('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

/** The results.json a `bench --out dir` wrote (its one dated folder), or an error with the bench's output. */
export async function readBenchResults(dir: string, cli: { stdout: string; stderr: string }): Promise<BenchResults> {
  const [folder] = await readdir(dir);
  if (folder === undefined) throw new Error(`no results folder written\n${cli.stderr}\n${cli.stdout}`);
  return JSON.parse(await readFile(join(dir, folder, 'results.json'), 'utf8')) as BenchResults;
}
