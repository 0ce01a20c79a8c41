/**
 * The lean WebSocket subscriber's frame layer (RFC 6455 §5): a reader for the server's unmasked
 * frames and a writer of the client's masked ones. Hand-written on a measured hot path (the
 * load side of the fanout workload; docs/performance.md): `ws`'s Receiver is a Writable stream
 * per socket, which cost the load side more than the server it measured.
 *
 * The reader takes the bytes of one socket read, which may live in a buffer shared by every
 * socket and reused by the next read (lean-base.ts): a whole unfragmented text frame is handed
 * to `text()` in place, and nothing of the read buffer is kept past the call — a frame split
 * across reads, and the pieces of a fragmented message, are copied. Control frames are
 * answered as `ws` answers them: a ping with a masked pong of the same payload, a close with a
 * masked close echoing its code and reason, then the end of the socket. A protocol error
 * (reserved bits or opcodes, a masked server frame, a fragmented or oversized control frame)
 * is closed with 1002, as `ws` closes it.
 */
import { randomFillSync } from 'node:crypto';
import { Carry } from './lean-base.ts';

/** What the reader reports: text messages (and binary ones, read as UTF-8 text like the product client), the peer's close. */
export interface FrameHandler {
  /** One whole message's payload, b[start, end); valid only during the call. */
  text(b: Buffer, start: number, end: number): void;
  /** A frame to write to the socket (a pong or a close): a fresh buffer, never the read buffer. */
  write(frame: Buffer): void;
  /** The close handshake ended on our side (`code` received, 1005 if none; 1002 for a protocol error): end the socket. */
  closed(code: number): void;
}

/** RFC 6455 opcodes. */
export const OP = { continuation: 0x0, text: 0x1, binary: 0x2, close: 0x8, ping: 0x9, pong: 0xa } as const;

/**
 * Messages above this are a protocol violation for this client (`ws`'s default maxPayload is
 * 100 MiB and answers 1009); the server's own limit is far lower (maxFrameBytes).
 */
const MAX_PAYLOAD = 100 * 1024 * 1024;

/** Mask keys come from a pool refilled 1,024 keys at a time (as `ws` does): a frame costs no syscall. */
const maskPool = Buffer.alloc(4 * 1024);
let maskAt = maskPool.length;

function nextMask(into: Buffer, at: number): void {
  if (maskAt === maskPool.length) {
    randomFillSync(maskPool);
    maskAt = 0;
  }
  maskPool.copy(into, at, maskAt, maskAt + 4);
  maskAt += 4;
}

/** A client frame (FIN set): header, a fresh random 4-byte mask key (RFC 6455 §5.3), the payload masked with it. */
export function maskedFrame(opcode: number, payload: Uint8Array): Buffer {
  const n = payload.length;
  const header = n < 126 ? 2 : n < 65536 ? 4 : 10;
  const frame = Buffer.allocUnsafe(header + 4 + n);
  frame[0] = 0x80 | opcode;
  if (n < 126) frame[1] = 0x80 | n;
  else if (n < 65536) {
    frame[1] = 0x80 | 126;
    frame.writeUInt16BE(n, 2);
  } else {
    frame[1] = 0x80 | 127;
    frame.writeUInt32BE(0, 2);
    frame.writeUInt32BE(n, 6);
  }
  nextMask(frame, header);
  const m = header;
  const p = header + 4;
  for (let i = 0; i < n; i++) frame[p + i] = (payload[i] as number) ^ (frame[m + (i & 3)] as number);
  return frame;
}

/** A close frame's payload: the code (2 bytes) then the reason; empty for 1005 (no code). */
export function closePayload(code: number, reason: Uint8Array = Buffer.alloc(0)): Buffer {
  if (code === 1005) return Buffer.alloc(0);
  const p = Buffer.allocUnsafe(2 + reason.length);
  p.writeUInt16BE(code, 0);
  p.set(reason, 2);
  return p;
}

/** The frame reader of one connection. */
export class FrameReader {
  readonly #h: FrameHandler;
  /** The unread tail of earlier reads (a partial frame), copied out of the read buffer. */
  readonly #carry = new Carry();
  /** A fragmented message's pieces so far (copies), and their total size. */
  #fragments: Buffer[] | undefined;
  #fragmentBytes = 0;
  /** After a close (sent or received) nothing more is read. */
  #done = false;

  constructor(handler: FrameHandler) {
    this.#h = handler;
  }

  /** The bytes of one read, b[0, n): every whole frame is handled; a partial one is kept (copied). */
  read(b: Buffer, n: number): void {
    if (this.#done) return;
    const carry = this.#carry;
    carry.join(b, n);
    const { buf, end } = carry;
    let i = 0;
    while (i < end && !this.#done) {
      const next = this.#frame(buf, i, end);
      if (next < 0) break;
      i = next;
    }
    if (!this.#done) carry.keep(i);
  }

  /** One frame at b[at]: the index after it, or -1 when it is not all here yet. */
  #frame(b: Buffer, at: number, end: number): number {
    if (end - at < 2) return -1;
    const b0 = b[at] as number;
    const b1 = b[at + 1] as number;
    let len = b1 & 0x7f;
    let p = at + 2;
    if (len === 126) {
      if (end - at < 4) return -1;
      len = b.readUInt16BE(at + 2);
      p = at + 4;
    } else if (len === 127) {
      if (end - at < 10) return -1;
      const high = b.readUInt32BE(at + 2);
      // Above 2^53 − 1 cannot be a length here; above MAX_PAYLOAD is refused below.
      if (high > 0x1fffff) return this.#protocolError(1009);
      len = high * 0x1_0000_0000 + b.readUInt32BE(at + 6);
      p = at + 10;
    }
    const opcode = b0 & 0x0f;
    const fin = (b0 & 0x80) !== 0;
    // Reserved bits (no extension was negotiated) and a masked server frame are errors (RFC 6455 §5.2, §5.1).
    if ((b0 & 0x70) !== 0 || (b1 & 0x80) !== 0) return this.#protocolError(1002);
    if (len > MAX_PAYLOAD) return this.#protocolError(1009);
    if (end - p < len) return -1;
    const stop = p + len;
    if (opcode === OP.text && fin && this.#fragments === undefined) {
      this.#h.text(b, p, stop);
      return stop;
    }
    if (opcode >= 0x8) {
      if (!fin || len > 125) return this.#protocolError(1002);
      this.#control(opcode, b, p, stop);
      return stop;
    }
    this.#data(opcode, fin, b, p, stop);
    return stop;
  }

  /** A data frame other than a whole text frame: a binary message, or a piece of a fragmented one. */
  #data(opcode: number, fin: boolean, b: Buffer, p: number, stop: number): void {
    if (opcode === OP.continuation) {
      if (this.#fragments === undefined) return void this.#protocolError(1002);
    } else if (opcode === OP.text || opcode === OP.binary) {
      if (this.#fragments !== undefined) return void this.#protocolError(1002);
      if (fin) return this.#h.text(b, p, stop);
      this.#fragments = [];
      this.#fragmentBytes = 0;
    } else return void this.#protocolError(1002);
    const fragments = this.#fragments as Buffer[];
    fragments.push(Buffer.from(b.subarray(p, stop)));
    this.#fragmentBytes += stop - p;
    if (this.#fragmentBytes > MAX_PAYLOAD) return void this.#protocolError(1009);
    if (!fin) return;
    this.#fragments = undefined;
    const whole = Buffer.concat(fragments, this.#fragmentBytes);
    this.#h.text(whole, 0, whole.length);
  }

  #control(opcode: number, b: Buffer, p: number, stop: number): void {
    if (opcode === OP.ping) this.#h.write(maskedFrame(OP.pong, b.subarray(p, stop)));
    else if (opcode === OP.close) {
      if (stop - p === 1) return void this.#protocolError(1002);
      const code = stop - p >= 2 ? b.readUInt16BE(p) : 1005;
      // The echo carries the same code and reason (as `ws` answers), then we end our side.
      this.#done = true;
      this.#h.write(maskedFrame(OP.close, closePayload(code, b.subarray(p + 2, stop))));
      this.#h.closed(code);
    } else if (opcode !== OP.pong) this.#protocolError(1002);
  }

  /** Close with `code` (1002 protocol error, 1009 too big) and stop reading; -1 for #frame's caller. */
  #protocolError(code: number): number {
    this.#done = true;
    this.#carry.drop();
    this.#fragments = undefined;
    this.#h.write(maskedFrame(OP.close, closePayload(code)));
    this.#h.closed(code);
    return -1;
  }
}
