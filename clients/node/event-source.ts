/**
 * EventSource in Node: the `eventsource` package (WHATWG-compliant: reconnects with
 * Last-Event-ID, honours `retry:`), fed a `fetch` built on node:http so that the bench sees
 * real wire bytes on the socket, counts every request (reconnects included), can cut a
 * stream (`cutEventSource`, for --faults), and learns the catalog error of a refused stream.
 */
import http from 'node:http';
import https from 'node:https';
import type { Socket } from 'node:net';
import { Readable } from 'node:stream';
import { EventSource } from 'eventsource';
import type { EventSourceFactory, EventSourceLike } from '../platform.ts';
import { sharedAgent, sharedHttpsAgent } from './http.ts';

interface Entry {
  requests: number;
  /** Bytes of exchanges already over. */
  sent: number;
  received: number;
  /** The exchange under way: its socket and the socket's counters when it began. */
  live: { socket: Socket; read: number; written: number; req: http.ClientRequest } | undefined;
  refusal: { status: number; text: string } | undefined;
}

const entries = new WeakMap<EventSourceLike, Entry>();

function settle(entry: Entry): void {
  const live = entry.live;
  if (live === undefined) return;
  entry.live = undefined;
  entry.sent += live.socket.bytesWritten - live.written;
  entry.received += live.socket.bytesRead - live.read;
}

function fetchFor(entry: Entry, extra: Record<string, string>): typeof fetch {
  return ((url: string | URL, init?: { headers?: Record<string, string>; signal?: AbortSignal | null }) =>
    new Promise<Response>((resolve, reject) => {
      entry.requests++;
      // https:// (a --tls server): the same request on node:https, trusting NODE_EXTRA_CA_CERTS.
      const options = { method: 'GET', headers: { ...init?.headers, ...extra }, signal: init?.signal ?? undefined };
      const req = String(url).startsWith('https:') ? https.request(url, { ...options, agent: sharedHttpsAgent }) : http.request(url, { ...options, agent: sharedAgent });
      req.once('socket', (socket: Socket) => {
        entry.live = { socket, read: socket.bytesRead, written: socket.bytesWritten, req };
      });
      req.once('close', () => settle(entry));
      req.once('error', reject);
      req.once('response', (res) => {
        const headers = new Headers();
        for (const [name, value] of Object.entries(res.headers)) if (typeof value === 'string') headers.set(name, value);
        if (res.statusCode !== 200) {
          // A refused stream: keep the catalog's answer so the client can say why.
          let text = '';
          res.setEncoding('utf8');
          res.on('data', (chunk: string) => (text += chunk));
          res.once('end', () => {
            entry.refusal = { status: res.statusCode ?? 0, text };
            resolve(new Response(text, { status: res.statusCode ?? 500, headers }));
          });
          res.once('error', reject);
          return;
        }
        entry.refusal = undefined;
        resolve(new Response(Readable.toWeb(res) as ReadableStream<Uint8Array>, { status: 200, headers }));
      });
      req.end();
    })) as typeof fetch;
}

export const nodeEventSource: EventSourceFactory = {
  open(url: string, headers: Record<string, string>): EventSourceLike {
    const entry: Entry = { requests: 0, sent: 0, received: 0, live: undefined, refusal: undefined };
    const source = new EventSource(url, { fetch: fetchFor(entry, headers) }) as unknown as EventSourceLike;
    entries.set(source, entry);
    return source;
  },
  stats(source) {
    const entry = entries.get(source);
    if (entry === undefined) return undefined;
    const live = entry.live;
    return {
      requests: entry.requests,
      sent: entry.sent + (live === undefined ? 0 : live.socket.bytesWritten - live.written),
      received: entry.received + (live === undefined ? 0 : live.socket.bytesRead - live.read),
    };
  },
  refusal: (source) => entries.get(source)?.refusal,
};

/** Kill a source's connection under it, as a network fault would: it reconnects with Last-Event-ID. */
export function cutEventSource(source: EventSourceLike): void {
  entries.get(source)?.live?.socket.destroy(new Error('connection cut (bench fault)'));
}
