import type { ChatMessage } from '../../protocol/types.ts';

/**
 * A stored message plus its serializations, made once and shared by every subscriber:
 * fan-out to N clients must not re-serialize N times.
 */
export class Envelope {
  readonly message: ChatMessage;
  /** `JSON.stringify(message)`. */
  readonly json: string;
  /** UTF-8 size of `json`, bytes (what a queue bound counts). */
  readonly bytes: number;
  /** The WebSocket frame's wire bytes, set by the WebSocket transport on first use (servers/websocket/frame.ts). */
  wsFrameBytes: Buffer | undefined;
  #frame: string | undefined;
  #sse: string | undefined;
  #sseSingle: string | undefined;

  constructor(message: ChatMessage, json?: string) {
    this.message = message;
    this.json = json ?? JSON.stringify(message);
    this.bytes = Buffer.byteLength(this.json);
  }

  get room(): string {
    return this.message.room;
  }

  get seq(): number {
    return this.message.seq;
  }

  /** The WebSocket `message` frame, built on first use. */
  get frame(): string {
    this.#frame ??= `{"type":"message","message":${this.json}}`;
    return this.#frame;
  }

  /** The SSE `message` event without its `id:` line (a stream's id names all of its rooms). */
  get sseEvent(): string {
    this.#sse ??= `event: message\ndata: ${this.json}\n\n`;
    return this.#sse;
  }

  /** The whole SSE event for a one-room stream, whose id is just `room:seq`: shared by all of them. */
  get sseSingle(): string {
    this.#sseSingle ??= `id: ${this.message.room}:${this.message.seq}\n${this.sseEvent}`;
    return this.#sseSingle;
  }
}

/** `[a,b,c]` from envelopes without parsing them back. */
export function jsonArray(envelopes: readonly Envelope[]): string {
  if (envelopes.length === 0) return '[]';
  let out = '[';
  for (let i = 0; i < envelopes.length; i++) {
    if (i > 0) out += ',';
    out += (envelopes[i] as Envelope).json;
  }
  return out + ']';
}

/** The longest prefix of `envelopes` within `maxBytes` of JSON, never less than one. */
export function withinBytes(envelopes: Envelope[], maxBytes: number): Envelope[] {
  let bytes = 0;
  for (let i = 0; i < envelopes.length; i++) {
    bytes += (envelopes[i] as Envelope).bytes + 1;
    if (bytes > maxBytes && i > 0) return envelopes.slice(0, i);
  }
  return envelopes;
}
