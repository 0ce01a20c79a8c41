/**
 * The console's lines for a map bench: one per fitted cost model — the request law, CPU per
 * connection, per request and per delivery, memory per connection, the leave-one-out CPU error —
 * and the targets left without a model (every cell load-bound). The report shows the rest.
 */
import type { BenchResults, CostModel } from '../../results/types.ts';

const short = (n: number): string => (n === 0 ? '0' : Math.abs(n) >= 100 ? n.toFixed(0) : n.toPrecision(2));

function law(m: CostModel): string {
  const r = m.requests;
  const rest = `${short(r.fixedPerClientSecond)} req/client·s at rest`;
  if (r.kind === 'interval') return `poll every ${r.intervalMs} ms (${rest})`;
  if (r.kind === 'hold') return `hold ${r.holdMs} ms + gap ${short(r.gapMs ?? 0)} ms (${rest})`;
  return `no polls (${rest})`;
}

export function mapSummaryLines(results: BenchResults): string[] {
  const map = results.map;
  if (map === undefined) return [];
  const lines = [`Cost model per target (${map.cells.length} cells; cores of this machine; cpu ≈ intercept + per connection·N + per request·req/s + per delivery·deliveries/s):`];
  for (const m of map.models) {
    const cpu = m.cpu;
    const cv = m.crossValidation.cpu;
    lines.push(`  ${m.target.padEnd(22)} ${law(m)} · cpu µs: ${short(cpu.perConnection * 1e6)}/conn·s, ${short(cpu.perRequest * 1e6)}/req, ${short(cpu.perDelivered * 1e6)}/delivery · rss ${short(m.memory.rssPerConnectionBytes / 1024)} KiB/conn · CV cpu median ${cv.medianAbsPercent}% (${cv.cells} cells)`);
  }
  const fitted = new Set(map.models.map((m) => m.target));
  const missing = [...new Set(results.runs.map((r) => r.target))].filter((t) => !fitted.has(t));
  if (missing.length > 0) lines.push(`  no model (every cell load-bound or failed): ${missing.join(', ')}`);
  return lines;
}
