/**
 * The lean subscriber of the Socket.IO peer on its WebSocket transport (peer-socketio): the
 * upgrade `GET /socket.io/?EIO=4&transport=websocket` as engine.io-client 6.6 makes it in Node
 * (`ws` with its default `perMessageDeflate: { threshold: 1024 }`, which offers
 * permessage-deflate in the same header; the peer server declines it), then one engine.io
 * packet per text frame (lean-socketio-base.ts). Each frame is read from ws's Buffer in place:
 * no string, no socket.io-parser, no JSON.parse per message. `skipUTF8Validation` changes
 * nothing on the wire: the scanner reads ASCII only and declines anything else to JSON.parse.
 * It uses `ws` directly (as lean-websocket.ts did); a raw-socket client may replace it later.
 */
import type { Socket } from 'node:net';
import WebSocket from 'ws';
import type { ClientStats } from '../../../clients/types.ts';
import { LeanSocketIoBase, SIO_PATH } from './lean-socketio-base.ts';
import type { LeanSubscriber } from './lean-subscriber.ts';

export class LeanSocketIoWebSocket extends LeanSocketIoBase implements LeanSubscriber {
  #ws: WebSocket | undefined;
  #socket: Socket | undefined;

  start(): Promise<void> {
    const joined = this.joined();
    const url = `${this.o.baseUrl.replace(/^http/, 'ws')}${SIO_PATH}?EIO=4&transport=websocket`;
    const ws = new WebSocket(url, { perMessageDeflate: { threshold: 1024 }, skipUTF8Validation: true });
    this.#ws = ws;
    this.counters.requests++;
    ws.once('upgrade', (res) => (this.#socket = res.socket as Socket));
    ws.on('message', (data: Buffer) => this.#frame(data));
    ws.on('error', (error) => this.fail(error));
    ws.on('close', (code) => this.fail(new Error(`WebSocket closed (${code})`)));
    return joined;
  }

  override get stats(): ClientStats {
    const s = this.counters;
    if (this.#socket !== undefined) {
      s.bytesSent = this.#socket.bytesWritten;
      s.bytesReceived = this.#socket.bytesRead;
    }
    return s;
  }

  #frame(b: Buffer): void {
    this.receivedAt = this.o.clock();
    this.packet(b, 0, b.length);
    this.afterPackets();
  }

  protected write(packet: string): void {
    this.#ws?.send(packet);
  }

  protected drop(): void {
    this.#ws?.terminate();
  }
}
