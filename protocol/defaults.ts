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
  /** Most serialized message bytes in one history page (or one long-poll replay step); at least one message always fits. 1 MiB. */
  maxPageBytes: 1_048_576,
  /**
   * Most serialized bytes of owed history a long-poll poll moves into its queue (lazy replay),
   * at least one message. Queued entries are references, but their bytes count against the
   * queue budget: small steps keep a thousand half-replayed sessions far from it. 64 KiB.
   */
  replayStepBytes: 65_536,
  /** Rooms one long-poll session or one WebSocket connection may be in at once. */
  maxRoomsPerClient: 100,
  /** Bytes queued across every long-poll session of a server before new sessions are refused. 256 MiB. */
  maxTotalQueueBytes: 268_435_456,
  /** Publishes per second per client (token nick, else address); the burst is one second's worth. */
  rateLimit: 1000,
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

/**
 * Request header a client may send on `POST /rooms/:room/messages` naming its transport
 * (`short-polling`, `long-polling`, `sse`): the server meters the publish's requests and
 * bytes under that transport instead of plain `http`. Anything else is ignored.
 */
export const TRANSPORT_HEADER = 'x-pushlab-transport';
