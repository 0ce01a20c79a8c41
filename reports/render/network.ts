/**
 * The report's "Network and connection setup" section: present when the bench crossed an
 * emulated path (`--rtt/--jitter/--bandwidth`) or its runs carry connection setup. Shows what
 * carried the delay and whether the floors held it within 1 ms + 2 % (the bench fails if not),
 * the delay proxy's own CPU per run, and per transport the time from client start to joined
 * and to the first message — with TLS, browser headers and compression named when on.
 */
import type { BenchResults } from '../../results/types.ts';
import { escapeHtml, fmtMs, fmtNum } from './format.ts';
import { section } from './template.ts';

function calibrationTable(results: BenchResults): string {
  const rows = (results.path ?? []).flatMap((p) =>
    p.checks.map((c) => `<tr><td>${escapeHtml(p.description)}${p.sweepValue === undefined ? '' : ` (rtt=${escapeHtml(p.sweepValue)})`}</td><td>${escapeHtml(c.floor)}</td><td>${fmtMs(c.askedMs)}</td><td>${fmtMs(c.p50Ms)}</td><td>${c.loopbackP50Ms === undefined ? '–' : fmtMs(c.loopbackP50Ms)}</td><td>${fmtNum(c.offByMs)} ms</td><td>±${fmtNum(c.toleranceMs)} ms</td><td>${c.ok ? 'ok' : '<strong>OFF — the bench fails</strong>'}</td></tr>`),
  );
  if (rows.length === 0) return '';
  return `<table><thead><tr><th>path</th><th>floor</th><th>asked RTT</th><th>floor p50 across the path</th><th>floor p50 on loopback</th><th>off by (path − loopback − RTT)</th><th>tolerance</th><th></th></tr></thead><tbody>${rows.join('')}</tbody></table>`;
}

function setupTable(results: BenchResults): string {
  const rows = results.runs
    .filter((r) => r.connectionSetup !== undefined || r.path !== undefined)
    .map((r) => {
      const s = r.connectionSetup;
      const cells = [
        `${escapeHtml(r.target)}${r.sweepValue === undefined ? '' : ` (${escapeHtml(r.sweepValue)})`} #${r.repetition}`,
        s === undefined ? '–' : fmtMs(s.joinedMs.p50),
        s === undefined ? '–' : fmtMs(s.joinedMs.p99),
        s === undefined ? '–' : fmtMs(s.firstMessageMs.p50),
        s?.bytesPerConnection === undefined ? '–' : `${fmtNum(s.bytesPerConnection.sent)} / ${fmtNum(s.bytesPerConnection.received)}`,
        fmtNum(r.bytes.perDelivered),
        fmtNum(r.requests.perDelivered),
        r.path === undefined ? '–' : `${fmtNum(r.path.proxyCpuPercent)} %`,
      ];
      return `<tr>${cells.map((c) => `<td>${c}</td>`).join('')}</tr>`;
    });
  if (rows.length === 0) return '';
  return `<table><thead><tr><th>run</th><th>start → joined p50</th><th>p99</th><th>start → first message p50</th><th>B per new connection, sent / received (client-counted, to joined)</th><th>B per delivered</th><th>requests per delivered</th><th>delay proxy CPU</th></tr></thead><tbody>${rows.join('')}</tbody></table>`;
}

export function networkSection(results: BenchResults): string {
  const calibration = calibrationTable(results);
  const setup = setupTable(results);
  if (calibration === '' && setup === '') return '';
  const o = results.options;
  const on = [o.tls === true ? 'TLS (https/wss, self-signed certificate)' : '', o.headers === 'browser' ? 'browser headers (docs/network.md)' : '', o.compression === true ? 'compression (permessage-deflate, gzip)' : ''].filter((x) => x !== '');
  const intro = [
    calibration === ''
      ? '<p>Loopback: no emulated path.</p>'
      : `<p>The delay was carried by a <strong>${escapeHtml(results.path?.[0]?.mode ?? '')}</strong> (this kernel has no netem): every load client crossed it, and so did the floors, which calibrate it — a floor p50 off the asked RTT by more than 1 ms + 2 % fails the bench.</p>`,
    on.length === 0 ? '' : `<p>On: ${escapeHtml(on.join(', '))}.</p>`,
    '<p>Connection setup runs from the client’s start to joined (TCP, TLS when on, session or upgrade or stream, and the join) and to the first message received (which also waits for the next send).</p>',
  ].join('\n');
  return section('network-h', 'Network and connection setup', `${intro}\n${calibration}\n${setup}`);
}
