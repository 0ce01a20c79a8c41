/**
 * What the lean subscribers (lean-*.ts) share: the sink they hand deliveries to (fields, not
 * message objects), the setup calls they make once (promises are fine there), and the slow
 * path for a body or frame the scanner declines (lean-scan.ts): JSON.parse, as the product
 * client would, so nothing is dropped for being unusual.
 */
import type { ClientStats } from '../../../clients/types.ts';
import type { ChatMessage } from '../../../protocol/types.ts';
import { decodeMessageText } from '../../measure/accounting.ts';
import { headerLines, requestHead, type HttpHandler, type LeanPool } from './lean-http.ts';
import type { ScannedMessage } from './lean-scan.ts';

/** Every raw delivery of a lean subscriber, before de-duplication, stamped on receipt. */
export interface LeanSink {
  deliver(slot: number, receivedAt: number, m: ScannedMessage): void;
}

/** A lean subscriber: connect and join once, then deliveries go to its sink. */
export interface LeanSubscriber {
  readonly stats: ClientStats;
  /** Connect and join the room; resolves once joined. */
  start(): Promise<void>;
  /** Stop: no more requests (the bench's workers just exit; tests close). */
  close(): void;
}

/** What every lean subscriber is made with. */
export interface LeanOptions {
  baseUrl: string;
  nick: string;
  room: string;
  run: string;
  slot: number;
  pollIntervalMs: number;
  /** `--headers`: extra request headers, as the product clients send them (ClientOptions.headers). */
  headers?: { fetch: Record<string, string>; upgrade: Record<string, string>; stream: Record<string, string> };
  sink: LeanSink;
  clock: () => number;
}

export function newStats(): ClientStats {
  return { requests: 0, bytesSent: 0, bytesReceived: 0, reconnects: 0, duplicates: 0, delivered: 0 };
}

/** A parsed message into `out`, as the scanner would have read it. */
export function fillFromParsed(message: ChatMessage, run: string, out: ScannedMessage): void {
  out.seq = message.seq;
  out.ts = message.ts;
  out.sentAt = message.sentAt ?? Number.NaN;
  const id = decodeMessageText(message.text);
  out.k = id !== undefined && id.run === run ? id.k : -1;
  out.lateUs = id?.lateUs ?? 0;
}

/** An HTTP endpoint of a base URL: host:port for the Host header, and the parts to connect to. */
export interface Origin {
  host: string;
  port: number;
  hostHeader: string;
}

export function originOf(baseUrl: string): Origin {
  const url = new URL(baseUrl);
  return { host: url.hostname, port: Number(url.port === '' ? 80 : url.port), hostHeader: url.host };
}

/** One setup call (session, join): its status and body text. Rare, so a promise and a closure are fine. */
export function leanCall(pool: LeanPool, origin: Origin, stats: ClientStats, method: string, path: string, headers: Record<string, string>, body: string | undefined, timeoutMs = 30_000): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const handler: HttpHandler = {
      response(status, b, start, end, sent, received) {
        stats.requests++;
        stats.bytesSent += sent;
        stats.bytesReceived += received;
        resolve({ status, text: b.toString('utf8', start, end) });
      },
      failed: reject,
    };
    pool.acquire(origin.host, origin.port).send(requestHead(method, path, headerLines(headers), origin.hostHeader, body), body, handler, timeoutMs);
  });
}

/** A setup call that must answer 2xx with JSON. */
export async function leanJson<T>(pool: LeanPool, origin: Origin, stats: ClientStats, method: string, path: string, headers: Record<string, string>, body?: string): Promise<T> {
  const { status, text } = await leanCall(pool, origin, stats, method, path, headers, body);
  if (status >= 300) throw new Error(`${method} ${path}: answered ${status} ${text.slice(0, 200)}`);
  return JSON.parse(text) as T;
}
