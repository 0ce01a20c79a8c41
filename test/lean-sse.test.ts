/**
 * The lean SSE subscriber's parser (bench/harness/worker/lean-sse.ts) on the bytes a pushlab
 * server writes (a chunked event stream: retry, joined, message events with their id lines,
 * ping comments), fed through one shared read buffer that is scrambled after every read, as
 * the socket layer (lean-base.ts) reuses it: split at every byte into two reads, and byte by
 * byte. Every message is read as JSON.parse reads it, whether scanned in place or declined
 * to the parse (an escaped nick); the joined event is seen. The live exchange against a real
 * server is test/wire-equivalence.test.ts's.
 */
import net from 'node:net';
import { describe, expect, it } from 'vitest';
import { encodeMessageText } from '../bench/measure/accounting.ts';
import { LeanSse } from '../bench/harness/worker/lean-sse.ts';
import type { ScannedMessage } from '../bench/harness/worker/lean-scan.ts';
import type { ChatMessage } from '../protocol/types.ts';

/** LeanSse with its read entry point reachable. */
class Probe extends LeanSse {
  read(b: Buffer, n: number): void {
    this.bytes(b, n);
  }
}

function probe(): { p: Probe; got: [number, number, number, number][] } {
  const got: [number, number, number, number][] = [];
  const sink = { deliver: (_slot: number, _at: number, m: ScannedMessage) => void got.push([m.seq, m.ts, m.sentAt, m.k]) };
  return { p: new Probe({ baseUrl: 'http://127.0.0.1:1', nick: 'a', room: 'lobby', run: 'r1', slot: 0, pollIntervalMs: 0, sink, clock: () => 0 }), got };
}

const message = (seq: number, over: Partial<ChatMessage> = {}): ChatMessage => ({ room: 'lobby', seq, id: `id${seq}`, from: 'send0', text: encodeMessageText({ run: 'r1', sender: 0, k: seq * 10, pred: -1, lateUs: 0 }, 40), ts: 1764286209000 + seq, sentAt: 1764298000123.4558 + seq, ...over });
const messages = [message(1), message(2, { from: 'a"b' }), message(3, { sentAt: 1764286209120.5 })];
const events = ['retry: 1000\n\n', 'event: joined\ndata: {"room":"lobby","last":0}\nid: lobby:0\n\n', ...messages.map((m) => `id: lobby:${m.seq}\nevent: message\ndata: ${JSON.stringify(m)}\n\n`), ': ping\n\n'];
/** The server's bytes: the head, one chunk per event (a ping and the last message share one), the end of the body not sent. */
const head = 'HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nTransfer-Encoding: chunked\r\n\r\n';
const chunk = (text: string): string => `${Buffer.byteLength(text).toString(16)}\r\n${text}\r\n`;
const wire = Buffer.from(head + chunk(events[0] as string) + chunk(events[1] as string) + chunk(events[2] as string) + chunk(events[3] as string) + chunk((events[4] as string) + (events[5] as string)));
const expected = messages.map((m) => [m.seq, m.ts, m.sentAt, m.seq * 10]);

/** Feed the wire in reads ending at `cuts`, through one buffer scrambled after each read. */
function feed(p: Probe, cuts: number[]): void {
  const shared = Buffer.alloc(wire.length + 64);
  let from = 0;
  for (const to of [...cuts, wire.length]) {
    if (to <= from) continue;
    wire.copy(shared, 0, from, to);
    p.read(shared, to - from);
    shared.fill(0x7b);
    from = to;
  }
}

describe('lean-sse: the event-stream parser', () => {
  it('reads every message of one read as JSON.parse reads it (scanned, or parsed when declined)', () => {
    const { p, got } = probe();
    feed(p, []);
    expect(got).toEqual(expected);
  });

  it('reads the same split at every byte into two reads of a reused buffer, and byte by byte', () => {
    for (let cut = 1; cut < wire.length; cut++) {
      const { p, got } = probe();
      feed(p, [cut]);
      expect(got, `cut at ${cut}`).toEqual(expected);
    }
    const { p, got } = probe();
    feed(p, Array.from({ length: wire.length }, (_, i) => i + 1));
    expect(got).toEqual(expected);
  });

  it('fails the stream on a malformed chunk-size line, and on a refused request', async () => {
    for (const [answer, error] of [
      [`${head}zz\r\n`, 'malformed chunk'],
      ['HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\n\r\n', 'refused (403)'],
    ] as const) {
      const server = net.createServer((s) => s.once('data', () => s.write(answer)));
      await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
      const lean = new LeanSse({ baseUrl: `http://127.0.0.1:${(server.address() as net.AddressInfo).port}`, nick: 'a', room: 'lobby', run: 'r1', slot: 0, pollIntervalMs: 0, sink: { deliver: () => {} }, clock: () => 0 });
      await expect(lean.start()).rejects.toThrow(error);
      lean.close();
      server.close();
    }
  });
});
