/**
 * Protocol defaults, each in one place with its unit. Servers and clients both read these;
 * a server advertises the values it actually uses (e.g. `holdMs` in a session answer).
 */
export const DEFAULTS = {
  /** Short-polling client interval, start to start, ms. The classic two seconds. */
  pollIntervalMs: 2000,
  /** How long a long poll is held with nothing to send, ms. */
  holdMs: 20_000,
  /** A long-poll session with no poll under way for this long expires, ms. */
  sessionTtlMs: 45_000,
  /** Messages kept per room. */
  historySize: 1000,
  /** Largest message text, UTF-8 bytes. */
  maxMessageBytes: 65_536,
  /** Largest long-poll queue per session, bytes of serialized messages. 1 MiB. */
  maxQueueBytes: 1_048_576,
  /** Server WebSocket ping interval, ms; a peer silent for a whole interval is dropped. Also the SSE `: ping` interval. */
  pingIntervalMs: 25_000,
  /** Unsent WebSocket or SSE data past this closes the peer (1013 / end of stream), bytes. 1 MiB. */
  maxBufferedBytes: 1_048_576,
  /** Default and maximum `limit` of a history page. */
  pageLimit: 1000,
} as const;

/** Room for the JSON envelope around a message text in a frame, bytes. */
export const FRAME_ENVELOPE_BYTES = 4096;

/**
 * Largest HTTP body for a given text limit, bytes. JSON may escape a text byte into up to
 * six (`\u0001`), so a legal text can need 6× its size on the wire; plus room for the rest.
 */
export function maxBodyBytesFor(maxMessageBytes: number): number {
  return maxMessageBytes * 6 + FRAME_ENVELOPE_BYTES;
}
