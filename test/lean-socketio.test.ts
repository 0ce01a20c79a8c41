/**
 * The lean Socket.IO subscribers (bench/harness/worker/lean-socketio-*.ts) against the real
 * peer server, on both engine transports: what they hand the bench's sink for the cases the
 * in-place reader must get right — a burst that engine.io packs into one poll payload
 * (`\x1e`-separated records), messages the scanner declines (escaped text, a sentAt with 17
 * significant digits) read through JSON.parse with the same fields, another room's messages
 * skipped — and a join the server refuses failing start().
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeMessageText } from '../bench/measure/accounting.ts';
import { clockMs } from '../bench/measure/clock.ts';
import { leanSubscriber } from '../bench/harness/worker/lean-clients.ts';
import { LeanPool } from '../bench/harness/worker/lean-http.ts';
import type { ScannedMessage } from '../bench/harness/worker/lean-scan.ts';
import type { LeanSubscriber } from '../bench/harness/worker/lean-subscriber.ts';
import { PEER_INFO, PEERS, type PeerName } from '../bench/peers/peers.ts';
import { SocketIoClient } from '../bench/peers/socketio-client.ts';
import { startPeerServer } from '../bench/peers/start.ts';
import type { SpawnedServer } from '../bench/targets/spawn-server.ts';
import { until } from './helpers/until.ts';
import { WireRecorder } from './helpers/wire-recorder.ts';

const RUN = 'r7';
type Got = Pick<ScannedMessage, 'seq' | 'ts' | 'sentAt' | 'k' | 'lateUs'>;

describe.each(PEERS.map((p) => [p]))('lean Socket.IO subscriber: %s', (peer: PeerName) => {
  let server: SpawnedServer;
  const recorder = new WireRecorder();
  let proxyUrl = '';
  const closers: (() => unknown)[] = [];

  beforeAll(async () => {
    server = await startPeerServer(PEER_INFO[peer].target, undefined);
    recorder.upstreamPort = server.port;
    proxyUrl = `http://127.0.0.1:${await recorder.listen()}`;
  }, 20_000);

  afterAll(async () => {
    for (const close of closers) await close();
    await recorder.close();
    await server?.stop();
  });

  function subscriber(room: string, baseUrl = server.url): { lean: LeanSubscriber; got: Got[] } {
    const got: Got[] = [];
    const sink = { deliver: (_slot: number, _at: number, m: ScannedMessage) => void got.push({ seq: m.seq, ts: m.ts, sentAt: m.sentAt, k: m.k, lateUs: m.lateUs }) };
    const lean = leanSubscriber(PEER_INFO[peer].counterpart, { baseUrl, nick: 'sub', room, run: RUN, slot: 0, pollIntervalMs: 2000, sink, clock: clockMs }, new LeanPool(), peer);
    closers.push(() => lean.close());
    return { lean, got };
  }

  function sender(): SocketIoClient {
    const c = new SocketIoClient({ baseUrl: server.url, nick: 'send', peer });
    closers.push(() => c.close());
    return c;
  }

  it('reads a burst, the scanner\'s declines and plain messages alike, and only its own room', async () => {
    const { lean, got } = subscriber('burst', proxyUrl);
    const other = subscriber('elsewhere');
    await Promise.all([lean.start(), other.lean.start()]);
    const s = sender();
    const text = (k: number): string => encodeMessageText({ run: RUN, sender: 0, k, pred: k - 1, lateUs: 42 }, 40);
    // 17 significant digits: past what the scanner reads exactly, so JSON.parse reads it.
    const longSentAt = 1795834639532.1628;
    const sends = [
      s.send('burst', text(1), 1000.5),
      s.send('burst', `${text(2)}"quoted"\u00e9`, longSentAt),
      s.send('burst', text(3)),
      s.send('elsewhere', text(9), 7),
      ...Array.from({ length: 20 }, (_, i) => s.send('burst', text(10 + i), 2000 + i)),
    ];
    await Promise.all(sends);
    await until(() => got.length === 23, 'every burst message');
    expect(got.map((m) => m.seq)).toEqual(Array.from({ length: 23 }, (_, i) => i + 1));
    expect(got[0]).toMatchObject({ k: 1, lateUs: 42, sentAt: 1000.5 });
    expect(got[1]).toMatchObject({ k: 2, lateUs: 42, sentAt: longSentAt });
    expect(got[2]?.sentAt).toBeNaN();
    expect(got[3]).toMatchObject({ k: 10, sentAt: 2000 });
    for (const m of got) expect(Math.abs(m.ts - Date.now())).toBeLessThan(10_000);
    await until(() => other.got.length === 1, 'the other room\'s message');
    expect(other.got[0]).toMatchObject({ k: 9, sentAt: 7, seq: 1 });
    if (peer === 'socketio-polling') {
      // engine.io packed some of the burst into one poll answer: `\x1e`-separated records were read.
      const packed = recorder.events.filter((e) => e.kind === 'response' && e.body.includes('\x1e42["message"'));
      expect(packed.length).toBeGreaterThan(0);
    }
  }, 30_000);

  it('fails start() when the server refuses the join (an empty room)', async () => {
    const { lean } = subscriber('');
    await expect(lean.start()).rejects.toThrow(/join: invalid_room/);
  }, 20_000);
});
