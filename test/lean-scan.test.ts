/**
 * The lean clients' in-place reader (bench/harness/worker/lean-scan.ts) must read exactly what
 * JSON.parse + decodeMessageText read, or decline (-1) so the caller parses: never a wrong seq,
 * ts, sentAt or id. Checked on the servers' own serialisation (JSON.stringify of a ChatMessage,
 * as servers/core/envelope.ts writes it) for arbitrary values, and on layouts it must decline.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeMessageText, encodeMessageText } from '../bench/measure/accounting.ts';
import { roomIs, scanList, scanMessage, scannedMessage } from '../bench/harness/worker/lean-scan.ts';
import type { ChatMessage } from '../protocol/types.ts';

const run = Buffer.from('ab12cd');

function message(over: Partial<ChatMessage> = {}): ChatMessage {
  return { room: 'lobby', seq: 7, id: '01JDX2ZV8K0000000000000000', from: 'send0', text: encodeMessageText({ run: 'ab12cd', sender: 3, k: 1234, pred: 1200, lateUs: 57 }, 100), ts: 1764286209123, sentAt: 1764286209120.125, ...over };
}

describe('lean-scan', () => {
  it('reads seq, ts, sentAt, k and lateUs as JSON.parse and decodeMessageText do', () => {
    let read = 0;
    fc.assert(
      fc.property(
        fc.record({ seq: fc.nat(), ts: fc.nat({ max: 2 ** 45 }), sentAt: fc.option(fc.oneof(fc.double({ min: 0, max: 2e12, noNaN: true }), fc.integer({ min: 0, max: 2e9 }).map((n) => 1.7e12 + n / 1000)), { nil: undefined }), k: fc.nat(), pred: fc.integer({ min: -1, max: 1e6 }), lateUs: fc.nat({ max: 1e7 }), sender: fc.nat({ max: 99 }), from: fc.string(), room: fc.stringMatching(/^[a-z0-9-]{1,20}$/) }),
        (v) => {
          const m = message({ seq: v.seq, ts: v.ts, sentAt: v.sentAt, from: v.from, room: v.room, text: encodeMessageText({ run: 'ab12cd', sender: v.sender, k: v.k, pred: v.pred, lateUs: v.lateUs }, 64) });
          if (v.sentAt === undefined) delete m.sentAt;
          const b = Buffer.from(JSON.stringify(m));
          const out = scannedMessage();
          const end = scanMessage(b, 0, b.length, run, out);
          if (end < 0) return; // declined (an escaped nick, an exponent): the caller parses
          read++;
          expect(end).toBe(b.length);
          const parsed = JSON.parse(b.toString()) as ChatMessage;
          const id = decodeMessageText(parsed.text);
          expect(out.seq).toBe(parsed.seq);
          expect(out.ts).toBe(parsed.ts);
          expect(Number.isNaN(out.sentAt) ? undefined : out.sentAt).toBe(parsed.sentAt);
          expect(out.k).toBe(id?.k);
          expect(out.lateUs).toBe(id?.lateUs);
          expect(roomIs(b, out, Buffer.from(v.room))).toBe(true);
        },
      ),
      { numRuns: 2000 },
    );
    // The fast path is what ran, not only the decline (nicks with escapes decline).
    expect(read).toBeGreaterThan(1000);
  });

  it('reads a sentAt of 17 significant digits (most µs-fraction epoch stamps) exactly, without declining', () => {
    const out = scannedMessage();
    for (const sentAt of [1764298000123.4558, 1764286209120.0002, 0.1 + 0.2, 123456789012345678]) {
      const b = Buffer.from(JSON.stringify(message({ sentAt })));
      expect(scanMessage(b, 0, b.length, run, out)).toBe(b.length);
      expect(out.sentAt).toBe(sentAt);
    }
  });

  it('declines what is not the servers\' exact layout, so the caller parses it', () => {
    const out = scannedMessage();
    const declines = [
      JSON.stringify(message({ from: 'a"b' })), // an escape in a string
      JSON.stringify(message({ sentAt: 1e21 })), // an exponent
      JSON.stringify({ seq: 7, room: 'lobby' }), // another key order
      JSON.stringify(message()).slice(0, -1), // cut short
    ];
    for (const text of declines) expect(scanMessage(Buffer.from(text), 0, text.length, run, out)).toBe(-1);
  });

  it('marks a message of another run with k = -1 (not counted), and reads a list in order', () => {
    const other = message({ text: encodeMessageText({ run: 'zz9999', sender: 0, k: 5, pred: -1, lateUs: 0 }, 64) });
    const list = Buffer.from(JSON.stringify([message({ seq: 1 }), other, message({ seq: 3, room: 'dev' })]));
    const seen: [number, number][] = [];
    const out = scannedMessage();
    const end = scanList(list, 0, list.length, run, Buffer.from('lobby'), out, (m) => seen.push([m.seq, m.k]));
    expect(end).toBe(list.length);
    expect(seen).toEqual([
      [1, 1234],
      [7, -1],
    ]);
  });
});
