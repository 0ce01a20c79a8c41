/**
 * The lean Socket.IO subscribers (bench/harness/worker/lean-socketio-*.ts) must put exactly
 * what `socket.io-client` (bench/peers/socketio-client.ts) puts on the wire: the same scripted
 * exchange — handshake, socket.io connect, join with its ack, three messages published (by a
 * socket.io-client sender, straight to the server) and received, the polls between, then the
 * first ping and its pong (and, polling, the re-poll after it) — is recorded through a proxy
 * (helpers/wire-recorder.ts) once with each, against a fresh peer server, and compared:
 * requests (count, order, method and target, header names and value sizes, body), frames both
 * ways, responses (status, header names, body). Per-run values are normalised: engine.io's
 * cache-busting `t`, the sids, the WebSocket key, and numbers and message ids in what comes down.
 */
import { describe, expect, it } from 'vitest';
import { encodeMessageText } from '../bench/measure/accounting.ts';
import { clockMs } from '../bench/measure/clock.ts';
import { leanSubscriber } from '../bench/harness/worker/lean-clients.ts';
import { LeanPool } from '../bench/harness/worker/lean-http.ts';
import type { LeanSubscriber } from '../bench/harness/worker/lean-subscriber.ts';
import { PEER_INFO, PEERS, type PeerName } from '../bench/peers/peers.ts';
import { SocketIoClient } from '../bench/peers/socketio-client.ts';
import { SOCKETIO_SERVER_SCRIPT } from '../bench/peers/start.ts';
import { spawnServer } from '../bench/targets/spawn-server.ts';
import { until } from './helpers/until.ts';
import { WireRecorder, type WireEvent } from './helpers/wire-recorder.ts';

const RUN = 'r1';
/**
 * The peer server's ping interval here, ms: long enough that the first ping comes after the
 * script's three messages (a few hundred ms; seconds on a machine at load 25), short enough to keep the test quick.
 */
const PING_MS = 4000;


const isPong = (e: WireEvent): boolean => e.dir === 'up' && e.body === '3';

/**
 * Where the exchange is complete: WebSocket, the pong frame; polling, the re-poll after the
 * pong's POST. The POST's `ok` may reach the proxy before or after that GET (two sockets), so
 * answers after the pong are left out.
 */
function settled(events: readonly WireEvent[]): WireEvent[] | undefined {
  const pong = events.findIndex(isPong);
  if (pong < 0) return undefined;
  if (events[pong]?.kind === 'frame') return events.slice(0, pong + 1);
  const repoll = events.findIndex((e, i) => i > pong && e.kind === 'request' && e.line.startsWith('GET '));
  if (repoll < 0) return undefined;
  return [...events.slice(0, pong + 1), ...events.slice(pong + 1, repoll + 1).filter((e) => e.dir === 'up')];
}

/** `name=value` of a query, value masked to its length. */
const maskParam = (line: string, name: string): string => line.replace(new RegExp(`([?&]${name}=)([^&\\s]*)`), (_, key: string, value: string) => key + '*'.repeat(value.length));

/** One event as compared: the client's bytes exactly (with t and sid masked); what came down with its per-run values blanked. */
function shape(e: WireEvent): string {
  const line = maskParam(maskParam(e.line, 't'), 'sid');
  if (e.dir === 'up') return `up ${e.kind} ${line} [${e.headers.join(' ')}] ${e.bytes} ${e.body}`;
  const body = e.body.replace(/"(id|sid)":"([^"]*)"/g, (_, key: string, value: string) => `"${key}":"${'*'.repeat(value.length)}"`).replace(/[0-9]+(\.[0-9]+)?/g, '#');
  return `down ${e.kind} ${line} [${e.headers.map((h) => h.split(':')[0]).join(' ')}] ${body}`;
}

/** What a lean run may change on purpose, to see the comparison fire. */
interface Twist {
  nick?: string;
  pool?: LeanPool;
}

/** Run the script with one subscriber; the recorded shape of the exchange. */
async function exchange(peer: PeerName, lean: boolean, twist: Twist = {}): Promise<string[]> {
  const server = await spawnServer({ script: SOCKETIO_SERVER_SCRIPT, args: ['--transport', PEER_INFO[peer].engineTransport, '--ping-interval', String(PING_MS)] });
  // A proxy per exchange: a connection an earlier exchange left behind (a poll still out, a
  // late reconnect) reaches its own, closed proxy, never this recording.
  const recorder = new WireRecorder();
  const proxyUrl = `http://127.0.0.1:${await recorder.listen()}`;
  recorder.upstreamPort = server.port;
  let received = 0;
  let subscriber: SocketIoClient | LeanSubscriber | undefined;
  const sender = new SocketIoClient({ baseUrl: server.url, nick: 'send0', peer });
  try {
    if (lean) {
      subscriber = leanSubscriber(PEER_INFO[peer].counterpart, { baseUrl: proxyUrl, nick: twist.nick ?? 'sub0', room: 'lobby', run: RUN, slot: 0, pollIntervalMs: 2000, sink: { deliver: () => void received++ }, clock: clockMs }, twist.pool ?? new LeanPool(), peer);
      await subscriber.start();
    } else {
      // As bench/peers/clients.ts makes the peer's subscriber for the workers.
      const client = new SocketIoClient({ baseUrl: proxyUrl, nick: 'sub0', peer, clock: clockMs });
      client.on('raw', () => void received++);
      subscriber = client;
      await client.connect();
      await client.join('lobby');
    }
    for (let k = 1; k <= 3; k++) {
      await sender.send('lobby', encodeMessageText({ run: RUN, sender: 0, k, pred: k - 1, lateUs: 0 }, 64), clockMs());
      await until(() => received === k, `delivery ${k}`);
      // A fixed order on the wire: the re-poll goes out before the next publish.
      await new Promise((r) => setTimeout(r, 60));
    }
    await until(() => settled(recorder.events) !== undefined, 'the first ping, its pong and the re-poll', PING_MS + 5000);
    return (settled(recorder.events) ?? []).map(shape);
  } finally {
    await subscriber?.close();
    await sender.close();
    await recorder.close();
    await server.stop();
  }
}

/** The lean side's events that differ from the product's at the same place (and any it lacks or adds). */
function leanDiffers(product: readonly string[], lean: readonly string[]): string[] {
  return Array.from({ length: Math.max(product.length, lean.length) }, (_, i) => lean[i] ?? '(none)').filter((e, i) => e !== product[i]);
}

/** A pool whose requests carry one extra header: a difference the comparison must see. */
class ExtraHeaderPool extends LeanPool {
  override acquire(host: string, port: number): ReturnType<LeanPool['acquire']> {
    const c = super.acquire(host, port);
    const send = c.send.bind(c);
    c.send = (head, body, handler, timeoutMs) => send(head.replace('\r\nAccept: ', '\r\nX-Extra: 1\r\nAccept: '), body, handler, timeoutMs);
    return c;
  }
}

describe('lean Socket.IO subscribers put socket.io-client\'s bytes on the wire', () => {
  for (const peer of PEERS) {
    it(peer, async () => {
      const product = await exchange(peer, false);
      const lean = await exchange(peer, true);
      // The script did happen: the handshake, connect, join, three messages, a ping and its pong.
      expect(product.filter((e) => e.startsWith('down ') && e.includes('#["message",')).length).toBe(3);
      expect(product.filter((e) => e.startsWith('up ') && e.endsWith(' 420["join","lobby"]'))).toHaveLength(1);
      expect(product.at(peer === 'socketio' ? -1 : -2)).toMatch(/^up .* 3$/);
      if (peer === 'socketio') {
        // One socket: event by event (vitest prints where the two wires part).
        expect(lean).toEqual(product);
        return;
      }
      // Polling runs a GET and a POST at once on two sockets, so when an answer arrives beside the
      // other socket's request is a race: the client's bytes are compared in order, the answers
      // as a whole (the same answers, whatever their interleaving).
      const up = (events: readonly string[]): string[] => events.filter((e) => e.startsWith('up '));
      const down = (events: readonly string[]): string[] => events.filter((e) => !e.startsWith('up ')).sort();
      expect(up(lean)).toEqual(up(product));
      expect(down(lean)).toEqual(down(product));
    }, 45_000);
  }

  it('fires on a difference: one extra request header on the lean side (polling)', async () => {
    const product = await exchange('socketio-polling', false);
    const lean = await exchange('socketio-polling', true, { pool: new ExtraHeaderPool() });
    const diff = leanDiffers(product, lean);
    expect(diff.length).toBeGreaterThan(0);
    expect(diff.join('\n')).toContain('X-Extra:1');
  }, 45_000);

  it('fires on a difference: another nick in the connect frame (websocket)', async () => {
    const product = await exchange('socketio', false);
    const lean = await exchange('socketio', true, { nick: 'sub9' });
    const diff = leanDiffers(product, lean);
    expect(diff).toHaveLength(1);
    expect(diff[0]).toContain('40{"nick":"sub9"}');
  }, 45_000);
});
