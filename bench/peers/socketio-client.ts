/**
 * A chat client on `socket.io-client` behind the lab's `ChatClient` interface, so the bench
 * drives the Socket.IO peer with the same workers, open-loop schedule, ledger and histograms
 * as every other target. One Socket.IO connection per client (`forceNew`: no multiplexing of
 * many clients over one engine), restricted to one engine transport (`websocket` or
 * `polling`, no upgrade), with a counting keep-alive agent for requests and wire bytes.
 *
 * Joins and sends are emits with acknowledgements (30 s timeout). On a reconnect it joins its
 * rooms again; Socket.IO keeps no history, so what was sent meanwhile is gone (the bench counts
 * it as lost) — that is the peer as teams run it by default.
 */
import { io, type Socket } from 'socket.io-client';
import type { ChatMessage, Transport } from '../../protocol/types.ts';
import { BaseClient, TransportError } from '../../clients/base.ts';
import type { ClientOptions, ClientStats, SendResult } from '../../clients/types.ts';
import { CountingAgent } from './counting-agent.ts';
import { PEER_INFO, type PeerName } from './peers.ts';

/** How long a join or send waits for its acknowledgement, ms. */
export const ACK_TIMEOUT_MS = 30_000;

type Answer = { error?: { code?: string; message?: string } } & Record<string, unknown>;

export class SocketIoClient extends BaseClient {
  readonly transport: Transport;
  readonly peer: PeerName;
  readonly agent = new CountingAgent();
  #socket: Socket | undefined;
  #connecting: Promise<void> | undefined;
  #connectedOnce = false;

  constructor(options: ClientOptions & { peer: PeerName }) {
    super(options);
    this.peer = options.peer;
    this.transport = PEER_INFO[options.peer].counterpart;
  }

  connect(): Promise<void> {
    return (this.#connecting ??= this.#open());
  }

  /** `after` is ignored: the peer keeps no history to replay (nor does a default Socket.IO app). */
  async join(room: string, _after?: number): Promise<number> {
    await this.connect();
    this.rooms.add(room);
    const answer = await this.#ask('join', room);
    const last = typeof answer.last === 'number' ? answer.last : 0;
    this.seen(room, last);
    return last;
  }

  async leave(room: string): Promise<void> {
    this.rooms.delete(room);
    this.lastSeq.delete(room);
    this.#socket?.emit('leave', room);
  }

  async send(room: string, text: string, sentAt?: number): Promise<SendResult> {
    await this.connect();
    const answer = await this.#ask('send', sentAt === undefined ? { room, text } : { room, text, sentAt });
    return { room, seq: typeof answer.seq === 'number' ? answer.seq : 0 };
  }

  override get stats(): ClientStats {
    const s = this.counters;
    const bytes = this.agent.bytes();
    s.requests = this.agent.requestCount;
    s.bytesSent = bytes.sent;
    s.bytesReceived = bytes.received;
    return s;
  }

  async close(): Promise<void> {
    this.setState('closed');
    this.#socket?.disconnect();
    this.agent.destroy();
  }

  #open(): Promise<void> {
    this.setState('connecting');
    const socket = io(this.baseUrl, {
      transports: [PEER_INFO[this.peer].engineTransport],
      upgrade: false,
      forceNew: true,
      // Typed `string | boolean` for browsers; in Node engine.io-client hands it to node:http and ws.
      agent: this.agent as unknown as string,
      auth: { nick: this.nick },
    });
    this.#socket = socket;
    socket.on('message', (m: ChatMessage) => this.accept(m));
    socket.on('disconnect', () => {
      if (!this.closed) this.setState('reconnecting');
    });
    return new Promise((resolve, reject) => {
      socket.on('connect', () => {
        this.setState('open');
        if (!this.#connectedOnce) {
          this.#connectedOnce = true;
          resolve();
          return;
        }
        this.counters.reconnects++;
        // A new connection is in no room: join them again (no history to replay).
        for (const room of this.rooms) void this.#ask('join', room).catch((e: unknown) => this.emit('error', e as Error));
      });
      socket.on('connect_error', (error) => {
        this.emit('error', error);
        if (!this.#connectedOnce) {
          socket.disconnect();
          reject(new TransportError(`Socket.IO could not connect: ${error.message}`));
        }
      });
    });
  }

  async #ask(event: string, body: unknown): Promise<Answer> {
    const socket = this.#socket;
    if (socket === undefined) throw new TransportError('not connected');
    let answer: Answer;
    try {
      answer = (await socket.timeout(ACK_TIMEOUT_MS).emitWithAck(event, body)) as Answer;
    } catch (error) {
      throw new TransportError(`${event}: ${(error as Error).message}`);
    }
    if (answer.error !== undefined) throw new TransportError(`${event}: ${answer.error.code ?? 'error'} ${answer.error.message ?? ''}`.trim());
    return answer;
  }
}
