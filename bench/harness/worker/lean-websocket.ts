/**
 * The lean WebSocket subscriber, on a raw socket: the upgrade request is the exact bytes `ws`
 * writes for the product client (lean-ws-handshake.ts), the join frame is clients/websocket.ts's,
 * masked as every client frame is, and the server's frames are taken apart by a small reader
 * (lean-ws-frames.ts) straight out of the socket's read buffer (lean-base.ts). Each `message`
 * frame is read in place (lean-scan.ts): no string, no JSON.parse, no stream, no event per
 * frame. Other frames (joined, errors) are rare and parsed. Measured: `ws`'s client (its
 * Receiver, a Writable per socket, fed by the socket's 'data' events) cost the load side
 * ~32 µs per fanout delivery against the server's ~18.5 µs; see docs/performance.md.
 */
import type { ChatMessage } from '../../../protocol/types.ts';
import { LeanStreamBase } from './lean-base.ts';
import { hasAt, latin1Bytes, roomIs, scanMessage } from './lean-scan.ts';
import type { LeanSubscriber } from './lean-subscriber.ts';
import { FrameReader, maskedFrame, OP, type FrameHandler } from './lean-ws-frames.ts';
import { handshakeError, upgradeRequest, webSocketKey } from './lean-ws-handshake.ts';

const MESSAGE = latin1Bytes('{"type":"message","message":');
const HEAD_END = Buffer.from('\r\n\r\n');

export class LeanWebSocket extends LeanStreamBase implements LeanSubscriber, FrameHandler {
  readonly #reader = new FrameReader(this);
  #key = '';
  /** The 101's bytes until its blank line (copied), while the upgrade is answered. */
  #head: Buffer | undefined = Buffer.alloc(0);
  #joined: { resolve: () => void; reject: (e: Error) => void } | undefined;

  start(): Promise<void> {
    return new Promise((resolve, reject) => {
      this.#joined = { resolve, reject };
      // The URL as the product client builds it (clients/websocket.ts).
      const url = new URL(this.o.baseUrl.replace(/^http/, 'ws') + '/ws');
      url.searchParams.set('nick', this.o.nick);
      this.#key = webSocketKey();
      const host = url.hostname.startsWith('[') ? url.hostname.slice(1, -1) : url.hostname;
      const socket = this.openSocket({ host, port: Number(url.port === '' ? 80 : url.port) });
      this.counters.requests++;
      socket.write(upgradeRequest(url.pathname + url.search, url.host, this.o.headers?.upgrade, this.#key), 'latin1');
    });
  }

  close(): void {
    this.socket?.destroy();
  }

  protected bytes(b: Buffer, n: number): void {
    if (this.#head === undefined) return this.#reader.read(b, n);
    this.#upgraded(b, n);
  }

  protected ended(error: Error | undefined): void {
    this.#fail(error ?? new Error('WebSocket closed before it joined'));
  }

  #fail(error: Error): void {
    this.#joined?.reject(error);
    this.#joined = undefined;
  }

  /** The answer to the upgrade, possibly with the first frames behind it in the same read. */
  #upgraded(b: Buffer, n: number): void {
    const head = Buffer.concat([this.#head as Buffer, b.subarray(0, n)]);
    const end = head.indexOf(HEAD_END);
    if (end < 0) {
      this.#head = head;
      return;
    }
    this.#head = undefined;
    const error = handshakeError(head.toString('latin1', 0, end), this.#key);
    if (error !== undefined) {
      this.#fail(new Error(error));
      this.socket?.destroy();
      return;
    }
    const room = this.o.room;
    this.write(maskedFrame(OP.text, Buffer.from(JSON.stringify({ type: 'join', room, ref: `join:${room}` }))));
    if (head.length > end + 4) this.#reader.read(head.subarray(end + 4), head.length - end - 4);
  }

  /** FrameHandler: a whole message; b[start, stop) is valid only during the call. */
  text(b: Buffer, start: number, stop: number): void {
    const m = this.m;
    if (hasAt(b, start, MESSAGE)) {
      const end = scanMessage(b, start + MESSAGE.length, stop, this.run, m);
      if (end > 0 && end + 1 === stop && b[end] === 0x7d) {
        if (roomIs(b, m, this.room)) this.deliver(m);
        return;
      }
    }
    this.#slow(b.toString('utf8', start, stop));
  }

  /** FrameHandler: a pong or a close (always a fresh buffer). */
  write(frame: Buffer): void {
    this.socket?.write(frame);
  }

  /** FrameHandler: the close handshake is done on our side (or a protocol error): end the socket. */
  closed(code: number): void {
    this.#fail(new Error(`WebSocket closed (${code})`));
    this.socket?.end();
  }

  /** Anything the scanner declines: parsed, as the product client does. */
  #slow(text: string): void {
    let frame: { type?: string; message?: ChatMessage; room?: string };
    try {
      frame = JSON.parse(text) as typeof frame;
    } catch {
      return;
    }
    if (frame.type === 'message' && frame.message !== undefined) this.deliverParsed([frame.message], 0);
    else if (frame.type === 'joined' && frame.room === this.o.room) {
      this.#joined?.resolve();
      this.#joined = undefined;
    } else if (frame.type === 'error' && this.#joined !== undefined) {
      this.#fail(new Error(`the join was refused: ${text.slice(0, 200)}`));
      this.socket?.destroy();
    }
  }
}
