/**
 * Backpressure and fairness for HTTP/1.1 connections: one request at a time per socket.
 *
 * node's parser turns everything a client wrote into `request` events at once: 400 pipelined
 * history reads in one 21 KB write became 400 answers built into memory before the first was
 * sent. Here a request that arrives while another on the same socket is unanswered waits in
 * that socket's line, and the socket stops being read. The next one starts when the previous
 * answer is done *and* the socket's unsent data is at most `maxBufferedBytes` (else on
 * 'drain'), and on the next turn of the event loop, so one client's pipelined burst is worked
 * through a request per tick while other clients' requests are answered in between. A line
 * longer than `maxWaiting` (more than one read's worth of tiny requests) cuts the connection.
 *
 * The common case — keep-alive without pipelining — costs one property read and a counter.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';

type Handler = (req: IncomingMessage, res: ServerResponse) => void;

/** The state of one connection, kept on the socket itself (no Map lookup per request). */
interface Line {
  /** A request is being answered. */
  active: boolean;
  waiting: [IncomingMessage, ServerResponse][];
  /** Set while waiting for 'drain' or the next tick, so the line is not started twice. */
  scheduled: boolean;
}

const LINE = Symbol('pushlab.line');
type LinedSocket = Socket & { [LINE]?: Line; _paused?: boolean; parser?: { pause(): void; resume(): void } | null };

export class RequestPipeline {
  readonly #handle: Handler;
  readonly #maxBufferedBytes: number;
  readonly #maxWaiting: number;

  constructor(handle: Handler, options: { maxBufferedBytes: number; maxWaiting?: number }) {
    this.#handle = handle;
    this.#maxBufferedBytes = options.maxBufferedBytes;
    // A 64 KiB read holds at most ~1,300 minimal requests; more than that waiting is abuse.
    this.#maxWaiting = options.maxWaiting ?? 2048;
  }

  /** A request arrived: answer it now, or queue it behind the one in progress. */
  admit(req: IncomingMessage, res: ServerResponse): void {
    const socket = req.socket as LinedSocket;
    let line = socket[LINE];
    if (line === undefined) {
      line = { active: false, waiting: [], scheduled: false };
      socket[LINE] = line;
    }
    if (!line.active && line.waiting.length === 0 && socket.writableLength <= this.#maxBufferedBytes) {
      line.active = true;
      this.#handle(req, res);
      return;
    }
    if (line.waiting.length >= this.#maxWaiting) {
      socket.destroy();
      return;
    }
    line.waiting.push([req, res]);
    pause(socket);
    if (!line.active) this.#schedule(socket, line);
  }

  /** The socket's current answer is done (written, or the client went away). */
  done(socket: Socket): void {
    const lined = socket as LinedSocket;
    const line = lined[LINE];
    if (line === undefined) return;
    line.active = false;
    if (line.waiting.length > 0) this.#schedule(lined, line);
  }

  #schedule(socket: LinedSocket, line: Line): void {
    if (line.scheduled) return;
    line.scheduled = true;
    const next = (): void => {
      line.scheduled = false;
      this.#next(socket, line);
    };
    if (socket.writableLength > this.#maxBufferedBytes) socket.once('drain', next);
    // The next tick, not now: other connections' I/O runs between one client's requests.
    else setImmediate(next);
  }

  #next(socket: LinedSocket, line: Line): void {
    if (line.active) return;
    if (socket.destroyed) {
      line.waiting.length = 0;
      return;
    }
    if (socket.writableLength > this.#maxBufferedBytes) {
      this.#schedule(socket, line);
      return;
    }
    const entry = line.waiting.shift();
    if (entry === undefined) return;
    line.active = true;
    if (line.waiting.length === 0) resume(socket);
    this.#handle(entry[0], entry[1]);
  }
}

/**
 * Stop reading the socket. node's own pipelining guard uses the same `_paused` flag: it keeps
 * node from resuming the socket when a request body is read or dumped, and makes the parser
 * pause after the chunk it is executing.
 */
function pause(socket: LinedSocket): void {
  if (socket._paused === true) return;
  socket._paused = true;
  socket.pause();
}

function resume(socket: LinedSocket): void {
  if (socket._paused !== true) return;
  socket._paused = false;
  socket.parser?.resume();
  socket.resume();
}
