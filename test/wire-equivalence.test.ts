/**
 * The lean load clients (bench/harness/worker/lean-*.ts) must put exactly what the product's
 * clients put on the wire: the same scripted exchange — connect, join, three messages
 * published (by the product sender, straight to the server) and received, the polls between
 * — is recorded through a proxy (helpers/wire-recorder.ts) once with each, against a fresh
 * server, and compared: requests (count, order, method and path, header names and value
 * sizes, body), frames both ways, responses (status, header names, body size). Short
 * polling's empty polls repeat with time, so runs of identical events count once there.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClient, type ChatClient } from '../clients/index.ts';
import type { Transport } from '../protocol/types.ts';
import { browserHeaders } from '../bench/harness/browser-headers.ts';
import { encodeMessageText } from '../bench/measure/accounting.ts';
import { clockMs } from '../bench/measure/clock.ts';
import { leanSubscriber } from '../bench/harness/worker/lean-clients.ts';
import { LeanPool } from '../bench/harness/worker/lean-http.ts';
import type { LeanOptions, LeanSubscriber } from '../bench/harness/worker/lean-subscriber.ts';
import { trackedEventSource } from '../bench/harness/worker/tracked-event-source.ts';
import { trackedWebSocket } from '../bench/harness/worker/tracked-web-socket.ts';
import { startServer } from './helpers/server.ts';
import { until } from './helpers/until.ts';
import { WireRecorder, type WireEvent } from './helpers/wire-recorder.ts';

type Headers = LeanOptions['headers'];
const POLL_MS = 150;
const RUN = 'r1';

const recorder = new WireRecorder();
let proxyUrl = '';
beforeAll(async () => {
  proxyUrl = `http://127.0.0.1:${await recorder.listen()}`;
});
afterAll(() => recorder.close());

/** Where the exchange is complete: the request that follows the third delivery. */
function settled(transport: Transport, events: readonly WireEvent[]): number {
  const last = transport === 'long-polling' ? /poll\?cursor=3$/ : transport === 'short-polling' ? /after=3$/ : undefined;
  if (last === undefined) return events.length;
  return events.findIndex((e) => e.kind === 'request' && last.test(e.line)) + 1;
}

/** Whether a request ending in `suffix` has had its answer. */
function answered(events: readonly WireEvent[], suffix: string): boolean {
  const i = events.findIndex((e) => e.kind === 'request' && e.line.endsWith(suffix));
  return i >= 0 && events.slice(i + 1).some((e) => e.kind === 'response' && e.conn === events[i]?.conn);
}

/** One event as compared: session ids and message values vary run to run, their sizes do not. */
function shape(e: WireEvent): string {
  const line = e.line.replace(/\/lp\/sessions\/[^/?]+/, '/lp/sessions/:s');
  // Up: the client's bytes, exactly (bodies carry no per-run value). Down (the same server either way): status, header names, and bodies with
  // their per-run values (numbers, message ids, session ids) blanked.
  if (e.dir === 'up') return `${e.dir} ${e.kind} ${line} [${e.headers.join(' ')}] ${e.bytes} ${e.body}`;
  const body = e.body.replace(/"(id|session)":"([^"]*)"/g, (_, key: string, value: string) => `"${key}":"${'*'.repeat(value.length)}"`).replace(/[0-9]+(\.[0-9]+)?/g, '#');
  return `${e.dir} ${e.kind} ${line} [${e.headers.map((h) => h.split(':')[0]).join(' ')}] ${body}`;
}

/** Run the script with one client; the recorded shape of the exchange. */
async function exchange(transport: Transport, lean: boolean, headers: Headers, leanExtra?: Headers): Promise<string[]> {
  const server = await startServer();
  recorder.reset();
  recorder.upstreamPort = server.port;
  let received = 0;
  let subscriber: ChatClient | LeanSubscriber;
  if (lean) {
    const h = leanExtra ?? headers;
    const options: LeanOptions = { baseUrl: proxyUrl, nick: 'sub0', room: 'lobby', run: RUN, slot: 0, pollIntervalMs: POLL_MS, ...(h === undefined ? {} : { headers: h }), sink: { deliver: () => void received++ }, clock: clockMs };
    subscriber = leanSubscriber(transport, options, new LeanPool());
    await subscriber.start();
  } else {
    // As bench/harness/worker/subscribers.ts makes the product's subscriber.
    const client = createClient(transport, { baseUrl: proxyUrl, nick: 'sub0', pollIntervalMs: POLL_MS, webSocket: trackedWebSocket, eventSource: trackedEventSource, clock: clockMs, ...(headers === undefined ? {} : { headers }) });
    client.on('raw', () => void received++);
    await client.connect();
    await client.join('lobby');
    subscriber = client;
  }
  const sender = createClient('long-polling', { baseUrl: server.url, nick: 'send0' });
  try {
    for (let k = 1; k <= 3; k++) {
      await sender.send('lobby', encodeMessageText({ run: RUN, sender: 0, k, pred: k - 1, lateUs: 0 }, 64), clockMs());
      await until(() => received === k, `delivery ${k}`);
      // A fixed order on the wire: the client's next request goes out (and, when polling, is
      // answered empty) before the next publish, so no run has an empty poll the other lacks.
      if (transport === 'short-polling') await until(() => answered(recorder.events, `after=${k}`), `an empty poll after ${k}`);
      else await new Promise((r) => setTimeout(r, 60));
    }
    await until(() => settled(transport, recorder.events) > 0, 'the request after the last delivery');
    await new Promise((r) => setTimeout(r, 100));
    const events = recorder.events.slice(0, settled(transport, recorder.events)).map(shape);
    return transport === 'short-polling' ? collapse(events) : events;
  } finally {
    subscriber.close();
    await sender.close();
    recorder.reset();
    await server.close();
  }
}

/** Short polling's repeats, counted once: an event equal to the one before, or a request/answer pair equal to the pair before. */
function collapse(events: readonly string[]): string[] {
  const out: string[] = [];
  for (const e of events) {
    out.push(e);
    if (out.length >= 2 && out.at(-1) === out.at(-2)) out.pop();
    while (out.length >= 4 && out.at(-1) === out.at(-3) && out.at(-2) === out.at(-4)) out.splice(-2, 2);
  }
  return out;
}

/** What differs between two recorded exchanges (empty when the wire is the same). */
function differences(product: string[], lean: string[]): string[] {
  const out: string[] = [];
  if (product.length !== lean.length) out.push(`events: product ${product.length}, lean ${lean.length}`);
  for (let i = 0; i < Math.max(product.length, lean.length); i++) {
    if (product[i] !== lean[i]) out.push(`#${i}: product ${product[i] ?? '(none)'} | lean ${lean[i] ?? '(none)'}`);
  }
  return out;
}

const TRANSPORTS: Transport[] = ['long-polling', 'short-polling', 'websocket', 'sse'];

describe('lean load clients put the product clients\' bytes on the wire', () => {
  for (const transport of TRANSPORTS) {
    for (const set of ['node', 'browser'] as const) {
      it(`${transport}, --headers ${set}`, async () => {
        const headers = set === 'browser' ? browserHeaders(proxyUrl) : undefined;
        const product = await exchange(transport, false, headers);
        const lean = await exchange(transport, true, headers);
        // The script did happen: a join, three deliveries and the requests between.
        expect(product.filter((e) => e.startsWith('up ')).length).toBeGreaterThanOrEqual(transport === 'websocket' ? 2 : 1);
        expect(product.some((e) => /^down (frame|chunk|response)/.test(e))).toBe(true);
        expect(differences(product, lean)).toEqual([]);
      }, 30_000);
    }
  }

  it('fires on a difference: one extra request header on the lean side', async () => {
    const extra = { fetch: { 'x-extra': '1' }, upgrade: { 'x-extra': '1' }, stream: { 'x-extra': '1' } };
    const product = await exchange('long-polling', false, undefined);
    const lean = await exchange('long-polling', true, undefined, extra);
    const diff = differences(product, lean);
    expect(diff.length).toBeGreaterThan(0);
    expect(diff.join('\n')).toContain('x-extra:1');
  }, 30_000);
});
