/**
 * The lean WebSocket subscriber: the same upgrade (`ws` with the product factory's options,
 * clients/node/websocket.ts) and the same join frame as clients/websocket.ts, but each
 * `message` frame is read from its Buffer in place (lean-scan.ts): no string, no JSON.parse,
 * no MessageEvent per frame (ws's 'message' listener, not onmessage). Other frames (joined,
 * errors) are rare and parsed. `skipUTF8Validation` changes nothing on the wire: the scanner
 * only reads ASCII and declines anything else to JSON.parse of the decoded text.
 */
import type { Socket } from 'node:net';
import WebSocket from 'ws';
import type { ChatMessage } from '../../../protocol/types.ts';
import { LeanStreamBase } from './lean-base.ts';
import { hasAt, latin1Bytes, roomIs, scanMessage } from './lean-scan.ts';
import type { LeanSubscriber } from './lean-subscriber.ts';

const MESSAGE = latin1Bytes('{"type":"message","message":');

export class LeanWebSocket extends LeanStreamBase implements LeanSubscriber {
  #ws: WebSocket | undefined;
  #joined: ((last: number) => void) | undefined;

  start(): Promise<void> {
    return new Promise((resolve, reject) => {
      const url = new URL(this.o.baseUrl.replace(/^http/, 'ws') + '/ws');
      url.searchParams.set('nick', this.o.nick);
      const upgrade = this.o.headers?.upgrade;
      const ws = new WebSocket(url.toString(), { perMessageDeflate: false, skipUTF8Validation: true, ...(upgrade === undefined ? {} : { headers: upgrade }) });
      this.#ws = ws;
      this.counters.requests++;
      ws.once('upgrade', (res) => (this.socket = res.socket as Socket));
      ws.on('message', (data: Buffer) => this.#frame(data));
      ws.on('error', (error) => reject(error));
      ws.on('close', (code) => reject(new Error(`WebSocket closed (${code})`)));
      ws.once('open', () => {
        this.#joined = () => resolve();
        const room = this.o.room;
        ws.send(JSON.stringify({ type: 'join', room, ref: `join:${room}` }));
      });
    });
  }

  close(): void {
    this.#ws?.terminate();
  }

  #frame(b: Buffer): void {
    this.receivedAt = this.o.clock();
    const m = this.m;
    if (hasAt(b, 0, MESSAGE)) {
      const end = scanMessage(b, MESSAGE.length, b.length, this.run, m);
      if (end > 0 && b[end] === 0x7d && end + 1 === b.length) {
        if (roomIs(b, m, this.room)) this.deliver(m);
        return;
      }
    }
    this.#slow(b.toString('utf8'));
  }

  /** Anything the scanner declines: parsed, as the product client does. */
  #slow(text: string): void {
    let frame: { type?: string; message?: ChatMessage; room?: string; last?: number };
    try {
      frame = JSON.parse(text) as typeof frame;
    } catch {
      return;
    }
    if (frame.type === 'message' && frame.message !== undefined) this.deliverParsed([frame.message], 0);
    else if (frame.type === 'joined' && frame.room === this.o.room) {
      this.#joined?.(frame.last ?? 0);
      this.#joined = undefined;
    } else if (frame.type === 'error') this.#ws?.close();
  }
}
