/**
 * Every server option, declared once: name, CLI flag, unit, default and meaning.
 * `pushlab serve --help` is generated from this table and `resolveServerOptions` validates
 * against it, so the docs, the CLI and the server cannot disagree.
 */
import { DEFAULTS, FRAME_ENVELOPE_BYTES, maxBodyBytesFor } from '../protocol/defaults.ts';
import { TRANSPORTS, type Transport } from '../protocol/types.ts';
import type { OptionSpec as Spec } from '../options/table.ts';

/** Below this many characters a token secret is guessable: `pushlab serve` warns (HS256 wants ≥ 32 random bytes). */
export const WEAK_SECRET_CHARS = 16;

export interface ServerOptions {
  host: string;
  port: number;
  transports: Transport[];
  holdMs: number;
  pollIntervalMs: number;
  historySize: number;
  sessionTtlMs: number;
  maxMessageBytes: number;
  maxFrameBytes: number;
  maxBodyBytes: number;
  maxQueueBytes: number;
  maxBufferedBytes: number;
  /** Most serialized message bytes in one history page or long-poll replay step. */
  maxPageBytes: number;
  /** Rooms per long-poll session and per WebSocket connection. */
  maxRoomsPerClient: number;
  /** Bytes queued across all long-poll sessions before new sessions are refused (503). */
  maxTotalQueueBytes: number;
  pingIntervalMs: number;
  /** undefined = the protocol's default rule (same origin + localhost). */
  allowedOrigins: string[] | undefined;
  maxConnections: number;
  maxSessions: number;
  /** Headers must arrive within this, ms (slowloris guard). */
  headersTimeoutMs: number;
  /** A whole request (body included) must arrive within this, ms. */
  requestTimeoutMs: number;
  /** Keep-alive idle timeout, ms. */
  keepAliveTimeoutMs: number;
  /** Bound on a graceful shutdown before the process exits anyway, ms. */
  shutdownTimeoutMs: number;
  /** Backplane URL: `memory` (default) or `redis://host:port`. */
  backplane: string;
  /** Publishes per second allowed per client (token nick when auth is on, else address); 0 = unlimited. */
  rateLimit: number;
  /** HS256 secret; when set, every transport requires a token. */
  tokenSecret: string | undefined;
  /** Serve the browser demo at `/`. */
  demo: boolean;
  /** PEM certificate and key files: serve https/wss (servers/tls.ts). */
  tlsCert?: string | undefined;
  tlsKey?: string | undefined;
  /** permessage-deflate on WebSockets and gzip on JSON answers (servers/http/compression.ts). */
  compression?: boolean | undefined;
  /** Make a throwaway self-signed certificate (openssl) and serve https/wss. */
  tlsSelfSigned?: boolean | undefined;
  /** All of prom-client's default metrics on /metrics, not just the lean process set (servers/process-metrics.ts). */
  defaultMetrics?: boolean | undefined;
}

/** A row of the one option table type (options/table.ts): `pushlab serve` makes flags of it. */
export type OptionSpec = Spec<keyof ServerOptions>;

export const SERVER_OPTION_SPECS: readonly OptionSpec[] = [
  { key: 'host', flag: 'host', kind: 'string', unit: '', default: '127.0.0.1', help: 'address to listen on' },
  { key: 'port', flag: 'port', kind: 'int', unit: '', default: 3000, min: 0, help: 'port to listen on; 0 picks a free one' },
  { key: 'transports', flag: 'transports', kind: 'list', unit: '', default: TRANSPORTS.join(','), help: 'transports to serve' },
  { key: 'holdMs', flag: 'hold-ms', kind: 'int', unit: 'ms', default: DEFAULTS.holdMs, min: 1, help: 'long-poll hold with nothing to send' },
  { key: 'pollIntervalMs', flag: 'poll-interval-ms', kind: 'int', unit: 'ms', default: DEFAULTS.pollIntervalMs, min: 1, help: 'short-poll interval advertised to clients (/config)' },
  { key: 'historySize', flag: 'history', kind: 'int', unit: 'messages', default: DEFAULTS.historySize, min: 1, help: 'messages kept per room' },
  { key: 'sessionTtlMs', flag: 'session-ttl-ms', kind: 'int', unit: 'ms', default: DEFAULTS.sessionTtlMs, min: 1, help: 'long-poll session expiry with no poll under way' },
  { key: 'maxMessageBytes', flag: 'max-message-bytes', kind: 'int', unit: 'bytes', default: DEFAULTS.maxMessageBytes, min: 1, help: 'largest message text (UTF-8)' },
  { key: 'maxFrameBytes', flag: 'max-frame-bytes', kind: 'int', unit: 'bytes', default: undefined, min: 1, help: `largest WebSocket frame (default max-message-bytes + ${FRAME_ENVELOPE_BYTES})` },
  { key: 'maxBodyBytes', flag: 'max-body-bytes', kind: 'int', unit: 'bytes', default: undefined, min: 1, help: 'largest HTTP body (default 6 × max-message-bytes + 4096: JSON escapes)' },
  { key: 'maxQueueBytes', flag: 'max-queue-bytes', kind: 'int', unit: 'bytes', default: DEFAULTS.maxQueueBytes, min: 1, help: 'long-poll queue bound per session' },
  { key: 'maxBufferedBytes', flag: 'max-buffered-bytes', kind: 'int', unit: 'bytes', default: DEFAULTS.maxBufferedBytes, min: 1, help: 'unsent data before a WebSocket is closed 1013 or an SSE stream ended' },
  { key: 'maxPageBytes', flag: 'max-page-bytes', kind: 'int', unit: 'bytes', default: DEFAULTS.maxPageBytes, min: 1, help: 'serialized messages in one history page or long-poll replay step (at least one always fits)' },
  { key: 'maxRoomsPerClient', flag: 'max-rooms', kind: 'int', unit: 'rooms', default: DEFAULTS.maxRoomsPerClient, min: 1, help: 'rooms per long-poll session, WebSocket or SSE stream; past it 400 invalid_room' },
  { key: 'maxTotalQueueBytes', flag: 'max-total-queue-bytes', kind: 'int', unit: 'bytes', default: DEFAULTS.maxTotalQueueBytes, min: 1, help: 'bytes queued across all long-poll sessions; past it new sessions get 429 rate_limited' },
  { key: 'pingIntervalMs', flag: 'ping-interval-ms', kind: 'int', unit: 'ms', default: DEFAULTS.pingIntervalMs, min: 1, help: 'WebSocket ping interval (silent peers are dropped) and SSE `: ping` interval' },
  { key: 'allowedOrigins', flag: 'allowed-origins', kind: 'list', unit: '', default: undefined, lowercase: true, help: 'origins allowed to open WebSockets, POST/DELETE and SSE streams (default: same origin + localhost)' },
  { key: 'maxConnections', flag: 'max-connections', kind: 'int', unit: 'sockets', default: 50_000, min: 1, help: 'open TCP connections per server' },
  { key: 'maxSessions', flag: 'max-sessions', kind: 'int', unit: 'sessions', default: 50_000, min: 1, help: 'long-poll sessions per server' },
  { key: 'headersTimeoutMs', flag: 'headers-timeout-ms', kind: 'int', unit: 'ms', default: 10_000, min: 1, help: 'request headers must arrive within this' },
  { key: 'requestTimeoutMs', flag: 'request-timeout-ms', kind: 'int', unit: 'ms', default: 30_000, min: 1, help: 'a whole request must arrive within this' },
  { key: 'keepAliveTimeoutMs', flag: 'keep-alive-timeout-ms', kind: 'int', unit: 'ms', default: 65_000, min: 1, help: 'idle keep-alive connections close after this' },
  { key: 'shutdownTimeoutMs', flag: 'shutdown-timeout-ms', kind: 'int', unit: 'ms', default: 5000, min: 1, help: 'graceful shutdown bound' },
  { key: 'backplane', flag: 'backplane', kind: 'string', unit: '', default: 'memory', help: 'memory, or redis://host:port to share rooms across processes' },
  { key: 'tokenSecret', flag: 'token-secret', kind: 'string', unit: '', default: undefined, help: 'HS256 secret: require a signed token on every transport' },
  // After --token-secret: the limit keys on the token's nick (else the address).
  { key: 'rateLimit', flag: 'rate-limit', kind: 'int', unit: 'msg/s', default: DEFAULTS.rateLimit, min: 0, help: 'publishes per second per client (token nick, else address); past it 429 rate_limited; 0 = off' },
  { key: 'demo', flag: 'demo', kind: 'bool', unit: '', default: true, help: 'serve the browser demo at / (--no-demo to turn off)' },
  { key: 'compression', flag: 'compression', kind: 'bool', unit: '', default: false, help: 'accept permessage-deflate on WebSockets and gzip JSON answers of 256 bytes or more for clients that accept it' },
  { key: 'tlsCert', flag: 'tls-cert', kind: 'string', unit: 'file', default: undefined, help: 'PEM certificate: serve https and wss (with --tls-key)' },
  { key: 'tlsKey', flag: 'tls-key', kind: 'string', unit: 'file', default: undefined, help: 'PEM private key of --tls-cert' },
  { key: 'tlsSelfSigned', flag: 'tls-self-signed', kind: 'bool', unit: '', default: false, help: 'serve https/wss with a throwaway self-signed certificate for localhost (made with openssl; its path is printed)' },
  { key: 'defaultMetrics', flag: 'default-metrics', kind: 'bool', unit: '', default: false, help: "all of prom-client's default metrics on /metrics (open fds, heap spaces, GC …); off: just CPU, RSS, heap and event-loop delay, cheaper per scrape" },
];

export class OptionError extends Error {
  override name = 'OptionError';
}

/** Fill defaults and check every value; throws OptionError with a message naming the flag. */
export function resolveServerOptions(input: Partial<ServerOptions> = {}): ServerOptions {
  const maxMessageBytes = input.maxMessageBytes ?? DEFAULTS.maxMessageBytes;
  const options: ServerOptions = {
    host: input.host ?? '127.0.0.1',
    port: input.port ?? 3000,
    transports: input.transports ?? [...TRANSPORTS],
    holdMs: input.holdMs ?? DEFAULTS.holdMs,
    pollIntervalMs: input.pollIntervalMs ?? DEFAULTS.pollIntervalMs,
    historySize: input.historySize ?? DEFAULTS.historySize,
    sessionTtlMs: input.sessionTtlMs ?? DEFAULTS.sessionTtlMs,
    maxMessageBytes,
    maxFrameBytes: input.maxFrameBytes ?? maxMessageBytes + FRAME_ENVELOPE_BYTES,
    maxBodyBytes: input.maxBodyBytes ?? maxBodyBytesFor(maxMessageBytes),
    maxQueueBytes: input.maxQueueBytes ?? DEFAULTS.maxQueueBytes,
    maxBufferedBytes: input.maxBufferedBytes ?? DEFAULTS.maxBufferedBytes,
    maxPageBytes: input.maxPageBytes ?? DEFAULTS.maxPageBytes,
    maxRoomsPerClient: input.maxRoomsPerClient ?? DEFAULTS.maxRoomsPerClient,
    maxTotalQueueBytes: input.maxTotalQueueBytes ?? DEFAULTS.maxTotalQueueBytes,
    pingIntervalMs: input.pingIntervalMs ?? DEFAULTS.pingIntervalMs,
    allowedOrigins: input.allowedOrigins,
    maxConnections: input.maxConnections ?? 50_000,
    maxSessions: input.maxSessions ?? 50_000,
    // Never past the request timeout when only that one is given (node requires headers ≤ request).
    headersTimeoutMs: input.headersTimeoutMs ?? Math.min(10_000, input.requestTimeoutMs ?? 30_000),
    requestTimeoutMs: input.requestTimeoutMs ?? 30_000,
    keepAliveTimeoutMs: input.keepAliveTimeoutMs ?? 65_000,
    shutdownTimeoutMs: input.shutdownTimeoutMs ?? 5000,
    backplane: input.backplane ?? 'memory',
    rateLimit: input.rateLimit ?? DEFAULTS.rateLimit,
    tokenSecret: input.tokenSecret,
    demo: input.demo ?? true,
    tlsCert: input.tlsCert,
    tlsKey: input.tlsKey,
    tlsSelfSigned: input.tlsSelfSigned ?? false,
    compression: input.compression ?? false,
    defaultMetrics: input.defaultMetrics ?? false,
  };
  for (const spec of SERVER_OPTION_SPECS) {
    const value = options[spec.key];
    if (spec.kind === 'int' && value !== undefined) {
      if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < (spec.min ?? 0)) {
        throw new OptionError(`--${spec.flag} must be an integer ≥ ${spec.min ?? 0}${spec.unit ? ` (${spec.unit})` : ''}, got ${String(value)}`);
      }
    }
  }
  if (options.port > 65535) throw new OptionError('--port must be at most 65535');
  if (options.transports.length === 0) throw new OptionError('--transports must name at least one transport');
  for (const t of options.transports) {
    if (!(TRANSPORTS as readonly string[]).includes(t)) {
      throw new OptionError(`--transports: unknown transport "${t}" (known: ${TRANSPORTS.join(', ')})`);
    }
  }
  if (options.backplane !== 'memory' && !/^rediss?:\/\//.test(options.backplane)) {
    throw new OptionError('--backplane must be "memory" or a redis:// URL');
  }
  // node refuses to start otherwise; say it in our terms.
  if (options.headersTimeoutMs > options.requestTimeoutMs) {
    throw new OptionError(`--headers-timeout-ms (${options.headersTimeoutMs}) must be at most --request-timeout-ms (${options.requestTimeoutMs})`);
  }
  if (options.tokenSecret !== undefined && options.tokenSecret === '') {
    throw new OptionError('--token-secret must not be empty');
  }
  return options;
}
