/**
 * The halving check: the same WebSocket bench (pushlab alone: no baseline, no peer) with 500 subscribers per load worker (the
 * default) and with 250 (PUSHLAB_SUBSCRIBERS_PER_WORKER=250, so twice the workers), then
 * both p50s and whether halving moved p50 beyond its bootstrap interval (bench/measure/halving.ts).
 * Exit 0 unchanged, 1 changed or void (load-bound, same worker count), 2 a bench failed to run.
 *
 *   node --import tsx scripts/halving-check.ts                     # 1,000 clients, 5 msg/s (5,000 deliveries/s: 2 workers at 500, 4 at 250), 10 s, 3 repetitions
 *   node --import tsx scripts/halving-check.ts --clients 1000 --rate 5 --duration 10s --repeat 3
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { DEFAULT_PER_WORKER, HALVED_PER_WORKER, halvingFigures, judgeHalving, type HalvingFigures } from '../bench/measure/halving.ts';
import type { BenchResults } from '../results/types.ts';

const { values } = parseArgs({ options: { clients: { type: 'string', default: '1000' }, rate: { type: 'string', default: '5' }, duration: { type: 'string', default: '10s' }, repeat: { type: 'string', default: '3' } } });
const bin = fileURLToPath(new URL('../bin/pushlab.js', import.meta.url));

function bench(perWorker: number): HalvingFigures {
  const args = [bin, 'bench', '--transports', 'websocket', '--clients', values.clients, '--rate', values.rate, '--duration', values.duration, '--repeat', values.repeat, '--senders', '1', '--no-baselines', '--peers', 'none', '--no-capacity', '--json', '--out', '/tmp/pushlab-halving'];
  process.stderr.write(`halving check: ${perWorker} subscribers per worker: ${args.slice(1).join(' ')}\n`);
  const r = spawnSync(process.execPath, args, { env: { ...process.env, PUSHLAB_SUBSCRIBERS_PER_WORKER: String(perWorker) }, encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
  // Exit 99 (a gate failed, e.g. load-bound) still wrote the results: the figures say why.
  if (r.stdout.trim() === '') {
    process.stderr.write(r.stderr);
    process.exit(2);
  }
  return halvingFigures(JSON.parse(r.stdout) as BenchResults, perWorker);
}

const show = (f: HalvingFigures): string => `${f.perWorker} subscribers/worker (${f.workers} workers): WebSocket p50 ${f.p50Ms} ms${f.p50Ci === undefined ? '' : ` (95% CI ${f.p50Ci[0]}–${f.p50Ci[1]})`}, p99 ${f.p99Ms} ms${f.loadBound ? ', LOAD-BOUND' : ''}`;
const a = bench(DEFAULT_PER_WORKER);
const b = bench(HALVED_PER_WORKER);
const verdict = judgeHalving(a, b);
console.log(show(a));
console.log(show(b));
console.log(verdict.text);
process.exit(verdict.unchanged ? 0 : 1);
