/**
 * A message's whole WebSocket frame, built once per message and written as is to every member
 * of its room. `ws.send(text)` frames per call: it measures the string, allocates a header,
 * spreads an options object and writes header and payload (UTF-8 encoding the string again)
 * for every client. In a 1,000-client fan-out that per-client work was the gap to the bare
 * `ws` broadcast; one frame shared by all of them is less than the baseline pays.
 *
 * Only for servers without permessage-deflate: then ws's Sender never queues, so a frame
 * written straight to the socket cannot interleave with one of ws's (ping, close, other sends).
 */
import type { Envelope } from '../core/envelope.ts';

/** A final, unmasked text frame (RFC 6455 §5.2): FIN + opcode 1; servers never mask. */
const FIN_TEXT = 0x81;

export function textFrame(text: string): Buffer {
  const length = Buffer.byteLength(text);
  const header = length < 126 ? 2 : length < 65536 ? 4 : 10;
  const frame = Buffer.allocUnsafe(header + length);
  frame[0] = FIN_TEXT;
  if (header === 2) {
    frame[1] = length;
  } else if (header === 4) {
    frame[1] = 126;
    frame.writeUInt16BE(length, 2);
  } else {
    frame[1] = 127;
    frame.writeUInt32BE(Math.floor(length / 2 ** 32), 2);
    frame.writeUInt32BE(length >>> 0, 6);
  }
  frame.write(text, header, 'utf8');
  return frame;
}

/** The envelope's `message` frame as wire bytes, built on first use and kept on the envelope. */
export function messageFrame(envelope: Envelope): Buffer {
  envelope.wsFrameBytes ??= textFrame(envelope.frame);
  return envelope.wsFrameBytes;
}
