/**
 * The lean load clients' reader of a message on the wire: it takes seq, ts, sentAt and the
 * bench's id (run, k, lateUs: bench/measure/accounting.ts) straight from the bytes of a frame or
 * response body, without a JSON.parse and without allocating per message. It reads only the
 * exact layout the servers write (key order of JSON.stringify of a ChatMessage:
 * `{"room":"…","seq":N,"id":"…","from":"…","text":"…","ts":N[,"sentAt":N]}`) and answers
 * "not this layout" (-1) for anything else — an escaped string, an exponent, another key
 * order — so the caller falls back to JSON.parse: a frame it cannot read fast is still read.
 */

/** What one scan found; one object per client, overwritten by every scan. */
export interface ScannedMessage {
  seq: number;
  ts: number;
  /** NaN when the message has no sentAt. */
  sentAt: number;
  /** The bench's message index from the text; -1 when the text is not this run's id. */
  k: number;
  /** How late the send was against the schedule, µs (from the text). */
  lateUs: number;
  /** Where the room name's bytes start and end (exclusive) in the buffer. */
  roomStart: number;
  roomEnd: number;
}

export function scannedMessage(): ScannedMessage {
  return { seq: 0, ts: 0, sentAt: Number.NaN, k: -1, lateUs: 0, roomStart: 0, roomEnd: 0 };
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COLON = 0x3a;
const bytes = (s: string): Buffer => Buffer.from(s, 'latin1');
const ROOM = bytes('{"room":"');
const SEQ = bytes('","seq":');
const ID = bytes(',"id":"');
const FROM = bytes('","from":"');
const TEXT = bytes('","text":"');
const TS = bytes('","ts":');
const SENT_AT = bytes(',"sentAt":');

/** Whether `b` holds `lit` at `at`. */
export function hasAt(b: Uint8Array, at: number, lit: Uint8Array): boolean {
  if (at + lit.length > b.length) return false;
  for (let i = 0; i < lit.length; i++) if (b[at + i] !== lit[i]) return false;
  return true;
}

/** End of a JSON string's bytes starting at `at` (the closing quote's index), or -1 if it holds an escape. */
function stringEnd(b: Uint8Array, at: number, limit: number): number {
  for (let i = at; i < limit; i++) {
    const c = b[i];
    if (c === QUOTE) return i;
    if (c === BACKSLASH) return -1;
  }
  return -1;
}

/** Scratch for number reads: the value and the index after it (readNumber's result). */
export const num = { value: 0, end: 0 };

/**
 * A JSON number at `at` into `num`: digits, an optional fraction; false for anything else.
 * The mantissa is gathered as an integer and divided once by a power of ten, which is exactly
 * what JSON.parse gives while the mantissa stays below 2^53 and the power at most 10^22 (both
 * exact doubles, and division rounds correctly); past that, Number() of the text.
 */
export function readNumber(b: Uint8Array, at: number, limit: number): boolean {
  let i = at;
  let negative = false;
  if (b[i] === 0x2d) {
    negative = true;
    i++;
  }
  let mantissa = 0;
  let digits = 0;
  let scale = 0;
  let seenDot = false;
  for (; i < limit; i++) {
    const c = b[i] as number;
    if (c >= 0x30 && c <= 0x39) {
      mantissa = mantissa * 10 + (c - 0x30);
      digits++;
      if (seenDot) scale++;
    } else if (c === 0x2e && !seenDot) seenDot = true;
    else if (c === 0x65 || c === 0x45) return false;
    else break;
  }
  if (digits === 0) return false;
  num.end = i;
  if (mantissa > Number.MAX_SAFE_INTEGER || scale > 22) {
    // Longer numbers (a sentAt of 17 significant digits, e.g. 1764298000123.4558: most
    // epoch-ms stamps with a µs fraction) are read by Number() of their text, which rounds
    // exactly as JSON.parse does; the text is short, so this stays far cheaper than a parse.
    let text = '';
    for (let j = at; j < i; j++) text += String.fromCharCode(b[j] as number);
    num.value = Number(text);
    return true;
  }
  const value = scale === 0 ? mantissa : mantissa / 10 ** scale;
  num.value = negative ? -value : value;
  return true;
}

/** A base-36 field of the id ending at ':' → num; false if empty or not base 36. */
function readBase36(b: Uint8Array, at: number, limit: number): boolean {
  let value = 0;
  let i = at;
  for (; i < limit; i++) {
    const c = b[i] as number;
    if (c === COLON) break;
    const d = c >= 0x30 && c <= 0x39 ? c - 0x30 : c >= 0x61 && c <= 0x7a ? c - 0x61 + 10 : -1;
    if (d < 0) return false;
    value = value * 36 + d;
  }
  if (i === at || i >= limit) return false;
  num.value = value;
  num.end = i + 1;
  return true;
}

/**
 * The id `<run>:<sender>:<k>:<pred|->:<lateUs>:` at the text's start: k and lateUs into `out`
 * (k = -1 when the text is not of run `run`).
 */
function readId(b: Uint8Array, at: number, end: number, run: Uint8Array, out: ScannedMessage): void {
  out.k = -1;
  if (!hasAt(b, at, run) || b[at + run.length] !== COLON) return;
  let i = at + run.length + 1;
  if (!readBase36(b, i, end)) return;
  i = num.end;
  if (!readBase36(b, i, end)) return;
  const k = num.value;
  i = num.end;
  if (b[i] === 0x2d && b[i + 1] === COLON) i += 2;
  else if (readBase36(b, i, end)) i = num.end;
  else return;
  if (!readBase36(b, i, end)) return;
  out.lateUs = num.value;
  out.k = k;
}

/**
 * One message object at `at` into `out`; returns the index after its closing brace, or -1
 * when the bytes are not the servers' exact layout (the caller then parses the whole thing).
 */
export function scanMessage(b: Uint8Array, at: number, limit: number, run: Uint8Array, out: ScannedMessage): number {
  if (!hasAt(b, at, ROOM)) return -1;
  out.roomStart = at + ROOM.length;
  out.roomEnd = stringEnd(b, out.roomStart, limit);
  if (out.roomEnd < 0 || !hasAt(b, out.roomEnd, SEQ)) return -1;
  if (!readNumber(b, out.roomEnd + SEQ.length, limit)) return -1;
  out.seq = num.value;
  if (!hasAt(b, num.end, ID)) return -1;
  const idEnd = stringEnd(b, num.end + ID.length, limit);
  if (idEnd < 0 || !hasAt(b, idEnd, FROM)) return -1;
  const fromEnd = stringEnd(b, idEnd + FROM.length, limit);
  if (fromEnd < 0 || !hasAt(b, fromEnd, TEXT)) return -1;
  const textStart = fromEnd + TEXT.length;
  const textEnd = stringEnd(b, textStart, limit);
  if (textEnd < 0 || !hasAt(b, textEnd, TS)) return -1;
  if (!readNumber(b, textEnd + TS.length, limit)) return -1;
  out.ts = num.value;
  let i = num.end;
  out.sentAt = Number.NaN;
  if (hasAt(b, i, SENT_AT)) {
    if (!readNumber(b, i + SENT_AT.length, limit)) return -1;
    out.sentAt = num.value;
    i = num.end;
  }
  if (b[i] !== 0x7d) return -1;
  readId(b, textStart, textEnd, run, out);
  return i + 1;
}

/** Whether the room name scanned into `out` is `room` (its bytes). */
export function roomIs(b: Uint8Array, out: ScannedMessage, room: Uint8Array): boolean {
  return out.roomEnd - out.roomStart === room.length && hasAt(b, out.roomStart, room);
}

export { bytes as latin1Bytes };

/**
 * A JSON array of messages at `at` (its '['): each message of room `room` goes to `each`
 * (the same scratch `out` every time). Returns the index after ']', or -1 when the layout is
 * not the servers' (then how many were already scanned, and handed over if of the room, is in `scanList.scanned`).
 */
export function scanList(b: Uint8Array, at: number, limit: number, run: Uint8Array, room: Uint8Array, out: ScannedMessage, each: (m: ScannedMessage) => void): number {
  scanList.scanned = 0;
  if (b[at] !== 0x5b) return -1;
  let i = at + 1;
  if (b[i] === 0x5d) return i + 1;
  for (;;) {
    const end = scanMessage(b, i, limit, run, out);
    if (end < 0) return -1;
    scanList.scanned++;
    if (roomIs(b, out, room)) each(out);
    if (b[end] === 0x2c) i = end + 1;
    else if (b[end] === 0x5d) return end + 1;
    else return -1;
  }
}
scanList.scanned = 0;
