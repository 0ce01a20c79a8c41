/**
 * One WebSocket client: a Member of the core, its rooms, and its frames. Frames are handled
 * one at a time in arrival order, so a `join` finishes before a `send` that follows it, and
 * the first frames a client gets are its query rooms' `joined`.
 *
 * Fairness against a flooding client: frames are worked through in slices of at most SLICE_FRAMES frames or
 * SLICE_MS of work, with a turn of the event loop between slices, so one client's burst of
 * sends into a big room cannot hold the loop while other clients wait; and while more than
 * MAX_WAITING_FRAMES wait, the socket is not read.
 *
 * Memory: a server keeps thousands of these idle, so a connection holds only what it needs
 * while idle: the socket's listeners are functions shared by every connection (they find the
 * connection through one property on the `ws`), the frame line is allocated while frames wait,
 * the rooms are a small array, and the peer's address is read only if a rate limit needs it
 * (reading it makes node cache an address object on the socket).
 */
import type { Socket } from 'node:net';
import type { WebSocket, RawData } from 'ws';
import { ProtocolError } from '../../protocol/errors.ts';
import { CLOSE, type ClientFrame } from '../../protocol/types.ts';
import * as validate from '../../protocol/validate.ts';
import type { Member } from '../core/chat-core.ts';
import type { Envelope } from '../core/envelope.ts';
import type { ServerContext } from '../context.ts';
import { checkPublishLimit } from '../http/rate-limit.ts';
import { checkRoomCount } from '../core/lp-sessions.ts';
import { intern } from '../core/intern.ts';
import { messageFrame } from './frame.ts';

const decoder = new TextDecoder('utf-8');

/** Most frames handled in one turn of the event loop. */
const SLICE_FRAMES = 64;
/** Most time spent on one connection's frames in one turn, ms (a publish's fan-out counts). */
const SLICE_MS = 5;
/** Frames waiting past this stop the socket being read until they are worked through. */
const MAX_WAITING_FRAMES = 256;

type Task = () => Promise<void> | void;

/** The connection a `ws` belongs to, for the listeners every connection shares. */
const CONNECTION = Symbol('pushlab.connection');
type Owned = WebSocket & { [CONNECTION]: WsConnection };

// The socket's listeners, shared by every connection (`this` is the ws): no closures per connection.
function onPong(this: WebSocket): void {
  (this as Owned)[CONNECTION].alive = true;
}
function onMessage(this: WebSocket, data: RawData, isBinary: boolean): void {
  (this as Owned)[CONNECTION].frame(data, isBinary);
}
function onClose(this: WebSocket): void {
  (this as Owned)[CONNECTION].gone();
}
// Errors (bad frames) are followed by 'close'; ws already picked the close code.
function ignore(): void {}

export class WsConnection implements Member {
  readonly nick: string;
  /** Rooms joined (or being joined), interned; replaced, not changed, so leaveAll may iterate it. */
  rooms: readonly string[] = [];
  /** Set false at each ping, true at each pong: the heartbeat drops peers still false. */
  alive = true;
  readonly #ws: WebSocket;
  /** The upgraded socket: messages are framed once per room (frame.ts) and written to it, unless `#framed` is false (permessage-deflate). */
  readonly #socket: Socket;
  readonly #framed: boolean;
  readonly #server: ServerContext;
  /** Where the connection is listed (the adapter's set): it leaves it on close. */
  readonly #list: Set<WsConnection>;
  /** Frames waiting their turn; undefined while none wait. */
  #tasks: Task[] | undefined;
  #running = false;
  #paused = false;
  #closed = false;

  /** Who the publish rate limit counts this client as: the token's nick, else (undefined) its address, read at the first send. */
  #limitKey: string | undefined;

  constructor(ws: WebSocket, nick: string, server: ServerContext, socket: Socket, list: Set<WsConnection>, limitKey?: string) {
    this.#ws = ws;
    this.#socket = socket;
    this.#framed = server.options.compression !== true;
    this.nick = nick;
    this.#limitKey = limitKey;
    this.#server = server;
    this.#list = list;
    list.add(this);
    (ws as Owned)[CONNECTION] = this;
    ws.on('pong', onPong);
    ws.on('message', onMessage);
    ws.on('close', onClose);
    ws.on('error', ignore);
  }

  get socket(): WebSocket {
    return this.#ws;
  }

  /** Join the rooms named in the upgrade query, before any client frame is handled. */
  start(rooms: readonly string[]): void {
    for (const room of rooms) this.#enqueue(() => this.#join(room, undefined, undefined));
  }

  /** A client frame arrived (the shared 'message' listener). */
  frame(data: RawData, isBinary: boolean): void {
    this.#enqueue(() => this.#onFrame(data, isBinary));
  }

  /** The socket closed (the shared 'close' listener). */
  gone(): void {
    this.#closed = true;
    this.#list.delete(this);
    this.#server.core.leaveAll(this, this.rooms);
    this.rooms = [];
  }

  joined(room: string, last: number, gap: number | undefined): void {
    this.#send(gap === undefined ? `{"type":"joined","room":${JSON.stringify(room)},"last":${last}}` : `{"type":"joined","room":${JSON.stringify(room)},"last":${last},"gap":${gap}}`);
  }

  deliver(envelope: Envelope): void {
    if (!this.#framed) {
      if (this.#send(envelope.frame)) this.#server.metrics.countDelivered('websocket', 1);
      return;
    }
    const ws = this.#ws;
    if (this.#closed || ws.readyState !== ws.OPEN) return;
    // The frame every member of the room shares, written as is: no per-client framing.
    this.#socket.write(messageFrame(envelope));
    if (!this.#overBuffered()) this.#server.metrics.countDelivered('websocket', 1);
  }

  close(code: number, reason: string): void {
    if (this.#ws.readyState === this.#ws.OPEN) this.#ws.close(code, reason);
  }

  #enqueue(task: Task): void {
    const tasks = (this.#tasks ??= []);
    tasks.push(task);
    if (!this.#paused && tasks.length > MAX_WAITING_FRAMES) {
      this.#paused = true;
      this.#ws.pause();
    }
    if (!this.#running) void this.#run();
  }

  /** Work through waiting frames in order, yielding to the event loop between slices. */
  async #run(): Promise<void> {
    this.#running = true;
    let sliceStart = performance.now();
    let handled = 0;
    for (let task = this.#tasks?.shift(); task !== undefined; task = this.#tasks?.shift()) {
      try {
        await task();
      } catch {
        // Each task answers its own errors; nothing else may stop the line.
      }
      if (++handled >= SLICE_FRAMES || performance.now() - sliceStart >= SLICE_MS) {
        await new Promise<void>((resolve) => setImmediate(resolve));
        sliceStart = performance.now();
        handled = 0;
      }
      if (this.#paused && (this.#tasks?.length ?? 0) <= MAX_WAITING_FRAMES / 2) {
        this.#paused = false;
        if (!this.#closed) this.#ws.resume();
      }
    }
    // Drained: the line's grown array goes with it (~150 B an idle connection kept).
    this.#tasks = undefined;
    this.#running = false;
  }

  async #onFrame(data: RawData, isBinary: boolean): Promise<void> {
    let ref: string | undefined;
    try {
      if (isBinary) throw new ProtocolError('invalid_json', 'frames must be UTF-8 JSON text');
      const raw = Array.isArray(data) ? Buffer.concat(data) : Buffer.isBuffer(data) ? data : new Uint8Array(data);
      let parsed: unknown;
      try {
        parsed = JSON.parse(decoder.decode(raw));
      } catch {
        throw new ProtocolError('invalid_json', 'the frame is not JSON');
      }
      if (typeof parsed === 'object' && parsed !== null && typeof (parsed as { ref?: unknown }).ref === 'string') {
        ref = (parsed as { ref: string }).ref;
      }
      await this.#handle(validate.clientFrame(parsed, this.#server.options.maxMessageBytes), ref);
    } catch (error) {
      this.#sendError(error, ref);
    }
  }

  async #handle(frame: ClientFrame, ref: string | undefined): Promise<void> {
    switch (frame.type) {
      case 'join':
        return this.#join(frame.room, frame.after, ref);
      case 'leave':
        this.rooms = this.rooms.filter((r) => r !== frame.room);
        // The protocol defines no answer to a leave: messages of the room simply stop.
        this.#server.core.leave(frame.room, this);
        return;
      case 'send': {
        checkPublishLimit(this.#server, (this.#limitKey ??= this.#socket.remoteAddress ?? ''));
        const draft = frame.sentAt === undefined ? { from: this.nick, text: frame.text } : { from: this.nick, text: frame.text, sentAt: frame.sentAt };
        const { message } = await this.#server.core.publish(frame.room, draft);
        const ref = frame.ref === undefined ? '' : `"ref":${JSON.stringify(frame.ref)},`;
        this.#send(`{"type":"ack",${ref}"room":${JSON.stringify(frame.room)},"seq":${message.seq}}`);
        return;
      }
    }
  }

  async #join(room: string, after: number | undefined, ref: string | undefined): Promise<void> {
    if (this.#closed) return;
    try {
      if (!this.rooms.includes(room)) {
        checkRoomCount(this.rooms.length + 1, this.#server.options.maxRoomsPerClient);
        // concat, not a spread: an array built by spreading grows to 17 slots (~150 B) for one room.
        this.rooms = this.rooms.concat(intern(room));
      }
      await this.#server.core.join(room, this, after);
      if (this.#closed) this.#server.core.leave(room, this);
    } catch (error) {
      this.rooms = this.rooms.filter((r) => r !== room);
      this.#sendError(error, ref);
    }
  }

  #sendError(error: unknown, ref: string | undefined): void {
    const e = error instanceof ProtocolError ? error : undefined;
    if (e === undefined) console.error('pushlab: websocket internal error', error);
    const frame: Record<string, string> = { type: 'error', code: e?.code ?? 'internal', message: e?.message ?? 'internal error' };
    if (ref !== undefined) frame.ref = ref;
    this.#send(JSON.stringify(frame));
  }

  /** Send a text frame; a consumer whose unsent data passes the bound is closed 1013. */
  #send(text: string): boolean {
    const ws = this.#ws;
    if (this.#closed || ws.readyState !== ws.OPEN) return false;
    ws.send(text);
    return !this.#overBuffered();
  }

  /** True (and the peer closed 1013) when its unsent data has passed maxBufferedBytes. */
  #overBuffered(): boolean {
    const ws = this.#ws;
    if (this.#closed) return true;
    if (ws.bufferedAmount <= this.#server.options.maxBufferedBytes) return false;
    this.#closed = true;
    this.#server.core.leaveAll(this, this.rooms);
    ws.close(CLOSE.tryAgainLater, 'slow consumer: reconnect and join with after');
    // A peer that reads nothing won't read the close frame either.
    setTimeout(() => ws.terminate(), 2000).unref();
    return true;
  }
}
