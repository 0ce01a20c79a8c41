/**
 * servers/websocket/frame.ts: a message's frame built once and written to every member as is.
 * Checked on the wire by a real `ws` client across every length form (7-bit, 16-bit, 64-bit)
 * and multi-byte UTF-8, and against ws's own per-client framing with --compression.
 */
import { describe, expect, it } from 'vitest';
import { Envelope } from '../servers/core/envelope.ts';
import { messageFrame, textFrame } from '../servers/websocket/frame.ts';
import { http, openSocket, serversPerTest } from './helpers/server.ts';
import { until } from './helpers/until.ts';

const server = serversPerTest();

describe('websocket frame built once', () => {
  it('frames each payload length form as RFC 6455 says (FIN + text, unmasked)', () => {
    for (const [length, header] of [[125, 2], [126, 4], [65535, 4], [65536, 10]] as const) {
      const frame = textFrame('x'.repeat(length));
      expect(frame[0]).toBe(0x81);
      expect(frame.length).toBe(header + length);
      if (header === 2) expect(frame[1]).toBe(length);
      if (header === 4) expect([frame[1], frame.readUInt16BE(2)]).toEqual([126, length]);
      if (header === 10) expect([frame[1], Number(frame.readBigUInt64BE(2))]).toEqual([127, length]);
    }
    // The length is in UTF-8 bytes, not UTF-16 units.
    expect(textFrame('é€😀')[1]).toBe(2 + 3 + 4);
  });

  it('builds one frame per message and shares it', () => {
    const envelope = new Envelope({ room: 'r', seq: 1, id: 'i', from: 'a', text: 'hi', ts: 1 });
    expect(messageFrame(envelope)).toBe(messageFrame(envelope));
    expect(messageFrame(envelope).subarray(2).toString()).toBe(envelope.frame);
  });

  for (const compression of [false, true]) {
    it(`every member receives small and large multi-byte messages intact, one past 64 KiB (compression ${String(compression)})`, async () => {
      const s = await server({ compression, maxMessageBytes: 200_000 });
      const socks = await Promise.all([0, 1, 2].map(() => openSocket(s.url, 'nick=a&rooms=lobby')));
      await until(() => socks.every((sock) => sock.frames.length >= 1), 'joined');
      const texts = ['é', 'ü€'.repeat(60), '😀'.repeat(20_000)];
      for (const text of texts) {
        await http(`${s.url}/rooms/lobby/messages`, { method: 'POST', body: JSON.stringify({ from: 'p', text }), headers: { 'content-type': 'application/json' } });
      }
      await until(() => socks.every((sock) => sock.frames.length >= 1 + texts.length), 'every message');
      for (const sock of socks) {
        expect(sock.frames.slice(1).map((f) => (f as { message: { text: string } }).message.text)).toEqual(texts);
        sock.ws.close();
      }
    });
  }
});
