/**
 * A keep-alive `http.Agent` of one Socket.IO client that counts what the client puts on the
 * wire: HTTP requests made through it (each polling GET and POST, the WebSocket upgrade) and
 * bytes on its sockets (headers and frames included), like the lab's own Node clients count.
 * Keep-alive on purpose: without an agent, engine.io-client in Node opens a new TCP connection
 * for every poll — browsers reuse theirs, and so do the lab's clients.
 */
import http from 'node:http';
import type { Socket } from 'node:net';

type AddRequest = (req: http.ClientRequest, options: object) => void;

export class CountingAgent extends http.Agent {
  /** HTTP requests made through this agent (not `requests`: http.Agent uses that name for its queue). */
  requestCount = 0;
  readonly #live = new Set<Socket>();
  #closed = { sent: 0, received: 0 };

  constructor() {
    super({ keepAlive: true, maxSockets: 4 });
    // addRequest is where every request of this agent passes (Node's http client calls it for
    // each one); it is not in @types/node, hence the cast.
    const self = this as unknown as { addRequest: AddRequest };
    const add = self.addRequest.bind(this);
    self.addRequest = (req, options) => {
      this.requestCount++;
      add(req, options);
    };
  }

  override createConnection(...args: Parameters<http.Agent['createConnection']>): ReturnType<http.Agent['createConnection']> {
    const socket = super.createConnection(...args) as Socket;
    this.#live.add(socket);
    socket.once('close', () => {
      this.#live.delete(socket);
      this.#closed.sent += socket.bytesWritten;
      this.#closed.received += socket.bytesRead;
    });
    return socket;
  }

  /** Bytes on every socket this agent opened, closed ones included. */
  bytes(): { sent: number; received: number } {
    let sent = this.#closed.sent;
    let received = this.#closed.received;
    for (const s of this.#live) {
      sent += s.bytesWritten;
      received += s.bytesRead;
    }
    return { sent, received };
  }
}
