/**
 * Validators for everything a client can send. Each returns the clean value or throws a
 * ProtocolError with the catalog code, so every transport rejects the same input the same way.
 */
import { ProtocolError } from './errors.ts';
import type { ClientFrame, CreateSessionBody, PublishBody } from './types.ts';

const ROOM_RE = /^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/;
// C0, DEL and C1 control characters.
const CONTROL_RE = /[\u0000-\u001f\u007f-\u009f]/;
const MAX_NICK_CHARS = 32;

const utf8 = new TextEncoder();

export function isRoom(value: unknown): value is string {
  return typeof value === 'string' && ROOM_RE.test(value);
}

export function room(value: unknown): string {
  if (!isRoom(value)) throw new ProtocolError('invalid_room', 'room must match ^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$');
  return value;
}

export function rooms(value: unknown): string[] {
  if (!Array.isArray(value) || !value.every(isRoom)) {
    throw new ProtocolError('invalid_room', 'rooms must be a list of room names');
  }
  return [...new Set(value)];
}

export function nick(value: unknown): string {
  if (typeof value !== 'string') throw new ProtocolError('invalid_nick', 'nick must be a string');
  // Count characters (code points), not UTF-16 units, so an emoji is one character.
  let chars = 0;
  for (const _ of value) chars++;
  if (chars < 1 || chars > MAX_NICK_CHARS) throw new ProtocolError('invalid_nick', 'nick must be 1-32 characters');
  if (CONTROL_RE.test(value)) throw new ProtocolError('invalid_nick', 'nick must not contain control characters');
  return value;
}

/** UTF-8 length of a string without allocating for pure-ASCII text. */
export function utf8Bytes(text: string): number {
  // Fast path: most chat text is ASCII, where length in UTF-16 units equals bytes.
  // eslint-disable-next-line no-control-regex
  if (/^[\x00-\x7f]*$/.test(text)) return text.length;
  return utf8.encode(text).length;
}

export function text(value: unknown, maxMessageBytes: number): string {
  if (typeof value !== 'string' || value.length === 0) {
    throw new ProtocolError('invalid_message', 'text must be a non-empty string');
  }
  // UTF-8 bytes ≥ UTF-16 units, so an over-long string is refused without encoding it.
  if (value.length > maxMessageBytes || utf8Bytes(value) > maxMessageBytes) {
    throw new ProtocolError('payload_too_large', `text is over ${maxMessageBytes} UTF-8 bytes`);
  }
  return value;
}

export function sentAt(value: unknown): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    throw new ProtocolError('invalid_message', 'sentAt must be a finite number (epoch ms)');
  }
  return value;
}

/**
 * A cursor, `after` or `limit` from a query string or a JSON body: a non-negative safe
 * integer. Query strings arrive as text, so only plain decimal digits are accepted there.
 */
export function cursor(value: unknown, name: string): number {
  let n: number;
  if (typeof value === 'number') n = value;
  else if (typeof value === 'string' && /^\d{1,16}$/.test(value)) n = Number(value);
  else n = Number.NaN;
  if (!Number.isSafeInteger(n) || n < 0) {
    throw new ProtocolError('invalid_cursor', `${name} must be a non-negative safe integer`);
  }
  return n;
}

/** A cursor inside a JSON body or frame: only a JSON number will do (`"3"` is the wrong type). */
export function jsonCursor(value: unknown, name: string): number {
  if (typeof value !== 'number') throw new ProtocolError('invalid_cursor', `${name} must be a non-negative safe integer`);
  return cursor(value, name);
}

export function optionalCursor(value: unknown, name: string, fallback: number): number {
  return value === undefined ? fallback : cursor(value, name);
}

export function object(value: unknown): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new ProtocolError('invalid_json', 'the body must be a JSON object');
  }
  return value as Record<string, unknown>;
}

/** Parse a JSON body from raw bytes: strict UTF-8, must be an object. */
const strictUtf8 = new TextDecoder('utf-8', { fatal: true });
export function jsonBody(raw: Uint8Array): Record<string, unknown> {
  let source: string;
  try {
    source = strictUtf8.decode(raw);
  } catch {
    throw new ProtocolError('invalid_json', 'the body is not valid UTF-8');
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(source);
  } catch {
    throw new ProtocolError('invalid_json', 'the body is not valid JSON');
  }
  return object(parsed);
}

/** `tokenNick`: with token auth the sender is the token's nick, whatever `from` says. */
export function publishBody(body: Record<string, unknown>, maxMessageBytes: number, tokenNick?: string): PublishBody {
  const from = tokenNick ?? nick(body.from);
  const t = text(body.text, maxMessageBytes);
  const s = sentAt(body.sentAt);
  return s === undefined ? { from, text: t } : { from, text: t, sentAt: s };
}

export function createSessionBody(body: Record<string, unknown>, tokenNick?: string): CreateSessionBody {
  const n = tokenNick ?? nick(body.nick);
  const r = rooms(body.rooms ?? []);
  if (body.after === undefined) return { nick: n, rooms: r };
  const afterObj = body.after;
  if (typeof afterObj !== 'object' || afterObj === null || Array.isArray(afterObj)) {
    throw new ProtocolError('invalid_cursor', 'after must be an object of room → seq');
  }
  const after: Record<string, number> = {};
  for (const [key, value] of Object.entries(afterObj)) {
    after[room(key)] = jsonCursor(value, `after.${key}`);
  }
  return { nick: n, rooms: r, after };
}

/** A WebSocket frame: unknown `type` or wrong field types are `invalid_message`. */
export function clientFrame(data: unknown, maxMessageBytes: number): ClientFrame {
  if (typeof data !== 'object' || data === null || Array.isArray(data)) {
    throw new ProtocolError('invalid_json', 'a frame must be a JSON object');
  }
  const f = data as Record<string, unknown>;
  const ref = f.ref;
  if (ref !== undefined && typeof ref !== 'string') throw new ProtocolError('invalid_message', 'ref must be a string');
  switch (f.type) {
    case 'join': {
      const r = room(f.room);
      if (f.after === undefined) return { type: 'join', room: r };
      return { type: 'join', room: r, after: jsonCursor(f.after, 'after') };
    }
    case 'leave':
      return { type: 'leave', room: room(f.room) };
    case 'send': {
      const r = room(f.room);
      const t = text(f.text, maxMessageBytes);
      const s = sentAt(f.sentAt);
      const frame: ClientFrame = { type: 'send', room: r, text: t };
      if (s !== undefined) frame.sentAt = s;
      if (ref !== undefined) frame.ref = ref;
      return frame;
    }
    default:
      throw new ProtocolError('invalid_message', 'unknown frame type');
  }
}
